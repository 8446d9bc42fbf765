"""An open gate's timers: its reminders, its escalation to the next approver, its missed
deadline, and the approval asked again each time.

Workflow code, mixed into ``CrisisWorkflow``. Deterministic: no I/O, no clock but
``workflow.now()``.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from tocsin import metrics
    from tocsin.models import EventKind, Gate, GateStatus, NotifyKind, phase_label
    from workflows import rules
    from workflows.notices import Notice, approval_label
    from workflows.telling import TellingMixin


class GateTimersMixin(TellingMixin):
    """What ``CrisisWorkflow`` gives besides: its gate's reminders and escalations."""

    def _on_timers(self, gate: Gate) -> None:
        playbook = self.crisis.playbook
        approval = rules.approval_of(playbook, gate.phase)
        now = workflow.now()
        due = rules.due_at(playbook, gate, now)
        revision = gate.draft.revision
        meter = workflow.metric_meter()
        if due.deadline_missed:
            gate.deadline_missed = True
            metrics.count(
                meter, metrics.DEADLINES_MISSED, "Approval deadlines missed", phase=gate.phase.value
            )
            self._event_at(EventKind.DEADLINE_MISSED, gate)
            self._notify(
                Notice(
                    NotifyKind.DEADLINE_MISSED,
                    gate.phase,
                    gate.sequence,
                    revision,
                    rules.people_with(playbook, [*playbook.authors, *approval.approvers]),
                    f"Échéance dépassée pour {gate.phase.value} (révision {revision}).",
                )
            )
        if due.escalate:
            gate.level += 1
            gate.level_started_at = now
            gate.last_reminder_at = now
            role = approval.approvers[gate.level]
            metrics.count(
                meter,
                metrics.ESCALATIONS,
                "Escalations to the next approver",
                phase=gate.phase.value,
                role=role,
            )
            self._event_at(EventKind.ESCALATED, gate, detail=role)
            self._ask_approval(NotifyKind.ESCALATION)
        elif due.remind:
            gate.last_reminder_at = now
            metrics.count(meter, metrics.REMINDERS, "Reminders", phase=gate.phase.value)
            self._event_at(EventKind.REMINDER, gate)
            if gate.status is GateStatus.AWAITING_REVISION:
                self._notify(
                    Notice(
                        NotifyKind.REMINDER,
                        gate.phase,
                        gate.sequence,
                        revision,
                        rules.people_with(playbook, playbook.authors),
                        f"Rappel : une nouvelle révision est attendue ({gate.change_comment}).",
                    )
                )
            else:
                self._ask_approval(NotifyKind.REMINDER)

    def _ask_approval(self, kind: NotifyKind) -> None:
        gate = self.gate
        assert gate is not None
        playbook = self.crisis.playbook
        role = rules.approval_of(playbook, gate.phase).approvers[gate.level]
        self._notify(
            Notice(
                kind,
                gate.phase,
                gate.sequence,
                gate.draft.revision,
                rules.asked(playbook, role, gate),
                f"{approval_label(kind, role)} — {playbook.title}, "
                f"{phase_label(gate.phase, gate.sequence)}, révision {gate.draft.revision}"
                + (f", correction : {gate.correction_reason}" if gate.correction else "")
                + ".",
            )
        )
