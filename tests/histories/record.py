"""Record the histories that the replay test replays.

    .venv/bin/python -m tests.histories.record            # eau-non-potable-complete.json
    .venv/bin/python -m tests.histories.record revue      # revue/run-N.json (the review's)
    .venv/bin/python -m tests.histories.record porte      # porte-ouverte/run-N.json

Runs scripted crises on the time-skipping test server and writes each run's history as JSON
beside this file. Rerun it only on purpose: a change to CrisisWorkflow that breaks replay of
these files would break crises already running in production.
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests import keys
from tests.helpers import (
    LIBRARY,
    approve,
    awaiting,
    crisis_input,
    settings_for,
    signed,
    skip,
    wait_status,
)
from tocsin import crises
from tocsin.guardrails import warm_up
from tocsin.models import (
    Channel,
    CrisisInput,
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    FactRequest,
    PhaseName,
    ResolveRequest,
    RevisionRequest,
    TextEdit,
)
from tocsin.review import fetch_chain
from tocsin.temporal import time_skipping_server_binary
from tocsin.worker import build_worker
from workflows.crisis import CrisisWorkflow

HERE = Path(__file__).parent
keys.install()  # the keys its worker trusts and its changes are signed with, as in the tests


async def full_crisis(env: WorkflowEnvironment, client: Client, cid: str) -> None:
    """Escalation, a request-changes round, a fact, one follow-up, resolution, close."""
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    assert gate.revision is not None
    await env.sleep(timedelta(minutes=21))  # reminder at 10 min, escalation at 20 min
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person="sacha",
            revision=gate.revision,
            action=DecisionAction.REQUEST_CHANGES,
            comment="Préciser les horaires de distribution.",
        ),
        signed(),
    )
    await wait_status(client, cid, lambda s: s.state == "awaiting_revision")
    sms = "Eau non potable : ne la buvez pas. Bouteilles salle des fêtes, 8 h–20 h."
    revised = await crises.revise(
        client,
        cid,
        RevisionRequest(
            person="camille",
            base_revision=gate.revision,
            edits=[TextEdit(channel=Channel.SMS, language="fr", text=sms)],
        ),
        signed(),
    )
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person="dominique", revision=revised.revision, action=DecisionAction.APPROVE
        ),
        signed(),
    )
    await crises.add_fact(
        client,
        cid,
        FactRequest(person="camille", text="Les analyses de 14 h sont conformes."),
        signed(),
    )
    for phase in (PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
        await approve(client, cid, "dominique", phase)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await env.sleep(timedelta(hours=2, minutes=5))
    await approve(client, cid, "dominique", PhaseName.FOLLOW_UP, 1)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await crises.resolve(
        client,
        cid,
        ResolveRequest(person="camille", summary="Eau de nouveau potable."),
        signed(),
    )
    await approve(client, cid, "dominique", PhaseName.CLOSE)
    await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()


REVIEW_START = datetime(2027, 3, 4, 8, 10, tzinfo=UTC)
OVERRIDE = "Numéro de la déléguée de quartier, publié avec son accord écrit du 24/11."
PERSONAL = "salle des fêtes ; livraisons : Mme Bernard au 06 12 34 56 78"


def review_input() -> CrisisInput:
    """The crisis the review tests read: a personal number that blocks the acknowledgement,
    and a small history limit so that it continues as new."""
    loaded = LIBRARY.load("eau-non-potable")
    samples = {k: str(v) for k, v in loaded.playbook.sample_parameters().items()}
    return crises.build_input(
        loaded,
        LIBRARY.template_folders,
        {**samples, "lieu_distribution": PERSONAL},
        key="revue",
        person="camille",
        exercise=False,
        max_history_events=150,
    )


async def review_crisis(env: WorkflowEnvironment, client: Client, cid: str) -> None:
    """What tests/test_review.py checks, minute by minute (T = detection):

    acknowledge  T+10 reminder; T+20 escalation to the deputy; T+21 Sacha requests changes;
                 T+26 Camille revises the SMS; T+30 Sacha approves over R-PRIVACY (override).
    fact         T+30.
    explain      Dominique is away: escalation 30 min after the gate opened, reminders every
                 15 min, the 3 h deadline (from detection) passes; Sacha approves at T+3h05.
    solutions    Dominique rejects it at once: nothing published.
    follow_up-01 starts at once (the time announced has passed); approved 1 min later.
    follow_up-02 at the time follow_up-01 announced; approved 2 min later.
    close        after resolution; Dominique approves it with an edit to the SMS.
    review       7 days after the close (the playbook's default).
    """
    ack = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    assert ack.revision is not None
    await env.sleep(timedelta(minutes=21))
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person="sacha",
            revision=ack.revision,
            action=DecisionAction.REQUEST_CHANGES,
            comment="Retirer le numéro personnel du SMS.",
        ),
        signed(),
    )
    await wait_status(client, cid, lambda s: s.state == "awaiting_revision")
    await env.sleep(timedelta(minutes=5))
    sms = "Eau non potable : ne la buvez pas. Bouteilles à la salle des fêtes, 8 h–20 h."
    revised = await crises.revise(
        client,
        cid,
        RevisionRequest(
            person="camille",
            base_revision=ack.revision,
            edits=[TextEdit(channel=Channel.SMS, language="fr", text=sms)],
            note="Numéro retiré du SMS.",
        ),
        signed(),
    )
    await env.sleep(timedelta(minutes=4))
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person="sacha",
            revision=revised.revision,
            action=DecisionAction.APPROVE,
            override=OVERRIDE,
        ),
        signed(),
    )
    await crises.add_fact(
        client,
        cid,
        FactRequest(person="camille", text="Les analyses de 14 h sont attendues."),
        signed(),
    )
    explain = await wait_status(client, cid, awaiting(PhaseName.EXPLAIN))
    await env.sleep(explain.detected_at + timedelta(hours=3, minutes=5) - await _now(client, cid))
    late = await wait_status(client, cid, awaiting(PhaseName.EXPLAIN))
    assert late.revision is not None
    await approve_over(client, cid, "sacha", late)
    solutions = await wait_status(client, cid, awaiting(PhaseName.SOLUTIONS))
    assert solutions.revision is not None
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person="dominique",
            revision=solutions.revision,
            action=DecisionAction.REJECT,
            comment="Solutions pas encore confirmées par l’ARS.",
        ),
        signed(),
    )
    first_update = await wait_status(client, cid, awaiting(PhaseName.FOLLOW_UP, 1))
    await env.sleep(timedelta(minutes=1))
    await approve_over(client, cid, "dominique", first_update)
    waiting = await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    assert waiting.next_update_at is not None
    await env.sleep(waiting.next_update_at - await _now(client, cid))
    second_update = await wait_status(client, cid, awaiting(PhaseName.FOLLOW_UP, 2))
    await env.sleep(timedelta(minutes=2))
    await approve_over(client, cid, "dominique", second_update)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await crises.resolve(
        client,
        cid,
        ResolveRequest(person="camille", summary="Eau de nouveau potable."),
        signed(),
    )
    close = await wait_status(client, cid, awaiting(PhaseName.CLOSE))
    assert close.revision is not None
    assert close.draft is not None
    text = close.draft.text_for(Channel.SMS, "fr")
    assert text is not None
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person="dominique",
            revision=close.revision,
            action=DecisionAction.APPROVE_WITH_EDITS,
            edits=[TextEdit(channel=Channel.SMS, language="fr", text=text + " Merci à tous.")],
            override=OVERRIDE if close.draft.blocking() else "",
        ),
        signed(),
    )
    await wait_status(client, cid, lambda s: s.review_at is not None)
    # Once the close's notices are out: a skip while one goes can hold the server's clock.
    await skip(env, client, cid, timedelta(days=7, minutes=1))
    await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()


async def approve_over(client: Client, cid: str, person: str, status: CrisisStatus) -> None:
    """Approve the revision shown, overriding its blocking findings (the number) if any."""
    assert status.revision is not None
    assert status.draft is not None
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person=person,
            revision=status.revision,
            action=DecisionAction.APPROVE,
            override=OVERRIDE if status.draft.blocking() else "",
        ),
        signed(),
    )


async def open_gate_crisis(env: WorkflowEnvironment, client: Client, cid: str) -> None:
    """The acknowledgement left open for two hours (a reminder every 10 min, the escalation,
    the deadline missed) in runs of at most about 100 events, then approved by the deputy; the
    explanation approved, the crisis resolved and closed."""
    await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    for _ in range(12):
        await env.sleep(timedelta(minutes=10))
    await wait_status(client, cid, lambda s: s.runs >= 2, what="the gate in a second run")
    await approve(client, cid, "sacha", PhaseName.ACKNOWLEDGE)
    await approve(client, cid, "dominique", PhaseName.EXPLAIN)
    await approve(client, cid, "dominique", PhaseName.SOLUTIONS)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await crises.resolve(client, cid, ResolveRequest(person="camille"), signed())
    await approve(client, cid, "dominique", PhaseName.CLOSE)
    await client.get_workflow_handle(cid).result()


async def _now(client: Client, cid: str) -> datetime:
    """The workflow's clock (the test server's), read from the last event of its history."""
    history = await client.get_workflow_handle(cid).fetch_history()
    return history.events[-1].event_time.ToDatetime(tzinfo=UTC)


async def save_chain(client: Client, cid: str, folder: Path) -> int:
    """Every run of the crisis, one file each, oldest first."""
    runs = await fetch_chain(client, cid)
    write_runs(folder, [WorkflowHistory(cid, list(run.events)) for run in runs])
    return len(runs)


def write_runs(folder: Path, histories: list[WorkflowHistory]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("run-*.json"):
        old.unlink()
    for number, history in enumerate(histories, start=1):
        (folder / f"run-{number}.json").write_text(
            json.dumps(json.loads(history.to_json()), indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )


async def main(which: str) -> None:
    warm_up()  # as `tocsin worker` does: a cold first draft passes its 15 s and shifts the times
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(time_skipping_server_binary()),
        data_converter=pydantic_data_converter,
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(Path(tmp), f"record-{uuid.uuid4().hex[:8]}")
            async with build_worker(env.client, settings):
                if which == "revue":
                    crisis = review_input()
                    # The review tests read its times and dates: it starts at the same moment
                    # whenever it is recorded (a Thursday, 9 h 10 in Paris).
                    now = await env.get_current_time()
                    assert now < REVIEW_START, "move REVIEW_START and the review tests' dates"
                    await env.sleep(REVIEW_START - now)
                    await crises.trigger(env.client, settings, crisis, signed())
                    await review_crisis(env, env.client, crisis.crisis_id)
                    count = await save_chain(env.client, crisis.crisis_id, HERE / "revue")
                    print(f"{HERE / 'revue'}: {count} runs")
                    return
                if which == "porte":
                    crisis = crisis_input("porte-ouverte", max_history_events=100)
                    await crises.trigger(env.client, settings, crisis, signed())
                    await open_gate_crisis(env, env.client, crisis.crisis_id)
                    folder = HERE / "porte-ouverte"
                    count = await save_chain(env.client, crisis.crisis_id, folder)
                    print(f"{folder}: {count} runs")
                    return
                crisis = crisis_input("enregistrement")
                await crises.trigger(env.client, settings, crisis, signed())
                await full_crisis(env, env.client, crisis.crisis_id)
                history = await env.client.get_workflow_handle(crisis.crisis_id).fetch_history()
        target = HERE / "eau-non-potable-complete.json"
        target.write_text(
            json.dumps(json.loads(history.to_json()), indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        print(f"{target}: {len(history.events)} events")
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "complete"))
