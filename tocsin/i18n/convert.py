"""Carry message dicts into the gettext catalogues, then compile them.

``python -m tocsin.i18n.convert`` reads every ``MESSAGES`` dict still in ``tocsin/i18n/*.py``
(key -> (français, English) or (français, English, Deutsch)), merges its keys into
``tocsin/locale/<lang>/LC_MESSAGES/tocsin.po``, deletes the module it carried over (``--keep``
keeps it), adds the strings Click shows (extracted from the installed Click: the English is the
msgid) and writes the ``.mo`` files next to the ``.po``. Running it again changes nothing.

A key whose French changed keeps its German, marked fuzzy: the German is to be reread, and
``tests/test_i18n.py`` fails until it is. A new key without German gets an empty German entry,
which the same test reports.
"""

from __future__ import annotations

import ast
import io
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from tocsin.i18n.catalogue import DOMAIN, LANGUAGES, LOCALE, SOURCE

__all__ = ["DOMAIN", "LANGUAGES", "main"]

HERE = Path(__file__).resolve().parent
CLICK = "click"  # the comment on Click's own strings
CLICK_KEYWORDS = {"_": None, "ngettext": (1, 2)}

Msgid = str | tuple[str, ...]


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


NAMES = {"fr": "French", "en": "English", "de": "German"}
TEAM = "tocsin developers"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as file:
            catalogue = read_po(file, locale=lang, domain=DOMAIN)
    else:
        catalogue = Catalog(locale=lang, domain=DOMAIN, fuzzy=False)
    return headed(catalogue, lang)


def headed(catalogue: Catalog, lang: str) -> Catalog:
    """The header says whose file it is, not Babel's placeholders (PROJECT, EMAIL@ADDRESS)."""
    catalogue.project = "tocsin"
    catalogue.version = version("tocsin")
    catalogue.copyright_holder = "the tocsin authors"
    catalogue.msgid_bugs_address = ""  # no list yet: the project's issue tracker
    catalogue.last_translator = TEAM
    catalogue.language_team = f"{NAMES.get(lang, lang)} ({TEAM})"
    catalogue.header_comment = (
        f"# {NAMES.get(lang, lang)} messages of tocsin.\n"
        f"# Copyright (C) {catalogue.creation_date:%Y} the tocsin authors\n"
        "# This file is distributed under the same license as the tocsin project (EUPL-1.2)."
    )
    if not isinstance(catalogue.revision_date, datetime):  # still Babel's "YEAR-MO-DA"
        catalogue.revision_date = catalogue.creation_date
    return catalogue


def po_bytes(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalogue, width=100, sort_output=True, ignore_obsolete=True)
    return out.getvalue()


def _revised(po: bytes) -> bytes:
    """The file without its revision date: what tells whether its messages changed."""
    return b"\n".join(line for line in po.splitlines() if not line.startswith(b'"PO-Revision-Date'))


def mo_bytes(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def dict_modules() -> Iterator[tuple[Path, dict[str, tuple[str, ...]]]]:
    """The modules of this package that still hold a ``MESSAGES`` dict, with that dict."""
    for path in sorted(HERE.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign):
                target: ast.expr = node.targets[0]
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target = node.target
            else:
                continue
            if isinstance(target, ast.Name) and target.id == "MESSAGES" and node.value:
                yield path, ast.literal_eval(node.value)


def click_messages() -> dict[Msgid, None]:
    """Every string Click passes to gettext, in its source order."""
    found: dict[Msgid, None] = {}
    for path in sorted(Path(click.__file__).parent.glob("*.py")):
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=CLICK_KEYWORDS
        ):
            found[message] = None
    return found


def merge(catalogues: dict[str, Catalog], area: str, messages: dict[str, tuple[str, ...]]) -> None:
    for key, texts in messages.items():
        source = catalogues[SOURCE].get(key)
        changed = source is not None and source.string != texts[0]
        for index, lang in enumerate(LANGUAGES):
            catalogue = catalogues[lang]
            entry = catalogue.get(key)
            text = texts[index] if index < len(texts) else None
            if entry is None:
                catalogue.add(key, text or "", auto_comments=[area])
            elif text is not None:
                entry.string = text
                entry.flags.discard("fuzzy")
            elif changed and entry.string:
                entry.flags.add("fuzzy")


def add_click(catalogues: dict[str, Catalog]) -> None:
    for message in click_messages():
        for lang, catalogue in catalogues.items():
            if catalogue.get(message) is not None:
                continue
            if lang == "en":
                catalogue.add(message, message, auto_comments=[CLICK])
            else:
                empty: Msgid = ("", "") if isinstance(message, tuple) else ""
                catalogue.add(message, empty, auto_comments=[CLICK])


def write(catalogues: dict[str, Catalog]) -> list[Path]:
    """Write the ``.po`` and ``.mo`` files that differ; the paths written."""
    written = []
    for lang, catalogue in catalogues.items():
        po = po_path(lang)
        text = po_bytes(catalogue)
        if po.exists() and _revised(po.read_bytes()) != _revised(text):
            catalogue.revision_date = datetime.now(UTC)  # its messages changed: revised now
            text = po_bytes(catalogue)
        # The .mo is compiled from the .po as written, as the test that compares them does.
        compiled = mo_bytes(read_po(io.BytesIO(text), locale=lang, domain=DOMAIN))
        for path, data in ((po, text), (po.with_suffix(".mo"), compiled)):
            if not path.exists() or path.read_bytes() != data:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                written.append(path)
    return written


def main(argv: list[str]) -> int:
    keep = "--keep" in argv
    catalogues = {lang: load(lang) for lang in LANGUAGES}
    carried = []
    for path, messages in dict_modules():
        merge(catalogues, path.stem, messages)
        carried.append(path)
    add_click(catalogues)
    for path in write(catalogues):
        print(f"written: {path.relative_to(HERE.parent.parent)}")
    for path in carried:
        if not keep:
            path.unlink()
        print(f"carried over{' (kept)' if keep else ''}: {path.name} ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
