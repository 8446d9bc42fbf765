"""Signed changes (issue 26): a front end signs what it sends, the workflow verifies it.

The pure part (sign, verify, the key files) without a server; then, through the raw Temporal
API on the time-skipping server, every forged change the issue names, each refused by the
workflow's own validators before it reaches history.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.exceptions import ApplicationError

from tests.conftest import Start
from tests.helpers import (
    PLAYBOOK,
    awaiting,
    crisis_input,
    signed,
    status,
    wait_status,
)
from tests.inprocess import tocsin_here
from tests.processes import tocsin_env
from tocsin import crises, names
from tocsin.config import Settings
from tocsin.identity.keys import (
    KEYS_VARIABLE,
    LOCAL_KEYRING,
    KeysError,
    MissingKey,
    load_keyring,
    local_keys,
    operator,
    private_key,
    trusted_keyring,
)
from tocsin.identity.signing import TRIGGER, Credential, Unverified, public_text, verify
from tocsin.models import (
    CrisisInput,
    CrisisRun,
    Decision,
    DecisionAction,
    DecisionRequest,
    EventKind,
    FactRequest,
    PhaseName,
)
from tocsin.models.identity import Front, FrontKey, Keyring
from tocsin.review import build_review, fetch_chain
from tocsin.review.html import html as review_html
from workflows.crisis import CrisisWorkflow

NOW = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
CID = f"crisis-{PLAYBOOK}-signed"


def _ring(*keys: tuple[Ed25519PrivateKey, Front]) -> Keyring:
    from tocsin.identity.signing import key_id

    return Keyring(
        keys=[
            FrontKey(
                key_id=key_id(public_text(k)), front=f, public=public_text(k), label=f"{f}-{n}"
            )
            for n, (k, f) in enumerate(keys)
        ]
    )


async def approve_with(client: Client, cid: str, by: Credential) -> None:
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    assert gate.revision is not None
    await crises.decide(client, cid, _approve(gate.revision), by)


def _approve(revision: int = 1, person: str = "dominique") -> DecisionRequest:
    return DecisionRequest(person=person, revision=revision, action=DecisionAction.APPROVE)


# --------------------------------------------------------------------------- pure


def test_a_signature_fits_one_request_one_crisis_one_update() -> None:
    key = Ed25519PrivateKey.generate()
    ring = _ring((key, Front.WEB))
    by = Credential(key, "oidc:https://idp.example.fr#dominique")
    request = by.sign(CID, names.DECIDE, _approve(), NOW)
    signer = verify(ring, CID, names.DECIDE, request)
    assert (signer.front, signer.identity) == (Front.WEB, "oidc:https://idp.example.fr#dominique")
    # Through JSON and back, as Temporal carries it: the same bytes are verified.
    carried = DecisionRequest.model_validate_json(request.model_dump_json())
    assert verify(ring, CID, names.DECIDE, carried) == signer
    forged = {
        "another revision": (CID, names.DECIDE, request.model_copy(update={"revision": 2})),
        "another person": (CID, names.DECIDE, request.model_copy(update={"person": "sacha"})),
        "another crisis": (f"crisis-{PLAYBOOK}-other", names.DECIDE, request),
        "another update": (CID, names.REVISE, request),
        "a comment added": (CID, names.DECIDE, request.model_copy(update={"comment": "ok"})),
    }
    for what, (crisis_id, update, changed) in forged.items():
        with pytest.raises(Unverified) as caught:
            verify(ring, crisis_id, update, changed)
        assert caught.value.code == "BadSignature", what
    with pytest.raises(Unverified) as unsigned:
        verify(ring, CID, names.DECIDE, _approve())
    assert unsigned.value.code == "Unsigned"
    stranger = Credential(Ed25519PrivateKey.generate(), "operator:mallory")
    with pytest.raises(Unverified) as unknown:
        verify(ring, CID, names.DECIDE, stranger.sign(CID, names.DECIDE, _approve(), NOW))
    assert unknown.value.code == "UnknownKey"


def test_local_keys_are_made_once_owner_only_and_trusted(tmp_path: Path) -> None:
    env: dict[str, str] = {}  # no key file: the embedded default
    folder = local_keys(tmp_path)
    assert local_keys(tmp_path) == folder  # made once
    pems = sorted(p.name for p in folder.glob("*.pem"))
    assert pems == ["cli.pem", "matrix.pem", "slack.pem", "web.pem"]
    for pem in folder.glob("*.pem"):
        assert stat.S_IMODE(pem.stat().st_mode) == 0o600, pem
    ring = trusted_keyring(tmp_path, env)
    assert sorted(k.front.value for k in ring.keys) == ["cli", "matrix", "slack", "web"]
    by = operator(tmp_path, "astreinte de nuit", env)
    assert ring.find(by.key_id) is not None
    assert by.identity.startswith("operator:")
    assert by.identity.endswith("-cli")
    assert by.reason == "astreinte de nuit"
    # No private key reaches the key file.
    assert "PRIVATE" not in (folder / LOCAL_KEYRING).read_text(encoding="utf-8")


def test_a_key_file_is_checked_at_its_lines(tmp_path: Path) -> None:
    good = public_text(Ed25519PrivateKey.generate())
    file = tmp_path / "keys.yml"
    file.write_text(
        "keys:\n"
        f"  slack-2026: {{front: slack, public: {good}}}\n"
        f"  slack-2027: {{front: slack, public: {good}}}\n"
        "  web: {front: fax, public: AAAA}\n",
        encoding="utf-8",
    )
    with pytest.raises(KeysError) as caught:
        load_keyring(file)
    said = "\n".join(str(p) for p in caught.value.problems)
    assert f"{file}:4" in said, said  # the unknown front end and the short key, at line 4
    assert "fax" in said or "front" in said, said
    file.write_text(
        f"keys:\n  a: {{front: slack, public: {good}}}\n  b: {{front: web, public: {good}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(KeysError) as twice:
        load_keyring(file)
    assert f"{file}:3" in str(twice.value.problems[0]), twice.value.problems


def test_with_a_key_file_a_front_end_needs_its_own_key(tmp_path: Path) -> None:
    env = {KEYS_VARIABLE: str(tmp_path / "keys.yml")}
    with pytest.raises(MissingKey) as caught:
        private_key(Front.SLACK, tmp_path, env)
    assert caught.value.variable == "TOCSIN_SLACK_KEY"
    # Nothing was made in the data folder: with a key file, keys are the organisation's.
    assert not (tmp_path / "keys").exists()


def test_the_command_line_without_its_key_says_which_setting(tmp_path: Path) -> None:
    env = tocsin_env(tmp_path)
    env.pop("TOCSIN_OPERATOR_KEY")
    result = tocsin_here(env, "fact", f"crisis-{PLAYBOOK}-x", "Un fait.", "--as", "camille")
    assert result.code == 1
    assert "TOCSIN_OPERATOR_KEY" in result.err, result.err


# --------------------------------------------------------------------------- the workflow


async def _refused(client: Client, cid: str, update: str, request: object) -> str:
    """Send ``request`` as it is (no signature added) through the raw API: the refusal's type."""
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await client.get_workflow_handle(cid).execute_update(update, request)
    cause = failed.value.cause
    assert isinstance(cause, ApplicationError), cause
    return str(cause.type)


