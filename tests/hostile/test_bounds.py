"""Hostile input against a crisis's bounds (issue 24, points 1, 2, 5 and 7), through the real
Temporal test server: a crisis started directly on the task queue under a forged id, keys that
slug to nothing or collide, a crisis driven to each cap of its state, personal data at entry,
the modes of the files a worker writes, a cancel without reason."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from pydantic import BaseModel
from temporalio.client import Client, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.crisis import CrisisActivities
from tests.conftest import Start
from tests.helpers import (
    PLAYBOOK,
    awaiting,
    crisis_input,
    sample_params,
    settings_for,
    status,
    wait_status,
)
from tests.processes import tocsin, tocsin_env
from tocsin import crises, names
from tocsin.config import Settings
from tocsin.models import (
    CancelRequest,
    Channel,
    CrisisOutcome,
    CrisisRun,
    NotifyKind,
    NotifyRequest,
    PhaseName,
    PublishRequest,
    StatementText,
)
from tocsin.models.workflow import CRISIS_ID, crisis_workflow_id

LIMIT = 60  # seconds for a command that must refuse at once

# --------------------------------------------------------------------------- ids and paths


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The worker's data in ``tmp_path/data``: what escapes it lands in ``tmp_path``."""
    return settings_for(tmp_path / "data", f"tocsin-test-{uuid.uuid4().hex[:8]}")


def _escape_target(settings: Settings) -> Path:
    """Where ``../../escaped`` from the outbox or the notices' folder lands: beside them."""
    return settings.data_dir.parent / "escaped"


def _stray_files(settings: Settings) -> list[Path]:
    """Every file the worker wrote outside its outbox and notices' folder."""
    own = (settings.outbox.resolve(), (settings.data_dir / "notifications").resolve())
    root = settings.data_dir.parent
    return [
        path
        for path in root.rglob("*")
        if path.is_file() and not any(path.resolve().is_relative_to(o) for o in own)
    ]


async def _refused_start(
    client: Client, settings: Settings, workflow_id: str, crisis_id: str
) -> ApplicationError:
    """Start a crisis straight on the task queue, as anyone with access to the frontend can;
    return the error it failed with (the test fails if it does not fail, within 30 s)."""
    crisis = crisis_input("x").model_copy(update={"crisis_id": crisis_id})
    handle = await client.start_workflow(
        names.WORKFLOW,
        CrisisRun(crisis=crisis),
        id=workflow_id,
        task_queue=settings.task_queue,
        result_type=CrisisOutcome,
    )
    try:
        with pytest.raises(WorkflowFailureError) as failed:
            await asyncio.wait_for(handle.result(), timeout=30)
    finally:
        description = await handle.describe()
        if description.status is not None and description.status.name == "RUNNING":
            await handle.terminate(reason="test over")
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError), cause
    return cause


@pytest.mark.parametrize(
    ("workflow_id", "crisis_id", "code"),
    [
        ("../../escaped", "../../escaped", "BadCrisisId"),
        (f"crisis-{PLAYBOOK}-x", "../../escaped", "BadCrisisId"),
        (f"crisis-{PLAYBOOK}-a\x01b", f"crisis-{PLAYBOOK}-a\x01b", "BadCrisisId"),
        (f"crisis-{PLAYBOOK}-a\nb", f"crisis-{PLAYBOOK}-a\nb", "BadCrisisId"),
        (f"crisis-{PLAYBOOK}-autre", f"crisis-{PLAYBOOK}-x", "CrisisIdMismatch"),
        (f"crisis-{PLAYBOOK}-autre", f"crisis-{PLAYBOOK}-autre", "CrisisIdMismatch"),
    ],
    ids=["traversal", "traversal-in-input", "control", "newline", "other-id", "other-key"],
)
async def test_a_crisis_under_a_forged_id_fails_at_once_and_writes_nothing(
    client: Client, settings: Settings, workflow_id: str, crisis_id: str, code: str
) -> None:
    error = await _refused_start(client, settings, workflow_id, crisis_id)
    assert error.type == code
    assert error.non_retryable
    assert "crise refusée" in error.message
    assert "crisis refused" in error.message
    assert "\x01" not in error.message
    assert "\n" not in error.message
    assert not _escape_target(settings).exists()
    assert _stray_files(settings) == []
    assert not list((settings.data_dir / "notifications").rglob("*.json"))


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def _publish_request(crisis_id: str, language: str = "fr") -> PublishRequest:
    return PublishRequest(
        crisis_id=crisis_id,
        phase=PhaseName.ACKNOWLEDGE,
        sequence=0,
        revision=1,
        channel=Channel.SMS,
        texts=[StatementText.model_construct(channel=Channel.SMS, language=language, text="x")],
        approved_by="dominique",
        exercise=False,
    )


