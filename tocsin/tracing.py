"""Optional OpenTelemetry tracing, through ``temporalio.contrib.opentelemetry``.

With ``TOCSIN_OTLP_ENDPOINT`` (an OTLP/HTTP collector, ``http://collector:4318``), every
Temporal client tocsin connects carries the SDK's ``TracingInterceptor``: a trigger from the
CLI or Slack, the crisis workflow, its updates (decisions, revisions, facts) and each activity
(draft, check, notify, publish, review) become spans of one trace per crisis, sent in batches.

The interceptor is the SDK's stable one. Its workflow spans end at once (zero duration) but are
seen while the crisis runs; the SDK's newer plugin would give workflow spans their duration only
once the workflow has ended, days later for a crisis. Without the ``tracing`` extra installed,
setting the endpoint is an error said in one line.
"""

from __future__ import annotations

import atexit
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from tocsin.config import Settings

if TYPE_CHECKING:
    from temporalio.client import Interceptor

SERVICE = "tocsin"
FLUSH_MS = 2_000  # at exit, how long spans may take to leave (a collector down: no longer)

_flushes: list[Callable[[], None]] = []


class TracingUnavailable(Exception):
    def __init__(self) -> None:
        super().__init__(
            "TOCSIN_OTLP_ENDPOINT demande l’extra « tracing » : pip install 'tocsin[tracing]' / "
            "TOCSIN_OTLP_ENDPOINT needs the 'tracing' extra"
        )


def interceptors(settings: Settings) -> list[Interceptor]:
    """The client interceptors: the tracing one when an endpoint is set, else none."""
    if not settings.otlp_endpoint:
        return []
    _provider(settings.otlp_endpoint.rstrip("/"))
    try:
        from temporalio.contrib.opentelemetry import TracingInterceptor
    except ImportError as exc:  # pragma: no cover - opentelemetry-api comes with the sdk
        raise TracingUnavailable() from exc
    return [TracingInterceptor()]


@functools.cache
def _provider(endpoint: str) -> None:
    """The process's tracer provider, set once, flushed at exit."""
    try:
        from opentelemetry import trace
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise TracingUnavailable() from exc
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(f"{endpoint}/v1/traces")))
    trace.set_tracer_provider(provider)

    def flush() -> None:
        provider.force_flush(FLUSH_MS)
        provider.shutdown()

    _flushes.append(flush)
    atexit.register(shutdown)


def shutdown() -> None:
    """Send the spans still waiting; the CLI calls it before its ``os._exit``."""
    while _flushes:
        _flushes.pop()()
