"""The HTML report in a real browser: headless Chromium lays out its timeline and its tables.

The screenshot is kept as a test artefact in tests/artifacts/review-report.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser import BrowserMissing, chromium, chromium_path, png_size
from tocsin.review import build_review, load_chain
from tocsin.review.html import html

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
CHAIN = sorted((HERE / "histories" / "revue").glob("run-*.json"))
WIDTH = 1280

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
    bars: shown(svg.querySelectorAll('rect.bar')).length,
    marks: shown(svg.querySelectorAll('.mark')).length,
    deadlines: shown(svg.querySelectorAll('line.deadline')).length,
    phases: rows('phases'),
    decisions: rows('decisions'),
    timeline: rows('timeline-table'),
    texts: shown(document.querySelectorAll('#texts article pre')).length,
    overflowing: [...document.querySelectorAll('table')].filter(
      (t) => t.getBoundingClientRect().right > window.innerWidth + 1).length,
  };
}"""


@pytest.fixture(scope="module")
def browser() -> str:
    try:
        return chromium_path()
    except BrowserMissing as exc:
        pytest.fail(str(exc))


async def test_the_report_renders_in_chromium(browser: str, tmp_path: Path) -> None:
    review = build_review(load_chain(CHAIN))
    page_file = tmp_path / "retex.html"
    page_file.write_text(html(review), encoding="utf-8")
    async with chromium(browser, width=WIDTH, height=900) as page:
        await page.goto(page_file.as_uri(), wait_until="load")
        seen = await page.evaluate(MEASURE)
        chart = png_size(
            await page.locator("svg#timeline").screenshot(path=ARTIFACTS / "review-timeline.png")
        )
        size = png_size(await page.screenshot(path=ARTIFACTS / "review-report.png", full_page=True))

    assert seen["title"] == f"Retour d’expérience — {review.title} ({review.crisis_id})"
    width, height = seen["svg"]
    assert width > 800
    assert height > 100
    charted = [p.label for p in review.phases if p.outcome != "internal"]
    assert seen["lanes"] == charted
    waits = sum(len(p.revisions) for p in review.phases if p.outcome != "internal")
    assert seen["bars"] >= waits  # one bar per revision waiting for a decision, at least
    assert seen["deadlines"] == sum(1 for p in review.phases if p.deadline is not None)
    published = sum(1 for p in review.phases if p.published_at is not None)
    assert seen["marks"] >= published + review.figures.escalations + review.figures.reminders
    assert seen["phases"] == len(review.phases)
    assert seen["decisions"] == len(review.decisions)
    assert seen["timeline"] == len(review.events)
    assert seen["texts"] == len(review.publications)
    assert seen["overflowing"] == 0
    # The chart alone: Playwright clips it to the whole pixels around its box.
    assert abs(chart[0] - width) <= 2, (chart, width)
    assert abs(chart[1] - height) <= 2, (chart, height)
    assert size[0] == WIDTH
    assert size[1] > 2000  # the whole page, texts included
