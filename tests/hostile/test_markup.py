"""Markup (issue 24, point 4): parameters, facts, comments and edits are plain text. A corpus of
hostile strings goes through every Markdown and HTML output (the press release, the website and
the poster as drafted and as written to the outbox by a real crisis, the review in Markdown,
HTML, PDF and plain text, the preview's page), and each output is PARSED: an HTML parser finds
no script, no event handler, no ``javascript:`` address, no frame; a Markdown parser (the one
tocsin publishes with, raw HTML on: the strictest reader) finds the hostile words as text, never
a link, an image, raw HTML, a heading or a new block, and tables keep their columns. URL
parameters must be http(s) with a host."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from temporalio.client import Client

from tests.helpers import (
    PLAYBOOK,
    awaiting,
    crisis_input,
    sample_params,
    signed,
    until_quiet,
    wait_status,
)
from tests.processes import tocsin, tocsin_env
from tocsin import crises
from tocsin.config import Settings
from tocsin.mdescape import fence, inline, one_line
from tocsin.models import (
    Channel,
    DecisionAction,
    DecisionRequest,
    FactRequest,
    ParameterType,
    PhaseName,
    ResolveRequest,
    TextEdit,
)
from tocsin.outbox import review_paths
from tocsin.playbook.parameters import coerce_value
from tocsin.preview import preview_drafts
from tocsin.review import build_review, fetch_chain
from tocsin.review.html import html
from tocsin.review.report import markdown, summary
from tocsin.sanitize import clean_edit

from ..conftest import Start
from ..helpers import LIBRARY

# One line each: a parameter is one line. Facts, comments and edits also get MULTILINE.
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[clic](javascript:alert(1))",
    "![pixel](https://evil.example/p.png)",
    "<https://evil.example/x>",
    "# Faux titre",
    "*gras* _penché_ **fort** ~~barré~~",
    "&lt;script&gt; &amp; &#60;b&#62;",
    "col | onne | s",
    "``` fin de bloc ```` encore `code`",
    "1. faux point",
    "- faux item",
    "> fausse citation",
    "---",
    "\\<script>alert(2)</script>",
    "\x1b[31mrouge\x1b[0m",
]
MULTILINE = (
    "ligne\n# Titre injecté\n\n```\nhors du bloc\n```\n| a | b |\n|---|---|\n<div onclick=x>"
)
MD = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
BENIGN = "Valeur ordinaire"


# ---------------------------------------------------------------------- readers


class Page(HTMLParser):
    """What a browser would find in a page: its tags, attributes and words; frames' documents
    (``srcdoc``) read too."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.problems: list[str] = []
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        # A frame sandboxed with no permission (no allow-scripts) runs nothing.
        sandboxed = tag == "iframe" and "sandbox" in dict(attrs) and not dict(attrs)["sandbox"]
        if tag in ("script", "iframe", "object", "embed", "img", "form", "a") and not sandboxed:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}>")
            if value and re.match(r"\s*(javascript|data|vbscript):", value, re.IGNORECASE):
                self.problems.append(f"{name}={value} on <{tag}>")
            if name == "srcdoc" and value:
                inner = read_html(value)
                self.problems += [f"in a frame: {p}" for p in inner.problems]
                self.words += inner.words

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def read_html(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def words(text: str) -> str:
    return " ".join(text.split())


def shown(value: str) -> str:
    """The words of ``value`` as a reader sees them: on one line, control characters out."""
    return words("".join(c for c in value if c.isprintable() or c.isspace()))


def tokens(tree: list[Token]) -> Iterator[Token]:
    for token in tree:
        yield token
        yield from tokens(token.children or [])


# Words of the corpus that must never be formatted: in a heading, a list item, emphasis.
MARKERS = re.compile(r"Faux titre|Titre injecté|faux point|faux item|gras|penché|fort|barré")
NEVER = ("html_block", "html_inline", "link_open", "image", "blockquote_open", "hr", "code_block")


DANGER = ("html_block", "html_inline", "link_open", "image")


def edit_problems(source: str) -> list[str]:
    """What an approver's Markdown edit may never publish: raw HTML, links and images other
    than http(s) (headings, lists, emphasis are theirs to write)."""
    return [
        f"{t.type}: {t.content[:60] or t.attrGet('href') or t.attrGet('src')}"
        for t in tokens(MD.parse(source))
        if t.type in DANGER
        and not re.match(r"https?://", str(t.attrGet("href") or t.attrGet("src") or ""))
    ]


def markdown_problems(source: str) -> list[str]:
    """Raw HTML, links, images, quotes, rules and indented code anywhere; a word of the corpus
    made a heading, a list item or emphasis; a table row with more or fewer cells than its
    head."""
    found: list[str] = []
    tree = MD.parse(source)
    for i, token in enumerate(tree):
        if token.type in NEVER:
            found.append(f"{token.type}: {token.content[:60]}")
        if token.type in ("heading_open", "list_item_open"):
            inline_token = next((t for t in tree[i + 1 :] if t.type == "inline"), None)
            content = inline_token.content if inline_token else ""
            if token.type == "heading_open" and MARKERS.match(content):
                found.append(f"heading: {content[:60]}")
            if token.type == "list_item_open" and MARKERS.match(content):
                found.append(f"list item: {content[:60]}")
        for child, following in zip(token.children or [], (token.children or [])[1:], strict=False):
            if child.type in NEVER:
                found.append(f"{child.type}: {child.attrGet('href') or child.attrGet('src')}")
            if child.type in ("em_open", "strong_open", "s_open") and MARKERS.search(
                following.content
            ):
                found.append(f"{child.type}: {following.content[:60]}")
    return found + table_problems(source)


def table_problems(source: str) -> list[str]:
    problems = []
    width = None
    in_fence = False
    for line in source.splitlines():
        if re.match(r"^`{3,}", line):
            in_fence = not in_fence
        if in_fence or not line.startswith("|"):
            width = None
            continue
        cells = len(re.findall(r"(?<!\\)\|", line))
        if width is None:
            width = cells
        elif cells != width:
            problems.append(f"{cells - 1} cells, not {width - 1}: {line[:80]}")
    return problems


def structure(source: str) -> list[str]:
    """The blocks of a Markdown text, without their words."""
    return [f"{t.type}/{t.tag}" for t in MD.parse(source) if t.type != "inline"]


# ---------------------------------------------------------------------- escaping functions


@pytest.mark.parametrize("value", [*HOSTILE, MULTILINE])
def test_inline_markdown_reads_back_as_the_words(value: str) -> None:
    source = f"- {inline(value)}\n\n| {inline(value)} | x |\n|---|---|\n| {inline(value)} | y |\n"
    assert not markdown_problems(source)
    assert structure(source) == structure(source.replace(inline(value), BENIGN))
    page = read_html(MD.render(source))
    assert not page.problems
    assert words("".join(page.words)).count(shown(value)) == 3


PIECES = st.sampled_from(
    [*"ab1 .-+#*_[]()<>!&;|`~\\:=\n\t\"'/é", "\u00a0", "\x1b", "&amp;", "&#60;", "javascript:"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join).filter(lambda v: one_line(v).strip()))
def test_any_text_reads_back_as_itself(value: str) -> None:
    """Whatever the text, Markdown reads ``inline`` of it back as its words, on one line: in a
    paragraph, a list item and a table cell, the table keeping its two columns."""
    source = f"{inline(value)}\n\n- {inline(value)}\n\n| {inline(value)} | x |\n|---|---|\n"
    tree = MD.parse(source)
    texts = [
        "".join(c.content for c in t.children or [] if c.type in ("text", "text_special"))
        for t in tree
        if t.type == "inline"
    ]
    expected = " ".join(one_line(value).split())
    assert [" ".join(text.split()) for text in texts] == [expected, expected, expected, "x"]
    assert [t.type for t in tree if t.type in ("th_open", "td_open")] == ["th_open"] * 2
    formatted = {*NEVER, "em_open", "strong_open", "s_open"}
    assert not [t.type for t in tokens(tree) if t.type in formatted]


@pytest.mark.parametrize("value", ["```\n```` x\n`````", "a\n```\n# out", "````text"])
def test_a_fence_cannot_be_broken_out_of(value: str) -> None:
    source = "\n".join([*fence(value, "text"), "after"])
    blocks = [t for t in MD.parse(source) if t.type == "fence"]
    assert len(blocks) == 1
    assert blocks[0].content.rstrip("\n") == value


# ---------------------------------------------------------------------- drafts


def drafts_with(value: str, fact: str) -> dict[tuple[PhaseName, Channel], str]:
    loaded = LIBRARY.load(PLAYBOOK)
    found = preview_drafts(
        loaded,
        LIBRARY.template_folders,
        {"commune": value, "secteur": value, "cause": value},
        [PhaseName.ACKNOWLEDGE, PhaseName.FOLLOW_UP],
        facts=[fact],
        now=datetime(2026, 11, 24, 9, 0).astimezone(),
    )
    return {(d.phase, t.channel): t.text for d in found for t in d.texts if t.language == "fr"}


@pytest.mark.parametrize("value", HOSTILE)
def test_drafted_documents_keep_hostile_values_as_text(value: str) -> None:
    hostile = drafts_with(value, MULTILINE)
    benign = drafts_with(BENIGN, BENIGN)
    for (phase, channel), text in hostile.items():
        if channel is Channel.PRESS_RELEASE:
            assert not markdown_problems(text), (phase, value)
            assert structure(text) == structure(benign[phase, channel]), (phase, value)
            page = read_html(MD.render(text))
            assert shown(value) in words("".join(page.words))
            assert shown(MULTILINE) in words("".join(page.words))
        elif channel in (Channel.WEBSITE, Channel.POSTER):
            page = read_html(text)
            assert not page.problems, (phase, channel, page.problems)
            assert page.tags == read_html(benign[phase, channel]).tags, (phase, channel)
            assert shown(value) in words("".join(page.words)), (phase, channel)


# ---------------------------------------------------------------------- edits


def test_edits_of_documents_keep_only_the_templates_markup() -> None:
    website = clean_edit(
        Channel.WEBSITE,
        '<p class="a" onclick="x">Bonjour <img src=x onerror=alert(1)><a href="javascript:1">'
        "lien</a></p><script>alert(1)</script><iframe srcdoc='<script>1</script>'></iframe>",
    )
    assert not read_html(website).problems
    assert website == '<p class="a">Bonjour lien</p>'
    release = clean_edit(
        Channel.PRESS_RELEASE, f"# Titre\n\n{MULTILINE}\n[x](javascript:1) [ok](https://a.fr)"
    )
    assert edit_problems(release) == []
    assert "[x](javascript:1)" in "".join(read_html(MD.render(release)).words)  # as words
    assert clean_edit(Channel.SMS, "<b>x</b>") == "<b>x</b>"  # plain text: sent as typed
    # The poster keeps its own style sheet, never one an edit brings.
    poster = "<!DOCTYPE html><html><head><style>h1 { font-size: 32pt; }</style></head>"
    kept = clean_edit(Channel.POSTER, poster + "<body><h1>Titre</h1></body></html>", poster)
    assert kept == poster + "<body><h1>Titre</h1></body></html>"
    other = poster.replace("32pt", "1pt; background: url(https://evil.example/)")
    assert "evil" not in clean_edit(Channel.POSTER, other, poster)


# ---------------------------------------------------------------------- URL parameters


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        'https://a.fr/"><script>alert(1)</script>',
        "https://a.fr/x y",
        "https://a.fr/\x01",
        "https://user:secret@a.fr/",
        "www.a.fr",
        "ftp://a.fr/",
        "https://",
        "https:///path",
        "https://a.fr:99999/",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"adresse web|identifiant|caractère"):
        coerce_value(ParameterType.URL, url)


