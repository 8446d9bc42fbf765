"""Faults, on loopback and bounded in time: the embedded Temporal server killed and restarted
on the same SQLite file; Slack down for a long stretch."""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from collections import Counter
from datetime import timedelta
from pathlib import Path

from temporalio.client import (
    Client,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.service import RPCError

from tests.fakeslack import FakeSlack, with_slack_people
from tests.helpers import approve, awaiting, crisis_input, files_per_phase, signed, wait_status
from tests.rig import running
from tocsin import crises
from tocsin.models import (
    CrisisOutcome,
    DecisionAction,
    DecisionRequest,
    EventKind,
    PhaseName,
    ResolveRequest,
)
from tocsin.outbox import crisis_folder, read_journal
from workflows.crisis import CrisisWorkflow

FOUR = [PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS, PhaseName.CLOSE]
OUTAGE_CHANNEL = "C0PANNE"
STORM_CHANNEL = "C0TEMPETE"


async def test_the_embedded_server_killed_and_restarted_on_the_same_database(
    tmp_path: Path,
) -> None:
    """A power cut: `tocsin up` and its Temporal server SIGKILLed together, crises at several
    points of their gates. Started again on the same SQLite file, every crisis resumes where it
    was and closes, each statement written once."""
    keys = [f"coupure-{n}" for n in range(4)]
    ids = [f"crisis-eau-non-potable-{key}" for key in keys]
    # Process faults, not guardrails: the processes read with the word lists alone (models=False).
    async with running(tmp_path, server="up", models=False) as rig:
        for key in keys:
            await rig.trigger_cli("eau-non-potable", "--key", key)
        for cid in ids:
            await approve(rig.client, cid, "dominique", PhaseName.ACKNOWLEDGE)
        # Two crises a step further: the power goes with gates open in two different phases.
        for cid in ids[:2]:
            await approve(rig.client, cid, "dominique", PhaseName.EXPLAIN)
        for cid in ids[:2]:
            await wait_status(rig.client, cid, awaiting(PhaseName.SOLUTIONS), within=60)
        for cid in ids[2:]:
            await wait_status(rig.client, cid, awaiting(PhaseName.EXPLAIN), within=60)
        before = {cid: (await crises.status(rig.client, cid)).revision for cid in ids}

        await rig.power_cut()
        client = rig.client
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
            await crises.resolve(client, cid, ResolveRequest(person="camille"), signed())
            await approve(client, cid, "dominique", PhaseName.CLOSE)
        for cid in ids:
            # The bundled playbook's review waits 7 days: the crisis is closed, its workflow
            # waits; the statements are all out.
            await wait_status(client, cid, lambda s: s.review_at is not None, within=60)
    # (the rig stopped the second `tocsin up` with Ctrl-C: exit code 0)
    expected = sum(files_per_phase(p) for p in FOUR)
    for cid in ids:
        journal = read_journal(crisis_folder(rig.settings.outbox, cid, exercise=False))
        paths = Counter(str(entry["path"]) for entry in journal)
        assert len(paths) == expected, cid
        assert set(paths.values()) == {1}


async def test_a_slack_outage_holds_neither_timers_nor_decisions(
    tmp_path: Path, fake: FakeSlack
) -> None:
    """Slack answers 429 and 500 for twelve minutes of (skipped) time: the gate still reminds and
    escalates, the command line still approves, the statement is published and the next phase
    drafted; when Slack is back, the notices go out in order, each gate with one card."""
    async with running(tmp_path, server="test", fake=fake, channel=OUTAGE_CHANNEL) as rig:
        client, clock = rig.client, rig.clock
        assert clock is not None
        cid = await rig.trigger(with_slack_people(crisis_input("panne-slack")))
        ack = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
        await rig.card(within=30)

        await clock.sleep(timedelta(minutes=9))
        fake.down = True
        # A reminder at 10 min, the escalation at 20, while Slack is down. Skipped a minute at a
        # time: the notices are retried meanwhile, each attempt takes real time, and one long
        # skip would outlast the test server's own request timeout.
        for _ in range(12):
            await clock.sleep(timedelta(minutes=1))
        during = await crises.status(client, cid)
        kinds = [e.kind for e in during.events]
        assert EventKind.REMINDER in kinds
        assert EventKind.ESCALATED in kinds
        assert during.notices_pending >= 2  # the reminder and the escalation, not yet out
        statuses = Counter(
            c.method for c in fake.calls if c.method in ("conversations.replies", "chat.update")
        )
        assert fake.refused > 5, statuses  # 429s and 500s, retried
        assert ack.revision is not None
        await crises.decide(
            client,
            cid,
            DecisionRequest(person="sacha", revision=ack.revision, action=DecisionAction.APPROVE),
            signed(),
        )
        # Published and the next phase drafted while Slack is still down.
        explain = await wait_status(client, cid, awaiting(PhaseName.EXPLAIN))
        assert any(p.phase is PhaseName.ACKNOWLEDGE for p in explain.publications)
        assert len(fake.cards(OUTAGE_CHANNEL)) == 1

        fake.down = False
        await clock.sleep(timedelta(minutes=2))  # the notices' retries find Slack back
        settled = await wait_status(client, cid, lambda s: s.notices_pending == 0)
        assert settled.state == "awaiting_approval"
    cards = fake.cards(OUTAGE_CHANNEL)
    assert len(cards) == 2  # acknowledge and explain: one card a gate, none twice
    first = cards[0]
    thread = " ".join(m["text"] for m in fake.thread(OUTAGE_CHANNEL, first["ts"]))
    assert "Rappel" in thread
    assert "Escalade" in thread
    assert "Approuvé" in str(fake.message(OUTAGE_CHANNEL, first["ts"]))


STORM_CRISES = 20
STORM_KILLS = 10


async def test_twenty_crises_through_ten_worker_kills(tmp_path: Path, fake: FakeSlack) -> None:
    """20 crises in flight; the only worker SIGKILLed at random moments ten times, and started
    again each time. Every crisis closes; each statement is written once per channel and
    language, each decision recorded once, each gate has one Slack card."""
    rng = random.Random(20261124)
    # What is tested here is the processes' faults, not the guardrails: the eleven workers read
    # with the word lists alone (models=False), which spares eleven loads of spaCy's model.
    async with running(
        tmp_path, server="dev", queue="storm", fake=fake, channel=STORM_CHANNEL, models=False
    ) as rig:
        client = rig.client
        ids = [
            await rig.trigger(with_slack_people(crisis_input(f"storm-{number:02d}")))
            for number in range(STORM_CRISES)
        ]
        done = asyncio.Event()
        kills = 0

        async def killer() -> None:
            nonlocal kills
            while kills < STORM_KILLS and not done.is_set():
                await asyncio.sleep(rng.uniform(0.5, 3.0))
                assert await rig.workers()[-1].stop(signal.SIGKILL) == -signal.SIGKILL
                kills += 1
                await rig.worker()

        storm = asyncio.create_task(killer())
        try:
            await asyncio.wait_for(drive(client, ids), 240)
            during = kills  # the kills that fell while crises were in flight
            await storm  # every kill happens, even if the crises were quicker
        finally:
            done.set()
            storm.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await storm
        finals = [await asyncio.wait_for(result(client, cid), 120) for cid in ids]
    # (the rig stopped the last worker: exit code 0)

    assert kills == STORM_KILLS
    assert len(rig.workers()) == STORM_KILLS + 1
    assert during >= STORM_KILLS // 2, during
    assert [f.status for f in finals] == ["closed"] * STORM_CRISES
    expected = sum(files_per_phase(p) for p in FOUR)
    for cid, final in zip(ids, finals, strict=True):
        journal = read_journal(crisis_folder(rig.settings.outbox, cid, exercise=False))
        paths = Counter(str(entry["path"]) for entry in journal)
        assert len(paths) == expected == final.publications, cid
        assert set(paths.values()) == {1}, paths.most_common(2)
        assert final.decisions == len(FOUR), cid  # one approval a gate, none recorded twice
        cards = len(fake.cards(STORM_CHANNEL, cid))
        assert cards == len(FOUR), (cid, cards)
    print(f"{kills} kills ({during} while crises were open); every crisis closed")


async def result(client: Client, cid: str) -> CrisisOutcome:
    outcome: CrisisOutcome = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
    return outcome


async def drive(client: Client, ids: list[str]) -> None:
    """The people of 20 crises: approve every gate, resolve once the follow-ups start, until
    every crisis is closed. A worker may be dead at any moment: queries and updates that fail
    for that are tried again; a refusal (the gate moved on) means someone already acted."""
    left = set(ids)
    while left:
        for cid in sorted(left):
            try:
                status = await asyncio.wait_for(crises.status(client, cid, events=False), 5)
            except (TimeoutError, RPCError, WorkflowQueryFailedError):
                continue
            try:
                if status.state in ("closed", "cancelled"):
                    left.discard(cid)
                elif status.state == "awaiting_approval" and status.revision is not None:
                    request = DecisionRequest(
                        person="dominique", revision=status.revision, action=DecisionAction.APPROVE
                    )
                    await asyncio.wait_for(crises.decide(client, cid, request, signed()), 10)
                elif status.state == "waiting_follow_up" and not status.resolved:
                    resolve = ResolveRequest(person="camille")
                    await asyncio.wait_for(crises.resolve(client, cid, resolve, signed()), 10)
            except (crises.Refused, TimeoutError, RPCError, WorkflowUpdateFailedError):
                continue
            except WorkflowUpdateRPCTimeoutOrCancelledError:
                continue
        await asyncio.sleep(0.2)
