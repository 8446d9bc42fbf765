"""The review as PDF: the same HTML page, laid out for A4 by WeasyPrint.

WeasyPrint is an optional extra (``tocsin[pdf]``): pure Python over Pango, which Linux systems
ship (Debian: ``libpango-1.0-0``), so a deployment needs no browser to print a review. Nothing is
fetched: the page has no external resource, fonts come from the system.
"""

from __future__ import annotations


class PdfUnavailable(Exception):
    """WeasyPrint or the Pango library it needs is not installed."""


def pdf(page: str) -> bytes:
    """The PDF of the review's HTML ``page``."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # OSError: the package is there, Pango is not
        raise PdfUnavailable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
    document: bytes = HTML(string=page).write_pdf()
    return document
