"""The crisis workflow's messages and state: its input, its updates and query, the activities'
requests and results, and the state it carries across continue-as-new."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from tocsin.durations import Duration
from tocsin.models.base import (
    MAX_COMMENT_CHARS,
    MAX_FACT_CHARS,
    Channel,
    PhaseName,
    Strict,
)
from tocsin.models.delivery import Delivery, ManualTask
from tocsin.models.drafts import Decision, Draft, Finding, StatementText, TextEdit
from tocsin.models.identity import Keyring, Signature, Signer
from tocsin.models.playbook import GuardrailSettings, Person, Playbook

Comment = Annotated[str, Field(max_length=MAX_COMMENT_CHARS)]


class FactRequest(Strict):
    person: str
    text: Annotated[str, Field(min_length=1, max_length=MAX_FACT_CHARS)]
    # Why a fact R-PRIVACY finds personal data in must be kept all the same (override roles).
    override: Comment = ""
    signature: Signature | None = None


class Fact(Strict):
    text: str
    person: str
    added_at: datetime
    override: str = ""  # the justification, when a person of an override role kept it anyway


class ResolveRequest(Strict):
    person: str
    summary: Comment = ""
    signature: Signature | None = None


class CancelRequest(Strict):
    person: str
    reason: Annotated[str, Field(min_length=1, max_length=MAX_COMMENT_CHARS)]
    signature: Signature | None = None


class RetractRequest(Strict):
    """Withdraw what the public was told (an alert sent in error, a false alarm): the crisis
    then goes to its close, whose statement says so, drafted and approved like the others."""

    person: str
    reason: Annotated[str, Field(min_length=1, max_length=MAX_COMMENT_CHARS)]
    signature: Signature | None = None


class CorrectionRequest(Strict):
    """Correct a published statement (a wrong number, a wrong street): the corrected texts go
    through the same gate (guardrails, four eyes), then each platform shows the correction."""

    person: str
    phase: PhaseName
    sequence: int = Field(default=0, ge=0, le=1_000_000)
    edits: Annotated[list[TextEdit], Field(min_length=1, max_length=200)]
    reason: Annotated[str, Field(min_length=1, max_length=MAX_COMMENT_CHARS)]
    signature: Signature | None = None


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
    # The front ends' public keys, snapshotted like the playbook; the worker keeps only those
    # its own key file trusts (tocsin.identity). The start itself is signed.
    keyring: Keyring = Keyring()
    signature: Signature | None = None


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
    POSTED = "posted"  # a platform acknowledged a post: its URL in the detail
    POST_FAILED = "post_failed"  # an account refused or has not answered in the delay
    TASK_OPENED = "task_opened"  # a text to publish by hand, given to a person
    TASK_DONE = "task_done"  # a person published it by hand, and said where
    FACT_ADDED = "fact_added"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"
    RETRACTED = "retracted"
    CORRECTION = "correction"  # a person asked to correct a published statement: the reason
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
    signer: Signer | None = None  # who sent the change, as their front end proved it


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
    revisions: int = 1  # revisions of this statement so far (MAX_REVISIONS_PER_GATE)
    card: str = ""  # where the approval card is (Slack: "channel/ts"), to update it in place
    # A correction of the published statement (phase, sequence): its number in the crisis
    # (0: the statement itself) and why.
    correction: int = 0
    correction_reason: str = ""


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
    deliveries: list[Delivery] = []  # one a text and account, the latest KEPT_DELIVERIES
    tasks: list[ManualTask] = []  # the open ones all, the closed ones the latest KEPT_TASKS
    task_counter: int = 0
    correction_counter: int = 0
    # The nonces of the signed changes accepted, the latest KEPT_NONCES: none is accepted twice.
    nonces: list[str] = []
    events: list[TimelineEvent] = []
    resolved: bool = False
    resolution: str = ""
    cancelled: bool = False
    cancel_reason: str = ""
    retracted: bool = False
    retraction: str = ""  # why, as the person gave it; the close statement says it
    runs: int = 1
    open_gate: Gate | None = None  # the gate a run was waiting on when it continued as new
    # Counted whole, while the lists above keep the latest only (KEPT_*): bounded state.
    decided: int = 0  # decisions
    published: int = 0  # files published
    statements: int = 0  # statements published (a phase's set of texts is one)


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
    correction: int = 0  # the gate open corrects a published statement: its number
    correction_reason: str = ""
    draft: Draft | None = None
    decisions: list[Decision]
    facts: list[Fact]
    publications: list[Publication]
    deliveries: list[Delivery] = []  # the posts on the platforms, with their URLs
    tasks: list[ManualTask] = []  # the texts to publish by hand, open or closed
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


class PublishedText(Strict):
    channel: Channel
    language: str
    path: str


class CheckRequest(Strict):
    """Texts to check again after a person edited them (approve with edits, a revision)."""

    draft: DraftRequest
    texts: list[StatementText]
    # A correction's: the files of the texts it corrects, as published (their text is shown
    # to the approver beside the new one).
    replaced: list[PublishedText] = []


class ScreenRequest(Strict):
    """Texts people send a crisis (a fact, a comment, a note), screened for personal data by
    R-PRIVACY before they enter it."""

    crisis_id: str
    playbook: Playbook
    params: dict[str, ParamValue]
    guardrails: GuardrailSettings = GuardrailSettings()
    texts: list[str]
    now: datetime


class ScreenResult(Strict):
    findings: list[Finding]  # the blocking ones, every text's


class CheckResult(Strict):
    findings: list[Finding]
    texts: list[StatementText]  # the texts measured again against their channel's limit
    replaced: list[StatementText] = []  # what the public was given, read from the outbox


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
    TASK = "task"  # a text to publish by hand: given, reminded, escalated
    POST_FAILED = "post_failed"  # an account refused a post, or does not answer
    POSTED = "posted"  # every automatic post of an approval answered: where each one is


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
    correction: int = 0  # the gate corrects a published statement: its number, else 0
    correction_reason: str = ""
    deadline: datetime | None = None
    approver_role: str = ""
    decision: Decision | None = None  # for decided / changes requested / published
    texts: list[StatementText] = []  # what was published
    tasks: list[ManualTask] = []  # the texts to publish by hand (task, post failed)
    deliveries: list[Delivery] = []  # an approval's posts, once all answered (posted)
    recipient_slack_ids: list[str] = []
    recipient_emails: list[str] = []  # of those told who have one (e-mail notices)
    recipient_phones: list[str] = []  # an escalation by SMS, when the phase's approval says so
    author_slack_ids: list[str] = []
    recipient_matrix_ids: list[str] = []
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
    correction: int = 0  # a correction of the published statement: its number


class PublishedFile(Strict):
    language: str
    path: str
    sha256: str
    written: bool  # False when the file was already there (a retry)


class PublishResult(Strict):
    files: list[PublishedFile]


# A crisis's workflow id, as `crisis_workflow_id` builds it: ``crisis-<playbook>-<key>``, in
# lower-case ASCII letters, digits, ``-`` and ``_`` only (a path component, a Slack value and a
# Temporal id at once). The workflow refuses to start under any other id (workflows/crisis.py).
MAX_KEY = 200  # characters of a key as a person types it
MAX_SLUG = 80  # characters of the key in the id
CRISIS_ID = re.compile(r"^crisis-[a-z0-9][a-z0-9_-]{0,63}-[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters NFKD does not take apart: written as their usual ASCII.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i"}
)


class CrisisKeyError(ValueError):
    """A crisis key that gives no usable id: ``code`` says why (``KeyEmpty``, ``KeyTooLong``,
    ``KeyControl``), ``params`` what to show."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = {name: str(value) for name, value in params.items()}


