"""Slack, as a stranger or a mistake drives it: the real slack_bolt app over HTTP on loopback,
requests signed as Slack signs them, against the stateful fake of tests/fakeslack.py.

Each test reproduces an attack of issue 24 (point 3): a playbook read from a server path, a
crisis's status given to a stranger, Slack markup published through a comment, malformed signed
values, the HTTP port open to every interface, a request replayed to a second app process.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from temporalio.client import Client

from tests.fakeslack import (
    CHANNEL,
    FakeSlack,
    block_actions,
    button_value,
    form,
    has_buttons,
    sign,
    slack_library,
    slash,
    view_submission,
    with_slack_people,
)
from tests.helpers import LIBRARY, crisis_input, samples, until, until_quiet, wait_status
from tests.processes import spawn
from tests.rig import Rig, running
from tocsin import crises
from tocsin.config import BUNDLED_PLAYBOOKS
from tocsin.models import (
    Decision,
    DecisionAction,
    NotifyKind,
    NotifyRequest,
    PhaseName,
)
from tocsin.playbook.reading import read_yaml
from tocsin.preview import preview_drafts
from tocsin.slack.ids import ActionId, BlockId, ViewId
from tocsin.slack.notifier import SlackNotifier, web_client
from tocsin.slack.replays import guard_for
from tocsin.slack.run import slack_app
from tocsin.slack.settings import SlackSettings
from tocsin.temporal import free_port


async def command(rig: Rig, user: str, text: str) -> str:
    """``/tocsin TEXT`` typed by ``user``: acknowledged at once, and the one answer it gets."""
    seen = len(rig.fake.responses)
    body = slash(text, user, CHANNEL, rig.fake.response_url())
    assert (await rig.post_raw(body, sign(body)))[0] == 200
    await until(lambda: len(rig.fake.responses) > seen, 10, f"an answer to {text[:40]!r}")
    assert len(rig.fake.responses) == seen + 1
    return str(rig.fake.responses[seen]["text"])


def from_here(path: Path) -> str:
    """``path`` relative to the working directory: ``../../tmp/…``."""
    return os.path.relpath(path)


def spy_on_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the playbook loader reads from now on."""
    read: list[Path] = []

    def spy(file: Path) -> Any:
        read.append(Path(file).resolve())
        return read_yaml(file)

    monkeypatch.setattr("tocsin.playbook.library.read_yaml", spy)
    return read


# --------------------------------------------------------------------------- /tocsin lancer


