"""What people send a running crisis: the updates (decide, revise, correct, add a fact,
resolve, cancel, retract), each with the validator that refuses it before it reaches history,
and the status query.

The base of `CrisisWorkflow` (`workflows/crisis.py`), which owns the state declared here and
acts on what the handlers leave in it (a pending decision or revision). Workflow code:
deterministic, no clock but ``workflow.now()``.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from tocsin import metrics, names
    from tocsin.models import (
        Ack,
        CancelRequest,
        CorrectionRequest,
        CrisisInput,
        CrisisState,
        CrisisStatus,
        Decision,
        DecisionAction,
        DecisionRequest,
        EventKind,
        Fact,
        FactRequest,
        Gate,
        ResolveRequest,
        RetractRequest,
        RevisionRequest,
        RevisionResult,
        StatusQuery,
        phase_label,
    )
    from tocsin.models.identity import Keyring, Signer
    from tocsin.statements import apply_edits
    from workflows import caps, rules, steps
    from workflows.notices import NoticeQueue
    from workflows.rules import refuse


class CrisisHandlers:
    """The crisis's updates and query, over the state its workflow keeps."""

    crisis: CrisisInput
    state: CrisisState
    gate: Gate | None
    pending_decision: Decision | None
    pending_revision: RevisionRequest | None
    pending_correction: CorrectionRequest | None
    correcting: bool  # a correction's gate is open (over the phase's gate, if any)
    revising: bool  # a revision is being drafted: no second one meanwhile
    deciding: bool  # a decision's edits are being checked: no second one meanwhile
    activity_label: str
    ended: bool
    review_at: datetime | None
    notices: NoticeQueue
    keys: Keyring  # the keys the worker trusts, of those the crisis carries (empty until known)

    def _signed(self, update: str, request: BaseModel, person: str) -> Signer:
        """Who signed the request (validators): a refusal unless a trusted front end did."""
        return rules.check_signed(self.crisis, self.keys, self.state, update, request, person)

    def _accept(self, update: str, request: BaseModel, person: str) -> Signer:
        """Verify again as the change is recorded (two copies validated in one task must not
        both land) and remember its nonce."""
        signer = self._signed(update, request, person)
        rules.accept_signed(self.state, request)
        return signer

    def _busy(self) -> bool:
        return (
            self.pending_decision is not None
            or self.pending_revision is not None
            or self.deciding
            or self.revising
        )

    def _not_ended(self) -> None:
        if self.ended or self.state.cancelled:
            raise refuse("Ended")

    def _not_ending(self) -> None:
        """Nothing ends a crisis twice: resolved or retracted, its close is under way."""
        self._not_ended()
        if self.state.retracted:
            raise refuse("AlreadyRetracted")
        if self.state.resolved:
            raise refuse("AlreadyResolved")

    @workflow.update(name=names.DECIDE)
    async def decide(self, request: DecisionRequest) -> Decision:
        # Checked again here: two decisions validated in the same task must not both land.
        self.validate_decide(request)
        gate = self.gate
        assert gate is not None
        playbook = self.crisis.playbook
        findings = gate.draft.findings
        texts, diffs = apply_edits(gate.draft, request.edits) if request.edits else ([], [])
        if diffs:
            # The approver's own words are checked like the author's before anything is recorded.
            self.deciding = True
            try:
                texts, findings = await steps.recheck(self.crisis, self.state, gate, texts, diffs)
            finally:
                self.deciding = False
            if self.gate is not gate or self.state.cancelled:
                raise refuse("NoGate")
            rules.check_override(playbook, request, findings)
            gate.draft = gate.draft.model_copy(update={"texts": texts, "findings": findings})
        if request.comment.strip():
            # The comment is screened for personal data: an approval may keep it with an
            # override (recorded with the decision), a change request or a rejection may not.
            self.deciding = True
            try:
                said = await steps.screen(self.crisis, [request.comment])
            finally:
                self.deciding = False
            if self.gate is not gate or self.state.cancelled:
                raise refuse("NoGate")
            if said and request.action not in rules.APPROVALS:
                caps.check_personal_data(playbook, request.person, "", said)
            rules.check_override(playbook, request, findings + said)
            findings = findings + said
        signer = self._accept(names.DECIDE, request, request.person)
        now = workflow.now()
        decision = rules.decision_record(playbook, gate, request, findings, diffs, now, signer)
        caps.add_decision(self.state, decision)
        meter = workflow.metric_meter()
        phase, action = gate.phase.value, decision.action.value
        metrics.count(meter, metrics.DECISIONS, "Decisions", action=action, phase=phase)
        metrics.record_wait(meter, decision.waited, phase=phase)
        if decision.override is not None:
            override = decision.override
            rules.record_at_gate(
                self.state,
                EventKind.OVERRIDDEN,
                now,
                gate,
                person=request.person,
                detail=f"{', '.join(override.rules)}: {override.justification}",
                signer=signer,
            )
        rules.record_at_gate(
            self.state,
            EventKind.DECIDED,
            now,
            gate,
            person=request.person,
            detail=f"{action}: {decision.comment}".strip(": "),
            signer=signer,
        )
        self.pending_decision = decision
        return decision

    @decide.validator
    def validate_decide(self, request: DecisionRequest) -> None:
        self._not_ended()
        self._signed(names.DECIDE, request, request.person)
        caps.check_comment("comment", request.comment)
        caps.check_comment("override", request.override)
        caps.check_edits(request.edits)
        gate = rules.check_decide(self.crisis.playbook, self.gate, request, self._busy())
        if request.action is DecisionAction.REQUEST_CHANGES:
            caps.check_revisions(gate)

    @workflow.update(name=names.REVISE)
    async def revise(self, request: RevisionRequest) -> RevisionResult:
        self.validate_revise(request)
        if request.note.strip():
            said = await steps.screen(self.crisis, [request.note])
            caps.check_personal_data(self.crisis.playbook, request.person, "", said)
            self.validate_revise(request)  # again: the crisis may have moved on meanwhile
        gate = self.gate
        assert gate is not None
        self._accept(names.REVISE, request, request.person)
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
        self._not_ended()
        self._signed(names.REVISE, request, request.person)
        caps.check_comment("note", request.note)
        caps.check_edits(request.edits)
        gate = rules.check_revise(self.crisis.playbook, self.gate, request, self._busy())
        caps.check_revisions(gate)
        if gate.correction and not request.edits:
            # A correction is its texts: redrafting it would bring the whole phase back.
            raise refuse("SameRevision", revision=gate.draft.revision)
        rules.check_changes(gate, request, self.state.facts)

    @workflow.update(name=names.CORRECT)
    async def correct(self, request: CorrectionRequest) -> RevisionResult:
        """Queue a correction of a published statement; it opens its own gate as soon as the
        crisis is not deciding something else. Returns the correction's revision."""
        self.validate_correct(request)
        said = await steps.screen(self.crisis, [request.reason])
        caps.check_personal_data(self.crisis.playbook, request.person, "", said)
        self.validate_correct(request)  # again: the crisis may have moved on meanwhile
        self._accept(names.CORRECT, request, request.person)
        self.pending_correction = request
        number = self.state.correction_counter + 1  # one correction at a time: this one's

        def opened() -> bool:
            gate = self.gate
            return gate is not None and gate.correction == number

        await workflow.wait_condition(
            lambda: (
                opened()
                or (self.state.correction_counter >= number and not self.correcting)
                or self.ended
                or self.state.cancelled
            )
        )
        gate = self.gate
        if gate is None or gate.correction != number:
            raise refuse("Ended")
        return RevisionResult(
            revision=gate.draft.revision, phase=gate.phase, sequence=gate.sequence
        )

    @correct.validator
    def validate_correct(self, request: CorrectionRequest) -> None:
        """An author corrects texts the public was given, one correction at a time, until the
        crisis ends (a resolved crisis's close statement may be corrected too)."""
        self._not_ended()
        self._signed(names.CORRECT, request, request.person)
        if self.state.retracted:
            raise refuse("AlreadyRetracted")
        caps.check_comment("reason", request.reason)
        caps.check_edits(request.edits)
        playbook = self.crisis.playbook
        rules.check_person(playbook, request.person)
        if not any(role in playbook.authors for role in playbook.roles_of(request.person)):
            raise refuse("NotAnAuthor", person=request.person, roles=", ".join(playbook.authors))
        if not request.reason.strip():
            raise refuse("NoReason")
        published = {
            (p.channel, p.language)
            for p in self.state.publications
            if (p.phase, p.sequence) == (request.phase, request.sequence)
        }
        if not published:
            raise refuse("NotPublished", phase=phase_label(request.phase, request.sequence))
        for edit in request.edits:
            if (edit.channel, edit.language) not in published:
                raise refuse("BadEdit", channel=edit.channel.value, language=edit.language)
        if self.pending_correction is not None or self.correcting:
            raise refuse("CorrectionPending")

    @workflow.update(name=names.ADD_FACT)
    async def add_fact(self, request: FactRequest) -> Ack:
        text = request.text.strip()
        found = await steps.screen(self.crisis, [text])
        override = caps.check_personal_data(
            self.crisis.playbook, request.person, request.override, found
        )
        self.validate_add_fact(request)  # again: the crisis may have moved on meanwhile
        signer = self._accept(names.ADD_FACT, request, request.person)
        now = workflow.now()
        kept = override.justification if override else ""
        self.state.facts.append(Fact(text=text, person=request.person, added_at=now, override=kept))
        if override is not None:
            rules.record(
                self.state,
                EventKind.OVERRIDDEN,
                now,
                person=request.person,
                detail=f"{', '.join(override.rules)}: {kept}",
                signer=signer,
            )
        rules.record(
            self.state,
            EventKind.FACT_ADDED,
            now,
            person=request.person,
            detail=text,
            signer=signer,
        )
        return Ack(recorded_at=now, message=f"{len(self.state.facts)}")

    @add_fact.validator
    def validate_add_fact(self, request: FactRequest) -> None:
        self._not_ended()
        self._signed(names.ADD_FACT, request, request.person)
        rules.check_person(self.crisis.playbook, request.person, with_role=True)
        caps.check_fact(self.state, request)

    @workflow.update(name=names.RESOLVE)
    def resolve(self, request: ResolveRequest) -> Ack:
        signer = self._accept(names.RESOLVE, request, request.person)
        now = workflow.now()
        self.state.resolved = True
        self.state.resolution = request.summary.strip()
        rules.record(
            self.state,
            EventKind.RESOLVED,
            now,
            person=request.person,
            detail=self.state.resolution,
            signer=signer,
        )
        return Ack(recorded_at=now)

    @resolve.validator
    def validate_resolve(self, request: ResolveRequest) -> None:
        self._not_ending()
        self._signed(names.RESOLVE, request, request.person)
        caps.check_comment("summary", request.summary)
        rules.check_ending(self.crisis.playbook, request.person, "resolve")

    @workflow.update(name=names.CANCEL)
    def cancel(self, request: CancelRequest) -> Ack:
        signer = self._accept(names.CANCEL, request, request.person)
        now = workflow.now()
        self.state.cancelled = True
        self.state.cancel_reason = request.reason.strip()
        rules.record(
            self.state,
            EventKind.CANCELLED,
            now,
            person=request.person,
            detail=self.state.cancel_reason,
            signer=signer,
        )
        return Ack(recorded_at=now)

    @cancel.validator
    def validate_cancel(self, request: CancelRequest) -> None:
        self._not_ending()
        self._signed(names.CANCEL, request, request.person)
        caps.check_comment("reason", request.reason)
        rules.check_ending(self.crisis.playbook, request.person, "cancel")
        if not request.reason.strip():
            raise refuse("NoReason")
        if self.state.publications:
            # The public was told: only a retraction, approved and published, may end it now.
            raise refuse("AlreadyPublished", count=len(self.state.publications))

    @workflow.update(name=names.RETRACT)
    def retract(self, request: RetractRequest) -> Ack:
        signer = self._accept(names.RETRACT, request, request.person)
        now = workflow.now()
        self.state.retracted = True
        self.state.retraction = request.reason.strip()
        rules.record(
            self.state,
            EventKind.RETRACTED,
            now,
            person=request.person,
            detail=self.state.retraction,
            signer=signer,
        )
        return Ack(recorded_at=now)

    @retract.validator
    def validate_retract(self, request: RetractRequest) -> None:
        self._not_ending()
        self._signed(names.RETRACT, request, request.person)
        caps.check_comment("reason", request.reason)
        rules.check_ending(self.crisis.playbook, request.person, "cancel")
        if not self.state.publications:
            raise refuse("NothingPublished")
        if not request.reason.strip():
            raise refuse("NoReason")

    @workflow.query(name=names.STATUS)
    def status(self, query: StatusQuery) -> CrisisStatus:
        return rules.crisis_status(
            self.crisis,
            self.state,
            self.gate,
            query,
            label=self.activity_label,
            ended=self.ended,
            review_at=self.review_at,
            notices_pending=len(self.notices),
        )
