"""The web console end to end, as a director on a phone: headless Chromium signs in through a
real OpenID provider (node oidc-provider, its login and consent pages), approves a statement
with an edit, sees the decision in the crisis's history and a fact arrive without reloading;
the statement is published (outbox). A person of no playbook, and an address the provider does
not vouch for, get no session. Keyboard and labels are checked on the crisis page, and its
screenshot at phone size is kept in tests/artifacts/web-crisis-phone.png."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Page
from temporalio.client import Client

from tests.browser import BrowserMissing, chromium, chromium_path
from tests.fakeslack import CHANNEL, FakeSlack
from tests.helpers import settings_for, signed, until, wait_status
from tests.web.provider import Provider, provider
from tocsin import crises
from tocsin.config import BUNDLED_PLAYBOOKS, Settings
from tocsin.i18n import text_in
from tocsin.models import DecisionAction, FactRequest
from tocsin.models.identity import Front
from tocsin.playbook import PlaybookLibrary
from tocsin.temporal import embedded_server, free_port
from tocsin.web.serve import console
from tocsin.web.settings import Oidc, WebSettings
from tocsin.worker import build_worker

pytestmark = pytest.mark.timeout(300)

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE / "artifacts"
DIRECTOR_MAIL = "dominique.lefevre@mairie-saint-aubin.example"
ACCOUNTS = {
    "dominique": {
        "sub": "d-7f3a9c",
        "email": DIRECTOR_MAIL,
        "email_verified": True,
        "name": "Dominique Lefèvre",
    },
    # Someone with an account at the provider who is nobody in the playbooks.
    "intrus": {"sub": "i-0001", "email": "intrus@ailleurs.example", "email_verified": True},
    # The director's address, which the provider has not verified: not proof enough.
    "usurpe": {"sub": "u-0002", "email": DIRECTOR_MAIL, "email_verified": False},
}
PHONE = {"width": 390, "height": 844}
# The texts of the page whose contrast with their background is under 4.5:1 (WCAG's
# relative luminance; the background is the nearest one painted behind the element).
CONTRAST = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const behind = el => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.offsetParent) continue;
    const a = lum(rgb(getComputedStyle(el).color).slice(0, 3)), b = lum(behind(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(el.tagName + '.' + el.className + ' ' + ratio.toFixed(2));
  }
  return low;
}"""


@pytest.fixture(scope="module")
def chromium_binary() -> str:
    try:
        return chromium_path()
    except BrowserMissing as exc:
        pytest.fail(str(exc))