async def test_lancer_reads_the_library_only_and_only_for_its_people(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/tocsin lancer /any/path.yaml` parsed a file of the server and echoed its path and keys,
    for any member of the workspace; a stranger got the dialog of any playbook."""
    secret = tmp_path / "secret" / "passwords.yaml"
    secret.parent.mkdir()
    secret.write_text("db_password: hunter2\napi_key: sk-0123\n", encoding="utf-8")
    # A valid playbook outside the library, with the clicker as a person of it.
    elsewhere = tmp_path / "secret" / "ailleurs.yml"
    elsewhere.write_text(
        (tmp_path / "playbooks" / "eau-non-potable.yml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    read = spy_on_reads(monkeypatch)
    relative = from_here(secret)
    unknown = await command(rig, "UCAMILLE", "lancer inondation-martienne")
    for name in (str(secret), relative, str(elsewhere), "../secret/ailleurs", "../../etc/passwd"):
        answer = await command(rig, "UCAMILLE", f"lancer {name}")
        for leak in ("db_password", "hunter2", "api_key", str(tmp_path), "secret", "passwords"):
            assert leak not in answer, (name, answer)
        assert "identifiant" in answer  # a playbook is named by its id
    assert secret.resolve() not in read
    assert elsewhere.resolve() not in read
    assert rig.fake.views == []

    # A member of the workspace who is nobody in the playbook: no dialog, and the answer a
    # playbook that does not exist gets.
    nothing = await command(rig, "UNOBODY", "lancer inondation-martienne")
    stranger = await command(rig, "UNOBODY", "lancer eau-non-potable")
    assert stranger == nothing.replace("inondation-martienne", "eau-non-potable")
    assert "eau-non-potable" in unknown  # a person is told the playbooks that are theirs
    assert rig.fake.views == []
    # A person of the playbook gets its dialog.
    await command_opens_dialog(rig, "UCAMILLE", "lancer eau-non-potable")


async def command_opens_dialog(rig: Rig, user: str, text: str) -> None:
    body = slash(text, user, CHANNEL, rig.fake.response_url())
    assert (await rig.post_raw(body, sign(body)))[0] == 200
    views = await until(lambda: rig.fake.views, 10, "the start dialog")
    assert views[0]["callback_id"] == ViewId.START


async def test_a_start_dialog_forged_for_a_path_reads_nothing(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog's private metadata names the playbook: a submission naming a path is refused
    at the dialog, nothing read, nothing started."""
    read = spy_on_reads(monkeypatch)
    outside = BUNDLED_PLAYBOOKS / "eau-non-potable.yml"
    view = {
        "type": "modal",
        "callback_id": ViewId.START,
        "private_metadata": f'{{"playbook": "{outside}", "channel": "{CHANNEL}"}}',
        "blocks": [],
    }
    submit = view_submission("UCAMILLE", view, {"tocsin_param__commune": "Saint-Aubin"})
    code, text = await rig.post_raw(form(submit), sign(form(submit)))
    assert code == 200
    assert "errors" in text
    assert str(outside) not in text
    assert outside.resolve() not in read
    assert rig.fake.ephemeral == []


# --------------------------------------------------------------------------- /tocsin statut


async def test_statut_answers_only_the_people_of_the_crisis(rig: Rig) -> None:
    """`/tocsin statut` answered members who are nobody in the playbook: its title, state,
    phase and who it waits for."""
    cid = await rig.trigger(with_slack_people(crisis_input("statut")))
    await wait_status(rig.client, cid, lambda s: s.state == "awaiting_approval", what="gate")
    known = await command(rig, "UCAMILLE", f"statut {cid}")
    assert "Dominique Lefèvre" in known  # a person of the crisis is answered
    nothing = await command(rig, "UNOBODY", "statut inexistante-2026-01-01")
    for verb in ("statut", "fait", "resoudre"):
        text = f"{verb} {cid}" + (" Rumeur." if verb != "statut" else "")
        answer = await command(rig, "UNOBODY", text)
        # Word for word what a crisis that does not exist gets: not even its existence leaks.
        assert answer == nothing.replace("inexistante-2026-01-01", cid), answer
        for leak in ("Eau", "Dominique", "approb", "awaiting", "révision"):
            assert leak not in answer, answer
    current = await crises.status(rig.client, cid)
    assert current.facts == []
    assert not current.resolved


# --------------------------------------------------------------------------- markup


HOSTILE = "<!channel> <!here> <https://evil.example/x|cliquez ici> <@U0BOSS> & ``` fin"
LIVE = ("<!channel>", "<!here>", "<https://evil", "<@U0BOSS>")


async def test_what_people_type_is_shown_inert(rig: Rig) -> None:
    """Change-request and rejection comments went unescaped into the message's ``text``
    fallback: ``<!channel>`` notified the whole channel, ``<https://evil|…>`` made a link. Every
    string a person typed (comments, proposed and revised texts, a note, a fact) is shown as
    typed, in ``text`` and in blocks, and notifies or links nothing."""
    cid = await rig.trigger(with_slack_people(crisis_input("balises")))
    card = await rig.card()
    assert await rig.click("UDOMINIQUE", ActionId.REQUEST_CHANGES, card) == 200
    modal = (await until(lambda: rig.fake.views, 10, "the change dialog"))[0]
    sms = "tocsin_text__sms__fr"
    asked = view_submission(
        "UDOMINIQUE", modal, {BlockId.COMMENT: HOSTILE, sms: f"Eau non potable. {HOSTILE}"}
    )
    assert await rig.post(asked) == 200
    ask = await until(
        lambda: [
            m for m in rig.fake.thread(CHANNEL, card["ts"]) if ActionId.REVISE in str(m["blocks"])
        ],
        15,
        "the change request in the thread",
    )
    assert await command(rig, "UCAMILLE", f"fait {cid} {HOSTILE}")
    revise_value = ask[0]["blocks"][1]["elements"][0]["value"]
    click = block_actions(
        "UCAMILLE", ActionId.REVISE, revise_value, CHANNEL, ask[0]["ts"], ask[0]["blocks"]
    )
    assert await rig.post(click) == 200
    revise = (await until(lambda: rig.fake.views[1:], 10, "the revise dialog"))[0]
    revised = view_submission(
        "UCAMILLE", revise, {sms: f"Eau non potable : {HOSTILE}", BlockId.COMMENT: HOSTILE}
    )
    assert await rig.post(revised) == 200
    await wait_status(rig.client, cid, lambda s: s.revision == 2, what="revision 2")
    card2 = await until(
        lambda: (
            (m := rig.fake.message(CHANNEL, card["ts"]))
            and has_buttons(m)
            and '"revision":2' in str(m["blocks"])
            and m
        ),
        15,
        "the card at revision 2",
    )
    assert await rig.click("UDOMINIQUE", ActionId.REJECT, card2) == 200
    reject = (await until(lambda: rig.fake.views[2:], 10, "the reject dialog"))[0]
    assert await rig.post(view_submission("UDOMINIQUE", reject, {BlockId.REASON: HOSTILE})) == 200
    done = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 2, what="rejected")
    assert done.decisions[1].comment == HOSTILE  # recorded as typed
    await until(
        lambda: not has_buttons(rig.fake.message(CHANNEL, card["ts"]) or {}), 15, "card decided"
    )
    await until_quiet(rig.client, cid)
    shown = list(rig.fake.shown(markup=True))
    assert any("&lt;!channel&gt;" in text for text in shown)  # shown, as typed
    live = [text for text in shown if any(markup in text for markup in LIVE)]
    assert live == []


