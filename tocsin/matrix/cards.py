"""What the Matrix front end posts, as Matrix shows it: a plain ``body`` (notifications, clients
without HTML) and an HTML ``formatted_body``, built together from one list of parts.

The words are the Slack cards' (``tocsin.slack.cards``, ``tocsin.slack.words``) where they carry
no Slack markup, and ``matrix.*`` messages otherwise. Everything typed by a person, or drawn
from a playbook, is escaped in the HTML. A Matrix event is at most 64 KiB: texts are cut where
*shown*, never where published, and the cut is said.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tocsin.i18n import language, t
from tocsin.i18n.formats import moment
from tocsin.models import Decision, Draft, NotifyRequest, StatementText
from tocsin.models.delivery import Delivery, DeliveryStatus
from tocsin.slack.cards import (
    card_text,
    decided_status,
    notice_words,
    phase_title,
    readable,
    statement_title,
)
from tocsin.slack.words import language_name, one_language, text_name, unit_name

CARD_TAG = "fr.tocsin.card"  # in a card's content: the crisis and the revision it shows
KEY_TAG = "fr.tocsin.key"  # in every event tocsin sends: the notice's idempotency key
TEXT_SHOWN = 4_000  # characters of a statement shown in a card
CARD_ROOM = 40_000  # characters of a card's two bodies together (the event's limit is 64 KiB)
MAX_FINDINGS_SHOWN = 8


@dataclass
class Rich:
    """A message being built: its plain text and its HTML, side by side."""

    plain: list[str] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)

    def add(self, plain: str, markup: str | None = None) -> Rich:
        """A paragraph; ``markup`` is its HTML (by default, ``plain`` escaped)."""
        self.plain.append(plain)
        self.markup.append(f"<p>{html.escape(plain)}</p>" if markup is None else markup)
        return self

    def size(self) -> int:
        return sum(map(len, self.plain)) + sum(map(len, self.markup))

    def content(self, **extra: Any) -> dict[str, Any]:
        """The ``m.room.message`` content."""
        return {
            "msgtype": "m.text",
            "body": "\n\n".join(self.plain),
            "format": "org.matrix.custom.html",
            "formatted_body": "".join(self.markup),
            **extra,
        }


def unslack(text: str) -> str:
    """A Slack-escaped string (``&lt;`` for ``<``) as the plain text it stands for."""
    return html.unescape(text)


def cut(text: str, limit: int = TEXT_SHOWN) -> str:
    return text if len(text) <= limit else text[:limit] + " […] " + t("matrix.cut")


def names(request: NotifyRequest) -> str:
    return ", ".join(request.recipient_names) or t("slack.nobody")


def mentions(user_ids: Iterable[str]) -> dict[str, Any]:
    """Intentional mentions: the people named get a notification, nobody else."""
    return {"m.mentions": {"user_ids": sorted(set(user_ids))}}


def title(request: NotifyRequest) -> str:
    """« EXERCICE – Eau non potable – Alerte », or a correction's header."""
    drill = f"{t('slack.exercise')} – " if request.exercise else ""
    phase = phase_title(request.phase, request.sequence)
    if request.correction:
        return drill + t(
            "slack.correct.header", number=request.correction, phase=phase, title=request.title
        )
    return f"{drill}{request.title} – {phase}"


def _text(item: StatementText, rich: Rich) -> None:
    head = text_name(item.channel, item.language)
    measure = item.measure
    if measure is not None:
        limit = f" / {measure.limit}" if measure.limit else ""
        mark = "✅" if measure.fits else "⚠️"
        head += f" — {measure.count}{limit} {unit_name(measure.unit)} {mark}"
        for problem in measure.problems:
            head += f"\n> {one_language(problem)}"
    shown = cut(readable(item))
    rich.plain.append(f"{head}\n{shown}")
    rich.markup.append(
        f"<p><b>{html.escape(head).replace(chr(10), '<br>')}</b></p>"
        f"<pre><code>{html.escape(shown)}</code></pre>"
    )


def _findings(draft: Draft, rich: Rich) -> None:
    ordered = sorted(draft.findings, key=lambda f: f.severity.value != "blocking")
    for item in ordered[:MAX_FINDINGS_SHOWN]:
        mark = "⛔" if item.severity.value == "blocking" else "⚠️"
        where = (
            text_name(item.channel, item.language) if item.channel else language_name(item.language)
        )
        words = f" « {item.excerpt[:60]} »" if item.excerpt else ""
        rich.add(f"{mark} {item.rule} {where}{words} : {item.text(language())[0]}")
    if len(ordered) > MAX_FINDINGS_SHOWN:
        rich.add(t("matrix.more_findings", count=len(ordered) - MAX_FINDINGS_SHOWN))


