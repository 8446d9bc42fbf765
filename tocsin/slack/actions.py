"""Button clicks on an approval card: approve at once, or open the dialog a decision needs.

Each listener acknowledges first (Slack waits 3 seconds at most), then reads the click; a click
whose value is not what the card carried is refused politely to the clicker alone.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from tocsin import crises
from tocsin.i18n import t
from tocsin.models import CrisisStatus, DecisionAction
from tocsin.slack import modals, payloads
from tocsin.slack.front import SlackFront, Unmapped, person_of
from tocsin.slack.ids import ActionId, ViewId


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

    async def clicked(self, body: dict[str, Any], client: AsyncWebClient) -> payloads.Click | None:
        """The click, or None once the clicker is told it could not be read."""
        try:
            return payloads.click(body)
        except payloads.Malformed:
            await self.front.tell_malformed(client, body)
            return None

    async def on_approve(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        click = await self.clicked(body, client)
        if click is None:
            return
        message = payloads.mapping(body, "message")
        blocks = message.get("blocks")
        await self.front.decide(
            client,
            click.user,
            click.crisis_id,
            click.revision,
            DecisionAction.APPROVE,
            where=(click.channel, click.ts),
            blocks=[b for b in blocks if isinstance(b, dict)] if isinstance(blocks, list) else [],
        )

    async def on_open_edits(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        click = await self.clicked(body, client)
        if click is None:
            return
        try:
            status = await self.front.status(click.crisis_id)
            person_of(status.people, click.user)
        except (crises.UnknownCrisis, Unmapped) as exc:
            await self.front.tell(client, click.channel, click.user, self.front.refusal(exc))
            return
        current = _waiting(status, click.revision)
        if current is None:
            await self.front.tell(client, click.channel, click.user, t("slack.stale"))
            return
        revise = click.action == ActionId.REVISE
        view = modals.edits_modal(
            ViewId.REVISE if revise else ViewId.APPROVE_WITH_EDITS,
            t("slack.revise") if revise else t("slack.modal.approve_with_edits"),
            t("slack.send") if revise else t("slack.approve"),
            current.draft,
            (click.crisis_id, click.revision, click.channel, click.ts),
        )
        await client.views_open(trigger_id=click.trigger_id, view=view)

    async def on_open_comment(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        click = await self.clicked(body, client)
        if click is None:
            return
        reject = click.action == ActionId.REJECT
        meta = (click.crisis_id, click.revision, click.channel, click.ts)
        try:
            # No dialog for someone who is nobody in the crisis.
            people, _ = await self.front.people_of(click.crisis_id)
            person_of(people, click.user)
            status = None if reject else await self.front.status(click.crisis_id)
        except (crises.UnknownCrisis, Unmapped) as exc:
            await self.front.tell(client, click.channel, click.user, self.front.refusal(exc))
            return
        if status is not None:
            current = _waiting(status, click.revision)
            if current is not None:
                # The texts in the dialog too: a director may propose new wording.
                await client.views_open(
                    trigger_id=click.trigger_id, view=modals.changes_modal(current.draft, meta)
                )
                return
        view = modals.comment_modal(
            ViewId.REJECT if reject else ViewId.REQUEST_CHANGES,
            t("slack.reject") if reject else t("slack.modal.request_changes"),
            t("slack.reject") if reject else t("slack.send"),
            t("slack.reason") if reject else t("slack.what_to_change"),
            meta,
        )
        await client.views_open(trigger_id=click.trigger_id, view=view)


def register(app: AsyncApp, front: SlackFront) -> None:
    actions = Actions(front)
    app.action(ActionId.APPROVE)(actions.on_approve)
    app.action(ActionId.APPROVE_WITH_EDITS)(actions.on_open_edits)
    app.action(ActionId.REVISE)(actions.on_open_edits)
    app.action(ActionId.REQUEST_CHANGES)(actions.on_open_comment)
    app.action(ActionId.REJECT)(actions.on_open_comment)
