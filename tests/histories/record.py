"""Record the histories that the replay test replays.

    .venv/bin/python -m tests.histories.record

Runs scripted crises on the time-skipping test server and writes each run's history as JSON
beside this file. Rerun it only on purpose: a change to CrisisWorkflow that breaks replay of
these files would break crises already running in production.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.helpers import approve, awaiting, crisis_input, settings_for, wait_status
from tocsin import crises
from tocsin.models import (
    Channel,
    DecisionAction,
    DecisionRequest,
    FactRequest,
    PhaseName,
    ResolveRequest,
    RevisionRequest,
    TextEdit,
)
from tocsin.temporal import time_skipping_server_binary
from tocsin.worker import build_worker
from workflows.crisis import CrisisWorkflow

HERE = Path(__file__).parent


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
    )
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person="dominique", revision=revised.revision, action=DecisionAction.APPROVE
        ),
    )
    await crises.add_fact(
        client, cid, FactRequest(person="camille", text="Les analyses de 14 h sont conformes.")
    )
    for phase in (PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
        await approve(client, cid, "dominique", phase)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await env.sleep(timedelta(hours=2, minutes=5))
    await approve(client, cid, "dominique", PhaseName.FOLLOW_UP, 1)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await crises.resolve(
        client, cid, ResolveRequest(person="camille", summary="Eau de nouveau potable.")
    )
    await approve(client, cid, "dominique", PhaseName.CLOSE)
    await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()


async def main() -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(time_skipping_server_binary()),
        data_converter=pydantic_data_converter,
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(Path(tmp), f"record-{uuid.uuid4().hex[:8]}")
            async with build_worker(env.client, settings):
                crisis = crisis_input("enregistrement")
                await crises.trigger(env.client, settings, crisis)
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
    asyncio.run(main())
