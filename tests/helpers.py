"""Shared helpers for the tests: crisis inputs from the bundled playbooks, status polling."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowExecutionDescription,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
)
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from tocsin import crises
from tocsin.config import BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES, Settings
from tocsin.identity.keys import operator
from tocsin.identity.signing import Credential
from tocsin.models import (
    Channel,
    CrisisInput,
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    NotifyKind,
    NotifyRequest,
    PhaseName,
)
from tocsin.playbook import PlaybookLibrary

LIBRARY = PlaybookLibrary([BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES])
PLAYBOOK = "eau-non-potable"


def samples(playbook: str = PLAYBOOK, params: Mapping[str, str] | None = None) -> dict[str, str]:
    """The playbook's example parameters as the strings a person types (``params`` replaces or
    adds some)."""
    found = LIBRARY.load(playbook).playbook.sample_parameters()
    return {**{k: str(v) for k, v in found.items()}, **(params or {})}


def sample_params(playbook: str = PLAYBOOK, params: Mapping[str, str] | None = None) -> list[str]:
    """The playbook's example parameters as `tocsin trigger` options."""
    return [arg for k, v in samples(playbook, params).items() for arg in ("-p", f"{k}={v}")]


def files_per_phase(phase: PhaseName, playbook: str = PLAYBOOK) -> int:
    """Outbox files one approved statement set writes: a file per channel and language, and the
    press release a second time as HTML."""
    loaded = LIBRARY.load(playbook).playbook
    channels = loaded.statement_templates(phase)
    extra = 1 if Channel.PRESS_RELEASE in channels else 0
    return (len(channels) + extra) * len(loaded.languages)


def settings_for(data_dir: Path, task_queue: str, **env: str) -> Settings:
    return Settings.from_env(
        {"TOCSIN_DATA_DIR": str(data_dir), "TOCSIN_TASK_QUEUE": task_queue, **env}
    )


def crisis_input(
    key: str,
    *,
    person: str = "camille",
    playbook: str = PLAYBOOK,
    exercise: bool = False,
    max_history_events: int = 1500,
    review_after: timedelta = timedelta(0),
    params: dict[str, str] | None = None,
) -> CrisisInput:
    """A crisis of a bundled playbook with its sample parameters (``params`` replaces some).
    The review follows the close at once unless told (the playbooks' 7 days are tested in
    test_review_workflow)."""
    loaded = LIBRARY.load(playbook)
    policy = loaded.playbook.review.model_copy(update={"after": review_after})
    loaded = type(loaded)(
        playbook=loaded.playbook.model_copy(update={"review": policy}),
        file=loaded.file,
        doc=loaded.doc,
    )
    return crises.build_input(
        loaded,
        LIBRARY.template_folders,
        samples(playbook, params),
        key=key,
        person=person,
        exercise=exercise,
        max_history_events=max_history_events,
    )


