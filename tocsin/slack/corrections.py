"""« Corriger » on the card of a published statement: the dialog prefilled with the published
texts, and the workflow's ``correct`` update sent as the playbook person the Slack user is.

The correction goes through its own gate (guardrails, four eyes): its approval card follows in
the channel, approved with the card's buttons like any statement. As for a decision, the Slack
user is mapped to a playbook person through ``people.<id>.slack_user_id`` and the workflow's
validator has the last word: a stranger, someone who is not an author, a correction already
waiting, a crisis over, is told to that user alone. A dialog with an emptied text, a text too
long, nothing changed or no reason answers beside its field and sends nothing.

The published texts come from the card's thread, where the notifier put each one with the text
in its message's metadata. A text corrected since (its latest revision published is newer than
the one in this thread) is left out of the dialog and said to be corrected from the card of
its correction; a text too long for a Slack field (3,000 characters) is left to the command
line.
"""

from __future__ import annotations

from typing import Any

import structlog
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tocsin import crises
from tocsin.i18n import t
from tocsin.i18n.formats import number
from tocsin.models import Channel, CorrectionRequest, CrisisStatus, PhaseName, TextEdit
from tocsin.models.base import MAX_COMMENT_CHARS
from tocsin.slack import payloads
from tocsin.slack.cards import phase_title
from tocsin.slack.correctcards import (
    INPUT_LIMIT,
    Published,
    cli_command,
    correct_modal,
    digest,
    left_out,
    offered_of,
    published_of,
    text_of_block,
)
from tocsin.slack.front import REFUSALS, SlackFront, Unmapped, person_of, value_of
from tocsin.slack.ids import ActionId, BlockId, ViewId
from tocsin.slack.words import text_name

log = structlog.get_logger("tocsin.slack")
THREAD_PAGES = 5  # pages of 200 replies looked through for the published texts
THREAD_PAGE = 200


def latest_revisions(
    status: CrisisStatus, phase: PhaseName, sequence: int
) -> dict[tuple[Channel, str], int]:
    """Each text of the statement the public has, and the revision it has of it."""
    latest: dict[tuple[Channel, str], int] = {}
    for p in status.publications:
        if (p.phase, p.sequence) == (phase, sequence):
            where = (p.channel, p.language)
            latest[where] = max(latest.get(where, 0), p.revision)
    return latest


def edits_of(
    values: dict[str, Any], offered: dict[str, str]
) -> tuple[list[TextEdit], dict[str, str]]:
    """The texts a person changed, and what to say beside the fields that cannot be sent: an
    emptied text, a text too long, or nothing changed at all."""
    edits: list[TextEdit] = []
    errors: dict[str, str] = {}
    for block, was in offered.items():
        where = text_of_block(block)
        assert where is not None  # offered_of checked every block id
        text = value_of(values, block)
        if not text:
            errors[block] = t("slack.required")
        elif len(text) > INPUT_LIMIT:
            errors[block] = t("slack.correct.too_long_field", limit=number(INPUT_LIMIT))
        elif digest(text) != was:
            edits.append(TextEdit(channel=where[0], language=where[1], text=text))
    if not edits and not errors:
        errors[next(iter(offered))] = t("slack.correct.unchanged")
    return edits, errors


