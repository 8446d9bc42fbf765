"""The executive summary in sentences: when the crisis began, when the public first heard of it
and how long after detection, each phase's approval against the playbook's deadline, and how it
ended. One function, three outputs (the page, Markdown, the console) read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tocsin.models import PhaseName
from tocsin.review import reach
from tocsin.review.model import REACHED, Event, Kind, PhaseReview, Review
from tocsin.review.words import Words


@dataclass(frozen=True)
class Summary:
    opening: list[str]  # the crisis and the first statement to the public
    phases: list[str]  # one sentence a phase with a gate, in order
    closing: list[str]  # overrides, facts, cadence, then how it ended


def executive(review: Review, words: Words) -> Summary:
    return Summary(
        opening=_opening(review, words),
        phases=[_phase(review, p, words) for p in review.phases if p.outcome != "internal"],
        closing=_closing(review, words),
    )


def _opening(review: Review, words: Words) -> list[str]:
    said = [
        words(
            "review.sum.detected",
            title=review.title,
            at=words.moment(review.detected_at, seconds=_precise(review)),
            who=words.person(review.detected_by.name, review.detected_by.roles),
        )
    ]
    if review.exercise:
        said.append(words("review.sum.exercise"))
    if not review.publications:
        said.append(words("review.sum.first_none"))
        return said
    at, channels = _first_heard(review)
    said.append(
        words(
            "review.sum.first",
            at=_at(review, words, at),
            delay=words.duration(at - review.detected_at),
            channels=words.count("review.sum.channels.", channels),
        )
    )
    return said


def _first_heard(review: Review) -> tuple[datetime, int]:
    """When the public first heard, and on how many channels that statement reached it: the
    first platform's acknowledgement or manual publication when there is one, else the first
    text written to the outbox (a crisis without accounts, whose team copies the outbox)."""
    reached = [r for r in review.reach if r.status in REACHED and r.reached_at is not None]
    if reached:
        heard = min(reached, key=lambda r: r.reached_at or review.as_of)
        assert heard.reached_at is not None
        mine = {
            r.channel for r in reached if (r.phase, r.sequence) == (heard.phase, heard.sequence)
        }
        return heard.reached_at, len(mine)
    written = min(review.publications, key=lambda p: p.published_at)
    mine = {
        p.channel
        for p in review.publications
        if p.phase is written.phase and p.sequence == written.sequence
    }
    return written.published_at, len(mine)


def _precise(review: Review) -> bool:
    """Seconds matter when the whole crisis took less than an hour (a drill, the demo)."""
    end = review.closed_at or review.as_of
    return (end - review.detected_at).total_seconds() < 3600


def _at(review: Review, words: Words, moment: datetime) -> str:
    return words.at(moment, review.detected_at, seconds=_precise(review))


def _origin(phase: PhaseReview, review: Review, words: Words) -> tuple[datetime, str]:
    """What a phase's times count from: detection, or a follow-up's own start."""
    if phase.phase is PhaseName.FOLLOW_UP:
        return phase.started_at, words("review.sum.from_start")
    return review.detected_at, words("review.sum.from_detection")


def _phase(review: Review, phase: PhaseReview, words: Words) -> str:
    said = _phase_decision(review, phase, words)
    public = reach.statement_sentence(review, phase.phase, phase.sequence, words)
    return f"{said} {public}" if public else said


def _phase_decision(review: Review, phase: PhaseReview, words: Words) -> str:
    label = words.phase(phase.phase, phase.sequence)
    start, origin = _origin(phase, review, words)
    decided = _decision_event(review, phase)
    if phase.approved_at is not None and phase.approver is not None:
        text = words(
            "review.sum.approved",
            phase=label,
            at=_at(review, words, phase.approved_at),
            who=words.person(phase.approver.name, phase.approver.roles),
            elapsed=words.duration(phase.approved_at - start),
            origin=origin,
            after=_along(phase, words),
        )
    elif phase.outcome == "rejected" and decided is not None and decided.who is not None:
        text = words(
            "review.sum.rejected",
            phase=label,
            at=_at(review, words, decided.at),
            who=words.person(decided.who.name, decided.who.roles),
        )
    elif phase.outcome == "open":
        key = "review.sum.waiting" if phase.asked_at is not None else "review.sum.drafting"
        text = words(key, phase=label, wait=words.duration(phase.approval_wait))
    else:
        text = words("review.sum.abandoned", phase=label)
    if phase.deadline is None:
        return f"{text} {words('review.sum.no_deadline')}" if phase.asked_at else text
    if phase.deadline_status == "void":
        return text
    deadline = words(
        f"review.sum.deadline.{phase.deadline_status}",
        deadline=words.point(phase.deadline, review.detected_at, seconds=_precise(review)),
        allowed=words.duration(phase.deadline - start),
        origin=origin,
        margin=words.duration(phase.deadline - (phase.approved_at or phase.deadline)),
        late=words.duration((phase.approved_at or review.as_of) - phase.deadline),
    )
    return f"{text} {deadline}"


def _decision_event(review: Review, phase: PhaseReview) -> Event | None:
    return next(
        (
            e
            for e in reversed(review.events)
            if e.kind is Kind.REJECTED and e.phase is phase.phase and e.sequence == phase.sequence
        ),
        None,
    )


def _along(phase: PhaseReview, words: Words) -> str:
    """`` (après 1 demande de modification et 1 escalade vers la direction adjointe)``."""
    items = []
    if phase.change_requests:
        items.append(words.count("review.sum.n_changes.", phase.change_requests))
    if phase.reminders:
        items.append(words.count("review.sum.n_reminders.", phase.reminders))
    if phase.escalations:
        roles = words.join([words.role(r) for r in dict.fromkeys(phase.escalated_to) if r])
        items.append(words.count("review.sum.n_escalations.", phase.escalations, roles=roles))
    return words("review.sum.after", items=words.join(items)) if items else ""


def _closing(review: Review, words: Words) -> list[str]:
    figures = review.figures
    said = []
    overrides = [e for e in review.events if e.kind is Kind.OVERRIDDEN and e.override]
    if overrides:
        rules = sorted({r for e in overrides if e.override for r in e.override.rules})
        said.append(
            words.count(
                "review.sum.overrides.",
                len(overrides),
                rules=words.join([words.rule(r) for r in rules]),
            )
        )
    if figures.facts:
        said.append(words.count("review.sum.facts.", figures.facts))
    if figures.cadence is not None and figures.announcements:
        counted = [
            ("review.sum.kept.", figures.cadence_kept),
            ("review.sum.late.", figures.cadence_late),
            ("review.sum.missed.", figures.cadence_missed),
            (
                "review.sum.pending.",
                len(figures.announcements)
                - figures.cadence_kept
                - figures.cadence_late
                - figures.cadence_missed,
            ),
        ]
        items = [words.count(key, n) for key, n in counted if n > 0]
        said.append(
            words(
                "review.sum.cadence",
                every=words.duration(figures.cadence),
                items=words.join(items),
            )
        )
    said.append(_ending(review, words))
    return said


def _ending(review: Review, words: Words) -> str:
    def last(kind: Kind) -> Event | None:
        return next((e for e in reversed(review.events) if e.kind is kind), None)

    if review.status == "cancelled":
        cancelled = last(Kind.CANCELLED)
        who = cancelled.who if cancelled else None
        return words(
            "review.sum.cancelled",
            at=_at(review, words, cancelled.at if cancelled else review.as_of),
            who=words.person(who.name, who.roles) if who else "-",
            reason=review.cancel_reason.rstrip(".") or "-",
        )
    if review.status == "failed":
        return words("review.sum.failed", at=_at(review, words, review.as_of))
    if review.status == "running":
        return words("review.sum.running", at=words.moment(review.as_of))
    closed = review.closed_at or review.as_of
    ending = words(
        "review.sum.closed",
        at=_at(review, words, closed),
        duration=words.duration(closed - review.detected_at),
    )
    retracted = last(Kind.RETRACTED)
    if retracted is not None and retracted.who is not None:
        said = words(
            "review.sum.retracted",
            at=_at(review, words, retracted.at),
            who=words.person(retracted.who.name, retracted.who.roles),
            reason=review.retraction.rstrip(".") or "-",
        )
        return f"{said} {ending}"
    resolved = last(Kind.RESOLVED)
    if resolved is not None and resolved.who is not None:
        said = words(
            "review.sum.resolved",
            at=_at(review, words, resolved.at),
            who=words.person(resolved.who.name, resolved.who.roles),
            summary=review.resolution.rstrip(".") or "-",
        )
        return f"{said} {ending}"
    return ending
