"""What the notify activity does in Matrix: post the approval card in the crisis room and to the
approver whose turn it is, keep it up to date (``m.replace``), and thread reminders,
escalations, deadlines, decisions, publications and manual tasks under it (``m.thread``).

Every send is a ``PUT`` whose transaction id comes from the notice's idempotency key: a retry,
even after the homeserver accepted the send and the worker died before Temporal recorded the
activity, gets the event already made, never a second one. Where each gate's card is (and its
copies in direct messages) is kept in the bot's room account data on the homeserver, written
right after the card is sent: any worker, restarted or not, finds the card again there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import structlog

from tocsin.i18n import t
from tocsin.i18n.formats import role_name
from tocsin.matrix import cards
from tocsin.matrix.cards import Rich
from tocsin.matrix.client import MatrixClient
from tocsin.models import NotifyKind, NotifyRequest, NotifyResult

log = structlog.get_logger("tocsin.matrix")

CARD_DATA = "fr.tocsin.card."  # + a digest of the gate: where its card is
DIRECT_DATA = "fr.tocsin.direct."  # + a digest of a user id: the bot's direct room with them
MESSAGE = "m.room.message"
ENCRYPTION = "m.room.encryption"


MAX_SHOWN = 20  # revisions a card's record remembers showing


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def gate_of(request: NotifyRequest) -> str | None:
    """The gate a notice is about (crisis, phase, sequence, correction): one card each."""
    if request.phase is None:
        return None
    return f"{request.crisis_id}/{request.phase.value}/{request.sequence}/{request.correction}"


class MatrixNotifier:
    """Notices to one crisis room, through one bot account."""

    def __init__(self, client: MatrixClient, room: str) -> None:
        self.client = client
        self.room = room

    # ------------------------------------------------------------------ where things are

    async def card_of(self, gate: str | None) -> dict[str, Any]:
        """The gate's card as recorded (``event_id``, ``directs``), empty when none yet."""
        if gate is None:
            return {}
        return await self.client.room_data(self.room, CARD_DATA + digest(gate)) or {}

    async def direct_room(self, user_id: str) -> str:
        """The bot's private room with ``user_id``, made (and recorded) the first time; "" when
        the homeserver made it encrypted."""
        kind = DIRECT_DATA + digest(user_id)
        found = await self.client.data(kind) or {}
        room = str(found.get("room") or "")
        if not room:
            room = await self.client.create_direct(user_id)
            # A homeserver that encrypts every new room (Tchap) made it encrypted: tocsin
            # does not write in clear in an encrypted room (see tocsin.matrix.bot).
            encrypted = await self.client.state(room, ENCRYPTION) is not None
            found = {"room": room, "user_id": user_id, "encrypted": encrypted}
            await self.client.set_data(kind, found)
        if found.get("encrypted"):
            log.warning("matrix.direct_encrypted", user=user_id)
            return ""
        return room

    # ------------------------------------------------------------------ sending, once

    async def send(
        self,
        key: str,
        rich: Rich,
        *,
        room: str | None = None,
        root: str = "",
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """Send ``rich`` once (transaction id from ``key``), in the thread of ``root`` if given."""
        content = rich.content(**{cards.KEY_TAG: key, "m.mentions": {}, **(extra or {})})
        if root:
            content = cards.in_thread(root, content)
        return await self.client.send(room or self.room, MESSAGE, content, key)

    async def edit(
        self,
        key: str,
        original: str,
        rich: Rich,
        *,
        room: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> str:
        """Replace what ``original`` shows (``m.replace``), once for ``key``."""
        content = rich.content(**{cards.KEY_TAG: key, **(extra or {})})
        return await self.client.send(
            room or self.room, MESSAGE, cards.replaced(original, content), f"{key}-edit"
        )

    async def shown(
        self, gate: str | None, found: dict[str, Any], event_id: str, revision: int
    ) -> dict[str, Any]:
        """Record that the card shows ``revision`` since ``event_id`` (the card or its edit),
        at the homeserver's time of that event: the bot reads which revision a reaction saw
        from this, never from a person's words."""
        if gate is None:
            return found
        event = await self.client.event(self.room, event_id)
        at = event.get("origin_server_ts")
        shown = [x for x in found.get("shown") or [] if isinstance(x, list)][-(MAX_SHOWN - 1) :]
        if [revision, at] not in [x[:2] for x in shown]:
            shown.append([revision, at])
        found = {**found, "shown": shown}
        await self.client.set_room_data(self.room, CARD_DATA + digest(gate), found)
        return found

    # ------------------------------------------------------------------ notices

    async def notify(self, request: NotifyRequest, *, retry: bool = True) -> NotifyResult:
        """Send the notice. Safe to repeat: each send's transaction id is its key's."""
        del retry  # every send is idempotent by its transaction id: a retry looks for nothing
        key = f"{request.crisis_id}/{request.idempotency_key}"
        kind = request.kind
        gate = gate_of(request)
        found = await self.card_of(gate)
        root = str(found.get("event_id") or "")
        if kind in (NotifyKind.APPROVAL_REQUESTED, NotifyKind.ESCALATION) and request.draft:
            reference = await self._ask(request, key, gate, found)
        elif kind in (NotifyKind.CHANGES_REQUESTED, NotifyKind.DECIDED, NotifyKind.PUBLISHED):
            reference = await self._decided(request, key, gate, found)
        elif kind is NotifyKind.REMINDER:
            text = (
                t("slack.reminder_line", who=cards.names(request), revision=request.revision)
                if request.approver_role
                else f"🔔 {cards.notice_text(request)}"
            )
            reference = await self.send(
                key, cards.line(text), root=root, extra=cards.mentions(request.recipient_matrix_ids)
            )
        elif kind is NotifyKind.DEADLINE_MISSED:
            text = t("slack.deadline_line", revision=request.revision, who=cards.names(request))
            reference = await self.send(key, cards.line(text), root=root)
        elif kind in (NotifyKind.TASK, NotifyKind.POST_FAILED) and request.tasks:
            reference = await self.send(key, cards.tasks_message(request), root=root)
        elif kind is NotifyKind.POSTED and request.deliveries:
            reference = await self.send(key, cards.posts_message(request), root=root)
        elif kind is NotifyKind.REVIEW:
            reference = await self.send(key, cards.review_message(request))
        else:
            reference = await self.send(
                key, cards.line(f"ℹ️ {cards.notice_text(request)}"), root=root
            )
        return NotifyResult(delivered=True, channel="matrix", reference=f"{self.room}/{reference}")

    async def _ask(
        self, request: NotifyRequest, key: str, gate: str | None, found: dict[str, Any]
    ) -> str:
        """The card (posted, or brought up to date), and a copy to each approver asked now."""
        rich = cards.card(request)
        tag = cards.card_tag(request)
        asked = cards.mentions(request.recipient_matrix_ids)
        card = str(found.get("event_id") or "")
        if card:
            # A new revision or an escalation: the same card, brought up to date; the thread
            # says what changed, and is itself a place to react.
            edited = await self.edit(key, card, rich, extra=tag)
            found = await self.shown(gate, found, edited, tag[cards.CARD_TAG]["revision"])
            text = (
                t(
                    "slack.escalation_line",
                    role=role_name(request.approver_role),
                    who=cards.names(request),
                    revision=request.revision,
                )
                if request.kind is NotifyKind.ESCALATION
                else t("slack.new_revision", revision=request.revision, who=cards.names(request))
            )
            await self.send(key, cards.line(text), root=card, extra={**tag, **asked})
        else:
            card = await self.send(key, rich, extra={**tag, **asked})
            # Recorded right away: a crash before this line is mended by the retry, whose send
            # (same transaction) answers with this very card.
            found = {"event_id": card, "gate": gate, "directs": {}}
            found = await self.shown(gate, found, card, tag[cards.CARD_TAG]["revision"])
        directs = dict(found.get("directs") or {})
        for user_id in request.recipient_matrix_ids:
            room = await self.direct_room(user_id)
            if not room:
                continue
            copy = directs.get(room)
            if copy:
                await self.edit(f"{key}-dm", str(copy), rich, room=room, extra=tag)
            else:
                directs[room] = await self.send(
                    f"{key}-dm", rich, room=room, extra={**tag, **asked}
                )
        if gate is not None and directs != (found.get("directs") or {}):
            found = {**found, "directs": directs}
            await self.client.set_room_data(self.room, CARD_DATA + digest(gate), found)
        log.info("matrix.card", crisis=request.crisis_id, card=card, kind=request.kind.value)
        return card

    async def _decided(
        self, request: NotifyRequest, key: str, gate: str | None, found: dict[str, Any]
    ) -> str:
        """The card says who decided what (and loses its « how to decide »); the thread says
        what follows: the decision, then each published text."""
        card = str(found.get("event_id") or "")
        status = cards.status_of(request.decision, request)
        if card and (request.draft or request.texts):
            rich = cards.card(request, status=status)
            tag = cards.card_tag(request, decided=True)
            edited = await self.edit(key, card, rich, extra=tag)
            await self.shown(gate, found, edited, tag[cards.CARD_TAG]["revision"])
            for room, copy in dict(found.get("directs") or {}).items():
                await self.edit(f"{key}-dm", str(copy), rich, room=str(room), extra=tag)
        if request.kind is NotifyKind.PUBLISHED:
            first = await self.send(key, cards.line(cards.published_line(request)), root=card)
            for index, item in enumerate(request.texts):
                await self.send(f"{key}-{index}", cards.published_text(item), root=card)
            return first
        return await self.send(
            key, Rich().add(cards.unslack(status), f"<p>{status}</p>"), root=card
        )
