"""A 48-hour crisis with hourly follow-ups: how long each run of its history grows (continue-as-new
keeps each under TOCSIN_MAX_HISTORY_EVENTS, 1,500) and how long a cold replay of each run takes.

Run: .venv/bin/python -m bench.long_crisis [--hours 48]

Played on the time-skipping test server: the bundled water playbook with its follow-up cadence
set to one hour; every statement is approved five minutes after it is asked (one reminder
every time the playbook reminds sooner), the crisis is resolved after the last follow-up and
closed. Then every run is replayed from its history by a fresh Replayer, timed. Each run's
input is printed too: a worker holds it several times over while the run is cached.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from tests.helpers import approve, awaiting, crisis_input, settings_for, signed, wait_status
from tocsin import crises
from tocsin.cli import leave
from tocsin.logs import configure_logging
from tocsin.models import CrisisInput, PhaseName, ResolveRequest
from tocsin.review import build_review, fetch_chain
from tocsin.temporal import time_skipping_server_binary
from tocsin.worker import build_worker
from workflows.crisis import CrisisWorkflow

TARGET_EVENTS = 2_000


def hourly() -> CrisisInput:
    crisis = crisis_input(f"long-{uuid.uuid4().hex[:6]}")
    playbook = crisis.playbook
    follow_up = playbook.phases[PhaseName.FOLLOW_UP].model_copy(
        update={"cadence": timedelta(hours=1), "max_count": 500}
    )
    phases = {**playbook.phases, PhaseName.FOLLOW_UP: follow_up}
    return crisis.model_copy(update={"playbook": playbook.model_copy(update={"phases": phases})})


async def main(hours: int) -> None:
    configure_logging("warning")
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(time_skipping_server_binary()),
        data_converter=pydantic_data_converter,
    )
    try:
        with tempfile.TemporaryDirectory(prefix="tocsin-bench-") as tmp:
            settings = settings_for(Path(tmp), f"long-{uuid.uuid4().hex[:8]}")
            client = env.client
            crisis = hourly()
            cid = crisis.crisis_id
            started = time.perf_counter()
            async with build_worker(client, settings):
                await crises.trigger(client, settings, crisis, signed(settings))
                for phase in (PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
                    await wait_status(client, cid, awaiting(phase))
                    await env.sleep(timedelta(minutes=5))
                    await approve(client, cid, "dominique", phase)
                for sequence in range(1, hours + 1):
                    gate = awaiting(PhaseName.FOLLOW_UP, sequence)
                    while not gate(await crises.status(client, cid, events=False)):
                        await env.sleep(timedelta(minutes=5))  # until the announced time
                    await env.sleep(timedelta(minutes=5))
                    await approve(client, cid, "dominique", PhaseName.FOLLOW_UP, sequence)
                await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
                await crises.resolve(
                    client, cid, ResolveRequest(person="camille"), signed(settings)
                )
                await approve(client, cid, "dominique", PhaseName.CLOSE)
                await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
            played = time.perf_counter() - started
            runs = await fetch_chain(client, cid)
    finally:
        await env.shutdown()
    review = build_review(runs)
    lengths = [len(run.events) for run in runs]
    print(
        f"crisis of {review.figures.duration} virtual time, {hours} follow-ups: "
        f"{sum(lengths)} events in {len(runs)} runs; played in {played:.0f} s"
    )
    replayer = Replayer(workflows=[CrisisWorkflow], data_converter=pydantic_data_converter)
    times = []
    for number, run in enumerate(runs, start=1):
        history = WorkflowHistory(cid, list(run.events))
        began = time.perf_counter()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
        elapsed = time.perf_counter() - began
        assert result.replay_failure is None
        times.append(elapsed)
        started_with = run.events[0].workflow_execution_started_event_attributes.input
        size = sum(len(payload.data) for payload in started_with.payloads) / 1024
        print(
            f"  run {number:>2}: {len(run.events):>5} events, input {size:.1f} KB, "
            f"cold replay {elapsed:.2f} s"
        )
    longest = max(lengths)
    verdict = "under" if longest < TARGET_EVENTS else "OVER"
    print(
        f"longest run {longest} events ({verdict} {TARGET_EVENTS}); "
        f"slowest replay {max(times):.2f} s"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=48)
    asyncio.run(main(parser.parse_args().hours))
    leave(0)
