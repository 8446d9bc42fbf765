"""A crisis played through Matrix: a real Synapse (the session's), the bot's account, the
playbook's people as Synapse users in a crisis room, a worker notifying Matrix and the bot
syncing, on a time-skipping Temporal server of the test's own."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.conftest import terminate_when_quiet, time_skipping_env
from tests.helpers import crisis_input, settings_for, signed
from tests.matrix.server import Person, Synapse
from tocsin import crises
from tocsin.config import Settings
from tocsin.matrix.bot import matrix_bot
from tocsin.matrix.cards import CARD_TAG, KEY_TAG
from tocsin.matrix.client import MatrixClient
from tocsin.matrix.settings import MatrixSettings
from tocsin.models import Channel, CrisisInput
from tocsin.publish.accounts import Accounts, MatrixAccount
from tocsin.worker import build_worker

PEOPLE = ("camille", "dominique", "sacha", "noor")


@dataclass
class MatrixRig:
    synapse: Synapse
    bot: Person
    room: str
    people: dict[str, Person]
    stranger: Person
    settings: Settings
    matrix: MatrixSettings
    public: str = ""  # a public room: the Facebook channel's account
    clock: WorkflowEnvironment | None = None
    ids: list[str] = field(default_factory=list)

    @property
    def client(self) -> Client:
        assert self.clock is not None
        return self.clock.client

    def crisis(self, key: str) -> CrisisInput:
        """A crisis of the water playbook, each person with their Matrix id."""
        return with_matrix_people(crisis_input(key), self.people)

    async def trigger(self, key: str) -> str:
        started = await crises.trigger(self.client, self.settings, self.crisis(key), signed())
        self.ids.append(started.crisis_id)
        return started.crisis_id

    # ------------------------------------------------------------------ reading the room

    def events(self, room: str | None = None) -> list[dict[str, Any]]:
        """The room's latest events as a member reads them (the director), oldest first."""
        return self.people["dominique"].messages(room or self.room)

    def sent_by_bot(self, room: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.events(room)
            if e["sender"] == self.bot.user_id and e["type"] == "m.room.message"
        ]

    def cards(self, room: str | None = None) -> list[dict[str, Any]]:
        """The cards the bot posted (edits left out)."""
        return [
            e
            for e in self.sent_by_bot(room)
            if CARD_TAG in e["content"]
            and "m.new_content" not in e["content"]
            and (e["content"].get("m.relates_to") or {}).get("rel_type") != "m.thread"
        ]

    def thread(self, root: str, room: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.sent_by_bot(room)
            if (e["content"].get("m.relates_to") or {}).get("event_id") == root
            and (e["content"].get("m.relates_to") or {}).get("rel_type") == "m.thread"
        ]

    def said_in_thread(self, root: str, words: str, room: str | None = None) -> list[str]:
        return [
            e["content"]["body"] for e in self.thread(root, room) if words in e["content"]["body"]
        ]

    def edits(self, card: str, room: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.sent_by_bot(room)
            if (e["content"].get("m.relates_to") or {}).get("rel_type") == "m.replace"
            and e["content"]["m.relates_to"]["event_id"] == card
        ]

    def keys(self, room: str | None = None) -> list[tuple[str, str]]:
        """The notice key of each message the bot sent, with what it is (a message, a message
        in a thread, an edit): one notice sends each at most once."""
        return [
            (
                str(e["content"].get(KEY_TAG)),
                str((e["content"].get("m.relates_to") or {}).get("rel_type")),
            )
            for e in self.sent_by_bot(room)
        ]


def with_matrix_people(crisis: CrisisInput, people: dict[str, Person]) -> CrisisInput:
    """The crisis's playbook with each person's Matrix id, as an organisation sets it."""
    mapped = {
        pid: person.model_copy(
            update={"matrix_user_id": people[pid].user_id if pid in people else None}
        )
        for pid, person in crisis.playbook.people.items()
    }
    return crisis.model_copy(
        update={"playbook": crisis.playbook.model_copy(update={"people": mapped})}
    )


async def until(get: Callable[[], Any], within: float, what: str) -> Any:
    """Poll ``get`` (it calls the homeserver: off the event loop) until it gives something."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        found = await asyncio.to_thread(get)
        if found:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def accounts(synapse: Synapse) -> tuple[Person, dict[str, Person], Person, str]:
    """The bot, the playbook's people and a stranger, all in a new unencrypted crisis room."""
    bot = synapse.register("tocsin")
    people = {pid: synapse.register(pid) for pid in PEOPLE}
    stranger = synapse.register("stranger")
    room = bot.create_room(preset="public_chat", name="Cellule de crise")
    for person in [*people.values(), stranger]:
        person.join(room)
    return bot, people, stranger, room


@contextlib.asynccontextmanager
async def running(
    folder: Path, synapse: Synapse, *, bot_running: bool = True
) -> AsyncIterator[MatrixRig]:
    """The rig, stopped for sure at the end: the bot, the worker, the server."""
    bot, people, stranger, room = accounts(synapse)
    settings = settings_for(folder / "data", f"tocsin-{uuid.uuid4().hex[:8]}")
    matrix = MatrixSettings(
        homeserver=synapse.url,
        user_id=bot.user_id,
        token=bot.token,
        room=room,
        sync_timeout_ms=500,
    )
    public = bot.create_room(preset="public_chat", name="Mairie — informations")
    people["dominique"].join(public)  # a reader of the public room, as anyone may be
    token = folder / "public-token"
    token.write_text(bot.token)
    token.chmod(0o600)
    account = MatrixAccount(
        kind="matrix",
        homeserver=synapse.url,
        user_id=bot.user_id,
        room=public,
        token_file=token,
    )
    publishing = Accounts(None, {"salon-public": account}, {Channel.FACEBOOK: ["salon-public"]})
    rig = MatrixRig(synapse, bot, room, people, stranger, settings, matrix, public)
    async with contextlib.AsyncExitStack() as stack:
        clock = await stack.enter_async_context(time_skipping_env())
        rig.clock = clock
        api = await stack.enter_async_context(
            MatrixClient(matrix.homeserver, matrix.token, matrix.user_id)
        )
        await stack.enter_async_context(
            build_worker(
                clock.client, settings, matrix=matrix, matrix_client=api, accounts=publishing
            )
        )
        if bot_running:

            async def temporal() -> Client:
                return clock.client

            await stack.enter_async_context(matrix_bot(matrix, temporal, settings.data_dir))
        stack.push_async_callback(terminate_when_quiet, clock.client, rig.ids)
        yield rig