def _library(folder: Path) -> PlaybookLibrary:
    """The bundled water playbook, its director given her e-mail address."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (BUNDLED_PLAYBOOKS / "eau-non-potable.yml").read_text(encoding="utf-8")
    person = "  dominique:\n    name: Dominique Lefèvre\n"
    assert person in text
    text = text.replace(person, f"{person}    email: {DIRECTOR_MAIL}\n")
    (folder / "eau-non-potable.yml").write_text(text, encoding="utf-8")
    return PlaybookLibrary([folder], Settings.from_env({}).template_folders)


@dataclass
class Stack:
    client: Client
    settings: Settings
    library: PlaybookLibrary
    url: str
    provider: Provider
    slack: FakeSlack  # the crisis channel the worker also posts its cards to


@contextlib.asynccontextmanager
async def stack(folder: Path) -> AsyncIterator[Stack]:
    """A Temporal dev server, a worker, the OpenID provider and the console on loopback."""
    settings = settings_for(folder / "data", f"tocsin-web-{uuid.uuid4().hex[:8]}")
    library = _library(folder / "playbooks")
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    with provider(f"{public}/auth/callback", ACCOUNTS, folder / "provider.log") as found:
        web = WebSettings(
            port=port,
            public_url=public,
            oidc=Oidc(
                issuer=found.issuer, client_id=found.client_id, client_secret=found.client_secret
            ),
            session_key="browser-test-session-key-0123456789",
        )
        fake = FakeSlack()
        await fake.start()
        try:
            async with (
                embedded_server(settings, port=free_port(), ui=False, advertise=False) as dev,
                build_worker(dev.client, settings, slack=fake.settings(CHANNEL)),
                console(dev.client, settings, library, web) as url,
            ):
                yield Stack(dev.client, settings, library, url, found, fake)
        finally:
            await fake.stop()


def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


async def _sign_in(page: Page, url: str, login: str) -> None:
    """Through the console's button and the provider's own login and consent pages."""
    await page.goto(f"{url}/entrer?lang=fr")  # Chromium asks for English first
    await page.get_by_role("link", name=text_in("fr", "web.sign_in_button")).click()
    await page.locator("input[name=login]").fill(login)
    await page.locator("input[name=password]").fill("any password")
    await page.locator("button[type=submit]").click()
    await page.get_by_role("button", name="Continue").click()
    await page.wait_for_load_state()


async def test_a_director_approves_with_an_edit_from_a_phone(
    tmp_path: Path, chromium_binary: str
) -> None:
    async with stack(tmp_path) as s, chromium(chromium_binary, **PHONE) as page:
        loaded = s.library.load("eau-non-potable")
        crisis = crises.build_input(
            loaded,
            s.library.template_folders,
            {k: str(v) for k, v in loaded.playbook.sample_parameters().items()},
            key="web-phone",
            person="camille",
            exercise=False,
            max_history_events=1500,
        )
        started = await crises.trigger(s.client, s.settings, crisis, signed())
        status = await wait_status(
            s.client, started.crisis_id, lambda x: x.state == "awaiting_approval", within=60
        )
        assert status.draft is not None

        await _sign_in(page, s.url, "dominique")
        assert page.url == f"{s.url}/", page.url
        # The list shows the crisis, waiting for her; the crisis page its texts to decide on.
        assert await page.locator(".waiting").inner_text() == text_in("fr", "web.waits_for_you")
        await page.get_by_role("link", name=status.title).click()
        await page.wait_for_selector("#draft textarea")
        item = status.draft.texts[0]
        edited = item.text.replace("Saint-Aubin-sur-Loire", "Saint-Aubin", 1)
        assert edited != item.text
        field = page.locator(f"#text__{item.channel.value}__{item.language}")
        await field.fill(edited)

        ARTIFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=str(ARTIFACTS / "web-crisis-phone.png"), full_page=True)
        await page.get_by_role(
            "button", name=text_in("fr", "web.approve_with_edits"), exact=True
        ).click()
        await page.wait_for_selector(".flash")
        said = await page.locator(".flash").first.inner_text()
        assert said == text_in("fr", "web.done.approve_with_edits"), said

        decided = await wait_status(s.client, started.crisis_id, lambda x: bool(x.decisions))
        decision = decided.decisions[0]
        assert (decision.person, decision.via) == ("dominique", "web")
        # Signed by the console's key, for the identity the provider proved.
        assert decision.signer is not None
        assert decision.signer.front is Front.WEB
        assert decision.signer.identity == f"oidc:{s.provider.issuer}#dominique"
        assert decision.action is DecisionAction.APPROVE_WITH_EDITS
        assert [e.after for e in decision.edits] == [edited.strip()]
        # The decision in the crisis's history, on the page.
        history = await page.locator("#timeline").inner_text()
        assert "Dominique Lefèvre" in history
        assert text_in("fr", "action.approve_with_edits") in history

        # The Slack card of the same statement (the crisis's first: the next phase's may
        # follow it at any moment) says it is decided: its buttons are gone.
        def card_decided() -> bool:
            cards = s.slack.cards(CHANNEL, started.crisis_id)
            return bool(cards) and "tocsin_actions" not in str(cards[0].get("blocks"))

        await until(card_decided, 30, "the Slack card updated")
        assert "Dominique Lefèvre" in str(s.slack.cards(CHANNEL, started.crisis_id)[0])

        # A fact added elsewhere appears without reloading (server-sent events).
        await crises.add_fact(
            s.client,
            started.crisis_id,
            FactRequest(person="camille", text="Analyses en cours."),
            signed(),
        )
        added = text_in("fr", "event.fact_added")
        await page.wait_for_function(
            "t => document.getElementById('timeline').textContent.includes(t)",
            arg=added,
            timeout=20_000,
        )

        # The statement published: its files in the outbox.
        published = await wait_status(
            s.client, started.crisis_id, lambda x: bool(x.publications), within=60
        )
        files = [Path(p.path) for p in published.publications]
        assert files
        assert all(f.is_file() for f in files), files
        edited_file = next(
            p
            for p in published.publications
            if (p.channel, p.language) == (item.channel, item.language)
        )
        assert "Saint-Aubin" in _read(edited_file.path)


async def test_strangers_and_unverified_addresses_get_no_session(
    tmp_path: Path, chromium_binary: str
) -> None:
    async with stack(tmp_path) as s:
        for login in ("intrus", "usurpe"):
            async with chromium(chromium_binary, **PHONE) as page:
                await _sign_in(page, s.url, login)
                assert await page.locator("h1").inner_text() == text_in("fr", "web.refused_title")
                await page.goto(f"{s.url}/")
                assert page.url == f"{s.url}/entrer", (login, page.url)


async def test_keyboard_and_labels_on_the_crisis_page(tmp_path: Path, chromium_binary: str) -> None:
    async with stack(tmp_path) as s, chromium(chromium_binary, **PHONE) as page:
        loaded = s.library.load("eau-non-potable")
        crisis = crises.build_input(
            loaded,
            s.library.template_folders,
            {k: str(v) for k, v in loaded.playbook.sample_parameters().items()},
            key="web-keys",
            person="camille",
            exercise=False,
            max_history_events=1500,
        )
        started = await crises.trigger(s.client, s.settings, crisis, signed())
        await wait_status(s.client, started.crisis_id, lambda x: x.state == "awaiting_approval")
        await _sign_in(page, s.url, "dominique")
        await page.goto(f"{s.url}/crises/{started.crisis_id}")
        await page.wait_for_selector("#draft textarea")
        assert await page.get_attribute("html", "lang") == "fr"
        # Every control has a label; every button says what it does.
        unlabelled = await page.evaluate(
            """() => [...document.querySelectorAll('input, textarea, select')]
                .filter(e => e.type !== 'hidden')
                .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                .map(e => e.name || e.id)"""
        )
        assert unlabelled == []
        mute = await page.evaluate(
            "() => [...document.querySelectorAll('button, a')]"
            ".filter(e => !e.textContent.trim()).length"
        )
        assert mute == 0
        # The keyboard alone: the first Tab reaches the skip link, Enter goes to the content,
        # and Tab goes on through the texts to the decision buttons.
        await page.keyboard.press("Tab")
        first = await page.evaluate("() => document.activeElement.className")
        assert first == "skip"
        await page.keyboard.press("Enter")
        assert await page.evaluate("() => document.activeElement.id") == "contenu"
        reached: set[str] = set()
        for _ in range(80):
            await page.keyboard.press("Tab")
            reached.add(
                await page.evaluate(
                    "() => document.activeElement.value || document.activeElement.id || ''"
                )
            )
        for action in ("approve", "approve_with_edits", "request_changes", "reject"):
            assert action in reached, (action, sorted(reached)[:40])
        # Contrast: every text against the background it is drawn on, 4.5:1 at least.
        low = await page.evaluate(CONTRAST)
        assert low == [], low
        # Focus is visible: an outline on the focused button.
        await page.locator("button[value=approve]").focus()
        outline = await page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline not in ("", "none")
