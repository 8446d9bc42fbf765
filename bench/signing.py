"""What signing costs a decision: the Ed25519 signature a front end adds and the workflow's
validator verifies, against the decision's round trip, in one run.

Run: .venv/bin/python -m bench.signing [--decisions 60]

One embedded dev server (SQLite) and a worker in this process. Each decision approves a crisis's
first statement through ``tocsin.crises.decide`` (signed, sent, validated, recorded: the round
trip a front end waits for). The same requests are then signed and verified again alone, many
times, as the validator verifies them (``verify``, with the crisis's keys). Figures: p50 and p99
of each, and the p99 share of verification in a decision.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from bench.approval_roundtrip import percentile
from tests.helpers import awaiting, crisis_input, settings_for, signed, until_quiet, wait_status
from tocsin import crises, names
from tocsin.identity.keys import trusted_keyring
from tocsin.identity.signing import verify
from tocsin.logs import configure_logging
from tocsin.models import DecisionAction, DecisionRequest, PhaseName, TextEdit
from tocsin.models.base import Channel
from tocsin.temporal import embedded_server, free_port
from tocsin.worker import build_worker

REPEAT = 200  # verifications of each request, for stable figures


def line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<34} n={len(ms):>5}  p50 {percentile(ms, 0.5):8.3f} ms  "
        f"p99 {percentile(ms, 0.99):8.3f} ms  mean {statistics.fmean(ms):8.3f} ms"
    )


async def main(decisions: int) -> None:
    configure_logging("warning")
    with tempfile.TemporaryDirectory(prefix="tocsin-bench-") as tmp:
        settings = settings_for(
            Path(tmp),
            f"bench-{uuid.uuid4().hex[:8]}",
            TOCSIN_TRIGGERS_PER_PERSON="100000",
            TOCSIN_TRIGGERS_PER_PLAYBOOK="100000",
        )
        by = signed(settings)
        trips: list[float] = []
        sent: list[tuple[str, DecisionRequest]] = []
        async with embedded_server(settings, port=free_port(), ui=False, advertise=False) as srv:
            client = srv.client
            async with build_worker(client, settings):
                for number in range(decisions):
                    crisis = crisis_input(f"signe-{number:03d}")
                    await crises.trigger(client, settings, crisis, by)
                    cid = crisis.crisis_id
                    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
                    assert gate.revision is not None
                    await until_quiet(client, cid)
                    # An approval with an edit: the larger request a director sends.
                    request = DecisionRequest(
                        person="dominique",
                        revision=gate.revision,
                        action=DecisionAction.APPROVE_WITH_EDITS,
                        edits=[
                            TextEdit(
                                channel=Channel.SMS,
                                language="fr",
                                text="Mairie : ne buvez pas l’eau du robinet. Infos 0 800 123 456.",
                            )
                        ],
                    )
                    started = time.perf_counter()
                    await crises.decide(client, cid, request, by)
                    trips.append(time.perf_counter() - started)
                    sent.append((cid, request))
                    await client.get_workflow_handle(cid).terminate(reason="bench")
        keyring = trusted_keyring(settings.data_dir)
        signing: list[float] = []
        verifying: list[float] = []
        for cid, request in sent:
            for _ in range(REPEAT):
                began = time.perf_counter()
                signed_request = by.sign(cid, names.DECIDE, request, datetime.now(UTC))
                signing.append(time.perf_counter() - began)
                began = time.perf_counter()
                verify(keyring, cid, names.DECIDE, signed_request)
                verifying.append(time.perf_counter() - began)
    print(line("decision round trip (signed)", trips))
    print(line("  signing (front end)", signing))
    print(line("  verifying (validator)", verifying))
    # The validator verifies, and the handler again as it records: two per decision.
    share = 2 * percentile(verifying, 0.99) / percentile(trips, 0.99)
    print(f"p99 of two verifications / p99 decision: {share:.2%}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--decisions", type=int, default=60)
    asyncio.run(main(parser.parse_args().decisions))
