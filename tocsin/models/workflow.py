"""The crisis workflow's messages and state: its input, its updates and query, the activities'
requests and results, and the state it carries across continue-as-new."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from tocsin.durations import Duration
from tocsin.models.base import Channel, PhaseName, Strict
from tocsin.models.drafts import Decision, Draft, Finding, StatementText
from tocsin.models.playbook import GuardrailSettings, Person, Playbook


class FactRequest(Strict):
    person: str
    text: Annotated[str, Field(min_length=1, max_length=5_000)]


class Fact(Strict):
    text: str
    person: str
    added_at: datetime


class ResolveRequest(Strict):
    person: str
    summary: Annotated[str, Field(max_length=5_000)] = ""


class CancelRequest(Strict):
    person: str
    reason: Annotated[str, Field(min_length=1, max_length=5_000)]


class RetractRequest(Strict):
    """Withdraw what the public was told (an alert sent in error, a false alarm): the crisis
    then goes to its close, whose statement says so, drafted and approved like the others."""

    person: str
    reason: Annotated[str, Field(min_length=1, max_length=2_000)]


class Ack(Strict):
    """What an update that only records something returns."""

    recorded_at: datetime
    message: str = ""


ParamValue = str | int | float | bool


class CrisisInput(Strict):
    crisis_id: str
    crisis_key: str
    playbook: Playbook
    templates: dict[str, str]  # template path -> source, snapshotted at trigger time
    params: dict[str, ParamValue]
    triggered_by: str
    exercise: bool = False
    detected_at: datetime | None = None
    max_history_events: int = Field(default=1500, ge=100)
    # Announced update times are rounded up to this step ("next update at 14:05").
    announce_step: Duration = timedelta(minutes=5)
    guardrails: GuardrailSettings = GuardrailSettings()


class EventKind(StrEnum):
    DETECTED = "detected"
    PHASE_STARTED = "phase_started"
    DRAFTED = "drafted"
    NOTIFIED = "notified"
    REMINDER = "reminder"
    ESCALATED = "escalated"
    DEADLINE_MISSED = "deadline_missed"
    DECIDED = "decided"
    OVERRIDDEN = "overridden"
    REVISED = "revised"
    PUBLISHED = "published"
    FACT_ADDED = "fact_added"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"
    RETRACTED = "retracted"
    CONTINUED = "continued_as_new"
    CLOSED = "closed"
    REVIEWED = "reviewed"


class TimelineEvent(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: datetime
    kind: EventKind
    phase: PhaseName | None = None
    sequence: int = 0
    revision: int | None = None
    person: str | None = None
    detail: str = ""


class GateStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_REVISION = "awaiting_revision"


class Gate(Strict):
    """The approval gate of the phase in progress."""

    phase: PhaseName
    sequence: int
    status: GateStatus = GateStatus.AWAITING_APPROVAL
    draft: Draft
    level: int = 0
    opened_at: datetime
    level_started_at: datetime
    last_reminder_at: datetime
    deadline: datetime | None = None
    deadline_missed: bool = False
    change_comment: str = ""
    card: str = ""  # where the approval card is (Slack: "channel/ts"), to update it in place


class Publication(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True)

    phase: PhaseName
    sequence: int
    revision: int
    channel: Channel
    language: str
    path: str
    sha256: str
    published_at: datetime
    approved_by: str


class CrisisState(Strict):
    """Everything the workflow knows; carried whole across continue-as-new."""

    detected_at: datetime
    phase_index: int = 0
    follow_up_count: int = 0
    next_update_at: datetime | None = None
    revision_counter: int = 0
    facts: list[Fact] = []
    decisions: list[Decision] = []
    publications: list[Publication] = []
    events: list[TimelineEvent] = []
    resolved: bool = False
    resolution: str = ""
    cancelled: bool = False
    cancel_reason: str = ""
    retracted: bool = False
    retraction: str = ""  # why, as the person gave it; the close statement says it
    runs: int = 1
    open_gate: Gate | None = None  # the gate a run was waiting on when it continued as new


class CrisisRun(Strict):
    """The workflow's single argument: the crisis, and its state when continued as new."""

    crisis: CrisisInput
    state: CrisisState | None = None


class CrisisOutcome(Strict):
    crisis_id: str
    status: Literal["closed", "cancelled", "retracted"]
    publications: int
    decisions: int
    runs: int


class StatusQuery(Strict):
    include_events: bool = True
    # False: the answer leaves the draft out (``draft`` is None even at a gate), for a caller
    # that only needs where the crisis stands; the draft's texts are most of the answer.
    include_draft: bool = True


class PendingApprover(Strict):
    role: str
    people: list[str]
    names: list[str] = []