def card(request: NotifyRequest, *, status: str = "") -> Rich:
    """The approval card: what awaits approval, for whom, until when, each text as it will be
    published, and how to decide (``status`` instead, once decided)."""
    draft = request.draft
    texts = draft.texts if draft is not None else request.texts
    revision = draft.revision if draft is not None else (request.revision or 0)
    rich = Rich()
    heading = title(request)
    rich.plain.append(heading.upper())
    rich.markup.append(f"<h3>{html.escape(heading)}</h3>")
    facts = [t("matrix.revision", revision=revision)]
    if not status:
        facts.append(t("matrix.approvers", who=names(request)))
    if request.deadline and not status:
        facts.append(t("matrix.deadline", at=moment(request.deadline, request.timezone)))
    if draft is not None and draft.next_update_at:
        facts.append(t("matrix.next_update", at=moment(draft.next_update_at, request.timezone)))
    rich.add(" · ".join(facts))
    if request.correction and request.correction_reason:
        rich.add(t("matrix.correction_reason", reason=request.correction_reason))
    elif draft is not None and draft.note:
        rich.add(t("matrix.note", note=draft.note))
    if draft is not None and draft.findings and not status:
        _findings(draft, rich)
    left = list(texts)
    while left and rich.size() < CARD_ROOM:
        _text(left.pop(0), rich)
    if left:
        rest = ", ".join(text_name(x.channel, x.language) for x in left)
        rich.add(t("matrix.more_texts", count=len(left), rest=rest))
    if status:
        rich.add(unslack(status), f"<p><b>{status}</b></p>")
    else:
        rich.add(t("matrix.how"), f"<p><i>{html.escape(t('matrix.how'))}</i></p>")
    return rich


def card_tag(request: NotifyRequest, *, decided: bool = False) -> dict[str, Any]:
    """What a card (and a line that asks for a decision) says of itself, for the bot: read
    back only from events the bot itself sent."""
    revision = request.draft.revision if request.draft is not None else (request.revision or 0)
    return {
        CARD_TAG: {
            "crisis": request.crisis_id,
            "revision": revision,
            "phase": request.phase.value if request.phase else "",
            "sequence": request.sequence,
            "correction": request.correction,
            "decided": decided,
        }
    }


def line(text: str) -> Rich:
    """One line of the thread (a reminder, an escalation, a decision)."""
    return Rich().add(text)


def status_of(decision: Decision | None, request: NotifyRequest) -> str:
    """Who decided what, when (Slack-escaped: HTML-safe; ``unslack`` for the plain text)."""
    if decision is None:
        return html.escape(notice_words(request))
    return decided_status(decision, request.timezone)


def notice_text(request: NotifyRequest) -> str:
    """The notice in one line, in the organisation's language (never the workflow's French
    ``message``)."""
    return unslack(card_text(request))


def published_line(request: NotifyRequest) -> str:
    return t(
        "slack.published_line",
        phase=statement_title(request.phase, request.sequence, request.correction),
        revision=request.revision,
    )


def published_text(item: StatementText) -> Rich:
    rich = Rich()
    head = t("matrix.published_text", text=text_name(item.channel, item.language))
    shown = cut(readable(item))
    rich.plain.append(f"{head}\n{shown}")
    rich.markup.append(
        f"<p><b>{html.escape(head)}</b></p><pre><code>{html.escape(shown)}</code></pre>"
    )
    return rich


def tasks_message(request: NotifyRequest) -> Rich:
    """The texts to publish by hand, each in full (cut where shown), and how to say it is done."""
    rich = Rich().add(f"🖐 {notice_text(request)} — {names(request)}")
    for task in request.tasks[:20]:
        head = f"{task.id} · {text_name(task.channel, task.language)}"
        shown = cut(task.text, 2_000)
        rich.plain.append(f"{head}\n{shown}")
        rich.markup.append(
            f"<p><b>{html.escape(head)}</b></p><pre><code>{html.escape(shown)}</code></pre>"
        )
        if rich.size() > CARD_ROOM:
            break
    name = request.tasks[0].id if len(request.tasks) == 1 else "…"
    return rich.add(t("matrix.task_cli", command=f"tocsin done {request.crisis_id} {name} --url …"))


def _post_line(delivery: Delivery) -> str:
    name = f"{text_name(delivery.channel, delivery.language)} ({delivery.account})"
    if delivery.status is DeliveryStatus.PUBLISHED:
        return f"✅ {name} → {delivery.url or delivery.remote_id or '-'}"
    return f"⚠️ {name} → {delivery.task or '-'} {delivery.error[:200]}".rstrip()


def posts_message(request: NotifyRequest) -> Rich:
    heading = t(
        "matrix.posted",
        phase=phase_title(request.phase, request.sequence),
        revision=request.revision or "",
    )
    lines = [_post_line(d) for d in request.deliveries[:100]]
    rich = Rich()
    rich.plain.append("\n".join([heading, *lines]))
    items = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
    rich.markup.append(f"<p>{html.escape(heading)}</p><ul>{items}</ul>")
    return rich


def review_message(request: NotifyRequest) -> Rich:
    heading, _, rest = request.message.partition("\n")
    rich = Rich()
    rich.plain.append(f"📋 {heading}\n{cut(rest, 20_000)}")
    rich.markup.append(
        f"<p><b>📋 {html.escape(heading)}</b></p><pre>{html.escape(cut(rest, 20_000))}</pre>"
    )
    return rich


def replaced(original: str, content: Mapping[str, Any]) -> dict[str, Any]:
    """An edit of ``original`` (``m.replace``): clients show ``m.new_content`` in its place."""
    new = dict(content)
    new.pop("m.relates_to", None)
    edit = {k: v for k, v in new.items() if k != "m.mentions"}
    edit["body"] = f"* {new.get('body', '')}"
    edit["formatted_body"] = f"* {new.get('formatted_body', '')}"
    edit["m.new_content"] = new
    edit["m.relates_to"] = {"rel_type": "m.replace", "event_id": original}
    edit["m.mentions"] = {}
    return edit


def in_thread(root: str, content: Mapping[str, Any]) -> dict[str, Any]:
    """``content`` in the thread of ``root`` (``m.thread``; a reply for clients without
    threads)."""
    return {
        **content,
        "m.relates_to": {
            "rel_type": "m.thread",
            "event_id": root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": root},
        },
    }
