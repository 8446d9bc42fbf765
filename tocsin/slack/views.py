"""Dialogs submitted: a decision or a revision on a card, and a crisis started from Slack.

A dialog that misses something answers with the error beside its field, and nothing is sent; a
dialog whose metadata is not what the app wrote is refused the same way.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from tocsin.i18n import t
from tocsin.models import DecisionAction
from tocsin.slack import payloads
from tocsin.slack.front import SlackFront, value_of
from tocsin.slack.ids import BlockId, ViewId
from tocsin.slack.start import Start

DECISIONS = {
    ViewId.APPROVE_WITH_EDITS: DecisionAction.APPROVE_WITH_EDITS,
    ViewId.REQUEST_CHANGES: DecisionAction.REQUEST_CHANGES,
    ViewId.REJECT: DecisionAction.REJECT,
}


class Views:
    def __init__(self, front: SlackFront) -> None:
        self.front = front

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        submitted = payloads.submission(body, BlockId.COMMENT)
        values, callback = submitted.values, submitted.callback
        try:
            crisis_id, revision, channel, ts = submitted.card()
            if not submitted.user:
                raise payloads.Malformed("user")
        except payloads.Malformed:
            await ack(
                response_action="errors", errors={submitted.first_block: t("slack.malformed")}
            )
            return
        if callback in (ViewId.REJECT, ViewId.REQUEST_CHANGES):
            block = BlockId.REASON if callback == ViewId.REJECT else BlockId.COMMENT
            if not value_of(values, block):
                await ack(response_action="errors", errors={block: t("slack.required")})
                return
        await ack()
        user = submitted.user
        if callback == ViewId.REVISE:
            await self.front.revise(client, user, crisis_id, revision, values, channel)
            return
        action = DECISIONS[ViewId(callback)]
        comment = value_of(
            values, BlockId.REASON if action is DecisionAction.REJECT else BlockId.COMMENT
        )
        await self.front.decide(
            client,
            user,
            crisis_id,
            revision,
            action,
            comment=comment,
            values=values,
            where=(channel, ts),
        )


def register(app: AsyncApp, front: SlackFront) -> None:
    views = Views(front)
    app.view(ViewId.APPROVE_WITH_EDITS)(views.on_submit)
    app.view(ViewId.REQUEST_CHANGES)(views.on_submit)
    app.view(ViewId.REJECT)(views.on_submit)
    app.view(ViewId.REVISE)(views.on_submit)
    app.view(ViewId.START)(Start(front).on_submit)
