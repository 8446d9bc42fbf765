"""Text into Markdown, as text: the one escaping function for every Markdown tocsin writes (the
press release, the review's ``retex.md``).

Parameters, facts, comments and edits are plain text. Written into Markdown they must come out
as the words typed, never as a link, an image, a heading, a list, emphasis, raw HTML, an entity,
a table cell break or the end of a code block. :func:`inline` makes any text one line of inline
text that CommonMark (and GFM tables) read back as exactly that text; :func:`fence` wraps a text
that keeps its lines in a code block it cannot leave.
"""

from __future__ import annotations

import re
import unicodedata

# Always escaped: code spans, emphasis, links and images, raw HTML and autolinks, entities,
# table cells, GFM strikethrough, and the backslash itself.
_ALWAYS = re.compile(r"([\\`*\[\]<>&|~])")
# « _ » opens or closes emphasis unless a letter or digit stands on both sides (snake_case).
_UNDERSCORE = re.compile(r"(?<![^\W_])_|_(?![^\W_])")
# « # » starts a heading at the start of a line, and closes one after a space.
_HASH = re.compile(r"(^|\s)#")
# What opens a block at the start of a line: a list item, a quote, a thematic break or setext
# underline, an ordered list item (« 1. », « 2) »). A value that starts with « ! ? ; : » is
# escaped too: French typography would otherwise glue it to a heading's « ## » with a no-break
# space, and the heading would be lost.
_BLOCK_START = re.compile(r"^([-+=!?;:])|^(\d{1,9})([.)])")


def _visible(char: str) -> bool:
    """Control characters (C0, DEL, C1) and the bidirectional overrides are dropped: they are
    never words, and they can hide or reorder what a reader sees."""
    return unicodedata.category(char) != "Cc" and char not in "\u202a\u202b\u202c\u202d\u202e"


_BLANKS = re.compile(r"[ \t\n\v\f\r\x1c-\x1f\x85]+")


def one_line(text: str) -> str:
    """``text`` on one line: every run of Markdown's white space (line breaks included) one
    space, control characters dropped; no-break spaces stay. A line break in a value would start
    a new Markdown block."""
    spaced = _BLANKS.sub(" ", text).strip(" ")
    return "".join(c for c in spaced if _visible(c))


def visible(text: str) -> str:
    """``text`` without control characters: those that separate (form feed, carriage return,
    the information separators) become a space, line breaks and tabs stay, the others go."""
    return "".join(c if _visible(c) or c in "\n\t" else " " if c.isspace() else "" for c in text)


def inline(text: str) -> str:
    """``text`` as one line of Markdown that reads back as these words, wherever it is put: at
    the start of a line, in a heading, a list item or a table cell."""
    out = _ALWAYS.sub(r"\\\1", one_line(text))
    out = _UNDERSCORE.sub(r"\\_", out)
    out = _HASH.sub(r"\1\\#", out)
    return _BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", out)


def fence(text: str, info: str = "") -> list[str]:
    """``text`` as a fenced code block, its lines kept: the fence is one backtick longer than the
    longest run of backticks in the text (three at least), so no line of it can close the block.
    Control characters other than line breaks and tabs are dropped."""
    body = "".join(c for c in text if _visible(c) or c in "\n\t")
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    marks = "`" * max(3, longest + 1)
    return [f"{marks}{info}", *body.splitlines(), marks]
