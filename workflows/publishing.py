"""After the approval: the approved texts reach the public.

Workflow code, mixed into ``CrisisWorkflow``. For each approved text, one ``post`` activity per
account of its channel, in the background: the crisis's timers, its next phase and the other
channels go on while a platform is slow or down. Posts of one account and language go out in
order, each in the thread of the last. A post not acknowledged within the playbook's
``public.alert_after`` is reported to the authors and offered as a manual task while its retries
go on; a post refused for good (a revoked token) opens the manual task at once. Channels that no
account publishes (X, radio, the FR-Alert portal) are manual tasks from the start, given to the
playbook's owners in turn, reminded and escalated like an approval.

Deterministic: no I/O, no clock but ``workflow.now()``.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.crisis import CrisisActivities
    from tocsin import metrics, names
    from tocsin.i18n import text_in
    from tocsin.models import (
        Ack,
        Channel,
        CrisisInput,
        CrisisState,
        Decision,
        EventKind,
        Gate,
        NotifyKind,
        PhaseName,
        StatementText,
        phase_label,
    )
    from tocsin.models.delivery import (
        MAX_ERROR,
        Delivery,
        DeliveryStatus,
        ManualTask,
        RouteRequest,
        RouteResult,
        TaskDoneRequest,
        TaskReason,
        TaskStatus,
    )
    from tocsin.publish.models import PublishRequest
    from workflows import rules
    from workflows.notices import Notice
    from workflows.rules import refuse

# A platform down for hours is retried for a day, never faster than every 2 minutes at worst;
# a 429's Retry-After sets the next delay itself.
POST_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=2),
)
POST_TIMEOUT = timedelta(seconds=60)  # one try: an SMTP relay with a long list, a slow API
POST_GIVE_UP = timedelta(hours=24)
ROUTE_TIMEOUT = timedelta(seconds=15)
ROUTE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=30)
)
KEPT_DELIVERIES = 300
KEPT_TASKS = 100  # closed ones; the open ones are all kept
REASONS = {
    TaskReason.MANUAL: "à publier à la main",
    TaskReason.FAILED: "le compte a refusé, à publier à la main",
    TaskReason.DELAYED: "le compte ne répond pas, à publier à la main",
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


class PublishingMixin:
    """What ``CrisisWorkflow`` gives: its crisis, state, and its notices and events."""

    crisis: CrisisInput
    state: CrisisState
    posting: int  # post activities under way
    posts: set[asyncio.Task[None]]  # their coroutines, held until done
    task_timers: asyncio.Task[None] | None  # the reminders' coroutine, held while it runs
    tasks_changed: bool

    def _notify(self, notice: Notice) -> None:
        raise NotImplementedError

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
        raise NotImplementedError

    # ------------------------------------------------------------------ fan-out

    async def _reach_public(
        self, gate: Gate, decision: Decision, texts: list[StatementText]
    ) -> None:
        """Route the approved texts, open the manual tasks, and start every post."""
        channels = list(dict.fromkeys(item.channel for item in texts))
        routed: RouteResult = await workflow.execute_activity_method(
            CrisisActivities.route,
            RouteRequest(
                crisis_id=self.crisis.crisis_id,
                playbook=self.crisis.playbook,
                params=self.crisis.params,
                phase=gate.phase,
                exercise=self.crisis.exercise,
                channels=channels,
                next_update=gate.draft.next_update_at,
            ),
            start_to_close_timeout=ROUTE_TIMEOUT,
            retry_policy=ROUTE_RETRY,
        )
        now = workflow.now()
        manual: list[ManualTask] = []
        for route in routed.routes:
            mine = [item for item in texts if item.channel == route.channel]
            if route.left_out:
                self._event(
                    EventKind.POST_FAILED,
                    phase=gate.phase,
                    sequence=gate.sequence,
                    revision=decision.revision,
                    detail=f"{where(route.channel, self.crisis.playbook.languages[0])} : "
                    "exercice, rien n’est publié sur " + ", ".join(route.left_out),
                )
            if route.manual:
                manual += [
                    self._open_task(
                        gate.phase, gate.sequence, decision.revision, item, TaskReason.MANUAL
                    )
                    for item in mine
                ]
                continue
            for account in route.accounts:
                for item in mine:
                    request = PublishRequest(
                        crisis_id=self.crisis.crisis_id,
                        phase=gate.phase,
                        sequence=gate.sequence,
                        revision=decision.revision,
                        channel=item.channel,
                        language=item.language,
                        account=account.name,
                        text=item.text,
                        exercise=self.crisis.exercise,
                        statement_url=routed.context.web,
                        context=routed.context,
                        at=now,
                    )
                    delivery = Delivery(
                        phase=gate.phase,
                        sequence=gate.sequence,
                        revision=decision.revision,
                        channel=item.channel,
                        language=item.language,
                        account=account.name,
                        kind=account.kind,
                        key=request.key,
                        requested_at=now,
                    )
                    self.state.deliveries.append(delivery)
                    self.posting += 1
                    task = asyncio.create_task(self._deliver(delivery, request, item.text))
                    self.posts.add(task)
                    task.add_done_callback(self.posts.discard)
        if manual:
            self._tasks_opened(manual)
            self._ask_task(manual, NotifyKind.TASK)
        self._trim()

    async def _deliver(self, delivery: Delivery, request: PublishRequest, text: str) -> None:
        try:
            await self._post(delivery, request, text)
        finally:
            self.posting -= 1

    async def _post(self, delivery: Delivery, request: PublishRequest, text: str) -> None:
        # In order on its account and language: wait for the posts asked before it.
        await workflow.wait_condition(lambda: self._first_in_lane(delivery))
        thread = self._thread(delivery)
        if thread is not None:
            request = request.model_copy(update={"thread": thread})
        handle = workflow.start_activity_method(
            CrisisActivities.post,
            request,
            start_to_close_timeout=POST_TIMEOUT,
            schedule_to_close_timeout=POST_GIVE_UP,
            retry_policy=POST_RETRY,
            summary=f"{delivery.channel.value}.{delivery.language} → {delivery.account}",
        )
        alert_after = self.crisis.playbook.public.alert_after
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(handle.done, timeout=alert_after)
        if not handle.done():
            delivery.status = DeliveryStatus.DELAYED
            problem = f"pas de réponse depuis {_minutes(alert_after)}"
            self._post_failed(delivery, text, TaskReason.DELAYED, problem)
        try:
            published = await handle
        except ActivityError as exc:
            delivery.status = DeliveryStatus.FAILED
            problem = _problem(exc)
            delivery.error = problem[:MAX_ERROR]
            if delivery.task is None:
                self._post_failed(delivery, text, TaskReason.FAILED, problem)
            else:
                self._event_of(delivery, EventKind.POST_FAILED, problem)
            return
        delivery.status = DeliveryStatus.PUBLISHED
        delivery.remote_id = published.remote_id
        delivery.url = published.url
        delivery.published_at = published.published_at
        self._event_of(delivery, EventKind.POSTED, published.url or published.remote_id)
        task = self._task(delivery.task)
        if task is not None and task.status is TaskStatus.OPEN:
            task.status = TaskStatus.SUPERSEDED
            task.done_at = workflow.now()
            self.tasks_changed = True

    def _first_in_lane(self, delivery: Delivery) -> bool:
        for other in self.state.deliveries:
            if other is delivery:
                return True
            if other.lane == delivery.lane and other.status is DeliveryStatus.PENDING:
                return False
        return True

    def _thread(self, delivery: Delivery) -> str | None:
        """The crisis's last post on this account and language: the next one replies to it."""
        last = [
            d.remote_id
            for d in self.state.deliveries
            if d.lane == delivery.lane and d.remote_id and d is not delivery
        ]
        return last[-1] if last else None

    def _post_failed(self, delivery: Delivery, text: str, reason: TaskReason, problem: str) -> None:
        metrics.count(
            workflow.metric_meter(),
            metrics.POST_FAILURES,
            "Posts refused or not acknowledged in time",
            kind=delivery.kind.value,
            reason=reason.value,
        )
        self._event_of(delivery, EventKind.POST_FAILED, problem)
        task = self._open_task(
            delivery.phase,
            delivery.sequence,
            delivery.revision,
            StatementText(channel=delivery.channel, language=delivery.language, text=text),
            reason,
            account=delivery.account,
            problem=problem,
        )
        delivery.task = task.id
        self._ask_task([task], NotifyKind.POST_FAILED)

    def _event_of(self, delivery: Delivery, kind: EventKind, detail: str) -> None:
        self._event(
            kind,
            phase=delivery.phase,
            sequence=delivery.sequence,
            revision=delivery.revision,
            detail=f"{where(delivery.channel, delivery.language)} → {delivery.account} : {detail}",
        )

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
            ):
                # A newer statement for the same audience: the older one is not to go out now.
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
            }[task.reason]
            # A poster is a page to print: its file, not its HTML.
            body = f"à imprimer : {task.file}" if task.channel is Channel.POSTER else task.text
            lines.append(
                f"{task.id} — à publier à la main : {where(task.channel, task.language)}, "
                f"{phase_label(task.phase, task.sequence)}{why}\n{body}"
            )
        lines.append(
            f"Une fois publié : tocsin done {cid} {tasks[0].id if len(tasks) == 1 else 'TÂCHE'} "
            "--url ADRESSE "
            f"(ou --note « lu à l’antenne à 10 h 05 »)."
        )
        self._notify(
            Notice(kind, first.phase, first.sequence, first.revision, people, "\n\n".join(lines))
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
        )
        return Ack(recorded_at=task.done_at)

    @task_done.validator
    def validate_task_done(self, request: TaskDoneRequest) -> None:
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

    def _trim(self) -> None:
        """Bounded state: the latest deliveries, every open task and the latest closed ones."""
        busy = [
            d
            for d in self.state.deliveries
            if d.status in (DeliveryStatus.PENDING, DeliveryStatus.DELAYED)
        ]
        if len(self.state.deliveries) > KEPT_DELIVERIES:
            done = [d for d in self.state.deliveries if d not in busy]
            kept = {id(d) for d in done[-(KEPT_DELIVERIES - len(busy)) :]} | {id(d) for d in busy}
            self.state.deliveries = [d for d in self.state.deliveries if id(d) in kept]
        closed = [t for t in self.state.tasks if t.status is not TaskStatus.OPEN]
        if len(closed) > KEPT_TASKS:
            dropped = {id(t) for t in closed[:-KEPT_TASKS]}
            self.state.tasks = [t for t in self.state.tasks if id(t) not in dropped]


def _minutes(delay: timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    return f"{minutes} min" if minutes else f"{int(delay.total_seconds())} s"


def _problem(exc: ActivityError) -> str:
    """What the publisher said (French and English), or the timeout's kind."""
    cause = exc.cause
    if isinstance(cause, ApplicationError):
        return " ".join(str(cause.message).split())[:MAX_ERROR]
    return type(cause).__name__ if cause is not None else "échec / failure"