class CrisisStatus(Strict):
    crisis_id: str
    playbook_id: str
    title: str
    exercise: bool
    timezone: str = "Europe/Paris"
    state: Literal[
        "drafting",
        "awaiting_approval",
        "awaiting_revision",
        "publishing",
        "waiting_follow_up",
        "waiting_resolution",
        "closed",
        "cancelled",
        "retracted",
    ]
    phase: PhaseName | None
    sequence: int
    revision: int | None
    author: str | None
    author_name: str | None = None
    pending: list[PendingApprover] = []
    detected_at: datetime
    deadline: datetime | None = None
    deadline_missed: bool = False
    next_reminder_at: datetime | None = None
    next_escalation_at: datetime | None = None
    next_update_at: datetime | None = None
    change_comment: str = ""
    draft: Draft | None = None
    decisions: list[Decision]
    facts: list[Fact]
    publications: list[Publication]
    events: list[TimelineEvent] = []
    resolved: bool
    retracted: bool = False
    runs: int
    people: dict[str, Person] = {}  # the playbook's people, to map a Slack user to a person
    review_at: datetime | None = None  # when the review will be posted (after the close)
    notices_pending: int = 0  # notices not yet delivered (a notifier down: Slack, say)


class DraftRequest(Strict):
    """What the draft and check activities render and check: the crisis's playbook and
    templates as snapshotted at trigger time, its parameters and facts, and the phase."""

    crisis_id: str
    playbook: Playbook
    templates: dict[str, str]
    params: dict[str, ParamValue]
    facts: list[Fact]
    phase: PhaseName
    sequence: int
    revision: int
    author: str
    exercise: bool
    now: datetime
    detected_at: datetime
    next_update_at: datetime | None
    resolution: str = ""
    retraction: str = ""  # the close withdraws what was published, for this reason
    note: str = ""
    number: int = 1  # the statement's number in the crisis (press releases are numbered)
    guardrails: GuardrailSettings = GuardrailSettings()


class CheckRequest(Strict):
    """Texts to check again after a person edited them (approve with edits, a revision)."""

    draft: DraftRequest
    texts: list[StatementText]


class CheckResult(Strict):
    findings: list[Finding]
    texts: list[StatementText]  # the texts measured again against their channel's limit


class ReviewRequest(Strict):
    """Build the crisis's review from its history as it stands at ``as_of``; store it."""

    crisis_id: str
    exercise: bool
    as_of: datetime


class ReviewResult(Strict):
    summary: str  # the short text posted to Slack or the console
    files: list[str]  # the report in the outbox (HTML, Markdown, JSON)


class NotifyKind(StrEnum):
    APPROVAL_REQUESTED = "approval_requested"
    REMINDER = "reminder"
    ESCALATION = "escalation"
    DEADLINE_MISSED = "deadline_missed"
    DECIDED = "decided"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    INFO = "info"
    CLOSED = "closed"  # the crisis is over; the review follows
    REVIEW = "review"  # the review's summary, posted after the close


class NotifyRequest(Strict):
    crisis_id: str
    title: str
    kind: NotifyKind
    phase: PhaseName | None = None
    sequence: int = 0
    revision: int | None = None
    recipients: list[str] = []  # person ids
    recipient_names: list[str] = []
    message: str
    exercise: bool = False
    idempotency_key: str
    # What a rich front end (the Slack card) shows; the console notifier ignores them.
    draft: Draft | None = None  # the revision awaiting approval, or the texts published
    card: str = ""  # the gate's card, as the first notice of the gate returned it
    deadline: datetime | None = None
    approver_role: str = ""
    decision: Decision | None = None  # for decided / changes requested / published
    texts: list[StatementText] = []  # what was published
    recipient_slack_ids: list[str] = []
    author_slack_ids: list[str] = []
    timezone: str = "Europe/Paris"
    made_at: datetime | None = None  # when the workflow made the notice (it may go out later)


class NotifyResult(Strict):
    delivered: bool
    channel: str
    reference: str = ""
    card: str = ""  # set by a front end that shows approval cards ("channel/ts" on Slack)


class PublishRequest(Strict):
    crisis_id: str
    phase: PhaseName
    sequence: int
    revision: int
    channel: Channel
    texts: list[StatementText]
    approved_by: str
    exercise: bool


class PublishedFile(Strict):
    language: str
    path: str
    sha256: str
    written: bool  # False when the file was already there (a retry)


class PublishResult(Strict):
    files: list[PublishedFile]


_CRISIS_KEY = re.compile(r"[^a-z0-9]+")


def crisis_workflow_id(playbook_id: str, crisis_key: str) -> str:
    """One crisis per playbook and key: a duplicate trigger lands on the same workflow."""
    slug = _CRISIS_KEY.sub("-", crisis_key.lower()).strip("-")
    if not slug:
        raise ValueError("clé de crise vide / empty crisis key")
    return f"crisis-{playbook_id}-{slug[:80]}"
