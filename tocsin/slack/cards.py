"""The approval card and the modals, as typed Block Kit objects.

Everything a person reads is built here; the notifier and the listeners only send it. Texts of
the statements are shown as they will be published, in code blocks, with their count against the
channel's limit. Slack limits (50 blocks a message, 3,000 characters a section, 3,000 a text
input) are respected by cutting what is *shown*, never what is published, and saying so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from html.parser import HTMLParser

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from tocsin.channels import HTML_CHANNELS
from tocsin.i18n import language, t
from tocsin.i18n.formats import moment, phase_name
from tocsin.models import (
    Decision,
    DecisionAction,
    Draft,
    NotifyKind,
    NotifyRequest,
    PhaseName,
    StatementText,
)
from tocsin.slack.ids import ActionId, BlockId
from tocsin.slack.words import (
    code,
    escape,
    language_name,
    mentions,
    one_language,
    shorten,
    text_name,
    unit_name,
)

MAX_BLOCKS = 50
SECTION_LIMIT = 3000


def mention(user_id: str | None, name: str) -> str:
    return mentions([user_id] if user_id else [], [name])


def phase_title(phase: PhaseName | None, sequence: int) -> str:
    if phase is None:
        return ""
    return phase_name(phase, sequence)


def statement_title(phase: PhaseName | None, sequence: int, correction: int = 0) -> str:
    """The phase's name, or « Correction 2 — Alerte » for a correction of its statement."""
    name = phase_title(phase, sequence)
    return t("slack.correct.name", number=correction, phase=name) if correction else name


def statement_value(crisis_id: str, phase: PhaseName, sequence: int) -> str:
    """What a « Corriger » button carries back (read by ``payloads.statement_click``)."""
    return json.dumps(
        {"crisis": crisis_id, "phase": phase.value, "sequence": sequence}, separators=(",", ":")
    )


def correct_button(crisis_id: str, phase: PhaseName, sequence: int) -> ActionsBlock:
    """« Corriger » under a published statement: its authors open a correction."""
    return ActionsBlock(
        block_id=BlockId.CORRECT,
        elements=[
            ButtonElement(
                text=t("slack.correct.button"),
                action_id=ActionId.CORRECT,
                value=statement_value(crisis_id, phase, sequence),
            )
        ],
    )


def local(at: datetime, timezone: str) -> str:
    return moment(at, timezone)


def button_value(crisis_id: str, revision: int) -> str:
    """What a card's buttons carry back (read by ``payloads.click``)."""
    return json.dumps({"crisis": crisis_id, "revision": revision}, separators=(",", ":"))


class _Visible(HTMLParser):
    """The words a reader sees in an HTML statement (no head, no style): a director on a phone
    reads the poster and the web page, not their markup."""

    HIDDEN = frozenset({"head", "style", "script", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in ("p", "li", "h1", "h2", "h3", "br", "ul"):
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def readable(item: StatementText) -> str:
    if item.channel not in HTML_CHANNELS:
        return item.text
    parser = _Visible()
    parser.feed(item.text)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)


def _text_block(item: StatementText) -> SectionBlock:
    measure = item.measure
    head = f"*{text_name(item.channel, item.language)}*"
    if measure is not None:
        limit = f" / {measure.limit}" if measure.limit else ""
        mark = "✅" if measure.fits else "⚠️"
        head += f" — {measure.count}{limit} {escape(unit_name(measure.unit))} {mark}"
        if measure.problems:
            head += "\n" + "\n".join(f"> {escape(one_language(p))}" for p in measure.problems)
    if item.channel in HTML_CHANNELS:
        head += t("slack.no_markup")
    return SectionBlock(text=MarkdownTextObject(text=f"{head}\n{shown(readable(item), head)}"))


def shown(text: str, head: str = "") -> str:
    """``text`` as a code block that fits a section under ``head``: cut where needed (the cut
    said), never inside an escaped character."""
    room = SECTION_LIMIT - len(head) - 10
    block = code(text)
    while len(block) > room and text:
        text = text[: max(0, len(text) - (len(block) - room) - len(t("slack.cut")))]
        block = code(text + t("slack.cut"))
    return block


def _texts(texts: Sequence[StatementText], room: int) -> list[Block]:
    blocks: list[Block] = [_text_block(item) for item in texts[:room]]
    if len(texts) > room:
        rest = ", ".join(text_name(x.channel, x.language) for x in texts[room:])
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=t("slack.more_texts", count=len(texts) - room, rest=rest)
                    )
                ]
            )
        )
    return blocks


def card_text(request: NotifyRequest) -> str:
    """The notification's plain text (push notifications, screen readers), in the
    organisation's language: built from the notice's kind, phase and revision, not from the
    workflow's French ``message``."""
    drill = f"[{t('slack.exercise')}] " if request.exercise else ""
    phase = statement_title(request.phase, request.sequence, request.correction)
    return t(
        "slack.card_text",
        drill=drill,
        title=escape(request.title) + (f" – {phase}" if phase else ""),
        what=notice_words(request),
    )


def notice_words(request: NotifyRequest) -> str:
    """What the notice says, in the catalogue's words for its kind, phase and revision. Never
    the workflow's ``message``: it is French, names codes (``detect``, ``deputy_director``) and
    carries people's comments and parameters verbatim."""
    kind = request.kind.value
    if request.kind is NotifyKind.INFO:
        kind = "withdrawn" if request.revision else "info"
    return t(f"slack.notice.{kind}", revision=request.revision or "")


