"""What every guardrail rule shares: the text as a rule reads it, the context of the check, the
registry of rules and the way a finding is made.

A rule is a plain function over a ``Text`` and a ``CheckContext`` that yields findings; it is
registered with ``@rule`` under its id (R-NEUTRAL...), its default severity, its title in French
and English and its source. Its docstring is its documentation (``tocsin check --rules``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from tocsin.models import (
    Channel,
    Finding,
    GuardrailSettings,
    GuardrailsPolicy,
    Measure,
    Media,
    PhaseName,
    Severity,
)


@dataclass(frozen=True)
class CheckContext:
    """Everything a rule may need besides the text itself."""

    language: str
    on: date  # the day the statement goes out, in the organisation's time zone
    channel: Channel | None = None
    phase: PhaseName | None = None
    exercise: bool = False
    next_update_at: datetime | None = None
    timezone: str = "Europe/Paris"
    measure: Measure | None = None
    media: tuple[Media, ...] = ()
    hotlines: frozenset[str] = frozenset()  # E.164 numbers that are the playbook's own
    official_domains: frozenset[str] = frozenset()
    allowed_names: frozenset[str] = frozenset()  # lower-case names that may appear
    known_values: tuple[str, ...] = ()  # parameter values (place names...), never a person
    policy: GuardrailsPolicy = field(default_factory=GuardrailsPolicy)
    settings: GuardrailSettings = field(default_factory=GuardrailSettings)


_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_HIDDEN = re.compile(
    r"<(head|style|script)\b.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.DOTALL | re.IGNORECASE
)
# Same-length normalisation: typographic apostrophes and spaces read as plain ones.
_NORMALISE = str.maketrans({"’": "'", "ʼ": "'", "\u202f": " ", "\u00a0": " ", "\u2009": " "})


@dataclass(frozen=True)
class Text:
    """A statement as rules read it: ``plain`` is the visible text (HTML tags hidden, entities
    decoded, ’ read as '), and ``spans[i]`` is where its character ``i`` sits in ``raw``, so
    that a finding points at the exact characters of the statement as written. Without markup
    ``spans`` is empty: ``plain`` has ``raw``'s length and its character ``i`` is ``raw``'s
    (a tuple a character was 3 % of a loaded worker's time)."""

    raw: str
    plain: str
    spans: tuple[tuple[int, int], ...]
    html: bool = False

    @classmethod
    def of(cls, raw: str, *, markup: bool = False) -> Text:
        if not markup:
            return cls(raw, raw.translate(_NORMALISE), ())
        chars: list[str] = []
        spans_list: list[tuple[int, int]] = []
        pos = 0
        for hidden in _HIDDEN.finditer(raw):
            _visible(raw, pos, hidden.start(), chars, spans_list)
            chars.append(" ")
            spans_list.append((hidden.start(), hidden.end()))
            pos = hidden.end()
        _visible(raw, pos, len(raw), chars, spans_list)
        return cls(raw, "".join(chars).translate(_NORMALISE), tuple(spans_list), html=True)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if not self.html:
            size = len(self.raw)
            return (size, size) if start >= size else (start, min(max(end, start + 1), size))
        if not self.spans or start >= len(self.spans):
            return len(self.raw), len(self.raw)
        end = max(end, start + 1)
        return self.spans[start][0], self.spans[min(end, len(self.spans)) - 1][1]


def _visible(
    raw: str, start: int, end: int, chars: list[str], spans: list[tuple[int, int]]
) -> None:
    pos = start
    for entity in _ENTITY.finditer(raw, start, end):
        for i in range(pos, entity.start()):
            chars.append(raw[i])
            spans.append((i, i + 1))
        decoded = html.unescape(entity.group())
        for ch in decoded:
            chars.append(ch)
            spans.append((entity.start(), entity.end()))
        pos = entity.end()
    for i in range(pos, end):
        chars.append(raw[i])
        spans.append((i, i + 1))


Check = Callable[[Text, CheckContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # the default: a lexicon entry or an organisation may set another
    title: str
    title_en: str
    source: str
    check: Check
    doc: str


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: Severity, title: str, title_en: str, source: str
) -> Callable[[Check], Check]:
    """Register a check under ``rule_id``."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"rule registered twice: {rule_id}")
        RULES[rule_id] = Rule(
            rule_id,
            severity,
            title,
            title_en,
            source,
            check,
            " ".join((check.__doc__ or "").split()),
        )
        return check

    return register


@dataclass(frozen=True)
class Say:
    """A message or a fix in both languages."""

    fr: str
    en: str

    def format(self, **values: object) -> Say:
        return Say(self.fr.format(**values), self.en.format(**values))


def finding(
    text: Text,
    ctx: CheckContext,
    rule_id: str,
    start: int,
    end: int,
    message: Say,
    fix: Say,
    severity: Severity | None = None,
) -> Finding:
    """A finding over ``text.plain[start:end]``, pointing at the same characters of the raw
    text."""
    raw_start, raw_end = text.raw_span(start, end)
    return Finding(
        rule=rule_id,
        severity=severity or RULES[rule_id].severity,
        channel=ctx.channel,
        language=ctx.language,
        start=raw_start,
        end=raw_end,
        excerpt=text.raw[raw_start:raw_end][:200],
        message=message.fr,
        message_en=message.en,
        fix=fix.fr,
        fix_en=fix.en,
    )


def whole(text: Text) -> tuple[int, int]:
    """The span of the whole visible text, trimmed."""
    stripped = text.plain.strip()
    if not stripped:
        return 0, 0
    start = text.plain.index(stripped)
    return start, start + len(stripped)


_QUOTES = re.compile(r"«[^»]*»|“[^”]*”|„[^“”]*[“”]|\"[^\"\n]*\"")


def quoted(plain: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks: someone's own words, quoted as such."""
    return [(m.start(), m.end()) for m in _QUOTES.finditer(plain)]


def inside(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")


def sentences(plain: str) -> Iterator[tuple[int, int]]:
    """Sentence spans (a line break ends one too: titles, list items)."""
    for match in _SENTENCE.finditer(plain):
        chunk = match.group()
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            yield match.start() + lead, match.start() + len(chunk.rstrip())
