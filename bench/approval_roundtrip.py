"""Approval round trip: from a signed Slack click to the card updated, and from a console
approval to the decision recorded, against the round trip of a bare Temporal update on the same
server (the floor), in one run.

Run: .venv/bin/python -m bench.approval_roundtrip [--decisions 200]

One embedded dev server (SQLite); a `tocsin worker` process (as deployed: its drafting, spaCy
included, does not share this process's interpreter); in this process, the Slack app over HTTP
on loopback and the fake Slack Web API. Decisions are made one at a time: each click is a
signed block_actions request to the app's port; its round trip ends when the fake Slack receives
the app's update of that card (decided, no buttons). The floor is `execute_update` on a workflow
whose handler does nothing, served by a worker process of its own (`python -m bench.floor`),
as tocsin's is; the app's own update of each decision is timed too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from temporalio.client import Client

from bench.floor import FloorCrisis, FloorUpdates, floor_workers
from tests.fakeslack import (
    FakeSlack,
    block_actions,
    button_value,
    form,
    sign,
    with_slack_people,
)
from tests.helpers import (
    LIBRARY,
    awaiting,
    crisis_input,
    settings_for,
    signed,
    until,
    until_quiet,
    wait_status,
)
from tests.processes import Process, spawn, tocsin_env
from tests.web.console import console_for, csrf_of
from tocsin import crises
from tocsin.cli import leave
from tocsin.config import Settings
from tocsin.identity.signing import Credential
from tocsin.logs import configure_logging
from tocsin.models import Decision, DecisionRequest, PhaseName, ResolveRequest
from tocsin.slack.ids import ActionId
from tocsin.slack.run import slack_app
from tocsin.temporal import embedded_server, free_port

CHANNEL = "C0BENCH"
GATES = [PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS, PhaseName.CLOSE]
TARGET = 1.5
PUBLISHED = 8  # the water playbook's channels: the activities an approval starts
BARE = "bare Temporal update (floor)"
COMPOSITE = "describe + update"
OPENING = "update starting 8 activities"


APP_UPDATE = "  of which the app's decide update"
updates: list[float] = []  # each decision's update as the app sees it


async def timed_decide(
    client: Client,
    crisis_id: str,
    request: DecisionRequest,
    by: Credential,
    *,
    untimed: Any = crises.decide,
) -> Decision:
    """crises.decide, timed: the app's listener calls it by this name during the bench."""
    started = time.perf_counter()
    try:
        decision: Decision = await untimed(client, crisis_id, request, by)
        return decision
    finally:
        updates.append(time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<34} n={len(ms):>4}  p50 {percentile(ms, 0.50):7.1f} ms  "
        f"p95 {percentile(ms, 0.95):7.1f} ms  p99 {percentile(ms, 0.99):7.1f} ms  "
        f"mean {statistics.fmean(ms):7.1f} ms"
    )


async def floor(
    client: Client, address: str, queue: str, count: int, folder: Path
) -> dict[str, list[float]]:
    """Bare updates; a query then an update (what the app needs on a crisis's first click);
    and an update that, as a decision does, starts eight activities in its workflow task. The
    floor's worker is a process of its own, as tocsin's is."""
    times: dict[str, list[float]] = {BARE: [], COMPOSITE: [], OPENING: []}
    async with floor_workers(address, queue, folder):
        handle = await client.start_workflow(
            FloorUpdates.run, id=f"floor-{uuid.uuid4().hex[:8]}", task_queue=queue
        )
        for _ in range(20):  # warm-up
            await handle.execute_update(FloorUpdates.bump, 1)
        for _ in range(count):
            started = time.perf_counter()
            await handle.execute_update(FloorUpdates.bump, 1)
            times[BARE].append(time.perf_counter() - started)
        for _ in range(count):
            started = time.perf_counter()
            await handle.describe()
            await handle.execute_update(FloorUpdates.bump, 1)
            times[COMPOSITE].append(time.perf_counter() - started)
        await handle.execute_update(FloorUpdates.stop)
        for _ in range(count):
            gate = await client.start_workflow(
                FloorCrisis.run,
                [0, PUBLISHED],
                id=f"floor-gate-{uuid.uuid4().hex[:8]}",
                task_queue=queue,
            )
            for _ in range(2_000):
                if await gate.query(FloorCrisis.waiting):
                    break
                await asyncio.sleep(0.005)
            started = time.perf_counter()
            await gate.execute_update(FloorCrisis.approve)
            times[OPENING].append(time.perf_counter() - started)
            await gate.result()
    return times


async def console_and_time(director: httpx.AsyncClient, client: Client, cid: str) -> float:
    """Approve the crisis's open statement from the console: from the form's POST to its
    answer, which comes once the workflow has recorded the decision (or refused it)."""
    status = await crises.status(client, cid, events=False, draft=False)
    page = await director.get(f"/crises/{cid}")
    form = {"csrf": csrf_of(page.text), "revision": str(status.revision), "action": "approve"}
    started = time.perf_counter()
    answer = await director.post(f"/crises/{cid}/decider", data=form)
    took = time.perf_counter() - started
    assert answer.status_code == 303, answer.text[:500]
    return took


