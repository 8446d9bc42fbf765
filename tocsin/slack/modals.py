"""The dialogs (Slack modals): a decision's comment, texts to edit, a crisis to start.

Slack's limits are kept: 24 characters for a title and its buttons, 50 blocks, 3,000 characters
an input.
"""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    InputBlock,
    Option,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from tocsin.i18n import t
from tocsin.models import Draft, Playbook
from tocsin.slack.ids import (
    EXERCISE_BLOCK,
    INPUT_ACTION,
    PARAM_BLOCK_PREFIX,
    TEXT_BLOCK_PREFIX,
    BlockId,
    ViewId,
)
from tocsin.slack.words import text_name

MAX_BLOCKS = 50
INPUT_LIMIT = 3000


def _metadata(crisis_id: str, revision: int, channel: str, ts: str) -> str:
    return json.dumps(
        {"crisis": crisis_id, "revision": revision, "channel": channel, "ts": ts},
        separators=(",", ":"),
    )


def text_inputs(draft: Draft) -> list[Block]:
    """One multi-line input per channel and language, prefilled with the text."""
    blocks: list[Block] = []
    for item in draft.texts[: MAX_BLOCKS - 2]:
        blocks.append(
            InputBlock(
                block_id=f"{TEXT_BLOCK_PREFIX}{item.channel.value}__{item.language}",
                label=text_name(item.channel, item.language)[:2000],
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION,
                    multiline=True,
                    initial_value=item.text[:INPUT_LIMIT],
                    max_length=INPUT_LIMIT,
                ),
                optional=False,
            )
        )
    return blocks


def comment_input(block_id: str, label: str, *, optional: bool) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=PlainTextInputElement(action_id=INPUT_ACTION, multiline=True, max_length=3000),
        optional=optional,
    )


def _modal(view_id: ViewId, title: str, submit: str, metadata: str, blocks: list[Block]) -> View:
    return View(
        type="modal",
        callback_id=view_id,
        title=title[:24],  # Slack's limits for a modal's title and buttons
        submit=submit[:24],
        close=t("slack.cancel")[:24],
        private_metadata=metadata,
        blocks=blocks,
    )


def edits_modal(
    view_id: ViewId, title: str, submit: str, draft: Draft, meta: tuple[str, int, str, str]
) -> View:
    comment_label = t("slack.note_optional") if view_id is ViewId.REVISE else t("slack.comment")
    inputs = [*text_inputs(draft), comment_input(BlockId.COMMENT, comment_label, optional=True)]
    if view_id is ViewId.APPROVE_WITH_EDITS and draft.blocking():
        inputs.append(
            comment_input(
                BlockId.OVERRIDE,
                t("slack.override"),
                optional=True,
            )
        )
    return _modal(view_id, title, submit, _metadata(*meta), inputs)


def changes_modal(draft: Draft, meta: tuple[str, int, str, str]) -> View:
    """Request changes: what to change (required), and the texts, which the director may
    rewrite as proposals for the author."""
    return _modal(
        ViewId.REQUEST_CHANGES,
        t("slack.modal.request_changes"),
        t("slack.send"),
        _metadata(*meta),
        [
            comment_input(BlockId.COMMENT, t("slack.what_to_change"), optional=False),
            *text_inputs(draft),
        ],
    )


def comment_modal(
    view_id: ViewId, title: str, submit: str, label: str, meta: tuple[str, int, str, str]
) -> View:
    block = BlockId.REASON if view_id is ViewId.REJECT else BlockId.COMMENT
    return _modal(
        view_id, title, submit, _metadata(*meta), [comment_input(block, label, optional=False)]
    )


def start_modal(playbook: Playbook, channel: str) -> View:
    """/tocsin lancer PLAYBOOK: one input per parameter, the example as a hint, and the drill
    box. Values are checked by the same rules as on the command line when submitted."""
    blocks: list[Block] = []
    for param in playbook.parameters[: MAX_BLOCKS - 2]:
        hint = t("slack.example", example=param.example) if param.example is not None else None
        initial = str(param.default) if param.default is not None else None
        blocks.append(
            InputBlock(
                block_id=f"{PARAM_BLOCK_PREFIX}{param.name}",
                label=param.name.replace("_", " ").capitalize(),  # the playbook's own word
                hint=param.description[:2000] or None,
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION,
                    multiline=param.type.value == "text",
                    placeholder=hint[:150] if hint else None,
                    initial_value=initial,
                    max_length=2000,
                ),
                optional=not param.required or param.default is not None,
            )
        )
    blocks.append(
        InputBlock(
            block_id=EXERCISE_BLOCK,
            label=t("slack.exercise_label"),
            element=CheckboxesElement(
                action_id=INPUT_ACTION,
                options=[Option(value="exercise", text=t("slack.exercise_option"))],
            ),
            optional=True,
        )
    )
    return _modal(
        ViewId.START,
        playbook.title,
        t("slack.trigger"),
        json.dumps({"playbook": playbook.id, "channel": channel}),
        blocks,
    )