@pytest.mark.parametrize(
    "url", ["https://www.somme.gouv.fr/inondations", "http://guichet.public.lu", "https://évry.fr"]
)
def test_good_urls_pass(url: str) -> None:
    assert coerce_value(ParameterType.URL, url) == url


def test_a_bad_url_is_refused_by_the_command_naming_the_parameter(tmp_path: Path) -> None:
    env = tocsin_env(tmp_path / "data", TOCSIN_EMBEDDED_PORT="1")
    given = sample_params(params={"site": 'https://a.fr/"><script>alert(1)</script>'})
    result = tocsin(env, "preview", PLAYBOOK, "--phase", "acknowledge", *given, timeout=60)
    assert result.code == 1
    assert "Traceback" not in result.err
    assert "« site »" in result.err
    assert "<script>" in result.err  # quoted in the message, which is plain text


def test_the_preview_page_runs_nothing(tmp_path: Path) -> None:
    env = tocsin_env(tmp_path / "data", TOCSIN_EMBEDDED_PORT="1")
    page = tmp_path / "apercu.html"
    given = sample_params(params={"commune": " ".join(HOSTILE[:9])})
    result = tocsin(
        env,
        *("preview", PLAYBOOK, "--phase", "acknowledge", *given),
        *("--fact", MULTILINE, "--html", str(page)),
        timeout=60,
    )
    # 1 or 2: a text over its channel's limit (how long depends on the day and hour), shown.
    assert result.code in (0, 1, 2), result.err
    assert "Traceback" not in result.err
    found = read_html(page.read_text(encoding="utf-8"))
    assert not found.problems
    assert "iframe" in found.tags  # the documents were there, and read
    assert shown(HOSTILE[0]) in words("".join(found.words))