# --------------------------------------------------------------------------- malformed values


def _click(value: Any, **changes: Any) -> dict[str, Any]:
    payload = block_actions("UDOMINIQUE", ActionId.APPROVE, "", CHANNEL, "1700000001.000100", [])
    payload["actions"][0]["value"] = value
    payload.update(changes)
    return payload


async def test_malformed_signed_values_are_acknowledged_and_refused_politely(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """Malformed values in signed requests (bad JSON in a button's value, wrong types, missing
    fields, overlong) ended in a traceback and no acknowledgement. Each is acknowledged, the
    clicker is told politely, nothing is decided, and the app answers the next click."""
    cid = await rig.trigger(with_slack_people(crisis_input("malforme")))
    card = await rig.card()
    clicks = [
        _click("pas du json"),
        _click('{"crisis": "x"}'),
        _click(json.dumps({"crisis": ["x"], "revision": "1"})),
        _click(json.dumps({"crisis": cid, "revision": True})),
        _click(json.dumps({"crisis": cid, "revision": 10**30})),
        _click(json.dumps({"crisis": "../../etc", "revision": 1})),
        _click("x" * 100_000),
        _click(None),
        _click(7),
    ]
    for told, payload in enumerate(clicks):
        code, _ = await rig.post_raw(form(payload), sign(form(payload)))
        assert code == 200, payload["actions"][0]["value"]
        await until(lambda: len(rig.fake.ephemeral) > told, 10, "a polite refusal")  # noqa: B023
        refusal = rig.fake.ephemeral[told]
        assert refusal["user"] == "UDOMINIQUE"
        assert "n’a pas pu être lue" in refusal["text"]
    # Shapes Bolt itself reads: no user, a user that is a string, actions that are no list.
    for payload in (
        _click("{}", user="UDOMINIQUE"),
        _click("{}", user={"id": ["U1"]}),
        {**_click("{}"), "actions": "tocsin_approve"},
        {**_click("{}"), "actions": [{"action_id": "tocsin_approve", "value": {"crisis": 1}}]},
    ):
        code, _ = await rig.post_raw(form(payload), sign(form(payload)))
        assert code == 200

    # Dialogs whose metadata is not what the app wrote: refused at the dialog's field.
    comment: dict[str, str] = {BlockId.COMMENT: "Ajouter les horaires."}
    dialogs: list[tuple[ViewId, str, dict[str, str]]] = [
        (ViewId.REQUEST_CHANGES, "pas du json", comment),
        (ViewId.REQUEST_CHANGES, json.dumps({"crisis": cid, "revision": "deux"}), comment),
        (ViewId.REQUEST_CHANGES, json.dumps([cid, 1]), comment),
        (ViewId.REJECT, json.dumps({"crisis": cid}), {BlockId.REASON: "Non."}),
        (ViewId.START, "pas du json", {"tocsin_param__commune": "Saint-Aubin"}),
        (ViewId.START, json.dumps({"playbook": ["eau-non-potable"]}), {}),
    ]
    for callback, meta, values in dialogs:
        view = {"type": "modal", "callback_id": callback, "private_metadata": meta, "blocks": []}
        payload = view_submission("UDOMINIQUE", view, values)
        code, text = await rig.post_raw(form(payload), sign(form(payload)))
        assert code == 200, (callback, meta)
        assert "errors" in text, (callback, meta, text)
    # A typed value that is no text.
    good = json.dumps({"crisis": cid, "revision": 1, "channel": CHANNEL, "ts": card["ts"]})
    view = {"type": "modal", "callback_id": ViewId.REJECT, "private_metadata": good}
    payload = view_submission("UDOMINIQUE", view, {})
    payload["view"]["state"]["values"] = {BlockId.REASON: {"value": {"value": 5}}}
    code, text = await rig.post_raw(form(payload), sign(form(payload)))
    assert code == 200
    assert "errors" in text
    # A slash command with no user and no text.
    body = urllib.parse.urlencode({"command": "/tocsin", "response_url": rig.fake.response_url()})
    assert (await rig.post_raw(body, sign(body)))[0] == 200

    assert (await crises.status(rig.client, cid)).decisions == []
    # The app still answers the next click.
    assert await rig.click("UDOMINIQUE", ActionId.APPROVE, card) == 200
    await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, what="the decision")
    tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == [], [r.getMessage() for r in tracebacks]


