"""The tocsin worker: the crisis workflow and its activities on one task queue."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from activities.crisis import CrisisActivities
from tocsin.config import Settings
from tocsin.slack.notifier import SlackNotifier, web_client
from tocsin.slack.settings import SlackSettings
from workflows.crisis import CrisisWorkflow


def build_worker(
    client: Client,
    settings: Settings,
    *,
    outbox: Path | None = None,
    notifications: Path | None = None,
    task_queue: str | None = None,
    slack: SlackSettings | None = None,
) -> Worker:
    """The worker; with ``slack`` its notices also go to Slack."""
    notifier = SlackNotifier(web_client(slack), slack.channel) if slack and slack.channel else None
    acts = CrisisActivities(
        outbox=outbox or settings.outbox,
        notifications=notifications or settings.data_dir / "notifications",
        slack=notifier,
    )
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=[CrisisWorkflow],
        activities=[acts.draft, acts.check, acts.notify, acts.publish, acts.review],
    )
