"""Domain models shared by the CLI, the activities and the workflow.

Every workflow, activity, update and query takes one of these models and returns one.
They are plain pydantic models, safe to import inside the workflow sandbox.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import sys
import weakref
import zlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    PlainSerializer,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from tocsin.durations import Duration


class Channel(StrEnum):
    X = "x"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    LINKEDIN = "linkedin"
    WEBSITE = "website"
    PRESS_RELEASE = "press_release"
    SMS = "sms"
    CELL_BROADCAST = "cell_broadcast"
    HOTLINE = "hotline"
    POSTER = "poster"
    RADIO = "radio"


class PhaseName(StrEnum):
    DETECT = "detect"
    ACKNOWLEDGE = "acknowledge"
    EXPLAIN = "explain"
    SOLUTIONS = "solutions"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"


PHASE_ORDER: tuple[PhaseName, ...] = tuple(PhaseName)

Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


# Sets of given field names, shared between instances (``_Strict.model_post_init``), and each
# model's (frozen, number of fields).
_FIELD_SETS: dict[tuple[type[BaseModel], frozenset[str]], set[str]] = {}
_SHAPES: dict[type[BaseModel], tuple[bool, int]] = {}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)

    def model_post_init(self, context: object, /) -> None:
        """Share the instance's set of given field names with its like.

        pydantic keeps on every instance the names of the fields it was given
        (``model_fields_set``): a set of 728 bytes once it holds five names, more than the
        instance's own ``__dict__``. A crisis's state gains about twenty records a phase (a
        publication and a timeline event a text), each paying for its own. Instances given the
        same names now share one set, where sharing cannot change it: a set that names every
        field (assigning a field adds a name it already holds; ``model_copy`` copies the set
        before adding to it), or any set of a frozen model (nothing is ever added).
        """
        model = type(self)
        shape = _SHAPES.get(model)
        if shape is None:
            shape = _SHAPES[model] = (
                bool(model.model_config.get("frozen")),
                len(model.model_fields),
            )
        given = self.__pydantic_fields_set__
        if not shape[0] and len(given) != shape[1]:
            return
        shared = _FIELD_SETS.setdefault((model, frozenset(given)), given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)


# --------------------------------------------------------------------------- guardrails


RuleId = Annotated[str, Field(pattern=r"^R-[A-Z0-9]+$")]


class Severity(StrEnum):
    BLOCKING = "blocking"  # stops approval unless an allowed role overrides it, with a reason
    WARNING = "warning"  # shown to the approver; never stops anything


class Finding(_Strict):
    """One guardrail finding: which rule, how serious, the exact span of text, what is wrong and
    how to fix it, in French and in English."""

    rule: RuleId
    severity: Severity
    channel: Channel | None = None
    language: str = ""
    start: int = 0  # character offsets in the text, end excluded
    end: int = 0
    excerpt: str = ""
    message: str
    message_en: str
    fix: str = ""
    fix_en: str = ""

    def text(self, lang: str) -> tuple[str, str]:
        """The message and the fix in ``lang`` (French unless English)."""
        if lang == "en":
            return self.message_en, self.fix_en
        return self.message, self.fix


class MediaPeople(StrEnum):
    NONE = "none"  # nobody can be recognised (a map, a sign, a landscape)
    CROWD = "crowd"  # a crowd at a public event, nobody isolated by the framing
    IDENTIFIABLE = "identifiable"  # one or more persons can be recognised


class Media(_Strict):
    """An image or video attached to a statement (R-IMAGE, R-A11Y)."""

    file: Annotated[str, Field(min_length=1, max_length=500)]
    alt: dict[Language, Annotated[str, Field(max_length=1_000)]] = {}
    people: MediaPeople
    minors: bool = False
    consent: list[Annotated[str, Field(min_length=1, max_length=200)]] = []  # written consents
    channels: list[Channel] = []  # empty: every channel of the phase


class GuardrailsPolicy(_Strict):
    """A playbook's own guardrail settings."""

    # Roles whose approval may override a blocking finding, with a written justification.
    override_roles: list[Identifier] = []
    # « sobre »: no exclamation marks, no shouting capitals; « alerte »: an alert may insist.
    tone: Literal["sobre", "alerte"] = "sobre"


