"""A playbook, as its YAML file says it: parameters, people and roles, channels, phases with
their approval policy, the crisis's own words, and the organisation's guardrail settings."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from tocsin.durations import Duration
from tocsin.models.base import Channel, Identifier, Language, PhaseName, RuleId, Severity, Strict


def positive(value: timedelta) -> timedelta:
    """A delay of the playbook's timers: more than nothing."""
    if value <= timedelta(0):
        raise ValueError("doit être positif / must be positive")
    return value


class MediaPeople(StrEnum):
    NONE = "none"  # nobody can be recognised (a map, a sign, a landscape)
    CROWD = "crowd"  # a crowd at a public event, nobody isolated by the framing
    IDENTIFIABLE = "identifiable"  # one or more persons can be recognised


class Media(Strict):
    """An image or video attached to a statement (R-IMAGE, R-A11Y)."""

    file: Annotated[str, Field(min_length=1, max_length=500)]
    alt: dict[Language, Annotated[str, Field(max_length=1_000)]] = {}
    people: MediaPeople
    minors: bool = False
    consent: list[Annotated[str, Field(min_length=1, max_length=200)]] = []  # written consents
    channels: list[Channel] = []  # empty: every channel of the phase


class GuardrailsPolicy(Strict):
    """A playbook's own guardrail settings."""

    # Roles whose approval may override a blocking finding, with a written justification.
    override_roles: list[Identifier] = []
    # « sobre »: no exclamation marks, no shouting capitals; « alerte »: an alert may insist.
    tone: Literal["sobre", "alerte"] = "sobre"


