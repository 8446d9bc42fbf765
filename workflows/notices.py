"""The crisis workflow's notices: what each says and carries, and the queue they leave by.

Notices go out one at a time, in the order they were made, from a queue of their own, so that a
notifier that is down (Slack answering 500 for an hour) never holds a gate's timers, the
decisions or the publications. Plain code: no Temporal here (tests/test_rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tocsin.models import (
    CrisisInput,
    Decision,
    Gate,
    NotifyKind,
    NotifyRequest,
    PhaseName,
    Playbook,
    StatementText,
    phase_label,
)
from tocsin.models.delivery import Delivery, ManualTask
from workflows.rules import approval_of, approver_roles, contacts, people_with

# The notices that show the statement carry its draft: the card, its update by escalation, and
# the card brought up to date once decided. A reminder or a missed deadline points at the card
# and carries none: a gate left open for hours would repeat its whole draft in every reminder.
SHOWS_DRAFT = frozenset(
    {
        NotifyKind.APPROVAL_REQUESTED,
        NotifyKind.ESCALATION,
        NotifyKind.CHANGES_REQUESTED,
        NotifyKind.DECIDED,
        NotifyKind.PUBLISHED,
    }
)
ASKS = (NotifyKind.APPROVAL_REQUESTED, NotifyKind.REMINDER, NotifyKind.ESCALATION)


@dataclass(frozen=True)
class Notice:
    """What a notice is about, before the crisis and its gate fill in the rest."""

    kind: NotifyKind
    phase: PhaseName | None
    sequence: int
    revision: int | None
    people: list[str]
    message: str
    decision: Decision | None = None
    texts: list[StatementText] = field(default_factory=list)
    card: str | None = None  # None: the gate's card, if it has one; "": its own phase's card
    correction: int | None = None  # None: the gate's (0 for a statement, n for a correction)
    tasks: list[ManualTask] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


def build(
    crisis: CrisisInput, gate: Gate | None, notice: Notice, *, key: str, now: datetime
) -> NotifyRequest:
    """The notice as the notify activity takes it; ``key`` makes its delivery idempotent."""
    playbook = crisis.playbook
    role = ""
    if gate is not None:
        role = approval_of(playbook, gate.phase).approvers[gate.level]
    card = notice.card if notice.card is not None else (gate.card if gate is not None else "")
    correction = notice.correction
    if correction is None:
        correction = gate.correction if gate is not None else 0
    return NotifyRequest(
        crisis_id=crisis.crisis_id,
        title=playbook.title,
        kind=notice.kind,
        phase=notice.phase,
        sequence=notice.sequence,
        revision=notice.revision,
        recipients=notice.people,
        recipient_names=[playbook.person_name(p) for p in notice.people],
        message=notice.message,
        exercise=crisis.exercise,
        idempotency_key=key,
        draft=gate.draft if gate is not None and notice.kind in SHOWS_DRAFT else None,
        card=card,
        correction=correction,
        correction_reason=gate.correction_reason if gate is not None and correction else "",
        deadline=gate.deadline if gate is not None else None,
        approver_role=role,
        decision=notice.decision,
        texts=notice.texts,
        tasks=notice.tasks,
        deliveries=notice.deliveries,
        recipient_slack_ids=contacts(playbook, notice.people, "slack_user_id"),
        recipient_emails=contacts(playbook, notice.people, "email"),
        recipient_phones=contacts(playbook, notice.people, "phone")
        if gate is not None
        and notice.kind is NotifyKind.ESCALATION
        and approval_of(playbook, gate.phase).sms_escalation
        else [],
        author_slack_ids=contacts(
            playbook, people_with(playbook, playbook.authors), "slack_user_id"
        ),
        recipient_matrix_ids=contacts(playbook, notice.people, "matrix_user_id"),
        timezone=playbook.timezone,
        made_at=now,
    )


def withdrawn(playbook: Playbook, gate: Gate) -> Notice:
    """The gate's statement will not be published: a retraction took its place."""
    return Notice(
        NotifyKind.INFO,
        gate.phase,
        gate.sequence,
        gate.draft.revision,
        people_with(playbook, [*playbook.authors, *approver_roles(playbook, gate.phase)]),
        f"Rétractation : {phase_label(gate.phase, gate.sequence)}, révision "
        f"{gate.draft.revision}, ne sera pas publiée. La déclaration de rétractation suit.",
    )


def approval_label(kind: NotifyKind, role: str) -> str:
    return {
        NotifyKind.APPROVAL_REQUESTED: "Approbation demandée",
        NotifyKind.REMINDER: "Rappel : approbation attendue",
        NotifyKind.ESCALATION: f"Escalade vers {role} : approbation attendue",
    }.get(kind, "Approbation")


GateKey = tuple[PhaseName, int, int]  # phase, sequence, correction


@dataclass
class NoticeQueue:
    """Notices waiting to go out, in order, and the card each gate's first notice returned.

    A notice made before its gate's card was known goes to that card once it is.
    """

    waiting: list[NotifyRequest] = field(default_factory=list)
    delivering: bool = False
    cards: dict[GateKey, str] = field(default_factory=dict)

    def push(self, request: NotifyRequest) -> None:
        self.waiting.append(request)

    def take(self) -> NotifyRequest:
        """The oldest notice, marked as going out, pointed at its gate's card if known."""
        request = self.waiting.pop(0)
        self.delivering = True
        key = _gate_key(request)
        if not request.card and key is not None and key in self.cards:
            request = request.model_copy(update={"card": self.cards[key]})
        return request

    def done(self, request: NotifyRequest, card: str) -> str | None:
        """The notice went out, and its front end answered with ``card``. Returns the card
        when it is the first known for its gate."""
        self.delivering = False
        key = _gate_key(request)
        if key is None or not card or key in self.cards:
            return None
        self.cards[key] = card
        return card

    @property
    def idle(self) -> bool:
        return not self.waiting and not self.delivering

    def __len__(self) -> int:
        return len(self.waiting) + (1 if self.delivering else 0)


def _gate_key(request: NotifyRequest) -> GateKey | None:
    if request.phase is None:
        return None
    return request.phase, request.sequence, request.correction
