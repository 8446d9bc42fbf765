"""The deployment's topology without Docker: one Temporal dev server, two `tocsin worker`
processes and the `tocsin slack` app process (HTTP, against the fake Slack on loopback).
Several crises run at once; one worker is killed mid-crisis; the other carries every crisis to
its end, each statement written once and each gate with one card."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path

from tests.fakeslack import FakeSlack, with_slack_people
from tests.helpers import approve, awaiting, crisis_input, files_per_phase, signed, wait_status
from tests.rig import running
from tocsin import crises
from tocsin.models import PhaseName, ResolveRequest
from tocsin.outbox import crisis_folder, read_journal
from tocsin.slack.ids import ActionId
from workflows.crisis import CrisisWorkflow

CHANNEL = "C0TOPO"
CRISES = 6
FOUR = [PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS, PhaseName.CLOSE]


async def test_two_workers_and_the_slack_app_carry_every_crisis(
    tmp_path: Path, fake: FakeSlack
) -> None:
    async with running(
        tmp_path,
        server="dev",
        workers=2,
        queue="topology",
        fake=fake,
        channel=CHANNEL,
        app="http",
        models=False,  # the processes' topology is tested, not the guardrails' model
    ) as rig:
        client = rig.client
        first, second = rig.workers()
        ids = [
            await rig.trigger(with_slack_people(crisis_input(f"commune-{number:02d}")))
            for number in range(CRISES)
        ]

        # Every acknowledgement approved from Slack: a signed click on the app's port (the card's
        # blocks left out: the worker's notice, not the app, updates the card).
        for cid in ids:
            await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), within=60)
            card = await rig.card(cid, within=30)
            assert await rig.click("UDOMINIQUE", ActionId.APPROVE, card, blocks=[]) == 200
        for cid in ids:
            await wait_status(
                client, cid, lambda s: s.phase is PhaseName.EXPLAIN, what="explain", within=60
            )
        # Both workers took part before one of them dies.
        worked = {p.log.name: sum(p.output().count(cid) for cid in ids) for p in (first, second)}
        assert all(worked.values()), worked
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
            await crises.resolve(client, cid, ResolveRequest(person="camille"), signed())
            await approve(client, cid, "dominique", PhaseName.CLOSE)
        outcomes = [
            await asyncio.wait_for(
                client.get_workflow_handle_for(CrisisWorkflow.run, cid).result(), 90
            )
            for cid in ids
        ]
    # (the rig stopped the surviving worker and the app, each with exit code 0)

    assert [o.status for o in outcomes] == ["closed"] * CRISES
    expected = sum(files_per_phase(p) for p in FOUR)
    for cid, outcome in zip(ids, outcomes, strict=True):
        journal = read_journal(crisis_folder(rig.settings.outbox, cid, exercise=False))
        paths = Counter(str(entry["path"]) for entry in journal)
        assert len(paths) == expected == outcome.publications, cid
        assert set(paths.values()) == {1}, paths.most_common(2)
        assert len(fake.cards(CHANNEL, cid)) == len(FOUR), cid  # one card a gate, never a second
        assert cid in second.output()
    print(
        f"activity log lines per worker before the kill: {worked}; every explain published "
        f"{resumed:.1f} s after the kill"
    )
