"""The review as its reader sees it: the French page in a real browser (headless Chromium), on
screen and as printed on A4, and the PDF laid out by WeasyPrint, one page rendered back to an
image by PDFium.

Kept as test artefacts in tests/artifacts/: review-report.png (the French page, whole),
review-timeline.png (its chart), review-print.png (the page as printed) and review-pdf-1.png
(the PDF's first page).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from tests.browser import BrowserMissing, chromium, chromium_path, png_size
from tests.test_review_notes import GOOD
from tocsin.review import Review, build_review, load_chain
from tocsin.review.html import html
from tocsin.review.notes import load_notes
from tocsin.review.pdf import layout
from tocsin.review.tables import Cells, timeline
from tocsin.review.words import Words

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
CHAIN = sorted((HERE / "histories" / "revue").glob("run-*.json"))
WIDTH = 1280
A4_WIDTH = 688  # CSS pixels between the margins of an A4 page (210 mm - 2 x 14 mm)

MEASURE = """() => {
  const box = (e) => { const b = e.getBoundingClientRect(); return [b.width, b.height]; };
  const svg = document.querySelector('svg#timeline');
  const shown = (list) => [...list].filter((e) => {
    const [w, h] = box(e);
    return w > 0 || h > 0;
  });
  const rows = (id) => shown(document.querySelectorAll('#' + id + ' tbody tr')).length;
  return {
    title: document.title,
    svg: box(svg),
    lanes: [...svg.querySelectorAll('g.lane')].map((g) => g.dataset.phase),
    ticks: shown(svg.querySelectorAll('g.tick text')).length,
    bounds: shown(svg.querySelectorAll('g.bound text')).length,
    bars: shown(svg.querySelectorAll('rect.bar')).length,
    marks: shown(svg.querySelectorAll('.mark')).length,
    deadlines: shown(svg.querySelectorAll('line.deadline')).length,
    phases: rows('phases'),
    decisions: rows('decisions'),
    timeline: rows('timeline-table'),
    actions: rows('notes'),
    texts: shown(document.querySelectorAll('#texts article pre')).length,
  };
}"""

# Every word of every table cell on one line (a break is allowed at a space or after a hyphen,
# never inside a word), every time cell on one line, no table wider than the page.
LAID_OUT = """() => {
  const lines = (range) => new Set([...range.getClientRects()]
    .filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
  const broken = [];
  for (const cell of document.querySelectorAll('table td, table th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/[^ \\t\\n\\r-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (lines(range) > 1) broken.push(m[0]);
      }
    }
  }
  const times = [...document.querySelectorAll('td.time')].filter((td) => {
    const range = document.createRange();
    range.selectNodeContents(td);
    return lines(range) > 1;
  }).map((td) => td.textContent);
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('table')]
    .filter((t) => t.getBoundingClientRect().right > width + 1).map((t) => t.id || t.className);
  return {broken, times, wide, cells: document.querySelectorAll('td.time').length};
}"""


@pytest.fixture(scope="module")
def browser() -> str:
    try:
        return chromium_path()
    except BrowserMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Review:
    notes_file = tmp_path_factory.mktemp("notes") / "notes.yml"
    notes_file.write_text(GOOD, encoding="utf-8")
    built = build_review(load_chain(CHAIN))
    return built.model_copy(update={"notes": load_notes(notes_file, built.crisis_id)})


@pytest.fixture(scope="module")
def page_file(review: Review, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "retex.html"
    path.write_text(html(review, lang="fr"), encoding="utf-8")
    return path


async def test_the_french_review_renders_in_chromium(
    browser: str, review: Review, page_file: Path
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    async with chromium(browser, width=WIDTH, height=900) as page:
        await page.goto(page_file.as_uri(), wait_until="load")
        seen = await page.evaluate(MEASURE)
        laid = await page.evaluate(LAID_OUT)
        chart = png_size(
            await page.locator("svg#timeline").screenshot(path=ARTIFACTS / "review-timeline.png")
        )
        size = png_size(await page.screenshot(path=ARTIFACTS / "review-report.png", full_page=True))

    assert seen["title"] == f"Retour d’expérience — {review.title}"
    width, height = seen["svg"]
    assert width > 800
    assert height > 100
    words = Words("fr", review.timezone)
    charted = [
        words.phase(p.phase, p.sequence, short=True)
        for p in review.phases
        if p.outcome != "internal"
    ]
    assert seen["lanes"] == charted
    assert seen["ticks"] >= 5  # every hour of an afternoon, and the day
    assert seen["bounds"] == 2  # detection and close
    waits = sum(len(p.revisions) for p in review.phases if p.outcome != "internal")
    assert seen["bars"] >= waits  # one bar per revision waiting for a decision, at least
    assert seen["deadlines"] == sum(1 for p in review.phases if p.deadline is not None)
    published = sum(1 for p in review.phases if p.published_at is not None)
    assert seen["marks"] >= published + review.figures.escalations + review.figures.reminders
    assert seen["phases"] == len(review.phases)
    assert seen["decisions"] == len(review.decisions)
    assert seen["timeline"] == len(timeline(review, Cells(review, words)))
    assert seen["actions"] == 2
    assert seen["texts"] == len(review.publications)
    assert laid["broken"] == []
    assert laid["times"] == []
    assert laid["cells"] > 50
    assert laid["wide"] == []
    # The chart alone: Playwright clips it to the whole pixels around its box.
    assert abs(chart[0] - width) <= 2, (chart, width)
    assert abs(chart[1] - height) <= 2, (chart, height)
    assert size[0] == WIDTH
    assert size[1] > 2000  # the whole page, texts included


async def test_printed_on_a4_no_word_breaks_and_no_table_overflows(
    browser: str, page_file: Path
) -> None:
    """As printed: the print style sheet, on the width of an A4 page between its margins."""
    async with chromium(browser, width=A4_WIDTH, height=1000) as page:
        await page.emulate_media(media="print")
        await page.goto(page_file.as_uri(), wait_until="load")
        laid = await page.evaluate(LAID_OUT)
        await page.screenshot(path=ARTIFACTS / "review-print.png", full_page=True)
        texts_break = await page.evaluate(
            "getComputedStyle(document.querySelector('#texts')).breakBefore"
        )
        rows_break = await page.evaluate(
            "getComputedStyle(document.querySelector('#decisions tbody tr')).breakInside"
        )
    assert laid["broken"] == []
    assert laid["times"] == []
    assert laid["wide"] == []
    assert texts_break == "page"  # the archive of texts starts on its own page
    assert rows_break == "avoid"


def _rows_per_page(document: Any) -> Counter[int]:
    """How many pages each body row of a table is drawn on (header rows repeat by design)."""
    pages: Counter[int] = Counter()
    for page in document.pages:
        rows = {
            id(box.element): box.element
            for box in page._page_box.descendants()
            if type(box).__name__ == "TableRowBox"
        }
        for key, element in rows.items():
            if any(cell.tag == "td" for cell in element):
                pages[key] += 1
    return pages


def test_the_pdf_is_a4_readable_and_cuts_no_row(review: Review) -> None:
    document = layout(html(review, lang="fr"))
    spread = _rows_per_page(document)
    assert len(spread) > 100  # the rows of every table were found
    assert [n for n in spread.values() if n > 1] == []  # no row cut across two pages
    data: bytes = document.write_pdf()
    assert data.startswith(b"%PDF-")

    pdf = pypdfium2.PdfDocument(data)
    assert 5 < len(pdf) < 80
    first = pdf[0]
    width, height = first.get_size()
    assert abs(width / height - 210 / 297) < 0.01  # A4, portrait
    image = first.render(scale=2).to_pil().convert("L")
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "review-pdf-1.png")
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.width * image.height)
    assert 0.01 < dark < 0.4, dark  # ink on the page, not a blank or black sheet
    text = first.get_textpage().get_text_range().replace("\xa0", " ").replace("\u202f", " ")
    assert "Retour d’expérience — Eau non potable" in text
    assert "Synthèse" in text
    assert "Le premier message au public est parti à 9 h 40" in text.replace("\r\n", " ")
    assert "9 h 40" in text  # a time is never split over two lines
    everything = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))).replace(
        "\xa0", " "
    )
    assert "Retour d’expérience de l’équipe" in everything
    assert "Installer Slack sur les téléphones d’astreinte." in everything
    assert "Messages publiés, par phase" in everything


def test_a_tall_row_moves_to_the_next_page_whole(review: Review) -> None:
    """Decisions with long comments: rows a third of a page tall, some of which would straddle
    a page break (two of them do without the print style sheet's ``break-inside: avoid``)."""
    comment = " ".join(["Relire le communiqué avec la préfecture avant toute diffusion."] * 12)
    tall = review.model_copy(
        update={"decisions": [d.model_copy(update={"comment": comment}) for d in review.decisions]}
    )
    spread = _rows_per_page(layout(html(tall, lang="fr")))
    assert len(spread) > 100
    assert [n for n in spread.values() if n > 1] == []
