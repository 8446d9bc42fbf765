"""A published HTML text (the website's fragment, the poster's page) as the reader sees it:
its words, one block a line, list items with a bullet. The review shows this; the archived
file and its fingerprint stay the HTML as published."""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "br", "tr", "section"}
HIDDEN = {"head", "style", "script", "title", "template"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(re.sub(r"\s+", " ", data))


def is_html(text: str) -> bool:
    return bool(re.match(r"\s*<(!doctype|[a-z][a-z0-9]*)[\s>/]", text, re.IGNORECASE))


def plain(text: str) -> str:
    """The words of an HTML text, blocks on their own lines; any other text as it is."""
    if not is_html(text):
        return text
    parser = _Text()
    parser.feed(text)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)
