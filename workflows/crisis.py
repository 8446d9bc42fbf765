"""CrisisWorkflow: one per crisis. Walks the playbook's phases, holds every statement until a
person with the right role approves it, reminds and escalates, keeps the follow-up cadence.

Deterministic: no I/O, no clock but ``workflow.now()``. This module holds what waits (the run,
the gate loop, the activities, the handlers); what is worked out from the state alone is in
`workflows/rules.py` and `workflows/notices.py`. Authorisation lives in the update validators,
so a refused decision never reaches history.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import NoReturn

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from tocsin import metrics, names
    from tocsin.identity.signing import TRIGGER
    from tocsin.models import (
        PHASE_ORDER,
        CorrectionRequest,
        CrisisOutcome,
        CrisisRun,
        CrisisState,
        Decision,
        DecisionAction,
        EventKind,
        Gate,
        GateStatus,
        NotifyKind,
        PhaseName,
        RevisionRequest,
        StatementText,
        TextEdit,
        phase_label,
    )
    from tocsin.statements import apply_edits
    from workflows import caps, rules, steps
    from workflows.gates import GateTimersMixin
    from workflows.handlers import CrisisHandlers
    from workflows.notices import Notice, NoticeQueue, withdrawn
    from workflows.publishing import PublishingMixin
    from workflows.rules import refuse


@workflow.defn(name=names.WORKFLOW)
class CrisisWorkflow(PublishingMixin, GateTimersMixin, CrisisHandlers):
    @workflow.init
    def __init__(self, run: CrisisRun) -> None:
        self.crisis = run.crisis
        self.state = run.state or CrisisState(detected_at=run.crisis.detected_at or workflow.now())
        self.gate: Gate | None = None
        self.pending_decision: Decision | None = None
        self.pending_revision: RevisionRequest | None = None
        self.pending_correction: CorrectionRequest | None = None
        self.correcting = False  # a correction's gate is open (workflows/handlers.py)
        self.revising = False  # a revision is being drafted: no second one meanwhile
        self.deciding = False  # a decision's edits are being checked: no second one meanwhile
        self.activity_label: str = "drafting"
        self.ended = False
        self.notify_seq = 0
        self.review_at: datetime | None = None
        self.notices = NoticeQueue()
        self.delivery: asyncio.Task[None] | None = None
        self.posting = 0  # post activities under way (workflows/publishing.py)
        self.posts: set[asyncio.Task[None]] = set()
        self.tasks_changed = False
        self.task_timers: asyncio.Task[None] | None = None
        # The keys the crisis carries, signed with its start; a new crisis keeps those the
        # worker trusts once it has said which (``_trusted_start``: it fails if the start's own
        # key is not one), and a continued run carries them.
        self.keys = run.crisis.keyring

    # ------------------------------------------------------------------ main loop

    @workflow.run
    async def run(self, run: CrisisRun) -> CrisisOutcome:
        # The id is a folder of the outbox: a crisis started under any other id stops here.
        caps.check_identity(self.crisis, workflow.info().workflow_id)
        caps.check_input(self.crisis)
        if run.state is None:
            await self._trusted_start()
        self.delivery = asyncio.create_task(self._deliver_notices())
        self.task_timers = asyncio.create_task(self._task_timers())
        if self.state.open_gate is not None:
            # The previous run was waiting on this gate: wait on, where it was.
            self.gate, self.state.open_gate = self.state.open_gate, None
            phase = self.gate.phase
            await self._hold_gate()
            if phase is not PhaseName.FOLLOW_UP:
                self.state.phase_index += 1
        while self.state.phase_index < len(PHASE_ORDER) and not self.state.cancelled:
            phase = PHASE_ORDER[self.state.phase_index]
            if self._ending() and phase is not PhaseName.CLOSE:
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
                await self._quiet()
                self._continue_as_new()
        while self.pending_correction is not None:
            await self._correct()  # asked while the close was published: not lost
        self.ended = True
        status = rules.end_status(self.state)
        self.activity_label = status
        if self.state.cancelled:
            workflow.upsert_memo({"ended": status})
        else:
            self._event(EventKind.CLOSED)
            await self._review()
        await self._quiet()
        metrics.count(workflow.metric_meter(), metrics.CRISES_ENDED, "Crises ended", status=status)
        workflow.logger.info("crisis ended: %s", self.crisis.crisis_id)
        return CrisisOutcome(
            crisis_id=self.crisis.crisis_id,
            status=status,
            publications=self.state.published,
            decisions=self.state.decided,
            runs=self.state.runs,
        )

    async def _trusted_start(self) -> None:
        """A crisis starts only when a front end the organisation trusts signed its start: the
        signature is checked against the keys the crisis carries, and those keys against the
        worker's key file; the keys the worker does not hold are dropped. Else it fails here,
        before anything is drafted or sent."""
        crisis = self.crisis
        signer = rules.check_signed(
            crisis, crisis.keyring, self.state, TRIGGER, crisis, crisis.triggered_by
        )
        rules.accept_signed(self.state, crisis)
        # Seen at once by a status query; the crisis fails below if the key is not trusted.
        self._event(EventKind.DETECTED, person=crisis.triggered_by, signer=signer)
        self.keys = await steps.trust(crisis.keyring)
        if self.keys.find(signer.key_id) is None:
            raise refuse("UnknownKey", key=signer.key_id)
        self.crisis = crisis.model_copy(update={"keyring": self.keys})

    def _ending(self) -> bool:
        """Resolved or retracted: the crisis goes to its close."""
        return self.state.resolved or self.state.retracted

    async def _quiet(self) -> None:
        """Every post answered, every notice delivered and every handler finished: the run may
        end or move on."""
        await workflow.wait_condition(lambda: self.posting == 0)
        await workflow.wait_condition(lambda: self.notices.idle)
        await workflow.wait_condition(workflow.all_handlers_finished)

    async def _review(self) -> None:
        """Tell everyone the crisis is over; after the playbook's delay, build the review from
        this history, store it in the outbox and post its summary."""
        playbook = self.crisis.playbook
        people = rules.people_with(
            playbook,
            playbook.authors
            + [role for phase in PHASE_ORDER for role in rules.approver_roles(playbook, phase)],
        )
        self.review_at = workflow.now() + playbook.review.after
        # `tocsin list` reads the memo: the crisis is over while its workflow waits to review it.
        workflow.upsert_memo(
            {"ended": rules.end_status(self.state), "review_at": self.review_at.isoformat()}
        )
        self._notify(
            Notice(
                NotifyKind.CLOSED,
                None,
                0,
                None,
                people,
                f"{playbook.title} : crise close. Retour d’expérience prévu le "
                f"{self.review_at:%Y-%m-%d %H:%M} UTC.",
            )
        )
        if playbook.review.after > timedelta(0):
            await workflow.sleep(playbook.review.after, summary="review")
        result = await steps.review(self.crisis)
        self._event(EventKind.REVIEWED, detail=", ".join(result.files))
        self.review_at = None
        self._notify(Notice(NotifyKind.REVIEW, None, 0, None, people, result.summary))

    def _history_long(self) -> bool:
        info = workflow.info()
        return rules.history_long(
            self.crisis, info.get_current_history_length(), info.is_continue_as_new_suggested()
        )

    def _should_continue_as_new(self) -> bool:
        if self.state.phase_index >= len(PHASE_ORDER) or self.state.cancelled:
            return False
        return self._history_long()

    def _gate_can_move(self) -> bool:
        """The open gate can be carried to a new run now: its run is long and nothing is in
        hand (no decision or revision to act on, no check or draft running, no notice queued
        or going out, no handler running)."""
        return (
            self._history_long()
            and self.pending_decision is None
            and self.pending_revision is None
            and not self.deciding
            and not self.revising
            and self.pending_correction is None
            and not self.correcting
            and self.notices.idle
            and self.posting == 0
            and not self.state.cancelled
            and workflow.all_handlers_finished()
        )

    def _continue_as_new(self) -> NoReturn:
        self.state.runs += 1
        self._event(EventKind.CONTINUED, detail=f"run {self.state.runs}")
        workflow.continue_as_new(CrisisRun(crisis=self.crisis, state=self.state))

    async def _wait_for_follow_up(self) -> bool:
        """Wait for the announced time of the next update. False if the crisis ends meanwhile
        (resolved, retracted or cancelled)."""

        def over() -> bool:
            return self._ending() or self.state.cancelled

        while True:
            now = workflow.now()
            due = rules.follow_up_due(self.crisis, self.state, now)
            self.activity_label = "waiting_resolution" if due is None else "waiting_follow_up"
            if due is not None:
                self.state.next_update_at = due
                if due <= now:
                    return not over()
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: over() or self._correction_due(),
                    timeout=None if due is None else due - now,
                )
            if self._correction_due():
                await self._correct()
                continue
            if over() or due is None:
                return not over()
            if workflow.now() >= due:
                return True

    # ------------------------------------------------------------------ one phase

    async def _run_phase(self, phase: PhaseName, sequence: int) -> None:
        playbook = self.crisis.playbook
        self.activity_label = "drafting"
        self._event(EventKind.PHASE_STARTED, phase=phase, sequence=sequence)
        started = workflow.now()
        if not playbook.statement_templates(phase):
            people = rules.people_with(
                playbook, playbook.authors + rules.approver_roles(playbook, phase)
            )
            line = ", ".join(f"{k}={v}" for k, v in self.crisis.params.items())
            self._notify(
                Notice(
                    NotifyKind.INFO,
                    phase,
                    sequence,
                    None,
                    people,
                    f"{playbook.title} : phase {phase.value} ({line})",
                )
            )
            return
        draft = await steps.draft(
            self.crisis, self.state, phase, sequence, self.crisis.triggered_by, note=""
        )
        now = workflow.now()
        self.gate = Gate(
            phase=phase,
            sequence=sequence,
            draft=draft,
            opened_at=now,
            level_started_at=now,
            last_reminder_at=now,
            deadline=rules.gate_deadline(playbook, phase, started, self.state.detected_at),
        )
        self._ask_approval(NotifyKind.APPROVAL_REQUESTED)
        await self._hold_gate()

    async def _hold_gate(self) -> None:
        """Wait on the open gate until its decision, then publish what was approved."""
        gate = self.gate
        assert gate is not None
        approved = await self._gate_loop(gate)
        announced = gate.draft.next_update_at
        self.gate = None
        if approved is not None:
            texts, decision = approved
            self.activity_label = "publishing"
            channels = await steps.publish(self.crisis, self.state, gate, decision, texts)
            if gate.phase is PhaseName.CLOSE and self.state.retracted:
                # The retraction is approved: take down what the platforms let us delete
                # before the retraction statement goes out.
                self._take_down(decision)
            await self._reach_public(gate, decision, texts)
            what = "Correction publiée" if gate.correction else "Publié"
            self._notify(
                Notice(
                    NotifyKind.PUBLISHED,
                    gate.phase,
                    gate.sequence,
                    decision.revision,
                    rules.people_with(self.crisis.playbook, self.crisis.playbook.authors),
                    f"{what} : {phase_label(gate.phase, gate.sequence)}, "
                    f"révision {decision.revision}, {channels} canaux.",
                    decision=decision,
                    texts=texts,
                    card=gate.card,
                    correction=gate.correction,
                )
            )
            if announced is not None:
                # The published statement promised this time: the next follow-up keeps it.
                self.state.next_update_at = announced

    async def _gate_loop(self, gate: Gate) -> tuple[list[StatementText], Decision] | None:
        while True:
            self.activity_label = gate.status.value
            timeout = rules.next_timer(self.crisis.playbook, gate) - workflow.now()
            try:
                await workflow.wait_condition(
                    lambda: (
                        self.pending_decision is not None
                        or self.pending_revision is not None
                        or self.state.cancelled
                        or rules.withdrawn(self.state, gate)
                        or self._correction_due()
                        or self._gate_can_move()
                    ),
                    timeout=max(timeout, timedelta(0)),
                )
            except TimeoutError:
                self._on_timers(gate)
                continue
            if rules.withdrawn(self.state, gate):
                self._notify(withdrawn(self.crisis.playbook, gate))
                return None
            if self.state.cancelled:
                return None
            if self._gate_can_move():
                self.state.open_gate = gate
                self._continue_as_new()
            if self.pending_decision is None and self.pending_revision is None:
                # A correction of what the public has: before the next statement goes on.
                await self._correct()
                self.gate = gate
                continue
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
            authors = rules.people_with(self.crisis.playbook, self.crisis.playbook.authors)
            if decision.action in rules.APPROVALS:
                edits = [
                    TextEdit(channel=d.channel, language=d.language, text=d.after)
                    for d in decision.edits
                ]
                texts = apply_edits(gate.draft, edits)[0] if edits else gate.draft.texts
                return texts, decision
            if decision.action is DecisionAction.REQUEST_CHANGES:
                gate.status = GateStatus.AWAITING_REVISION
                gate.change_comment = decision.comment
                gate.last_reminder_at = workflow.now()
                message = f"{decision.person_name} demande des modifications : {decision.comment}"
                kind = NotifyKind.CHANGES_REQUESTED
            else:
                message = (
                    f"{decision.person_name} a rejeté la révision {gate.draft.revision} : "
                    f"{decision.comment}. Rien n’est publié pour cette phase."
                )
                kind = NotifyKind.DECIDED
            self._notify(
                Notice(
                    kind,
                    gate.phase,
                    gate.sequence,
                    gate.draft.revision,
                    authors,
                    message,
                    decision=decision,
                )
            )
            if kind is NotifyKind.DECIDED:
                return None

    # ------------------------------------------------------------------ corrections

    def _correction_due(self) -> bool:
        return self.pending_correction is not None and not self.correcting

    async def _correct(self) -> None:
        """The queued correction, through a gate of its own (guardrails, four eyes), over the
        phase's gate if one is open (it waits meanwhile); then published as a correction."""
        request, self.pending_correction = self.pending_correction, None
        assert request is not None
        held = self.gate
        self.correcting = True
        try:
            self.state.correction_counter += 1
            self._event(
                EventKind.CORRECTION,
                phase=request.phase,
                sequence=request.sequence,
                person=request.person,
                detail=request.reason.strip(),
            )
            draft = await steps.correction(self.crisis, self.state, request)
            now = workflow.now()
            gate = Gate(
                phase=request.phase,
                sequence=request.sequence,
                draft=draft,
                opened_at=now,
                level_started_at=now,
                last_reminder_at=now,
                correction=self.state.correction_counter,
                correction_reason=request.reason.strip(),
            )
            self.gate = gate
            self._ask_approval(NotifyKind.APPROVAL_REQUESTED)
            await self._hold_gate()
        finally:
            self.correcting = False
            self.gate = held

    async def _revise(self, gate: Gate, request: RevisionRequest) -> None:
        if request.edits:
            draft = await steps.edit(self.crisis, self.state, gate, request)
        else:
            draft = await steps.draft(
                self.crisis, self.state, gate.phase, gate.sequence, request.person, request.note
            )
        self._event(
            EventKind.REVISED,
            phase=gate.phase,
            sequence=gate.sequence,
            revision=draft.revision,
            person=request.person,
            detail=request.note,
        )
        now = workflow.now()
        gate.draft = draft
        gate.revisions += 1
        gate.status = GateStatus.AWAITING_APPROVAL
        gate.change_comment = ""
        gate.level_started_at = now
        gate.last_reminder_at = now
        self._ask_approval(NotifyKind.APPROVAL_REQUESTED)
