"""« Publié » under a manual task: the dialog that asks where (an address) or how (a note), the
workflow's ``task_done`` update sent as the playbook person the Slack user is, and the message
brought up to date in place.

As for a decision, the Slack user is mapped to a playbook person through
``people.<id>.slack_user_id`` and the workflow's validator has the last word; a stranger, or a
refusal (a task already published, say), is told to that user alone. A dialog whose address is
not a web address, or that gives neither, answers beside its field and sends nothing.
"""

from __future__ import annotations

from typing import Any

import structlog
from pydantic import ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from tocsin import crises
from tocsin.i18n import t
from tocsin.models import CrisisStatus
from tocsin.models.delivery import MAX_TASK_NOTE, TaskDoneRequest, TaskStatus
from tocsin.publish.models import MAX_URL
from tocsin.slack import payloads
from tocsin.slack.front import REFUSALS, SlackFront, Unmapped, person_of, value_of
from tocsin.slack.ids import ActionId, BlockId, ViewId
from tocsin.slack.taskcards import closed_tasks, task_modal

log = structlog.get_logger("tocsin.slack")
HISTORY_SCAN = 50  # replies looked through, from the task's message on, to find it again


def where_errors(url: str, note: str) -> dict[str, str]:
    """What the dialog says beside its fields, checked as the workflow's request checks them:
    an address or a note, the address a web address, the note one bounded line."""
    if not url and not note:
        return {BlockId.TASK_URL: t("slack.task.where_required")}
    try:
        TaskDoneRequest(person="-", task="t1", url=url or None, note=note)
    except ValidationError as exc:
        fields = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
        errors: dict[str, str] = {}
        if "url" in fields:
            errors[BlockId.TASK_URL] = t("slack.task.bad_url", limit=MAX_URL)
        if "note" in fields:
            errors[BlockId.TASK_NOTE] = t("slack.task.bad_note", limit=MAX_TASK_NOTE)
        return errors or {BlockId.TASK_URL: t("slack.malformed")}
    return {}


class Tasks:
    def __init__(self, front: SlackFront) -> None:
        self.front = front

    async def on_open(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """« Publié » clicked: the dialog, for a person of the crisis and a task still open."""
        await ack()
        try:
            click = payloads.task_click(body)
        except payloads.Malformed:
            await self.front.tell_malformed(client, body)
            return
        message = click.message
        try:
            status = await self.front.status(click.crisis_id)
            person_of(status.people, click.user)
        except (crises.UnknownCrisis, Unmapped) as exc:
            if message.channel:
                await self.front.tell(client, message.channel, click.user, self.front.refusal(exc))
            return
        task = next((x for x in status.tasks if x.id == click.task), None)
        if task is None:
            if message.channel:
                unknown = t("refuse.UnknownTask", task=click.task)
                await self.front.tell(
                    client, message.channel, click.user, t("slack.refused", reason=unknown)
                )
            return
        if task.status is not TaskStatus.OPEN:
            await self.refresh(client, message, status)
            if message.channel:
                await self.front.tell(client, message.channel, click.user, t("slack.task.closed"))
            return
        metadata = {"crisis": click.crisis_id, "task": click.task, **message.meta()}
        await client.views_open(trigger_id=click.trigger_id, view=task_modal(task, metadata))

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        """The dialog sent: the ``task_done`` update, as the person the Slack user is."""
        submitted = payloads.submission(body, BlockId.TASK_URL)
        try:
            crisis_id, task_id = payloads.task_of(submitted.meta)
            if not submitted.user:
                raise payloads.Malformed("user")
        except payloads.Malformed:
            await ack(
                response_action="errors", errors={submitted.first_block: t("slack.malformed")}
            )
            return
        url = value_of(submitted.values, BlockId.TASK_URL)
        note = value_of(submitted.values, BlockId.TASK_NOTE)
        errors = where_errors(url, note)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        user, message = submitted.user, payloads.message_of(submitted.meta)
        try:
            people, _ = await self.front.people_of(crisis_id)
            request = TaskDoneRequest(
                person=person_of(people, user), task=task_id, url=url or None, note=note
            )
            await crises.task_done(
                await self.front.temporal(), crisis_id, request, self.front.signed_as(user)
            )
        except REFUSALS as exc:
            if message.channel:
                await self.front.tell(client, message.channel, user, self.front.refusal(exc))
            if isinstance(exc, crises.Refused):
                # Already published by someone else, say: the message shows by whom.
                await self.refresh(client, message, await self.front.status(crisis_id))
            return
        log.info("slack.task_done", crisis=crisis_id, task=task_id)
        await self.refresh(client, message, await self.front.status(crisis_id))

    async def refresh(
        self, client: AsyncWebClient, message: payloads.Message, status: CrisisStatus
    ) -> None:
        """The task message with each closed task's button replaced by who published it, when
        and where; nothing when the message cannot be found or nothing in it is closed."""
        if not (message.channel and message.ts):
            return
        # A thread's replies from the message on (the parent comes first, whatever ``oldest``
        # says); outside a thread, a message's own « replies » are itself.
        reply = await client.conversations_replies(
            channel=message.channel,
            ts=message.thread or message.ts,
            oldest=message.ts,
            inclusive=True,
            include_all_metadata=True,
            limit=HISTORY_SCAN,
        )
        found = next(
            (m for m in reply.get("messages") or [] if m.get("ts") == message.ts),
            None,
        )
        # Only a message the notifier posted for this crisis: its metadata says which.
        crisis = ((found or {}).get("metadata") or {}).get("event_payload") or {}
        if found is None or crisis.get("crisis") != status.crisis_id:
            return
        blocks = closed_tasks(
            found.get("blocks") or [], status.tasks, status.people, status.timezone
        )
        if blocks is not None:
            await client.chat_update(
                channel=message.channel,
                ts=message.ts,
                text=str(found.get("text") or ""),
                blocks=blocks,
            )


def register(app: AsyncApp, front: SlackFront) -> None:
    tasks = Tasks(front)
    app.action(ActionId.TASK_DONE)(tasks.on_open)
    app.view(ViewId.TASK_DONE)(tasks.on_submit)
