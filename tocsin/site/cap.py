"""A crisis's alert statements as CAP 1.2 messages (OASIS Common Alerting Protocol), the format
public alert aggregators and the FR-Alert operator read.

The messages are rebuilt from the statements as they stand, the same each time: every moment
the public saw an alert text change is one message. The first is an Alert; each new or
corrected text after it is an Update that references every earlier message of the thread; a
retraction of the text the thread shows, or the end of the crisis, is a Cancel (an Update
without it when only one language of it is withdrawn and others stand). After a Cancel a new
alert statement starts a new thread with an Alert.

One ``info`` per language, French first. Times are written with their offset (``+01:00``,
``+00:00`` for UTC), never ``Z``, to the second, as CAP 1.2 requires.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from tocsin.i18n import text_in
from tocsin.site.models import LANGUAGES, CapFields, Crisis, Site, SiteLanguage, Statement
from tocsin.typography import typeset

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
MsgType = Literal["Alert", "Update", "Cancel"]


def cap_time(moment: datetime, zone: ZoneInfo) -> str:
    """``2026-12-03T08:05:00+01:00``: local time with its offset, to the second."""
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Info:
    language: SiteLanguage
    fields: CapFields
    description: str
    web: str
    headline: str | None = None  # the fields' headline unless set (a Cancel's)


@dataclass
class Message:
    crisis: Crisis
    identifier: str
    sent: datetime
    msg_type: MsgType
    references: list[Message] = field(default_factory=list)
    infos: list[Info] = field(default_factory=list)
    note: str | None = None

    @property
    def path(self) -> str:
        return f"cap/{self.identifier}.xml"


@dataclass
class _Event:
    at: datetime
    statement: Statement
    kind: Literal["text", "retract"]
    text: str = ""
    current: bool = False


def _events(crisis: Crisis) -> dict[datetime, list[_Event]]:
    """Each change of an alert text, by the second it happened."""
    found: dict[datetime, list[_Event]] = defaultdict(list)
    for statement in crisis.statements:
        if statement.cap is None:
            continue
        for old in statement.history:
            at = old.published_at.astimezone(UTC).replace(microsecond=0)
            found[at].append(_Event(at, statement, "text", old.text))
        at = statement.published_at.astimezone(UTC).replace(microsecond=0)
        found[at].append(_Event(at, statement, "text", statement.text, current=True))
        if statement.retracted_at is not None:
            at = statement.retracted_at.astimezone(UTC).replace(microsecond=0)
            found[at].append(_Event(at, statement, "retract"))
    return found


def messages(site: Site, crisis: Crisis, page_url: Mapping[SiteLanguage, str]) -> list[Message]:
    """The crisis's CAP messages, oldest first; ``page_url`` gives the page of each language."""
    web = {lang: str(crisis.web) if crisis.web else url for lang, url in page_url.items()}
    fallback = web.get("fr", next(iter(web.values()), str(site.base_url)))
    events = _events(crisis)
    if crisis.closed_at is not None:
        events.setdefault(crisis.closed_at.astimezone(UTC).replace(microsecond=0), [])
    closing = crisis.closed_at.astimezone(UTC).replace(microsecond=0) if crisis.closed_at else None

    out: list[Message] = []
    thread: list[Message] = []
    shown = ""  # the anchor of the statements the thread shows
    texts: dict[str, dict[SiteLanguage, tuple[str, Statement, bool]]] = defaultdict(dict)
    withdrawn: set[tuple[str, str]] = set()

    def message(at: datetime, kind: MsgType, infos: list[Info], note: str | None) -> Message:
        made = Message(
            crisis=crisis,
            identifier=f"{crisis.id}-{at:%Y%m%dT%H%M%S}-{kind.lower()}"
            + (f"-{note}" if note else ""),
            sent=at,
            msg_type=kind,
            references=list(thread),
            infos=infos,
            note=note,
        )
        out.append(made)
        return made

    def standing() -> list[Info]:
        """The infos of the statements the thread shows, those not withdrawn, French first."""
        return [
            _info(texts[shown][lang], web.get(lang, fallback))
            for lang in LANGUAGES
            if lang in texts[shown] and (shown, lang) not in withdrawn
        ]

    def cancel(at: datetime, key: str, note: str) -> None:
        infos = []
        for lang in LANGUAGES:
            if lang in texts[shown]:
                _, statement, _ = texts[shown][lang]
                assert statement.cap is not None
                infos.append(
                    Info(
                        lang,
                        statement.cap,
                        typeset(text_in(lang, key), lang),
                        web.get(lang, fallback),
                        headline=typeset(
                            text_in(
                                lang, "site.cap.cancel_headline", headline=statement.cap.headline
                            ),
                            lang,
                        ),
                    )
                )
        message(at, "Cancel", infos, note)
        thread.clear()

    for at in sorted(events):
        changed = [e for e in events[at] if e.kind == "text"]
        for event in changed:
            texts[event.statement.anchor][event.statement.language] = (
                event.text,
                event.statement,
                event.current,
            )
        if changed:
            # The thread shows the newest publication among those that changed now.
            shown = max(changed, key=lambda e: e.statement.first_published_at).statement.anchor
            message(at, "Update" if thread else "Alert", standing(), None)
            thread.append(out[-1])
        retracted = [e for e in events[at] if e.kind == "retract"]
        withdrawn.update((e.statement.anchor, e.statement.language) for e in retracted)
        if thread and any(e.statement.anchor == shown for e in retracted):
            left = standing()
            if left:  # one language withdrawn, the others stand: they go on alone
                message(at, "Update", left, "retracted")
                thread.append(out[-1])
            else:
                cancel(at, "site.cap.cancelled", "retracted")
        if at == closing and thread:
            cancel(at, "site.cap.ended", "closed")
    return out


