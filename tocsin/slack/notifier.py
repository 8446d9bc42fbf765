"""What the notify activity does in Slack: post the approval card, keep it up to date, and thread
reminders, escalations, deadlines and publications under it.

Every call is safe to retry. A message carries its notice's idempotency key in Slack message
metadata; when the activity is retried, the notifier first looks for a message with that key and
updates it instead of posting. A worker killed after Slack accepted a card and before Temporal
recorded the activity therefore finds its card again on retry: no second card. A first attempt
cannot have posted anything, so it looks for nothing. Rate limits (429) are retried after
Retry-After by slack-sdk's retry handlers; anything still failing raises, and Temporal retries
the activity.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from types import MappingProxyType
from typing import Any

import aiohttp
import structlog
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.web.async_client import AsyncWebClient

from tocsin.i18n import t
from tocsin.i18n.formats import role_name
from tocsin.models import NotifyKind, NotifyRequest, NotifyResult
from tocsin.slack.cards import (
    approval_card,
    card_text,
    decided_status,
    notice_words,
    revise_button,
    shown,
    statement_title,
)
from tocsin.slack.correctcards import published_payload
from tocsin.slack.ids import CARD_EVENT, NOTICE_EVENT, PUBLISHED_EVENT
from tocsin.slack.settings import SlackSettings
from tocsin.slack.taskcards import posts_message, task_message
from tocsin.slack.words import channel_name, escape, language_name, mentions, text_name

log = structlog.get_logger("tocsin.slack")
HISTORY_SCAN = 200  # messages looked through to find a card again
NOTHING_YET: Mapping[str, str] = MappingProxyType({})  # what a first attempt has posted


API_TIMEOUT = 10  # seconds, each Web API call


def web_client(
    settings: SlackSettings, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """The Web API client, pointed at ``SLACK_API_URL``, with Slack's retry handlers. Without
    ``session``, each call opens a connection of its own (and its TLS handshake to Slack)."""
    client = AsyncWebClient(
        token=settings.bot_token, base_url=settings.api_url, timeout=API_TIMEOUT, session=session
    )
    client.retry_handlers.extend(
        [
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
        ]
    )
    return client


@contextlib.asynccontextmanager
async def kept_alive(settings: SlackSettings) -> AsyncIterator[AsyncWebClient]:
    """A Web API client whose calls share kept-alive connections, for the block: a card's update
    after a click, and the several calls of a notice, do not each open one to Slack. Bolt's
    per-request clients share the session of the app's client."""
    timeout = aiohttp.ClientTimeout(total=API_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        yield web_client(settings, session)


SECTION_LIMIT = 3000  # Slack's limit for a section block's text


def split_card(card: str) -> tuple[str, str]:
    channel, _, ts = card.partition("/")
    return channel, ts


def review_block(request: NotifyRequest) -> str:
    """The summary as Slack shows it: the title in bold, the rest as preformatted lines (the
    review module writes it in the organisation's language)."""
    title, _, rest = request.message.partition("\n")
    head = f"📋 *{escape(title)}*"
    return f"{head}\n{shown(rest, head)}"


class SlackNotifier:
    def __init__(self, client: AsyncWebClient, channel: str) -> None:
        self.client = client
        self.channel = channel

    # ------------------------------------------------------------------ sending, once

    async def posted(self, channel: str, thread_ts: str | None = None) -> dict[str, str]:
        """Idempotency key -> ts of the messages tocsin posted there (the channel's recent
        history, or a thread), read in one call."""
        if thread_ts:
            reply = await self.client.conversations_replies(
                channel=channel, ts=thread_ts, include_all_metadata=True, limit=HISTORY_SCAN
            )
        else:
            reply = await self.client.conversations_history(
                channel=channel, include_all_metadata=True, limit=HISTORY_SCAN
            )
        found: dict[str, str] = {}
        for message in reply.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key"):
                found[str(payload["key"])] = str(message["ts"])
        return found

    async def post_once(
        self,
        channel: str,
        key: str,
        text: str,
        blocks: list[Block] | None = None,
        *,
        thread_ts: str | None = None,
        event: str = NOTICE_EVENT,
        crisis: str = "",
        known: Mapping[str, str] | None = None,
        payload: Mapping[str, str | int | bool] | None = None,
    ) -> str:
        """Post, unless a message with ``key`` is already there: then update it. Returns its ts.
        ``known`` is what :meth:`posted` returned, when several messages go to the same place;
        ``payload``, more for the message's metadata."""
        if known is None:
            known = await self.posted(channel, thread_ts)
        found = known.get(key)
        if found:
            await self.client.chat_update(channel=channel, ts=found, text=text, blocks=blocks)
            return found
        kwargs: dict[str, Any] = {}
        if thread_ts:
            kwargs["thread_ts"] = thread_ts
        reply = await self.client.chat_postMessage(
            channel=channel,
            text=text,
            blocks=blocks,
            metadata={
                "event_type": event,
                "event_payload": {**(payload or {}), "key": key, "crisis": crisis},
            },
            unfurl_links=False,
            unfurl_media=False,
            **kwargs,
        )
        return str(reply["ts"])

    async def direct(
        self,
        user_id: str,
        key: str,
        text: str,
        blocks: list[Block],
        known: Mapping[str, str] | None = None,
    ) -> None:
        """The card as a direct message to the approver whose turn it is."""
        opened = await self.client.conversations_open(users=user_id)
        channel = str((opened.get("channel") or {}).get("id") or user_id)
        await self.post_once(channel, f"{key}-dm", text, blocks, event=CARD_EVENT, known=known)

    # ------------------------------------------------------------------ notices

    async def notify(self, request: NotifyRequest, *, retry: bool = True) -> NotifyResult:
        """Send the notice. A first attempt (``retry`` false) can have posted nothing yet, so it
        looks for nothing: one Web API call a message, not two. conversations.history is rate
        limited to about 50 calls a minute, and a flood's hundreds of crises notify at once. A
        retry looks for each message by its key first, and updates what it finds."""
        seen: Mapping[str, str] | None = None if retry else NOTHING_YET
        kind = request.kind
        text = card_text(request)
        who = mentions(request.recipient_slack_ids, request.recipient_names)
        card = request.card
        card_channel, card_ts = split_card(card) if card else (self.channel, "")
        key = f"{request.crisis_id}/{request.idempotency_key}"

        if kind in (NotifyKind.APPROVAL_REQUESTED, NotifyKind.ESCALATION) and request.draft:
            blocks = approval_card(request, request.timezone, who)
            if card_ts:
                # A new revision or an escalation: the same card, brought up to date.
                await self.client.chat_update(
                    channel=card_channel, ts=card_ts, text=text, blocks=blocks
                )
                line = (
                    t(
                        "slack.escalation_line",
                        role=escape(role_name(request.approver_role)),
                        who=who,
                        revision=request.revision,
                    )
                    if kind is NotifyKind.ESCALATION
                    else t("slack.new_revision", revision=request.revision, who=who)
                )
                await self.post_once(card_channel, key, line, thread_ts=card_ts, known=seen)
            else:
                card_ts = await self.post_once(
                    self.channel,
                    key,
                    text,
                    blocks,
                    event=CARD_EVENT,
                    crisis=request.crisis_id,
                    known=seen,
                )
                card = f"{self.channel}/{card_ts}"
            for user_id in request.recipient_slack_ids:
                await self.direct(user_id, key, text, blocks, known=seen)
            log.info("slack.card", crisis=request.crisis_id, card=card, kind=kind.value)
            return NotifyResult(delivered=True, channel="slack", reference=card, card=card)

        if kind is NotifyKind.REMINDER:
            line = (
                t("slack.reminder_line", who=who, revision=request.revision)
                if request.approver_role
                else f"🔔 {notice_words(request)}"
            )
            ts = await self.post_once(
                card_channel, key, line, thread_ts=card_ts or None, known=seen
            )
        elif kind is NotifyKind.DEADLINE_MISSED:
            line = t("slack.deadline_line", revision=request.revision, who=who)
            ts = await self.post_once(
                card_channel, key, line, thread_ts=card_ts or None, known=seen
            )
        elif kind in (NotifyKind.CHANGES_REQUESTED, NotifyKind.DECIDED, NotifyKind.PUBLISHED):
            ts = await self._decided(request, key, card_channel, card_ts, seen)
        elif kind in (NotifyKind.TASK, NotifyKind.POST_FAILED) and request.tasks:
            # The texts to publish by hand, each with its « Publié » button.
            ts = await self.post_once(
                card_channel,
                key,
                text,
                task_message(request, who),
                thread_ts=card_ts or None,
                crisis=request.crisis_id,
                known=seen,
            )
        elif kind is NotifyKind.POSTED and request.deliveries:
            ts = await self.post_once(
                card_channel,
                key,
                text,
                posts_message(request),
                thread_ts=card_ts or None,
                crisis=request.crisis_id,
                known=seen,
            )
        elif kind is NotifyKind.REVIEW:
            # The review's summary, as a block the channel reads at a glance.
            ts = await self.post_once(
                self.channel,
                key,
                f"📋 {notice_words(request)}",
                [SectionBlock(text=MarkdownTextObject(text=review_block(request)))],
                crisis=request.crisis_id,
                known=seen,
            )
        else:
            line = f"ℹ️ {text}"
            ts = await self.post_once(
                card_channel,
                key,
                line,
                thread_ts=card_ts or None,
                crisis=request.crisis_id,
                known=seen,
            )
        return NotifyResult(delivered=True, channel="slack", reference=f"{card_channel}/{ts}")

    async def _decided(
        self,
        request: NotifyRequest,
        key: str,
        channel: str,
        card_ts: str,
        seen: Mapping[str, str] | None,
    ) -> str:
        """The card loses its buttons and says who decided what; the thread says what follows."""
        decision = request.decision
        status = decided_status(decision, request.timezone) if decision else notice_words(request)
        if card_ts and (request.draft or request.texts):
            await self.client.chat_update(
                channel=channel,
                ts=card_ts,
                text=card_text(request),
                blocks=approval_card(
                    request,
                    request.timezone,
                    "",
                    status=status,
                    correctable=request.kind is NotifyKind.PUBLISHED,
                ),
            )
        authors = mentions(request.author_slack_ids, [])
        if request.kind is NotifyKind.CHANGES_REQUESTED and decision is not None:
            blocks: list[Block] = [
                SectionBlock(text=MarkdownTextObject(text=f"{authors} {status}".strip())),
                revise_button(request.crisis_id, decision.revision),
            ]
            return await self.post_once(
                channel, key, status, blocks, thread_ts=card_ts or None, known=seen
            )
        if request.kind is NotifyKind.PUBLISHED:
            # One look at the thread for the notice and every text: a retry skips what is there.
            known = seen if seen is not None else await self.posted(channel, card_ts or None)
            ts = await self.post_once(
                channel,
                key,
                t(
                    "slack.published_line",
                    phase=statement_title(request.phase, request.sequence, request.correction),
                    revision=request.revision,
                ),
                thread_ts=card_ts or None,
                known=known,
            )
            for index, item in enumerate(request.texts):
                await self.post_once(
                    channel,
                    f"{key}-{index}",
                    text_name(item.channel, item.language),
                    [
                        ContextBlock(
                            elements=[
                                MarkdownTextObject(
                                    text=t(
                                        "slack.published_text",
                                        channel=channel_name(item.channel),
                                        lang=language_name(item.language),
                                    )
                                )
                            ]
                        ),
                        SectionBlock(text=MarkdownTextObject(text=shown(item.text))),
                    ],
                    thread_ts=card_ts or None,
                    event=PUBLISHED_EVENT,
                    crisis=request.crisis_id,
                    known=known,
                    payload=published_payload(request, item),
                )
            return ts
        return await self.post_once(channel, key, status, thread_ts=card_ts or None, known=seen)