async def test_forged_decisions_are_refused_by_the_workflow(client: Client, start: Start) -> None:
    cid = (await start(crisis_input("signed"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    assert gate.revision is not None
    revision = gate.revision
    by = signed()
    # Unsigned: anyone who reaches the Temporal frontend.
    assert await _refused(client, cid, names.DECIDE, _approve(revision)) == "Unsigned"
    # A key the crisis does not carry.
    mallory = Credential(Ed25519PrivateKey.generate(), "operator:mallory")
    wrong = mallory.sign(cid, names.DECIDE, _approve(revision), NOW)
    assert await _refused(client, cid, names.DECIDE, wrong) == "UnknownKey"
    # A genuine signature, replayed for another revision.
    other = by.sign(cid, names.DECIDE, _approve(revision + 1), NOW)
    moved = other.model_copy(update={"revision": revision})
    assert await _refused(client, cid, names.DECIDE, moved) == "BadSignature"
    # A forged `via`: the request has no such field, the payload is refused as malformed.
    payload = json.loads(by.sign(cid, names.DECIDE, _approve(revision), NOW).model_dump_json())
    payload["via"] = "slack"
    with pytest.raises(WorkflowUpdateFailedError):
        await client.get_workflow_handle(cid).execute_update(names.DECIDE, payload)
    # Slack's key, for a member who is not the person: refused.
    slack = Credential(private_key(Front.SLACK, Path(".")), "slack:UMALLORY")
    spoofed = slack.sign(cid, names.DECIDE, _approve(revision), NOW)
    assert await _refused(client, cid, names.DECIDE, spoofed) == "NotTheirIdentity"
    # A person this crisis's playbook does not know (another body's), signed properly.
    outsider = by.sign(cid, names.DECIDE, _approve(revision, person="chef-de-salle"), NOW)
    assert await _refused(client, cid, names.DECIDE, outsider) == "UnknownPerson"
    assert (await status(client, cid)).decisions == []  # none of them reached history
    # The genuine one is recorded, with the front end and identity of its key, and once only.
    genuine = by.sign(cid, names.DECIDE, _approve(revision), NOW)
    decision: Decision = await client.get_workflow_handle(cid).execute_update(
        names.DECIDE, genuine, result_type=Decision
    )
    assert decision.via == "cli"
    assert decision.signer is not None
    assert decision.signer.identity == by.identity
    fact = by.sign(cid, names.ADD_FACT, FactRequest(person="camille", text="Un fait."), NOW)
    await client.get_workflow_handle(cid).execute_update(names.ADD_FACT, fact)
    assert await _refused(client, cid, names.ADD_FACT, fact) == "Replayed"
    facts = (await status(client, cid)).facts
    assert [f.text for f in facts] == ["Un fait."]


async def _scheduled(handle: WorkflowHandle[Any, Any]) -> list[str]:
    """The activities a run scheduled, by name, from its history."""
    return [
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in (await handle.fetch_history()).events
        if e.HasField("activity_task_scheduled_event_attributes")
    ]


def _untrusted(crisis: CrisisInput) -> CrisisInput:
    """Whoever reaches the frontend could start a crisis carrying their own key and sign it."""
    mallory = Ed25519PrivateKey.generate()
    carrying = crisis.model_copy(update={"keyring": _ring((mallory, Front.CLI))})
    return Credential(mallory, "operator:mallory").sign(crisis.crisis_id, TRIGGER, carrying, NOW)


@pytest.mark.parametrize(
    ("forge", "code", "scheduled"),
    [
        (_untrusted, "UnknownKey", [names.TRUST]),  # the worker's key file decides
        (lambda crisis: crisis, "Unsigned", []),
    ],
    ids=["untrusted-key", "unsigned"],
)
async def test_a_start_the_workers_do_not_trust_fails_before_drafting(
    client: Client,
    settings: Settings,
    forge: Callable[[CrisisInput], CrisisInput],
    code: str,
    scheduled: list[str],
) -> None:
    crisis = forge(crisis_input(f"depart-{code.lower()}"))
    handle = await client.start_workflow(
        CrisisWorkflow.run,
        CrisisRun(crisis=crisis),
        id=crisis.crisis_id,
        task_queue=settings.task_queue,
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await handle.result()
    assert isinstance(failed.value.cause, ApplicationError)
    assert failed.value.cause.type == code
    assert await _scheduled(handle) == scheduled  # nothing drafted, nobody notified


async def test_the_review_says_who_signed_through_which_front_end(
    client: Client, start: Start
) -> None:
    cid = (await start(crisis_input("qui"))).crisis_id
    found = await crises.status(client, cid)
    detected = next(e for e in found.events if e.kind is EventKind.DETECTED)
    assert detected.signer is not None
    assert (detected.signer.front, detected.signer.identity) == (Front.CLI, signed().identity)
    by = Credential(signed().key, signed().identity, "astreinte, direction injoignable")
    await approve_with(client, cid, by)
    review = build_review(await fetch_chain(client, cid))
    html = review_html(review, lang="fr")
    label = signed().identity.partition(":")[2]
    said = f"ligne de commande, opérateur {label} (clé {by.key_id}), motif\u00a0: astreinte"
    assert said in html, html[:2000]


def test_keys_new_writes_an_owner_only_key_and_the_line_for_the_key_file(tmp_path: Path) -> None:
    env = tocsin_env(tmp_path)
    out = tmp_path / "slack.pem"
    made = tocsin_here(
        env, "keys", "new", "--front", "slack", "--label", "slack-2026", "--out", str(out)
    )
    assert made.code == 0, made.text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    line = made.out.strip().splitlines()[-1].strip()
    (tmp_path / "keys.yml").write_text("keys:\n  " + line + "\n", encoding="utf-8")
    ring = load_keyring(tmp_path / "keys.yml")
    assert [(k.front, k.label) for k in ring.keys] == [(Front.SLACK, "slack-2026")]
    assert ring.keys[0].public == public_text(
        private_key(Front.SLACK, tmp_path, {"TOCSIN_SLACK_KEY": str(out)})
    )
    again = tocsin_here(env, "keys", "new", "--front", "slack", "--label", "x", "--out", str(out))
    assert again.code == 1
    assert "existe déjà" in again.err


async def test_the_console_s_identity_must_be_the_person_s(client: Client, start: Start) -> None:
    crisis = crisis_input("console")
    people = dict(crisis.playbook.people)
    people["dominique"] = people["dominique"].model_copy(update={"oidc_subject": "dlefevre"})
    crisis = crisis.model_copy(
        update={"playbook": crisis.playbook.model_copy(update={"people": people})}
    )
    cid = (await start(crisis)).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    assert gate.revision is not None
    web = private_key(Front.WEB, Path("."))
    issuer = "https://idp.example.fr"
    for identity in (f"oidc:{issuer}#mallory", "link:sacha"):
        forged = Credential(web, identity).sign(cid, names.DECIDE, _approve(gate.revision), NOW)
        assert await _refused(client, cid, names.DECIDE, forged) == "NotTheirIdentity", identity
    genuine = Credential(web, f"oidc:{issuer}#dlefevre")
    decision = await crises.decide(client, cid, _approve(gate.revision), genuine)
    assert decision.via == "web"


def test_a_field_added_later_with_its_default_leaves_signatures_valid() -> None:
    """A model grows (a person's new optional id): what was signed before still verifies, as
    the replay of a running crisis's history needs."""
    key = Ed25519PrivateKey.generate()
    ring = _ring((key, Front.CLI))
    request = Credential(key, "operator:alice").sign(CID, names.DECIDE, _approve(), NOW)
    payload = json.loads(request.model_dump_json())

    class Grown(DecisionRequest):
        added: str | None = None

    assert (
        verify(ring, CID, names.DECIDE, Grown.model_validate(payload)).key_id == ring.keys[0].key_id
    )
