"""What the bot does with each event people send: a ✅ on a card approves, a ❌ asks for the
reason (the next reply in the thread rejects with it), a reply « modifications : … » asks for
changes, ``canal:langue=texte`` lines approve with edits, and ``!tocsin`` commands.

A card is only ever an event the bot itself sent (the homeserver says who sent what), and the
revision a reaction approves is the one the card showed when the reaction was made: its latest
edit by the bot made before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from pydantic import ValidationError

from tocsin.i18n import t
from tocsin.matrix import events
from tocsin.matrix.cards import CARD_TAG
from tocsin.matrix.client import MatrixError
from tocsin.matrix.commands import Commands
from tocsin.matrix.front import REFUSALS, MatrixFront, Unmapped
from tocsin.matrix.notifier import CARD_DATA, digest
from tocsin.models import DecisionAction, DecisionRequest, TextEdit
from tocsin.models.workflow import CRISIS_ID

log = structlog.get_logger("tocsin.matrix")

Where = tuple[str, str, str]  # room, event answered, thread root
MAX_PENDING = 200  # rejections waiting for their reason


@dataclass(frozen=True)
class Card:
    """A card (or a line of its thread that asks for a decision) as the bot sent it."""

    crisis: str
    revision: int
    root: str  # the card: the thread's root


def _ts(event: dict[str, Any]) -> int:
    value = event.get("origin_server_ts")
    return value if isinstance(value, int) else 0


def _tag(content: object) -> Card | None:
    if not isinstance(content, dict):
        return None
    tag = content.get(CARD_TAG)
    if not isinstance(tag, dict):
        return None
    crisis, revision = tag.get("crisis"), tag.get("revision")
    if not isinstance(crisis, str) or not CRISIS_ID.fullmatch(crisis):
        return None
    if not isinstance(revision, int) or isinstance(revision, bool) or revision < 0:
        return None
    return Card(crisis, revision, "")


class Handlers:
    def __init__(self, front: MatrixFront, commands: Commands) -> None:
        self.front = front
        self.commands = commands
        # (room, thread root, user) -> (crisis, revision): a ❌ waiting for its reason.
        self.pending: dict[tuple[str, str, str], tuple[str, int]] = {}

    # ------------------------------------------------------------------ cards

    async def card(self, room: str, event_id: str, before: int) -> Card | None:
        """The card ``event_id`` is, as it stood at ``before`` (ms); None for any other event.
        A line of the card's thread shows the revision it names; the card itself, the last
        revision its record says it showed before ``before`` (tocsin.matrix.notifier)."""
        client = self.front.client
        try:
            found = await client.event(room, event_id)
        except MatrixError as exc:
            if exc.status in (403, 404):
                return None
            raise
        if found.get("sender") != client.user_id:
            return None
        content = found.get("content")
        card = _tag(content)
        if card is None or not isinstance(content, dict):
            return None
        root = events.thread_root(found)
        if root:
            return Card(card.crisis, card.revision, root)
        tag = content[CARD_TAG]
        gate = f"{card.crisis}/{tag.get('phase')}/{tag.get('sequence')}/{tag.get('correction')}"
        record = await client.room_data(self.front.room, CARD_DATA + digest(gate)) or {}
        revision, latest = card.revision, -1
        for entry in record.get("shown") or []:
            if not isinstance(entry, list) or len(entry) < 2:
                continue
            shown, at = entry[0], entry[1]
            if isinstance(shown, int) and isinstance(at, int) and latest <= at <= before:
                revision, latest = shown, at
        return Card(card.crisis, revision, event_id)

    # ------------------------------------------------------------------ events

    async def handle(self, room: str, event: dict[str, Any]) -> None:
        """One event of a room the bot is in (never one of its own)."""
        sender = event.get("sender")
        event_id = events.event_id(event.get("event_id"))
        if not isinstance(sender, str) or not event_id:
            return
        reaction = events.reaction(event)
        if reaction is not None:
            await self.on_reaction(room, sender, event_id, reaction, _ts(event))
            return
        message = events.message(event)
        if message is not None:
            await self.on_message(room, sender, event_id, message, _ts(event))

    async def on_reaction(
        self, room: str, sender: str, event_id: str, reaction: events.Reaction, at: int
    ) -> None:
        approve = reaction.key in events.APPROVE_KEYS
        if not approve and reaction.key not in events.REJECT_KEYS:
            return
        card = await self.card(room, reaction.target, at)
        if card is None:
            return
        where = (room, event_id, card.root)
        if approve:
            await self.decide(sender, card.crisis, card.revision, DecisionAction.APPROVE, where)
            return
        try:
            await self.front.person(card.crisis, sender)
        except (Unmapped, *REFUSALS) as exc:
            await self.front.refuse(exc, sender, where)
            return
        if len(self.pending) >= MAX_PENDING:
            self.pending.pop(next(iter(self.pending)))
        self.pending[(room, card.root, sender)] = (card.crisis, card.revision)
        await self.front.reply(room, event_id, card.root, t("matrix.reason_asked"))

    async def on_message(
        self, room: str, sender: str, event_id: str, message: events.Message, at: int
    ) -> None:
        card = await self.card(room, message.root, at) if message.root else None
        root = card.root if card is not None else (message.root or "")
        where = (room, event_id, root)
        parsed = events.command(message.text)
        if parsed is not None:
            verb, rest = parsed
            await self.commands.run(verb, rest, sender, card, where, self)
            return
        if card is None:
            return
        waiting = self.pending.pop((room, card.root, sender), None)
        if waiting is not None:
            crisis, revision = waiting
            await self.decide(
                sender, crisis, revision, DecisionAction.REJECT, where, comment=message.text
            )
            return
        asked = events.changes(message.text)
        if asked is not None:
            await self.decide(
                sender,
                card.crisis,
                card.revision,
                DecisionAction.REQUEST_CHANGES,
                where,
                comment=asked,
            )
            return
        await self.approve_with_edits(sender, card, message.text, where)

    async def approve_with_edits(self, sender: str, card: Card, text: str, where: Where) -> bool:
        """Approve with the texts of ``canal:langue=texte`` lines; False when there are none."""
        try:
            edits = events.edits(text)
        except events.BadEdits as exc:
            await self.front.reply(*where, t("matrix.bad_edit", line=exc.line, channel=exc.text))
            return True
        except ValidationError as exc:
            await self.front.refuse(exc, sender, where)
            return True
        if not edits:
            return False
        await self.decide(
            sender, card.crisis, card.revision, DecisionAction.APPROVE_WITH_EDITS, where, edits
        )
        return True

    async def decide(
        self,
        sender: str,
        crisis: str,
        revision: int,
        action: DecisionAction,
        where: Where,
        edits: list[TextEdit] | None = None,
        *,
        comment: str = "",
    ) -> None:
        """A decision by ``sender``; whatever refuses it is said (privately to a stranger)."""
        try:
            person = await self.front.person(crisis, sender)
            await self.front.decide(
                crisis,
                DecisionRequest(
                    person=person,
                    revision=revision,
                    action=action,
                    comment=comment,
                    edits=edits or [],
                ),
                sender,
            )
        except (Unmapped, *REFUSALS) as exc:
            await self.front.refuse(exc, sender, where)
