"""Hostile input against a crisis's bounds (issue 24, points 1, 2, 5 and 7), through the real
Temporal test server: a crisis started directly on the task queue under a forged id, keys that
slug to nothing or collide, a crisis driven to each cap of its state, personal data at entry,
the modes of the files a worker writes, a cancel without reason."""

from __future__ import annotations

import asyncio
import os
import stat
import uuid
from datetime import UTC, datetime, timedelta
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
    approve,
    awaiting,
    crisis_input,
    raw_update,
    sample_params,
    settings_for,
    status,
    wait_status,
)
from tests.processes import tocsin, tocsin_env
from tocsin import crises, names
from tocsin.cli.common import load_settings
from tocsin.config import Settings, SettingsError, file_mode
from tocsin.models import (
    CancelRequest,
    Channel,
    CrisisOutcome,
    CrisisRun,
    CrisisState,
    CrisisStatus,
    Decision,
    DecisionAction,
    DecisionRequest,
    Draft,
    EditDiff,
    EventKind,
    Fact,
    FactRequest,
    Finding,
    Gate,
    NotifyKind,
    NotifyRequest,
    Override,
    PhaseName,
    Publication,
    PublishRequest,
    RevisionRequest,
    RevisionResult,
    Severity,
    StatementText,
    TextEdit,
)
from tocsin.models.base import (
    KEPT_EVENTS,
    KEPT_PUBLICATIONS,
    MAX_COMMENT_CHARS,
    MAX_EDIT_CHARS,
    MAX_EDITS_CHARS,
    MAX_FACT_CHARS,
    MAX_FACTS,
    MAX_FACTS_BYTES,
    MAX_FINDINGS,
    MAX_INPUT_BYTES,
    MAX_PARAMS,
    MAX_REVISIONS_PER_GATE,
)
from tocsin.models.workflow import CRISIS_ID, crisis_workflow_id
from tocsin.outbox import Modes, review_paths, statement_path, write_once
from workflows import caps, rules

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
        await raw_update(client, crisis_id, update, request)
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
    await raw_update(
        client, cid, names.CANCEL, CancelRequest(person="dominique", reason="fausse alerte")
    )
    assert (await status(client, cid)).state == "cancelled"


# --------------------------------------------------------------------------- bounded state


async def _update(client: Client, cid: str, update: str, request: BaseModel) -> None:
    await raw_update(client, cid, update, request)


async def _gate(client: Client, cid: str) -> CrisisStatus:
    return await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="the gate")


async def test_facts_stop_at_their_caps_and_the_crisis_still_answers(
    client: Client, start: Start
) -> None:
    """The attack of the issue: facts of the largest size, as many as one will take. Past the
    caps each is refused, typed; the status still answers, an approval still lands."""
    cid = (await start(crisis_input("faits"))).crisis_id
    await _gate(client, cid)
    big = "Distribution d’eau en bouteille, point n° {:03d}. " + "x" * (MAX_FACT_CHARS - 60)
    full: BaseException | None = None
    for number in range(MAX_FACTS):
        fact = FactRequest(person="camille", text=big.format(number))
        try:
            await _update(client, cid, names.ADD_FACT, fact)
        except WorkflowUpdateFailedError as exc:
            full = exc.cause
            break
    assert isinstance(full, ApplicationError)
    assert full.type == "FactsTooLarge"
    held = sum(len(f.text.encode()) for f in (await status(client, cid)).facts)
    assert MAX_FACTS_BYTES - len(big.encode()) < held <= MAX_FACTS_BYTES
    held = len((await status(client, cid)).facts)
    for number in range(MAX_FACTS - held):
        await _update(
            client, cid, names.ADD_FACT, FactRequest(person="camille", text=f"n° {number}")
        )
    many = await _refusal(
        client, cid, names.ADD_FACT, FactRequest(person="camille", text="un de plus")
    )
    assert many.type == "TooManyFacts"
    # Past the model's cap, through the raw API (the client's model would refuse it first).
    long = FactRequest.model_construct(
        person="camille", text="y" * (MAX_FACT_CHARS + 1), override=""
    )
    with pytest.raises(WorkflowUpdateFailedError):
        await _update(client, cid, names.ADD_FACT, long)
    found = await status(client, cid)
    assert len(found.facts) == MAX_FACTS
    assert len(found.model_dump_json().encode()) < 512 * 1024
    await approve(client, cid, "dominique", PhaseName.ACKNOWLEDGE)
    await wait_status(client, cid, lambda s: s.phase is PhaseName.EXPLAIN, what="the next phase")


