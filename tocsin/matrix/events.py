"""Reading what people send in Matrix: reactions, replies in a card's thread, commands and
``canal:langue=texte`` lines. Plain functions over event JSON (untrusted: every field checked,
every text bounded); nothing here talks to the homeserver."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tocsin.models import Channel, TextEdit
from tocsin.models.base import MAX_EDIT_CHARS

MAX_BODY = 20_000  # characters of a message read
APPROVE_KEYS = frozenset({"✅", "✔", "👍"})
REJECT_KEYS = frozenset({"❌", "✖", "👎"})
PREFIX = "!tocsin"
# « modifications : … », « Modifications: … » (any case, any space before the colon).
CHANGES = re.compile(r"^\s*modifications?\s*[:：]\s*(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
EDIT_LINE = re.compile(r"^\s*(?P<channel>[a-z_]{1,40})\s*:\s*(?P<lang>[a-z]{2,3})\s*=(?P<text>.*)$")
EVENT_ID = re.compile(r"^\$[A-Za-z0-9._~+/=:-]{1,255}$")


class BadEdits(ValueError):
    """A line that reads as an edit but is not one: ``line`` (1-based) and what it says."""

    def __init__(self, line: int, text: str) -> None:
        super().__init__(f"{line}: {text}")
        self.line = line
        self.text = text


@dataclass(frozen=True)
class Reaction:
    target: str  # the event reacted to
    key: str  # the emoji, without its variation selector


@dataclass(frozen=True)
class Message:
    text: str  # what the person wrote (a reply's quoted fallback removed)
    root: str  # the thread's root, or the event replied to; "" for neither


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def event_id(value: object) -> str:
    return value if isinstance(value, str) and EVENT_ID.match(value) else ""


def reaction(event: dict[str, Any]) -> Reaction | None:
    """A reaction (``m.annotation``) to an event, or None."""
    if event.get("type") != "m.reaction":
        return None
    relates = _mapping(_mapping(event.get("content")).get("m.relates_to"))
    target = event_id(relates.get("event_id"))
    key = relates.get("key")
    if relates.get("rel_type") != "m.annotation" or not target or not isinstance(key, str):
        return None
    return Reaction(target=target, key=key.replace("\ufe0f", "").strip()[:16])


def _unquoted(body: str) -> str:
    """A reply's body without the quoted fallback (``> <@x:y> …`` lines, then a blank line)."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    if lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def message(event: dict[str, Any]) -> Message | None:
    """A text message (not an edit, not a notice), with the thread or reply it belongs to."""
    if event.get("type") != "m.room.message":
        return None
    content = _mapping(event.get("content"))
    body = content.get("body")
    if content.get("msgtype") not in ("m.text", None) or not isinstance(body, str):
        return None
    relates = _mapping(content.get("m.relates_to"))
    if relates.get("rel_type") == "m.replace" or "m.new_content" in content:
        return None  # an edit of a message already read: not a new decision
    root = ""
    if relates.get("rel_type") == "m.thread":
        root = event_id(relates.get("event_id"))
    else:
        root = event_id(_mapping(relates.get("m.in_reply_to")).get("event_id"))
    return Message(text=_unquoted(body[:MAX_BODY]).strip(), root=root)


def thread_root(event: dict[str, Any]) -> str:
    """The root of the thread ``event`` is in; "" when it is in none."""
    relates = _mapping(_mapping(event.get("content")).get("m.relates_to"))
    return event_id(relates.get("event_id")) if relates.get("rel_type") == "m.thread" else ""


def command(text: str) -> tuple[str, str] | None:
    """``!tocsin verbe reste…``: the verb (lower case) and the rest of the message; None for
    anything else."""
    if not text.lower().startswith(PREFIX):
        return None
    rest = text[len(PREFIX) :]
    if rest and not rest[0].isspace():
        return None
    parts = rest.strip().split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0].lower(), parts[1] if len(parts) > 1 else ""


def changes(text: str) -> str | None:
    """What « modifications : … » asks for, or None when the text does not start so."""
    found = CHANGES.match(text)
    return found.group("rest").strip() if found else None


def edits(text: str) -> list[TextEdit] | None:
    """The texts of « canal:langue=texte » lines (a text goes on over the lines that follow
    until the next such line); None when the first line is not one. :class:`BadEdits` for a
    channel that does not exist; pydantic's error for a text too long or empty."""
    lines = text.split("\n")
    if not lines or not EDIT_LINE.match(lines[0]):
        return None
    found: list[tuple[int, str, str, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        head = EDIT_LINE.match(line)
        if head:
            found.append((number, head["channel"], head["lang"], [head["text"].strip()]))
        else:
            found[-1][3].append(line)
    result: list[TextEdit] = []
    for number, channel, lang, parts in found:
        try:
            kind = Channel(channel)
        except ValueError:
            raise BadEdits(number, channel) from None
        text_of = "\n".join(parts).strip()[: MAX_EDIT_CHARS + 1]
        result.append(TextEdit(channel=kind, language=lang, text=text_of))
    return result