def approval_card(
    request: NotifyRequest,
    timezone: str,
    approvers: str,
    *,
    status: str = "",
    correctable: bool = False,
) -> list[Block]:
    """The card: what awaits approval, for whom, until when; and the buttons.

    ``status`` replaces the buttons once a decision is taken (or changes are asked);
    ``correctable`` adds « Corriger » under it, once the statement is published. A correction's
    card says so: its number, its reason, and the corrected texts (the others do not change).
    """
    draft = request.draft
    texts = draft.texts if draft is not None else request.texts
    revision = draft.revision if draft is not None else (request.revision or 0)
    next_update = draft.next_update_at if draft is not None else None
    drill = f"{t('slack.exercise')} – " if request.exercise else ""
    phase = phase_title(request.phase, request.sequence)
    if request.correction:
        header = drill + t(
            "slack.correct.header", number=request.correction, phase=phase, title=request.title
        )
    else:
        header = f"{drill}{request.title} – {phase}"
    facts = [
        t("slack.revision", revision=revision),
        t("slack.approvers", who=approvers) if approvers else "",
        t("slack.deadline", at=local(request.deadline, timezone)) if request.deadline else "",
        t("slack.next_update", at=local(next_update, timezone)) if next_update else "",
    ]
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=header[:150])),
        SectionBlock(text=MarkdownTextObject(text="  ·  ".join(f for f in facts if f))),
    ]
    if request.correction and request.correction_reason:
        reason = t("slack.correct.reason", reason=escape(request.correction_reason))
        blocks.append(SectionBlock(text=MarkdownTextObject(text=reason[:SECTION_LIMIT])))
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=t("slack.correct.only_corrected"))])
        )
    elif draft is not None and draft.note:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=t("slack.note", note=escape(draft.note)))]
            )
        )
    over = [x for x in texts if x.measure is not None and not x.measure.fits]
    if over:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=t(
                        "slack.too_long",
                        texts=", ".join(text_name(x.channel, x.language) for x in over),
                    )
                )
            )
        )
    if draft is not None and draft.findings and not status:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=findings_text(draft))))
    blocks.append(DividerBlock())
    if request.correction and draft is not None and draft.replaces:
        # What the public was given, to read the correction against (a text at most a block).
        for before in draft.replaces[:MAX_REPLACED_SHOWN]:
            said = t(
                "slack.correct.before",
                text=text_name(before.channel, before.language),
                before=escape(shorten(before.text, REPLACED_CHARS)),
            )
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=said[:SECTION_LIMIT])]))
    room = MAX_BLOCKS - len(blocks) - (4 if correctable else 3)
    blocks.extend(_texts(texts, room))
    blocks.append(DividerBlock())
    if status:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
        if correctable and request.phase is not None:
            blocks.append(correct_button(request.crisis_id, request.phase, request.sequence))
    else:
        blocks.append(actions(request.crisis_id, revision))
    return blocks


MAX_FINDINGS_SHOWN = 8
MAX_REPLACED_SHOWN = 6  # published texts shown on a correction's card
REPLACED_CHARS = 600


def findings_text(draft: Draft) -> str:
    """The guardrails' findings, blocking first, each with its text and the words at fault."""
    ordered = sorted(draft.findings, key=lambda f: f.severity.value != "blocking")
    lines = []
    for item in ordered[:MAX_FINDINGS_SHOWN]:
        mark = "⛔" if item.severity.value == "blocking" else "⚠️"
        where = (
            text_name(item.channel, item.language) if item.channel else language_name(item.language)
        )
        words = t("slack.quoted", words=escape(item.excerpt[:60])) if item.excerpt else ""
        lines.append(
            t(
                "slack.finding",
                mark=mark,
                rule=escape(item.rule),
                where=where,
                words=words,
                message=escape(item.text(language())[0]),
            )
        )
    if len(ordered) > MAX_FINDINGS_SHOWN:
        lines.append(t("slack.more_findings", count=len(ordered) - MAX_FINDINGS_SHOWN))
    if draft.blocking():
        lines.append(t("slack.blocking_hint"))
    return "\n".join(lines)[:2900]


def actions(crisis_id: str, revision: int) -> ActionsBlock:
    value = button_value(crisis_id, revision)
    return ActionsBlock(
        block_id=BlockId.ACTIONS,
        elements=[
            ButtonElement(
                text=t("slack.approve"), action_id=ActionId.APPROVE, value=value, style="primary"
            ),
            ButtonElement(
                text=t("slack.approve_with_edits"),
                action_id=ActionId.APPROVE_WITH_EDITS,
                value=value,
            ),
            ButtonElement(
                text=t("slack.request_changes"),
                action_id=ActionId.REQUEST_CHANGES,
                value=value,
            ),
            ButtonElement(
                text=t("slack.reject"),
                action_id=ActionId.REJECT,
                value=value,
                style="danger",
                confirm=ConfirmObject(
                    title=t("slack.reject_confirm"),
                    text=t("slack.reject_effect"),
                    confirm=t("slack.reject"),
                    deny=t("slack.cancel"),
                ),
            ),
        ],
    )


def decided_status(decision: Decision, timezone: str, user_id: str | None = None) -> str:
    who = mention(user_id, decision.person_name)
    when = local(decision.decided_at, timezone)
    if decision.action in (DecisionAction.APPROVE, DecisionAction.APPROVE_WITH_EDITS):
        if decision.edits:
            return t(
                "slack.approved_edits",
                count=len(decision.edits),
                who=who,
                when=when,
                revision=decision.revision,
            )
        return t("slack.approved", who=who, when=when, revision=decision.revision)
    if decision.action is DecisionAction.REQUEST_CHANGES:
        return t("slack.changes_requested", who=who, when=when, comment=escape(decision.comment))
    return t("slack.rejected", who=who, when=when, comment=escape(decision.comment))


def revise_button(crisis_id: str, revision: int) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                text=t("slack.revise"),
                action_id=ActionId.REVISE,
                value=button_value(crisis_id, revision),
                style="primary",
            )
        ]
    )
