"""The review's timeline as SVG, computed here: a time axis with ticks at a round step chosen
from the crisis's span (seconds for a drill, minutes, hours, days), labelled in the crisis's
time zone, its start and its end marked; one lane for the crisis (facts, resolution, close),
one a phase with its waits, reminders, escalations, deadline and publication."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from html import escape

from tocsin.review.model import Event, Kind, PhaseReview, Review
from tocsin.review.words import Words

WIDTH = 960
LEFT = 170  # room for the lane labels
RIGHT = 24
LANE = 28
TOP = 40  # the tick labels
BOTTOM = 40  # the start and end labels
COLOURS = {
    "waiting": "#b86e00",
    "revision": "#3d6fb6",
    "published": "#1e7b34",
    "rejected": "#b3261e",
    "deadline": "#b3261e",
    "escalated": "#7a2fe0",
    "reminder": "#555555",
    "fact": "#0b6e99",
    "crisis": "#1f1f1f",
}
# Round steps, smallest first; the first that gives at most MAX_TICKS ticks is used.
STEPS = [
    timedelta(seconds=s)
    for s in (
        *(1, 2, 5, 10, 15, 30),
        *(60 * m for m in (1, 2, 5, 10, 15, 30)),
        *(3600 * h for h in (1, 2, 3, 6, 12)),
        *(86400 * d for d in (1, 2, 7, 14, 28)),
    )
]
MAX_TICKS = 8


@dataclass(frozen=True)
class Scale:
    start: datetime
    end: datetime

    def x(self, moment: datetime) -> float:
        span = max((self.end - self.start).total_seconds(), 1.0)
        share = (moment - self.start).total_seconds() / span
        return LEFT + min(max(share, 0.0), 1.0) * (WIDTH - LEFT - RIGHT)


@dataclass(frozen=True)
class Tick:
    at: datetime
    label: str  # the time, in the crisis's zone
    day: str = ""  # the date, on the first tick and where the day changes


def step_for(span: timedelta) -> timedelta:
    return next((s for s in STEPS if span / s <= MAX_TICKS), STEPS[-1])


def ticks(start: datetime, end: datetime, words: Words) -> list[Tick]:
    """Round moments between ``start`` and ``end`` in the crisis's zone: every 5 s of a drill,
    every hour of an afternoon, every day of a week."""
    step = step_for(end - start)
    local = words.local(start)
    if step >= timedelta(days=1):
        moment = local.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        unit = int(step.total_seconds())
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        into = int((local - midnight).total_seconds())
        moment = midnight + timedelta(seconds=into - into % unit)
    found: list[Tick] = []
    last_day = None
    while moment <= end:
        if moment >= start:
            day = words.local(moment).date()
            label = (
                words.day(moment)
                if step >= timedelta(days=1)
                else words.clock(moment, seconds=step < timedelta(minutes=1))
            )
            shown_day = words.day(moment) if day != last_day and step < timedelta(days=1) else ""
            found.append(Tick(moment, label, shown_day))
            last_day = day
        if step >= timedelta(days=1):  # whole local days, whatever the clock change
            moment = datetime.combine(moment.date() + step, time(0), tzinfo=words.zone)
        else:
            moment = words.local(moment + step)
    return found


def _title(text: str) -> str:
    return f"<title>{escape(text)}</title>"


def _bar(scale: Scale, y: float, start: datetime, end: datetime, colour: str, tip: str) -> str:
    x1, x2 = scale.x(start), scale.x(end)
    return (
        f'<rect class="bar" x="{x1:.1f}" y="{y + 5:.1f}" width="{max(x2 - x1, 3.0):.1f}" '
        f'height="{LANE - 10}" fill="{colour}" rx="2">{_title(tip)}</rect>'
    )


def _mark(scale: Scale, y: float, at: datetime, shape: str, colour: str, tip: str) -> str:
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


def chart(review: Review, words: Words, describe: Callable[[Event], str]) -> str:
    """The timeline; ``describe`` gives an event's words for its tooltip."""
    end = review.closed_at or review.as_of
    scale = Scale(review.detected_at, max(end, review.detected_at + timedelta(seconds=10)))
    phases = [p for p in review.phases if p.outcome != "internal"]
    lanes_bottom = TOP + LANE * (len(phases) + 1)
    height = lanes_bottom + BOTTOM
    seconds = (scale.end - scale.start) < timedelta(hours=1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="timeline" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{escape(words("review.h.chart"))}">'
    ]
    for tick in ticks(scale.start, scale.end, words):
        x = scale.x(tick.at)
        parts.append(
            f'<g class="tick"><line class="tick" x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" '
            f'y2="{lanes_bottom}" stroke="#dddddd"/><text class="tick" x="{x:.1f}" y="{TOP - 8}" '
            f'text-anchor="middle" font-size="13" fill="#444444">{escape(tick.label)}</text>'
            + (
                f'<text class="tick day" x="{x:.1f}" y="{TOP - 22}" text-anchor="middle" '
                f'font-size="13" font-weight="bold" fill="#444444">'
                f"{escape(tick.day)}</text>"
                if tick.day
                else ""
            )
            + "</g>"
        )
    parts.extend(_bounds(review, scale, words, lanes_bottom, seconds))
    y = float(TOP)
    parts.append(
        f'<text class="lane" x="8" y="{y + 19:.1f}" font-size="14" fill="#1f1f1f">'
        f"{escape(words('review.chart.crisis'))}</text>"
        f'<line class="axis" x1="{LEFT}" y1="{y + LANE / 2:.1f}" x2="{WIDTH - RIGHT}" '
        f'y2="{y + LANE / 2:.1f}" stroke="#999999" stroke-dasharray="3 3"/>'
    )
    for event in review.events:
        tip = f"{words.when(event.at, seconds=True)} — {describe(event)}"
        if event.kind is Kind.FACT_ADDED:
            parts.append(_mark(scale, y, event.at, "diamond", COLOURS["fact"], tip))
        elif event.kind in (Kind.RESOLVED, Kind.CANCELLED, Kind.RETRACTED):
            parts.append(_mark(scale, y, event.at, "circle", COLOURS["crisis"], tip))
    for phase in phases:
        y += LANE
        label = words.phase(phase.phase, phase.sequence, short=True)
        parts.append(f'<g class="lane" data-phase="{escape(label)}">')
        parts.append(
            f'<text class="lane" x="8" y="{y + 19:.1f}" font-size="14" fill="#1f1f1f">'
            f"{escape(label)}</text>"
        )
        parts.extend(_lane(review, phase, scale, y, words, describe))
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)


