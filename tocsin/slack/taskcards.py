"""Manual publication tasks and an approval's posts, as Slack shows them.

A task notice is one message in the card's thread: who must publish (mentioned), then for each
text its task, its channel in the reader's words, why it is by hand, the exact text as a code
block (inert, copied as it is) and a « Publié » button. Once the task is closed, its button gives
way to who published it, when and where: the message is updated in place. The posts notice lists
where each automatic post of an approval went, with its link, and which failed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from tocsin.channels import HTML_CHANNELS
from tocsin.i18n import t
from tocsin.i18n.formats import moment
from tocsin.mdescape import visible
from tocsin.models import Channel, NotifyKind, NotifyRequest, Person, StatementText
from tocsin.models.delivery import (
    MAX_TASK_NOTE,
    Delivery,
    DeliveryStatus,
    ManualTask,
    TaskReason,
    TaskStatus,
)
from tocsin.publish.models import MAX_URL
from tocsin.slack.cards import phase_title, readable, shown
from tocsin.slack.ids import INPUT_ACTION, TASK_BLOCK_PREFIX, ActionId, BlockId, ViewId
from tocsin.slack.words import escape, one_language, shorten, text_name

MAX_BLOCKS = 50
SECTION_ROOM = 2900  # of Slack's 3,000 characters a section
LINKABLE = re.compile(r"^https?://[^\s<>|\"]+$")


def link(url: str) -> str:
    """A web address as a Slack link whose label is the address itself, shortened; an address
    Slack's link syntax cannot hold, as inert text."""
    label = escape(shorten(url.split("://", 1)[-1], 60))
    return f"<{escape(url)}|{label}>" if LINKABLE.match(url) else escape(url)


def task_value(crisis_id: str, task_id: str) -> str:
    """What a « Publié » button carries back (read by ``payloads.task_click``)."""
    return json.dumps({"crisis": crisis_id, "task": task_id}, separators=(",", ":"))


# ------------------------------------------------------------------ a task notice


def _header(request: NotifyRequest, who: str) -> str:
    first = request.tasks[0]
    if request.kind is NotifyKind.POST_FAILED:
        key = "slack.task.failed"
    elif first.reminded == 0:
        key = "slack.task.asked"
    elif first.level > 0 and first.level_started_at == first.last_reminder_at:
        key = "slack.task.escalation"  # an escalation starts its level as it reminds
    else:
        key = "slack.task.reminder"
    return t(
        key,
        who=who,
        phase=phase_title(first.phase, first.sequence),
        revision=first.revision,
    )


def _reason(task: ManualTask) -> str:
    account = escape(task.account or "-")
    if task.reason is TaskReason.FAILED:
        # The publisher's words, French and English: the reader's half, inert.
        problem = escape(shorten(one_language(task.problem), 300))
        return t("slack.task.reason_failed", account=account, problem=problem)
    if task.reason is TaskReason.DELAYED:
        return t("slack.task.reason_delayed", account=account)
    if task.reason is TaskReason.CORRECTION:
        return t("slack.task.reason_correction")
    if task.reason is TaskReason.RETRACTION:
        return t("slack.task.reason_retraction")
    return ""


def _task_blocks(crisis_id: str, task: ManualTask) -> list[Block]:
    head = f"*{task.id} — {text_name(task.channel, task.language)}*"
    reason = _reason(task)
    if reason:
        head += f"\n{reason}"
    if task.channel is Channel.POSTER and task.file:
        # A poster is a page to print: its file, not its HTML.
        body = t("slack.task.print", file=escape(task.file))
    else:
        item = StatementText(channel=task.channel, language=task.language, text=task.text)
        if task.channel in HTML_CHANNELS:
            head += t("slack.no_markup")
        body = shown(visible(readable(item)), head)
    return [
        SectionBlock(text=MarkdownTextObject(text=f"{head}\n{body}")),
        ActionsBlock(
            block_id=f"{TASK_BLOCK_PREFIX}{task.id}",
            elements=[
                ButtonElement(
                    text=t("slack.task.button"),
                    action_id=ActionId.TASK_DONE,
                    value=task_value(crisis_id, task.id),
                    style="primary",
                )
            ],
        ),
    ]


