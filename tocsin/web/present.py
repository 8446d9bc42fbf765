"""A crisis's status as the console's pages show it: plain values for the templates.

The counts, limits and findings are the ones the draft activity computed (``tocsin status`` and
``tocsin preview`` show the same: ``tocsin.preview.summary``); nothing is measured again here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tocsin.crises import ENDED
from tocsin.models import CrisisStatus, EventKind, Finding, Severity, StatementText
from tocsin.models.delivery import DeliveryStatus
from tocsin.preview import ratio, summary
from tocsin.web.words import Words

NEAR = 0.8  # a text past this share of its limit is shown as near it


def field_name(item: StatementText) -> str:
    """The form field of a text: ``text__sms__fr``."""
    return f"text__{item.channel.value}__{item.language}"


@dataclass
class FindingView:
    rule: str
    severity: str
    label: str
    message: str
    fix: str
    excerpt: str


@dataclass
class TextView:
    key: str
    channel: str
    label: str
    language: str
    variant: bool
    text: str
    count: str
    value: int
    limit: int | None
    unit: str
    state: str  # ok, near, over
    problems: list[str]
    findings: list[FindingView] = field(default_factory=list)


@dataclass
class EventView:
    at: str
    iso: str
    what: str
    phase: str
    person: str
    detail: str


@dataclass
class CrisisView:
    crisis_id: str
    title: str
    exercise: bool
    state: str
    state_label: str
    ended: bool
    phase: str
    revision: int | None
    author: str
    pending: list[str]
    deadline: str
    deadline_missed: bool
    next_update: str
    change_comment: str
    texts: list[TextView]
    general_findings: list[FindingView]
    blocking: int
    warnings: int
    events: list[EventView]
    decisions: list[str]
    facts: list[str]
    posts: list[str]
    fingerprint: str


def findings_of(found: list[Finding], words: Words) -> list[FindingView]:
    views = []
    for item in found:
        message, fix = item.text(words.lang)
        views.append(
            FindingView(
                rule=item.rule,
                severity=item.severity.value,
                label=words(f"severity.{item.severity.value}"),
                message=message,
                fix=fix,
                excerpt=item.excerpt[:80] if item.end > item.start else "",
            )
        )
    return views


def text_view(item: StatementText, found: list[Finding], words: Words) -> TextView:
    measure = item.measure
    share = ratio(measure) if measure is not None else None
    state = "ok"
    if measure is not None and not measure.fits:
        state = "over"
    elif share is not None and share > NEAR:
        state = "near"
    return TextView(
        key=field_name(item),
        channel=item.channel.value,
        label=words(f"review.channel.{item.channel.value}"),
        language=item.language,
        variant=bool(item.variant),
        text=item.text,
        count=summary(measure) if measure is not None else words("web.count", count=len(item.text)),
        value=measure.count if measure is not None else len(item.text),
        limit=measure.limit if measure is not None else None,
        unit=measure.unit if measure is not None else "",
        state=state,
        problems=list(measure.problems) if measure is not None else [],
        findings=findings_of(
            [f for f in found if f.channel == item.channel and f.language == item.language],
            words,
        ),
    )


def fingerprint(status: CrisisStatus) -> str:
    """What changes when there is something new to show: compared by the live updates."""
    return ":".join(
        str(part)
        for part in (
            status.state,
            status.phase.value if status.phase else "-",
            status.sequence,
            status.revision,
            len(status.decisions),
            len(status.facts),
            len(status.publications),
            sum(d.status is DeliveryStatus.PUBLISHED for d in status.deliveries),
            status.runs,
            int(status.deadline_missed),
            status.next_escalation_at.isoformat() if status.next_escalation_at else "-",
        )
    )


def _name(status: CrisisStatus, person: str | None) -> str:
    found = status.people.get(person or "")
    return found.name if found else (person or "")


def crisis_view(status: CrisisStatus, words: Words) -> CrisisView:
    zone = status.timezone

    def at(moment: datetime | None) -> str:
        return words.at(moment, zone) if moment is not None else ""

    draft = status.draft
    findings = draft.findings if draft is not None else []
    blocking = sum(f.severity is Severity.BLOCKING for f in findings)
    events = [
        EventView(
            at=at(event.at),
            iso=event.at.isoformat(),
            what=words(f"event.{event.kind.value}"),
            phase=words.phase(event.phase, event.sequence) if event.phase else "",
            person=_name(status, event.person),
            # A notice's detail is the workflow's own words (its kind, to whom): not for people.
            detail="" if event.kind is EventKind.NOTIFIED else event.detail[:500],
        )
        for event in reversed(status.events)
    ]
    return CrisisView(
        crisis_id=status.crisis_id,
        title=status.title,
        exercise=status.exercise,
        state=status.state,
        state_label=words(f"state.{status.state}"),
        ended=status.state in ENDED,
        phase=words.phase(status.phase, status.sequence),
        revision=status.revision,
        author=status.author_name or status.author or "",
        pending=[
            f"{words.role(p.role)} ({', '.join(p.names or p.people) or '–'})"
            for p in status.pending
        ],
        deadline=at(status.deadline),
        deadline_missed=status.deadline_missed,
        next_update=at(status.next_update_at) if status.state not in ENDED else "",
        change_comment=status.change_comment,
        texts=[text_view(item, findings, words) for item in draft.texts] if draft else [],
        general_findings=findings_of([f for f in findings if f.channel is None], words),
        blocking=blocking,
        warnings=len(findings) - blocking,
        events=events,
        decisions=[
            words(
                "web.decision_line",
                at=at(d.decided_at),
                phase=words.phase(d.phase, d.sequence),
                revision=d.revision,
                person=d.person_name,
                action=words(f"action.{d.action.value}"),
                via=d.via,
            )
            + (f" : {d.comment}" if d.comment else "")
            for d in reversed(status.decisions)
        ],
        facts=[
            f"{at(fact.added_at)} · {_name(status, fact.person)} : {fact.text}"
            for fact in reversed(status.facts)
        ],
        posts=[
            f"{words.phase(d.phase, d.sequence)} · {words(f'review.channel.{d.channel.value}')} "
            f"({d.language}) → {d.account} : {words(f'web.post.{d.status.value}')}"
            for d in status.deliveries
        ],
        fingerprint=fingerprint(status),
    )
