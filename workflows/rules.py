"""What the crisis workflow works out without waiting: whether an update may be accepted, the
status it shows, when its next timer is due, the draft request it sends.

Imported passed through the sandbox, like `workflows/crisis.py` itself in the worker
(`tocsin/worker.py`): loaded once per worker, not once per cached crisis. Everything here is
deterministic: it reads the workflow's state and `workflow.now()`, nothing else.
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from tocsin.i18n import both
from tocsin.models import (
    PHASE_ORDER,
    CrisisInput,
    CrisisState,
    CrisisStatus,
    Decision,
    DecisionAction,
    DecisionRequest,
    DraftOrder,
    EventKind,
    Finding,
    Gate,
    GateStatus,
    NotifyRequest,
    PendingApprover,
    PhaseName,
    RevisionRequest,
    Severity,
    StatusQuery,
    TextEdit,
    TimelineEvent,
)
from tocsin.statements import unknown_edits

MIN_OVERRIDE_REASON = 10


def refuse(code: str, **params: object) -> ApplicationError:
    """A refusal the CLI and Slack translate from its type and details."""
    return ApplicationError(
        both(f"refuse.{code}", **params), {k: str(v) for k, v in params.items()}, type=code
    )


class CrisisRules:
    """The crisis workflow's state, and what is worked out from it alone."""

    crisis: CrisisInput
    state: CrisisState
    gate: Gate | None
    pending_decision: Decision | None
    pending_revision: RevisionRequest | None
    revising: bool
    deciding: bool
    activity_label: str
    ended: bool
    review_at: datetime | None
    notices: list[NotifyRequest]
    delivering: bool

    def _not_ended(self) -> None:
        if self.ended or self.state.cancelled:
            raise refuse("Ended")

    def _known_person(self, person: str) -> None:
        if person not in self.crisis.playbook.people:
            raise refuse("UnknownPerson", person=person)

    def _holds_a_role(self, person: str) -> None:
        self._known_person(person)
        if not self.crisis.playbook.roles_of(person):
            raise refuse("NoRole", person=person)

    def _check_decide(self, request: DecisionRequest) -> None:
        self._not_ended()
        gate = self.gate
        if (
            gate is None
            or gate.status is not GateStatus.AWAITING_APPROVAL
            or self.pending_decision is not None
            or self.pending_revision is not None
            or self.deciding
        ):
            raise refuse("NoGate")
        if request.revision != gate.draft.revision:
            raise refuse("StaleRevision", given=request.revision, current=gate.draft.revision)
        self._known_person(request.person)
        approval = self.crisis.playbook.phases[gate.phase].approval
        assert approval is not None
        allowed = approval.approvers[: gate.level + 1]
        roles = self.crisis.playbook.roles_of(request.person)
        if not any(role in allowed for role in roles):
            raise refuse("NotAnApprover", person=request.person, roles=", ".join(allowed))
        if request.person == gate.draft.author:
            raise refuse("SelfApproval", person=request.person, revision=gate.draft.revision)
        self._check_edits(gate, request.edits)
        if request.action in (DecisionAction.APPROVE, DecisionAction.APPROVE_WITH_EDITS):
            # Texts the person rewrites are checked again in the handler; the others stand.
            edited = {(e.channel, e.language) for e in request.edits}
            self._check_override(
                request,
                [f for f in gate.draft.findings if (f.channel, f.language) not in edited],
            )

    @staticmethod
    def _check_edits(gate: Gate, edits: list[TextEdit]) -> None:
        """Each edit names a text of the draft. The held draft is unpacked only for edits: a
        plain approval does not read the texts."""
        if not edits:
            return
        for edit in unknown_edits(gate.draft.open(), edits):
            raise refuse("BadEdit", channel=edit.channel.value, language=edit.language)

    def _check_override(self, request: DecisionRequest, findings: list[Finding]) -> None:
        """An approval over blocking findings needs a written justification from a role the
        playbook allows to override."""
        if request.action not in (DecisionAction.APPROVE, DecisionAction.APPROVE_WITH_EDITS):
            return
        blocking = [f for f in findings if f.severity is Severity.BLOCKING]
        if not blocking:
            return
        rules = ", ".join(sorted({f.rule for f in blocking}))
        reason = request.override.strip()
        if not reason:
            raise refuse("BlockingFindings", count=len(blocking), rules=rules)
        allowed = self.crisis.playbook.guardrails.override_roles
        if not any(role in allowed for role in self.crisis.playbook.roles_of(request.person)):
            raise refuse(
                "OverrideNotAllowed", person=request.person, roles=", ".join(allowed) or "-"
            )
        if len(reason) < MIN_OVERRIDE_REASON:
            raise refuse("OverrideReason", minimum=MIN_OVERRIDE_REASON)

    def _check_revise(self, request: RevisionRequest) -> None:
        self._not_ended()
        gate = self.gate
        if gate is None or gate.status is not GateStatus.AWAITING_REVISION:
            raise refuse("NotAwaitingRevision")
        if self.pending_revision is not None or self.revising:
            raise refuse("NotAwaitingRevision")
        if request.base_revision != gate.draft.revision:
            raise refuse("StaleRevision", given=request.base_revision, current=gate.draft.revision)
        self._known_person(request.person)
        authors = self.crisis.playbook.authors
        if not any(role in authors for role in self.crisis.playbook.roles_of(request.person)):
            raise refuse("NotAnAuthor", person=request.person, roles=", ".join(authors))
        self._check_edits(gate, request.edits)

    def _next_timer(self, gate: Gate) -> datetime:
        approval = self.crisis.playbook.phases[gate.phase].approval
        assert approval is not None
        due = [gate.last_reminder_at + approval.remind_every]
        if gate.status is GateStatus.AWAITING_APPROVAL and gate.level + 1 < len(approval.approvers):
            due.append(gate.level_started_at + approval.escalate_after)
        if gate.deadline is not None and not gate.deadline_missed:
            due.append(gate.deadline)
        return min(due)

    def _draft_request(
        self,
        phase: PhaseName,
        sequence: int,
        author: str,
        note: str,
        revision: int,
        next_update: datetime | None,
    ) -> DraftOrder:
        return DraftOrder(
            crisis_id=self.crisis.crisis_id,
            params=self.crisis.params,
            facts=list(self.state.facts),
            phase=phase,
            sequence=sequence,
            revision=revision,
            author=author,
            exercise=self.crisis.exercise,
            now=workflow.now(),
            detected_at=self.state.detected_at,
            next_update_at=next_update,
            resolution=self.state.resolution,
            note=note,
            number=len({(p.phase, p.sequence) for p in self.state.publications}) + 1,
            guardrails=self.crisis.guardrails,
        )

    def _event(
        self,
        kind: EventKind,
        *,
        phase: PhaseName | None = None,
        sequence: int = 0,
        revision: int | None = None,
        person: str | None = None,
        detail: str = "",
    ) -> None:
        self.state.events.append(
            TimelineEvent(
                at=workflow.now(),
                kind=kind,
                phase=phase,
                sequence=sequence,
                revision=revision,
                person=person,
                detail=detail,
            )
        )

    def _approver_roles(self, phase: PhaseName) -> list[str]:
        spec = self.crisis.playbook.phases.get(phase)
        return list(spec.approval.approvers) if spec and spec.approval else []

    def _people_with(self, roles: list[str]) -> list[str]:
        people: list[str] = []
        for role in roles:
            for person in self.crisis.playbook.roles.get(role, []):
                if person not in people:
                    people.append(person)
        return people

    def _asked(self, role: str, gate: Gate) -> list[str]:
        """The people of ``role`` asked to approve the gate's revision: never its author."""
        return [p for p in self.crisis.playbook.roles.get(role, []) if p != gate.draft.author]

    def _slack_ids(self, people: list[str]) -> list[str]:
        known = self.crisis.playbook.people
        return [
            slack
            for person in people
            if person in known and (slack := known[person].slack_user_id) is not None
        ]

    def _params_line(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.crisis.params.items())

    def _status(self, query: StatusQuery) -> CrisisStatus:
        gate = self.gate
        playbook = self.crisis.playbook
        pending: list[PendingApprover] = []
        next_escalation = None
        next_reminder = None
        if gate is not None:
            approval = playbook.phases[gate.phase].approval
            assert approval is not None
            if gate.status is GateStatus.AWAITING_APPROVAL:
                for role in approval.approvers[: gate.level + 1]:
                    people = self._asked(role, gate)
                    pending.append(
                        PendingApprover(
                            role=role,
                            people=people,
                            names=[playbook.person_name(p) for p in people],
                        )
                    )
                if gate.level + 1 < len(approval.approvers):
                    next_escalation = gate.level_started_at + approval.escalate_after
            next_reminder = gate.last_reminder_at + approval.remind_every
        label = self.activity_label
        return CrisisStatus(
            crisis_id=self.crisis.crisis_id,
            playbook_id=playbook.id,
            title=playbook.title,
            exercise=self.crisis.exercise,
            timezone=playbook.timezone,
            state=label,
            phase=gate.phase if gate else self._current_phase(),
            sequence=gate.sequence if gate else self.state.follow_up_count,
            revision=gate.draft.revision if gate else None,
            author=gate.draft.author if gate else None,
            author_name=playbook.person_name(gate.draft.author) if gate else None,
            pending=pending,
            detected_at=self.state.detected_at,
            deadline=gate.deadline if gate else None,
            deadline_missed=gate.deadline_missed if gate else False,
            next_reminder_at=next_reminder,
            next_escalation_at=next_escalation,
            next_update_at=self.state.next_update_at,
            change_comment=gate.change_comment if gate else "",
            draft=gate.draft.open() if gate and query.include_draft else None,
            decisions=self.state.decisions,
            facts=self.state.facts,
            publications=self.state.publications,
            events=self.state.events if query.include_events else [],
            resolved=self.state.resolved,
            runs=self.state.runs,
            people=playbook.people,
            review_at=self.review_at,
            notices_pending=len(self.notices) + (1 if self.delivering else 0),
        )

    def _current_phase(self) -> PhaseName | None:
        if self.ended or self.state.phase_index >= len(PHASE_ORDER):
            return None
        return PHASE_ORDER[self.state.phase_index]
