"""A public Matrix room as a channel (tocsin/publish/matrix.py), through
:func:`tocsin.publish.publisher.publish` and the accounts file, against a real Synapse: each
text posted once whatever the retries (the transaction id from the publication's key), its
event id and matrix.to link recorded, a crisis's posts replying to the last, a correction as an
edit, a retraction as a redaction, and the errors a crisis must get through."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.matrix.server import Synapse
from tocsin.matrix.client import MatrixClient
from tocsin.models import Channel, PhaseName
from tocsin.publish import check
from tocsin.publish.accounts import Accounts, MatrixAccount, parse_accounts
from tocsin.publish.errors import BadCredentials, DrillRefused
from tocsin.publish.models import Action, Publication, PublishRequest
from tocsin.publish.publisher import publish
from tocsin.publish.ratelimit import Limits
from tocsin.yamlsource import load_yaml

pytestmark = pytest.mark.timeout(900)  # may wait for Synapse's install (tests/matrix/)

NAME = "salon-public"
VARIABLE = "MATRIX_PUBLIC_TOKEN"


def request(sequence: int = 1, **changes: Any) -> PublishRequest:
    values: dict[str, Any] = {
        "crisis_id": "crisis-inondation-moselle",
        "phase": PhaseName.FOLLOW_UP,
        "sequence": sequence,
        "revision": 0,
        "channel": Channel.FACEBOOK,
        "language": "fr",
        "account": NAME,
        "text": f"Crue de la Moselle : point n° {sequence}. <b>pas du HTML</b> @room",
        "exercise": False,
    }
    values.update(changes)
    return PublishRequest.model_validate(values)


class Room:
    def __init__(self, synapse: Synapse) -> None:
        self.bot = synapse.register("mairie")
        self.reader = synapse.register("habitant")
        self.room = self.bot.create_room(preset="public_chat", name="Mairie — informations")
        self.reader.join(self.room)
        self.synapse = synapse

    def accounts(self, **fields: Any) -> Accounts:
        spec = {
            "kind": "matrix",
            "homeserver": self.synapse.url,
            "user_id": self.bot.user_id,
            "room": self.room,
            "token_env": VARIABLE,
            **fields,
        }
        account = MatrixAccount.model_validate(spec)
        return Accounts(None, {NAME: account}, {Channel.FACEBOOK: [NAME]})

    async def publish(self, req: PublishRequest, token: str | None = None) -> Publication:
        env = {VARIABLE: self.bot.token if token is None else token}
        return await publish(req, self.accounts(), env=env, limits=Limits())

    def posts(self) -> list[dict[str, Any]]:
        return [
            e
            for e in self.reader.messages(self.room)
            if e["sender"] == self.bot.user_id and e["type"] == "m.room.message"
        ]


async def test_a_statement_is_posted_once_with_its_event_id_and_link(synapse: Synapse) -> None:
    room = Room(synapse)
    first = await room.publish(request(1))
    again = await room.publish(request(1))  # the activity retried: the same transaction
    assert again.remote_id == first.remote_id
    posts = await asyncio.to_thread(room.posts)
    assert [p["event_id"] for p in posts] == [first.remote_id]
    content = posts[0]["content"]
    assert content["body"] == request(1).text  # sent as text: no markup, no room mention
    assert "formatted_body" not in content
    assert content["m.mentions"] == {}
    assert first.url is not None
    assert first.url.startswith("https://matrix.to/#/%21")
    assert first.remote_id.replace("$", "%24") in first.url
    assert first.kind.value == "matrix"

    # The crisis's next post replies to the previous one; a correction edits it in place.
    second = await room.publish(request(2, thread=first.remote_id))
    posts = await asyncio.to_thread(room.posts)
    assert posts[-1]["content"]["m.relates_to"] == {"m.in_reply_to": {"event_id": first.remote_id}}
    fixed = request(
        2, revision=1, action=Action.CORRECT, previous=second, text="Point n° 2, corrigé."
    )
    edit = await room.publish(fixed)
    posts = await asyncio.to_thread(room.posts)
    assert posts[-1]["event_id"] == edit.remote_id
    assert posts[-1]["content"]["m.new_content"]["body"] == "Point n° 2, corrigé."
    assert posts[-1]["content"]["m.relates_to"] == {
        "rel_type": "m.replace",
        "event_id": second.remote_id,
    }
    # A retraction takes the post down (redacted: its words are gone for every reader).
    gone = request(1, action=Action.RETRACT, previous=first)
    await room.publish(gone)
    await room.publish(gone)
    posts = await asyncio.to_thread(room.posts)
    withdrawn = next(p for p in posts if p["event_id"] == first.remote_id)
    assert withdrawn["content"] == {}
    redactions = [e for e in room.reader.messages(room.room) if e["type"] == "m.room.redaction"]
    assert len(redactions) == 1


async def test_refusals_a_crisis_must_get_through(synapse: Synapse, tmp_path: Path) -> None:
    room = Room(synapse)
    with pytest.raises(BadCredentials) as refused:
        await room.publish(request(1), token="syt_pas_le_bon")
    assert VARIABLE in str(refused.value)
    assert "syt_pas_le_bon" not in str(refused.value)
    # A drill never reaches a real room.
    with pytest.raises(DrillRefused):
        await room.publish(request(1, exercise=True))
    assert await asyncio.to_thread(room.posts) == []
    # The accounts file: a token written in it is refused; `tocsin accounts check` says what
    # the bot sees of the room.
    text = (
        "accounts:\n"
        f"  {NAME}:\n    kind: matrix\n    homeserver: {synapse.url}\n"
        f"    user_id: '{room.bot.user_id}'\n    room: '{room.room}'\n    token_env: {VARIABLE}\n"
        f"channels:\n  facebook: [{NAME}]\n"
    )
    file = tmp_path / "accounts.yml"
    file.write_text(text)
    accounts = parse_accounts(load_yaml(file))
    (ok,) = await check.check_all(accounts, {VARIABLE: room.bot.token})
    assert ok.ok, ok.sentence("fr")
    assert "2 membre(s)" in ok.sentence("fr")
    stranger = synapse.register("ailleurs")
    (bad,) = await check.check_all(accounts, {VARIABLE: stranger.token})
    assert not bad.ok
    assert "M_FORBIDDEN" in bad.sentence("fr") or "403" in bad.sentence("fr")
    assert json.dumps(stranger.token) not in bad.sentence("fr")


async def test_rate_limits_are_waited_out_as_synapse_asks(synapse: Synapse) -> None:
    """Synapse limits the bot to one message a second (its admin API): every send still goes
    out once, after waiting the ``retry_after_ms`` Synapse gave."""
    room = Room(synapse)
    admin = synapse.register("admin", admin=True)
    path = f"/_synapse/admin/v1/users/{quote(room.bot.user_id)}/override_ratelimit"
    admin.call("POST", path, {"messages_per_second": 1, "burst_count": 1})
    waits: list[float] = []
    client = MatrixClient(synapse.url, room.bot.token, room.bot.user_id)

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(seconds)

    client.sleep = sleep
    async with client:
        sent = [
            await client.send(
                room.room, "m.room.message", {"msgtype": "m.text", "body": f"n°{n}"}, f"k{n}"
            )
            for n in range(4)
        ]
    assert len(set(sent)) == 4
    assert waits, "Synapse never answered M_LIMIT_EXCEEDED"
    assert all(0 < w <= 1.5 for w in waits), waits
    bodies = [p["content"]["body"] for p in await asyncio.to_thread(room.posts)]
    assert bodies == [f"n°{n}" for n in range(4)]
