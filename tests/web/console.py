"""The web console in a test's process, driven over HTTP(S) by httpx: its app on a real Temporal
server (the test's), signed in with its one-time links, a clock the test moves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from temporalio.client import Client

from tests.helpers import LIBRARY
from tocsin.config import Settings
from tocsin.web.app import create_app
from tocsin.web.front import WebFront
from tocsin.web.identity import OneTimeLinks
from tocsin.web.settings import WebSettings

SESSION_KEY = "test-session-key-" + "k" * 32
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Clock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Console:
    app: Starlette
    links: OneTimeLinks
    clock: Clock = field(default_factory=Clock)

    def browser(self, address: str = "127.0.0.1") -> httpx.AsyncClient:
        """A client of the console as a browser on ``address`` sees it (https, so that the
        Secure cookie is kept, as Chromium keeps it on loopback)."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, client=(address, 50_000)),
            base_url="https://127.0.0.1",
        )

    async def signed_in(self, person: str, name: str = "") -> httpx.AsyncClient:
        (link,) = self.links.issue([(person, name or person)])
        browser = self.browser()
        answer = await browser.get(f"/lien/{link.token}")
        assert answer.status_code == 303, answer.text
        return browser


def console_for(client: Client, settings: Settings) -> Console:
    web = WebSettings(public_url="http://127.0.0.1:8090", session_key=SESSION_KEY)
    front = WebFront(client, settings, LIBRARY, None)
    links = OneTimeLinks(web.link_hours)
    clock = Clock()
    app = create_app(front, web, links=links, clock=clock, watch_every=0.2)
    return Console(app=app, links=links, clock=clock)


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found, "no CSRF token in the page"
    return found.group(1)