async def click_and_time(
    fake: FakeSlack, session: aiohttp.ClientSession, url: str, cid: str
) -> float:
    """Approve the crisis's open card with a signed click; the time until the app updated it."""
    card = fake.cards(CHANNEL, cid)[-1]
    value = button_value(card, ActionId.APPROVE)
    body = form(
        block_actions("UDOMINIQUE", ActionId.APPROVE, value, CHANNEL, card["ts"], card["blocks"])
    )
    seen = len(fake.calls)
    started = time.perf_counter()
    async with session.post(url, data=body, headers=sign(body)) as reply:
        assert reply.status == 200
    while True:
        for call in fake.calls[seen:]:
            if (
                call.method == "chat.update"
                and call.args.get("ts") == card["ts"]
                and "tocsin_actions" not in str(call.args.get("blocks"))
            ):
                return call.at - started
        await asyncio.sleep(0.001)


async def main(decisions: int) -> None:
    configure_logging("warning")
    fake = FakeSlack()
    await fake.start()
    try:
        with tempfile.TemporaryDirectory(prefix="tocsin-bench-") as tmp:
            settings = settings_for(
                Path(tmp),
                f"bench-{uuid.uuid4().hex[:8]}",
                TOCSIN_TRIGGERS_PER_PERSON="100000",
                TOCSIN_TRIGGERS_PER_PLAYBOOK="100000",
            )  # many crises by one person: the bench's point
            slack = fake.settings(CHANNEL, http=True)
            async with (
                embedded_server(settings, port=free_port(), ui=False, advertise=False) as server,
                worker_process(server.address, settings, fake, Path(tmp)),
                slack_app(
                    slack, server.client, host="127.0.0.1", settings=settings, library=LIBRARY
                ) as url,
                aiohttp.ClientSession() as session,
            ):
                client = server.client
                trips: list[float] = []
                consoled: list[float] = []
                updates.clear()
                # The web console, in this process (ASGI, no socket: a few tenths of a
                # millisecond less than a loopback request), its director signed in once.
                console = console_for(client, settings)
                director = await console.signed_in("dominique", "Dominique Lefèvre")
                crisis_count = -(-decisions // len(GATES))
                for number in range(crisis_count):
                    crisis = with_slack_people(crisis_input(f"bench-{number:03d}"))
                    await crises.trigger(client, settings, crisis, signed(settings))
                    cid = crisis.crisis_id
                    for phase in GATES:
                        if phase is PhaseName.CLOSE:
                            await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
                            await crises.resolve(
                                client, cid, ResolveRequest(person="camille"), signed(settings)
                            )
                        await wait_status(client, cid, awaiting(phase), within=60)
                        await until_card(fake, cid)
                        # As a person clicks: after the card and its notices have gone out.
                        await until_quiet(client, cid)
                        # Slack and the console take turns, gate by gate: the same conditions.
                        if len(trips) <= len(consoled):
                            trips.append(await click_and_time(fake, session, url, cid))
                        else:
                            consoled.append(await console_and_time(director, client, cid))
                floors = await floor(
                    client, server.address, f"floor-{uuid.uuid4().hex[:6]}", len(trips), Path(tmp)
                )
    finally:
        await fake.stop()
    print(line("Slack click -> card updated", trips))
    print(line("console approval -> recorded", consoled))
    print(line(APP_UPDATE, updates[-len(trips) :]))
    for name, values in floors.items():
        print(line(name, values))
    for name in (BARE, OPENING):
        ratio = percentile(trips, 0.99) / percentile(floors[name], 0.99)
        verdict = "within" if ratio <= TARGET else "OVER"
        print(f"p99 ratio click / {name}: {ratio:.2f} ({verdict} the {TARGET} target)")
    ratio = percentile(consoled, 0.99) / percentile(trips, 0.99)
    print(f"p99 ratio console approval / Slack click: {ratio:.2f}")


@contextlib.asynccontextmanager
async def worker_process(
    address: str, settings: Settings, fake: FakeSlack, folder: Path
) -> AsyncIterator[Process]:
    env = tocsin_env(
        folder / "worker",
        TEMPORAL_ADDRESS=address,
        TOCSIN_TASK_QUEUE=settings.task_queue,
        TOCSIN_OUTBOX=str(settings.outbox),
        TOCSIN_LOG_LEVEL="warning",
        **fake.env(CHANNEL),
    )
    worker = await spawn(["worker"], env, folder / "worker.log")
    try:
        await worker.wait_for_output("Worker prêt")
        yield worker
    finally:
        await worker.stop()


async def until_card(fake: FakeSlack, cid: str) -> None:
    """Wait for the open gate's card: the crisis's last card, its buttons still on."""
    await until(
        lambda: "tocsin_actions" in str((fake.cards(CHANNEL, cid) or [{}])[-1].get("blocks")),
        30,
        f"the card of {cid}",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=200)
    crises.decide = timed_decide
    asyncio.run(main(parser.parse_args().decisions))
    leave(0)
