"""Metrics and logs: what a préfecture's monitoring sees of a crisis.

The worker's runtime exports Prometheus metrics (the SDK's and tocsin's); the figures are checked
against the review built from the same crisis's history. Logs are JSON lines that carry the
crisis, phase and revision of the activity that wrote them.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
import structlog
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.conftest import STARTUP
from tests.helpers import approve, awaiting, crisis_input, settings_for, signed, skip, wait_status
from tocsin import crises
from tocsin.logs import configure_logging
from tocsin.metrics import MetricsAddressError, bind_address, runtime_for
from tocsin.models import DecisionAction, DecisionRequest, PhaseName, ResolveRequest
from tocsin.review import build_review, fetch_chain
from tocsin.temporal import free_port, time_skipping_server_binary
from tocsin.worker import build_worker
from workflows.crisis import CrisisWorkflow

SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$")
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Prometheus text format: metric name -> [(labels, value)]."""
    found: dict[str, list[tuple[dict[str, str], float]]] = defaultdict(list)
    for line in text.splitlines():
        match = SAMPLE.match(line)
        if match is None or line.startswith("#"):
            continue
        labels = dict(LABEL.findall(match.group(2) or ""))
        found[match.group(1)].append((labels, float(match.group(3))))
    return found


def total(metrics: dict[str, list[tuple[dict[str, str], float]]], name: str, **want: str) -> float:
    return sum(
        value
        for labels, value in metrics.get(name, [])
        if all(labels.get(k) == v for k, v in want.items())
    )


@pytest.fixture
async def metered() -> AsyncIterator[tuple[WorkflowEnvironment, str]]:
    """A time-skipping server whose client runtime exports Prometheus metrics on loopback."""
    address = f"127.0.0.1:{free_port()}"
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(time_skipping_server_binary()),
        data_converter=pydantic_data_converter,
        runtime=runtime_for(address),
        test_server_startup_timeout=STARTUP,
    )
    try:
        yield env, address
    finally:
        await env.shutdown()


async def scrape(address: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    async with aiohttp.ClientSession() as session, session.get(f"http://{address}/metrics") as r:
        assert r.status == 200
        return parse(await r.text())


async def test_metrics_match_the_crisis(
    metered: tuple[WorkflowEnvironment, str], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    env, address = metered
    client = env.client
    configure_logging("info", json=True)
    settings = settings_for(tmp_path, f"metrics-{uuid.uuid4().hex[:8]}")
    crisis = crisis_input("metriques")
    async with build_worker(client, settings):
        await crises.trigger(client, settings, crisis, signed())
        cid = crisis.crisis_id
        gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
        assert gate.revision is not None
        # a reminder at 10 min, the escalation at 20
        await skip(env, client, cid, timedelta(minutes=21))
        await approve(client, cid, "sacha", PhaseName.ACKNOWLEDGE)
        await approve(client, cid, "dominique", PhaseName.EXPLAIN)
        rejected = await wait_status(client, cid, awaiting(PhaseName.SOLUTIONS))
        assert rejected.revision is not None
        await crises.decide(
            client,
            cid,
            DecisionRequest(
                person="dominique",
                revision=rejected.revision,
                action=DecisionAction.REJECT,
                comment="Pas encore.",
            ),
            signed(),
        )
        await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
        await crises.resolve(client, cid, ResolveRequest(person="camille"), signed())
        await approve(client, cid, "dominique", PhaseName.CLOSE)
        await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
        review = build_review(await fetch_chain(client, cid))
        seen = await scrape(address)
    logs = capfd.readouterr().err
    structlog.reset_defaults()

    # tocsin's own metrics tell the same story as the review built from history.
    assert total(seen, "tocsin_decisions", action="approve") == 3
    assert total(seen, "tocsin_decisions", action="reject", phase="solutions") == 1
    assert total(seen, "tocsin_escalations", phase="acknowledge") == review.figures.escalations == 1
    assert total(seen, "tocsin_reminders") == review.figures.reminders == 1
    assert total(seen, "tocsin_approval_wait_count") == len(review.decisions) == 4
    waited = sum(d.waited.total_seconds() for d in review.decisions)
    assert total(seen, "tocsin_approval_wait_sum") == pytest.approx(waited, rel=0.01)
    # 21 minutes for the acknowledgement: in the bucket up to 30 min, not the one up to 15.
    assert total(seen, "tocsin_approval_wait_bucket", phase="acknowledge", le="900") == 0
    assert total(seen, "tocsin_approval_wait_bucket", phase="acknowledge", le="1800") == 1
    for channel, count in review.figures.per_channel.items():
        assert total(seen, "tocsin_statements_published", channel=channel) == count, channel
    assert total(seen, "tocsin_statements_published") == review.figures.texts
    assert total(seen, "tocsin_statements_drafted") == review.figures.revisions
    assert total(seen, "tocsin_crises_ended", status="closed") == 1
    assert total(seen, "tocsin_notifications", kind="review", via="console") == 1
    # The SDK's own metrics come from the same endpoint, tagged with the service.
    assert total(seen, "temporal_workflow_completed") >= 1
    assert total(seen, "temporal_activity_execution_latency_count") > 0
    assert all(labels.get("service") == "tocsin" for labels, _ in seen["tocsin_decisions"])

    # Every activity log line says which crisis, phase and revision it is about.
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    published = [line for line in lines if line.get("event") == "statement.published"]
    assert published
    assert all(line["crisis"] == cid for line in published)
    assert {line["phase"] for line in published} == {"acknowledge", "explain", "close"}
    assert all(isinstance(line["revision"], int) for line in published)
    noticed = [line for line in lines if line.get("event") == "notification"]
    assert {line["crisis"] for line in noticed} == {cid}


def test_metrics_address_is_checked() -> None:
    assert bind_address("9464") == "127.0.0.1:9464"
    assert bind_address("0.0.0.0:9464") == "0.0.0.0:9464"
    for bad in ("", "abc", "99999", ":9464", "host:port"):
        with pytest.raises(MetricsAddressError, match="TOCSIN_METRICS"):
            bind_address(bad)
