"""The crisis workflow's rules, as plain functions over its state: who may decide, what is due
at a gate and when, the status it shows, the draft request it sends.

No Temporal here but the refusal type: everything takes the crisis, its state, the open gate and
the time, and returns an answer, so each rule is tested without a server (tests/test_rules.py).
The workflow (`workflows/crisis.py`) calls them with `workflow.now()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from temporalio.exceptions import ApplicationError

from tocsin.i18n import both
from tocsin.models import (
    PHASE_ORDER,
    ApprovalPolicy,
    CrisisInput,
    CrisisState,
    CrisisStatus,
    Decision,
    DecisionAction,
    DecisionRequest,
    DraftRequest,
    EditDiff,
    EventKind,
    Fact,
    Finding,
    Gate,
    GateStatus,
    Override,
    PendingApprover,
    PhaseName,
    Playbook,
    RevisionRequest,
    Severity,
    StatusQuery,
    TextEdit,
    TimelineEvent,
)
from tocsin.models.base import KEPT_DETAIL_CHARS, KEPT_EVENTS
from tocsin.models.identity import Signer
from tocsin.statements import round_up, unknown_edits

MIN_OVERRIDE_REASON = 10
APPROVALS = (DecisionAction.APPROVE, DecisionAction.APPROVE_WITH_EDITS)


def refuse(code: str, **params: object) -> ApplicationError:
    """A refusal the CLI and Slack translate from its type and details."""
    return ApplicationError(
        both(f"refuse.{code}", **params), {k: str(v) for k, v in params.items()}, type=code
    )


# ---------------------------------------------------------------------- people


def approval_of(playbook: Playbook, phase: PhaseName) -> ApprovalPolicy:
    """The phase's approval policy; a phase with a gate has one (checked at load)."""
    approval = playbook.phases[phase].approval
    assert approval is not None
    return approval


def approver_roles(playbook: Playbook, phase: PhaseName) -> list[str]:
    spec = playbook.phases.get(phase)
    return list(spec.approval.approvers) if spec and spec.approval else []


def people_with(playbook: Playbook, roles: list[str]) -> list[str]:
    """The people holding any of ``roles``, each once, in the roles' order."""
    people: list[str] = []
    for role in roles:
        for person in playbook.roles.get(role, []):
            if person not in people:
                people.append(person)
    return people


def asked(playbook: Playbook, role: str, gate: Gate) -> list[str]:
    """The people of ``role`` asked to approve the gate's revision: never its author."""
    return [p for p in playbook.roles.get(role, []) if p != gate.draft.author]


Contact = Literal["slack_user_id", "matrix_user_id", "email", "phone"]


def contacts(playbook: Playbook, people: list[str], contact: Contact) -> list[str]:
    """Each of ``people``'s ``contact`` (Slack id, Matrix id, e-mail, phone), those who have one."""
    known = playbook.people
    return [
        value
        for person in people
        if person in known and (value := getattr(known[person], contact)) is not None
    ]


# ---------------------------------------------------------------------- who may do what


def ending_roles(playbook: Playbook, action: str) -> list[str]:
    """The roles that may ``resolve`` or ``cancel`` (and retract) the crisis: the playbook's
    ``ending``, or else the close phase's approvers."""
    named: list[str] = getattr(playbook.ending, action)
    return named or approver_roles(playbook, PhaseName.CLOSE)


def check_ending(playbook: Playbook, person: str, action: str) -> None:
    """The person may end the crisis this way (``resolve`` or ``cancel``)."""
    check_person(playbook, person)
    allowed = ending_roles(playbook, action)
    if not any(role in allowed for role in playbook.roles_of(person)):
        raise refuse("NotAnEnder", person=person, roles=", ".join(allowed))


def end_status(state: CrisisState) -> Literal["closed", "cancelled", "retracted"]:
    """How the crisis ends: cancelled, retracted, or closed."""
    if state.cancelled:
        return "cancelled"
    return "retracted" if state.retracted else "closed"


def withdrawn(state: CrisisState, gate: Gate) -> bool:
    """A retraction withdraws the statement a gate holds: it must not go out any more."""
    return state.retracted and gate.phase is not PhaseName.CLOSE


