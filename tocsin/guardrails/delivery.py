"""R-LIMIT, R-CADENCE and R-DRILL: what the channel takes, the promise of the next update, and
drills that nobody can take for a real alert."""

from __future__ import annotations

import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from tocsin.channels import profile
from tocsin.channels.messaging import gsm7_rewording, outside_gsm7
from tocsin.guardrails.base import CheckContext, Say, Text, finding, rule, whole
from tocsin.models import Channel, Finding, PhaseName, Severity

EXERCISE_LABELS = {"fr": "EXERCICE", "en": "EXERCISE", "de": "ÜBUNG"}

OVER = Say("Trop long pour {channel} : {problem}.", "Too long for {channel}: {problem}.")
OVER_FIX = Say(
    "Raccourcissez le texte (rien n’est jamais coupé automatiquement).",
    "Shorten the text (nothing is ever cut automatically).",
)


UCS2 = Say(
    "{channel} en UCS-2 à cause de « {char} » (« {word} ») : GSM-7 ne l’a pas, et {unit} "
    "porte {ucs2} caractères au lieu de {gsm7}.",
    "{channel_en} in UCS-2 because of '{char}' ('{word}'): GSM-7 lacks it, and {unit_en} "
    "carries {ucs2} characters instead of {gsm7}.",
)
UCS2_FIX = Say(
    "Écrivez plutôt {rewording}.",
    "Write {rewording} instead.",
)
UCS2_FIX_ANY = Say(
    "Choisissez un mot sans « {char} » : retirer l’accent ferait une faute.",
    "Choose a word without '{char}': stripping the accent would be a misspelling.",
)
# What one unit carries in GSM-7 and in UCS-2: an SMS segment, a broadcast page.
GSM_UNITS = {
    Channel.SMS: ("SMS", "SMS", "un segment", "a segment", 160, 70),
    Channel.CELL_BROADCAST: (
        "Diffusion cellulaire",
        "Cell broadcast",
        "une page",
        "a page",
        93,
        41,
    ),
}
_WORD_AROUND = re.compile(r"\S+")


