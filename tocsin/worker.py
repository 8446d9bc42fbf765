"""The tocsin worker: the crisis workflow and its activities on one task queue."""

from __future__ import annotations

from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from activities.crisis import CrisisActivities
from tocsin.config import Settings
from tocsin.outbox import Modes
from tocsin.slack.notifier import SlackNotifier, web_client
from tocsin.slack.settings import SlackSettings
from workflows.crisis import CrisisWorkflow

# The sandbox imports a workflow's own modules again for every run it starts, and keeps that copy
# for as long as the run is cached. Passed through, the workflow's deterministic modules are
# loaded once per worker (Temporal's documented `with_passthrough_modules`). The sandbox still
# restricts builtins at run time, and the replay tests run the workflow under the full sandbox,
# which imports it again for each history and refuses clocks, randomness and I/O in its code.
WORKFLOW_RUNNER = SandboxedWorkflowRunner(
    restrictions=SandboxRestrictions.default.with_passthrough_modules("workflows")
)


def build_worker(
    client: Client,
    settings: Settings,
    *,
    outbox: Path | None = None,
    notifications: Path | None = None,
    task_queue: str | None = None,
    slack: SlackSettings | None = None,
    slack_client: AsyncWebClient | None = None,
) -> Worker:
    """The worker; with ``slack`` its notices also go to Slack, through ``slack_client`` when
    given (``kept_alive``: connections kept between calls)."""
    notifier = (
        SlackNotifier(slack_client or web_client(slack), slack.channel)
        if slack and slack.channel
        else None
    )
    acts = CrisisActivities(
        outbox=outbox or settings.outbox,
        notifications=notifications or settings.data_dir / "notifications",
        slack=notifier,
        modes=Modes(settings.file_mode),
    )
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=[CrisisWorkflow],
        workflow_runner=WORKFLOW_RUNNER,
        activities=[acts.draft, acts.check, acts.screen, acts.notify, acts.publish, acts.review],
        max_cached_workflows=settings.max_cached_crises,
    )