def task_message(request: NotifyRequest, who: str) -> list[Block]:
    """A task notice (given, reminded, escalated, or a post that failed): each text to publish,
    with its « Publié » button; the command line's way too."""
    tasks = request.tasks
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=_header(request, who)))]
    room = (MAX_BLOCKS - 3) // 2
    for task in tasks[:room]:
        blocks.extend(_task_blocks(request.crisis_id, task))
    if len(tasks) > room:
        more = t("slack.task.more", count=len(tasks) - room, crisis=request.crisis_id)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    name = tasks[0].id if len(tasks) == 1 else "…"
    command = f"`tocsin done {request.crisis_id} {name} --url …`"
    blocks.append(
        ContextBlock(elements=[MarkdownTextObject(text=t("slack.task.cli", command=command))])
    )
    return blocks


# ------------------------------------------------------------------ once closed


def closed_line(task: ManualTask, people: dict[str, Person], timezone: str) -> str:
    """What a closed task's button gives way to: who published it, when, where."""
    if task.status is TaskStatus.DONE:
        person = people.get(task.done_by or "")
        who = escape(person.name if person else (task.done_by or "-"))
        where = (
            link(task.url)
            if task.url
            else t("slack.task.note", note=escape(" ".join(task.note.split())))
        )
        when = moment(task.done_at, timezone) if task.done_at else "-"
        return t("slack.task.done", who=who, when=when, where=where)
    if task.replaced_by:
        return t("slack.task.replaced", task=task.replaced_by)
    return t("slack.task.superseded", account=escape(task.account or "-"))


def closed_tasks(
    blocks: Sequence[object],
    tasks: Sequence[ManualTask],
    people: dict[str, Person],
    timezone: str,
) -> list[dict[str, Any]] | None:
    """The message's blocks (as Slack gives them back) with each closed task's button replaced
    by what became of it; None when no task of the message is closed."""
    known = {task.id: task for task in tasks}
    out: list[dict[str, Any]] = []
    changed = False
    for block in blocks:
        if not isinstance(block, dict):
            continue
        block_id = str(block.get("block_id") or "")
        task = known.get(block_id.removeprefix(TASK_BLOCK_PREFIX))
        if block_id.startswith(TASK_BLOCK_PREFIX) and task and task.status is not TaskStatus.OPEN:
            line = closed_line(task, people, timezone)
            block = {
                "type": "context",
                "block_id": block_id,
                "elements": [{"type": "mrkdwn", "text": line}],
            }
            changed = True
        out.append(block)
    return out if changed else None


# ------------------------------------------------------------------ the dialog


def task_modal(task: ManualTask, metadata: dict[str, str]) -> View:
    """« Publié »: where the text is (its address), or how it went out (a note)."""
    intro = f"*{task.id} — {text_name(task.channel, task.language)}*"
    return View(
        type="modal",
        callback_id=ViewId.TASK_DONE,
        title=t("slack.task.modal_title")[:24],
        submit=t("slack.task.save")[:24],
        close=t("slack.cancel")[:24],
        private_metadata=json.dumps(metadata, separators=(",", ":")),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=intro)),
            InputBlock(
                block_id=BlockId.TASK_URL,
                label=t("slack.task.url"),
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION, placeholder="https://…", max_length=MAX_URL
                ),
                optional=True,
            ),
            InputBlock(
                block_id=BlockId.TASK_NOTE,
                label=t("slack.task.note_label"),
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION,
                    placeholder=t("slack.task.note_example")[:150],
                    max_length=MAX_TASK_NOTE,
                ),
                optional=True,
            ),
        ],
    )


# ------------------------------------------------------------------ an approval's posts


def _post_line(delivery: Delivery) -> str:
    name = text_name(delivery.channel, delivery.language)
    account = escape(delivery.account)
    if delivery.status is DeliveryStatus.PUBLISHED:
        where = (
            link(delivery.url)
            if delivery.url
            else t("slack.posted.remote", id=escape(shorten(delivery.remote_id or "-", 80)))
        )
        return f"✅ {name} ({account}) → {where}"
    if delivery.status is DeliveryStatus.BY_HAND:
        return t("slack.posted.by_hand", name=name, account=account, task=delivery.task or "-")
    return t("slack.posted.failed", name=name, account=account, task=delivery.task or "-")


def posts_message(request: NotifyRequest) -> list[Block]:
    """Where each automatic post of an approval went: its link, or its failure and task."""
    title = t(
        "slack.posted.title",
        phase=phase_title(request.phase, request.sequence),
        revision=request.revision or "",
    )
    sections: list[str] = [title]
    for line in (_post_line(d) for d in request.deliveries):
        if len(sections[-1]) + len(line) + 1 > SECTION_ROOM:
            sections.append(line)
        else:
            sections[-1] += "\n" + line
    return [SectionBlock(text=MarkdownTextObject(text=s)) for s in sections[:MAX_BLOCKS]]