class Election(_Strict):
    """An election on the calendar: L52-1's window opens on the first day of the sixth month
    before the month of the vote and lasts until its last round."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]  # "2027-04"
    rounds: list[date] = []  # known days of voting; empty while the decree is not out
    scope: str = ""  # "national", "commune de Saint-Aubin"... (informative)


class ReservePeriod(_Strict):
    """A declared période de réserve (a State circular, an organisation's own decision)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> ReservePeriod:
        if self.end < self.start:
            raise ValueError("la fin précède le début / end is before start")
        return self


class GuardrailSettings(_Strict):
    """An organisation's tuning of the guardrails (``TOCSIN_GUARDRAILS``), snapshotted into each
    crisis at trigger time like the playbook."""

    disable: list[RuleId] = []
    severity: dict[RuleId, Severity] = {}
    # Extra words per rule and language (for R-NEUTRAL, R-ELECTION, R-VOICE).
    words: dict[RuleId, dict[Language, list[Annotated[str, Field(min_length=2)]]]] = {}
    elections: list[Election] = []
    bundled_elections: bool = True  # France's general elections, shipped with tocsin
    reserve_periods: list[ReservePeriod] = []
    official_domains: list[str] = []  # e-mail and web domains that are the organisation's own
    official_phones: list[str] = []  # numbers that are the organisation's own (switchboard...)
    public_names: list[str] = []  # people who may be named (spokesperson, préfet...)
    elected_officials: list[str] = []  # names never to put forward during an electoral period
    max_sentence_words: Annotated[int, Field(ge=8, le=100)] = 30
    min_readability: Annotated[float, Field(ge=-100, le=120)] = 30.0  # Kandel-Moles
    max_emoji: Annotated[int, Field(ge=0, le=50)] = 3


# --------------------------------------------------------------------------- playbook


class ParameterType(StrEnum):
    STRING = "string"
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    PHONE = "phone"
    URL = "url"
    EMAIL = "email"


class Parameter(_Strict):
    name: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")]
    type: ParameterType = ParameterType.STRING
    required: bool = True
    example: str | int | float | bool | None = None
    default: str | int | float | bool | None = None
    description: str = ""


class Person(_Strict):
    name: Annotated[str, Field(min_length=1)]
    slack_user_id: str | None = None
    email: str | None = None


class ApprovalPolicy(_Strict):
    """Who approves a phase's statement, and the timers around the wait."""

    approvers: Annotated[list[Identifier], Field(min_length=1)]
    remind_every: Duration = timedelta(minutes=15)
    escalate_after: Duration = timedelta(minutes=30)
    deadline: Duration | None = None

    @field_validator("remind_every", "escalate_after")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("doit être positif / must be positive")
        return value


class ChannelSettings(_Strict):
    """What a playbook or an organisation may change for a channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: Annotated[int, Field(ge=1)] | None = None  # in the channel's own unit
    parts: Annotated[int, Field(ge=1, le=15)] | None = None  # SMS segments, broadcast pages
    url_length: Annotated[int, Field(ge=1)] | None = None  # Mastodon: what a link counts
    hashtags: Annotated[int, Field(ge=0)] | None = None  # Instagram: most hashtags allowed


class Measure(_Strict):
    """A text's size as its platform counts it, against the limit that applies."""

    count: int
    limit: int | None
    unit: str  # "caractères pondérés", "segments", "pages", "graphèmes", "secondes"...
    counting: str  # how the platform counts, in words, for the person reading the draft
    detail: str = ""  # e.g. "UCS-2 (« ê » l’impose), 180 caractères, 3 segment(s) de 67"
    problems: list[str] = []  # each reason the text does not fit

    @property
    def fits(self) -> bool:
        return not self.problems


MessageValue = str | list[str]


class PhaseSpec(_Strict):
    """One phase of the playbook: which template each channel uses, and how it is approved.

    ``statements`` maps a channel to a template name (``templates/<channel>/<name>.<lang>.j2``).
    When omitted, every channel of the playbook uses the template named after the phase.
    An explicit empty mapping means the phase publishes nothing (an internal step).
    """

    statements: dict[Channel, Identifier] | None = None
    channels: list[Channel] | None = None  # a subset of the playbook's channels for this phase
    approval: ApprovalPolicy | None = None
    cadence: Duration | None = None
    max_count: Annotated[int, Field(ge=1, le=500)] | None = None
    media: list[Media] = []  # images attached to the phase's statements

    @field_validator("cadence")
    @classmethod
    def _cadence_positive(cls, value: timedelta | None) -> timedelta | None:
        if value is not None and value <= timedelta(0):
            raise ValueError("la cadence doit être positive / cadence must be positive")
        return value


class ReviewPolicy(_Strict):
    """When the workflow posts the review, and how late an announced update may be."""

    after: Duration = timedelta(days=7)  # after the close; 0s posts it at once
    cadence_tolerance: Duration = timedelta(minutes=10)

    @field_validator("after", "cadence_tolerance")
    @classmethod
    def _not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("ne peut pas être négatif / cannot be negative")
        return value


class Playbook(_Strict):
    # Frozen: the crises of one playbook share one parsed copy of it (SharedPlaybook).
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Identifier
    title: Annotated[str, Field(min_length=1)]
    description: str = ""
    languages: Annotated[list[Language], Field(min_length=1)] = ["fr"]
    timezone: str = "Europe/Paris"
    parameters: list[Parameter] = []
    people: dict[Identifier, Person]
    roles: dict[Identifier, Annotated[list[Identifier], Field(min_length=1)]]
    channels: Annotated[list[Channel], Field(min_length=1)]
    authors: list[Identifier] = ["communicator"]
    phases: dict[PhaseName, PhaseSpec]
    # The crisis's own words per language, used by the channel templates (templates/README.md).
    messages: dict[Language, dict[Identifier, MessageValue]] = {}
    channel_settings: dict[Channel, ChannelSettings] = {}
    guardrails: GuardrailsPolicy = GuardrailsPolicy()
    review: ReviewPolicy = ReviewPolicy()

    def statement_templates(self, phase: PhaseName) -> dict[Channel, str]:
        spec = self.phases.get(phase)
        if spec is None:
            return {}
        if spec.statements is None:
            return {channel: phase.value for channel in (spec.channels or self.channels)}
        return dict(spec.statements)

    def roles_of(self, person: str) -> list[str]:
        return [role for role, members in self.roles.items() if person in members]

    def person_name(self, person: str) -> str:
        found = self.people.get(person)
        return found.name if found else person

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def sample_parameters(self) -> dict[str, str | int | float | bool]:
        values: dict[str, str | int | float | bool] = {}
        for param in self.parameters:
            value = param.example if param.example is not None else param.default
            if value is not None:
                values[param.name] = value
        return values


_PLAYBOOKS: weakref.WeakValueDictionary[bytes, Playbook] = weakref.WeakValueDictionary()


def _one_copy(value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> object:
    """A playbook read from JSON is parsed once per worker while a crisis or a draft holds it:
    the hundreds of crises of one playbook carry the same playbook, keyed here by its content."""
    if info.mode != "json" or not isinstance(value, dict):
        return handler(value)
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    key = hashlib.blake2b(text.encode(), digest_size=20).digest()
    found = _PLAYBOOKS.get(key)
    if found is None:
        found = handler(value)
        _PLAYBOOKS[key] = found
    return found


SharedPlaybook = Annotated[Playbook, WrapValidator(_one_copy)]

# Parts of a workflow's input go packed (sorted JSON, zlib, base64): a worker keeps a cached
# run's input several times over for as long as it holds the run, about 5.5 KB of memory per KB
# of input (bench/RESULTS.md). The template sources were two thirds of a crisis's input, and the
# state a crisis carries into a new run grows with every follow-up (238 KB by the third run of
# a 48-hour crisis). The playbook, the parameters and the people stay readable in the UI.
PACKED = "zlib+base64:"
MAX_UNPACKED = 64 * 1024 * 1024  # far above any crisis's sources or state


def _pack(data: object) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return PACKED + base64.b64encode(zlib.compress(text.encode(), 9)).decode("ascii")


def _unpacker(what: str) -> Callable[[object], object]:
    """A validator that reads a packed part, and lets through the plain JSON that inputs
    recorded before the packing carry."""

    def unpack(value: object) -> object:
        if not isinstance(value, str):
            return value
        if not value.startswith(PACKED):
            raise ValueError(f"{what}: expected JSON or a {PACKED} snapshot")
        try:
            inflater = zlib.decompressobj()
            data = inflater.decompress(
                base64.b64decode(value[len(PACKED) :], validate=True), MAX_UNPACKED
            )
            if inflater.unconsumed_tail or not inflater.eof:
                raise ValueError(f"{what}: the packed snapshot is truncated or too large")
            unpacked: object = json.loads(data)
        except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"{what}: the packed snapshot cannot be read ({exc})") from exc
        return unpacked

    return unpack


TemplateSnapshot = Annotated[
    dict[str, str],
    BeforeValidator(_unpacker("templates")),
    PlainSerializer(_pack, return_type=str, when_used="json"),
]


# --------------------------------------------------------------------------- statements


class StatementText(_Strict):
    channel: Channel
    language: Language
    text: str
    measure: Measure | None = None
    variant: str = ""  # "court" when the template's shorter variant was used to fit


class Draft(_Strict):
    """A rendered statement set for one phase: every channel in every language."""

    phase: PhaseName
    sequence: int = 0  # follow-up number, 0 for the other phases
    revision: int
    author: str
    drafted_at: datetime
    next_update_at: datetime | None = None
    texts: list[StatementText]
    note: str = ""
    media: list[Media] = []
    findings: list[Finding] = []
    # A FALC-friendly (easy-to-read) variant of the key message, per language, offered to the
    # communicator (R-A11Y); not published unless someone puts it in a statement.
    easy_read: dict[str, str] = {}

    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.BLOCKING]

    def over_limit(self) -> list[StatementText]:
        return [item for item in self.texts if item.measure is not None and not item.measure.fits]

    def text_for(self, channel: Channel, language: str) -> str | None:
        for item in self.texts:
            if item.channel == channel and item.language == language:
                return item.text
        return None


