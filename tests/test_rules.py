"""The crisis workflow's rules and notice queue, as plain functions: no Temporal server.

The workflow tests (tests/test_workflow.py) check the same behaviour end to end; these pin each
rule's edges where a server would make them slow to reach (a timer a second either side, every
refusal's order).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.exceptions import ApplicationError

from tests.helpers import crisis_input
from tocsin.models import (
    Channel,
    CrisisState,
    DecisionAction,
    DecisionRequest,
    Draft,
    Finding,
    Gate,
    GateStatus,
    NotifyKind,
    PhaseName,
    RevisionRequest,
    Severity,
    StatementText,
    StatusQuery,
    TextEdit,
)
from tocsin.models.identity import Front, Signer
from workflows import rules
from workflows.notices import Notice, NoticeQueue, build

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
CRISIS = crisis_input("regles")
PLAYBOOK = CRISIS.playbook  # acknowledge: director then deputy; remind 10m, escalate 20m, 1h


def gate(
    *,
    author: str = "camille",
    level: int = 0,
    status: GateStatus = GateStatus.AWAITING_APPROVAL,
    findings: list[Finding] | None = None,
    deadline: datetime | None = T0 + timedelta(hours=1),
) -> Gate:
    draft = Draft(
        phase=PhaseName.ACKNOWLEDGE,
        revision=3,
        author=author,
        drafted_at=T0,
        texts=[StatementText(channel=Channel.SMS, language="fr", text="Ne buvez pas l’eau.")],
        findings=findings or [],
    )
    return Gate(
        phase=PhaseName.ACKNOWLEDGE,
        sequence=0,
        status=status,
        draft=draft,
        level=level,
        opened_at=T0,
        level_started_at=T0,
        last_reminder_at=T0,
        deadline=deadline,
    )


def decision(person: str, **changes: object) -> DecisionRequest:
    fields: dict[str, object] = {
        "person": person,
        "revision": 3,
        "action": DecisionAction.APPROVE,
        **changes,
    }
    return DecisionRequest.model_validate(fields)


def refused(call: object) -> str:
    assert callable(call)
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.type is not None
    return caught.value.type


BLOCKING = Finding(
    rule="R-PRIVACY",
    severity=Severity.BLOCKING,
    channel=Channel.SMS,
    language="fr",
    message="numéro personnel",
    message_en="personal number",
)


def test_the_director_may_approve_and_nobody_else_at_the_first_level() -> None:
    open_gate = gate()
    assert rules.check_decide(PLAYBOOK, open_gate, decision("dominique"), busy=False) is open_gate
    assert refused(lambda: rules.check_decide(PLAYBOOK, open_gate, decision("sacha"), False)) == (
        "NotAnApprover"
    )
    assert refused(lambda: rules.check_decide(PLAYBOOK, open_gate, decision("inconnu"), False)) == (
        "UnknownPerson"
    )


def test_after_escalation_the_deputy_and_the_director_both_may_decide() -> None:
    escalated = gate(level=1)
    for person in ("dominique", "sacha"):
        rules.check_decide(PLAYBOOK, escalated, decision(person), busy=False)


def test_the_author_never_approves_her_own_revision() -> None:
    by_dominique = gate(author="dominique")
    assert refused(
        lambda: rules.check_decide(PLAYBOOK, by_dominique, decision("dominique"), False)
    ) == ("SelfApproval")


def test_no_gate_a_busy_gate_a_stale_revision_and_an_unknown_edit_are_refused() -> None:
    open_gate = gate()
    assert refused(lambda: rules.check_decide(PLAYBOOK, None, decision("dominique"), False)) == (
        "NoGate"
    )
    assert refused(
        lambda: rules.check_decide(PLAYBOOK, open_gate, decision("dominique"), True)
    ) == ("NoGate")
    stale = decision("dominique", revision=2)
    assert refused(lambda: rules.check_decide(PLAYBOOK, open_gate, stale, False)) == (
        "StaleRevision"
    )
    unknown = decision(
        "dominique",
        action=DecisionAction.APPROVE_WITH_EDITS,
        edits=[TextEdit(channel=Channel.RADIO, language="fr", text="Autre texte.")],
    )
    assert refused(lambda: rules.check_decide(PLAYBOOK, open_gate, unknown, False)) == "BadEdit"


def test_a_blocking_finding_needs_an_allowed_role_and_a_written_reason() -> None:
    blocked = gate(findings=[BLOCKING])
    assert refused(lambda: rules.check_decide(PLAYBOOK, blocked, decision("dominique"), False)) == (
        "BlockingFindings"
    )
    short = decision("dominique", override="parce que")
    assert refused(lambda: rules.check_decide(PLAYBOOK, blocked, short, False)) == (
        "OverrideReason"
    )
    reason = "Numéro publié avec l’accord écrit de la personne."
    rules.check_decide(PLAYBOOK, blocked, decision("dominique", override=reason), False)
    # Rewriting the blocked text leaves its finding to the check that follows the edit.
    rewritten = decision(
        "dominique",
        action=DecisionAction.APPROVE_WITH_EDITS,
        edits=[TextEdit(channel=Channel.SMS, language="fr", text="Ne buvez pas l’eau du robinet.")],
    )
    rules.check_decide(PLAYBOOK, blocked, rewritten, False)
    # A rejection is never an override.
    rules.check_decide(
        PLAYBOOK, blocked, decision("dominique", action="reject", comment="Non."), False
    )
    signer = Signer(front=Front.WEB, key_id="k-0123456789abcdef", identity="oidc:x#y", signed_at=T0)
    record = rules.decision_record(
        PLAYBOOK, blocked, decision("dominique", override=reason), [BLOCKING], [], T0, signer
    )
    assert (record.via, record.signer) == ("web", signer)  # via is the signing front end's
    assert record.override is not None
    assert (record.override.rules, record.override.justification) == (["R-PRIVACY"], reason)
    assert record.waited == timedelta(0)


def test_only_an_author_revises_and_only_when_changes_were_requested() -> None:
    waiting = gate(status=GateStatus.AWAITING_REVISION)
    request = RevisionRequest(person="camille", base_revision=3)
    assert rules.check_revise(PLAYBOOK, waiting, request, busy=False) is waiting
    assert refused(
        lambda: rules.check_revise(
            PLAYBOOK, waiting, request.model_copy(update={"person": "dominique"}), False
        )
    ) == ("NotAnAuthor")
    assert refused(lambda: rules.check_revise(PLAYBOOK, gate(), request, False)) == (
        "NotAwaitingRevision"
    )
    stale = request.model_copy(update={"base_revision": 1})
    assert refused(lambda: rules.check_revise(PLAYBOOK, waiting, stale, False)) == "StaleRevision"


def test_timers_remind_then_escalate_then_miss_the_deadline() -> None:
    open_gate = gate()
    assert rules.next_timer(PLAYBOOK, open_gate) == T0 + timedelta(minutes=10)
    assert rules.due_at(PLAYBOOK, open_gate, T0 + timedelta(minutes=9)) == rules.Due()
    assert rules.due_at(PLAYBOOK, open_gate, T0 + timedelta(minutes=10)) == rules.Due(remind=True)
    # At 20 minutes both a reminder and the escalation are due: the escalation asks again.
    assert rules.due_at(PLAYBOOK, open_gate, T0 + timedelta(minutes=20)) == rules.Due(escalate=True)
    escalated = open_gate.model_copy(
        update={
            "level": 1,
            "level_started_at": T0 + timedelta(minutes=50),
            "last_reminder_at": T0 + timedelta(minutes=50),
        }
    )
    # The last approver: no escalation left; the deadline comes before the next reminder.
    assert rules.next_timer(PLAYBOOK, escalated) == T0 + timedelta(hours=1)
    assert rules.due_at(PLAYBOOK, escalated, T0 + timedelta(hours=1)) == rules.Due(
        deadline_missed=True, remind=True
    )
    missed = escalated.model_copy(update={"deadline_missed": True})
    assert rules.next_timer(PLAYBOOK, missed) == T0 + timedelta(hours=1)  # the reminder at 60 min
    waiting = open_gate.model_copy(update={"status": GateStatus.AWAITING_REVISION})
    assert rules.due_at(PLAYBOOK, waiting, T0 + timedelta(minutes=25)) == rules.Due(remind=True)


def test_deadlines_count_from_detection_except_a_follow_up_s() -> None:
    started = T0 + timedelta(hours=5)
    assert rules.gate_deadline(PLAYBOOK, PhaseName.ACKNOWLEDGE, started, T0) == T0 + timedelta(
        hours=1
    )
    follow_up = rules.gate_deadline(PLAYBOOK, PhaseName.FOLLOW_UP, started, T0)
    spec = PLAYBOOK.phases[PhaseName.FOLLOW_UP].approval
    assert spec is not None
    assert spec.deadline is not None
    assert follow_up == started + spec.deadline


def test_the_announced_update_is_rounded_up_and_kept() -> None:
    now = T0 + timedelta(minutes=1, seconds=30)
    # Every two hours, rounded up to five minutes; the close announces none.
    assert rules.announced_update(CRISIS, PhaseName.ACKNOWLEDGE, now) == T0 + timedelta(
        hours=2, minutes=5
    )
    assert rules.announced_update(CRISIS, PhaseName.CLOSE, now) is None
    state = CrisisState(detected_at=T0)
    assert rules.follow_up_due(CRISIS, state, now) == T0 + timedelta(hours=2, minutes=5)
    promised = state.model_copy(update={"next_update_at": T0 + timedelta(hours=3)})
    assert rules.follow_up_due(CRISIS, promised, now) == T0 + timedelta(hours=3)
    spent = state.model_copy(update={"follow_up_count": 24})  # the playbook's max_count
    assert rules.follow_up_due(CRISIS, spent, now) is None


def test_the_status_lists_who_is_asked_never_the_author() -> None:
    state = CrisisState(detected_at=T0)
    shown = rules.crisis_status(
        CRISIS,
        state,
        gate(level=1),
        StatusQuery(include_draft=False),
        label="awaiting_approval",
        ended=False,
        review_at=None,
        notices_pending=2,
    )
    assert [(p.role, p.people) for p in shown.pending] == [
        ("director", ["dominique"]),
        ("deputy_director", ["sacha"]),
    ]
    assert shown.draft is None
    assert shown.next_escalation_at is None  # the deputy is the last level
    assert (shown.revision, shown.author_name, shown.notices_pending) == (3, "Camille Martin", 2)


def test_notices_leave_in_order_and_find_their_gate_s_card() -> None:
    open_gate = gate()
    queue = NoticeQueue()
    asked = Notice(NotifyKind.APPROVAL_REQUESTED, PhaseName.ACKNOWLEDGE, 0, 3, ["dominique"], "a")
    reminder = Notice(NotifyKind.REMINDER, PhaseName.ACKNOWLEDGE, 0, 3, ["dominique"], "r")
    queue.push(build(CRISIS, open_gate, asked, key="k1", now=T0))
    queue.push(build(CRISIS, open_gate, reminder, key="k2", now=T0))
    assert len(queue) == 2
    assert not queue.idle
    first = queue.take()
    assert first.idempotency_key == "k1"
    assert first.draft == open_gate.draft  # the card shows the statement
    assert queue.done(first, "C1/171.1") == "C1/171.1"
    second = queue.take()
    assert (second.idempotency_key, second.card) == ("k2", "C1/171.1")
    assert second.draft is None  # a reminder points at the card, without the whole draft
    assert queue.done(second, "C1/171.1") is None  # the gate's card was already known
    assert queue.idle
    assert len(queue) == 0
