"""Metrics: the Temporal SDK's own (workflow and activity latencies, task slots, polls...) and
tocsin's, exported together in Prometheus format by the SDK's runtime, on ``TOCSIN_METRICS``
(``host:port``, or a port alone for 127.0.0.1).

tocsin's metrics go through the SDK's metric meter: ``workflow.metric_meter()`` in the workflow
(not counted again when a workflow is replayed) and ``activity.metric_meter()`` in activities.
With no ``TOCSIN_METRICS``, the meter is a no-op.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import timedelta

from temporalio.common import MetricMeter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

# Buckets for the approval wait, in seconds: 1 min to 12 h.
APPROVAL_WAIT_BUCKETS = [60.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 43200.0]

DECISIONS = "tocsin_decisions"
APPROVAL_WAIT = "tocsin_approval_wait"
DEADLINES_MISSED = "tocsin_deadlines_missed"
ESCALATIONS = "tocsin_escalations"
REMINDERS = "tocsin_reminders"
CRISES_ENDED = "tocsin_crises_ended"
DRAFTED = "tocsin_statements_drafted"
PUBLISHED = "tocsin_statements_published"
POSTED = "tocsin_statements_posted"
POST_FAILURES = "tocsin_posts_failed"
MANUAL_TASKS = "tocsin_manual_tasks"
FINDINGS = "tocsin_guardrail_findings"
NOTIFICATIONS = "tocsin_notifications"


class MetricsAddressError(ValueError):
    pass


def bind_address(value: str) -> str:
    """``9464`` -> ``127.0.0.1:9464``; ``0.0.0.0:9464`` stays. A clear error otherwise."""
    text = value.strip()
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = "127.0.0.1", text
    if not port.isdigit() or not 0 < int(port) < 65536 or (sep and not host):
        raise MetricsAddressError(
            f"TOCSIN_METRICS « {value} » : attendu PORT ou HÔTE:PORT / expected PORT or HOST:PORT"
        )
    return f"{host}:{int(port)}"


@functools.cache
def runtime_for(address: str) -> Runtime:
    """One runtime per process and address: it owns the Prometheus endpoint."""
    return Runtime(
        telemetry=TelemetryConfig(
            metrics=PrometheusConfig(
                bind_address=address,
                durations_as_seconds=True,
                histogram_bucket_overrides={APPROVAL_WAIT: APPROVAL_WAIT_BUCKETS},
            ),
            global_tags={"service": "tocsin"},
        )
    )


def count(meter: MetricMeter, name: str, description: str, **tags: str) -> None:
    meter.create_counter(name, description).add(1, dict(tags))


def add(
    meter: MetricMeter, name: str, description: str, value: int, tags: Mapping[str, str]
) -> None:
    if value:
        meter.create_counter(name, description).add(value, dict(tags))


def record_wait(meter: MetricMeter, waited: timedelta, **tags: str) -> None:
    meter.create_histogram_timedelta(
        APPROVAL_WAIT, "Time a statement waited for its decision", "s"
    ).record(waited, dict(tags))