# --------------------------------------------------------------------------- where the app listens


def listening(port: int) -> set[str]:
    """The local addresses a TCP socket listens on at ``port`` (Linux: /proc/net/tcp{,6})."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text(encoding="ascii").splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1


async def test_the_http_mode_listens_on_loopback_unless_told(fake: FakeSlack) -> None:
    """The HTTP mode bound 0.0.0.0: every interface of the host took Slack requests."""
    slack = SlackSettings.from_env({**fake.env(CHANNEL, app_port=free_port())})
    assert slack is not None
    assert slack.host == "127.0.0.1"
    async with slack_app(slack, cast(Client, None)) as where:
        assert where.startswith("http://127.0.0.1:")
        bound = listening(slack.port)
        assert bound
        assert bound <= LOOPBACK
    told = SlackSettings.from_env({**fake.env(CHANNEL, app_port=1), "TOCSIN_SLACK_HOST": "::1"})
    assert told is not None
    assert told.host == "::1"


# --------------------------------------------------------------------------- replays


async def test_a_request_replayed_to_another_app_process_is_refused(
    tmp_path: Path, fake: FakeSlack
) -> None:
    """The replay guard was kept per process: the same signed click, sent again within Slack's
    five minutes to a second `tocsin slack` behind the same address, was taken a second time.
    Two app processes sharing the data directory: the second answers 401."""
    slack_library(tmp_path)
    async with running(
        tmp_path,
        server="dev",
        fake=fake,
        channel=CHANNEL,
        app="http",
        models=False,
        TOCSIN_PLAYBOOKS=str(tmp_path / "playbooks"),
    ) as rig:
        other_port = free_port()
        other = await spawn(
            ["slack"], {**rig.env, "TOCSIN_SLACK_PORT": str(other_port)}, tmp_path / "slack-2.log"
        )
        rig.processes.append(other)
        await other.wait_for_output("App Slack prête", within=90)
        cid = await rig.trigger(with_slack_people(crisis_input("rejeu")))
        card = await rig.card(within=30)
        value = button_value(card, ActionId.APPROVE)
        body = form(block_actions("UDOMINIQUE", ActionId.APPROVE, value, CHANNEL, card["ts"], []))
        headers = sign(body)
        assert (await rig.post_raw(body, headers))[0] == 200
        rig.slack_url = rig.slack_url.replace(str(rig.env["TOCSIN_SLACK_PORT"]), str(other_port))
        assert (await rig.post_raw(body, headers))[0] == 401  # the other process refuses it
        # Signed at another second, it is another request: taken (the workflow refuses a second
        # decision, and only the clicker hears of it).
        fresh = sign(body, timestamp=int(headers["X-Slack-Request-Timestamp"]) - 1)
        assert (await rig.post_raw(body, fresh))[0] == 200
        done = await wait_status(rig.client, cid, lambda s: len(s.decisions) == 1, what="one")
        assert done.decisions[0].person == "dominique"


async def test_the_shared_record_forgets_a_request_once_slack_would_refuse_it(
    tmp_path: Path,
) -> None:
    first, second = guard_for(tmp_path), guard_for(tmp_path)
    now = 1_800_000_000.0
    assert await first.first_time("v0=abc", str(int(now)), now=now)
    assert not await second.first_time("v0=abc", str(int(now)), now=now + 10)
    assert await second.first_time("v0=abd", str(int(now)), now=now + 10)  # another request
    # Once its timestamp has left the 5-minute window, Bolt refuses the request itself: the
    # record is dropped, and the file stays small.
    assert await first.first_time("v0=new", str(int(now + 400)), now=now + 400)
    with sqlite3.connect(tmp_path / "slack-requests.sqlite") as db:
        assert db.execute("SELECT count(*) FROM seen").fetchone() == (1,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert (tmp_path / "slack-requests.sqlite").stat().st_mode & 0o077 == 0


async def test_names_titles_roles_and_parameters_are_shown_inert(fake: FakeSlack) -> None:
    """What a notice carries from the playbook and the trigger (its title, people's names, a
    role, parameters in the texts, a Slack id) reaches Slack inert, whatever the notice."""
    loaded = LIBRARY.load("eau-non-potable")
    params = {**samples(), "commune": f"Saint-Aubin {HOSTILE}"}
    draft = preview_drafts(loaded, LIBRARY.template_folders, params, [PhaseName.ACKNOWLEDGE])[0]
    assert any(HOSTILE in item.text for item in draft.texts)
    decision = Decision(
        phase=PhaseName.ACKNOWLEDGE,
        sequence=1,
        revision=1,
        person="dominique",
        person_name=HOSTILE,
        roles=["director"],
        action=DecisionAction.REQUEST_CHANGES,
        comment=HOSTILE,
        decided_at=datetime.now(UTC),
        waited=timedelta(minutes=3),
        level=0,
    )
    notifier = SlackNotifier(web_client(fake.settings(CHANNEL)), CHANNEL)
    base = NotifyRequest(
        crisis_id="crisis-balises",
        title=HOSTILE,
        kind=NotifyKind.APPROVAL_REQUESTED,
        phase=PhaseName.ACKNOWLEDGE,
        sequence=1,
        revision=1,
        recipient_names=[HOSTILE],
        recipient_slack_ids=["U1> <!channel"],
        approver_role=HOSTILE,
        message=HOSTILE,
        idempotency_key="k-approval",
        draft=draft,
    )
    first = await notifier.notify(base, retry=False)
    for kind in NotifyKind:
        if kind is NotifyKind.APPROVAL_REQUESTED:
            continue
        await notifier.notify(
            base.model_copy(
                update={
                    "kind": kind,
                    "idempotency_key": f"k-{kind.value}",
                    "card": first.card,
                    "decision": decision,
                    "texts": draft.texts,
                    "recipient_slack_ids": [],
                    "author_slack_ids": ["<!here>"],
                }
            ),
            retry=False,
        )
    shown = list(fake.shown(markup=True))
    assert len(shown) > 30
    live = [text for text in shown if any(markup in text for markup in LIVE)]
    assert live == [], live


async def test_card_buttons_open_no_dialog_for_strangers(rig: Rig) -> None:
    """A member of the channel who is nobody in the crisis clicked Reject or Request changes
    on a card and got the dialog, with the statement's texts: told privately, no dialog."""
    await rig.trigger(with_slack_people(crisis_input("inconnu")))
    card = await rig.card()
    buttons = (ActionId.REJECT, ActionId.REQUEST_CHANGES, ActionId.APPROVE_WITH_EDITS)
    for told, action in enumerate(buttons):
        assert await rig.click("UNOBODY", action, card) == 200
        await until(lambda: len(rig.fake.ephemeral) > told, 10, "the refusal")  # noqa: B023
        assert rig.fake.ephemeral[told]["user"] == "UNOBODY"
    assert rig.fake.views == []
    assert await rig.click("UDOMINIQUE", ActionId.REJECT, card) == 200  # a person gets it
    await until(lambda: rig.fake.views, 10, "the reject dialog")
