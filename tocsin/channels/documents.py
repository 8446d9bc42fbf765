"""Website, press release and poster: documents without a platform limit."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from tocsin.channels.base import ChannelProfile, Markup
from tocsin.models import Channel, ChannelSettings, Measure

TAG = re.compile(r"<[^>]+>")
HEAD = re.compile(r"<head\b.*?</head>", re.DOTALL | re.IGNORECASE)
# CommonMark with raw HTML off: anything that looks like a tag in the source comes out escaped.
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


def visible_text(markup: str) -> str:
    return html.unescape(TAG.sub(" ", HEAD.sub(" ", markup)))


def words(text: str) -> int:
    return len(re.findall(r"\w+(?:[’'-]\w+)*", text))


def markdown_to_html(source: str) -> str:
    rendered: str = MARKDOWN.render(source)
    return rendered


@dataclass(frozen=True)
class DocumentProfile(ChannelProfile):
    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        plain = visible_text(text) if self.markup is Markup.HTML else text
        count = words(plain)
        return self.verdict(count, settings, detail=f"{len(plain)} caractères")


WEBSITE = DocumentProfile(
    Channel.WEBSITE,
    "Site internet",
    Markup.HTML,
    None,
    "mots",
    "fragment HTML, tout texte venu de l’extérieur échappé",
)
PRESS_RELEASE = DocumentProfile(
    Channel.PRESS_RELEASE,
    "Communiqué de presse",
    Markup.MARKDOWN,
    None,
    "mots",
    "Markdown numéroté et daté, publié aussi en HTML",
)
POSTER = DocumentProfile(
    Channel.POSTER,
    "Affiche A4",
    Markup.HTML,
    150,
    "mots",
    "page HTML imprimable A4 ; lisible de loin : 150 mots au plus",
)
