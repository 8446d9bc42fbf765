"""Reading a crisis's Temporal history: every run of its continue-as-new chain, oldest first.

The history is the audit trail. Each fact of the review comes from a payload the workflow
recorded: the crisis input at the start, the drafts the draft activity returned, the notices it
sent (approval requests, reminders, escalations, missed deadlines, with the revision and its
findings), the updates people sent (decisions with their diffs and overrides, revisions, facts,
resolution) and the files the publish activity wrote.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

M = TypeVar("M", bound=BaseModel)

JSON_ENCODINGS = (b"json/plain",)


class HistoryError(Exception):
    """The history cannot be read as a tocsin crisis (wrong workflow, unknown encoding...)."""


class UnknownCrisisHistory(HistoryError):
    def __init__(self, crisis: str) -> None:
        super().__init__(crisis)
        self.crisis = crisis


@dataclass(frozen=True)
class RunHistory:
    """One run's events. ``run_id`` is empty for a history read from a file without one."""

    run_id: str
    events: Sequence[HistoryEvent]


def event_time(event: HistoryEvent) -> datetime:
    return event.event_time.ToDatetime(tzinfo=UTC)


def decode(payload: Payload, model: type[M]) -> M:
    """A payload written by tocsin's data converter (pydantic's JSON), as ``model``."""
    encoding = payload.metadata.get("encoding", b"")
    if encoding not in JSON_ENCODINGS:
        raise HistoryError(
            f"payload encoded as {encoding.decode(errors='replace') or '?'}: "
            "tocsin review reads json/plain payloads only (a codec is configured?)"
        )
    try:
        return model.model_validate_json(payload.data)
    except ValidationError as exc:
        raise HistoryError(f"{model.__name__}: {exc.error_count()} problem(s)") from exc


def first(payloads: Sequence[Payload]) -> Payload | None:
    return payloads[0] if payloads else None


async def fetch_chain(client: Client, crisis_id: str) -> list[RunHistory]:
    """Every run of the crisis's workflow, oldest first, following continue-as-new backwards
    from the latest run."""
    runs: list[RunHistory] = []
    run_id: str | None = None
    try:
        latest = await client.get_workflow_handle(crisis_id).describe()
    except RPCError as exc:
        if exc.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
            raise UnknownCrisisHistory(crisis_id) from exc
        raise
    run_id = latest.run_id
    seen: set[str] = set()
    while run_id and run_id not in seen:
        seen.add(run_id)
        history = await client.get_workflow_handle(crisis_id, run_id=run_id).fetch_history()
        runs.append(RunHistory(run_id=run_id, events=history.events))
        run_id = previous_run(history.events)
    runs.reverse()
    return runs


def previous_run(events: Sequence[HistoryEvent]) -> str:
    if not events or not events[0].HasField("workflow_execution_started_event_attributes"):
        return ""
    return events[0].workflow_execution_started_event_attributes.continued_execution_run_id


def own_run_id(events: Sequence[HistoryEvent]) -> str:
    if not events or not events[0].HasField("workflow_execution_started_event_attributes"):
        return ""
    return events[0].workflow_execution_started_event_attributes.original_execution_run_id


def load_chain(paths: Sequence[Path]) -> list[RunHistory]:
    """Runs saved as JSON (``temporal workflow show --output json`` or
    ``WorkflowHistory.to_json``), put in chain order whatever order the files come in."""
    runs: list[RunHistory] = []
    for path in paths:
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise HistoryError(f"{path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise HistoryError(f"{path}: not UTF-8 (byte {exc.start})") from exc
        except json.JSONDecodeError as exc:
            raise HistoryError(f"{path}:{exc.lineno}:{exc.colno}: {exc.msg}") from exc
        try:
            history = WorkflowHistory.from_json(path.stem, data)
        except Exception as exc:  # protobuf's ParseError and friends: not a history
            raise HistoryError(f"{path}: not a Temporal history ({exc})") from exc
        if not history.events:
            raise HistoryError(f"{path}: no events")
        runs.append(RunHistory(run_id=own_run_id(history.events), events=history.events))
    return order_chain(runs)


def order_chain(runs: Sequence[RunHistory]) -> list[RunHistory]:
    """Oldest first, by the link each run's start event keeps to the run before it."""
    after = {previous_run(run.events): run for run in runs}
    ordered: list[RunHistory] = []
    current = after.get("")
    while current is not None and len(ordered) < len(runs):
        ordered.append(current)
        current = after.get(current.run_id) if current.run_id else None
    if len(ordered) != len(runs):
        raise HistoryError("the histories given are not one continue-as-new chain")
    return ordered