def _info(state: tuple[str, Statement, bool], web: str) -> Info:
    text, statement, current = state
    assert statement.cap is not None
    description = statement.cap.description if current and statement.cap.description else text
    return Info(statement.language, statement.cap, description, web)


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    child = ET.SubElement(parent, tag)
    child.text = text
    return child


def to_xml(site: Site, message: Message) -> bytes:
    """The message as a CAP 1.2 document, elements in the schema's order."""
    zone = ZoneInfo(site.zone)
    crisis = message.crisis
    alert = ET.Element("alert", {"xmlns": NAMESPACE})
    _sub(alert, "identifier", message.identifier)
    _sub(alert, "sender", site.sender)
    _sub(alert, "sent", cap_time(message.sent, zone))
    _sub(alert, "status", "Exercise" if crisis.exercise else "Actual")
    _sub(alert, "msgType", message.msg_type)
    _sub(alert, "source", "tocsin")
    _sub(alert, "scope", "Public")
    if message.note:
        _sub(alert, "note", message.note)
    if message.references:
        _sub(
            alert,
            "references",
            " ".join(
                f"{site.sender},{m.identifier},{cap_time(m.sent, zone)}" for m in message.references
            ),
        )
    _sub(alert, "incidents", crisis.id)
    for info in message.infos:
        fields = info.fields
        block = ET.SubElement(alert, "info")
        _sub(block, "language", info.language)
        _sub(block, "category", fields.category)
        _sub(block, "event", fields.event)
        _sub(block, "urgency", fields.urgency)
        _sub(block, "severity", fields.severity)
        _sub(block, "certainty", fields.certainty)
        if fields.expires is not None:
            _sub(block, "expires", cap_time(fields.expires, zone))
        _sub(block, "senderName", crisis.sender_name)
        _sub(block, "headline", info.headline or fields.headline)
        _sub(block, "description", info.description)
        if fields.instruction and message.msg_type != "Cancel":
            _sub(block, "instruction", fields.instruction)
        _sub(block, "web", info.web)
        _sub(block, "contact", crisis.contact)
        area = ET.SubElement(block, "area")
        _sub(area, "areaDesc", crisis.area.description)
        for code in crisis.area.geocodes:
            geocode = ET.SubElement(area, "geocode")
            _sub(geocode, "valueName", code.value_name)
            _sub(geocode, "value", code.value)
    ET.indent(alert)
    written: bytes = ET.tostring(alert, encoding="UTF-8", xml_declaration=True)
    return written + b"\n"
