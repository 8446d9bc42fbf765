"""The review of a crisis as typed data: a timeline, one entry per phase, the published texts
and the figures. Built from the workflow's history (tocsin.review.history); rendered by
tocsin.review.report (text, Markdown) and tocsin.review.html.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from tocsin.models import (
    Channel,
    Decision,
    DecisionAction,
    EditDiff,
    Fact,
    Finding,
    Override,
    PhaseName,
    phase_label,
)
from tocsin.review.notes import Notes


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Who(_Model):
    """A person as the playbook names them: never a Slack id."""

    id: str
    name: str
    roles: list[str] = []

    def label(self) -> str:
        return f"{self.name} ({', '.join(self.roles)})" if self.roles else self.name


class Kind(StrEnum):
    DETECTED = "detected"
    PHASE_STARTED = "phase_started"
    DRAFTED = "drafted"
    APPROVAL_REQUESTED = "approval_requested"
    REMINDER = "reminder"
    ESCALATED = "escalated"
    DEADLINE_MISSED = "deadline_missed"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    REJECTED = "rejected"
    OVERRIDDEN = "overridden"
    REFUSED = "refused"  # an update accepted, then refused by the workflow (recorded failure)
    REVISED = "revised"
    PUBLISHED = "published"  # written to the outbox
    POSTED = "posted"  # an account acknowledged a post
    POST_CORRECTED = "post_corrected"  # an account acknowledged a correction
    POST_WITHDRAWN = "post_withdrawn"  # an account acknowledged a retraction
    POST_FAILED = "post_failed"  # an account refused a post for good
    TASK_DONE = "task_done"  # a person published a text by hand
    FACT_ADDED = "fact_added"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"
    RETRACTED = "retracted"  # what was published is withdrawn; the close says so
    INFORMED = "informed"  # a notice with nothing to approve (an internal phase)
    FAILED = "failed"  # an activity that gave up (a template that does not render...)
    CONTINUED = "continued_as_new"
    CLOSED = "closed"
    REVIEWED = "reviewed"


class Refusal(_Model):
    """Why the workflow refused an update: its code (``refuse.<code>`` in the catalogue) and
    the values of its message."""

    code: str
    params: dict[str, str] = {}


class Event(_Model):
    """One line of the timeline, traceable to its Temporal history event (run, event id)."""

    at: datetime
    kind: Kind
    run: int  # 1 for the first run of the continue-as-new chain
    event_id: int  # the history event it was read from, in that run
    phase: PhaseName | None = None
    sequence: int = 0
    revision: int | None = None
    who: Who | None = None
    to: list[Who] = []  # who was told (approval requests, reminders, escalations)
    role: str = ""  # the role asked to approve (escalations)
    detail: str = ""
    via: str = ""  # cli, slack, api
    findings: list[Finding] = []  # a draft's or a revision's findings
    edits: list[EditDiff] = []  # what an approver changed
    override: Override | None = None
    channel: Channel | None = None
    language: str = ""
    account: str = ""  # the publishing account of a post
    update: str = ""  # the update a refusal answered (decide, revise, add_fact...)
    action: DecisionAction | None = None  # the decision a refusal answered
    refusal: Refusal | None = None

    @property
    def label(self) -> str:
        return phase_label(self.phase, self.sequence) if self.phase is not None else ""


DeadlineStatus = Literal["met", "missed", "open", "none", "void"]
PhaseOutcome = Literal["published", "rejected", "open", "cancelled", "internal"]


class PhaseReview(_Model):
    """One phase (or one follow-up) from its start to its publication."""

    phase: PhaseName
    sequence: int = 0
    started_at: datetime
    asked_at: datetime | None = None  # first approval request
    approved_at: datetime | None = None
    published_at: datetime | None = None  # the last channel's file written
    outcome: PhaseOutcome = "open"
    revisions: list[int] = []
    approved_revision: int | None = None
    approver: Who | None = None
    approved_via: str = ""
    change_requests: int = 0
    rejections: int = 0
    reminders: int = 0
    escalations: int = 0
    escalated_to: list[str] = []
    overrides: int = 0
    approval_wait: timedelta = timedelta(0)  # statements waiting on an approver
    revision_wait: timedelta = timedelta(0)  # change requests waiting on an author
    deadline: datetime | None = None
    deadline_status: DeadlineStatus = "none"
    blocking: int = 0  # findings on the approved revision
    warnings: int = 0
    channels: list[Channel] = []
    announced: datetime | None = None  # "next update at" in the approved statement

    @property
    def label(self) -> str:
        return phase_label(self.phase, self.sequence)


class PublishedText(_Model):
    """A text as it went out: the archive of what the public body said."""

    phase: PhaseName
    sequence: int
    revision: int
    channel: Channel
    language: str
    text: str
    files: list[str]  # outbox paths (a press release is written as Markdown and HTML)
    sha256: str  # of the text as approved
    published_at: datetime
    approved_by: Who

    @property
    def label(self) -> str:
        return phase_label(self.phase, self.sequence)


CadenceStatus = Literal["kept", "late", "missed", "pending"]


class Announcement(_Model):
    """A published "next update at" and what followed it."""

    made_in: str  # the phase label of the statement that announced it
    announced_for: datetime
    next_statement: str = ""
    published_at: datetime | None = None
    delay: timedelta | None = None  # published_at - announced_for (negative when early)
    status: CadenceStatus


class ReachStatus(StrEnum):
    """Where a text stands with its public, on one account, manual channel or outbox."""

    PUBLISHED = "published"  # the account acknowledged it
    LATE = "late"  # the account acknowledged it after the playbook's delay
    BY_HAND = "by_hand"  # a channel no account publishes: a person did
    FAILED_BY_HAND = "failed_by_hand"  # the account refused it; a person published it
    DELAYED_BY_HAND = "delayed_by_hand"  # the account did not answer in time; a person did
    FAILED = "failed"  # the account refused it and nobody published it by hand
    DELAYED = "delayed"  # the account has not answered yet; the manual task is open
    PENDING = "pending"  # the post is under way
    OPEN = "open"  # the manual task is still open
    SUPERSEDED = "superseded"  # a newer statement took its place before it went out
    OUTBOX = "outbox"  # no account: the text is in the outbox only


REACHED = frozenset(
    {
        ReachStatus.PUBLISHED,
        ReachStatus.LATE,
        ReachStatus.BY_HAND,
        ReachStatus.FAILED_BY_HAND,
        ReachStatus.DELAYED_BY_HAND,
    }
)
BY_HAND = frozenset({ReachStatus.BY_HAND, ReachStatus.FAILED_BY_HAND, ReachStatus.DELAYED_BY_HAND})

FollowAction = Literal["correct", "retract"]
FollowStatus = Literal["done", "failed", "pending", "open", "superseded"]


class Follow(_Model):
    """A correction or a retraction of what a row published: on its account (a post that edits,
    answers or deletes), or by hand (a task)."""

    action: FollowAction
    revision: int
    approved_at: datetime | None = None
    asked_at: datetime | None = None
    at: datetime | None = None  # the platform's acknowledgement, or the task done
    by: Who | None = None
    remote_id: str = ""
    url: str = ""
    note: str = ""
    problem: str = ""
    task: str = ""
    status: FollowStatus = "pending"


class Reach(_Model):
    """One approved text on one account (or by hand, or in the outbox): when the public could
    see it, against its approval."""

    phase: PhaseName
    sequence: int
    revision: int
    channel: Channel
    language: str
    account: str = ""  # empty: a manual channel, or the outbox
    kind: str  # the account's kind (mastodon, email...), "manual" or "outbox"
    approved_at: datetime | None = None
    asked_at: datetime | None = None  # the post started, or the task opened
    reached_at: datetime | None = None  # the first moment the public could see it
    acked_at: datetime | None = None  # the account's acknowledgement (also after a manual one)
    by: Who | None = None  # who published it by hand
    by_url: str = ""  # where, as that person said
    note: str = ""  # or how (« lu à l'antenne à 10 h 05 »)
    remote_id: str = ""  # the account's post
    url: str = ""
    problem: str = ""  # what the platform answered, when it refused
    task: str = ""  # the manual task's id
    left_out: list[str] = []  # real accounts a drill did not post to
    outbox_at: datetime | None = None  # the text's file in the outbox
    status: ReachStatus = ReachStatus.PENDING
    follows: list[Follow] = []

    @property
    def delay(self) -> timedelta | None:
        if self.reached_at is None or self.approved_at is None:
            return None
        return self.reached_at - self.approved_at


class Figures(_Model):
    to_first_approval: timedelta | None = None
    to_first_publication: timedelta | None = None
    duration: timedelta  # detection to close, or to now for a crisis still running
    statements: int = 0  # phases published
    texts: int = 0  # texts published (channel x language)
    per_channel: dict[str, int] = {}  # statements per channel
    per_language: dict[str, int] = {}  # texts per "channel.language"
    revisions: int = 0
    change_requests: int = 0
    rejections: int = 0
    escalations: int = 0
    reminders: int = 0
    overrides: int = 0
    refusals: int = 0
    facts: int = 0
    deadlines_met: int = 0
    deadlines_missed: int = 0
    deadlines_open: int = 0
    approval_wait: timedelta = timedelta(0)
    longest_approval_wait: timedelta = timedelta(0)
    longest_wait_phase: str = ""
    cadence: timedelta | None = None  # what the playbook promises between updates
    cadence_tolerance: timedelta = timedelta(0)
    announcements: list[Announcement] = []
    cadence_kept: int = 0
    cadence_late: int = 0
    cadence_missed: int = 0
    longest_silence: timedelta | None = None  # the longest gap between two statements


class RunInfo(_Model):
    run_id: str
    started_at: datetime
    ended_at: datetime | None = None
    events: int
    end: Literal["continued", "completed", "failed", "terminated", "timed_out", "running"]


ReviewStatus = Literal["running", "closed", "cancelled", "failed"]


class Review(_Model):
    crisis_id: str
    title: str
    playbook_id: str
    exercise: bool
    timezone: str
    params: dict[str, str | int | float | bool] = {}
    status: ReviewStatus
    detected_at: datetime
    detected_by: Who
    closed_at: datetime | None = None
    as_of: datetime  # the history read ends here
    resolution: str = ""
    retraction: str = ""  # why what was published was withdrawn, as the person gave it
    cancel_reason: str = ""
    runs: list[RunInfo]
    people: list[Who]
    events: list[Event]
    phases: list[PhaseReview]
    decisions: list[Decision]
    facts: list[Fact]
    publications: list[PublishedText]
    reach: list[Reach] = []  # what the public saw, where and when
    figures: Figures
    notes: Notes | None = None  # the team's own retour d'expérience (tocsin review --notes)