def check_person(playbook: Playbook, person: str, *, with_role: bool = False) -> None:
    """The person is one of the playbook's; with ``with_role``, holds a role in it."""
    if person not in playbook.people:
        raise refuse("UnknownPerson", person=person)
    if with_role and not playbook.roles_of(person):
        raise refuse("NoRole", person=person)


def check_decide(
    playbook: Playbook, gate: Gate | None, request: DecisionRequest, busy: bool
) -> Gate:
    """A decision on the gate's current revision by an approver it waits for, never the author.
    ``busy``: a decision or a revision is already in hand. Returns the gate decided on."""
    if gate is None or gate.status is not GateStatus.AWAITING_APPROVAL or busy:
        raise refuse("NoGate")
    if request.revision != gate.draft.revision:
        raise refuse("StaleRevision", given=request.revision, current=gate.draft.revision)
    check_person(playbook, request.person)
    allowed = approval_of(playbook, gate.phase).approvers[: gate.level + 1]
    if not any(role in allowed for role in playbook.roles_of(request.person)):
        raise refuse("NotAnApprover", person=request.person, roles=", ".join(allowed))
    if request.person == gate.draft.author:
        raise refuse("SelfApproval", person=request.person, revision=gate.draft.revision)
    check_edits(gate, request.edits)
    # Texts the person rewrites are checked again before the decision lands; the others stand.
    edited = {(e.channel, e.language) for e in request.edits}
    check_override(
        playbook,
        request,
        [f for f in gate.draft.findings if (f.channel, f.language) not in edited],
    )
    return gate


def check_edits(gate: Gate, edits: list[TextEdit]) -> None:
    """Each edit names a text of the gate's draft."""
    for edit in unknown_edits(gate.draft, edits):
        raise refuse("BadEdit", channel=edit.channel.value, language=edit.language)


def check_changes(gate: Gate, request: RevisionRequest, facts: list[Fact]) -> None:
    """A revision changes something: an edit that rewrites a text, or, redrafted without
    edits, a fact added since the revision it replaces."""
    if request.edits:
        if any(gate.draft.text_for(e.channel, e.language) != e.text for e in request.edits):
            return
    elif any(fact.added_at > gate.draft.drafted_at for fact in facts):
        return
    raise refuse("SameRevision", revision=gate.draft.revision)


def check_override(playbook: Playbook, request: DecisionRequest, findings: list[Finding]) -> None:
    """An approval over blocking findings needs a written justification from a role the
    playbook allows to override."""
    if request.action not in APPROVALS:
        return
    blocking = [f for f in findings if f.severity is Severity.BLOCKING]
    if not blocking:
        return
    rules = ", ".join(sorted({f.rule for f in blocking}))
    reason = request.override.strip()
    if not reason:
        raise refuse("BlockingFindings", count=len(blocking), rules=rules)
    allowed = playbook.guardrails.override_roles
    if not any(role in allowed for role in playbook.roles_of(request.person)):
        raise refuse("OverrideNotAllowed", person=request.person, roles=", ".join(allowed) or "-")
    if len(reason) < MIN_OVERRIDE_REASON:
        raise refuse("OverrideReason", minimum=MIN_OVERRIDE_REASON)


def override_of(request: DecisionRequest, findings: list[Finding]) -> Override | None:
    """The blocking findings an approval overrides, with its justification; None if none."""
    blocking = [f for f in findings if f.severity is Severity.BLOCKING]
    if not blocking or not request.override.strip():
        return None
    return Override(
        rules=sorted({f.rule for f in blocking}),
        findings=blocking,
        justification=request.override.strip(),
    )


def check_revise(
    playbook: Playbook, gate: Gate | None, request: RevisionRequest, busy: bool
) -> Gate:
    """A revision of the revision that changes were requested for, by an author."""
    if gate is None or gate.status is not GateStatus.AWAITING_REVISION or busy:
        raise refuse("NotAwaitingRevision")
    if request.base_revision != gate.draft.revision:
        raise refuse("StaleRevision", given=request.base_revision, current=gate.draft.revision)
    check_person(playbook, request.person)
    authors = playbook.authors
    if not any(role in authors for role in playbook.roles_of(request.person)):
        raise refuse("NotAnAuthor", person=request.person, roles=", ".join(authors))
    check_edits(gate, request.edits)
    return gate


# ---------------------------------------------------------------------- time


