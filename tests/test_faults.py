"""Faults, on loopback and bounded in time: the embedded Temporal server killed and restarted
on the same SQLite file."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

from temporalio.client import Client

from tests.helpers import approve, awaiting, files_per_phase, sample_params, wait_status
from tests.processes import Process, spawn, tocsin_env
from tocsin import crises
from tocsin.config import Settings
from tocsin.models import PhaseName, ResolveRequest
from tocsin.outbox import crisis_folder, read_journal
from tocsin.temporal import connect, free_port, port_is_free

FOUR = [PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS, PhaseName.CLOSE]


async def start_up(env: dict[str, str], log: Path) -> tuple[Process, Client]:
    up = await spawn(["up"], env, log, group=True)
    await up.wait_for_output("tocsin est prêt", within=90)
    return up, await connect(Settings.from_env(env))


async def test_the_embedded_server_killed_and_restarted_on_the_same_database(
    tmp_path: Path,
) -> None:
    """A power cut: `tocsin up` and its Temporal server SIGKILLed together, crises at several
    points of their gates. Started again on the same SQLite file, every crisis resumes where it
    was and closes, each statement written once."""
    port = free_port()
    env = tocsin_env(
        tmp_path / "data", TOCSIN_EMBEDDED_PORT=str(port), TOCSIN_UI_PORT=str(free_port())
    )
    settings = Settings.from_env(env)
    keys = [f"coupure-{n}" for n in range(4)]
    ids = [f"crisis-eau-non-potable-{key}" for key in keys]
    up, client = await start_up(env, tmp_path / "up-1.log")
    try:
        for key in keys:
            trigger = await spawn(
                ["trigger", "eau-non-potable", "--as", "camille", "--key", key, *sample_params()],
                env,
                tmp_path / f"trigger-{key}.log",
            )
            assert await trigger.proc.wait() == 0, trigger.output()
        for cid in ids:
            await approve(client, cid, "dominique", PhaseName.ACKNOWLEDGE)
        # Two crises a step further: the power goes with gates open in two different phases.
        for cid in ids[:2]:
            await approve(client, cid, "dominique", PhaseName.EXPLAIN)
        for cid in ids[:2]:
            await wait_status(client, cid, awaiting(PhaseName.SOLUTIONS), within=60)
        for cid in ids[2:]:
            await wait_status(client, cid, awaiting(PhaseName.EXPLAIN), within=60)
        before = {cid: (await crises.status(client, cid)).revision for cid in ids}
    finally:
        await up.kill_group()
    deadline = time.monotonic() + 30
    while not port_is_free(port):
        assert time.monotonic() < deadline, "the killed server still holds its port"
        await asyncio.sleep(0.2)

    up, client = await start_up(env, tmp_path / "up-2.log")
    try:
        # Each crisis is where it was: same gate, same revision.
        for cid in ids:
            status = await crises.status(client, cid)
            assert status.state == "awaiting_approval", (cid, status.state)
            assert status.revision == before[cid]
        for cid in ids[2:]:
            await approve(client, cid, "dominique", PhaseName.EXPLAIN)
        for cid in ids:
            await approve(client, cid, "dominique", PhaseName.SOLUTIONS)
            await wait_status(client, cid, lambda s: s.state == "waiting_follow_up", within=60)
            await crises.resolve(client, cid, ResolveRequest(person="camille"))
            await approve(client, cid, "dominique", PhaseName.CLOSE)
        for cid in ids:
            # The bundled playbook's review waits 7 days: the crisis is closed, its workflow
            # waits; the statements are all out.
            await wait_status(client, cid, lambda s: s.review_at is not None, within=60)
    finally:
        assert await up.stop() == 0, up.output()[-2000:]
    expected = sum(files_per_phase(p) for p in FOUR)
    for cid in ids:
        journal = read_journal(crisis_folder(settings.outbox, cid, exercise=False))
        paths = Counter(str(entry["path"]) for entry in journal)
        assert len(paths) == expected, cid
        assert set(paths.values()) == {1}