@rule(
    "R-LIMIT",
    Severity.BLOCKING,
    "Limites du canal",
    "Channel limits",
    "Profils de canaux (tocsin/channels), chiffres de DOMAIN.md",
)
def channel_limits(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """A text over its channel's limit, counted as the platform counts (X's weighted
    characters, SMS segments, broadcast pages, Instagram's five hashtags...), is blocking: the
    platform would refuse or cut it. An SMS or a cell broadcast that a character pushes out of
    GSM-7 into UCS-2 (« ° », « ê », « ç ») is a warning naming the character, with a wording
    that stays in GSM-7 and stays correct (« 38 degrés »)."""
    yield from _ucs2(text, ctx)
    if ctx.measure is None or ctx.channel is None:
        return
    start, end = whole(text)
    for problem in ctx.measure.problems:
        yield finding(
            text,
            ctx,
            "R-LIMIT",
            start,
            end,
            OVER.format(channel=ctx.channel.value, problem=problem),
            OVER_FIX,
        )


def _ucs2(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    if ctx.channel not in GSM_UNITS:
        return
    label, label_en, unit, unit_en, gsm7, ucs2 = GSM_UNITS[ctx.channel]
    for char in outside_gsm7(profile(ctx.channel).prepare(text.raw))[:5]:
        at = text.plain.find(char)
        if at < 0:
            continue
        word = next(w for w in _WORD_AROUND.finditer(text.plain) if w.start() <= at < w.end())
        start, end = word.start(), word.end()
        if char == "°":  # « 38 °C »: the number goes with its unit
            before = re.search(r"\d+\s?$", text.plain[:start])
            start = before.start() if before else start
        while end > start + 1 and text.plain[end - 1] in ".,;:!?)»\"'":
            end -= 1
        while start < at and text.plain[start] in "(«\"'":
            start += 1
        raw_start, raw_end = text.raw_span(start, end)
        shown = text.raw[raw_start:raw_end]
        window = text.plain[start : end + 20]
        rewording = gsm7_rewording(shown) or gsm7_rewording(window)
        fix = UCS2_FIX.format(rewording=rewording) if rewording else UCS2_FIX_ANY.format(char=char)
        yield finding(
            text,
            ctx,
            "R-LIMIT",
            start,
            end,
            UCS2.format(
                channel=label,
                channel_en=label_en,
                char=char,
                word=shown,
                unit=unit,
                unit_en=unit_en,
                ucs2=ucs2,
                gsm7=gsm7,
            ),
            fix,
            Severity.WARNING,
        )


# Alerts (FR-Alert, LU-Alert) say what to do now; the information channels carry the cadence.
CADENCE_EXEMPT = frozenset({Channel.CELL_BROADCAST})
CADENCE_PHASES = frozenset({PhaseName.ACKNOWLEDGE, PhaseName.FOLLOW_UP})
_ANNOUNCE = {
    "fr": re.compile(
        r"prochain\s+point|prochaine\s+mise\s+à\s+jour|prochain\s+bulletin|"
        r"prochain\s+communiqué|nouveau\s+point|nous\s+reviendrons\s+vers\s+vous",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"next\s+(?:update|briefing|information)|further\s+update|"
        r"we\s+will\s+(?:update\s+you|give\s+(?:you\s+)?(?:an?\s+)?(?:new\s+)?(?:update|information))",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"nächste[nrs]?\s+(?:Info(?:rmation)?|Update|Lagebericht|Meldung)|"
        r"wir\s+informieren\s+Sie\s+erneut",
        re.IGNORECASE,
    ),
}
_TIME = re.compile(
    # « 12 Uhr 5 » is said in German for 12:05.
    r"(?<!\d)([01]?\d|2[0-3])\s?(?:heures?|h|:|\.|Uhr\s?)\s?([0-5]\d|(?<=Uhr )\d)?(?!\d)",
    re.IGNORECASE,
)
# « 8:25 a.m. », « 2 p.m. » (a script read aloud in English), and the hours said as words.
_TWELVE = re.compile(r"(?<![\d:])(1[0-2]|0?\d)(?::([0-5]\d))?\s?([ap])\.?m\b\.?", re.IGNORECASE)
_SAID_HOURS = re.compile(
    r"\b(midi|minuit|noon|midnight|Mitternacht)\b(?:\s([0-5]\d)(?!\d))?", re.IGNORECASE
)
_HOUR_WORDS = {"midi": 12, "noon": 12, "minuit": 0, "midnight": 0, "mitternacht": 0}


def announced_times(window: str) -> list[tuple[re.Match[str], tuple[int, int]]]:
    """The times written or said in ``window``, in order: « 10 h 30 », « 8 heures 25 »,
    « 10:30 », « 10:30 Uhr », « 2:30 p.m. », « midi »."""
    found: list[tuple[re.Match[str], tuple[int, int]]] = []
    for m in _TWELVE.finditer(window):
        hour = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
        found.append((m, (hour, int(m.group(2) or 0))))
    for m in _SAID_HOURS.finditer(window):
        found.append((m, (_HOUR_WORDS[m.group(1).lower()], int(m.group(2) or 0))))
    taken = [(m.start(), m.end()) for m, _ in found]
    for m in _TIME.finditer(window):
        if any(start < m.end() and m.start() < end for start, end in taken):
            continue
        if m.group(2) or "h" in m.group().lower() or "Uhr" in m.group():
            found.append((m, (int(m.group(1)), int(m.group(2) or 0))))
    return sorted(found, key=lambda item: item[0].start())


MISSING = Say(
    "Le message n’annonce pas l’heure du prochain point{expected}.",
    "The statement does not announce when the next update comes{expected_en}.",
)
MISSING_FIX = Say(
    "Ajoutez « Prochain point à … » : le public doit savoir quand revenir.",
    "Add 'Next update at …': people must know when to come back.",
)
DIFFERENT = Say(
    "Heure annoncée « {match} » différente du prochain point prévu par la crise ({expected}).",
    "Announced time '{match}' differs from the crisis's next update ({expected}).",
)
DIFFERENT_FIX = Say(
    "Annoncez l’heure que la crise tiendra ({expected}).",
    "Announce the time the crisis will keep ({expected}).",
)


@rule(
    "R-CADENCE",
    Severity.WARNING,
    "Cadence annoncée",
    "Announced cadence",
    "CERC (CDC) : annoncer le prochain point et s’y tenir ; pratique des préfectures",
)
def cadence(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """Every acknowledge and follow-up statement (alerts by cell broadcast aside) announces when
    the next update comes: missing, a warning; a time other than the one the crisis will keep,
    blocking (the public would be told one time and served another)."""
    if ctx.phase not in CADENCE_PHASES or ctx.channel in CADENCE_EXEMPT:
        return
    plain = text.plain
    expected = None
    if ctx.next_update_at is not None:
        local = ctx.next_update_at.astimezone(ZoneInfo(ctx.timezone))
        expected = (local.hour, local.minute)
    announce = _ANNOUNCE.get(ctx.language)
    phrase = announce.search(plain) if announce else None
    times = []
    if phrase is not None:
        window = plain[phrase.end() : phrase.end() + 60]
        times = announced_times(window)
    if phrase is None or not times:
        start, end = whole(text)
        shown = f"{expected[0]:02d}:{expected[1]:02d}" if expected else ""
        yield finding(
            text,
            ctx,
            "R-CADENCE",
            start,
            end,
            MISSING.format(
                expected=f" (prévu à {shown})" if shown else "",
                expected_en=f" (due at {shown})" if shown else "",
            ),
            MISSING_FIX,
        )
        return
    if expected is not None and all(value != expected for _, value in times):
        match, _ = times[0]
        start = phrase.end() + match.start()
        shown = f"{expected[0]:02d}:{expected[1]:02d}"
        yield finding(
            text,
            ctx,
            "R-CADENCE",
            start,
            start + len(match.group()),
            DIFFERENT.format(match=match.group(), expected=shown),
            DIFFERENT_FIX.format(expected=shown),
            Severity.BLOCKING,
        )


NO_LABEL = Say(
    "Exercice : le texte ne dit pas « {label} ».",
    "Drill: the text does not say '{label}'.",
)
NO_LABEL_FIX = Say(
    "Remettez « {label} » en tête : personne ne doit le prendre pour une vraie alerte.",
    "Put '{label}' back at the start: nobody may take it for a real alert.",
)
REAL_LABEL = Say(
    "Crise réelle, mais le texte dit « {label} ».",
    "Real crisis, but the text says '{label}'.",
)
REAL_LABEL_FIX = Say("Retirez la mention d’exercice.", "Remove the drill label.")


@rule(
    "R-DRILL",
    Severity.BLOCKING,
    "Exercices",
    "Drills",
    "ORSEC (DGSCGC G.4) ; FR-Alert et LU-Alert : messages d’exercice marqués « Exercice »",
)
def drill(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """A crisis triggered as an exercise has « EXERCICE » (EXERCISE, ÜBUNG) in every statement:
    missing, blocking. A real crisis's statement that says it is a drill is a warning. Drills are
    never published to a real channel (the publish activity writes them under exercices/)."""
    label = EXERCISE_LABELS.get(ctx.language, "EXERCICE")
    # Any case in a drill; in capitals only in a real crisis (« l’exercice de ses fonctions »).
    flags = re.IGNORECASE if ctx.exercise else 0
    found = re.search(rf"(?<!\w){label}(?!\w)", text.plain, flags)
    start, _ = whole(text)
    if ctx.exercise and found is None:
        yield finding(
            text,
            ctx,
            "R-DRILL",
            start,
            start,
            NO_LABEL.format(label=label),
            NO_LABEL_FIX.format(label=label),
        )
    elif not ctx.exercise and found is not None:
        yield finding(
            text,
            ctx,
            "R-DRILL",
            found.start(),
            found.end(),
            REAL_LABEL.format(label=label),
            REAL_LABEL_FIX,
            Severity.WARNING,
        )
