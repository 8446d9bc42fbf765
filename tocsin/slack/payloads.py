"""What Slack sends, read defensively: a signed request is Slack's, but its values are typed by
people and carried back from what the app built (a button's value, a dialog's metadata), so each
is checked for its type, its shape and its size before anything uses it. A payload that fails is
``Malformed``: the listener still acknowledges it and refuses it politely, never with a
traceback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from tocsin.models import PhaseName

# \Z, not $: « $ » also matches before a final line break (« t1\n »).
CRISIS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\Z")
SLACK_ID = re.compile(r"^[A-Z0-9][A-Z0-9_]{0,40}\Z")  # users, channels (U…, C…, D…)
TS = re.compile(r"^\d{1,12}(\.\d{1,8})?\Z")
MAX_VALUE = 500  # characters of a button's value or a dialog's metadata the app wrote
MAX_METADATA = 3000  # Slack's limit for a dialog's private metadata (the correction dialog's)
MAX_REVISION = 1_000_000
TASK = re.compile(r"^t[0-9]{1,6}\Z")  # a manual task's id (tocsin.models.delivery.TaskId)
PHASES = frozenset(p.value for p in PhaseName)


class Malformed(ValueError):
    """A value that is not what the app wrote or Slack sends: said in a word, never echoed."""


def field(obj: object, key: str, *, limit: int | None = 3000) -> str:
    """``obj[key]`` when ``obj`` is a mapping and the value a string within ``limit``; else ""."""
    if not isinstance(obj, dict):
        return ""
    value = obj.get(key)
    if not isinstance(value, str) or (limit is not None and len(value) > limit):
        return ""
    return value


def slack_id(obj: object, key: str) -> str:
    """A Slack id (user, channel) at ``obj[key]``, or ""."""
    value = field(obj, key, limit=40)
    return value if SLACK_ID.match(value) else ""


def mapping(obj: object, key: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        return {}
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def user_of(body: object) -> str:
    return slack_id(mapping(body, "user"), "id")


def crisis_of(data: dict[str, Any]) -> tuple[str, int]:
    crisis, revision = data.get("crisis"), data.get("revision")
    if not isinstance(crisis, str) or not CRISIS_ID.match(crisis):
        raise Malformed("crisis")
    if isinstance(revision, bool) or not isinstance(revision, int):
        raise Malformed("revision")
    if not 0 <= revision <= MAX_REVISION:
        raise Malformed("revision")
    return crisis, revision


def decode(value: object, limit: int = MAX_VALUE) -> dict[str, Any]:
    """A JSON object the app wrote (a button's value, a dialog's metadata)."""
    if not isinstance(value, str) or not value or len(value) > limit:
        raise Malformed("value")
    try:
        data = json.loads(value)
    except ValueError as exc:
        raise Malformed("value") from exc
    if not isinstance(data, dict):
        raise Malformed("value")
    return data


@dataclass(frozen=True)
class Click:
    """A button clicked on a card: who, where, on which crisis's revision."""

    user: str
    channel: str
    ts: str
    action: str
    crisis_id: str
    revision: int
    trigger_id: str


def _clicked(body: object) -> tuple[str, dict[str, object], dict[str, object], str]:
    """A button's click: who, the first action, its container, and the channel."""
    user = user_of(body)
    if not user:
        raise Malformed("user")
    actions = body.get("actions") if isinstance(body, dict) else None
    if not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        raise Malformed("actions")
    container = mapping(body, "container")
    channel = slack_id(container, "channel_id") or slack_id(mapping(body, "channel"), "id")
    return user, actions[0], container, channel


def click(body: object) -> Click:
    user, action, container, channel = _clicked(body)
    crisis_id, revision = crisis_of(decode(action.get("value")))
    ts = field(container, "message_ts", limit=30)
    return Click(
        user=user,
        channel=channel,
        ts=ts if TS.match(ts) else "",
        action=field(action, "action_id", limit=100),
        crisis_id=crisis_id,
        revision=revision,
        trigger_id=field(body, "trigger_id", limit=200),
    )


def task_of(data: dict[str, Any]) -> tuple[str, str]:
    """The crisis and the manual task a « Publié » button or its dialog names."""
    crisis, task = data.get("crisis"), data.get("task")
    if not isinstance(crisis, str) or not CRISIS_ID.match(crisis):
        raise Malformed("crisis")
    if not isinstance(task, str) or not TASK.match(task):
        raise Malformed("task")
    return crisis, task


def statement_of(data: dict[str, Any]) -> tuple[str, PhaseName, int]:
    """The crisis and the published statement (phase, sequence) a « Corriger » button or its
    dialog names."""
    crisis, phase, sequence = data.get("crisis"), data.get("phase"), data.get("sequence")
    if not isinstance(crisis, str) or not CRISIS_ID.match(crisis):
        raise Malformed("crisis")
    if not isinstance(phase, str) or phase not in PHASES:
        raise Malformed("phase")
    if isinstance(sequence, bool) or not isinstance(sequence, int):
        raise Malformed("sequence")
    if not 0 <= sequence <= MAX_REVISION:
        raise Malformed("sequence")
    return crisis, PhaseName(phase), sequence


