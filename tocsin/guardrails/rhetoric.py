"""Rhetoric: how a statement runs down another public body, or praises an office holder, with
no word that judges (R-NEUTRAL, R-ELECTION). appraisal.py finds a judging word said of a
target; this finds the moves around a target (data/appraisal.yml, ``rhetoric``):

- contrast: the target set against the institution or a third body (« contrairement à la
  commune voisine », "unlike the neighbouring commune", « anders als die Nachbargemeinde »);
- us and them: the institution set against a body named in the sentence or the one before, by
  a cleft or a dislocation (« mais ce sont nos communes qui paient », « la mairie, elle,
  publie… » after another body, "but it is our municipality that…");
- again or late: « une fois de plus », "took them three days", « erst nach drei Tagen », unless
  the sentence is a reminder (« la préfecture rappelle une nouvelle fois ») or praise;
- doubt and irony: « on se demande », "speaks for itself", « a enfin daigné », « légendaire »;
- thanks to an office holder as one's own (« merci à notre maire »): praise of the person.

A capital or a seat that stands for a government (« Bruxelles », "Whitehall", « Berlin ») is a
target here. Every move counts only with a target where it says: the same words about the
weather or about the public judge no one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from tocsin.guardrails import appraisal
from tocsin.guardrails.appraisal import KINDS, Appraisal
from tocsin.guardrails.base import sentences
from tocsin.guardrails.lexicon import WORD_END, WORD_START, entry_body

CONTRAST_REACH = 60  # characters after a contrast marker where its target may start
_CLAUSE = re.compile(r"[.;:!?]")
_OURS = re.compile(r"\b(?:nos|notre|our|unser\w*)\s+$", re.IGNORECASE)
# Others in general (« plus que toute autre commune »): a ranking, R-ELECTION's, not a body run
# down.
_ANY_OTHER = re.compile(
    r"\b(?:jamais|ever|je|tout(?:e|es)?\s+(?:les\s+)?autres?|aucune?\s+autre|les\s+autres|any\s+other|all\s+other|"
    r"every\s+other|jede[rsnm]?\s+andere|alle\s+anderen|keine\s+andere)\b",
    re.IGNORECASE,
)


@functools.cache
def _pattern(lang: str, part: str) -> re.Pattern[str] | None:
    entries = [str(e) for e in (appraisal.data().get("rhetoric", {}).get(part) or {}).get(lang, [])]
    if not entries:
        return None
    bodies = sorted(
        (f"(?-i:{body})" if sensitive else body for body, sensitive in map(entry_body, entries)),
        key=len,
        reverse=True,
    )
    return re.compile(rf"{WORD_START}(?:{'|'.join(bodies)}){WORD_END}", re.IGNORECASE)


def _targets(plain: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    listed = appraisal.target_pattern(lang).finditer(plain, start, end)
    found = [(m.start(), m.end()) for m in listed]
    metonyms = _pattern(lang, "metonyms")
    if metonyms is not None:
        found += [(m.start(), m.end()) for m in metonyms.finditer(plain, start, end)]
    return sorted(found)


def _kinds(plain: str, span: tuple[int, int], lang: str) -> frozenset[str]:
    text = plain[span[0] : span[1]].lower()
    listed = appraisal.words(lang).targets
    found = {k for k in KINDS for e in listed[k] if _names(text, e.lstrip("*"), lang)}
    return frozenset(found) or frozenset({"body"})


def _names(text: str, entry: str, lang: str) -> bool:
    """Whether a target's words name an entry: French by its stem (entries are lemmas),
    English by its beginning, German anywhere in the compound."""
    if lang == "de":
        return entry in text
    return text.startswith(entry[:5] if lang == "fr" else entry)


@functools.lru_cache(maxsize=appraisal.APPRAISAL_CACHE)
def judged(plain: str, lang: str) -> tuple[Appraisal, ...]:
    """Every judgement of a target in ``plain``: appraisal.py's and the rhetoric's."""
    found = list(appraisal.appraisals(plain, lang))
    if lang in appraisal.LANGS:
        found += [a for a in _moves(plain, lang) if not _covered(a, found)]
    return tuple(sorted(set(found), key=lambda a: (a.start, a.end)))


def _covered(item: Appraisal, found: list[Appraisal]) -> bool:
    return any(a.start < item.end and item.start < a.end for a in found)


def _moves(plain: str, lang: str) -> Iterator[Appraisal]:
    spans = list(sentences(plain))
    before: list[tuple[int, int]] = []
    for start, end in spans:
        here = _targets(plain, start, end, lang)
        if here or before:
            yield from _sentence(plain, start, end, lang, here, before)
        before = here


def _sentence(
    plain: str,
    start: int,
    end: int,
    lang: str,
    here: list[tuple[int, int]],
    before: list[tuple[int, int]],
) -> Iterator[Appraisal]:
    def blame(match: re.Match[str], target: tuple[int, int]) -> Appraisal:
        words = plain[target[0] : target[1]]
        return Appraisal(match.start(), match.end(), -1, _kinds(plain, target, lang), words)

    contrast = _pattern(lang, "contrast")
    for match in contrast.finditer(plain, start, end) if contrast and here else ():
        after = [
            t
            for t in here
            if match.end() <= t[0] <= match.end() + CONTRAST_REACH
            and not _CLAUSE.search(plain, match.end(), t[0])
            and not _ANY_OTHER.search(plain, match.end(), t[0])
        ]
        if after:
            yield blame(match, after[0])
    us = _pattern(lang, "us_and_them")
    for match in us.finditer(plain, start, end) if us else ():
        named = {plain[s:e].lower() for s, e in [*here, *before]}
        dislocated = match.group().lower() in {"lui", "elle", "eux", "elles"}
        if (dislocated and len(named) >= 2) or (not dislocated and named):
            yield blame(match, (here or before)[0])
    doubt = _pattern(lang, "doubt")
    for match in doubt.finditer(plain, start, end) if doubt else ():
        yield blame(match, (here or before)[0])
    if not here:
        return
    yield from _phrases(plain, start, end, lang, here)
    thanks = _pattern(lang, "thanks")
    for match in thanks.finditer(plain, start, end) if thanks else ():
        yield Appraisal(match.start(), match.end(), 1, frozenset({"office"}), match.group())
    side = _pattern(lang, "side")  # taking a camp's side: a petition, a strike, a party
    camps = [t for t in here if "political" in _kinds(plain, t, lang)]
    for match in side.finditer(plain, start, end) if side and camps else ():
        words = plain[camps[0][0] : camps[0][1]]
        yield Appraisal(match.start(), match.end(), 1, frozenset({"political"}), words)
    praise = _pattern(lang, "praise")
    for match in praise.finditer(plain, start, end) if praise else ():
        near = min(here, key=lambda t: abs(t[0] - match.start()))
        yield Appraisal(
            match.start(), match.end(), 1, _kinds(plain, near, lang), plain[near[0] : near[1]]
        )
    here = [t for t in here if not _OURS.search(plain, max(start, t[0] - 12), t[0])]
    if not here:  # « une fois de plus, nos équipes… »: the institution's own people
        return
    if plain[start:end].rstrip().endswith("?"):
        question = _pattern(lang, "question")
        for match in question.finditer(plain, start, end) if question else ():
            yield blame(match, here[0])
    for part in ("should", "inaction"):
        pattern = _pattern(lang, part)
        for match in pattern.finditer(plain, start, end) if pattern else ():
            close = [t for t in here if _same_clause(plain, t, match)]
            if close:
                yield blame(match, min(close, key=lambda t: abs(t[0] - match.start())))
    again, reminder = _pattern(lang, "again"), _pattern(lang, "reminder")
    reminded = reminder is not None and reminder.search(plain, start, end)
    praised = any(
        a.polarity > 0 and start <= a.start < end for a in appraisal.appraisals(plain, lang)
    )
    for match in again.finditer(plain, start, end) if again and not (reminded or praised) else ():
        yield blame(match, here[0])


CLAUSE_REACH = 80  # characters between a target and what is said of it in its clause


def _same_clause(plain: str, target: tuple[int, int], match: re.Match[str]) -> bool:
    """Whether a target stands in the clause of a move (« les habitants auraient dû recevoir
    un SMS ; … la mairie »: not the mairie's)."""
    left, right = sorted((target, match.span()))
    return right[0] - left[1] <= CLAUSE_REACH and not _CLAUSE.search(plain, left[1], right[0])


@functools.cache
def _phrase_pattern(sign: int) -> re.Pattern[str] | None:
    """French judgements of several words (« trop tard »), which the parse reads word by word."""
    table = appraisal.words("fr")
    entries = [e for e in table.judgements[sign] if " " in e or e.startswith("re:")]
    if not entries:
        return None
    bodies = sorted((entry_body(e)[0] for e in entries), key=len, reverse=True)
    return re.compile(rf"{WORD_START}(?:{'|'.join(bodies)}){WORD_END}", re.IGNORECASE)


def _phrases(
    plain: str, start: int, end: int, lang: str, here: list[tuple[int, int]]
) -> Iterator[Appraisal]:
    if lang != "fr":  # English and German read their phrases with their words (appraisal.py)
        return
    every = frozenset().union(*(_kinds(plain, t, lang) for t in here))
    for sign in (-1, 1):
        pattern = _phrase_pattern(sign)
        for match in pattern.finditer(plain, start, end) if pattern else ():
            if not appraisal.negated_before(plain, start, match.start()):
                named = plain[here[0][0] : here[0][1]]
                yield Appraisal(match.start(), match.end(), sign, every, named)
