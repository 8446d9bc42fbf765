"""Everything the status site holds, as files in memory: path -> bytes.

::

    index.html, index.en.html, index.de.html     the crises, newest first (en/de when used)
    crises/<id>.html, crises/<id>.en.html, …     one page per crisis and language
    crises/<id>.cap.xml                          the crisis's latest CAP message
    feed.atom, feed.en.atom, feed.de.atom        the statements, per language
    cap.xml                                      the newest CAP message of the site
    cap.atom                                     each crisis's latest CAP message (aggregators)
    cap/<identifier>.xml                         every CAP message, at a URL that never changes
    site.css                                     the one style sheet (screen and print)

``cap.xml`` is one message, as CAP 1.2 wants a document to be: the newest, what a reader who
polls one address needs. Aggregators (an Atom index of CAP files) read ``cap.atom`` and fetch
``cap/<identifier>.xml``: every Alert, Update and Cancel stays there, so that a ``references``
always leads to a message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

from tocsin.site import cap, feeds, pages
from tocsin.site.models import Site


def stylesheet() -> bytes:
    return files("tocsin.site").joinpath("templates/site.css").read_bytes()


def build(site: Site, generated: datetime | None = None) -> dict[str, bytes]:
    """The site's files; ``generated`` (now by default) is the time the pages say."""
    now = generated or datetime.now(UTC)
    out: dict[str, bytes] = {"site.css": stylesheet()}
    newest: list[cap.Message] = []
    for crisis in site.crises:
        languages = pages.languages_of(crisis)
        for lang in languages:
            html = pages.crisis_page(site, crisis, lang)
            out[pages.crisis_path(crisis, lang)] = html.encode()
        urls = {
            lang: str(site.base_url).rstrip("/") + "/" + pages.crisis_path(crisis, lang)
            for lang in languages
        }
        thread = cap.messages(site, crisis, urls)
        for message in thread:
            out[message.path] = cap.to_xml(site, message)
        if thread:
            out[f"crises/{crisis.id}.cap.xml"] = out[thread[-1].path]
            newest.append(thread[-1])
    for lang in pages.site_languages(site):
        out[f"index{pages.suffix(lang)}.html"] = pages.index_page(site, lang, now).encode()
        out[f"feed{pages.suffix(lang)}.atom"] = feeds.statements_feed(site, lang, now)
    out["cap.atom"] = feeds.cap_index(site, newest, now)
    if newest:
        out["cap.xml"] = out[max(newest, key=lambda m: (m.sent, m.identifier)).path]
    return out
