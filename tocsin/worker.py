"""The tocsin worker: the crisis workflow and its activities on one task queue."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.worker import Worker

from activities.crisis import CrisisActivities
from tocsin.config import Settings
from workflows.crisis import CrisisWorkflow


def build_worker(
    client: Client,
    settings: Settings,
    *,
    outbox: Path | None = None,
    notifications: Path | None = None,
    task_queue: str | None = None,
) -> Worker:
    acts = CrisisActivities(
        outbox=outbox or settings.outbox,
        notifications=notifications or settings.data_dir / "notifications",
    )
    return Worker(
        client,
        task_queue=task_queue or settings.task_queue,
        workflows=[CrisisWorkflow],
        activities=[acts.draft, acts.notify, acts.publish],
    )
