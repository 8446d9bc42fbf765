"""Replay: the workflow code must still reproduce every recorded history, command for command.

A failure here means a change to CrisisWorkflow would break crises already running: guard it
with ``workflow.patched`` instead of rerecording.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from workflows.crisis import CrisisWorkflow

ROOT = Path(__file__).parent / "histories"
HISTORIES = sorted(ROOT.rglob("*.json"))  # one file a run; a chain's runs in a folder


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def crisis_id(data: dict[str, Any]) -> str:
    """The workflow id a recorded run had: its crisis's id, from its input (the workflow
    refuses to run under another)."""
    started = data["events"][0]["workflowExecutionStartedEventAttributes"]
    run = json.loads(base64.b64decode(started["input"]["payloads"][0]["data"]))
    return str(run["crisis"]["crisis_id"])


def test_there_are_histories_to_replay() -> None:
    assert HISTORIES, "tests/histories/ holds no recorded history"


@pytest.mark.parametrize(
    "path", HISTORIES, ids=[str(p.relative_to(ROOT).with_suffix("")) for p in HISTORIES]
)
async def test_recorded_history_replays(path: Path) -> None:
    data = load(path)
    history = WorkflowHistory.from_json(crisis_id(data), data)
    replayer = Replayer(workflows=[CrisisWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


def test_the_recordings_cover_the_gates_paths() -> None:
    """Not only the happy path: decisions (updates), reminders (timers), a gate carried from one
    run to the next (porte-ouverte/run-1 ends waiting on its gate)."""
    kinds = {
        event.WhichOneof("attributes")
        for path in HISTORIES
        for event in WorkflowHistory.from_json(path.stem, load(path)).events
    }
    assert "workflow_execution_update_accepted_event_attributes" in kinds
    assert "timer_fired_event_attributes" in kinds
    gate_run = WorkflowHistory.from_json("run-1", load(ROOT / "porte-ouverte" / "run-1.json"))
    last = gate_run.events[-1]
    assert last.WhichOneof("attributes") == "workflow_execution_continued_as_new_event_attributes"
    started = {e.WhichOneof("attributes") for e in gate_run.events}
    assert "workflow_execution_update_accepted_event_attributes" not in started  # still open


async def test_a_changed_workflow_fails_replay() -> None:
    """The replay check can fail: a history whose commands differ is caught."""
    path = HISTORIES[0]
    data = load(path)
    events = data["events"]
    # Drop the first activity the workflow scheduled: the code will ask for it, history won't.
    first = next(i for i, e in enumerate(events) if "activityTaskScheduledEventAttributes" in e)
    broken = {"events": [*events[:first], *events[first + 3 :]]}
    history = WorkflowHistory.from_json(crisis_id(data), broken)
    replayer = Replayer(workflows=[CrisisWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None
