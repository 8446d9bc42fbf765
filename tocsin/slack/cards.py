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
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from tocsin.channels import HTML_CHANNELS
from tocsin.i18n import language, t
from tocsin.i18n.formats import moment, phase_name
from tocsin.models import (
    Decision,
    DecisionAction,
    Draft,
    NotifyRequest,
    PhaseName,
    Playbook,
    StatementText,
)
from tocsin.slack.ids import (
    EXERCISE_BLOCK,
    INPUT_ACTION,
    PARAM_BLOCK_PREFIX,
    TEXT_BLOCK_PREFIX,
    ActionId,
    BlockId,
    ViewId,
)

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
INPUT_LIMIT = 3000


def escape(text: str) -> str:
    """Slack's mrkdwn control characters, made inert (a statement may hold HTML)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str | None, name: str) -> str:
    return f"<@{user_id}>" if user_id else escape(name)


def phase_title(phase: PhaseName | None, sequence: int) -> str:
    if phase is None:
        return ""
    return phase_name(phase, sequence)


def local(at: datetime, timezone: str) -> str:
    return moment(at, timezone)


def button_value(crisis_id: str, revision: int) -> str:
    return json.dumps({"crisis": crisis_id, "revision": revision}, separators=(",", ":"))


def parse_value(value: str) -> tuple[str, int]:
    data = json.loads(value)
    return str(data["crisis"]), int(data["revision"])


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
    head = f"*{item.channel.value} · {item.language}*"
    if measure is not None:
        limit = f" / {measure.limit}" if measure.limit else ""
        mark = "✅" if measure.fits else "⚠️"
        head += f" — {measure.count}{limit} {escape(measure.unit)} {mark}"
        if measure.problems:
            head += "\n" + "\n".join(f"> {escape(p)}" for p in measure.problems)
    body = escape(readable(item))
    if item.channel in HTML_CHANNELS:
        head += t("slack.no_markup")
    room = SECTION_LIMIT - len(head) - 40
    if len(body) > room:
        body = body[: max(room, 0)] + t("slack.cut")
    return SectionBlock(text=MarkdownTextObject(text=f"{head}\n```{body}```"))


def _texts(texts: Sequence[StatementText], room: int) -> list[Block]:
    blocks: list[Block] = [_text_block(item) for item in texts[:room]]
    if len(texts) > room:
        rest = ", ".join(f"{t.channel.value}.{t.language}" for t in texts[room:])
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
    return (
        f"{drill}{request.title} – {phase_title(request.phase, request.sequence)} : "
        f"{notice_words(request)}"
    )


def notice_words(request: NotifyRequest) -> str:
    """What the notice says: the workflow's own words in French, else the words of its kind."""
    if language() == "fr":
        return request.message
    return t(f"slack.notice.{request.kind.value}", revision=request.revision or "")


def approval_card(
    request: NotifyRequest, timezone: str, approvers: str, *, status: str = ""
) -> list[Block]:
    """The card: what awaits approval, for whom, until when; and the buttons.

    ``status`` replaces the buttons once a decision is taken (or changes are asked).
    """
    draft = request.draft
    texts = draft.texts if draft is not None else request.texts
    revision = draft.revision if draft is not None else (request.revision or 0)
    next_update = draft.next_update_at if draft is not None else None
    drill = f"{t('slack.exercise')} – " if request.exercise else ""
    header = f"{drill}{request.title} – {phase_title(request.phase, request.sequence)}"
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
    if draft is not None and draft.note:
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
                        texts=", ".join(f"{x.channel.value}.{x.language}" for x in over),
                    )
                )
            )
        )
    if draft is not None and draft.findings and not status:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=findings_text(draft))))
    blocks.append(DividerBlock())
    room = MAX_BLOCKS - len(blocks) - 3
    blocks.extend(_texts(texts, room))
    blocks.append(DividerBlock())
    if status:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=status)]))
    else:
        blocks.append(actions(request.crisis_id, revision))
    return blocks


MAX_FINDINGS_SHOWN = 8


def findings_text(draft: Draft) -> str:
    """The guardrails' findings, blocking first, each with its text and the words at fault."""
    ordered = sorted(draft.findings, key=lambda f: f.severity.value != "blocking")
    lines = []
    for item in ordered[:MAX_FINDINGS_SHOWN]:
        mark = "⛔" if item.severity.value == "blocking" else "⚠️"
        where = f"{item.channel.value}.{item.language}" if item.channel else item.language
        words = f" « {escape(item.excerpt[:60])} »" if item.excerpt else ""
        lines.append(f"{mark} *{item.rule}* {where}{words} : {escape(item.message)}")
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


# --------------------------------------------------------------------------- modals


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
                label=f"{item.channel.value} · {item.language}",
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
        close="Annuler",
        private_metadata=metadata,
        blocks=blocks,
    )


def edits_modal(
    view_id: ViewId, title: str, submit: str, draft: Draft, meta: tuple[str, int, str, str]
) -> View:
    comment_label = "Note (facultative)" if view_id is ViewId.REVISE else "Commentaire"
    inputs = [*text_inputs(draft), comment_input(BlockId.COMMENT, comment_label, optional=True)]
    if view_id is ViewId.APPROVE_WITH_EDITS and draft.blocking():
        inputs.append(
            comment_input(
                BlockId.OVERRIDE,
                "Justification de la dérogation aux constats bloquants",
                optional=True,
            )
        )
    return _modal(view_id, title, submit, _metadata(*meta), inputs)


def changes_modal(draft: Draft, meta: tuple[str, int, str, str]) -> View:
    """Request changes: what to change (required), and the texts, which the director may
    rewrite as proposals for the author."""
    return _modal(
        ViewId.REQUEST_CHANGES,
        "Demander des modifs",
        "Envoyer",
        _metadata(*meta),
        [
            comment_input(BlockId.COMMENT, "Ce qu’il faut changer", optional=False),
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
        hint = f"ex. {param.example}" if param.example is not None else None
        initial = str(param.default) if param.default is not None else None
        blocks.append(
            InputBlock(
                block_id=f"{PARAM_BLOCK_PREFIX}{param.name}",
                label=param.name,
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
            label="Exercice",
            element=CheckboxesElement(
                action_id=INPUT_ACTION,
                options=[Option(value="exercise", text="C’est un exercice (rien de réel)")],
            ),
            optional=True,
        )
    )
    return _modal(
        ViewId.START,
        playbook.title,
        "Déclencher",
        json.dumps({"playbook": playbook.id, "channel": channel}),
        blocks,
    )
