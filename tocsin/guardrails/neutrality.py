"""R-NEUTRAL and R-ELECTION: what a public agent may say, always and in an electoral period."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import phonenumbers

from tocsin.guardrails.appraisal import record
from tocsin.guardrails.base import CheckContext, Say, Text, finding, rule, sentences
from tocsin.guardrails.elections import active_windows
from tocsin.guardrails.lexicon import lexicon_findings
from tocsin.guardrails.names import NAME
from tocsin.guardrails.rhetoric import judged
from tocsin.models import Finding, Severity


@rule(
    "R-NEUTRAL",
    Severity.BLOCKING,
    "Neutralité et devoir de réserve",
    "Neutrality and duty of restraint",
    "Code général de la fonction publique L121-2 ; CE 1935 Bouzanquet ; CE 2018 n°412541",
)
def neutrality(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """Partisan or political wording and denigration of the administration or of other public
    bodies are blocking; personal opinions are a warning. Lexicons in French, English and
    German (data/lexicon.yml), extended by the organisation; and, past the lists, a judgement
    said of a public body, a political camp or an office holder (appraisal.py) or a body run
    down by contrast, repetition, delay or irony (rhetoric.py): blame of any, praise of a camp
    or of an office holder."""
    both = _both_sides(text.plain)
    yield from lexicon_findings("R-NEUTRAL", text, ctx, skip=both, only={"partisan"})
    yield from lexicon_findings("R-NEUTRAL", text, ctx, only={"denigration", "opinion"})
    for item in judged(text.plain, ctx.language):
        if item.polarity < 0:
            message = DENIGRATION.format(
                match=text.plain[item.start : item.end], target=item.target
            )
            fix = DENIGRATION_FIX
        elif item.kinds & {"political", "office"}:
            message = PRAISE.format(match=text.plain[item.start : item.end], target=item.target)
            fix = PRAISE_FIX
        else:
            continue
        yield finding(text, ctx, "R-NEUTRAL", item.start, item.end, message, fix)


# Majority and opposition named together (« les élus de la majorité et de l'opposition »): who
# was there, no side taken.
_BOTH_SIDES = re.compile(
    r"\b(?:majorit\w*|majority|Mehrheit)\b.{0,40}?\b(?:et|and|und|comme)\s+(?:\w+['’\s]+){0,2}?"
    r"opposition\b|\bopposition\b.{0,40}?\b(?:et|and|und|comme)\s+(?:\w+['’\s]+){0,2}?"
    r"(?:majorit\w*|majority|Mehrheit)\b",
    re.IGNORECASE,
)


def _both_sides(plain: str) -> list[tuple[int, int]]:
    """The sentences that name the majority and the opposition together."""
    return [(s, e) for s, e in sentences(plain) if _BOTH_SIDES.search(plain, s, e)]


DENIGRATION = Say(
    "Jugement porté sur « {target} » : « {match} ». Un agent public ne dénigre ni "
    "l’administration ni un autre organisme public (devoir de réserve).",
    "Judgement passed on '{target}': '{match}'. A public agent does not run down the "
    "administration or another public body (duty of restraint).",
)
DENIGRATION_FIX = Say(
    "Décrivez les faits et ce qui est fait, sans jugement sur qui que ce soit.",
    "State the facts and what is being done, without judging anyone.",
)
PRAISE = Say(
    "Éloge d’un élu ou d’un camp politique (« {target} ») : « {match} ». Un message "
    "institutionnel reste neutre.",
    "Praise of an office holder or a political camp ('{target}'): '{match}'. An institutional "
    "statement stays neutral.",
)
PRAISE_FIX = Say(
    "Retirez l’éloge ; dites ce qui a été décidé ou fait, par l’institution.",
    "Remove the praise; say what was decided or done, by the institution.",
)
SELF_PRAISE = Say(
    "Éloge de l’action d’une collectivité en période électorale : « {match} » ({window}, "
    "Code électoral L52-1).",
    "Praise of a public body's action during an electoral period: '{match}' ({window}, French "
    "electoral code L52-1).",
)
RECORD = Say(
    "Bilan ou réalisations de la collectivité mis en avant en période électorale : "
    "« {match} » ({window}, Code électoral L52-1).",
    "The public body's record put forward during an electoral period: '{match}' ({window}, "
    "French electoral code L52-1).",
)
RECORD_FIX = Say(
    "Restez strictement factuel sur la crise : ce qui se passe, ce qu’il faut faire, où "
    "s’informer ; ni bilan, ni comparaison, ni éloge.",
    "Stay strictly factual about the crisis: what is happening, what to do, where to learn "
    "more; no record, no comparison, no praise.",
)


TITLES = {
    "fr": r"maires?|adjointe?s?\s+(?:au\s+maire|à\s+l[a']\s?\w+|aux\s+\w+|chargée?\s+d[eu']\s?\w+)|"
    r"premi(?:er|ère)\s+adjointe?|députée?s?|"
    r"sénat(?:eur|rice)s?|conseill(?:er|ère)s?\s+(?:municipa(?:l|le|ux)|départementa(?:l|le|ux)"
    r"|régiona(?:l|le|ux))|présidente?\s+du\s+conseil\s+(?:départemental|régional)|"
    r"présidente?\s+de\s+(?:la\s+région|la\s+métropole|l'agglomération|la\s+communauté)|"
    r"bourgmestre|échevine?|ministre",
    "en": r"mayor|deputy\s+mayor|councillor|council\s+leader|MP|senator|minister",
    "de": r"Bürgermeister(?:in)?|Schöffe|Schöffin|Abgeordnete[rn]?|Minister(?:in)?",
}
_TITLE = {
    lang: re.compile(rf"(?<![\w\-])(?:{t})(?![\w\-])", re.IGNORECASE) for lang, t in TITLES.items()
}
# An office holder credited with what was obtained (« le maire a obtenu 2 millions »): put
# forward as much as by name.
_ACHIEVED = {
    "fr": re.compile(
        r"[^.;:!?]{0,40}?\b(?:a|ont)\s+(?:\w+\s+){0,3}?(?:obtenu|décroché|arraché|réussi|sauvé|gagné)\b",
        re.IGNORECASE,
    ),
    "en": re.compile(
        r"[^.;:!?]{0,40}?\b(?:has|have)\s+(?:\w+\s+)?(?:secured|delivered|won|achieved|obtained|saved)\b",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"[^.;:!?]{0,40}?\b(?:hat|haben)\s+(?:[\w\-]+\s+){0,6}?(?:erreicht|durchgesetzt|geschafft|"
        r"gesichert|erkämpft|geholt)\b",
        re.IGNORECASE,
    ),
}
_NAME_AFTER = re.compile(
    rf"\s*,?\s*(?:M\.|Mme|Monsieur|Madame|Mr\.?|Mrs\.?|Ms\.?|Herr|Frau)?\s*({NAME})"
)
_NAME_BEFORE = re.compile(rf"({NAME})\s*,\s*$")

PUT_FORWARD = Say(
    "Élu mis en avant en période électorale : « {match} » ({window}).",
    "Elected official put forward during an electoral period: '{match}' ({window}).",
)
PUT_FORWARD_FIX = Say(
    "Parlez de l’institution (« la commune », « la mairie »), pas de l’élu nommément.",
    "Speak of the institution ('the town council'), not of the official by name.",
)
MENTIONED = Say(
    "Un élu est mentionné en période électorale : « {match} » ({window}).",
    "An elected official is mentioned during an electoral period: '{match}' ({window}).",
)
MENTIONED_FIX = Say(
    "Vérifiez que la mention est strictement factuelle (un arrêté, une décision), sans éloge.",
    "Check that the mention is strictly factual (an order, a decision), with no praise.",
)
FREE_NUMBER = Say(
    "Numéro gratuit en période électorale : « {match} » n’est pas le numéro officiel de la "
    "crise (Code électoral L50-1).",
    "Free phone number during an electoral period: '{match}' is not the crisis's official "
    "hotline (French electoral code L50-1).",
)
FREE_NUMBER_FIX = Say(
    "N’indiquez que le numéro d’information officiel du playbook, ou déclarez ce numéro dans "
    "la configuration de l’organisation.",
    "Give only the playbook's official hotline, or declare this number in the organisation's "
    "settings.",
)


@rule(
    "R-ELECTION",
    Severity.BLOCKING,
    "Période électorale",
    "Electoral period",
    "Code électoral L52-1 al. 2 et L50-1 ; circulaires de période de réserve",
)
def electoral_period(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """Inside the L52-1 window of an election on the calendar (or a declared période de
    réserve), statements stay factual: praise of the collectivité's achievements, an elected
    official put forward by name and new-campaign wording are blocking; a mere mention of an
    elected office and a free phone number other than the playbook's own hotline are warnings.
    Outside every window this rule says nothing."""
    windows = active_windows(ctx.settings, ctx.on)
    if not windows:
        return
    label = windows[0].name
    for found in lexicon_findings("R-ELECTION", text, ctx):
        yield found.model_copy(
            update={
                "message": f"{found.message} — {label}",
                "message_en": f"{found.message_en} — {label}",
            }
        )
    yield from _elected_officials(text, ctx, label)
    yield from _free_numbers(text, ctx)
    plain = text.plain
    for item in judged(plain, ctx.language):
        if item.polarity > 0 and item.kinds & {"body", "office"}:
            message = SELF_PRAISE.format(match=plain[item.start : item.end], window=label)
            yield finding(text, ctx, "R-ELECTION", item.start, item.end, message, RECORD_FIX)
    for start, end in record(plain, ctx.language):
        message = RECORD.format(match=plain[start:end][:120], window=label)
        yield finding(text, ctx, "R-ELECTION", start, end, message, RECORD_FIX)


def _elected_officials(text: Text, ctx: CheckContext, label: str) -> Iterator[Finding]:
    plain = text.plain
    named: list[tuple[int, int]] = []
    lowered = plain.lower()
    for official in ctx.settings.elected_officials:
        start = lowered.find(official.lower())
        while start >= 0:
            named.append((start, start + len(official)))
            start = lowered.find(official.lower(), start + 1)
    title = _TITLE.get(ctx.language)
    mentions: list[tuple[int, int]] = []
    if title is not None:
        for match in title.finditer(plain):
            after = _NAME_AFTER.match(plain, match.end())
            before = _NAME_BEFORE.search(plain, 0, match.start())
            credited = _ACHIEVED[ctx.language].match(plain, match.end())
            if credited:  # « votre maire a obtenu »
                named.append((match.start(), credited.end()))
            elif after and not _is_place(after.group(1), ctx):
                named.append((match.start(), after.end()))
            elif before and not _is_place(before.group(1), ctx):
                named.append((before.start(), match.end()))
            else:
                mentions.append((match.start(), match.end()))
    for start, end in named:
        yield finding(
            text,
            ctx,
            "R-ELECTION",
            start,
            end,
            PUT_FORWARD.format(match=plain[start:end], window=label),
            PUT_FORWARD_FIX,
            Severity.BLOCKING,
        )
    for start, end in mentions:
        if not any(s <= start < e for s, e in named):
            yield finding(
                text,
                ctx,
                "R-ELECTION",
                start,
                end,
                MENTIONED.format(match=plain[start:end], window=label),
                MENTIONED_FIX,
                Severity.WARNING,
            )


def _is_place(name: str, ctx: CheckContext) -> bool:
    """« le maire de Saint-Aubin » names a place, not a person; so do parameter values."""
    return any(name in value or value in name for value in ctx.known_values if value)


MIN_PHONE_DIGITS = 8  # Luxembourg has valid 4- to 6-digit numbers: too close to a postcode


def phone_matches(plain: str, ctx: CheckContext) -> Iterator[phonenumbers.PhoneNumberMatch]:
    """The text's phone numbers, read as the organisation's country writes them, then as the
    other one's (a Luxembourg mobile in a French crisis, and the other way round)."""
    first = "LU" if ctx.timezone == "Europe/Luxembourg" else "FR"
    found = list(_phone_numbers(plain, first))
    yield from found
    for match in _phone_numbers(plain, "FR" if first == "LU" else "LU"):
        if not any(m.start < match.end and match.start < m.end for m in found):
            yield match


