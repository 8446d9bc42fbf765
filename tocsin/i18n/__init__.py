"""Messages for people: French first, English available.

The language is ``TOCSIN_LANG`` (``fr`` or ``en``), else the ``LANG`` locale, else French. The
messages themselves are in one catalogue per area (the modules of this package), each a key ->
(français, English) mapping; ``tests/test_i18n.py`` keeps every key translated and used.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tocsin.i18n import cli_help, cli_output, demo, errors, refusals, review

if TYPE_CHECKING:
    from pydantic import ValidationError

CATALOGUES = (cli_help, cli_output, errors, refusals, review, demo)
LANGUAGES = ("fr", "en")  # the order of each catalogue entry

_MESSAGES: dict[str, tuple[str, str]] = {
    key: pair for catalogue in CATALOGUES for key, pair in catalogue.MESSAGES.items()
}


def language() -> str:
    chosen = os.environ.get("TOCSIN_LANG", "").lower()
    if chosen in LANGUAGES:
        return chosen
    locale = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG", "")
    return "en" if locale.lower().startswith("en") else "fr"


def t(key: str, **values: object) -> str:
    """The message ``key`` in the user's language, with ``values`` filled in."""
    pair = _MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[1] if language() == "en" else pair[0]
    try:
        return text.format(**values)
    except (KeyError, IndexError):
        return text


def has(key: str) -> bool:
    return key in _MESSAGES


def both(key: str, **values: object) -> str:
    """French and English together, for texts stored in history (no environment read)."""
    pair = _MESSAGES.get(key)
    if pair is None:
        return key
    try:
        return f"{pair[0].format(**values)} / {pair[1].format(**values)}"
    except (KeyError, IndexError):
        return f"{pair[0]} / {pair[1]}"


def invalid_input(exc: ValidationError) -> str:
    """A pydantic refusal in one line: where, then what (the first five problems)."""
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or '-'} : {error['msg']}"
        for error in exc.errors()[:5]
    )
    return t("err.invalid_input", problems=problems)
