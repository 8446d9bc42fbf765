"""The review as PDF: the same HTML page, laid out for A4 by WeasyPrint.

WeasyPrint is an optional extra (``tocsin[pdf]``): Python over Pango, which Linux systems ship
(Debian: ``libpango-1.0-0``), so a deployment prints a review without a browser. Nothing is
fetched: the page has no external resource, fonts come from the system.
"""

from __future__ import annotations

from typing import Any


class PdfUnavailable(Exception):
    """WeasyPrint or the Pango library it needs is not installed."""


def layout(page: str) -> Any:
    """The HTML ``page`` laid out in A4 pages (a WeasyPrint document)."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the package is there, Pango is not
        raise PdfUnavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    return HTML(string=page).render()


def pdf(page: str) -> bytes:
    """The PDF of the review's HTML ``page``."""
    document: bytes = layout(page).write_pdf()
    return document