class Election(Strict):
    """An election on the calendar: L52-1's window opens on the first day of the sixth month
    before the month of the vote and lasts until its last round."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    month: Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]  # "2027-04"
    rounds: list[date] = []  # known days of voting; empty while the decree is not out
    scope: str = ""  # "national", "commune de Saint-Aubin"... (informative)


class ReservePeriod(Strict):
    """A declared période de réserve (a State circular, an organisation's own decision)."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self) -> ReservePeriod:
        if self.end < self.start:
            raise ValueError("la fin précède le début / end is before start")
        return self


class GuardrailSettings(Strict):
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


class Parameter(Strict):
    name: Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*$")]
    type: ParameterType = ParameterType.STRING
    required: bool = True
    example: str | int | float | bool | None = None
    default: str | int | float | bool | None = None
    description: str = ""


class Person(Strict):
    name: Annotated[str, Field(min_length=1)]
    slack_user_id: str | None = None
    # Their Matrix id (Tchap, a homeserver of their own): ``@local:server``.
    matrix_user_id: (
        Annotated[
            str,
            Field(
                max_length=255,
                pattern=r"^@[a-z0-9._=/+-]{1,200}:[A-Za-z0-9.-]{1,230}(:[0-9]{1,5})?$",
            ),
        ]
        | None
    ) = None
    # Where notices reach them without Slack (TOCSIN_NOTICE_ACCOUNT: approval requests,
    # reminders, escalations, changes asked, tasks); the web console matches it with a
    # verified OpenID Connect e-mail.
    email: (
        Annotated[str, Field(pattern=r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+$", max_length=200)]
        | None
    ) = None
    # The person's subject (``sub``) at the web console's OpenID provider, when known.
    oidc_subject: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    # A mobile number in international form (+33612345678): escalations by SMS, when the
    # phase's approval says so (``sms_escalation``).
    phone: Annotated[str, Field(pattern=r"^\+[1-9][0-9]{6,14}$")] | None = None


class ApprovalPolicy(Strict):
    """Who approves a phase's statement, and the timers around the wait."""

    approvers: Annotated[list[Identifier], Field(min_length=1)]
    remind_every: Duration = timedelta(minutes=15)
    escalate_after: Duration = timedelta(minutes=30)
    deadline: Duration | None = None
    # An escalation also reaches the next approvers by SMS (their ``phone``), through the
    # webhook gateway TOCSIN_SMS_NOTICE_ACCOUNT names: for the night, when nobody reads mail.
    sms_escalation: bool = False

    _positive = field_validator("remind_every", "escalate_after")(positive)


class ChannelSettings(Strict):
    """What a playbook or an organisation may change for a channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: Annotated[int, Field(ge=1)] | None = None  # in the channel's own unit
    parts: Annotated[int, Field(ge=1, le=15)] | None = None  # SMS segments, broadcast pages
    url_length: Annotated[int, Field(ge=1)] | None = None  # Mastodon: what a link counts
    hashtags: Annotated[int, Field(ge=0)] | None = None  # Instagram: most hashtags allowed


MessageValue = str | list[str]


class PhaseSpec(Strict):
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


class ReviewPolicy(Strict):
    """When the workflow posts the review, and how late an announced update may be."""

    after: Duration = timedelta(days=7)  # after the close; 0s posts it at once
    cadence_tolerance: Duration = timedelta(minutes=10)

    @field_validator("after", "cadence_tolerance")
    @classmethod
    def _not_negative(cls, value: timedelta) -> timedelta:
        if value < timedelta(0):
            raise ValueError("ne peut pas être négatif / cannot be negative")
        return value


PHONE_PATTERN = r"^\+?[0-9][0-9 .\-()]{2,24}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class PressContact(Strict):
    """Who journalists call: the press office, not the public's hotline. A service, not a
    person's name (R-PRIVACY): « Bureau de la communication de la préfecture »."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    phone: Annotated[str, Field(pattern=PHONE_PATTERN)] | None = None
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=200)] | None = None

    @model_validator(mode="after")
    def _reachable(self) -> PressContact:
        if not self.phone and not self.email:
            raise ValueError(
                "un contact presse a un téléphone ou une adresse e-mail / "
                "a press contact needs a phone or an e-mail address"
            )
        return self


class EndingRoles(Strict):
    """Who may end a crisis: ``resolve`` it (its close statement follows), and ``cancel`` it
    before anything went out or retract what went out. Left empty, the close phase's
    approvers."""

    resolve: list[Identifier] = []
    cancel: list[Identifier] = []


# CAP 1.2's words for an alert, as the schema spells them (the status site's CAP feed).
CapCategory = Literal[
    "Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra",
    "CBRNE", "Other",
]  # fmt: skip
CapUrgency = Literal["Immediate", "Expected", "Future", "Past", "Unknown"]
CapSeverity = Literal["Extreme", "Severe", "Moderate", "Minor", "Unknown"]
CapCertainty = Literal["Observed", "Likely", "Possible", "Unlikely", "Unknown"]
PublicLine = Annotated[str, Field(max_length=300)]


class AlertPolicy(Strict):
    """What makes the crisis's statements CAP alerts on the status site."""

    category: CapCategory = "Other"
    event: Annotated[str, Field(min_length=1, max_length=300)]
    urgency: CapUrgency = "Immediate"
    severity: CapSeverity = "Severe"
    certainty: CapCertainty = "Observed"


class ManualPolicy(Strict):
    """Who publishes by hand what no account publishes (X, radio, the FR-Alert portal, a
    failed account): the roles asked in turn, and the timers of the wait."""

    owners: list[Identifier] = []  # empty: the playbook's authors, then the approvers
    remind_every: Duration = timedelta(minutes=15)
    escalate_after: Duration = timedelta(minutes=30)
    reminders: Annotated[int, Field(ge=0, le=50)] = 4  # then the task waits, listed in status

    _positive = field_validator("remind_every", "escalate_after")(positive)


class PublicPolicy(Strict):
    """What the public pages and feeds say around the statements, each a template over the
    crisis's parameters (« {{ commune }} »), and how publication is followed up."""

    sender: PublicLine = ""  # who speaks; empty: the ``emetteur`` parameter, else the title
    area: PublicLine = ""  # where; empty: the ``commune`` or ``secteur`` parameter
    contact: PublicLine = ""  # where the public calls; empty: the ``hotline`` parameter
    web: PublicLine = ""  # more information; empty: the ``site`` parameter
    geocodes: dict[Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")], PublicLine] = {}
    alert: AlertPolicy | None = None
    manual: ManualPolicy = ManualPolicy()
    # An automatic publication not acknowledged after this: the authors are told and the
    # manual task is offered, while the retries go on.
    alert_after: Duration = timedelta(minutes=10)

    _alert_positive = field_validator("alert_after")(positive)


class Playbook(Strict):
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
    ending: EndingRoles = EndingRoles()
    phases: dict[PhaseName, PhaseSpec]
    # The crisis's own words per language, used by the channel templates (templates/README.md).
    messages: dict[Language, dict[Identifier, MessageValue]] = {}
    channel_settings: dict[Channel, ChannelSettings] = {}
    # The press release's contact; without it, the release gives the public's hotline.
    press_contact: PressContact | None = None
    guardrails: GuardrailsPolicy = GuardrailsPolicy()
    review: ReviewPolicy = ReviewPolicy()
    public: PublicPolicy = PublicPolicy()

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
