"""The review of a long crisis: how fast a history of 10,000+ events turns into the report.

Run: .venv/bin/python -m bench.review_history [--events 10000]

A real crisis is played on the time-skipping test server (no figure is synthetic): the director
is away for most of a day, so the acknowledgement is reminded every minute for hours; then the
statements are approved, follow-ups keep the cadence, the crisis is resolved and closed. Its
history (every run of the chain) is fetched once, then the review is built and rendered in all
four forms several times; the figures printed are the fastest and the median of those runs.
The target: build and render under 2 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.helpers import approve, awaiting, crisis_input, settings_for, signed, wait_status
from tocsin import crises
from tocsin.cli import leave
from tocsin.logs import configure_logging
from tocsin.models import ApprovalPolicy, CrisisInput, PhaseName, ResolveRequest
from tocsin.review import Review, build_review, fetch_chain
from tocsin.review.html import html
from tocsin.review.report import markdown, summary
from tocsin.temporal import time_skipping_server_binary
from tocsin.worker import build_worker
from workflows.crisis import CrisisWorkflow

TARGET_SECONDS = 2.0
ROUNDS = 5


def long_crisis() -> CrisisInput:
    """The bundled water playbook, reminding every minute at the acknowledgement."""
    crisis = crisis_input(f"bench-{uuid.uuid4().hex[:6]}")
    playbook = crisis.playbook
    ack = playbook.phases[PhaseName.ACKNOWLEDGE]
    assert ack.approval is not None
    policy = ApprovalPolicy(
        approvers=ack.approval.approvers,
        remind_every=timedelta(minutes=1),
        escalate_after=ack.approval.escalate_after,
    )
    phases = {**playbook.phases, PhaseName.ACKNOWLEDGE: ack.model_copy(update={"approval": policy})}
    return crisis.model_copy(update={"playbook": playbook.model_copy(update={"phases": phases})})


async def history_length(client: Client, cid: str) -> int:
    """Events in every run so far (the open gate moves to a new run past 1,500)."""
    return sum(len(run.events) for run in await fetch_chain(client, cid))


async def play(env: WorkflowEnvironment, client: Client, settings_dir: Path, events: int) -> str:
    settings = settings_for(settings_dir, f"bench-{uuid.uuid4().hex[:8]}")
    crisis = long_crisis()
    async with build_worker(client, settings):
        await crises.trigger(client, settings, crisis, signed(settings))
        cid = crisis.crisis_id
        await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
        # About 11 events a reminder; leave room for the rest of the crisis.
        while await history_length(client, cid) < events - 600:
            await env.sleep(timedelta(hours=1))
        await approve(client, cid, "sacha", PhaseName.ACKNOWLEDGE)
        for phase in (PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
            await approve(client, cid, "dominique", phase)
        sequence = 0
        while await history_length(client, cid) < events:
            sequence += 1
            await env.sleep(timedelta(hours=2, minutes=5))  # the cadence, rounded up
            await approve(client, cid, "dominique", PhaseName.FOLLOW_UP, sequence)
        await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
        await crises.resolve(
            client, cid, ResolveRequest(person="camille", summary="Fin."), signed(settings)
        )
        await approve(client, cid, "dominique", PhaseName.CLOSE)
        await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
    return cid


def render(review: Review) -> None:
    summary(review)
    markdown(review)
    html(review)
    review.model_dump_json()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


async def main(events: int) -> None:
    configure_logging("warning")  # the worker's notices would drown the figures
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(time_skipping_server_binary()),
        data_converter=pydantic_data_converter,
    )
    try:
        with tempfile.TemporaryDirectory(prefix="tocsin-bench-") as tmp:
            started = time.perf_counter()
            cid = await play(env, env.client, Path(tmp), events)
            played = time.perf_counter() - started
            started = time.perf_counter()
            runs = await fetch_chain(env.client, cid)
            fetched = time.perf_counter() - started
    finally:
        await env.shutdown()
    total = sum(len(r.events) for r in runs)
    payload = sum(
        sum(len(p.data) for p in e.activity_task_scheduled_event_attributes.input.payloads)
        for r in runs
        for e in r.events
        if e.HasField("activity_task_scheduled_event_attributes")
    )
    print(
        f"crisis: {total} history events in {len(runs)} run(s) "
        f"(largest {max(len(r.events) for r in runs)}), {payload / 1e6:.1f} MB of activity "
        f"inputs; played in {played:.0f} s"
    )
    print(f"fetch from the test server: {fetched:.2f} s")
    review = build_review(runs)
    print(
        f"review: {len(review.events)} timeline events, {len(review.phases)} phases, "
        f"{review.figures.reminders} reminders, {len(review.publications)} texts"
    )
    builds, renders, wholes = [], [], []
    for _ in range(ROUNDS):
        build_s = timed(lambda: build_review(runs))
        built = build_review(runs)
        render_s = timed(functools.partial(render, built))
        builds.append(build_s)
        renders.append(render_s)
        wholes.append(build_s + render_s)
    sizes = {
        "html": len(html(review).encode()),
        "md": len(markdown(review).encode()),
        "json": len(review.model_dump_json().encode()),
    }

    def line(name: str, values: list[float]) -> str:
        return f"{name}: fastest {min(values):.3f} s, median {statistics.median(values):.3f} s"

    print(line("build (history -> Review)", builds))
    print(line("render (summary, Markdown, HTML, JSON)", renders))
    print(line("build + render", wholes))
    print("report sizes: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))
    verdict = "under" if statistics.median(wholes) < TARGET_SECONDS else "OVER"
    print(f"target {TARGET_SECONDS:.0f} s for {events}+ events: median {verdict} the target")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().events))
    leave(0)