def _bounds(review: Review, scale: Scale, words: Words, bottom: float, seconds: bool) -> list[str]:
    """The start (detection) and the end (close, cancellation, or the moment read)."""
    end_key = {
        "closed": "review.chart.end_closed",
        "cancelled": "review.chart.end_cancelled",
        "failed": "review.chart.end_failed",
    }.get(review.status, "review.chart.end_running")
    parts = []
    for moment, key, anchor in (
        (scale.start, "review.chart.start", "start"),
        (review.closed_at or review.as_of, end_key, "end"),
    ):
        x = scale.x(moment)
        text = words(key, time=words.clock(moment, seconds=seconds))
        parts.append(
            f'<g class="bound {anchor}"><line class="bound" x1="{x:.1f}" y1="{TOP - 4}" '
            f'x2="{x:.1f}" y2="{bottom + 8}" stroke="#1f1f1f" stroke-width="1.5"/>'
            f'<text class="bound" x="{x:.1f}" y="{bottom + 24}" text-anchor="{anchor}" '
            f'font-size="14" font-weight="bold" fill="#1f1f1f">{escape(text)}</text></g>'
        )
    return parts


def _lane(
    review: Review,
    phase: PhaseReview,
    scale: Scale,
    y: float,
    words: Words,
    describe: Callable[[Event], str],
) -> list[str]:
    mine = [e for e in review.events if e.phase is phase.phase and e.sequence == phase.sequence]
    parts: list[str] = []  # bars first, marks drawn over them
    marks: list[str] = []
    waiting_since: datetime | None = None
    revision_since: datetime | None = None
    for event in mine:
        tip = f"{words.when(event.at, seconds=True)} — {describe(event)}"
        if event.kind is Kind.APPROVAL_REQUESTED:
            if revision_since is not None:
                parts.append(
                    _bar(
                        scale,
                        y,
                        revision_since,
                        event.at,
                        COLOURS["revision"],
                        words("review.chart.revision"),
                    )
                )
                revision_since = None
            waiting_since = waiting_since or event.at
        elif event.kind in (Kind.APPROVED, Kind.CHANGES_REQUESTED, Kind.REJECTED):
            if waiting_since is not None:
                label = words("review.chart.waited", wait=words.duration(event.at - waiting_since))
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
            _bar(scale, y, waiting_since, now, COLOURS["waiting"], words("review.chart.waiting"))
        )
    if revision_since is not None:
        parts.append(
            _bar(scale, y, revision_since, now, COLOURS["revision"], words("review.chart.revision"))
        )
    parts.extend(marks)
    if phase.deadline is not None:
        tip = words("review.chart.deadline", at=words.when(phase.deadline))
        parts.append(_mark(scale, y, phase.deadline, "line", COLOURS["deadline"], tip))
    if phase.published_at is not None:
        tip = words("review.chart.published", at=words.when(phase.published_at, seconds=True))
        parts.append(_mark(scale, y, phase.published_at, "circle", COLOURS["published"], tip))
    return parts
