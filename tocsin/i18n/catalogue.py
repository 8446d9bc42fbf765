"""The compiled gettext catalogues: where they live and which language a person reads.

The ``.po`` files under ``tocsin/locale/<lang>/LC_MESSAGES/`` are the source; the ``.mo`` next
to each is compiled from it by ``python -m tocsin.i18n.convert`` and committed, so that an
installed tocsin reads them with the standard library alone (``tests/test_i18n.py`` fails when a
``.mo`` is older than its ``.po``). They are read once, at import, outside any workflow sandbox.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "tocsin"
LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("fr", "en", "de")
SOURCE = "fr"  # the language messages are written in first, and the fallback of the others


def _load() -> dict[str, gettext.GNUTranslations]:
    found = {}
    for lang in LANGUAGES:
        with (LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as file:
            found[lang] = gettext.GNUTranslations(file)
    for lang, catalogue in found.items():
        if lang != SOURCE:
            catalogue.add_fallback(found[SOURCE])
    return found


CATALOGUES = _load()


def language() -> str:
    """``TOCSIN_LANG`` (fr, en, de), else the locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG``), else French."""
    chosen = os.environ.get("TOCSIN_LANG", "").lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").split(":")[0][:2].lower()
        if value:
            return value if value in LANGUAGES else SOURCE
    return SOURCE


def speak_to_click() -> None:
    """Give Click's own strings ("Usage:", "Show this message and exit.") in the person's language.

    Click calls the standard ``gettext.gettext``: the default text domain, in the language the
    ``LANGUAGE`` variable names first. tocsin's catalogues hold Click's strings, so the CLI makes
    them the default domain and names the language it chose.
    """
    gettext.bindtextdomain(DOMAIN, str(LOCALE))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = language()