class Corrections:
    def __init__(self, front: SlackFront) -> None:
        self.front = front

    async def on_open(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """« Corriger » clicked: the dialog, for a person of a crisis still going on."""
        await ack()
        try:
            click = payloads.statement_click(body)
        except payloads.Malformed:
            await self.front.tell_malformed(client, body)
            return
        card = click.message
        if not card.channel:
            return  # nowhere to answer: a click from a message Slack did not place
        if not card.ts:
            await self.front.tell(client, card.channel, click.user, t("slack.malformed"))
            return
        try:
            status = await self.front.status(click.crisis_id)
            person_of(status.people, click.user)
        except (crises.UnknownCrisis, Unmapped) as exc:
            await self.front.tell(client, card.channel, click.user, self.front.refusal(exc))
            return
        latest = latest_revisions(status, click.phase, click.sequence)
        refusal = ""
        if status.state in crises.ENDED:
            refusal = t("refuse.Ended")
        elif not latest:
            refusal = t("refuse.NotPublished", phase=phase_title(click.phase, click.sequence))
        if refusal:
            await self.front.tell(
                client, card.channel, click.user, t("slack.refused", reason=refusal)
            )
            return
        try:
            found = await self.published(client, click)
        except SlackApiError as exc:
            # The thread cannot be read (the card deleted, the app out of the channel).
            error = str(exc.response.get("error") or "")[:60]
            log.warning("slack.correct.thread", crisis=click.crisis_id, error=error)
            command = cli_command(click.crisis_id, click.phase, click.sequence)
            said = "\n".join([t("slack.correct.none"), t("slack.correct.cli", command=command)])
            await self.front.tell(client, card.channel, click.user, said)
            return
        offered = [
            x for x in found if not x.long and latest.get((x.channel, x.language)) == x.revision
        ]
        too_long = [
            x for x in found if x.long and latest.get((x.channel, x.language)) == x.revision
        ]
        current = {(x.channel, x.language) for x in [*offered, *too_long]}
        elsewhere = [text_name(c, lang) for (c, lang) in latest if (c, lang) not in current]
        notes = left_out(click.crisis_id, click.phase, click.sequence, too_long, elsewhere)
        if not offered:
            said = "\n".join([t("slack.correct.none"), *notes])
            await self.front.tell(client, card.channel, click.user, said)
            return
        view = correct_modal(
            click.crisis_id, click.phase, click.sequence, offered, notes, card.meta()
        )
        await client.views_open(trigger_id=click.trigger_id, view=view)

    async def published(
        self, client: AsyncWebClient, click: payloads.StatementClick
    ) -> list[Published]:
        """The statement's texts the card's thread holds, the latest revision of each."""
        found: dict[tuple[Channel, str], Published] = {}
        cursor = ""
        for _ in range(THREAD_PAGES):
            reply = await client.conversations_replies(
                channel=click.message.channel,
                ts=click.message.ts,
                include_all_metadata=True,
                limit=THREAD_PAGE,
                cursor=cursor or None,
            )
            for message in reply.get("messages") or []:
                if not isinstance(message, dict):
                    continue
                item = published_of(message, click.crisis_id, click.phase, click.sequence)
                where = (item.channel, item.language) if item else None
                if item and where and (where not in found or found[where].revision < item.revision):
                    found[where] = item
            cursor = str((reply.get("response_metadata") or {}).get("next_cursor") or "")
            if not reply.get("has_more") or not cursor:
                break
        return list(found.values())

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """The dialog sent: the ``correct`` update, as the person the Slack user is."""
        submitted = payloads.submission(body, BlockId.REASON, payloads.MAX_METADATA)
        try:
            crisis_id, phase, sequence = payloads.statement_of(submitted.meta)
            offered = offered_of(submitted.meta)
            if not submitted.user or not offered:
                raise payloads.Malformed("dialog")
        except payloads.Malformed:
            await ack(
                response_action="errors", errors={submitted.first_block: t("slack.malformed")}
            )
            return
        edits, errors = edits_of(submitted.values, offered)
        reason = value_of(submitted.values, BlockId.REASON)
        if not reason:
            errors[BlockId.REASON] = t("slack.required")
        elif len(reason) > MAX_COMMENT_CHARS:
            errors[BlockId.REASON] = t(
                "slack.correct.too_long_field", limit=number(MAX_COMMENT_CHARS)
            )
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user, card = submitted.user, payloads.message_of(submitted.meta)
        try:
            people, _ = await self.front.people_of(crisis_id)
            request = CorrectionRequest(
                person=person_of(people, user),
                phase=phase,
                sequence=sequence,
                edits=edits,
                reason=reason,
            )
            # Answers once the correction's gate is open (its texts checked): seconds.
            opened = await crises.correct(
                await self.front.temporal(), crisis_id, request, self.front.signed_as(user)
            )
        except REFUSALS as exc:
            if card.channel:
                await self.front.tell(client, card.channel, user, self.front.refusal(exc))
            return
        log.info("slack.correction", crisis=crisis_id, revision=opened.revision, texts=len(edits))
        if card.channel:
            sent = t(
                "slack.correct.sent",
                count=len(edits),
                revision=opened.revision,
                phase=phase_title(opened.phase, opened.sequence),
            )
            await self.front.tell(client, card.channel, user, sent)


def register(app: AsyncApp, front: SlackFront) -> None:
    corrections = Corrections(front)
    app.action(ActionId.CORRECT)(corrections.on_open)
    app.view(ViewId.CORRECT)(corrections.on_submit)
