"""Button clicks on an approval card: approve at once, or open the dialog a decision needs.

Each listener acknowledges first (Slack waits 3 seconds at most), then does the work.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from tocsin import crises
from tocsin.models import CrisisStatus, DecisionAction
from tocsin.slack import cards
from tocsin.slack.front import SlackFront, Unmapped, person_of
from tocsin.slack.ids import ActionId, ViewId

STALE = "⛔ Cette révision n’est plus celle en attente."


def _clicked(body: dict[str, Any]) -> tuple[str, str, str, int, str]:
    """Who clicked, where (channel, message), and on which crisis's revision."""
    action = body["actions"][0]
    crisis_id, revision = cards.parse_value(action["value"])
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    ts = str(container.get("message_ts") or "")
    return str(body["user"]["id"]), channel, ts, revision, crisis_id


def _waiting(status: CrisisStatus, revision: int) -> crises.Current | None:
    """The revision the card shows, if it is still the one that waits."""
    try:
        current = crises.waiting_revision(status)
    except (crises.Refused, crises.NothingAwaits):
        return None
    return current if current.revision == revision else None


class Actions:
    def __init__(self, front: SlackFront) -> None:
        self.front = front

    async def on_approve(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user, channel, ts, revision, crisis_id = _clicked(body)
        blocks = (body.get("message") or {}).get("blocks") or []
        await self.front.decide(
            client,
            user,
            crisis_id,
            revision,
            DecisionAction.APPROVE,
            where=(channel, ts),
            blocks=blocks,
        )

    async def on_open_edits(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user, channel, ts, revision, crisis_id = _clicked(body)
        action = body["actions"][0]["action_id"]
        try:
            status = await self.front.status(crisis_id)
            person_of(status.people, user)
        except (crises.UnknownCrisis, Unmapped) as exc:
            await self.front.tell(client, channel, user, self.front.refusal(exc))
            return
        current = _waiting(status, revision)
        if current is None:
            await self.front.tell(client, channel, user, STALE)
            return
        revise = action == ActionId.REVISE
        view = cards.edits_modal(
            ViewId.REVISE if revise else ViewId.APPROVE_WITH_EDITS,
            "Réviser" if revise else "Approuver, modifié",
            "Envoyer" if revise else "Approuver",
            current.draft,
            (crisis_id, revision, channel, ts),
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def on_open_comment(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user, channel, ts, revision, crisis_id = _clicked(body)
        reject = body["actions"][0]["action_id"] == ActionId.REJECT
        if not reject:
            try:
                status = await self.front.status(crisis_id)
            except crises.UnknownCrisis as exc:
                await self.front.tell(client, channel, user, self.front.refusal(exc))
                return
            current = _waiting(status, revision)
            if current is not None:
                # The texts in the dialog too: a director may propose new wording.
                await client.views_open(
                    trigger_id=body["trigger_id"],
                    view=cards.changes_modal(current.draft, (crisis_id, revision, channel, ts)),
                )
                return
        view = cards.comment_modal(
            ViewId.REJECT if reject else ViewId.REQUEST_CHANGES,
            "Rejeter" if reject else "Demander des modifs",
            "Rejeter" if reject else "Envoyer",
            "Motif du rejet" if reject else "Ce qu’il faut changer",
            (crisis_id, revision, channel, ts),
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)


def register(app: AsyncApp, front: SlackFront) -> None:
    actions = Actions(front)
    app.action(ActionId.APPROVE)(actions.on_approve)
    app.action(ActionId.APPROVE_WITH_EDITS)(actions.on_open_edits)
    app.action(ActionId.REVISE)(actions.on_open_edits)
    app.action(ActionId.REQUEST_CHANGES)(actions.on_open_comment)
    app.action(ActionId.REJECT)(actions.on_open_comment)
