"""The status site in headless Chromium, served on loopback: French first, one h1, headings in
order, no script, labelled navigation, every text's contrast at 4.5:1 or more as computed by the
browser, on screen and printed. Screenshots kept in tests/artifacts/: site-crisis.png,
site-index.png, site-print.png.
"""

from __future__ import annotations

import itertools
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.browser import BrowserMissing, chromium, chromium_path, png_size
from tests.test_site import T0, make_site
from tocsin.site import publish, serve

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"

# In the browser

PAGE_FACTS = """() => {
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .map((h) => Number(h.tagName[1]));
  const opaque = (c) => c && c !== 'transparent' && !c.startsWith('rgba(0, 0, 0, 0)');
  const background = (e) => {
    for (let n = e; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (opaque(c)) return c;
    }
    return 'rgb(255, 255, 255)';
  };
  const pairs = [];
  for (const e of document.body.querySelectorAll('*')) {
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = e.getBoundingClientRect();
    if (!own || box.width === 0 || box.height === 0) continue;
    pairs.push([e.tagName + '.' + e.className, getComputedStyle(e).color, background(e)]);
  }
  return {
    lang: document.documentElement.lang,
    langs: [...document.querySelectorAll('[lang]')].map((e) => e.lang),
    h1: document.querySelectorAll('h1').length,
    headings,
    scripts: document.scripts.length,
    images: document.images.length,
    unlabelledNav: [...document.querySelectorAll('nav')].filter(
      (n) => !n.getAttribute('aria-label')).length,
    emptyLinks: [...document.querySelectorAll('a')].filter(
      (a) => !a.textContent.trim()).length,
    pairs,
    texts: [...document.querySelectorAll('.text')].map((e) => e.innerText),
    nav: getComputedStyle(document.querySelector('nav') || document.body).display,
  };
}"""


def _rgb(css: str) -> tuple[float, float, float]:
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)[:3]]
    return numbers[0], numbers[1], numbers[2]


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio of two CSS colours."""

    def luminance(css: str) -> float:
        def linear(c: float) -> float:
            c /= 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (linear(c) for c in _rgb(css))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_is_the_wcag_ratio() -> None:
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert contrast("rgb(119, 119, 119)", "rgb(255, 255, 255)") < 4.5  # #777 on white fails


@pytest.fixture(scope="module")
def browser() -> str:
    try:
        return chromium_path()
    except BrowserMissing as exc:
        pytest.fail(str(exc))


def _accessible(facts: dict[str, Any], lang: str) -> None:
    assert facts["lang"] == lang
    assert facts["h1"] == 1
    levels = facts["headings"]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    assert facts["scripts"] == 0
    assert facts["images"] == 0
    assert facts["unlabelledNav"] == 0
    assert facts["emptyLinks"] == 0
    low = [(what, fg, bg) for what, fg, bg in facts["pairs"] if contrast(fg, bg) < 4.5]
    assert low == []
    assert len(facts["pairs"]) > 10


async def test_the_pages_in_chromium_are_accessible_and_print(browser: str, tmp_path: Path) -> None:
    target = tmp_path / "crise"
    publish(make_site(), target, generated=T0 + timedelta(hours=4))
    ARTIFACTS.mkdir(exist_ok=True)
    with serve(target) as server:
        async with chromium(browser, width=1000, height=900) as page:
            dialogs: list[str] = []
            page.on("dialog", lambda d: dialogs.append(d.message))
            await page.goto(server.url + "crises/crue-2026.html", wait_until="load")
            french = await page.evaluate(PAGE_FACTS)
            size = png_size(
                await page.screenshot(path=ARTIFACTS / "site-crisis.png", full_page=True)
            )
            await page.goto(server.url + "crises/crue-2026.en.html", wait_until="load")
            english = await page.evaluate(PAGE_FACTS)
            await page.goto(server.url + "index.html", wait_until="load")
            index = await page.evaluate(PAGE_FACTS)
            await page.screenshot(path=ARTIFACTS / "site-index.png", full_page=True)
            await page.goto(server.url + "crises/exercice-seveso.html", wait_until="load")
            drill = await page.evaluate(PAGE_FACTS)
            await page.emulate_media(media="print")
            await page.goto(server.url + "crises/crue-2026.html", wait_until="load")
            printed = await page.evaluate(PAGE_FACTS)
            await page.screenshot(path=ARTIFACTS / "site-print.png", full_page=True)
    _accessible(french, "fr")
    _accessible(english, "en")
    _accessible(index, "fr")
    _accessible(drill, "fr")
    _accessible(printed, "fr")
    assert french["headings"] == [1, 2, 3, 3, 3, 4]  # newest first; the corrected one last
    assert {"fr", "en"} <= set(french["langs"])  # each language's link says its language
    assert dialogs == []
    assert any("<script>alert('x')</script>" in text for text in french["texts"])
    assert any('"><img src=x onerror=alert(1)>' in text for text in french["texts"])
    assert french["nav"] == "block"
    assert printed["nav"] == "none"  # the print style sheet drops the navigation
    assert size[0] == 1000
    assert size[1] > 900
