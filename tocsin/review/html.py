"""The review as one self-contained HTML file: a timeline chart drawn as SVG, the tables, and
every published text in full. No script, no external resource: it opens offline, prints, and
can be archived as it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from tocsin.i18n import language, t
from tocsin.review import report
from tocsin.review.model import Kind, PhaseReview, Review

WIDTH = 1100
LEFT = 130  # room for the lane labels
RIGHT = 20
LANE = 26
TOP = 34
COLOURS = {
    "waiting": "#e8a317",
    "revision": "#5b8fd6",
    "published": "#2e8540",
    "rejected": "#b3261e",
    "deadline": "#b3261e",
    "escalated": "#8a3ffc",
    "reminder": "#6b6b6b",
    "fact": "#0b6e99",
    "crisis": "#1f1f1f",
}


@dataclass(frozen=True)
class _Scale:
    start: datetime
    end: datetime

    def x(self, moment: datetime) -> float:
        span = max((self.end - self.start).total_seconds(), 1.0)
        share = (moment - self.start).total_seconds() / span
        return LEFT + min(max(share, 0.0), 1.0) * (WIDTH - LEFT - RIGHT)


def _title(text: str) -> str:
    return f"<title>{escape(text)}</title>"


def _ticks(scale: _Scale, zone: str, height: int) -> list[str]:
    span = scale.end - scale.start
    steps = [
        timedelta(minutes=m)
        for m in (1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 20160)
    ]
    step = next((s for s in steps if span / s <= 10), steps[-1])
    tz = ZoneInfo(zone)
    first = scale.start.astimezone(tz)
    anchor = first.replace(minute=0, second=0, microsecond=0)
    if step >= timedelta(days=1):
        anchor = anchor.replace(hour=0)
    moment = anchor
    while moment < first:
        moment += step
    parts = []
    fmt = "%d/%m" if step >= timedelta(days=1) else "%H:%M"
    if span >= timedelta(days=1) and step < timedelta(days=1):
        fmt = "%d/%m %H:%M"
    while moment <= scale.end:
        x = scale.x(moment)
        parts.append(
            f'<line class="tick" x1="{x:.1f}" y1="{TOP - 6}" x2="{x:.1f}" y2="{height - 8}"/>'
            f'<text class="tick" x="{x:.1f}" y="{TOP - 10}" text-anchor="middle">'
            f"{moment.strftime(fmt)}</text>"
        )
        moment += step
    return parts


def _bar(scale: _Scale, y: float, start: datetime, end: datetime, colour: str, tip: str) -> str:
    x1, x2 = scale.x(start), scale.x(end)
    width = max(x2 - x1, 3.0)
    return (
        f'<rect class="bar" x="{x1:.1f}" y="{y + 5:.1f}" width="{width:.1f}" height="{LANE - 10}" '
        f'fill="{colour}" rx="2">{_title(tip)}</rect>'
    )


def _mark(scale: _Scale, y: float, at: datetime, shape: str, colour: str, tip: str) -> str:
    x = scale.x(at)
    mid = y + LANE / 2
    if shape == "circle":
        body = f'<circle cx="{x:.1f}" cy="{mid:.1f}" r="5" fill="{colour}"'
        return f'{body} class="mark">{_title(tip)}</circle>'
    if shape == "triangle":
        points = f"{x - 6:.1f},{mid + 6:.1f} {x + 6:.1f},{mid + 6:.1f} {x:.1f},{mid - 7:.1f}"
        return f'<polygon class="mark" points="{points}" fill="{colour}">{_title(tip)}</polygon>'
    if shape == "diamond":
        points = (
            f"{x:.1f},{mid - 6:.1f} {x + 6:.1f},{mid:.1f} "
            f"{x:.1f},{mid + 6:.1f} {x - 6:.1f},{mid:.1f}"
        )
        return f'<polygon class="mark" points="{points}" fill="{colour}">{_title(tip)}</polygon>'
    if shape == "line":
        return (
            f'<line class="deadline" x1="{x:.1f}" y1="{y + 1:.1f}" x2="{x:.1f}" '
            f'y2="{y + LANE - 1:.1f}" stroke="{colour}" stroke-width="2">{_title(tip)}</line>'
        )
    return (
        f'<line class="mark" x1="{x:.1f}" y1="{mid - 5:.1f}" x2="{x:.1f}" y2="{mid + 5:.1f}" '
        f'stroke="{colour}" stroke-width="2">{_title(tip)}</line>'
    )


def chart(review: Review) -> str:
    """The timeline: one lane for the crisis (facts, resolution, close), one per phase with its
    waits for approval and for revision, reminders, escalations, deadline and publication."""
    zone = review.timezone
    end = review.closed_at or review.as_of
    scale = _Scale(review.detected_at, max(end, review.detected_at + timedelta(minutes=1)))
    phases = [p for p in review.phases if p.outcome != "internal"]
    height = TOP + LANE * (len(phases) + 1) + 14
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="timeline" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" '
        f'aria-label="{escape(t("review.h.chart"))}">',
        *_ticks(scale, zone, height),
    ]
    y = float(TOP)
    parts.append(
        f'<text class="lane" x="8" y="{y + 17:.1f}">{escape(t("review.chart.crisis"))}</text>'
    )
    parts.append(
        f'<line class="axis" x1="{LEFT}" y1="{y + LANE / 2:.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{y + LANE / 2:.1f}"/>'
    )
    for event in review.events:
        tip = f"{report.local(event.at, zone, seconds=True)} — {report.event_text(event)}"
        if event.kind is Kind.FACT_ADDED:
            parts.append(_mark(scale, y, event.at, "diamond", COLOURS["fact"], tip))
        elif event.kind in (Kind.DETECTED, Kind.RESOLVED, Kind.CLOSED, Kind.CANCELLED):
            parts.append(_mark(scale, y, event.at, "circle", COLOURS["crisis"], tip))
    for phase in phases:
        y += LANE
        parts.append(f'<g class="lane" data-phase="{escape(phase.label)}">')
        parts.append(f'<text class="lane" x="8" y="{y + 17:.1f}">{escape(phase.label)}</text>')
        parts.extend(_phase_lane(review, phase, scale, y))
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _phase_lane(review: Review, phase: PhaseReview, scale: _Scale, y: float) -> list[str]:
    zone = review.timezone
    mine = [e for e in review.events if e.phase is phase.phase and e.sequence == phase.sequence]
    parts: list[str] = []  # bars first, marks drawn over them
    marks: list[str] = []
    waiting_since: datetime | None = None
    revision_since: datetime | None = None
    for event in mine:
        tip = f"{report.local(event.at, zone, seconds=True)} — {report.event_text(event)}"
        if event.kind is Kind.APPROVAL_REQUESTED:
            if revision_since is not None:
                parts.append(
                    _bar(
                        scale,
                        y,
                        revision_since,
                        event.at,
                        COLOURS["revision"],
                        t("review.chart.revision"),
                    )
                )
                revision_since = None
            waiting_since = waiting_since or event.at
        elif event.kind in (Kind.APPROVED, Kind.CHANGES_REQUESTED, Kind.REJECTED):
            if waiting_since is not None:
                label = f"{t('review.chart.waiting')} : {report.human(event.at - waiting_since)}"
                parts.append(_bar(scale, y, waiting_since, event.at, COLOURS["waiting"], label))
                waiting_since = None
            if event.kind is Kind.CHANGES_REQUESTED:
                revision_since = event.at
            if event.kind is Kind.REJECTED:
                marks.append(_mark(scale, y, event.at, "circle", COLOURS["rejected"], tip))
        elif event.kind is Kind.REMINDER:
            marks.append(_mark(scale, y, event.at, "tick", COLOURS["reminder"], tip))
        elif event.kind is Kind.ESCALATED:
            marks.append(_mark(scale, y, event.at, "triangle", COLOURS["escalated"], tip))
    now = review.closed_at or review.as_of
    if waiting_since is not None:
        parts.append(
            _bar(scale, y, waiting_since, now, COLOURS["waiting"], t("review.chart.waiting"))
        )
    if revision_since is not None:
        parts.append(
            _bar(scale, y, revision_since, now, COLOURS["revision"], t("review.chart.revision"))
        )
    parts.extend(marks)
    if phase.deadline is not None:
        tip = f"{t('review.col.deadline')} {report.local(phase.deadline, zone)}"
        parts.append(_mark(scale, y, phase.deadline, "line", COLOURS["deadline"], tip))
    if phase.published_at is not None:
        tip = f"{t('review.kind.published')} {report.local(phase.published_at, zone, seconds=True)}"
        parts.append(_mark(scale, y, phase.published_at, "circle", COLOURS["published"], tip))
    return parts


_ENV = Environment(
    loader=PackageLoader("tocsin.review", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def html(review: Review) -> str:
    zone = review.timezone
    figures = review.figures
    template = _ENV.get_template("report.html.j2")
    return template.render(
        lang=language(),
        t=t,
        review=review,
        zone=zone,
        local=report.local,
        human=report.human,
        summary=report.summary(review),
        status_line=report.status_line(review),
        cadence_line=report.cadence_line(review),
        chart=Markup(chart(review)),
        colours=COLOURS,
        figure_rows=report.figure_rows(review),
        phase_columns=[t(f"review.col.{c}") for c in report.PHASE_COLUMNS],
        phase_rows=[report.phase_row(p, zone) for p in review.phases],
        decision_columns=[t(f"review.col.{c}") for c in report.DECISION_COLUMNS],
        cadence_columns=[t(f"review.col.{c}") for c in report.CADENCE_COLUMNS],
        cadence_rows=[report.announcement_row(a, zone) for a in figures.announcements],
        event_text=report.event_text,
    )