@dataclass(frozen=True)
class Message:
    """Where a message is: its channel, its ts, and its thread's ts ("" at the top level)."""

    channel: str
    ts: str
    thread: str = ""

    def meta(self) -> dict[str, str]:
        return {"channel": self.channel, "ts": self.ts, "thread": self.thread}


def message_of(data: object) -> Message:
    """A message's place, from a dialog's metadata (what :meth:`Message.meta` wrote)."""
    ts, thread = field(data, "ts", limit=30), field(data, "thread", limit=30)
    return Message(
        slack_id(data, "channel"),
        ts if TS.match(ts) else "",
        thread if TS.match(thread) else "",
    )


@dataclass(frozen=True)
class TaskClick:
    """« Publié » clicked under a manual task: who, on which message, which task."""

    user: str
    message: Message
    crisis_id: str
    task: str
    trigger_id: str


def task_click(body: object) -> TaskClick:
    user, action, container, channel = _clicked(body)
    crisis_id, task = task_of(decode(action.get("value")))
    message = mapping(body, "message")
    ts = field(container, "message_ts", limit=30) or field(message, "ts", limit=30)
    thread = field(container, "thread_ts", limit=30) or field(message, "thread_ts", limit=30)
    return TaskClick(
        user=user,
        message=message_of({"channel": channel, "ts": ts, "thread": thread}),
        crisis_id=crisis_id,
        task=task,
        trigger_id=field(body, "trigger_id", limit=200),
    )


@dataclass(frozen=True)
class StatementClick:
    """« Corriger » clicked on the card of a published statement: who, where, which one."""

    user: str
    message: Message  # the card
    crisis_id: str
    phase: PhaseName
    sequence: int
    trigger_id: str


def statement_click(body: object) -> StatementClick:
    user, action, container, channel = _clicked(body)
    crisis_id, phase, sequence = statement_of(decode(action.get("value")))
    ts = field(container, "message_ts", limit=30) or field(mapping(body, "message"), "ts", limit=30)
    return StatementClick(
        user=user,
        message=message_of({"channel": channel, "ts": ts}),
        crisis_id=crisis_id,
        phase=phase,
        sequence=sequence,
        trigger_id=field(body, "trigger_id", limit=200),
    )


def where(body: object) -> tuple[str, str]:
    """The user and channel of any interaction, as far as they are well formed ("" if not)."""
    container = mapping(body, "container")
    channel = slack_id(container, "channel_id") or slack_id(mapping(body, "channel"), "id")
    return user_of(body), channel


@dataclass(frozen=True)
class Submission:
    """A dialog submitted: its callback, its values, and what its metadata says."""

    user: str
    callback: str
    values: dict[str, Any]
    meta: dict[str, Any]
    first_block: str  # where an error is shown in the dialog

    def card(self) -> tuple[str, int, str, str]:
        """The crisis, revision, channel and message of the card the dialog came from."""
        crisis_id, revision = crisis_of(self.meta)
        channel = slack_id(self.meta, "channel")
        ts = field(self.meta, "ts", limit=30)
        return crisis_id, revision, channel, ts if TS.match(ts) else ""


def submission(body: object, default_block: str, limit: int = MAX_VALUE) -> Submission:
    """The dialog of ``body``; its metadata is {} when malformed (``card()`` then refuses)."""
    view = mapping(body, "view")
    values = mapping(mapping(view, "state"), "values")
    try:
        meta = decode(view.get("private_metadata"), limit)
    except Malformed:
        meta = {}
    return Submission(
        user=user_of(body),
        callback=field(view, "callback_id", limit=100),
        values=values,
        meta=meta,
        first_block=next(iter(values), default_block),
    )


def typed(values: dict[str, Any], block_id: str, action_id: str) -> str:
    """What a person typed in a dialog's input block ("" when absent or not text); its length
    is the validators' to refuse, with a message."""
    return field(mapping(mapping(values, block_id), action_id), "value", limit=None).strip()


def bolt_can_route(body: object) -> bool:
    """Whether Bolt's own matchers can read ``body`` without failing: a block action's
    ``actions`` a list of objects each with a text ``action_id``, a dialog's ``view`` an object
    with a text ``callback_id``. Anything else of those two kinds is refused before Bolt routes
    it (Bolt indexes into them unchecked)."""
    if not isinstance(body, dict):
        return False
    kind = body.get("type")
    if kind == "block_actions":
        actions = body.get("actions")
        return (
            isinstance(actions, list)
            and bool(actions)
            and all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
        )
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        return isinstance(view, dict) and isinstance(view.get("callback_id"), str)
    return True
