"""A cached crisis's memory, phase after phase: payloads as plain JSON against zlib'd, in one run.

Run: .venv/bin/python -m bench.phase_memory [--crises 60] [--follow-ups 6] [--rounds 2]

A worker's core keeps every activity input a cached run has sent (*Memory per cached crisis* in
RESULTS.md), so a crisis's memory grows with each phase it publishes until it continues as new.
For each round, plain then zlib (``TOCSIN_COMPRESS_PAYLOADS``), on a fresh time-skipping server
with one `tocsin worker` process: N crises of the water playbook, with hourly follow-ups, each
approved as soon as it is asked, through acknowledge, explain, solutions and the follow-ups. After
each phase is published everywhere and the worker has been quiet for a few seconds, the worker's
resident memory above its idle reading, divided by N.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from bench.long_crisis import hourly
from bench.mass_crisis import SETTLE, approve_all, gathered, resident_kb, until, workers
from tests.helpers import files_per_phase, settings_for
from tests.processes import tocsin_env
from tocsin import crises
from tocsin.cli import leave
from tocsin.config import Settings
from tocsin.logs import configure_logging
from tocsin.models import CrisisStatus, PhaseName
from tocsin.payloads import data_converter
from tocsin.temporal import time_skipping_server_binary


def journal_lines(settings: Settings, cid: str) -> int:
    journal = settings.outbox / cid / "journal.jsonl"
    return journal.read_text().count("\n") if journal.exists() else 0


async def statuses(client: Client, ids: list[str]) -> list[CrisisStatus]:
    return await gathered([crises.status(client, cid, events=False) for cid in ids], limit=16)


async def phase_round(
    env: WorkflowEnvironment,
    settings: Settings,
    ids: list[str],
    phase: PhaseName,
    sequence: int,
) -> None:
    """Wait for every crisis's gate of ``phase`` (skipping time to a follow-up's announced hour),
    approve it, and wait until it is published on every channel."""
    client = env.client
    per_phase = files_per_phase(phase)
    before = {cid: journal_lines(settings, cid) for cid in ids}

    def asked(s: CrisisStatus) -> bool:
        return s.state == "awaiting_approval" and s.phase is phase and s.sequence == sequence

    for _ in range(100):
        current = await statuses(client, ids)
        if all(asked(s) for s in current):
            break
        if all(asked(s) or s.state == "waiting_follow_up" for s in current):
            await env.sleep(timedelta(minutes=10))
        else:
            await asyncio.sleep(0.5)
    else:
        raise TimeoutError(f"{phase} {sequence}: not every crisis asked for approval")
    await approve_all(client, {s.crisis_id: s.revision or 0 for s in current})

    async def published() -> bool:
        return all(journal_lines(settings, cid) >= before[cid] + per_phase for cid in ids)

    await until(published, 600)


async def one_round(count: int, follow_ups: int, plain: bool, folder: Path) -> list[float]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(time_skipping_server_binary()),
        data_converter=data_converter(compress=not plain),
    )
    try:
        settings = settings_for(folder, f"phases-{uuid.uuid4().hex[:6]}")
        settings = settings.model_copy(update={"compress_payloads": not plain})
        worker_env = tocsin_env(
            folder / "env",
            TEMPORAL_ADDRESS=env.client.service_client.config.target_host,
            TOCSIN_TASK_QUEUE=settings.task_queue,
            TOCSIN_OUTBOX=str(settings.outbox),
            TOCSIN_LOG_LEVEL="warning",
            TOCSIN_COMPRESS_PAYLOADS="0" if plain else "1",
        )
        async with workers([["worker"]], worker_env, folder, "Worker prêt") as started:
            pids = [p.proc.pid for p in started]
            warm = hourly()
            await crises.trigger(env.client, settings, warm)
            await phase_round(env, settings, [warm.crisis_id], PhaseName.ACKNOWLEDGE, 0)
            await asyncio.sleep(SETTLE)
            idle = resident_kb(pids)
            inputs = [hourly() for _ in range(count)]
            await gathered([crises.trigger(env.client, settings, c) for c in inputs])
            ids = [c.crisis_id for c in inputs]
            steps = [(PhaseName.ACKNOWLEDGE, 0), (PhaseName.EXPLAIN, 0), (PhaseName.SOLUTIONS, 0)]
            steps += [(PhaseName.FOLLOW_UP, n) for n in range(1, follow_ups + 1)]
            grown = []
            for phase, sequence in steps:
                await phase_round(env, settings, ids, phase, sequence)
                await asyncio.sleep(SETTLE)
                grown.append((resident_kb(pids) - idle) / count)
            return grown
    finally:
        await env.shutdown()


async def main(count: int, follow_ups: int, rounds: int) -> None:
    configure_logging("warning")
    names = ["ack", "explain", "solutions", *(f"f{n}" for n in range(1, follow_ups + 1))]
    print(f"{count} crises, one worker; KB a cached crisis after each phase is published")
    print(f"{'payloads':<9} " + " ".join(f"{n:>9}" for n in names))
    for _ in range(rounds):
        for plain in (True, False):
            with tempfile.TemporaryDirectory(prefix="tocsin-phases-") as tmp:
                grown = await one_round(count, follow_ups, plain, Path(tmp))
            name = "plain" if plain else "zlib"
            print(f"{name:<9} " + " ".join(f"{kb:>9.0f}" for kb in grown), flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crises", type=int, default=60)
    parser.add_argument("--follow-ups", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.crises, arguments.follow_ups, arguments.rounds))
    leave(0)