class HeldDraft:
    """The draft an open gate holds: packed (zlib of its JSON), with the few fields that the
    checks of every update and status read kept as they are.

    A gate waits for minutes or hours, with hundreds of crises cached in one worker. A water
    acknowledgement's draft is 11 KB of JSON and 36 KB once parsed (its French texts hold a
    narrow no-break space, so Python stores them two bytes a character); packed it is 2.5 KB.
    The texts are read when something is done with them: a decision with edits, a publication,
    a notice that shows the statement, a status that asks for the draft. Its JSON form is the
    draft's own, so a gate carried into a new run reads the same as before this class.
    """

    __slots__ = (
        "_packed",
        "author",
        "drafted_at",
        "findings",
        "next_update_at",
        "phase",
        "revision",
        "sequence",
    )

    def __init__(self, draft: Draft) -> None:
        self.phase = draft.phase
        self.sequence = draft.sequence
        self.revision = draft.revision
        self.author = draft.author
        self.drafted_at = draft.drafted_at
        self.next_update_at = draft.next_update_at
        self.findings = draft.findings
        self._packed = zlib.compress(draft.model_dump_json().encode(), 6)

    def open(self) -> Draft:
        """The whole draft, read again from its packed JSON (a new object each time)."""
        return Draft.model_validate_json(zlib.decompress(self._packed))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HeldDraft) and self._packed == other._packed

    def __repr__(self) -> str:
        return f"HeldDraft(phase={self.phase.value}, revision={self.revision})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: object, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        draft = handler.generate_schema(Draft)
        return core_schema.union_schema(
            [
                core_schema.is_instance_schema(cls),
                core_schema.no_info_after_validator_function(cls, draft),
            ],
            serialization=core_schema.plain_serializer_function_ser_schema(
                HeldDraft.open, return_schema=draft
            ),
        )