async def test_revisions_comments_and_edits_stop_at_their_caps(
    client: Client, start: Start
) -> None:
    """Changes requested and revised as often as one will take, edits doubled and too big:
    each past its cap refused, typed; the status answers and the approval lands."""
    cid = (await start(crisis_input("revisions"))).crisis_id
    gate = await _gate(client, cid)
    assert gate.revision is not None
    revision = gate.revision
    long_comment = "Préciser. " + "z" * (MAX_COMMENT_CHARS - 10)
    for number in range(MAX_REVISIONS_PER_GATE - 1):
        await _update(
            client,
            cid,
            names.DECIDE,
            DecisionRequest(
                person="dominique",
                revision=revision,
                action=DecisionAction.REQUEST_CHANGES,
                comment=long_comment,
            ),
        )
        edit = TextEdit(channel=Channel.SMS, language="fr", text=f"Eau non potable, avis {number}.")
        done = await raw_update(
            client,
            cid,
            names.REVISE,
            RevisionRequest(person="camille", base_revision=revision, edits=[edit], note="n"),
            result_type=RevisionResult,
        )
        revision = done.revision
    over = await _refusal(
        client,
        cid,
        names.DECIDE,
        DecisionRequest(
            person="dominique",
            revision=revision,
            action=DecisionAction.REQUEST_CHANGES,
            comment="encore",
        ),
    )
    assert over.type == "TooManyRevisions"
    too_long = DecisionRequest.model_construct(
        person="dominique",
        revision=revision,
        action=DecisionAction.REJECT,
        comment="w" * (MAX_COMMENT_CHARS + 1),
        edits=[],
        override="",
    )
    with pytest.raises(WorkflowUpdateFailedError):
        await _update(client, cid, names.DECIDE, too_long)
    sms = TextEdit(channel=Channel.SMS, language="fr", text="Eau non potable.")
    twice = await _refusal(
        client,
        cid,
        names.DECIDE,
        DecisionRequest(
            person="dominique",
            revision=revision,
            action=DecisionAction.APPROVE_WITH_EDITS,
            edits=[sms, sms],
        ),
    )
    assert twice.type == "DuplicateEdit"
    channels = [Channel.WEBSITE, Channel.PRESS_RELEASE, Channel.POSTER, Channel.HOTLINE, Channel.X]
    heavy = [
        TextEdit(channel=channel, language="fr", text="Texte. " * (MAX_EDIT_CHARS // 7))
        for channel in channels
    ]
    assert sum(len(e.text) for e in heavy) > MAX_EDITS_CHARS
    big = await _refusal(
        client,
        cid,
        names.DECIDE,
        DecisionRequest(
            person="dominique",
            revision=revision,
            action=DecisionAction.APPROVE_WITH_EDITS,
            edits=heavy,
        ),
    )
    assert big.type == "EditsTooLarge"
    found = await status(client, cid)
    assert found.revision == revision
    assert len(found.decisions) == MAX_REVISIONS_PER_GATE - 1
    assert len(found.model_dump_json().encode()) < 512 * 1024
    await approve(client, cid, "dominique", PhaseName.ACKNOWLEDGE)
    await wait_status(client, cid, lambda s: s.phase is PhaseName.EXPLAIN, what="the next phase")


@pytest.mark.parametrize(
    ("change", "what"),
    [
        ({"params": {f"p{n}": "v" for n in range(MAX_PARAMS + 1)}}, "params"),
        ({"params": {"commune": "c" * 2_001}}, "params"),
        ({"templates": {"x.j2": "t" * MAX_INPUT_BYTES}}, "input"),
    ],
    ids=["many-params", "long-param", "huge-templates"],
)
async def test_a_crisis_started_with_too_much_fails_at_once(
    client: Client, settings: Settings, change: dict[str, object], what: str
) -> None:
    crisis = crisis_input("gros").model_copy(update=change)
    handle = await client.start_workflow(
        names.WORKFLOW,
        CrisisRun(crisis=crisis),
        id=crisis.crisis_id,
        task_queue=settings.task_queue,
        result_type=CrisisOutcome,
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await asyncio.wait_for(handle.result(), timeout=30)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError)
    assert cause.type == "InputTooLarge"
    assert cause.non_retryable
    assert cause.details[0]["what"] == what
    assert _files(settings.data_dir) == []


def _worst_state() -> CrisisRun:
    """A crisis at every cap at once, every text in two-byte letters: what a run would carry
    across continue-as-new, and about what its status answers."""
    now = datetime.now(UTC)
    crisis = crisis_input("pire")
    room = MAX_INPUT_BYTES - len(crisis.model_dump_json().encode()) - 64
    crisis = crisis.model_copy(update={"templates": {**crisis.templates, "pad.j2": "t" * room}})
    state = CrisisState(detected_at=now)
    fact = "é" * (MAX_FACT_CHARS - 1)
    state.facts = [Fact(text=fact, person="camille", added_at=now)] * (
        MAX_FACTS_BYTES // len(fact.encode())
    )
    texts = [
        StatementText(channel=channel, language="fr", text="é" * MAX_EDIT_CHARS)
        for channel in list(Channel)[:9]
    ]
    finding = Finding(
        rule="R-PRIVACY", severity=Severity.BLOCKING, message="m" * 300, message_en="m" * 300
    )
    draft = Draft(
        phase=PhaseName.ACKNOWLEDGE,
        revision=1,
        author="camille",
        drafted_at=now,
        texts=texts,
        findings=[finding] * MAX_FINDINGS,
    )
    edits = [
        EditDiff(
            channel=channel,
            language="fr",
            before="é" * (MAX_EDITS_CHARS // 9),
            after="è" * (MAX_EDITS_CHARS // 9),
        )
        for channel in list(Channel)[:9]
    ]
    comment = "é" * MAX_COMMENT_CHARS
    for number in range(500):
        decision = Decision(
            phase=PhaseName.FOLLOW_UP,
            sequence=number,
            revision=number,
            person="dominique",
            person_name="Dominique Lefèvre",
            roles=["director"],
            action=DecisionAction.APPROVE_WITH_EDITS,
            comment=comment,
            edits=edits,
            decided_at=now,
            waited=timedelta(minutes=3),
            level=0,
            override=Override(rules=["R-PRIVACY"], findings=[finding] * 10, justification=comment),
        )
        caps.add_decision(state, decision)
    for number in range(5_000):
        rules.record(state, EventKind.FACT_ADDED, now, person="camille", detail=comment)
        caps.add_publication(
            state,
            Publication(
                phase=PhaseName.FOLLOW_UP,
                sequence=number,
                revision=number,
                channel=Channel.PRESS_RELEASE,
                language="fr",
                path=f"/srv/tocsin/outbox/{crisis.crisis_id}/5-follow_up-{number:02d}/x.fr.md",
                sha256="0" * 64,
                published_at=now,
                approved_by="dominique",
            ),
        )
    state.open_gate = Gate(
        phase=PhaseName.ACKNOWLEDGE,
        sequence=0,
        draft=draft,
        opened_at=now,
        level_started_at=now,
        last_reminder_at=now,
    )
    return CrisisRun(crisis=crisis, state=state)


def test_what_a_crisis_carries_is_bounded_whatever_people_add() -> None:
    """Every list the state keeps at its cap, every text as long and heavy as allowed: the
    run's input across continue-as-new stays under Temporal's 2 MB payload limit."""
    carried = _worst_state()
    assert carried.state is not None
    assert len(carried.state.events) == KEPT_EVENTS
    assert len(carried.state.publications) == KEPT_PUBLICATIONS
    assert carried.state.decided == 500
    assert carried.state.published == 5_000
    size = len(carried.model_dump_json().encode())
    assert size < 1_600_000, size  # 2 MB less a margin for the envelope


# --------------------------------------------------------------------------- personal data


MOBILE = "06 12 34 56 78"


async def test_personal_data_is_refused_at_entry_unless_an_override_role_says_why(
    client: Client, start: Start
) -> None:
    """A fact or a comment holding a private mobile number (R-PRIVACY, blocking) is refused
    before it enters the crisis; the refusal says why without the number. A person of an
    override role keeps a fact by saying why, and that is recorded."""
    cid = (await start(crisis_input("donnees"))).crisis_id
    gate = await _gate(client, cid)
    text = f"Mme Jeanne Dupont, riveraine, signale l’odeur : joignable au {MOBILE}."
    plain = await _refusal(client, cid, names.ADD_FACT, FactRequest(person="camille", text=text))
    assert plain.type == "PersonalData"
    assert "R-PRIVACY" in plain.message
    assert MOBILE not in plain.message
    justification = "Témoin clé que la cellule doit rappeler ; fait interne, jamais publié."
    not_allowed = await _refusal(
        client,
        cid,
        names.ADD_FACT,
        FactRequest(person="camille", text=text, override=justification),
    )
    assert not_allowed.type == "OverrideNotAllowed"
    too_short = await _refusal(
        client, cid, names.ADD_FACT, FactRequest(person="dominique", text=text, override="ok")
    )
    assert too_short.type == "OverrideReason"
    assert (await status(client, cid)).facts == []
    await _update(
        client,
        cid,
        names.ADD_FACT,
        FactRequest(person="dominique", text=text, override=justification),
    )
    found = await status(client, cid)
    assert [(f.text, f.override) for f in found.facts] == [(text, justification)]
    assert any(e.kind is EventKind.OVERRIDDEN and justification in e.detail for e in found.events)
    assert gate.revision is not None
    comment = await _refusal(
        client,
        cid,
        names.DECIDE,
        DecisionRequest(
            person="dominique",
            revision=gate.revision,
            action=DecisionAction.REQUEST_CHANGES,
            comment=f"Appelez-moi au {MOBILE} avant de republier.",
        ),
    )
    assert comment.type == "PersonalData"
    clean = "La distribution d’eau ouvre à 7 h 30, salle polyvalente."
    await _update(client, cid, names.ADD_FACT, FactRequest(person="camille", text=clean))
    assert [f.text for f in (await status(client, cid)).facts] == [text, clean]
    await approve(client, cid, "dominique", PhaseName.ACKNOWLEDGE)


def test_the_fact_command_takes_a_justification(offline: dict[str, str]) -> None:
    result = tocsin(offline, "fact", "--help", timeout=LIMIT)
    assert result.code == 0
    assert "--override" in result.out
    sent = tocsin(
        offline,
        *("fact", f"crisis-{PLAYBOOK}-x", f"Joignable au {MOBILE}", "--as", "dominique"),
        *("--override", "Témoin que la cellule doit rappeler."),
        timeout=LIMIT,
    )
    assert sent.code == 1  # no server here: the options were taken, the request built
    assert "Entrée refusée" not in sent.err
    assert "serveur" in sent.err.lower() or "server" in sent.err.lower()


# --------------------------------------------------------------------------- file modes


def _modes(root: Path) -> dict[str, set[int]]:
    """The permission bits of every file and folder under ``root``."""
    found: dict[str, set[int]] = {"files": set(), "folders": set()}
    for path in [root, *root.rglob("*")]:
        kind = "folders" if path.is_dir() else "files"
        found[kind].add(stat.S_IMODE(path.stat().st_mode))
    return found


async def test_what_a_worker_writes_is_owner_only(
    client: Client, start: Start, settings: Settings
) -> None:
    """Statements, journal and notices hold personal data: 0600, folders 0700, whatever the
    umask (here the test process's)."""
    cid = (await start(crisis_input("droits"))).crisis_id
    await approve(client, cid, "dominique", PhaseName.ACKNOWLEDGE)
    await wait_status(client, cid, lambda s: len(s.publications) > 0, what="a publication")
    outbox = _modes(settings.outbox)
    notices = _modes(settings.data_dir / "notifications")
    assert outbox == {"files": {0o600}, "folders": {0o700}}, outbox
    assert notices == {"files": {0o600}, "folders": {0o700}}, notices
    assert any(p.name == "journal.jsonl" for p in settings.outbox.rglob("*"))


def test_the_file_mode_setting_opens_them_to_a_group(tmp_path: Path) -> None:
    modes = Modes(file_mode({"TOCSIN_FILE_MODE": "640"}))
    review = review_paths(tmp_path / "outbox", f"crisis-{PLAYBOOK}-x")
    write_once(review.markdown, "# Retex", None, modes)
    write_once(
        statement_path(
            tmp_path / "outbox", f"crisis-{PLAYBOOK}-x", PhaseName.CLOSE, 0, Channel.SMS, "fr"
        ),
        "Fin.",
        {"crisis": "x"},
        modes,
    )
    assert _modes(tmp_path / "outbox") == {"files": {0o640}, "folders": {0o750}}
    assert file_mode({}) == 0o600
    for bad in ("777", "644x", "400", "0700", "beaucoup"):
        with pytest.raises(SettingsError):
            file_mode({"TOCSIN_FILE_MODE": bad})


def test_the_command_line_makes_what_it_and_its_servers_create_owner_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data folder, the local server's database and log, ``server.json``: created by
    commands (and the server they start) under the umask the settings give."""
    monkeypatch.setenv("TOCSIN_DATA_DIR", str(tmp_path / "donnees"))
    monkeypatch.delenv("TOCSIN_FILE_MODE", raising=False)
    before = os.umask(0o022)
    try:
        load_settings()
        data = tmp_path / "donnees"
        data.mkdir()
        (data / "temporal.sqlite").write_text("x", encoding="utf-8")
    finally:
        os.umask(before)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "temporal.sqlite").stat().st_mode) == 0o600
