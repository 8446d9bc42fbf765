"""The crisis's timeline and its notices: each line of the timeline, and the notices queued
and sent one at a time, in order, by a coroutine of their own.

Workflow code, the base of ``CrisisWorkflow``'s mixins. Deterministic: no I/O, no clock but
``workflow.now()``.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from tocsin.models import CrisisInput, CrisisState, EventKind, Gate, PhaseName
    from tocsin.models.identity import Signer
    from workflows import rules, steps
    from workflows.notices import ASKS, Notice, NoticeQueue, build


class TellingMixin:
    """What ``CrisisWorkflow`` gives: its crisis, its state, the open gate and the queue."""

    crisis: CrisisInput
    state: CrisisState
    gate: Gate | None
    notices: NoticeQueue
    notify_seq: int

    def _event(
        self,
        kind: EventKind,
        *,
        phase: PhaseName | None = None,
        sequence: int = 0,
        revision: int | None = None,
        person: str | None = None,
        detail: str = "",
        signer: Signer | None = None,
    ) -> None:
        """One line of the crisis's timeline, now (the workflow's own, too)."""
        rules.record(
            self.state,
            kind,
            workflow.now(),
            phase=phase,
            sequence=sequence,
            revision=revision,
            person=person,
            detail=detail,
            signer=signer,
        )

    def _notify(self, notice: Notice) -> None:
        """Queue a notice about the open gate, if any; it goes out in order
        (``_deliver_notices``)."""
        self.notify_seq += 1
        if notice.kind in ASKS:
            people = ", ".join(notice.people)
            self._event(
                EventKind.NOTIFIED,
                phase=notice.phase,
                sequence=notice.sequence,
                revision=notice.revision,
                detail=f"{notice.kind.value}: {people}",
            )
        key = f"run{self.state.runs}-{self.notify_seq:05d}-{notice.kind.value}"
        self.notices.push(build(self.crisis, self.gate, notice, key=key, now=workflow.now()))

    async def _deliver_notices(self) -> None:
        """One notice at a time, in the order they were made; retried until delivered."""
        while True:
            await workflow.wait_condition(lambda: bool(self.notices.waiting))
            request = self.notices.take()
            try:
                result = await steps.notify(request)
            finally:
                self.notices.delivering = False
            card = self.notices.done(request, result.card)
            gate = self.gate
            if (
                card
                and gate is not None
                and (gate.phase, gate.sequence, gate.correction)
                == (request.phase, request.sequence, request.correction)
            ):
                # Later notices of this gate (reminders, escalation, decision) go to its card.
                gate.card = gate.card or card

    def _event_at(self, kind: EventKind, gate: Gate, *, detail: str = "") -> None:
        rules.record_at_gate(self.state, kind, workflow.now(), gate, detail=detail)