# ---------------------------------------------------------------------- a real crisis


async def test_a_crisis_with_hostile_input_writes_only_text(
    client: Client, settings: Settings, start: Start
) -> None:
    """Hostile parameters, a fact, a comment, edits and a resolution go through a whole crisis;
    every outbox file and the review in every format are parsed."""
    params = {"commune": " ".join(HOSTILE[:6]), "secteur": " ".join(HOSTILE[6:12])}
    cid = (await start(crisis_input("balisage", params=params))).crisis_id
    await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    await crises.add_fact(client, cid, FactRequest(person="camille", text=MULTILINE), signed())
    assert await until_quiet(client, cid)
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    assert gate.revision is not None
    evil_page = '<p onclick="x">Site <img src=x onerror=alert(1)></p><script>alert(1)</script>'
    evil_release = f"# Communiqué\n\n{MULTILINE}\n\n[clic](javascript:alert(1)) <script>x</script>"
    await crises.decide(
        client,
        cid,
        DecisionRequest(
            person="dominique",
            revision=gate.revision,
            action=DecisionAction.APPROVE_WITH_EDITS,
            comment=MULTILINE + " " + " ".join(HOSTILE),
            override=OVER_LIMITS,
            edits=[
                TextEdit(channel=Channel.WEBSITE, language="fr", text=evil_page),
                TextEdit(channel=Channel.PRESS_RELEASE, language="fr", text=evil_release),
                TextEdit(channel=Channel.SMS, language="fr", text="``` SMS\n# " + HOSTILE[3]),
            ],
        ),
        signed(),
    )
    for phase in (PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
        await approve_over_limits(client, cid, phase)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await crises.resolve(client, cid, ResolveRequest(person="camille", summary=MULTILINE), signed())
    await approve_over_limits(client, cid, PhaseName.CLOSE)
    await client.get_workflow_handle(cid).result()  # closed, reviewed at once

    folder = settings.outbox / cid
    written = {
        p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in files(folder)
    }
    assert any(name.endswith("press_release.fr.md") for name in written)
    assert any(name.endswith("website.fr.html") for name in written)
    for name, text in written.items():
        if name.endswith(".html"):
            assert not read_html(text).problems, name
        elif name.startswith(
            "2-acknowledge/"
        ):  # the approver's edit: their Markdown, never HTML or links
            assert not edit_problems(text), name
        else:
            assert not markdown_problems(text), name
    release = next(
        t for n, t in written.items() if n.startswith("2-acknowledge/") and n.endswith(".md")
    )
    assert "Titre injecté" in release  # the edit's words were published, as text
    first_page = next(
        t for n, t in written.items() if n.startswith("2-acknowledge/") and "website" in n
    )
    assert "Site" in first_page

    paths = review_paths(settings.outbox, cid)
    review_md = paths.markdown.read_text(encoding="utf-8")
    assert not markdown_problems(review_md)
    rendered = read_html(MD.render(review_md))
    assert not rendered.problems
    for value in HOSTILE:
        assert shown(value) in words("".join(rendered.words)), value
    review = build_review(await fetch_chain(client, cid))
    page = html(review)
    assert not read_html(page).problems
    assert not read_html(paths.html.read_text(encoding="utf-8")).problems
    assert "\x1b" not in summary(review)
    assert "\x1b" not in markdown(review)
    assert_pdf_inert(page)


OVER_LIMITS = "Test : les valeurs hostiles allongent les textes courts."


async def approve_over_limits(client: Client, cid: str, phase: PhaseName) -> None:
    """Approve the gate of ``phase``: the long hostile values put short texts over their limit,
    which a director may override."""
    gate = await wait_status(client, cid, awaiting(phase), what=f"{phase} gate")
    assert gate.revision is not None
    request = DecisionRequest(
        person="dominique",
        revision=gate.revision,
        action=DecisionAction.APPROVE,
        override=OVER_LIMITS,
    )
    await crises.decide(client, cid, request, signed())


def files(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix in (".md", ".html"))


def assert_pdf_inert(page: str) -> None:
    """The PDF of the hostile review: no action, no script, no link out."""
    try:
        from tocsin.review.pdf import PdfUnavailable, pdf
    except ImportError:  # pragma: no cover
        return
    try:
        document: Any = pdf(page)
    except PdfUnavailable:
        pytest.skip("WeasyPrint is not installed here")
    for marker in (b"/JavaScript", b"/JS ", b"/Launch", b"/URI"):
        assert marker not in document, marker
