"""CrisisWorkflow: one per crisis. Walks the playbook's phases, holds every statement until a
person with the right role approves it, reminds and escalates, keeps the follow-up cadence.

Deterministic: no I/O, no clock but ``workflow.now()``. Authorisation lives in the update
validators, so a refused decision never reaches history.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import NoReturn

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.crisis import CHECK, DRAFT, NOTIFY, PUBLISH, REVIEW
    from tocsin import metrics
    from tocsin.models import (
        PHASE_ORDER,
        Ack,
        CancelRequest,
        CheckRequest,
        CheckResult,
        CrisisInput,
        CrisisOutcome,
        CrisisRun,
        CrisisState,
        CrisisStatus,
        Decision,
        DecisionAction,
        DecisionRequest,
        Draft,
        EditDiff,
        EventKind,
        Fact,
        FactRequest,
        Finding,
        Gate,
        GateStatus,
        HeldDraft,
        NotifyKind,
        NotifyRequest,
        NotifyResult,
        Override,
        PhaseName,
        Publication,
        PublishRequest,
        PublishResult,
        ResolveRequest,
        ReviewRequest,
        ReviewResult,
        RevisionRequest,
        RevisionResult,
        Severity,
        StatementText,
        StatusQuery,
        TextEdit,
        phase_label,
    )
    from tocsin.statements import apply_edits, round_up
    from workflows.rules import CrisisRules, refuse

RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(seconds=30),
)
# Short start-to-close timeouts: a killed worker's activity is retried elsewhere within seconds.
DRAFT_TIMEOUT = timedelta(seconds=15)
CHECK_TIMEOUT = timedelta(seconds=15)
# Edited texts are checked again by the guardrails (patch for crises started before).
GUARDRAILS_PATCH = "guardrails-recheck-edits"
NOTIFY_TIMEOUT = timedelta(seconds=15)
PUBLISH_TIMEOUT = timedelta(seconds=15)
# Notices go out in order from a queue of their own, so that a notifier that is down (Slack
# answering 500 for an hour) never holds the gate's timers, the decisions or the publications
# (patch for crises started before: they awaited each notice).
NOTICES_PATCH = "notices-in-background"
# After the close, a timer then the review (patch for crises started before).
REVIEW_PATCH = "review-after-close"
REVIEW_TIMEOUT = timedelta(minutes=2)
# The notices that show the statement carry its draft: the card, its update by escalation, and
# the card brought up to date once decided. A reminder or a missed deadline points at the card
# and carries none: a gate left open for hours repeated its whole draft in every reminder, in
# history and in the worker's memory, which keeps a cached run's activity inputs.
SHOWS_DRAFT = frozenset(
    {
        NotifyKind.APPROVAL_REQUESTED,
        NotifyKind.ESCALATION,
        NotifyKind.CHANGES_REQUESTED,
        NotifyKind.DECIDED,
        NotifyKind.PUBLISHED,
    }
)
# A gate left open for hours (a reminder a minute) is carried to a new run, with its draft,
# level, reminders, deadline and card, once the history is long (patch for crises started
# before: they continued as new between phases only).
GATE_PATCH = "gate-across-runs"


@workflow.defn(name="CrisisWorkflow")
class CrisisWorkflow(CrisisRules):
    @workflow.init
    def __init__(self, run: CrisisRun) -> None:
        self.crisis: CrisisInput = run.crisis
        self.state: CrisisState = run.state or CrisisState(
            detected_at=run.crisis.detected_at or workflow.now()
        )
        self.gate: Gate | None = None
        self.pending_decision: Decision | None = None
        self.pending_revision: RevisionRequest | None = None
        self.revising = False  # a revision is being drafted: no second one meanwhile
        self.deciding = False  # a decision's edits are being checked: no second one meanwhile
        self.activity_label: str = "drafting"
        self.ended = False
        self.notify_seq = 0
        self.review_at: datetime | None = None
        self.queued_notices = False  # set at the start of each run (NOTICES_PATCH)
        self.gates_move = False  # set at the start of each run (GATE_PATCH)
        self.delivery: asyncio.Task[None] | None = None
        self.notices: list[NotifyRequest] = []
        self.delivering = False
        self.cards: dict[tuple[PhaseName, int], str] = {}  # each gate's card, once known

    # ------------------------------------------------------------------ main loop

    @workflow.run
    async def run(self, run: CrisisRun) -> CrisisOutcome:
        self.queued_notices = workflow.patched(NOTICES_PATCH)
        if self.queued_notices:
            self.delivery = asyncio.create_task(self._deliver_notices())
            self.gates_move = workflow.patched(GATE_PATCH)
        if run.state is None:
            self._event(EventKind.DETECTED, person=self.crisis.triggered_by)
        if self.state.open_gate is not None:
            # The previous run was waiting on this gate: wait on, where it was.
            self.gate, self.state.open_gate = self.state.open_gate, None
            phase = self.gate.phase
            await self._hold_gate()
            if phase is not PhaseName.FOLLOW_UP:
                self.state.phase_index += 1
        while self.state.phase_index < len(PHASE_ORDER) and not self.state.cancelled:
            phase = PHASE_ORDER[self.state.phase_index]
            if self.state.resolved and phase is not PhaseName.CLOSE:
                self.state.phase_index = PHASE_ORDER.index(PhaseName.CLOSE)
                continue
            if phase is PhaseName.FOLLOW_UP:
                if await self._wait_for_follow_up():
                    self.state.follow_up_count += 1
                    await self._run_phase(phase, self.state.follow_up_count)
            else:
                await self._run_phase(phase, 0)
                self.state.phase_index += 1
            if self._should_continue_as_new():
                await self._notices_delivered()
                await workflow.wait_condition(workflow.all_handlers_finished)
                self._continue_as_new()
        self.ended = True
        self.activity_label = "cancelled" if self.state.cancelled else "closed"
        if not self.state.cancelled:
            self._event(EventKind.CLOSED)
            if workflow.patched(REVIEW_PATCH):
                await self._review()
        await self._notices_delivered()
        await workflow.wait_condition(workflow.all_handlers_finished)
        status = "cancelled" if self.state.cancelled else "closed"
        metrics.count(workflow.metric_meter(), metrics.CRISES_ENDED, "Crises ended", status=status)
        workflow.logger.info("crisis ended: %s", self.crisis.crisis_id)
        return CrisisOutcome(
            crisis_id=self.crisis.crisis_id,
            status="cancelled" if self.state.cancelled else "closed",
            publications=len(self.state.publications),
            decisions=len(self.state.decisions),
            runs=self.state.runs,
        )

    async def _review(self) -> None:
        """Tell everyone the crisis is over; after the playbook's delay, build the review from
        this history, store it in the outbox and post its summary."""
        playbook = self.crisis.playbook
        people = self._people_with(
            playbook.authors
            + [role for phase in PHASE_ORDER for role in self._approver_roles(phase)]
        )
        self.review_at = workflow.now() + playbook.review.after
        # `tocsin list` reads the memo: the crisis is over while its workflow waits to review it.
        workflow.upsert_memo({"ended": "closed", "review_at": self.review_at.isoformat()})
        await self._notify(
            NotifyKind.CLOSED,
            None,
            0,
            None,
            people,
            f"{playbook.title} : crise close. Retour d’expérience prévu le "
            f"{self.review_at:%Y-%m-%d %H:%M} UTC.",
        )
        if playbook.review.after > timedelta(0):
            await workflow.sleep(playbook.review.after, summary="review")
        result: ReviewResult = await workflow.execute_activity(
            REVIEW,
            ReviewRequest(
                crisis_id=self.crisis.crisis_id,
                exercise=self.crisis.exercise,
                as_of=workflow.now(),
            ),
            result_type=ReviewResult,
            start_to_close_timeout=REVIEW_TIMEOUT,
            retry_policy=RETRY,
        )
        self._event(EventKind.REVIEWED, detail=", ".join(result.files))
        self.review_at = None
        await self._notify(NotifyKind.REVIEW, None, 0, None, people, result.summary)

    def _should_continue_as_new(self) -> bool:
        if self.state.phase_index >= len(PHASE_ORDER) or self.state.cancelled:
            return False
        return self._history_long()

    def _history_long(self) -> bool:
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self.crisis.max_history_events
        )

    def _gate_can_move(self) -> bool:
        """The open gate can be carried to a new run now: its run is long and nothing is in
        hand (no decision or revision to act on, no check or draft running, no notice queued
        or going out, no handler running)."""
        return (
            self.gates_move
            and self._history_long()
            and self.pending_decision is None
            and self.pending_revision is None
            and not self.deciding
            and not self.revising
            and not self.notices
            and not self.delivering
            and not self.state.cancelled
            and workflow.all_handlers_finished()
        )

    def _continue_as_new(self) -> NoReturn:
        self.state.runs += 1
        self._event(EventKind.CONTINUED, detail=f"run {self.state.runs}")
        workflow.continue_as_new(CrisisRun(crisis=self.crisis, state=self.state))

    async def _wait_for_follow_up(self) -> bool:
        """Wait for the announced time of the next update. False if resolved or cancelled."""
        spec = self.crisis.playbook.phases[PhaseName.FOLLOW_UP]
        assert spec.cadence is not None  # checked when the playbook was loaded
        if spec.max_count is not None and self.state.follow_up_count >= spec.max_count:
            self.activity_label = "waiting_resolution"
            await workflow.wait_condition(lambda: self.state.resolved or self.state.cancelled)
            return False
        self.activity_label = "waiting_follow_up"
        now = workflow.now()
        due = self.state.next_update_at or round_up(now + spec.cadence, self.crisis.announce_step)
        self.state.next_update_at = due
        if due > now:
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: self.state.resolved or self.state.cancelled, timeout=due - now
                )
        return not (self.state.resolved or self.state.cancelled)

    # ------------------------------------------------------------------ one phase

    async def _run_phase(self, phase: PhaseName, sequence: int) -> None:
        playbook = self.crisis.playbook
        spec = playbook.phases[phase]
        self._event(EventKind.PHASE_STARTED, phase=phase, sequence=sequence)
        started = workflow.now()
        if not playbook.statement_templates(phase):
            people = self._people_with(playbook.authors + self._approver_roles(phase))
            await self._notify(
                NotifyKind.INFO,
                phase,
                sequence,
                None,
                people,
                f"{playbook.title} : phase {phase.value} ({self._params_line()})",
            )
            return
        assert spec.approval is not None  # checked when the playbook was loaded
        deadline = None
        if spec.approval.deadline is not None:
            base = started if phase is PhaseName.FOLLOW_UP else self.state.detected_at
            deadline = base + spec.approval.deadline
        self.gate = await self._open_gate(phase, sequence, deadline)
        await self._ask_approval(NotifyKind.APPROVAL_REQUESTED)
        await self._hold_gate()

    async def _open_gate(self, phase: PhaseName, sequence: int, deadline: datetime | None) -> Gate:
        """The phase's gate, on its first draft. A call of its own: the parsed draft goes with
        its frame, and the gate keeps it packed while it waits (``HeldDraft``)."""
        draft = await self._draft(phase, sequence, self.crisis.triggered_by, note="")
        now = workflow.now()
        return Gate(
            phase=phase,
            sequence=sequence,
            draft=draft,
            opened_at=now,
            level_started_at=now,
            last_reminder_at=now,
            deadline=deadline,
        )

    async def _hold_gate(self) -> None:
        """Wait on the open gate until its decision, then publish what was approved."""
        gate = self.gate
        assert gate is not None
        approved = await self._gate_loop()
        announced = gate.draft.next_update_at
        self.gate = None
        if approved is not None:
            texts, decision = approved
            await self._publish(gate.phase, gate.sequence, decision, texts, gate.card)
            if announced is not None:
                # The published statement promised this time: the next follow-up keeps it.
                self.state.next_update_at = announced

    async def _gate_loop(self) -> tuple[list[StatementText], Decision] | None:
        gate = self.gate
        assert gate is not None
        approval = self.crisis.playbook.phases[gate.phase].approval
        assert approval is not None
        while True:
            self.activity_label = gate.status.value
            timeout = self._next_timer(gate) - workflow.now()
            try:
                await workflow.wait_condition(
                    lambda: (
                        self.pending_decision is not None
                        or self.pending_revision is not None
                        or self.state.cancelled
                        or self._gate_can_move()
                    ),
                    timeout=max(timeout, timedelta(0)),
                )
            except TimeoutError:
                await self._on_timers(gate)
                continue
            if self.state.cancelled:
                return None
            if self._gate_can_move():
                self.state.open_gate = gate
                self._continue_as_new()
            if self.pending_revision is not None:
                request, self.pending_revision = self.pending_revision, None
                self.revising = True
                try:
                    await self._revise(gate, request)
                finally:
                    self.revising = False
                continue
            decision = self.pending_decision
            assert decision is not None
            self.pending_decision = None
            if decision.action in (DecisionAction.APPROVE, DecisionAction.APPROVE_WITH_EDITS):
                draft = gate.draft.open()
                texts = draft.texts
                if decision.edits:
                    texts, _ = apply_edits(
                        draft,
                        [
                            TextEdit(channel=d.channel, language=d.language, text=d.after)
                            for d in decision.edits
                        ],
                    )
                return texts, decision
            if decision.action is DecisionAction.REQUEST_CHANGES:
                gate.status = GateStatus.AWAITING_REVISION
                gate.change_comment = decision.comment
                gate.last_reminder_at = workflow.now()
                await self._notify(
                    NotifyKind.CHANGES_REQUESTED,
                    gate.phase,
                    gate.sequence,
                    gate.draft.revision,
                    self._people_with(self.crisis.playbook.authors),
                    f"{decision.person_name} demande des modifications : {decision.comment}",
                    decision=decision,
                )
                continue
            await self._notify(
                NotifyKind.DECIDED,
                gate.phase,
                gate.sequence,
                gate.draft.revision,
                self._people_with(self.crisis.playbook.authors),
                f"{decision.person_name} a rejeté la révision {gate.draft.revision} : "
                f"{decision.comment}. Rien n’est publié pour cette phase.",
                decision=decision,
            )
            return None

    async def _on_timers(self, gate: Gate) -> None:
        approval = self.crisis.playbook.phases[gate.phase].approval
        assert approval is not None
        now = workflow.now()
        revision = gate.draft.revision
        if gate.deadline is not None and not gate.deadline_missed and now >= gate.deadline:
            gate.deadline_missed = True
            metrics.count(
                workflow.metric_meter(),
                metrics.DEADLINES_MISSED,
                "Approval deadlines missed",
                phase=gate.phase.value,
            )
            self._event(
                EventKind.DEADLINE_MISSED,
                phase=gate.phase,
                sequence=gate.sequence,
                revision=revision,
            )
            await self._notify(
                NotifyKind.DEADLINE_MISSED,
                gate.phase,
                gate.sequence,
                revision,
                self._people_with([*self.crisis.playbook.authors, *approval.approvers]),
                f"Échéance dépassée pour {gate.phase.value} (révision {revision}).",
            )
        if (
            gate.status is GateStatus.AWAITING_APPROVAL
            and gate.level + 1 < len(approval.approvers)
            and now >= gate.level_started_at + approval.escalate_after
        ):
            gate.level += 1
            gate.level_started_at = now
            gate.last_reminder_at = now
            role = approval.approvers[gate.level]
            metrics.count(
                workflow.metric_meter(),
                metrics.ESCALATIONS,
                "Escalations to the next approver",
                phase=gate.phase.value,
                role=role,
            )
            self._event(
                EventKind.ESCALATED,
                phase=gate.phase,
                sequence=gate.sequence,
                revision=revision,
                detail=role,
            )
            await self._ask_approval(NotifyKind.ESCALATION)
            return
        if now >= gate.last_reminder_at + approval.remind_every:
            gate.last_reminder_at = now
            metrics.count(
                workflow.metric_meter(), metrics.REMINDERS, "Reminders", phase=gate.phase.value
            )
            self._event(
                EventKind.REMINDER, phase=gate.phase, sequence=gate.sequence, revision=revision
            )
            if gate.status is GateStatus.AWAITING_REVISION:
                await self._notify(
                    NotifyKind.REMINDER,
                    gate.phase,
                    gate.sequence,
                    revision,
                    self._people_with(self.crisis.playbook.authors),
                    f"Rappel : une nouvelle révision est attendue ({gate.change_comment}).",
                )
            else:
                await self._ask_approval(NotifyKind.REMINDER)

    async def _ask_approval(self, kind: NotifyKind) -> None:
        gate = self.gate
        assert gate is not None
        approval = self.crisis.playbook.phases[gate.phase].approval
        assert approval is not None
        role = approval.approvers[gate.level]
        people = self._asked(role, gate)
        label = {
            NotifyKind.APPROVAL_REQUESTED: "Approbation demandée",
            NotifyKind.REMINDER: "Rappel : approbation attendue",
            NotifyKind.ESCALATION: f"Escalade vers {role} : approbation attendue",
        }.get(kind, "Approbation")
        result = await self._notify(
            kind,
            gate.phase,
            gate.sequence,
            gate.draft.revision,
            people,
            f"{label} — {self.crisis.playbook.title}, {phase_label(gate.phase, gate.sequence)}, "
            f"révision {gate.draft.revision}.",
        )
        if result is not None and not gate.card and result.card:
            # Later notices of this gate (reminders, escalation, decision) go to the same card.
            gate.card = result.card

    async def _revise(self, gate: Gate, request: RevisionRequest) -> None:
        if request.edits:
            base = gate.draft.open()
            texts, diffs = apply_edits(base, request.edits)
            findings = base.findings
            if diffs and workflow.patched(GUARDRAILS_PATCH):
                texts, findings = await self._recheck(gate, base, texts, diffs)
            self.state.revision_counter += 1
            draft = base.model_copy(
                update={
                    "revision": self.state.revision_counter,
                    "author": request.person,
                    "drafted_at": workflow.now(),
                    "texts": texts,
                    "note": request.note,
                    "findings": findings,
                }
            )
            self._event(
                EventKind.DRAFTED,
                phase=gate.phase,
                sequence=gate.sequence,
                revision=draft.revision,
                person=request.person,
                detail="edited",
            )
        else:
            draft = await self._draft(gate.phase, gate.sequence, request.person, request.note)
        self._event(
            EventKind.REVISED,
            phase=gate.phase,
            sequence=gate.sequence,
            revision=draft.revision,
            person=request.person,
            detail=request.note,
        )
        now = workflow.now()
        gate.draft = HeldDraft(draft)
        gate.status = GateStatus.AWAITING_APPROVAL
        gate.change_comment = ""
        gate.level_started_at = now
        gate.last_reminder_at = now
        await self._ask_approval(NotifyKind.APPROVAL_REQUESTED)

    # ------------------------------------------------------------------ activities

    async def _recheck(
        self, gate: Gate, draft: Draft, texts: list[StatementText], diffs: list[EditDiff]
    ) -> tuple[list[StatementText], list[Finding]]:
        """The guardrails over the texts a person edited in the gate's ``draft``; the others
        keep their findings."""
        edited = {(d.channel, d.language) for d in diffs}
        result: CheckResult = await workflow.execute_activity(
            CHECK,
            CheckRequest(
                draft=self._draft_request(
                    gate.phase,
                    gate.sequence,
                    draft.author,
                    draft.note,
                    draft.revision,
                    draft.next_update_at,
                ),
                texts=[t for t in texts if (t.channel, t.language) in edited],
            ),
            result_type=CheckResult,
            start_to_close_timeout=CHECK_TIMEOUT,
            retry_policy=RETRY,
        )
        measured = {(t.channel, t.language): t for t in result.texts}
        merged = [measured.get((t.channel, t.language), t) for t in texts]
        kept = [f for f in draft.findings if (f.channel, f.language) not in edited]
        return merged, kept + result.findings

    async def _draft(self, phase: PhaseName, sequence: int, author: str, note: str) -> Draft:
        self.activity_label = "drafting"
        now = workflow.now()
        follow_up = self.crisis.playbook.phases.get(PhaseName.FOLLOW_UP)
        next_update = None
        if phase is not PhaseName.CLOSE and follow_up is not None and follow_up.cadence:
            next_update = round_up(now + follow_up.cadence, self.crisis.announce_step)
        self.state.revision_counter += 1
        draft: Draft = await workflow.execute_activity(
            DRAFT,
            self._draft_request(
                phase, sequence, author, note, self.state.revision_counter, next_update
            ),
            result_type=Draft,
            start_to_close_timeout=DRAFT_TIMEOUT,
            retry_policy=RETRY,
        )
        self._event(
            EventKind.DRAFTED,
            phase=phase,
            sequence=sequence,
            revision=draft.revision,
            person=author,
            detail=f"{len(draft.texts)} textes",
        )
        return draft

    async def _publish(
        self,
        phase: PhaseName,
        sequence: int,
        decision: Decision,
        texts: list[StatementText],
        card: str = "",
    ) -> None:
        self.activity_label = "publishing"
        channels = list(dict.fromkeys(item.channel for item in texts))
        results = await asyncio.gather(
            *(
                workflow.execute_activity(
                    PUBLISH,
                    PublishRequest(
                        crisis_id=self.crisis.crisis_id,
                        phase=phase,
                        sequence=sequence,
                        revision=decision.revision,
                        channel=channel,
                        texts=[item for item in texts if item.channel == channel],
                        approved_by=decision.person,
                        exercise=self.crisis.exercise,
                    ),
                    result_type=PublishResult,
                    start_to_close_timeout=PUBLISH_TIMEOUT,
                    retry_policy=RETRY,
                )
                for channel in channels
            )
        )
        now = workflow.now()
        for channel, result in zip(channels, results, strict=True):
            for file in result.files:
                self.state.publications.append(
                    Publication(
                        phase=phase,
                        sequence=sequence,
                        revision=decision.revision,
                        channel=channel,
                        language=file.language,
                        path=file.path,
                        sha256=file.sha256,
                        published_at=now,
                        approved_by=decision.person,
                    )
                )
                self._event(
                    EventKind.PUBLISHED,
                    phase=phase,
                    sequence=sequence,
                    revision=decision.revision,
                    detail=f"{channel.value}.{file.language}",
                )
        await self._notify(
            NotifyKind.PUBLISHED,
            phase,
            sequence,
            decision.revision,
            self._people_with(self.crisis.playbook.authors),
            f"Publié : {phase_label(phase, sequence)}, révision {decision.revision}, "
            f"{len(channels)} canaux.",
            decision=decision,
            texts=texts,
            card=card,
        )

    async def _notify(
        self,
        kind: NotifyKind,
        phase: PhaseName | None,
        sequence: int,
        revision: int | None,
        people: list[str],
        message: str,
        *,
        decision: Decision | None = None,
        texts: list[StatementText] | None = None,
        card: str | None = None,
    ) -> NotifyResult | None:
        """Tell people. Queued (None returned) since NOTICES_PATCH; awaited before it."""
        self.notify_seq += 1
        playbook = self.crisis.playbook
        gate = self.gate
        draft = gate.draft.open() if gate is not None and kind in SHOWS_DRAFT else None
        role = ""
        if gate is not None:
            approval = playbook.phases[gate.phase].approval
            role = approval.approvers[gate.level] if approval else ""
        if kind in (NotifyKind.APPROVAL_REQUESTED, NotifyKind.REMINDER, NotifyKind.ESCALATION):
            self._event(
                EventKind.NOTIFIED,
                phase=phase,
                sequence=sequence,
                revision=revision,
                detail=f"{kind.value}: {', '.join(people)}",
            )
        request = NotifyRequest(
            crisis_id=self.crisis.crisis_id,
            title=playbook.title,
            kind=kind,
            phase=phase,
            sequence=sequence,
            revision=revision,
            recipients=people,
            recipient_names=[playbook.person_name(p) for p in people],
            message=message,
            exercise=self.crisis.exercise,
            idempotency_key=f"run{self.state.runs}-{self.notify_seq:05d}-{kind.value}",
            draft=draft,
            card=card if card is not None else (gate.card if gate is not None else ""),
            deadline=gate.deadline if gate is not None else None,
            approver_role=role,
            decision=decision,
            texts=texts or [],
            recipient_slack_ids=self._slack_ids(people),
            author_slack_ids=self._slack_ids(self._people_with(playbook.authors)),
            timezone=playbook.timezone,
            made_at=workflow.now(),
        )
        if self.queued_notices:
            self.notices.append(request)
            return None
        return await self._send_notice(request)

    async def _send_notice(self, request: NotifyRequest) -> NotifyResult:
        result: NotifyResult = await workflow.execute_activity(
            NOTIFY,
            request,
            result_type=NotifyResult,
            start_to_close_timeout=NOTIFY_TIMEOUT,
            retry_policy=RETRY,
        )
        return result

    async def _deliver_notices(self) -> None:
        """One notice at a time, in the order they were made; retried until delivered. A notice
        made before its gate's card was known goes to that card once it is."""
        while True:
            await workflow.wait_condition(lambda: bool(self.notices))
            self.delivering = True
            try:
                # Delivered by a call of its own: this loop keeps no notice (and no draft) while
                # it waits for the next one.
                await self._deliver(self.notices.pop(0))
            finally:
                self.delivering = False

    async def _deliver(self, request: NotifyRequest) -> None:
        gate_key = (request.phase, request.sequence) if request.phase else None
        if not request.card and gate_key is not None and gate_key in self.cards:
            request = request.model_copy(update={"card": self.cards[gate_key]})
        result = await self._send_notice(request)
        if gate_key is not None and result.card and gate_key not in self.cards:
            self.cards[gate_key] = result.card
            gate = self.gate
            if gate is not None and (gate.phase, gate.sequence) == gate_key:
                gate.card = gate.card or result.card

    async def _notices_delivered(self) -> None:
        if self.queued_notices:
            await workflow.wait_condition(lambda: not self.notices and not self.delivering)

    # ------------------------------------------------------------------ helpers

    # ------------------------------------------------------------------ updates

    @workflow.update
    async def decide(self, request: DecisionRequest) -> Decision:
        # Re-checked here: two decisions validated in the same task must not both land.
        self.validate_decide(request)
        gate = self.gate
        assert gate is not None
        playbook = self.crisis.playbook
        findings = gate.draft.findings
        # The texts are read only for edits: a plain approval leaves the held draft packed.
        draft = gate.draft.open() if request.edits else None
        texts, diffs = apply_edits(draft, request.edits) if draft is not None else ([], [])
        if draft is not None and diffs and workflow.patched(GUARDRAILS_PATCH):
            # The approver's own words are checked like the author's before anything is recorded.
            self.deciding = True
            try:
                texts, findings = await self._recheck(gate, draft, texts, diffs)
            finally:
                self.deciding = False
            if self.gate is not gate or self.state.cancelled:
                raise refuse("NoGate")
            self._check_override(request, findings)
            gate.draft = HeldDraft(draft.model_copy(update={"texts": texts, "findings": findings}))
        blocking = [f for f in findings if f.severity is Severity.BLOCKING]
        override = None
        if blocking and request.override.strip():
            override = Override(
                rules=sorted({f.rule for f in blocking}),
                findings=blocking,
                justification=request.override.strip(),
            )
        now = workflow.now()
        decision = Decision(
            phase=gate.phase,
            sequence=gate.sequence,
            revision=gate.draft.revision,
            person=request.person,
            person_name=playbook.person_name(request.person),
            roles=playbook.roles_of(request.person),
            action=request.action,
            comment=request.comment.strip(),
            edits=diffs,
            decided_at=now,
            waited=now - gate.draft.drafted_at,
            level=gate.level,
            via=request.via,
            override=override,
        )
        self.state.decisions.append(decision)
        meter = workflow.metric_meter()
        metrics.count(
            meter,
            metrics.DECISIONS,
            "Decisions on statements",
            action=decision.action.value,
            phase=gate.phase.value,
        )
        metrics.record_wait(meter, decision.waited, phase=gate.phase.value)
        if override is not None:
            self._event(
                EventKind.OVERRIDDEN,
                phase=gate.phase,
                sequence=gate.sequence,
                revision=gate.draft.revision,
                person=request.person,
                detail=f"{', '.join(override.rules)}: {override.justification}",
            )
        self._event(
            EventKind.DECIDED,
            phase=gate.phase,
            sequence=gate.sequence,
            revision=gate.draft.revision,
            person=request.person,
            detail=f"{request.action.value}: {decision.comment}".strip(": "),
        )
        self.pending_decision = decision
        return decision

    @decide.validator
    def validate_decide(self, request: DecisionRequest) -> None:
        self._check_decide(request)

    @workflow.update
    async def revise(self, request: RevisionRequest) -> RevisionResult:
        self.validate_revise(request)
        gate = self.gate
        assert gate is not None
        self.pending_revision = request
        base = request.base_revision
        await workflow.wait_condition(
            lambda: self.gate is None or self.gate.draft.revision > base or self.state.cancelled
        )
        current = self.gate or gate
        return RevisionResult(
            revision=current.draft.revision, phase=current.phase, sequence=current.sequence
        )

    @revise.validator
    def validate_revise(self, request: RevisionRequest) -> None:
        self._check_revise(request)

    @workflow.update
    def add_fact(self, request: FactRequest) -> Ack:
        now = workflow.now()
        self.state.facts.append(
            Fact(text=request.text.strip(), person=request.person, added_at=now)
        )
        self._event(EventKind.FACT_ADDED, person=request.person, detail=request.text.strip())
        return Ack(recorded_at=now, message=f"{len(self.state.facts)}")

    @add_fact.validator
    def validate_add_fact(self, request: FactRequest) -> None:
        self._not_ended()
        self._holds_a_role(request.person)

    @workflow.update
    def resolve(self, request: ResolveRequest) -> Ack:
        now = workflow.now()
        self.state.resolved = True
        self.state.resolution = request.summary.strip()
        self._event(EventKind.RESOLVED, person=request.person, detail=self.state.resolution)
        return Ack(recorded_at=now)

    @resolve.validator
    def validate_resolve(self, request: ResolveRequest) -> None:
        self._not_ended()
        self._holds_a_role(request.person)
        if self.state.resolved:
            raise refuse("AlreadyResolved")

    @workflow.update
    def cancel(self, request: CancelRequest) -> Ack:
        now = workflow.now()
        self.state.cancelled = True
        self.state.cancel_reason = request.reason.strip()
        self._event(EventKind.CANCELLED, person=request.person, detail=self.state.cancel_reason)
        return Ack(recorded_at=now)

    @cancel.validator
    def validate_cancel(self, request: CancelRequest) -> None:
        self._not_ended()
        self._holds_a_role(request.person)

    # ------------------------------------------------------------------ query

    @workflow.query
    def status(self, query: StatusQuery) -> CrisisStatus:
        return self._status(query)