async def until(get: Callable[[], Any], within: float, what: str) -> Any:
    """Poll ``get`` until it returns something truthy, and return it; fail saying what never
    came."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = get()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


QUERY_TIMEOUT = timedelta(seconds=5)
UNANSWERED = (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED)  # server's, client's


async def status(client: Client, crisis_id: str, *, attempts: int = 6) -> CrisisStatus:
    """The status query, asked again when it goes unanswered in 5 s. The time-skipping server
    can leave a query unanswered when the run it went to continues as new meanwhile: the query
    sits to its 30 s deadline while the crisis goes on in the new run. Asked again, it goes to
    the new run. (On a full server, a query to a killed worker's crisis waits for another
    worker to take the crisis up, which can take longer than 5 s: asked again, it waits on.)"""
    for attempt in range(attempts):
        try:
            return await crises.status(client, crisis_id, rpc_timeout=QUERY_TIMEOUT)
        except RPCError as exc:
            if exc.status not in UNANSWERED or attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


async def wait_status(
    client: Client,
    crisis_id: str,
    check: Callable[[CrisisStatus], bool],
    *,
    what: str = "condition",
    within: float = 30.0,
) -> CrisisStatus:
    """Poll the status query until ``check`` holds; fail with the last status otherwise."""
    deadline = time.monotonic() + within
    current: CrisisStatus | None = None
    while time.monotonic() < deadline:
        current = await status(client, crisis_id)
        if check(current):
            return current
        await asyncio.sleep(0.05)
    state = None if current is None else (current.state, current.phase, current.revision)
    raise AssertionError(f"timed out waiting for {what}; last status: {state}")


async def until_quiet(client: Client, crisis_id: str, *, within: float = 30.0) -> bool:
    """Wait until the crisis has no activity in flight and no notice queued, twice in a row
    (0.05 s apart): True then; False if it has ended meanwhile. Fails if it is still busy after
    ``within`` seconds, saying with what."""
    handle = client.get_workflow_handle(crisis_id)
    deadline = time.monotonic() + within
    quiet = 0
    while True:
        description = await handle.describe()
        if description.status != WorkflowExecutionStatus.RUNNING:
            return False
        busy = await _busy_with(client, crisis_id, description)
        quiet = 0 if busy else quiet + 1
        if quiet >= 2:
            return True
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {within:g} s waiting for {crisis_id} to be quiet (no activity "
                f"in flight, no notice queued); last seen: {busy}"
            )
        await asyncio.sleep(0.05)


async def _busy_with(
    client: Client, crisis_id: str, description: WorkflowExecutionDescription
) -> str:
    """What keeps a running crisis busy ("" when nothing does)."""
    pending = description.raw_description.pending_activities
    if pending:
        return f"activities in flight: {[a.activity_type.name for a in pending]}"
    try:
        queued = (await status(client, crisis_id, attempts=1)).notices_pending
    except (RPCError, WorkflowQueryFailedError) as exc:  # unanswered yet: not quiet
        return f"the status query failed: {exc}"
    return f"{queued} notice(s) queued" if queued else ""


async def skip(env: WorkflowEnvironment, client: Client, crisis_id: str, span: timedelta) -> None:
    """Skip time on the time-skipping server once the crisis has settled: skipping while a
    task or notice is under way can strand the run (a timer fires under a task that cancels
    it, sdk-java#3088) or hold the skip on a lock until its call times out."""
    await until_quiet(client, crisis_id)
    await env.sleep(span)


def awaiting(phase: PhaseName, sequence: int = 0) -> Callable[[CrisisStatus], bool]:
    return lambda s: s.state == "awaiting_approval" and s.phase is phase and s.sequence == sequence


async def approve(
    client: Client, crisis_id: str, person: str, phase: PhaseName, seq: int = 0
) -> int:
    """Wait for the gate of ``phase`` and approve its current revision. Returns the revision."""
    current = await wait_status(client, crisis_id, awaiting(phase, seq), what=f"{phase} gate")
    assert current.revision is not None
    await crises.decide(
        client,
        crisis_id,
        DecisionRequest(person=person, revision=current.revision, action=DecisionAction.APPROVE),
        signed(),
    )
    return current.revision


async def history_event_names(handle: WorkflowHandle[object, object]) -> list[str]:
    history = await handle.fetch_history()
    return [event.WhichOneof("attributes") or "" for event in history.events]


def notices(settings: Settings, crisis_id: str, kind: NotifyKind) -> list[NotifyRequest]:
    """The crisis's notices of one kind, as the notify activity recorded them."""
    folder = settings.data_dir / "notifications" / crisis_id
    found = [
        NotifyRequest.model_validate_json(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.json"))
    ]
    return [n for n in found if n.kind is kind]


def signed(settings: Settings | None = None) -> Credential:
    """What a test signs its changes with: the operator's key. Under pytest, the session's
    keys (tests/keys.py: TOCSIN_KEYS and the private keys' variables, which every worker, the
    command line and the Slack app of the session use too); in a benchmark, the keys of its
    data folder, made on first use as the command line does."""
    return operator(settings.data_dir if settings else Path(tempfile.gettempdir()))


async def raw_update(
    client: Client,
    crisis_id: str,
    update: str,
    request: BaseModel,
    result_type: type[Any] | None = None,
) -> Any:
    """Send an update through the raw Temporal API, signed as the command line signs it: what
    the workflow's own validators accept or refuse, without tocsin.crises in between."""
    request = signed().sign(crisis_id, update, request, datetime.now(UTC))
    handle = client.get_workflow_handle(crisis_id)
    return await handle.execute_update(update, request, result_type=result_type)
