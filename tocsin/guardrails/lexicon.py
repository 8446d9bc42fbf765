"""Lexicons as data: ``data/lexicon.yml`` bundled with tocsin, extended by the organisation.

Entries are phrases, compiled once into one regular expression per rule, category and language.
The syntax is described at the top of ``data/lexicon.yml``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from tocsin.guardrails.base import CheckContext, Say, Text, finding
from tocsin.models import Finding, Severity

LEXICON_FILE = Path(__file__).parent / "data" / "lexicon.yml"
ORGANISATION = "organisation"


@dataclass(frozen=True)
class Category:
    rule: str
    name: str
    severity: Severity
    message: Say
    fix: Say
    entries: Mapping[str, tuple[str, ...]]  # language -> entries


class LexiconError(ValueError):
    """An entry that does not compile: names the rule, the language and the entry."""


@functools.cache
def bundled() -> dict[str, list[Category]]:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    rules: dict[str, list[Category]] = {}
    for rule_id, categories in data.items():
        for name, spec in categories.items():
            entries = {
                lang: tuple(str(e) for e in words)
                for lang, words in spec.items()
                if lang not in ("severity", "message", "fix")
            }
            rules.setdefault(rule_id, []).append(
                Category(
                    rule_id,
                    name,
                    Severity(spec["severity"]),
                    Say(**spec["message"]),
                    Say(**spec["fix"]),
                    entries,
                )
            )
    return rules


# Whole words: no word character just before; none just after a final word character
# (an entry ending in an apostrophe, « j' », runs into the next word by design).
WORD_START = r"(?<![\w\-])"
WORD_END = r"(?!(?<=\w)[\w\-])"


# A verb's form after an article is a noun (« les bosses de la chaussée »).
_NOT_A_NOUN = "".join(
    rf"(?<!\b{article}\s)"
    for article in ("le", "la", "les", "des", "une", "un", "ces", "ses", "sa", "aux")
)
_ER_FORMS = r"(?:e|es|ent|ons|ez|é|ée|és|ées|er|ais|ait|aient|ions|iez|era|erons|erez|eront|ant)"


def entry_body(entry: str) -> tuple[str, bool]:
    """A lexicon entry as a regular expression without its word boundaries, and whether it is
    case-sensitive."""
    sensitive = entry.startswith("cs:")
    if sensitive:
        entry = entry[3:]
    if entry.startswith("re:"):
        body = entry[3:]
    elif entry.startswith("v:") and entry.endswith("er"):  # a French verb, every -er form
        body = _NOT_A_NOUN + re.escape(entry[2:-2]) + _ER_FORMS
    else:
        prefix = entry.endswith("*")
        words = entry.rstrip("*").replace("’", "'").split()
        parts = [re.escape(word).replace("'", r"'\s?") for word in words]
        body = r"[\s\-]+".join(parts) + (r"\w*" if prefix else "")
    return body, sensitive


@functools.cache
def _compiled(entries: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """One pattern for the case-insensitive entries, one for the case-sensitive ones."""
    groups: dict[bool, list[str]] = {False: [], True: []}
    for entry in entries:
        body, sensitive = entry_body(entry)
        try:
            re.compile(f"{WORD_START}(?:{body}){WORD_END}")
        except re.error as exc:
            raise LexiconError(f"« {entry} » : {exc}") from exc
        groups[sensitive].append(body)
    patterns = []
    for sensitive, bodies in groups.items():
        if bodies:
            flags = 0 if sensitive else re.IGNORECASE
            # Longest alternatives first, so that "votez pour" wins over "votez". The word
            # boundaries are tested once a position, not once an entry: the alternatives are
            # tried only where a word starts (a draft's lexicons ran three times as long).
            bodies.sort(key=len, reverse=True)
            alternatives = "|".join(f"(?:{b})" for b in bodies)
            patterns.append(re.compile(f"{WORD_START}(?:{alternatives}){WORD_END}", flags))
    return tuple(patterns)


def categories(rule_id: str, ctx: CheckContext) -> list[Category]:
    """The bundled categories of ``rule_id`` and the organisation's own words for it."""
    found = list(bundled().get(rule_id, []))
    extra = ctx.settings.words.get(rule_id)
    if extra and found:
        first = found[0]
        found.append(
            Category(
                rule_id,
                ORGANISATION,
                first.severity,
                first.message,
                first.fix,
                {lang: tuple(words) for lang, words in extra.items()},
            )
        )
    return found


def matches(category: Category, text: Text, language: str) -> Iterator[tuple[int, int]]:
    entries = category.entries.get(language)
    if not entries:
        return
    for pattern in _compiled(entries):
        for match in pattern.finditer(text.plain):
            if match.end() > match.start():
                yield match.start(), match.end()


def lexicon_findings(
    rule_id: str,
    text: Text,
    ctx: CheckContext,
    *,
    skip: list[tuple[int, int]] | None = None,
    only: set[str] | None = None,
) -> Iterator[Finding]:
    """A finding for every lexicon entry of ``rule_id`` found in the text, outside ``skip``."""
    for category in categories(rule_id, ctx):
        if only is not None and category.name not in only and category.name != ORGANISATION:
            continue
        for start, end in matches(category, text, ctx.language):
            if skip and any(s <= start and end <= e for s, e in skip):
                continue
            words = text.plain[start:end]
            yield finding(
                text,
                ctx,
                rule_id,
                start,
                end,
                category.message.format(match=words),
                category.fix,
                category.severity,
            )


def check_words(rule_id: str, language: str, words: list[str]) -> list[str]:
    """Problems with an organisation's words (an entry that does not compile)."""
    problems = []
    for word in words:
        try:
            _compiled((word,))
        except LexiconError as exc:
            problems.append(f"{rule_id}.{language} {exc}")
    return problems