@dataclass(frozen=True)
class Due:
    """What a gate's timers call for at a given time."""

    deadline_missed: bool = False  # the deadline has just passed
    escalate: bool = False  # the current approver level waited long enough: the next one
    remind: bool = False  # a reminder (never with an escalation, which asks again itself)


def next_timer(playbook: Playbook, gate: Gate) -> datetime:
    """When the gate next needs attention: a reminder, an escalation or its deadline."""
    approval = approval_of(playbook, gate.phase)
    due = [gate.last_reminder_at + approval.remind_every]
    if gate.status is GateStatus.AWAITING_APPROVAL and gate.level + 1 < len(approval.approvers):
        due.append(gate.level_started_at + approval.escalate_after)
    if gate.deadline is not None and not gate.deadline_missed:
        due.append(gate.deadline)
    return min(due)


def due_at(playbook: Playbook, gate: Gate, now: datetime) -> Due:
    approval = approval_of(playbook, gate.phase)
    missed = gate.deadline is not None and not gate.deadline_missed and now >= gate.deadline
    escalate = (
        gate.status is GateStatus.AWAITING_APPROVAL
        and gate.level + 1 < len(approval.approvers)
        and now >= gate.level_started_at + approval.escalate_after
    )
    remind = not escalate and now >= gate.last_reminder_at + approval.remind_every
    return Due(deadline_missed=missed, escalate=escalate, remind=remind)


def gate_deadline(
    playbook: Playbook, phase: PhaseName, started: datetime, detected_at: datetime
) -> datetime | None:
    """The deadline of a phase's approval: from detection, or from its own start for a
    follow-up."""
    spec = playbook.phases[phase]
    if spec.approval is None or spec.approval.deadline is None:
        return None
    base = started if phase is PhaseName.FOLLOW_UP else detected_at
    return base + spec.approval.deadline


def announced_update(crisis: CrisisInput, phase: PhaseName, now: datetime) -> datetime | None:
    """The next update a statement drafted now announces: now plus the cadence, rounded up to
    the announce step; none for the close or without follow-ups."""
    follow_up = crisis.playbook.phases.get(PhaseName.FOLLOW_UP)
    if phase is PhaseName.CLOSE or follow_up is None or not follow_up.cadence:
        return None
    return round_up(now + follow_up.cadence, crisis.announce_step)


def follow_up_due(crisis: CrisisInput, state: CrisisState, now: datetime) -> datetime | None:
    """When the next follow-up is due: the time the last statement announced, else a cadence
    from now; None once the playbook's follow-ups are used up (then it waits for resolution)."""
    spec = crisis.playbook.phases[PhaseName.FOLLOW_UP]
    assert spec.cadence is not None  # checked when the playbook was loaded
    if spec.max_count is not None and state.follow_up_count >= spec.max_count:
        return None
    return state.next_update_at or round_up(now + spec.cadence, crisis.announce_step)


def history_long(crisis: CrisisInput, length: int, suggested: bool) -> bool:
    """The run's history is long enough to continue as new."""
    return suggested or length >= crisis.max_history_events


# ---------------------------------------------------------------------- what the workflow sends


def draft_request(
    crisis: CrisisInput,
    state: CrisisState,
    *,
    phase: PhaseName,
    sequence: int,
    author: str,
    note: str,
    revision: int,
    next_update: datetime | None,
    now: datetime,
) -> DraftRequest:
    return DraftRequest(
        crisis_id=crisis.crisis_id,
        playbook=crisis.playbook,
        templates=crisis.templates,
        params=crisis.params,
        facts=list(state.facts),
        phase=phase,
        sequence=sequence,
        revision=revision,
        author=author,
        exercise=crisis.exercise,
        now=now,
        detected_at=state.detected_at,
        next_update_at=next_update,
        resolution=state.resolution,
        retraction=state.retraction,
        note=note,
        number=state.statements + 1,
        guardrails=crisis.guardrails,
    )


def decision_record(
    playbook: Playbook,
    gate: Gate,
    request: DecisionRequest,
    findings: list[Finding],
    edits: list[EditDiff],
    now: datetime,
    signer: Signer,
) -> Decision:
    """The decision as history records it: ``findings`` are the draft's once edits are checked
    again, ``edits`` the diffs of the texts the approver rewrote."""
    return Decision(
        phase=gate.phase,
        sequence=gate.sequence,
        revision=gate.draft.revision,
        person=request.person,
        person_name=playbook.person_name(request.person),
        roles=playbook.roles_of(request.person),
        action=request.action,
        comment=request.comment.strip(),
        edits=edits,
        decided_at=now,
        waited=now - gate.draft.drafted_at,
        level=gate.level,
        via=signer.front.value,
        signer=signer,
        override=override_of(request, findings),
    )