def shown(value: str, limit: int = 60) -> str:
    """A value from outside as a message may show it: control characters escaped, cut."""
    escaped = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in value[:limit])
    return escaped + ("…" if len(value) > limit else "")


def key_slug(crisis_key: str) -> str:
    """The key as it goes into the crisis id: accents transliterated (« été » -> ``ete``),
    lower case, every run of other characters one ``-``."""
    if len(crisis_key) > MAX_KEY:
        raise CrisisKeyError("KeyTooLong", key=shown(crisis_key), maximum=MAX_KEY)
    if any(unicodedata.category(ch).startswith("C") for ch in crisis_key):
        raise CrisisKeyError("KeyControl", key=shown(crisis_key))
    ascii_key = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", crisis_key.lower().translate(_LETTERS))
        if not unicodedata.combining(ch)
    )
    slug = _NOT_SLUG.sub("-", ascii_key.encode("ascii", "ignore").decode()).strip("-")
    if not slug:
        raise CrisisKeyError("KeyEmpty", key=shown(crisis_key))
    if len(slug) > MAX_SLUG:
        raise CrisisKeyError("KeyTooLong", key=shown(crisis_key), maximum=MAX_SLUG)
    return slug


def crisis_workflow_id(playbook_id: str, crisis_key: str) -> str:
    """One crisis per playbook and key: a duplicate trigger lands on the same workflow.
    ``CrisisKeyError`` for a key that gives no id."""
    return f"crisis-{playbook_id}-{key_slug(crisis_key)}"


def crisis_id_problem(crisis: CrisisInput, workflow_id: str) -> str | None:
    """Why a crisis may not run under ``workflow_id`` (its id is a path in the outbox): the
    code of the problem, or None when the id is the one its playbook and key give."""
    if not CRISIS_ID.fullmatch(crisis.crisis_id):
        return "BadCrisisId"
    if crisis.crisis_id != workflow_id:
        return "CrisisIdMismatch"
    try:
        expected = crisis_workflow_id(crisis.playbook.id, crisis.crisis_key)
    except CrisisKeyError:
        return "BadCrisisId"
    return None if expected == crisis.crisis_id else "CrisisIdMismatch"
