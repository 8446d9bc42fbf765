"""Messages for people: French first, English and German available.

Every message is in the gettext catalogues under ``tocsin/locale`` (``catalogue``), by a
symbolic id (``trigger.started``, ``refuse.NoGate``); ``t`` gives it in the person's language,
``both`` in French and English. Dates, times and numbers are formatted in ``formats``.
``tests/test_i18n.py`` keeps every id translated in every language and used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tocsin.i18n.catalogue import CATALOGUES, LANGUAGES, SOURCE, language

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["LANGUAGES", "both", "has", "invalid_input", "language", "t", "text_in"]


def _fill(text: str, values: dict[str, object]) -> str:
    try:
        return text.format(**values)
    except (KeyError, IndexError):
        return text


def text_in(lang: str, key: str, /, **values: object) -> str:
    """The message ``key`` in ``lang`` (French when ``lang`` is not one of ours)."""
    catalogue = CATALOGUES.get(lang, CATALOGUES[SOURCE])
    return _fill(catalogue.gettext(key), values)


def t(key: str, /, **values: object) -> str:
    """The message ``key`` in the user's language, with ``values`` filled in."""
    return text_in(language(), key, **values)


def has(key: str) -> bool:
    return CATALOGUES[SOURCE].gettext(key) != key


def both(key: str, /, **values: object) -> str:
    """French and English together, for texts stored in history (no environment read)."""
    if not has(key):
        return key
    return f"{text_in('fr', key, **values)} / {text_in('en', key, **values)}"


def invalid_input(exc: ValidationError) -> str:
    """A pydantic refusal in one line: where, then what (the first five problems)."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or '-'} : {error['msg']}"
        for error in exc.errors()[:5]
    )
    return t("err.invalid_input", problems=problems)
