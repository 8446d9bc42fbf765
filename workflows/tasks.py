"""Manual publication tasks: the texts a person publishes by hand (X, radio, the FR-Alert
portal, or an account that failed), given to the playbook's owners in turn, reminded and
escalated like an approval, closed by ``tocsin done``.

Workflow code, mixed into ``CrisisWorkflow`` (through ``PublishingMixin``). Deterministic: no
I/O, no clock but ``workflow.now()``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from tocsin import metrics, names
    from tocsin.i18n import text_in
    from tocsin.models import (
        Ack,
        Channel,
        CrisisInput,
        EventKind,
        NotifyKind,
        PhaseName,
        StatementText,
        phase_label,
    )
    from tocsin.models.delivery import (
        MAX_ERROR,
        ManualTask,
        TaskDoneRequest,
        TaskReason,
        TaskStatus,
    )
    from tocsin.models.identity import Signer
    from workflows import rules
    from workflows.notices import Notice
    from workflows.rules import refuse
    from workflows.telling import TellingMixin

KEPT_TASKS = 100  # closed ones; the open ones are all kept
REASONS = {
    TaskReason.MANUAL: "à publier à la main",
    TaskReason.FAILED: "le compte a refusé, à publier à la main",
    TaskReason.DELAYED: "le compte ne répond pas, à publier à la main",
    TaskReason.CORRECTION: "correction à publier à la main",
    TaskReason.RETRACTION: "à retirer à la main",
}


def where(channel: Channel, language: str) -> str:
    """« Radio (fr) »: in French, whatever the worker's language (history is the same for
    every worker that replays it)."""
    return f"{text_in('fr', f'review.channel.{channel.value}')} ({language})"


def task_owners(crisis: CrisisInput, phase: PhaseName) -> list[str]:
    """The roles asked in turn to publish by hand: the playbook's, else its authors then the
    phase's approvers."""
    playbook = crisis.playbook
    owners = playbook.public.manual.owners or [
        *playbook.authors,
        *rules.approver_roles(playbook, phase),
    ]
    return list(dict.fromkeys(owners))


def task_due(crisis: CrisisInput, task: ManualTask) -> datetime | None:
    """When the open task's next reminder or escalation is due; None once the playbook's
    reminders are spent (the task waits, listed by ``tocsin status``)."""
    policy = crisis.playbook.public.manual
    if task.reminded >= policy.reminders:
        return None
    due = task.last_reminder_at + policy.remind_every
    if task.level + 1 < len(task_owners(crisis, task.phase)):
        due = min(due, task.level_started_at + policy.escalate_after)
    return due


