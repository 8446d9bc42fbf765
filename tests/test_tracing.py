"""OpenTelemetry tracing: a `tocsin worker` process and the CLI, with TOCSIN_OTLP_ENDPOINT, send
their spans over OTLP/HTTP to a collector on loopback; a crisis's trigger, workflow, decision
handler and activities are one trace."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from tests.helpers import awaiting, sample_params, until, wait_status
from tests.processes import tocsin
from tests.rig import running
from tocsin import names
from tocsin.models import PhaseName
from tocsin.temporal import free_port

PUBLISHED = f"RunActivity:{names.PUBLISH}"


class Collector:
    """The spans received: (name, trace id, service, attributes)."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, bytes, str, dict[str, str]]] = []
        self.lock = threading.Lock()

    def names(self) -> list[str]:
        with self.lock:
            return [span[0] for span in self.spans]

    def named(self, name: str) -> list[tuple[str, bytes, str, dict[str, str]]]:
        with self.lock:
            return [span for span in self.spans if span[0] == name]


@pytest.fixture
def collector() -> Iterator[tuple[Collector, str]]:
    found = Collector()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            request = ExportTraceServiceRequest.FromString(body)
            with found.lock:
                for resource in request.resource_spans:
                    service = next(
                        (
                            a.value.string_value
                            for a in resource.resource.attributes
                            if a.key == "service.name"
                        ),
                        "",
                    )
                    for scope in resource.scope_spans:
                        for span in scope.spans:
                            attributes = {a.key: a.value.string_value for a in span.attributes}
                            found.spans.append((span.name, span.trace_id, service, attributes))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield found, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def cli(env: dict[str, str], *args: str) -> str:
    done = tocsin(env, *args, timeout=60)
    assert done.code == 0, done.err
    return done.out


async def test_a_crisis_is_one_trace_from_trigger_to_publication(
    tmp_path: Path, collector: tuple[Collector, str]
) -> None:
    spans, endpoint = collector
    async with running(
        tmp_path,
        server="dev",
        queue="tracing",
        models=False,  # the trace is tested, not the guardrails' model: word lists alone
        TOCSIN_OTLP_ENDPOINT=endpoint,
        OTEL_BSP_SCHEDULE_DELAY="200",  # the batch goes out every 0.2 s
    ) as rig:
        said = await asyncio.to_thread(
            cli, rig.env, "trigger", "eau-non-potable", "--as", "camille", *sample_params()
        )
        crisis = next(w for w in said.split() if w.startswith("crisis-"))
        gate = await wait_status(rig.client, crisis, awaiting(PhaseName.ACKNOWLEDGE))
        await asyncio.to_thread(
            cli, rig.env, "approve", crisis, "--as", "dominique", "-r", str(gate.revision), "-y"
        )
        await wait_status(rig.client, crisis, awaiting(PhaseName.EXPLAIN))
        await until(lambda: len(spans.named(PUBLISHED)) == 8, 20, "the 8 publications' spans")

    (started,) = spans.named("StartWorkflow:CrisisWorkflow")  # from the CLI's process
    trace = started[1]
    assert started[3]["temporalWorkflowID"] == crisis
    assert {s[2] for s in spans.spans} == {"tocsin"}
    in_trace = {name for name, trace_id, _, _ in spans.spans if trace_id == trace}
    # The worker's spans continue the CLI's trace: the workflow, each activity it ran.
    for name in (
        "RunWorkflow:CrisisWorkflow",
        f"StartActivity:{names.DRAFT}",
        f"RunActivity:{names.DRAFT}",
        f"RunActivity:{names.NOTIFY}",
        PUBLISHED,
    ):
        assert name in in_trace, (name, sorted(set(spans.names())))
    # The decision: sent by the approving CLI, validated and handled in the crisis's trace.
    (update,) = spans.named("StartWorkflowUpdate:decide")
    assert update[3]["temporalWorkflowID"] == crisis
    assert {"ValidateUpdate:decide", "HandleUpdate:decide"} <= in_trace
    assert {s[3]["temporalWorkflowID"] for s in spans.named(PUBLISHED)} == {crisis}