def phase_label(phase: PhaseName, sequence: int) -> str:
    """``follow_up`` #3 -> ``follow_up-03``; other phases keep their name."""
    return f"{phase.value}-{sequence:02d}" if phase is PhaseName.FOLLOW_UP else phase.value


# --------------------------------------------------------------------------- updates


class DecisionAction(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_EDITS = "approve_with_edits"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


class TextEdit(_Strict):
    channel: Channel
    language: Language
    text: Annotated[str, Field(min_length=1, max_length=100_000)]


class DecisionRequest(_Strict):
    person: str
    revision: int
    action: DecisionAction
    comment: Annotated[str, Field(max_length=10_000)] = ""
    edits: list[TextEdit] = []
    via: Literal["cli", "slack", "api"] = "cli"
    # Written justification for approving despite blocking guardrail findings.
    override: Annotated[str, Field(max_length=5_000)] = ""

    @model_validator(mode="after")
    def _consistent(self) -> DecisionRequest:
        if self.action is DecisionAction.REJECT and not self.comment.strip():
            raise ValueError("un refus doit être motivé / a rejection needs a reason")
        if self.action is DecisionAction.REQUEST_CHANGES and not self.comment.strip():
            raise ValueError(
                "une demande de modification doit dire quoi changer / "
                "a change request needs a comment"
            )
        if self.action is DecisionAction.APPROVE_WITH_EDITS and not self.edits:
            raise ValueError("aucune modification fournie / no edit given")
        if self.action is not DecisionAction.APPROVE_WITH_EDITS and self.edits:
            raise ValueError(
                "des modifications ne vont qu’avec approve_with_edits / "
                "edits need approve_with_edits"
            )
        if self.override.strip() and self.action not in (
            DecisionAction.APPROVE,
            DecisionAction.APPROVE_WITH_EDITS,
        ):
            raise ValueError(
                "une dérogation ne va qu’avec une approbation / an override goes with an approval"
            )
        return self


class EditDiff(_Strict):
    channel: Channel
    language: str
    before: str
    after: str


class Override(_Strict):
    """Blocking findings a person approved anyway, and why (in history and in the review)."""

    rules: list[str]
    findings: list[Finding]
    justification: str


class Decision(_Strict):
    """A decision as recorded in the workflow's state (and so in its history)."""

    phase: PhaseName
    sequence: int
    revision: int
    person: str
    person_name: str
    roles: list[str]
    action: DecisionAction
    comment: str = ""
    edits: list[EditDiff] = []
    decided_at: datetime
    waited: timedelta
    level: int
    via: str = "cli"
    override: Override | None = None


class RevisionRequest(_Strict):
    person: str
    base_revision: int
    edits: list[TextEdit] = []
    note: Annotated[str, Field(max_length=10_000)] = ""


class RevisionResult(_Strict):
    revision: int
    phase: PhaseName
    sequence: int


class FactRequest(_Strict):
    person: str
    text: Annotated[str, Field(min_length=1, max_length=5_000)]


class Fact(_Strict):
    text: str
    person: str
    added_at: datetime


class ResolveRequest(_Strict):
    person: str
    summary: Annotated[str, Field(max_length=5_000)] = ""


class CancelRequest(_Strict):
    person: str
    reason: Annotated[str, Field(min_length=1, max_length=5_000)]


class Ack(_Strict):
    """What an update that only records something returns."""

    recorded_at: datetime
    message: str = ""


# --------------------------------------------------------------------------- workflow I/O


ParamValue = str | int | float | bool


class CrisisInput(_Strict):
    crisis_id: str
    crisis_key: str
    playbook: SharedPlaybook
    templates: TemplateSnapshot  # template path -> source, snapshotted at trigger time
    params: dict[str, ParamValue]
    triggered_by: str
    exercise: bool = False
    detected_at: datetime | None = None
    max_history_events: int = Field(default=1500, ge=100)
    # Announced update times are rounded up to this step ("next update at 14:05").
    announce_step: Duration = timedelta(minutes=5)
    guardrails: GuardrailSettings = GuardrailSettings()

    @field_validator("templates")
    @classmethod
    def _shared_sources(cls, templates: dict[str, str]) -> dict[str, str]:
        """The crises of one playbook carry the same template sources: one copy of each in the
        worker's memory, however many crises it holds."""
        return {sys.intern(path): sys.intern(source) for path, source in templates.items()}


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
    CONTINUED = "continued_as_new"
    CLOSED = "closed"
    REVIEWED = "reviewed"


class TimelineEvent(_Strict):
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


class Gate(_Strict):
    """The approval gate of the phase in progress."""

    phase: PhaseName
    sequence: int
    status: GateStatus = GateStatus.AWAITING_APPROVAL
    draft: HeldDraft
    level: int = 0
    opened_at: datetime
    level_started_at: datetime
    last_reminder_at: datetime
    deadline: datetime | None = None
    deadline_missed: bool = False
    change_comment: str = ""
    card: str = ""  # where the approval card is (Slack: "channel/ts"), to update it in place


class Publication(_Strict):
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


class CrisisState(_Strict):
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
    runs: int = 1
    open_gate: Gate | None = None  # the gate a run was waiting on when it continued as new


def _pack_state(state: CrisisState) -> str:
    return _pack(state.model_dump(mode="json"))


# The state a run hands to the next one, packed (see PACKED).
CarriedState = Annotated[
    CrisisState,
    BeforeValidator(_unpacker("state")),
    PlainSerializer(_pack_state, return_type=str, when_used="json"),
]


class CrisisRun(_Strict):
    """The workflow's single argument: the crisis, and its state when continued as new."""

    crisis: CrisisInput
    state: CarriedState | None = None


class CrisisOutcome(_Strict):
    crisis_id: str
    status: Literal["closed", "cancelled"]
    publications: int
    decisions: int
    runs: int


class StatusQuery(_Strict):
    include_events: bool = True
    # False: the answer leaves the draft out (``draft`` is None even at a gate), for a caller
    # that only needs where the crisis stands; the draft's texts are most of the answer. Sent
    # only when False, so that a worker of an earlier version still answers the usual query.
    include_draft: bool = Field(default=True, exclude_if=lambda wanted: wanted)


class PendingApprover(_Strict):
    role: str
    people: list[str]
    names: list[str] = []


class CrisisStatus(_Strict):
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
    runs: int
    people: dict[str, Person] = {}  # the playbook's people, to map a Slack user to a person
    review_at: datetime | None = None  # when the review will be posted (after the close)
    notices_pending: int = 0  # notices not yet delivered (a notifier down: Slack, say)


# --------------------------------------------------------------------------- activities

# Activity names: the workflow schedules them, the worker registers them, the review reads them
# back from history.
DRAFT_ACTIVITY = "draft_statement"
CHECK_ACTIVITY = "check_statements"
NOTIFY_ACTIVITY = "notify_people"
PUBLISH_ACTIVITY = "publish_statement"
REVIEW_ACTIVITY = "review_crisis"


class DraftOrder(_Strict):
    """What the workflow sends the draft and check activities: a draft request without the
    playbook and the templates. The activity reads those once per worker from the run's input
    (`activities/crisis.py`): sent with every draft, they took about 22 KB of history each, and
    a cached run keeps its activity inputs in the worker's memory. Orders recorded before
    carry them, and are drafted with what they carry."""

    crisis_id: str
    playbook: SharedPlaybook | None = None
    templates: dict[str, str] | None = None
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
    note: str = ""
    number: int = 1  # the statement's number in the crisis (press releases are numbered)
    guardrails: GuardrailSettings = GuardrailSettings()


class DraftRequest(DraftOrder):
    """A draft order with its playbook and templates: what rendering and the guardrails read."""

    playbook: SharedPlaybook
    templates: dict[str, str]


class CheckRequest(_Strict):
    """Texts to check again after a person edited them (approve with edits, a revision)."""

    draft: DraftOrder
    texts: list[StatementText]


class CheckResult(_Strict):
    findings: list[Finding]
    texts: list[StatementText]  # the texts measured again against their channel's limit


class ReviewRequest(_Strict):
    """Build the crisis's review from its history as it stands at ``as_of``; store it."""

    crisis_id: str
    exercise: bool
    as_of: datetime


class ReviewResult(_Strict):
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


class NotifyRequest(_Strict):
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


class NotifyResult(_Strict):
    delivered: bool
    channel: str
    reference: str = ""
    card: str = ""  # set by a front end that shows approval cards ("channel/ts" on Slack)


class PublishRequest(_Strict):
    crisis_id: str
    phase: PhaseName
    sequence: int
    revision: int
    channel: Channel
    texts: list[StatementText]
    approved_by: str
    exercise: bool


class PublishedFile(_Strict):
    language: str
    path: str
    sha256: str
    written: bool  # False when the file was already there (a retry)


class PublishResult(_Strict):
    files: list[PublishedFile]


_CRISIS_KEY = re.compile(r"[^a-z0-9]+")


def crisis_workflow_id(playbook_id: str, crisis_key: str) -> str:
    """One crisis per playbook and key: a duplicate trigger lands on the same workflow."""
    slug = _CRISIS_KEY.sub("-", crisis_key.lower()).strip("-")
    if not slug:
        raise ValueError("clé de crise vide / empty crisis key")
    return f"crisis-{playbook_id}-{slug[:80]}"
