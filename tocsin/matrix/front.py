"""What the Matrix bot's handlers share: the Temporal client, each crisis's people remembered,
the one place a decision goes to the workflow, and the ways of answering a person.

The sender of an event is authenticated by the homeserver: the bot maps it to the playbook
person whose ``matrix_user_id`` it is. Someone who is nobody in the crisis is told so in a
private room, and nothing else happens; the workflow's refusals (four-eyes, a stale revision)
are said in the card's thread.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError
from temporalio.client import Client

from tocsin import crises
from tocsin.i18n import invalid_input, t
from tocsin.identity.signing import Credential
from tocsin.matrix.cards import KEY_TAG, Rich, in_thread
from tocsin.matrix.client import MatrixClient
from tocsin.matrix.notifier import MESSAGE, MatrixNotifier
from tocsin.models import CrisisStatus, Decision, DecisionRequest, Person

log = structlog.get_logger("tocsin.matrix")

TemporalClient = Callable[[], Awaitable[Client]]
PEOPLE_CACHE = 1_000  # crises whose people the bot remembers


class Unmapped(Exception):
    """A Matrix user who is no person of the crisis's playbook."""

    def __init__(self, user_id: str) -> None:
        super().__init__(user_id)
        self.user_id = user_id


# What a handler tells the person instead of acting.
REFUSALS = (crises.Refused, crises.UnknownCrisis, crises.NothingAwaits, ValidationError)


def person_of(people: dict[str, Person], user_id: str) -> str:
    """The playbook person a Matrix user is (``Unmapped`` if none)."""
    for person_id, person in people.items():
        if person.matrix_user_id == user_id:
            return person_id
    raise Unmapped(user_id)


def refusal(exc: Exception) -> str:
    """A refusal in the person's words (plain text)."""
    if isinstance(exc, crises.Refused):
        return html.unescape(t("slack.refused", reason=exc.localized()))
    if isinstance(exc, crises.UnknownCrisis):
        return t("matrix.no_crisis", crisis=exc.crisis[:80])
    if isinstance(exc, crises.NothingAwaits):
        return t("matrix.nothing_awaits")
    if isinstance(exc, ValidationError):
        return "⛔ " + invalid_input(exc)
    raise exc


class MatrixFront:
    """The state the handlers share, bound to a Temporal client and the bot's Matrix client."""

    def __init__(
        self, client: MatrixClient, room: str, temporal: TemporalClient, key: Ed25519PrivateKey
    ) -> None:
        self.client = client
        self.key = key
        self.room = room
        self.temporal = temporal
        self.rooms = MatrixNotifier(client, room)  # the bot's direct rooms, found or made
        self.crisis_people: LRUCache[str, dict[str, Person]] = LRUCache(maxsize=PEOPLE_CACHE)

    async def status(self, crisis_id: str) -> CrisisStatus:
        found = await crises.status(await self.temporal(), crisis_id, events=False)
        self.crisis_people[crisis_id] = found.people
        return found

    async def person(self, crisis_id: str, user_id: str) -> str:
        """The person ``user_id`` is in the crisis (people snapshotted at trigger: cached)."""
        people = self.crisis_people.get(crisis_id)
        if people is None:
            people = (await self.status(crisis_id)).people
        return person_of(people, user_id)

    def signed_as(self, sender: str) -> Credential:
        """What a change sent by Matrix user ``sender`` (as the homeserver authenticated them)
        is signed with."""
        return Credential(self.key, f"matrix:{sender}")

    async def decide(self, crisis_id: str, request: DecisionRequest, sender: str) -> Decision:
        """The one place a decision taken in Matrix goes to the workflow (whose validator has
        the last word), signed for ``sender``."""
        decision = await crises.decide(
            await self.temporal(), crisis_id, request, self.signed_as(sender)
        )
        log.info(
            "matrix.decided",
            crisis=crisis_id,
            revision=request.revision,
            action=request.action.value,
        )
        return decision

    # ------------------------------------------------------------------ answering

    async def reply(self, room: str, event: str, root: str, text: str) -> None:
        """An answer to ``event`` in the thread of ``root`` (or as a reply when there is no
        thread), sent once whatever happens: its transaction comes from the event answered."""
        content: dict[str, Any] = (
            Rich().add(text).content(**{KEY_TAG: f"reply/{event}", "m.mentions": {}})
        )
        if root:
            content = in_thread(root, content)
            content["m.relates_to"]["m.in_reply_to"] = {"event_id": event}
            content["m.relates_to"]["is_falling_back"] = False
        else:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": event}}
        await self.client.send(room, MESSAGE, content, f"reply/{event}")

    async def tell_privately(self, user_id: str, event: str, text: str) -> None:
        """A message to ``user_id`` alone, in the bot's direct room with them."""
        room = await self.rooms.direct_room(user_id)
        if not room:
            return
        content = Rich().add(text).content(**{KEY_TAG: f"private/{event}", "m.mentions": {}})
        await self.client.send(room, MESSAGE, content, f"private/{event}")

    async def refuse(self, exc: Exception, user_id: str, where: tuple[str, str, str]) -> None:
        """Say why nothing was done: privately to a stranger, in the thread otherwise."""
        room, event, root = where
        if isinstance(exc, Unmapped):
            await self.tell_privately(user_id, event, t("matrix.unmapped", user=user_id))
            return
        await self.reply(room, event, root, refusal(exc))