@pytest.mark.parametrize(
    "crisis_id", ["../../escaped", f"crisis-{PLAYBOOK}-a\x00b", f"crisis-{PLAYBOOK}-x/../../y"]
)
async def test_an_activity_given_a_bad_id_refuses_for_good(tmp_path: Path, crisis_id: str) -> None:
    """The activities check again what the workflow checks: a bad id is a non-retryable
    error with a clear message, never a retry loop, never a file outside the outbox."""
    acts = CrisisActivities(outbox=tmp_path / "outbox", notifications=tmp_path / "notices")
    env = ActivityEnvironment()
    notice = NotifyRequest(
        crisis_id=crisis_id,
        title="t",
        kind=NotifyKind.INFO,
        message="m",
        idempotency_key="k",
    )
    with pytest.raises(ApplicationError) as refused:
        await env.run(acts.publish, _publish_request(crisis_id))
    with pytest.raises(ApplicationError) as refused_notice:
        await env.run(acts.notify, notice)
    for error in (refused.value, refused_notice.value):
        assert error.non_retryable
        assert error.type == "InvalidInput"
        assert "bad crisis id" in error.message
    assert _files(tmp_path) == []


async def test_a_language_that_is_a_path_is_refused(tmp_path: Path) -> None:
    acts = CrisisActivities(outbox=tmp_path / "outbox", notifications=tmp_path / "notices")
    request = _publish_request(f"crisis-{PLAYBOOK}-x", language="../../../escaped")
    with pytest.raises(ApplicationError) as refused:
        await ActivityEnvironment().run(acts.publish, request)
    assert refused.value.non_retryable
    assert _files(tmp_path) == []


# --------------------------------------------------------------------------- keys


@pytest.fixture
def offline(tmp_path: Path) -> dict[str, str]:
    return tocsin_env(tmp_path / "data", TOCSIN_EMBEDDED_PORT="1")


@pytest.mark.parametrize(
    ("key", "says"),
    [
        ("/", "ne contient ni lettre ni chiffre"),
        ("///", "ne contient ni lettre ni chiffre"),
        ("« — »", "ne contient ni lettre ni chiffre"),
        ("a\x07b", "caractère invisible ou de contrôle"),
        ("x" * 81, "trop longue"),
    ],
)
def test_a_key_that_gives_no_id_is_refused_with_a_message(
    offline: dict[str, str], key: str, says: str
) -> None:
    result = tocsin(
        offline,
        *("trigger", PLAYBOOK, "--as", "camille", *sample_params(), "--key", key),
        timeout=LIMIT,
    )
    assert result.code == 1, result.text
    assert result.err.startswith("Erreur : Refusé"), result.err
    assert says in result.err


def test_keys_are_transliterated() -> None:
    assert crisis_workflow_id(PLAYBOOK, "éé") == f"crisis-{PLAYBOOK}-ee"
    assert crisis_workflow_id(PLAYBOOK, "Été à Zürich, Straße") == (
        f"crisis-{PLAYBOOK}-ete-a-zurich-strasse"
    )
    assert crisis_workflow_id(PLAYBOOK, "Cœur") == f"crisis-{PLAYBOOK}-coeur"
    assert CRISIS_ID.fullmatch(crisis_workflow_id(PLAYBOOK, "Ωmega 7"))


async def test_a_key_that_collides_with_a_running_crisis_s_is_refused(start: Start) -> None:
    first = await start(crisis_input("A B"))
    assert first.crisis_id == f"crisis-{PLAYBOOK}-a-b"
    with pytest.raises(crises.BadKey) as refused:
        await start(crisis_input("a-b"))
    assert refused.value.code == "KeyCollision"
    assert "« A B »" in refused.value.localized()
    again = await start(crisis_input("A B"))  # the same key lands on the same crisis
    assert again.existing
    assert again.crisis_id == first.crisis_id
    accents = await start(crisis_input("été"))
    assert accents.crisis_id == f"crisis-{PLAYBOOK}-ete"


def test_every_id_the_playbooks_give_matches_the_documented_pattern() -> None:
    for key in ("2026-03-14", "secteur nord", "A_B", uuid.uuid4().hex):
        assert CRISIS_ID.fullmatch(crisis_workflow_id(PLAYBOOK, key)), key


# --------------------------------------------------------------------------- cancel (point 7)


async def _refusal(
    client: Client, crisis_id: str, update: str, request: BaseModel
) -> ApplicationError:
    """Send an update through the raw Temporal API; return the typed refusal it got."""
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await client.get_workflow_handle(crisis_id).execute_update(update, request)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError), cause
    return cause


async def test_cancel_needs_a_cancelling_role_and_a_reason(client: Client, start: Start) -> None:
    cid = (await start(crisis_input("annulation"))).crisis_id
    await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="the first gate")
    blank = await _refusal(
        client, cid, names.CANCEL, CancelRequest(person="dominique", reason=" \t\n ")
    )
    assert blank.type == "NoReason"
    # The communicator holds a role, but not one the playbook's `ending.cancel` names.
    stranger = await _refusal(
        client, cid, names.CANCEL, CancelRequest(person="camille", reason="fausse alerte")
    )
    assert stranger.type == "NotAnEnder"
    assert (await status(client, cid)).state == "awaiting_approval"
    await client.get_workflow_handle(cid).execute_update(
        names.CANCEL, CancelRequest(person="dominique", reason="fausse alerte")
    )
    assert (await status(client, cid)).state == "cancelled"
