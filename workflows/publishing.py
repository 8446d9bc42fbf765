"""After the approval: the approved texts reach the public.

Workflow code, mixed into ``CrisisWorkflow``. For each approved text, one ``post`` activity per
account of its channel, in the background: the crisis's timers, its next phase and the other
channels go on while a platform is slow or down. Posts of one account and language go out in
order, each in the thread of the last. A post not acknowledged within the playbook's
``public.alert_after`` is reported to the authors and offered as a manual task while its retries
go on; a post refused for good (a revoked token) opens the manual task at once. Channels that no
account publishes (X, radio, the FR-Alert portal) are manual tasks from the start, given to the
playbook's owners in turn (workflows/tasks.py).

Deterministic: no I/O, no clock but ``workflow.now()``.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.crisis import CrisisActivities
    from tocsin import metrics
    from tocsin.models import (
        Decision,
        EventKind,
        Gate,
        NotifyKind,
        StatementText,
    )
    from tocsin.models.delivery import (
        MAX_ERROR,
        Delivery,
        DeliveryStatus,
        ManualTask,
        RouteRequest,
        RouteResult,
        TaskReason,
        TaskStatus,
    )
    from tocsin.publish.models import AccountKind, Action, Publication, PublishRequest
    from workflows import rules
    from workflows.notices import Notice
    from workflows.tasks import KEPT_TASKS, TasksMixin, where

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
UNDER_WAY = (DeliveryStatus.PENDING, DeliveryStatus.DELAYED)
# What a retraction takes down: the posts a platform lets us delete or mark withdrawn (the site
# and its CAP feed; a gateway told by a signed event). An e-mail cannot be unsent: the
# retraction statement, sent to the same list, says it.
TAKEN_DOWN = frozenset(
    {AccountKind.MASTODON, AccountKind.BLUESKY, AccountKind.STATUS_SITE, AccountKind.WEBHOOK}
)


class PublishingMixin(TasksMixin):
    """What ``CrisisWorkflow`` gives besides: the posts under way."""

    posting: int  # post activities under way
    posts: set[asyncio.Task[None]]  # their coroutines, held until done

    # ------------------------------------------------------------------ fan-out

    async def _reach_public(
        self, gate: Gate, decision: Decision, texts: list[StatementText]
    ) -> None:
        """Route the approved texts, open the manual tasks, and start every post. A
        correction's gate corrects what each account published of its statement."""
        action = Action.CORRECT if gate.correction else Action.PUBLISH
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
            if action is Action.CORRECT:
                for item in mine:
                    reason = self._replace_tasks(gate, item)
                    if route.manual:
                        manual.append(
                            self._open_task(
                                gate.phase, gate.sequence, decision.revision, item, reason
                            )
                        )
                if route.manual:
                    continue
            elif route.manual:
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
                        action=action,
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
                        action=action,
                        requested_at=now,
                    )
                    self._start(delivery, request, item.text)
        if manual:
            self._tasks_opened(manual)
            self._ask_task(manual, NotifyKind.TASK)
        self._trim()

    def _start(self, delivery: Delivery, request: PublishRequest, text: str) -> None:
        self.state.deliveries.append(delivery)
        self.posting += 1
        task = asyncio.create_task(self._deliver(delivery, request, text))
        self.posts.add(task)
        task.add_done_callback(self.posts.discard)

    def _replace_tasks(self, gate: Gate, item: StatementText) -> TaskReason:
        """A correction of a text someone was to publish by hand: the open task for the old
        text is superseded (the corrected one is published instead); one already done gets
        a correction task."""
        reason = TaskReason.CORRECTION
        now = workflow.now()
        for task in self.state.tasks:
            if (task.phase, task.sequence, task.channel, task.language) != (
                gate.phase,
                gate.sequence,
                item.channel,
                item.language,
            ):
                continue
            if task.status is TaskStatus.OPEN:
                task.status = TaskStatus.SUPERSEDED
                task.done_at = now
                task.replaced_by = f"t{self.state.task_counter + 1}"
                self.tasks_changed = True
                if task.reason is not TaskReason.CORRECTION:
                    reason = TaskReason.MANUAL
            elif task.status is TaskStatus.DONE:
                reason = TaskReason.CORRECTION
        return reason

    def _take_down(self, decision: Decision) -> None:
        """The retraction approved: every post still up is deleted, or marked withdrawn, where
        its platform allows; pages published by hand get a task to take them down."""
        now = workflow.now()
        gone = self._retracted()
        seen: set[tuple[str, str]] = set()
        for posted in list(self.state.deliveries):
            if (
                posted.status is not DeliveryStatus.PUBLISHED
                or posted.action is Action.RETRACT
                or posted.kind not in TAKEN_DOWN
                or posted.remote_id is None
                or (posted.account, posted.remote_id) in seen
                or (posted.account, posted.remote_id) in gone
            ):
                continue
            seen.add((posted.account, posted.remote_id))
            previous = _publication(posted)
            request = PublishRequest(
                crisis_id=self.crisis.crisis_id,
                phase=posted.phase,
                sequence=posted.sequence,
                revision=posted.revision,
                channel=posted.channel,
                language=posted.language,
                account=posted.account,
                text=self.state.retraction or "retrait",
                exercise=self.crisis.exercise,
                action=Action.RETRACT,
                previous=previous,
                at=now,
            )
            retraction = posted.model_copy(
                update={
                    "key": request.key,
                    "action": Action.RETRACT,
                    "status": DeliveryStatus.PENDING,
                    "requested_at": now,
                    "remote_id": None,
                    "url": None,
                    "published_at": None,
                    "task": None,
                }
            )
            self._start(retraction, request, request.text)
        tasks = []
        for done in list(self.state.tasks):
            if done.status is TaskStatus.DONE and done.url is not None:
                item = StatementText(
                    channel=done.channel,
                    language=done.language,
                    text=f"Retirer ou marquer « retiré » : {done.url}\n\n{self.state.retraction}",
                )
                tasks.append(
                    self._open_task(
                        done.phase, done.sequence, decision.revision, item, TaskReason.RETRACTION
                    )
                )
        if tasks:
            self._tasks_opened(tasks)
            self._ask_task(tasks, NotifyKind.TASK)

    def _retracted(self) -> set[tuple[str, str]]:
        """The posts already taken down: (account, remote id)."""
        return {
            (d.account, d.remote_id)
            for d in self.state.deliveries
            if d.action is Action.RETRACT and d.status is DeliveryStatus.PUBLISHED and d.remote_id
        }

    def _previous(self, delivery: Delivery) -> Publication | None:
        """What a correction corrects on its account: the statement's latest post there."""
        found = [
            d
            for d in self.state.deliveries
            if d is not delivery
            and d.lane == delivery.lane
            and (d.phase, d.sequence, d.channel)
            == (delivery.phase, delivery.sequence, delivery.channel)
            and d.action is not Action.RETRACT
            and d.status is DeliveryStatus.PUBLISHED
        ]
        return _publication(found[-1]) if found else None

    async def _deliver(self, delivery: Delivery, request: PublishRequest, text: str) -> None:
        try:
            await self._post(delivery, request, text)
        finally:
            self.posting -= 1
        self._tell_posted(delivery)

    def _tell_posted(self, delivery: Delivery) -> None:
        """Once every post of the approval has answered, one notice says where each one is."""
        approval = (delivery.phase, delivery.sequence, delivery.revision, delivery.action)
        mine = [
            d
            for d in self.state.deliveries
            if (d.phase, d.sequence, d.revision, d.action) == approval
        ]
        if any(d.status in (DeliveryStatus.PENDING, DeliveryStatus.DELAYED) for d in mine):
            return
        said = ", ".join(
            f"{where(d.channel, d.language)} → "
            + (
                d.url or d.remote_id or ""
                if d.status is DeliveryStatus.PUBLISHED
                else f"échec, à la main ({d.task})"
            )
            for d in mine
        )
        self._notify(
            Notice(
                NotifyKind.POSTED,
                delivery.phase,
                delivery.sequence,
                delivery.revision,
                rules.people_with(self.crisis.playbook, self.crisis.playbook.authors),
                f"Publications : {said}.",
                card="",  # the card of the approval's phase
                correction=0,
                deliveries=[d.model_copy() for d in mine],
            )
        )

    async def _post(self, delivery: Delivery, request: PublishRequest, text: str) -> None:
        # In order on its account and language: wait for the posts asked before it.
        await workflow.wait_condition(lambda: self._first_in_lane(delivery))
        if delivery.action is Action.CORRECT:
            previous = self._previous(delivery)
            if previous is None:
                # Its first post never went out: the corrected text is the first.
                delivery.action = Action.PUBLISH
                request = request.model_copy(update={"action": Action.PUBLISH})
                delivery.key = request.key
            else:
                request = request.model_copy(update={"previous": previous})
        thread = self._thread(delivery)
        if thread is not None and delivery.action is not Action.RETRACT:
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
            # Published by hand meanwhile: the retries stop, or the public would get it twice.
            await workflow.wait_condition(lambda: handle.done() or self._by_hand(delivery))
            if not handle.done():
                handle.cancel()
                delivery.status = DeliveryStatus.BY_HAND
                self._event_of(
                    delivery, EventKind.POST_FAILED, f"publié à la main ({delivery.task})"
                )
                with contextlib.suppress(ActivityError, asyncio.CancelledError):
                    await handle
                return
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

    def _by_hand(self, delivery: Delivery) -> bool:
        task = self._task(delivery.task)
        return task is not None and task.status is TaskStatus.DONE

    def _first_in_lane(self, delivery: Delivery) -> bool:
        for other in self.state.deliveries:
            if other is delivery:
                return True
            if other.lane == delivery.lane and other.status in UNDER_WAY:
                # A post still retried (even past the playbook's delay) holds the ones after
                # it: the same account is down for them too, and order and thread are kept.
                return False
        return True

    def _thread(self, delivery: Delivery) -> str | None:
        """The crisis's last post on this account and language: the next one replies to it."""
        gone = self._retracted()
        last = [
            d.remote_id
            for d in self.state.deliveries
            if d.lane == delivery.lane
            and d.remote_id
            and d is not delivery
            and d.action is not Action.RETRACT
            and (d.account, d.remote_id) not in gone
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

    def _trim(self) -> None:
        """Bounded state: the latest deliveries, every open task and the latest closed ones."""
        busy = [d for d in self.state.deliveries if d.status in UNDER_WAY]
        if len(self.state.deliveries) > KEPT_DELIVERIES:
            done = [d for d in self.state.deliveries if d not in busy]
            kept = {id(d) for d in done[-(KEPT_DELIVERIES - len(busy)) :]} | {id(d) for d in busy}
            self.state.deliveries = [d for d in self.state.deliveries if id(d) in kept]
        closed = [t for t in self.state.tasks if t.status is not TaskStatus.OPEN]
        if len(closed) > KEPT_TASKS:
            dropped = {id(t) for t in closed[:-KEPT_TASKS]}
            self.state.tasks = [t for t in self.state.tasks if id(t) not in dropped]


def _publication(delivery: Delivery) -> Publication:
    assert delivery.remote_id is not None
    assert delivery.published_at is not None
    return Publication(
        remote_id=delivery.remote_id,
        url=delivery.url,
        published_at=delivery.published_at,
        account=delivery.account,
        kind=delivery.kind,
        key=delivery.key,
        action=delivery.action,
    )


def _minutes(delay: timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    return f"{minutes} min" if minutes else f"{int(delay.total_seconds())} s"


def _problem(exc: ActivityError) -> str:
    """What the publisher said (French and English), or the timeout's kind."""
    cause = exc.cause
    if isinstance(cause, ApplicationError):
        return " ".join(str(cause.message).split())[:MAX_ERROR]
    return type(cause).__name__ if cause is not None else "échec / failure"