class TasksMixin(TellingMixin):
    """What ``CrisisWorkflow`` gives besides: the tasks' reminders."""

    task_timers: asyncio.Task[None] | None  # the reminders' coroutine, held while it runs
    tasks_changed: bool
    # CrisisHandlers': who signed a change (validators), and the same as it is recorded.
    _signed: Callable[[str, BaseModel, str], Signer]
    _accept: Callable[[str, BaseModel, str], Signer]

    # ------------------------------------------------------------------ manual tasks

    def _open_task(
        self,
        phase: PhaseName,
        sequence: int,
        revision: int,
        item: StatementText,
        reason: TaskReason,
        *,
        account: str | None = None,
        problem: str = "",
    ) -> ManualTask:
        now = workflow.now()
        self.state.task_counter += 1
        task_id = f"t{self.state.task_counter}"
        for older in self.state.tasks:
            if (
                older.status is TaskStatus.OPEN
                and (older.channel, older.language) == (item.channel, item.language)
                and (older.phase, older.sequence) != (phase, sequence)
                and TaskReason.RETRACTION not in (older.reason, reason)
            ):
                # A newer statement for the same audience: the older one is not to go out now.
                # (Taking a page down is not a statement: nothing newer replaces it.)
                older.status = TaskStatus.SUPERSEDED
                older.done_at = now
                older.replaced_by = task_id
        file = next(
            (
                p.path
                for p in reversed(self.state.publications)
                if (p.phase, p.sequence, p.revision, p.channel, p.language)
                == (phase, sequence, revision, item.channel, item.language)
            ),
            "",
        )
        task = ManualTask(
            id=task_id,
            file=file,
            phase=phase,
            sequence=sequence,
            revision=revision,
            channel=item.channel,
            language=item.language,
            text=item.text,
            reason=reason,
            account=account,
            problem=problem[:MAX_ERROR],
            opened_at=now,
            level_started_at=now,
            last_reminder_at=now,
        )
        self.state.tasks.append(task)
        self.tasks_changed = True
        metrics.count(
            workflow.metric_meter(),
            metrics.MANUAL_TASKS,
            "Texts given to a person to publish by hand",
            channel=item.channel.value,
            reason=reason.value,
        )
        if reason is not TaskReason.MANUAL:  # manual ones: one line for the statement's set
            self._tasks_opened([task])
        return task

    def _tasks_opened(self, tasks: list[ManualTask]) -> None:
        """One timeline line for tasks opened together: « t1 à t5 — X (fr), Radio (fr)… »."""
        first = tasks[0]
        ids = first.id if len(tasks) == 1 else f"{first.id} à {tasks[-1].id}"
        self._event(
            EventKind.TASK_OPENED,
            phase=first.phase,
            sequence=first.sequence,
            revision=first.revision,
            detail=f"{ids} — "
            + ", ".join(where(t.channel, t.language) for t in tasks)
            + f" : {REASONS[first.reason]}",
        )

    def _ask_task(self, tasks: list[ManualTask], kind: NotifyKind, *, label: str = "") -> None:
        """One notice to the owners at the tasks' level, with each exact text."""
        first = tasks[0]
        roles = task_owners(self.crisis, first.phase)
        role = roles[min(first.level, len(roles) - 1)]
        people = rules.people_with(self.crisis.playbook, [role])
        cid = self.crisis.crisis_id
        lines = [label] if label else []
        for task in tasks:
            why = {
                TaskReason.MANUAL: "",
                TaskReason.FAILED: f" ({task.account} a refusé : {task.problem})",
                TaskReason.DELAYED: f" ({task.account} : {task.problem})",
                TaskReason.CORRECTION: "",
                TaskReason.RETRACTION: "",
            }[task.reason]
            # A poster is a page to print: its file, not its HTML.
            body = f"à imprimer : {task.file}" if task.channel is Channel.POSTER else task.text
            lines.append(
                f"{task.id} — {REASONS[task.reason]} : {where(task.channel, task.language)}, "
                f"{phase_label(task.phase, task.sequence)}{why}\n{body}"
            )
        lines.append(
            f"Une fois publié : tocsin done {cid} {tasks[0].id if len(tasks) == 1 else 'TÂCHE'} "
            "--url ADRESSE "
            f"(ou --note « lu à l’antenne à 10 h 05 »)."
        )
        self._notify(
            Notice(
                kind,
                first.phase,
                first.sequence,
                first.revision,
                people,
                "\n\n".join(lines),
                card="",  # the card of the tasks' phase, not of the gate open now
                correction=0,
                tasks=[task.model_copy() for task in tasks],  # as they are now
            )
        )

    async def _task_timers(self) -> None:
        """Remind the owners of open tasks, and escalate to the next role, as for approvals."""
        while True:
            open_tasks = [t for t in self.state.tasks if t.status is TaskStatus.OPEN]
            self.tasks_changed = False
            dues = [d for d in (task_due(self.crisis, t) for t in open_tasks) if d is not None]
            if not dues:
                await workflow.wait_condition(lambda: self.tasks_changed)
                continue
            due = min(dues)
            wait = due - workflow.now()
            if wait > timedelta(0):
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: self.tasks_changed, timeout=wait)
                continue
            self._task_reminders(open_tasks)

    def _task_reminders(self, open_tasks: list[ManualTask]) -> None:
        now = workflow.now()
        policy = self.crisis.playbook.public.manual
        escalated: list[ManualTask] = []
        reminded: list[ManualTask] = []
        for task in open_tasks:
            due = task_due(self.crisis, task)
            if due is None or due > now:
                continue
            roles = task_owners(self.crisis, task.phase)
            task.last_reminder_at = now
            task.reminded += 1
            if task.level + 1 < len(roles) and now >= task.level_started_at + policy.escalate_after:
                task.level += 1
                task.level_started_at = now
                escalated.append(task)
            else:
                reminded.append(task)
        for group, kind, label in (
            (escalated, EventKind.ESCALATED, "Escalade : publication manuelle en attente."),
            (reminded, EventKind.REMINDER, "Rappel : publication manuelle en attente."),
        ):
            by_level: dict[tuple[PhaseName, int], list[ManualTask]] = {}
            for task in group:
                by_level.setdefault((task.phase, task.level), []).append(task)
            for tasks in by_level.values():
                self._event(
                    kind,
                    phase=tasks[0].phase,
                    sequence=tasks[0].sequence,
                    detail="tâches " + ", ".join(t.id for t in tasks),
                )
                self._ask_task(tasks, NotifyKind.TASK, label=label)

    def _task(self, task_id: str | None) -> ManualTask | None:
        return next((t for t in self.state.tasks if t.id == task_id), None)

    @workflow.update(name=names.TASK_DONE)
    def task_done(self, request: TaskDoneRequest) -> Ack:
        """A person published a manual task's text: where, or how."""
        task = self._task(request.task)
        assert task is not None  # the validator checked it
        signer = self._accept(names.TASK_DONE, request, request.person)
        task.status = TaskStatus.DONE
        task.done_at = workflow.now()
        task.done_by = request.person
        task.url = request.url
        task.note = request.note
        self.tasks_changed = True
        self._event(
            EventKind.TASK_DONE,
            phase=task.phase,
            sequence=task.sequence,
            revision=task.revision,
            person=request.person,
            detail=f"{task.id} — {where(task.channel, task.language)} : "
            + (request.url or request.note),
            signer=signer,
        )
        return Ack(recorded_at=task.done_at)

    @task_done.validator
    def validate_task_done(self, request: TaskDoneRequest) -> None:
        self._signed(names.TASK_DONE, request, request.person)
        rules.check_person(self.crisis.playbook, request.person, with_role=True)
        task = self._task(request.task)
        if task is None:
            raise refuse("UnknownTask", task=request.task)
        if task.status is TaskStatus.SUPERSEDED and task.replaced_by is None:
            raise refuse("TaskPublished", task=task.id, account=task.account or "-")
        if task.status is TaskStatus.DONE:
            raise refuse("TaskDone", task=task.id, person=task.done_by or "-")
        if not request.url and not request.note.strip():
            raise refuse("TaskWhere", task=task.id)