@functools.lru_cache(maxsize=256)
def _phone_numbers(plain: str, region: str) -> tuple[phonenumbers.PhoneNumberMatch, ...]:
    """The text's phone numbers, found once for the two rules that read them (R-ELECTION's
    free numbers, R-PRIVACY's personal ones)."""
    if sum(ch.isdigit() for ch in plain) < MIN_PHONE_DIGITS:
        return ()
    return tuple(
        match
        for match in phonenumbers.PhoneNumberMatcher(
            plain, region, leniency=phonenumbers.Leniency.VALID
        )
        if sum(ch.isdigit() for ch in match.raw_string) >= MIN_PHONE_DIGITS
    )


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# A free number given as the public's information line is the crisis's own, not a candidate's.
_INFORMATION_LINE = re.compile(
    r"cellule\s+d['’]\s?information|numéro\s+(?:vert|d['’]\s?information|unique)|information\s+du\s+"
    r"public|hotline|helpline|information\s+line|Bürgertelefon|Infotelefon|Informationstelefon",
    re.IGNORECASE,
)


def _free_numbers(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    for match in phone_matches(text.plain, ctx):
        if phonenumbers.number_type(match.number) != phonenumbers.PhoneNumberType.TOLL_FREE:
            continue
        if e164(match.number) in ctx.hotlines or _INFORMATION_LINE.search(
            text.plain, max(0, match.start - 80), match.start
        ):
            continue
        yield finding(
            text,
            ctx,
            "R-ELECTION",
            match.start,
            match.end,
            FREE_NUMBER.format(match=match.raw_string),
            FREE_NUMBER_FIX,
            Severity.WARNING,
        )
