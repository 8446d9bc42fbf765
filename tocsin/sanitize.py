"""A person's edit of a document channel, kept to the markup tocsin's own templates write.

An approver or an author may rewrite a whole text. For the website and the poster that text is
HTML, for the press release Markdown: the words typed are published as they are, but never a
script, an event handler, a frame, a form, a link to ``javascript:`` or an external style.
:func:`clean_edit` keeps the tags and attributes the bundled templates use (their text escaped
again), drops every other tag (its words stay, a script's or a style's are dropped), and keeps a
``<style>`` block only when the text before the edit had the very same one (the poster's).
In Markdown it turns raw HTML into text and a link whose address is not ``http(s)``, ``mailto:``
or ``tel:`` into its words. Pure and deterministic: the workflow applies it.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from tocsin.channels import Markup, profile
from tocsin.models import Channel

TAGS = frozenset(
    {
        "html", "head", "meta", "title", "body", "article", "section", "header", "footer",
        "div", "span", "h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "strong",
        "em", "b", "i", "u", "br", "hr", "blockquote", "table", "thead", "tbody", "tr", "th",
        "td", "small", "abbr", "time",
    }
)  # fmt: skip
ATTRIBUTES = frozenset({"class", "lang", "charset", "id", "datetime", "title"})
VOID = frozenset({"br", "hr", "meta"})
# Dropped with everything in them.
SILENT = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "template", "svg", "math", "noscript",
        "textarea", "xmp", "noembed", "noframes", "select", "applet", "frameset", "frame",
    }
)  # fmt: skip


class _Cleaner(HTMLParser):
    def __init__(self, before: str) -> None:
        super().__init__(convert_charrefs=True)
        self.before = before
        self.out: list[str] = []
        self.silent: list[str] = []  # the silent elements open, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.silent or tag in SILENT:
            if tag in SILENT and tag not in VOID:
                self.silent.append(tag)
            return
        if tag in TAGS:
            kept = "".join(
                f' {name}="{html.escape(value or "", quote=True)}"'
                for name, value in attrs
                if name in ATTRIBUTES
            )
            self.out.append(f"<{tag}{kept}>")

    def handle_endtag(self, tag: str) -> None:
        if self.silent:
            if tag == self.silent[-1]:
                self.silent.pop()
            return
        if tag in TAGS and tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.silent == ["style"] and data.strip() and "</" not in data and data in self.before:
            self.out.append(f"<style>{data}</style>")
        elif not self.silent:
            self.out.append(html.escape(data, quote=False))


def clean_html(text: str, before: str = "") -> str:
    """``text`` with only the allowed tags and attributes; ``before`` is the text it replaces
    (a ``<style>`` block of it may stay)."""
    cleaner = _Cleaner(before)
    cleaner.feed(text)
    cleaner.close()
    page = re.match(r"\s*<!doctype html\s*>", text, re.IGNORECASE)
    return ("<!DOCTYPE html>" if page else "") + "".join(cleaner.out)


_UNESCAPED = r"(?<!\\)((?:\\\\)*)"
_RAW_HTML = re.compile(_UNESCAPED + "<")
_SAFE_TARGET = r"\s*<?\s*(?:https?://|mailto:|tel:|#)"
_LINK = re.compile(_UNESCAPED + r"\]\((?!" + _SAFE_TARGET + ")")
_DEFINITION = re.compile(r"^( {0,3}\[[^\]\n]*\]):(?!" + _SAFE_TARGET + ")", re.MULTILINE)


def clean_markdown(text: str) -> str:
    """``text`` with raw HTML and autolinks as text, and every link or image whose address is
    not ``http(s)``, ``mailto:``, ``tel:`` or an anchor as its words."""
    out = _RAW_HTML.sub(r"\1\\<", text)
    out = _LINK.sub(r"\1]\\(", out)
    return _DEFINITION.sub(r"\1\\:", out)


def clean_edit(channel: Channel, text: str, before: str = "") -> str:
    """An edit of ``channel`` as it may be published."""
    markup = profile(channel).markup
    if markup is Markup.HTML:
        return clean_html(text, before)
    if markup is Markup.MARKDOWN:
        return clean_markdown(text)
    return text
