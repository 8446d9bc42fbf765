"""R-VOICE: the institution's voice: « nous », not « je »; the institutional register; the
playbook's tone."""

from __future__ import annotations

import re
from collections.abc import Iterator

from tocsin.guardrails.base import CheckContext, Say, Text, finding, quoted, rule, sentences
from tocsin.guardrails.lexicon import categories, lexicon_findings
from tocsin.models import Finding, Severity

# Words in capitals a sober statement may still hold: drill labels and short acronyms.
ALLOWED_CAPITALS = frozenset({"EXERCICE", "EXERCISE", "ÜBUNG", "URGENT", "ALERTE"})
_SHOUT = re.compile(r"(?<![\w\-])[A-ZÀ-ÖØ-Þ]{5,}(?![\w\-])")
_EXCLAIM = re.compile(r"!+")
EXCLAMATIONS = 2  # sentences ending in one: a tone, where one alone is emphasis
# A sender's label opening a line, as SMS and alerts write it: « PREFECTURE 33: ... ».
_SENDER = re.compile(r"(?<![^\n])[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ0-9 \-]{0,30}:")
# An acronym, not a word shouted: after an article or a preposition (« l'EHPAD », « das
# CGDIS », "the NHS"), or in parentheses.
_ACRONYM_BEFORE = re.compile(
    r"(?:\b(?:le|la|les|l'|du|des|de|d'|au|aux|un|une|par|pour|avec|das|der|die|dem|den|des|"
    r"im|vom|zum|beim|the|a|an|of|by|from|with|plan|dispositif|cellule|réseau|centre|numéro|"
    r"niveau|programme)\s*|\()$",
    re.IGNORECASE,
)
# A headline line in capitals is a layout choice; a whole sentence in capitals is shouted.
SHOUTED_LINE_WORDS = 7
# A keycap digit (« 4️⃣ ») says a number with a picture: a word's place taken by an emoji.
_KEYCAP = re.compile("[0-9#*]\ufe0f?\u20e3")
KEYCAP = Say(
    "Émoji à la place d’un chiffre : « {match} ».",
    "An emoji in place of a number: '{match}'.",
)
KEYCAP_FIX = Say(
    "Écrivez le chiffre ; les lecteurs d’écran lisent « touche 4 ».",
    "Write the digit; screen readers say 'keycap 4'.",
)

SHOUTING = Say(
    "Majuscules criardes : « {match} » ; le ton du playbook est sobre.",
    "Shouting capitals: '{match}'; the playbook's tone is sober.",
)
SHOUTING_FIX = Say(
    "Écrivez en minuscules ; si le danger l’exige, le playbook peut déclarer le ton « alerte ».",
    "Write in lower case; if danger requires it, the playbook may declare the 'alerte' tone.",
)
# Faces and gestures that say a mood (Unicode's emoticons and supplemental faces): the register
# of a personal message, not of an institution.
_MOOD = re.compile(
    "[\U0001f600-\U0001f64f\U0001f910-\U0001f92f\U0001f970-\U0001f97f\U0001fae0-\U0001fae8]"
)
MOOD = Say(
    "Émoji d’humeur « {match} » : registre familier.",
    "Mood emoji '{match}': informal register.",
)
MOOD_FIX = Say(
    "Retirez-le : une institution dit les faits et les consignes, pas son humeur.",
    "Remove it: an institution states facts and instructions, not its mood.",
)
EXCLAIM = Say(
    "Point d’exclamation : le ton du playbook est sobre.",
    "Exclamation mark: the playbook's tone is sober.",
)
EXCLAIM_FIX = Say(
    "Remplacez-le par un point ; la consigne se suffit à elle-même.",
    "Use a full stop; the instruction speaks for itself.",
)


@rule(
    "R-VOICE",
    Severity.WARNING,
    "Voix institutionnelle",
    "Institutional voice",
    "Charte des réseaux sociaux de l’État ; guide des réseaux sociaux (Luxembourg)",
)
def institutional_voice(text: Text, ctx: CheckContext) -> Iterator[Finding]:
    """« je »/"I"/"ich" outside quotation marks (not in the reader's own questions), the
    familiar register (words, spoken syntax such as « c'est pas », « faut », mood emoji,
    keycap digits), and a tone inconsistent with the playbook's: in a « sobre » playbook,
    exclamation marks repeated or in several sentences, words shouted in capitals (not
    acronyms) and whole sentences in capitals (a short headline in capitals is a layout
    choice). Words inside quotation marks are
    someone's own and are left alone."""
    skip = quoted(text.plain)
    # « Où puis-je trouver de l'eau ? »: a question in the reader's words (a FAQ), not the
    # institution speaking of itself.
    asked = [(s, e) for s, e in sentences(text.plain) if text.plain[s:e].endswith("?")]
    yield from lexicon_findings("R-VOICE", text, ctx, skip=skip + asked, only={"first_person"})
    others = {c.name for c in categories("R-VOICE", ctx)} - {"first_person"}
    yield from lexicon_findings("R-VOICE", text, ctx, skip=skip, only=others)
    for match in _KEYCAP.finditer(text.plain):
        message = KEYCAP.format(match=match.group())
        yield finding(text, ctx, "R-VOICE", match.start(), match.end(), message, KEYCAP_FIX)
    for match in _MOOD.finditer(text.plain):
        if not any(s <= match.start() < e for s, e in skip):
            yield finding(
                text,
                ctx,
                "R-VOICE",
                match.start(),
                match.end(),
                MOOD.format(match=match.group()),
                MOOD_FIX,
            )
    if ctx.policy.tone != "sobre":
        return
    headlines = []
    for line in re.finditer(r"[^\n]+", text.plain):
        if not line.group().strip() or line.group() != line.group().upper():
            continue
        if len(re.findall(r"[^\W\d_]{2,}", line.group())) < SHOUTED_LINE_WORDS:
            headlines.append((line.start(), line.end()))
    for match in _SHOUT.finditer(text.plain):
        if (
            match.group() in ALLOWED_CAPITALS
            or any(s <= match.start() < e for s, e in [*skip, *headlines])
            or _SENDER.match(text.plain, match.start())
            or _ACRONYM_BEFORE.search(text.plain, max(0, match.start() - 12), match.start())
        ):
            continue
        yield finding(
            text,
            ctx,
            "R-VOICE",
            match.start(),
            match.end(),
            SHOUTING.format(match=match.group()),
            SHOUTING_FIX,
        )
    # One exclamation mark closing an instruction or a thanks (« Ne traversez pas ! ») is
    # common institutional emphasis; repeated (« !!! ») or in several sentences it is a tone.
    marks = [
        m for m in _EXCLAIM.finditer(text.plain) if not any(s <= m.start() < e for s, e in skip)
    ]
    if len(marks) >= EXCLAMATIONS or any(len(m.group()) > 1 for m in marks):
        for match in marks:
            yield finding(text, ctx, "R-VOICE", match.start(), match.end(), EXCLAIM, EXCLAIM_FIX)
