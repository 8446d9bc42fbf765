"""The tocsin worker: the crisis workflow and its activities, on the real crises' task queue and,
with few slots, on the exercises' own queue: a drill storm waits on its queue and never holds a
real crisis's tasks."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.crisis import CrisisActivities, Notifier
from tocsin.config import Queues, Settings
from tocsin.identity.keys import trusted_keyring
from tocsin.mailnotify import mail_notifier
from tocsin.matrix.client import MatrixClient
from tocsin.matrix.notifier import MatrixNotifier
from tocsin.matrix.settings import MatrixSettings
from tocsin.outbox import Modes
from tocsin.publish.accounts import Accounts, accounts_from_env
from tocsin.slack.notifier import SlackNotifier, web_client
from tocsin.slack.settings import SlackSettings
from tocsin.smsnotify import sms_notifier
from workflows.crisis import CrisisWorkflow

# The sandbox imports a workflow's own modules again for every run it starts, and keeps that copy
# for as long as the run is cached. Passed through, the workflow's deterministic modules are
# loaded once per worker (Temporal's documented `with_passthrough_modules`). The sandbox still
# restricts builtins at run time, and the replay tests run the workflow under the full sandbox,
# which imports it again for each history and refuses clocks, randomness and I/O in its code.
WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("workflows")
)


DRILL_SUFFIX = "-exercise"


class CrisisWorker(Worker):
    """A crises' worker with, when given, the exercises' worker alongside: one run, one shutdown
    (``async with``, ``run()`` and ``shutdown()`` cover both); when either stops on its own,
    both stop."""

    def __init__(self, client: Client, *, drills: Worker | None, **config: Any) -> None:
        super().__init__(client, **config)
        self.drills = drills

    async def run(self) -> None:
        if self.drills is None:
            await super().run()
            return
        real = asyncio.ensure_future(super().run())
        drills = asyncio.ensure_future(self.drills.run())
        try:
            await asyncio.wait({real, drills}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await asyncio.gather(super().shutdown(), self.drills.shutdown())
            await asyncio.gather(real, drills, return_exceptions=True)
        for task in (real, drills):
            error = None if task.cancelled() else task.exception()
            if error is not None:
                raise error

    async def shutdown(self) -> None:
        if self.drills is None:
            await super().shutdown()
            return
        await asyncio.gather(super().shutdown(), self.drills.shutdown())


def build_worker(
    client: Client,
    settings: Settings,
    *,
    outbox: Path | None = None,
    notifications: Path | None = None,
    task_queue: str | None = None,
    slack: SlackSettings | None = None,
    slack_client: AsyncWebClient | None = None,
    queues: Queues = "both",
    accounts: Accounts | None = None,
    matrix: MatrixSettings | None = None,
    matrix_client: MatrixClient | None = None,
) -> CrisisWorker:
    """The worker of both queues (``queues``: of one only); with ``slack`` its notices also go
    to Slack, through ``slack_client`` when given (``kept_alive``: connections kept between
    calls). A ``task_queue`` other than the settings' has its exercises on
    ``<task_queue>-exercise``. ``accounts``: where approved texts are posted; by default the
    file ``TOCSIN_ACCOUNTS`` names (:class:`AccountsError` when it is not valid). With
    ``matrix``, notices go to its crisis room too (through ``matrix_client`` when given)."""
    notifiers: list[Notifier] = []
    if slack and slack.channel:
        notifiers.append(SlackNotifier(slack_client or web_client(slack), slack.channel))
    if matrix and matrix.room:
        api = matrix_client or MatrixClient(matrix.homeserver, matrix.token, matrix.user_id)
        notifiers.append(MatrixNotifier(api, matrix.room))
    # The publishing accounts (TOCSIN_ACCOUNTS), read once: a bad file stops the start.
    loaded = accounts if accounts is not None else accounts_from_env()
    acts = CrisisActivities(
        outbox=outbox or settings.outbox,
        notifications=notifications or settings.data_dir / "notifications",
        notifiers=notifiers,
        modes=Modes(settings.file_mode),
        accounts=loaded,
        mail=mail_notifier(loaded),
        sms=sms_notifier(loaded),
        # The front ends' keys it trusts (TOCSIN_KEYS, or the data folder's made on first run).
        keyring=trusted_keyring(settings.data_dir),
    )
    common: dict[str, Any] = {
        "workflows": [CrisisWorkflow],
        "workflow_runner": WORKFLOW_RUNNER,
        "activities": [
            acts.trust,
            acts.draft,
            acts.check,
            acts.screen,
            acts.notify,
            acts.publish,
            acts.route,
            acts.post,
            acts.review,
        ],
        "max_cached_workflows": settings.max_cached_crises,
    }
    # Few slots for drills: at most that many of their workflow tasks and activities share the
    # process (its interpreter and its threads for drafting) with a real crisis's.
    drill_config: dict[str, Any] = {
        "task_queue": f"{task_queue}{DRILL_SUFFIX}" if task_queue else settings.drill_task_queue,
        "max_concurrent_workflow_tasks": settings.drill_slots,
        "max_concurrent_activities": settings.drill_slots,
        **common,
    }
    if queues == "exercise":
        return CrisisWorker(client, drills=None, **drill_config)
    return CrisisWorker(
        client,
        drills=Worker(client, **drill_config) if queues == "both" else None,
        task_queue=task_queue or settings.task_queue,
        **common,
    )
