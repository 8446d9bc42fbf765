"""``tocsin preview`` as a playbook author runs it: no server; a real process first, then in the
test's process where the language models are loaded already. In the terminal,
as a page that shows the documents as the public will see them, as JSON, and redone at each save
with the language model loaded once."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from tests.helpers import PLAYBOOK
from tests.inprocess import tocsin_here
from tests.processes import spawn, tocsin, tocsin_env
from tocsin.config import BUNDLED_PLAYBOOKS
from tocsin.temporal import free_port


@pytest.fixture
def offline(tmp_path: Path) -> dict[str, str]:
    """No server anywhere: a port nobody listens on."""
    return tocsin_env(tmp_path, TOCSIN_EMBEDDED_PORT=str(free_port()))


def frames(page: str) -> list[str]:
    """The documents a page shows in its sandboxed frames, unescaped."""
    return [
        html.unescape(m)
        for m in re.findall(r'<iframe sandbox title="[^"]*" srcdoc="([^"]*)"', page)
    ]


def test_preview_with_no_parameter_html_json_and_over_limit(
    offline: dict[str, str], tmp_path: Path
) -> None:
    # No parameter at all: the playbook's samples; every text fits, exit 0.
    plain = tocsin(offline, "preview", "panne-service-public", "--no-texts")
    assert plain.code == 0, plain.text
    for phase in ("Premier message", "Explication", "Solutions", "Point de situation n° 1"):
        assert f"== {phase} ==" in plain.out
    assert "== Fin de l’épisode ==" in plain.out
    assert "x               de" in plain.out
    assert "/ 280 caractères pondérés" in plain.out
    # An HTML page on request, with a fact and as an exercise.
    page = tmp_path / "apercu.html"
    shown = tocsin_here(
        offline,
        "preview",
        PLAYBOOK,
        "--phase",
        "follow_up",
        "--fact",
        "Les écoles rouvrent <lundi>.",
        "--exercise",
        "--html",
        str(page),
    )
    assert shown.code == 0, shown.text
    assert "Les écoles rouvrent <lundi>." in shown.out
    written = page.read_text(encoding="utf-8")
    assert "Les écoles rouvrent &lt;lundi&gt;." in written
    assert "<lundi>" not in written
    assert "EXERCICE" in written
    # The documents are shown rendered, not as source: the website's HTML and the press
    # release's Markdown, each in a frame where no script runs.
    documents = frames(written)
    assert len(documents) == 3  # website, press release, poster
    assert all("Les écoles rouvrent &lt;lundi&gt;." in d for d in documents)
    press = next(d for d in documents if "Communiqué de presse" in d)
    assert re.search(r"<h1>Communiqué de presse n°", press)
    assert "\n# " not in press
    assert "<script" not in written
    # JSON: every text with its phase, channel, language, count, limit, unit and findings.
    as_json = tocsin_here(offline, "preview", PLAYBOOK, "--phase", "acknowledge", "--json")
    assert as_json.code == 0, as_json.text
    rows = json.loads(as_json.out)
    playbook = (BUNDLED_PLAYBOOKS / f"{PLAYBOOK}.yml").read_text(encoding="utf-8")
    channels = re.search(r"^channels: \[(.*)\]$", playbook, re.MULTILINE)
    assert channels is not None
    assert [r["channel"] for r in rows] == channels.group(1).split(", ")
    sms = next(r for r in rows if r["channel"] == "sms")
    assert (sms["phase"], sms["language"], sms["unit"], sms["limit"]) == (
        "acknowledge",
        "fr",
        "segments",
        3,
    )
    assert sms["count"] >= 1
    assert sms["fits"] is True
    assert sms["findings"] == []
    # A parameter that makes a text too long: said precisely, exit 1, nothing cut.
    long_place = "salle des fêtes " * 20
    over = tocsin_here(
        offline,
        "preview",
        PLAYBOOK,
        "--phase",
        "acknowledge",
        "-p",
        f"lieu_distribution={long_place}",
    )
    assert over.code == 1, over.text
    assert "! Affiche A4 : " in over.out
    assert "mots pour une limite de 150" in over.out
    assert long_place.strip() in over.out
    flagged = tocsin_here(
        offline,
        "preview",
        PLAYBOOK,
        "--phase",
        "acknowledge",
        "--json",
        "-p",
        "lieu_distribution=chez Jean Dupont, 12 rue des Lilas, 06 12 34 56 78",
    )
    privacy = [
        (r["channel"], f["severity"])
        for r in json.loads(flagged.out)
        for f in r["findings"]
        if f["rule"] == "R-PRIVACY"
    ]
    assert ("sms", "blocking") in privacy
    assert {severity for _, severity in privacy} == {"blocking"}
    # A user mistake is one clear line.
    wrong = tocsin_here(offline, "preview", PLAYBOOK, "-p", "site=pas une adresse")
    assert wrong.code != 0
    assert "site" in wrong.err
    assert "adresse web attendue" in wrong.err


async def test_watch_redoes_the_preview_at_each_save(
    offline: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "playbooks"
    folder.mkdir()
    mine = folder / f"{PLAYBOOK}.yml"
    source = (BUNDLED_PLAYBOOKS / f"{PLAYBOOK}.yml").read_text(encoding="utf-8")
    mine.write_text(source, encoding="utf-8")
    page = tmp_path / "apercu.html"
    env = {**offline, "TOCSIN_PLAYBOOKS": str(folder)}
    args = ["preview", PLAYBOOK, "--phase", "acknowledge", "--no-texts", "--html", str(page)]
    # Started with SIGINT ignored, as ``make test &`` or a script's ``cmd &`` start it: Ctrl-C
    # must stop it all the same (it once went on until killed, and only in such runs).
    watcher = await spawn([*args, "--watch"], env, tmp_path / "watch.log", sigint_ignored=True)
    try:
        await watcher.wait_for_output("chaque enregistrement refait l’aperçu", within=120)
        assert "Les gymnases" not in page.read_text(encoding="utf-8")
        edited = source.replace("salle polyvalente, de 8 h à 20 h", "Les gymnases, de 8 h à 20 h")
        assert edited != source
        mine.write_text(edited, encoding="utf-8")
        await watcher.wait_for_output("Aperçu refait en ", within=60)
        assert "Les gymnases, de 8 h à 20 h" in page.read_text(encoding="utf-8")
        # A mistake in the file is said, file:line, and the watch goes on.
        mine.write_text(edited.replace("cadence: 2h", "cadence: 0m"), encoding="utf-8")
        await watcher.wait_for_output("la cadence doit être positive", within=60)
        assert f"{mine}:" in watcher.output()
        mine.write_text(source, encoding="utf-8")
        await watcher.wait_for_output("Aperçu refait en ", within=60, count=2)
        assert "Les gymnases" not in page.read_text(encoding="utf-8")
    finally:
        code = await watcher.stop()
    assert code == 0, watcher.output()
    assert "Traceback" not in watcher.output()


async def test_the_preview_page_in_chromium_shows_the_documents_rendered(tmp_path: Path) -> None:
    """The French preview page as its reader sees it (headless Chromium): each document in a
    frame, rendered, where no script runs; kept as tests/artifacts/preview.png."""
    from tests.browser import chromium, chromium_path, png_size
    from tests.helpers import LIBRARY
    from tocsin.models import PhaseName
    from tocsin.preview import html_page, preview_drafts

    loaded = LIBRARY.load(PLAYBOOK)
    drafts = preview_drafts(
        loaded,
        LIBRARY.template_folders,
        {"commune": "Saint-Aubin <script>alert(1)</script>"},
        [PhaseName.ACKNOWLEDGE],
        guardrails=LIBRARY.guardrail_settings(),
    )
    page_file = tmp_path / "apercu.html"
    page_file.write_text(html_page(loaded.playbook.title, drafts), encoding="utf-8")
    artifacts = Path(__file__).parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    async with chromium(chromium_path(), width=1100, height=900) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: dialogs.append(d.message))
        await page.goto(page_file.as_uri(), wait_until="load")
        # Sandboxed: the page itself cannot reach into them; the browser can.
        assert await page.evaluate(
            "() => [...document.querySelectorAll('iframe')].every((f) => !f.contentDocument)"
        )
        shown = [await frame.locator("body").inner_text() for frame in page.frames[1:]]
        # Frames below the fold are painted only once in view: the whole page in the viewport.
        height = await page.evaluate("() => document.documentElement.scrollHeight")
        await page.set_viewport_size({"width": 1100, "height": height})
        await page.wait_for_timeout(500)
        size = png_size(await page.screenshot(path=artifacts / "preview.png"))
    assert dialogs == []  # the parameter's script is text, nowhere run
    assert len(shown) == 3  # website, press release, poster
    assert all("Saint-Aubin <script>alert(1)</script>" in text for text in shown), shown
    assert not any("<p>" in text or "\n# " in text for text in shown)  # rendered, not source
    assert size[0] == 1100
    assert size[1] > 2000
