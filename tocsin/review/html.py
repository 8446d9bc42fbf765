"""The review as one self-contained HTML file: the executive summary, the team's notes, the
timeline drawn as SVG, the tables, and every published text in full, grouped by phase. No script,
no external resource: it opens offline, prints (A4, rows never cut), and can be archived as it is.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from tocsin.review import reach, report, tables
from tocsin.review.chart import COLOURS, chart
from tocsin.review.model import Review
from tocsin.review.prose import executive

_ENV = Environment(
    loader=PackageLoader("tocsin.review", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _css_string(text: str) -> str:
    """A CSS string literal: anything but letters, digits and spaces as a CSS escape, so that no
    quote, backslash or ``</style>`` in a title can leave the string."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def html(review: Review, *, lang: str | None = None) -> str:
    words = report.words_for(review, lang)
    cells = tables.Cells(review, words)
    notes = review.notes
    return _ENV.get_template("report.html.j2").render(
        lang=words.lang,
        t=words,
        review=review,
        title=report.title(review, words),
        css_title=Markup(_css_string(report.title(review, words))),
        status_line=report.status_line(review, words),
        summary=executive(review, words),
        notes=notes,
        notes_meta=report.notes_meta(notes, words) if notes else "",
        actions=report.action_rows(notes, review, words) if notes else [],
        chart=Markup(chart(review, words, lambda e: tables.describe(e, words))),
        colours=COLOURS,
        figure_rows=tables.figure_rows(review, words),
        channel_rows=tables.channel_rows(review, words),
        phase_columns=[words(f"review.col.{c}") for c in report.PHASE_COLUMNS],
        phase_rows=[tables.phase_row(p, cells) for p in review.phases],
        reach_groups=reach.groups(review, cells),
        reach_columns=[words(f"review.reach.col.{c}") for c in reach.COLUMNS],
        decision_columns=[words(f"review.col.{c}") for c in report.DECISION_COLUMNS],
        decision_rows=[tables.decision_row(d, cells) for d in review.decisions],
        changes=tables.changes(review, cells),
        cadence_line=report.cadence_line(review, words),
        cadence_columns=[words(f"review.col.{c}") for c in report.CADENCE_COLUMNS],
        cadence_rows=tables.cadence_rows(review, cells),
        groups=tables.publications_by_phase(review, cells),
        timeline=tables.timeline(review, cells),
        people=[(p.name, words.roles(p.roles) or "-") for p in review.people],
        source=report.source_line(review, words),
    )
