"""A correction of a published statement, as Slack shows it: the published texts kept in the
card's thread, and the « Corriger » dialog.

When a statement is published, each of its texts goes into the card's thread as a message whose
metadata holds the text itself (``published_payload``): the dialog is prefilled from there, not
from what the message shows (escaped, cut). The dialog has one field per text, prefilled, and the
reason; only the texts a person changed are corrected. Its metadata keeps a digest of each text
offered, so that an unchanged text is known without reading the thread again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from tocsin.i18n import t
from tocsin.i18n.formats import number
from tocsin.models import Channel, NotifyRequest, PhaseName, StatementText
from tocsin.models.base import MAX_COMMENT_CHARS
from tocsin.slack.cards import phase_title
from tocsin.slack.ids import INPUT_ACTION, PUBLISHED_EVENT, TEXT_BLOCK_PREFIX, BlockId, ViewId
from tocsin.slack.words import text_name

INPUT_LIMIT = 3000  # Slack's limit for a text input: a longer text is corrected from the CLI
MAX_BLOCKS = 50
DIGEST = re.compile(r"^[0-9a-f]{16}\Z")
LANGUAGE = re.compile(r"^[a-z]{2}\Z")
CHANNELS = {c.value: c for c in Channel}


def digest(text: str) -> str:
    """What tells an unchanged text (as Slack gives it back: stripped)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def text_block(channel: Channel, language: str) -> str:
    return f"{TEXT_BLOCK_PREFIX}{channel.value}__{language}"


def text_of_block(block: str) -> tuple[Channel, str] | None:
    """The channel and language a text field's block id names, or None."""
    channel, sep, language = block.removeprefix(TEXT_BLOCK_PREFIX).partition("__")
    if not block.startswith(TEXT_BLOCK_PREFIX) or not sep or channel not in CHANNELS:
        return None
    return (CHANNELS[channel], language) if LANGUAGE.match(language) else None


# ------------------------------------------------------------------ the texts in the thread


def published_payload(request: NotifyRequest, item: StatementText) -> dict[str, str | int | bool]:
    """The metadata of a published text's message: which statement, revision and text, and the
    text itself when a dialog can hold it."""
    fits = len(item.text) <= INPUT_LIMIT
    return {
        "phase": request.phase.value if request.phase is not None else "",
        "sequence": request.sequence,
        "revision": request.revision or 0,
        "channel": item.channel.value,
        "language": item.language,
        "text": item.text if fits else "",
        "long": not fits,
    }


@dataclass(frozen=True)
class Published:
    """One published text, as its message in the card's thread holds it."""

    channel: Channel
    language: str
    revision: int
    text: str  # "" when too long for a dialog
    long: bool

    @property
    def name(self) -> str:
        return text_name(self.channel, self.language)


def published_of(
    message: Mapping[str, Any], crisis: str, phase: PhaseName, sequence: int
) -> Published | None:
    """The published text a thread's message holds, if it is one of this statement's, as the
    notifier wrote it; None for anything else."""
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != PUBLISHED_EVENT:
        return None
    data = metadata.get("event_payload")
    if not isinstance(data, dict) or data.get("crisis") != crisis:
        return None
    if data.get("phase") != phase.value or data.get("sequence") != sequence:
        return None
    channel, language = data.get("channel"), data.get("language")
    revision, text, long = data.get("revision"), data.get("text"), data.get("long")
    if not isinstance(channel, str) or channel not in CHANNELS:
        return None
    if not isinstance(language, str) or not LANGUAGE.match(language):
        return None
    if isinstance(revision, bool) or not isinstance(revision, int) or revision < 0:
        return None
    if not isinstance(text, str) or len(text) > INPUT_LIMIT or not isinstance(long, bool):
        return None
    if not long and not text.strip():
        return None
    return Published(CHANNELS[channel], language, revision, text, long)


# ------------------------------------------------------------------ the dialog


def cli_command(crisis: str, phase: PhaseName, sequence: int) -> str:
    more = f" --sequence {sequence}" if sequence else ""
    return f"`tocsin correct {crisis} --phase {phase.value}{more} -e …`"


def _names(texts: Sequence[Published]) -> str:
    return ", ".join(x.name for x in texts)


def left_out(
    crisis: str,
    phase: PhaseName,
    sequence: int,
    too_long: Sequence[Published],
    elsewhere: Sequence[str],
) -> list[str]:
    """Why some published texts are not in the dialog: too long for Slack, or corrected since
    (their latest text is on the card of that correction)."""
    lines = []
    if too_long:
        command = cli_command(crisis, phase, sequence)
        lines.append(
            t(
                "slack.correct.too_long",
                texts=_names(too_long),
                limit=number(INPUT_LIMIT),
                command=command,
            )
        )
    if elsewhere:
        lines.append(t("slack.correct.elsewhere", texts=", ".join(elsewhere)))
    return lines


def correct_modal(
    crisis: str,
    phase: PhaseName,
    sequence: int,
    offered: Sequence[Published],
    notes: Sequence[str],
    where: dict[str, str],
) -> View:
    """« Corriger »: each text offered, prefilled, the reason; what is left out, and why."""
    offered = offered[: MAX_BLOCKS - 4]
    metadata = {
        "crisis": crisis,
        "phase": phase.value,
        "sequence": sequence,
        **where,
        "texts": {text_block(x.channel, x.language): digest(x.text) for x in offered},
    }
    intro = t("slack.correct.intro", phase=phase_title(phase, sequence))
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=intro))]
    for item in offered:
        blocks.append(
            InputBlock(
                block_id=text_block(item.channel, item.language),
                label=item.name[:2000],
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION,
                    multiline=True,
                    initial_value=item.text,
                    max_length=INPUT_LIMIT,
                ),
                optional=False,
            )
        )
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text="\n".join(notes)[:2900])]))
    blocks.append(
        InputBlock(
            block_id=BlockId.REASON,
            label=t("slack.correct.reason_label"),
            element=PlainTextInputElement(
                action_id=INPUT_ACTION,
                multiline=True,
                placeholder=t("slack.correct.reason_example")[:150],
                max_length=MAX_COMMENT_CHARS,
            ),
            optional=False,
        )
    )
    return View(
        type="modal",
        callback_id=ViewId.CORRECT,
        title=t("slack.correct.button")[:24],
        submit=t("slack.correct.submit")[:24],
        close=t("slack.cancel")[:24],
        private_metadata=json.dumps(metadata, separators=(",", ":")),
        blocks=blocks,
    )


def offered_of(meta: Mapping[str, Any]) -> dict[str, str]:
    """The texts the dialog offered (block id -> digest), from its metadata; {} when not what
    the app wrote."""
    texts = meta.get("texts")
    if not isinstance(texts, dict) or not 0 < len(texts) <= MAX_BLOCKS:
        return {}
    for block, value in texts.items():
        if text_of_block(block) is None or not isinstance(value, str) or not DIGEST.match(value):
            return {}
    return dict(texts)
