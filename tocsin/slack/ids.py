"""Every id the Slack app uses, in one place."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    APPROVE = "tocsin_approve"
    APPROVE_WITH_EDITS = "tocsin_approve_with_edits"
    REQUEST_CHANGES = "tocsin_request_changes"
    REJECT = "tocsin_reject"
    REVISE = "tocsin_revise"
    TASK_DONE = "tocsin_task_done"  # « Publié » on a text to publish by hand
    CORRECT = "tocsin_correct"  # « Corriger » on the card of a published statement


class ViewId(StrEnum):
    APPROVE_WITH_EDITS = "tocsin_view_approve_with_edits"
    REQUEST_CHANGES = "tocsin_view_request_changes"
    REJECT = "tocsin_view_reject"
    REVISE = "tocsin_view_revise"
    START = "tocsin_view_start"
    TASK_DONE = "tocsin_view_task_done"
    CORRECT = "tocsin_view_correct"


class BlockId(StrEnum):
    ACTIONS = "tocsin_actions"
    CORRECT = "tocsin_correct_actions"  # the « Corriger » button of a published statement
    COMMENT = "tocsin_comment"
    OVERRIDE = "tocsin_override"
    REASON = "tocsin_reason"
    TASK_URL = "tocsin_task_url"
    TASK_NOTE = "tocsin_task_note"


PARAM_BLOCK_PREFIX = "tocsin_param__"  # + parameter name, in the start modal
EXERCISE_BLOCK = "tocsin_exercise"
TASK_BLOCK_PREFIX = "tocsin_task__"  # + task id: the « Publié » button of one manual task
TEXT_BLOCK_PREFIX = "tocsin_text__"  # + channel + "__" + language, one input per text
INPUT_ACTION = "value"
CARD_EVENT = "tocsin_card"  # message metadata event type: finds a card again after a crash
NOTICE_EVENT = "tocsin_notice"
PUBLISHED_EVENT = "tocsin_published"  # a published text in the card's thread: the text itself
SLASH_COMMAND = "/tocsin"
