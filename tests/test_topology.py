"""The deployment's topology without Docker: one Temporal dev server, two `tocsin worker`
processes and the `tocsin slack` app process (HTTP, against the fake Slack on loopback).
Several crises run at once; one worker is killed mid-crisis; the other carries every crisis to
its end, each statement written once and each gate with one card."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from functools import partial
from pathlib import Path

import aiohttp

from tests.fakeslack import (
    FakeSlack,
    block_actions,
    button_value,
    form,
    sign,
    with_slack_people,
)
from tests.helpers import (
    approve,
    awaiting,
    crisis_input,
    files_per_phase,
    settings_for,
    until,
    wait_status,
)
from tests.processes import Process, spawn, tocsin_env
from tocsin import crises
from tocsin.models import PhaseName, ResolveRequest
from tocsin.outbox import crisis_folder, read_journal
from tocsin.slack.ids import ActionId
from tocsin.temporal import embedded_server, free_port
from workflows.crisis import CrisisWorkflow

CHANNEL = "C0TOPO"
CRISES = 6
FOUR = [PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS, PhaseName.CLOSE]


async def test_two_workers_and_the_slack_app_carry_every_crisis(
    tmp_path: Path, fake: FakeSlack
) -> None:
    queue = "topology"
    settings = settings_for(tmp_path, queue)
    slack_port = free_port()
    async with embedded_server(settings, port=free_port(), ui=False, advertise=False) as server:
        env = tocsin_env(
            tmp_path,
            TEMPORAL_ADDRESS=server.address,
            TOCSIN_TASK_QUEUE=queue,
            **fake.env(CHANNEL, app_port=slack_port),
        )
        processes: list[Process] = []
        try:
            for name in ("worker-1", "worker-2"):
                processes.append(await spawn(["worker"], env, tmp_path / f"{name}.log"))
            processes.append(await spawn(["slack"], env, tmp_path / "slack.log"))
            for process, ready in zip(
                processes, ("Worker prêt", "Worker prêt", "App Slack prête"), strict=True
            ):
                await process.wait_for_output(ready)
            first, second = processes[:2]
            client = server.client
            ids = []
            for number in range(CRISES):
                crisis = with_slack_people(crisis_input(f"commune-{number:02d}"))
                await crises.trigger(client, settings, crisis)
                ids.append(crisis.crisis_id)

            # Every acknowledgement approved from Slack: a signed click on the app's port.
            url = f"http://127.0.0.1:{slack_port}/slack/events"
            async with aiohttp.ClientSession() as session:
                for cid in ids:
                    await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), within=60)
                    card = (
                        await until(partial(fake.cards, CHANNEL, cid), 30, f"the card of {cid}")
                    )[0]
                    value = button_value(card, ActionId.APPROVE)
                    body = form(
                        block_actions(
                            "UDOMINIQUE", ActionId.APPROVE, value, CHANNEL, card["ts"], []
                        )
                    )
                    async with session.post(url, data=body, headers=sign(body)) as reply:
                        assert reply.status == 200
            for cid in ids:
                await wait_status(
                    client,
                    cid,
                    lambda s: s.phase is PhaseName.EXPLAIN,
                    what="explain",
                    within=60,
                )
            # Both workers took part before one of them dies.
            worked = {
                p.log.name: sum(p.output().count(cid) for cid in ids) for p in (first, second)
            }
            assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
            killed_at = time.monotonic()

            # The rest from the command line's side (the same updates), on the surviving worker.
            for cid in ids:
                await approve(client, cid, "dominique", PhaseName.EXPLAIN)
            for cid in ids:
                await wait_status(
                    client,
                    cid,
                    lambda s: any(p.phase is PhaseName.EXPLAIN for p in s.publications),
                    what="explain published",
                    within=60,
                )
            resumed = time.monotonic() - killed_at
            for cid in ids:
                await approve(client, cid, "dominique", PhaseName.SOLUTIONS)
            for cid in ids:
                await wait_status(client, cid, lambda s: s.state == "waiting_follow_up", within=60)
                await crises.resolve(client, cid, ResolveRequest(person="camille"))
                await approve(client, cid, "dominique", PhaseName.CLOSE)
            outcomes = [
                await asyncio.wait_for(
                    client.get_workflow_handle_for(CrisisWorkflow.run, cid).result(), 90
                )
                for cid in ids
            ]
        finally:
            codes = [await process.stop() for process in processes]
        assert codes[1:] == [0, 0], [p.output()[-2000:] for p in processes]

    assert [o.status for o in outcomes] == ["closed"] * CRISES
    expected = sum(files_per_phase(p) for p in FOUR)
    for cid, outcome in zip(ids, outcomes, strict=True):
        journal = read_journal(crisis_folder(settings.outbox, cid, exercise=False))
        paths = Counter(str(entry["path"]) for entry in journal)
        assert len(paths) == expected == outcome.publications, cid
        assert set(paths.values()) == {1}, paths.most_common(2)
        assert len(fake.cards(CHANNEL, cid)) == len(FOUR), cid  # one card a gate, never a second
        assert cid in second.output()
    print(
        f"activity log lines per worker before the kill: {worked}; every explain published "
        f"{resumed:.1f} s after the kill"
    )