# ---------------------------------------------------------------------- timeline


def record(
    state: CrisisState,
    kind: EventKind,
    at: datetime,
    *,
    phase: PhaseName | None = None,
    sequence: int = 0,
    revision: int | None = None,
    person: str | None = None,
    detail: str = "",
    signer: Signer | None = None,
) -> None:
    """One line of the crisis's timeline, in its state: its detail cut, the oldest lines beyond
    the cap gone from the state (every line stays in history, where the review reads it)."""
    state.events.append(
        TimelineEvent(
            at=at,
            kind=kind,
            phase=phase,
            sequence=sequence,
            revision=revision,
            person=person,
            detail=cut(detail),
            signer=signer,
        )
    )
    del state.events[:-KEPT_EVENTS]


def cut(text: str, limit: int = KEPT_DETAIL_CHARS) -> str:
    """``text`` within ``limit`` characters, an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record_at_gate(
    state: CrisisState,
    kind: EventKind,
    at: datetime,
    gate: Gate,
    *,
    person: str | None = None,
    detail: str = "",
    signer: Signer | None = None,
) -> None:
    """A timeline line about the gate's current revision."""
    record(
        state,
        kind,
        at,
        phase=gate.phase,
        sequence=gate.sequence,
        revision=gate.draft.revision,
        person=person,
        detail=detail,
        signer=signer,
    )


# ---------------------------------------------------------------------- status


def current_phase(state: CrisisState, ended: bool) -> PhaseName | None:
    if ended or state.phase_index >= len(PHASE_ORDER):
        return None
    return PHASE_ORDER[state.phase_index]


def crisis_status(
    crisis: CrisisInput,
    state: CrisisState,
    gate: Gate | None,
    query: StatusQuery,
    *,
    label: str,
    ended: bool,
    review_at: datetime | None,
    notices_pending: int,
) -> CrisisStatus:
    playbook = crisis.playbook
    pending: list[PendingApprover] = []
    next_escalation = None
    next_reminder = None
    if gate is not None:
        approval = approval_of(playbook, gate.phase)
        if gate.status is GateStatus.AWAITING_APPROVAL:
            for role in approval.approvers[: gate.level + 1]:
                people = asked(playbook, role, gate)
                pending.append(
                    PendingApprover(
                        role=role, people=people, names=[playbook.person_name(p) for p in people]
                    )
                )
            if gate.level + 1 < len(approval.approvers):
                next_escalation = gate.level_started_at + approval.escalate_after
        next_reminder = gate.last_reminder_at + approval.remind_every
    return CrisisStatus(
        crisis_id=crisis.crisis_id,
        playbook_id=playbook.id,
        title=playbook.title,
        exercise=crisis.exercise,
        timezone=playbook.timezone,
        state=label,
        phase=gate.phase if gate else current_phase(state, ended),
        sequence=gate.sequence if gate else state.follow_up_count,
        revision=gate.draft.revision if gate else None,
        author=gate.draft.author if gate else None,
        author_name=playbook.person_name(gate.draft.author) if gate else None,
        pending=pending,
        detected_at=state.detected_at,
        deadline=gate.deadline if gate else None,
        deadline_missed=gate.deadline_missed if gate else False,
        next_reminder_at=next_reminder,
        next_escalation_at=next_escalation,
        next_update_at=state.next_update_at,
        change_comment=gate.change_comment if gate else "",
        correction=gate.correction if gate else 0,
        correction_reason=gate.correction_reason if gate else "",
        draft=gate.draft if gate and query.include_draft else None,
        decisions=state.decisions,
        facts=state.facts,
        publications=state.publications,
        deliveries=state.deliveries,
        tasks=state.tasks
        if query.include_draft
        else [t.model_copy(update={"text": ""}) for t in state.tasks],
        events=state.events if query.include_events else [],
        resolved=state.resolved,
        retracted=state.retracted,
        runs=state.runs,
        people=playbook.people,
        review_at=review_at,
        notices_pending=notices_pending,
    )
