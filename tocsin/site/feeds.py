"""The site's Atom feeds (feedgen): the statements, one feed per language, and ``cap.atom``,
the index of CAP messages that public alert aggregators poll. Texts are Atom ``text``
content: feedgen escapes them; nothing is read as markup.
"""

from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator
from lxml import etree

from tocsin.site.cap import Message
from tocsin.site.models import Site, SiteLanguage
from tocsin.site.pages import Words, crisis_path, suffix
from tocsin.typography import typeset

MAX_ENTRIES = 200  # the newest; the pages keep everything
ATOM = "http://www.w3.org/2005/Atom"
CAP_TYPE = "application/cap+xml"


def _typed_links(feed: bytes) -> bytes:
    """``type="application/cap+xml"`` on each entry's link: feedgen 1.0.0 drops a link's
    ``rel`` and ``type`` when it writes an entry (it reads them from the element it has just
    made instead of from the link given), and aggregators look for that type."""
    root = etree.fromstring(feed)  # feedgen's own output, just written
    for link in root.iter(f"{{{ATOM}}}link"):
        if "/cap/" in (link.get("href") or ""):
            link.set("rel", "alternate")
            link.set("type", CAP_TYPE)
    written: bytes = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    return written


def _url(site: Site, path: str) -> str:
    return str(site.base_url).rstrip("/") + "/" + path


def _feed(
    site: Site, path: str, title: str, lang: SiteLanguage, updated: datetime
) -> FeedGenerator:
    feed = FeedGenerator()
    feed.id(_url(site, path))
    feed.title(title)
    feed.author({"name": site.name})
    feed.link(href=_url(site, path), rel="self")
    feed.link(href=_url(site, f"index{suffix(lang)}.html"), rel="alternate")
    feed.language(lang)
    feed.updated(updated)
    feed.generator("tocsin")
    return feed


def statements_feed(site: Site, lang: SiteLanguage, generated: datetime) -> bytes:
    words = Words(lang, site.zone)
    rows = [
        (crisis, statement)
        for crisis in site.crises
        for statement in crisis.statements
        if statement.language == lang
    ]
    rows.sort(key=lambda row: (row[1].published_at, row[1].anchor), reverse=True)
    rows = rows[:MAX_ENTRIES]
    updated = max((s.retracted_at or s.published_at for _, s in rows), default=generated)
    feed = _feed(
        site, f"feed{suffix(lang)}.atom", words("site.title", org=site.name), lang, updated
    )
    for crisis, statement in reversed(rows):  # feedgen writes the last added first
        page = _url(site, crisis_path(crisis, lang))
        heading = typeset(f"{crisis.title} – ", lang) + words.phase(statement)
        if crisis.exercise:
            heading = f"{words('site.exercise_tag')} – {heading}"
        entry = feed.add_entry()
        entry.id(f"{page}#{statement.anchor}")
        entry.link(href=f"{page}#{statement.anchor}", rel="alternate")
        entry.published(statement.first_published_at)
        if statement.retracted_at is not None:
            entry.title(heading)
            entry.updated(statement.retracted_at)
            entry.content(
                words("site.retracted", when=words.when(statement.retracted_at)), type="text"
            )
            continue
        entry.title(heading)
        entry.updated(statement.published_at)
        body = typeset(statement.text, lang)
        if statement.history:
            body = f"{words('site.corrected', when=words.when(statement.published_at))}\n\n{body}"
        entry.content(body, type="text")
    return bytes(feed.atom_str(pretty=True))


def cap_index(site: Site, latest: list[Message], generated: datetime) -> bytes:
    """Each crisis's latest CAP message, linked as ``application/cap+xml``: aggregators fetch
    the messages from here and follow ``references`` for the thread."""
    updated = max((m.sent for m in latest), default=generated)
    feed = _feed(site, "cap.atom", f"{site.name} : CAP", "fr", updated)
    for message in sorted(latest, key=lambda m: m.sent):
        entry = feed.add_entry()
        url = _url(site, message.path)
        entry.id(url)
        first = message.infos[0] if message.infos else None
        entry.title(first.headline or first.fields.headline if first else message.identifier)
        entry.updated(message.sent)
        entry.published(message.sent)
        entry.link(href=url, rel="alternate", type=CAP_TYPE)
        if first is not None:
            entry.summary(first.fields.event, type="text")
    return _typed_links(bytes(feed.atom_str(pretty=True)))
