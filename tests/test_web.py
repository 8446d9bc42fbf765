"""The web console over HTTP, on a real Temporal test server with a worker: forms without their
CSRF token, expired and ended sessions, the one-time links, four-eyes said in French, the
session cookie's flags, and a console that will not listen beyond loopback without OIDC."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from temporalio.client import Client

from tests.conftest import Start
from tests.helpers import LIBRARY, crisis_input, wait_status
from tests.web.console import Console, console_for, csrf_of
from tocsin.cli import cli
from tocsin.config import Settings
from tocsin.i18n import text_in
from tocsin.models import DecisionAction
from tocsin.web.serve import console as serve_console
from tocsin.web.settings import WebSettings, WebSettingsError

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def console(client: Client, settings: Settings) -> Console:
    return console_for(client, settings)


async def _awaiting(client: Client, start: Start, key: str, person: str = "camille") -> str:
    started = await start(crisis_input(key, person=person))
    await wait_status(
        client, started.crisis_id, lambda s: s.state == "awaiting_approval", what="a draft"
    )
    return started.crisis_id


async def test_a_form_without_its_csrf_token_changes_nothing(
    console: Console, client: Client, start: Start
) -> None:
    crisis = await _awaiting(client, start, "web-csrf")
    browser = await console.signed_in("dominique", "Dominique Lefèvre")
    page = await browser.get(f"/crises/{crisis}")
    assert page.status_code == 200, page.text
    token = csrf_of(page.text)
    status = await wait_status(client, crisis, lambda s: s.revision is not None)
    form = {"revision": str(status.revision), "action": "approve"}
    for forged in ({}, {"csrf": "x" * len(token)}, {"csrf": ""}):
        answer = await browser.post(f"/crises/{crisis}/decider", data={**form, **forged})
        assert answer.status_code == 403, answer.text
    # From another site, even with the token (a page that read it could not send it).
    answer = await browser.post(
        f"/crises/{crisis}/decider",
        data={**form, "csrf": token},
        headers={"origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    assert (await wait_status(client, crisis, lambda s: True)).decisions == []
    # The same form with its token is recorded, through the console.
    answer = await browser.post(f"/crises/{crisis}/decider", data={**form, "csrf": token})
    assert answer.status_code == 303, answer.text
    decided = await wait_status(client, crisis, lambda s: bool(s.decisions))
    assert decided.decisions[0].person == "dominique"
    assert decided.decisions[0].via == "web"
    signer = decided.decisions[0].signer
    assert signer is not None
    assert signer.identity == "link:dominique"  # the one-time link's identity, signed
    assert decided.decisions[0].action is DecisionAction.APPROVE


async def test_an_expired_session_is_refused(
    console: Console, client: Client, start: Start
) -> None:
    crisis = await _awaiting(client, start, "web-expired")
    browser = await console.signed_in("dominique")
    page = await browser.get(f"/crises/{crisis}")
    token = csrf_of(page.text)
    status = await wait_status(client, crisis, lambda s: s.revision is not None)
    console.clock.now += 8 * 3600 + 1  # the session's 8 hours are over
    answer = await browser.post(
        f"/crises/{crisis}/decider",
        data={"csrf": token, "revision": str(status.revision), "action": "approve"},
    )
    assert answer.status_code == 401
    assert text_in("fr", "web.session_over") in answer.text
    assert (await wait_status(client, crisis, lambda s: True)).decisions == []
    again = await browser.get(f"/crises/{crisis}")
    assert again.status_code == 303
    assert again.headers["location"] == "/entrer"


async def test_a_session_ended_by_logout_cannot_be_replayed(
    console: Console, client: Client, start: Start
) -> None:
    browser = await console.signed_in("dominique")
    kept = dict(browser.cookies)
    page = await browser.get("/")
    assert page.status_code == 200
    out = await browser.post("/sortir", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    replay = console.browser()
    replay.cookies.update(kept)
    answer = await replay.get("/")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/entrer"


async def test_the_session_cookie_is_secure_httponly_and_samesite(console: Console) -> None:
    (link,) = console.links.issue([("dominique", "Dominique Lefèvre")])
    answer = await console.browser().get(f"/lien/{link.token}")
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-tocsin-session=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags
    assert not any(flag.startswith("domain") for flag in flags)
    assert "default-src 'none'" in answer.headers["content-security-policy"]


async def test_a_one_time_link_works_once_and_from_loopback_only(console: Console) -> None:
    (link,) = console.links.issue([("dominique", "Dominique Lefèvre")])
    far = await console.browser("192.0.2.10").get(f"/lien/{link.token}")
    assert far.status_code == 403
    first = await console.browser().get(f"/lien/{link.token}")
    assert first.status_code == 303
    second = await console.browser().get(f"/lien/{link.token}")
    assert second.status_code == 403
    assert text_in("fr", "web.link_used") in second.text


async def test_a_person_of_no_playbook_gets_no_session(console: Console) -> None:
    (link,) = console.links.issue([("mallory", "Mallory")])
    browser = console.browser()
    answer = await browser.get(f"/lien/{link.token}")
    assert answer.status_code == 403
    assert text_in("fr", "web.not_a_person") in answer.text
    assert (await browser.get("/")).headers["location"] == "/entrer"


async def test_four_eyes_is_said_as_the_cli_says_it(
    console: Console, client: Client, start: Start
) -> None:
    crisis = await _awaiting(client, start, "web-four-eyes", person="dominique")
    browser = await console.signed_in("dominique")
    page = await browser.get(f"/crises/{crisis}")
    status = await wait_status(client, crisis, lambda s: s.revision is not None)
    answer = await browser.post(
        f"/crises/{crisis}/decider",
        data={"csrf": csrf_of(page.text), "revision": str(status.revision), "action": "approve"},
    )
    assert answer.status_code == 409
    said = text_in("fr", "refuse.SelfApproval", person="Dominique Lefèvre", revision=1)
    assert said.replace("’", "&#39;") in answer.text or said in answer.text
    assert (await wait_status(client, crisis, lambda s: True)).decisions == []


async def test_a_stranger_to_the_crisis_learns_nothing(
    console: Console, client: Client, start: Start
) -> None:
    crisis = await _awaiting(client, start, "web-stranger")
    browser = await console.signed_in("dominique")
    # noor is a person of the playbook; a crisis that does not exist reads the same.
    mine = await browser.get(f"/crises/{crisis}")
    unknown = await browser.get("/crises/eau-non-potable--nothing")
    assert mine.status_code == 200
    assert unknown.status_code == 404
    assert text_in("fr", "web.no_crisis") in unknown.text


def test_no_listening_beyond_loopback_without_oidc(tmp_path: Path) -> None:
    web = WebSettings(host="0.0.0.0", public_url="http://127.0.0.1:8090", session_key="k" * 32)
    assert web.problems()
    with pytest.raises(WebSettingsError):
        WebSettings.from_env(
            Settings.from_env({"TOCSIN_DATA_DIR": str(tmp_path)}),
            {"TOCSIN_WEB_URL": "http://console.example.org"},
        )
    result = CliRunner().invoke(
        cli,
        ["web"],
        env={"TOCSIN_DATA_DIR": str(tmp_path), "TOCSIN_WEB_HOST": "0.0.0.0", "TOCSIN_LANG": "fr"},
    )
    assert result.exit_code != 0
    assert "TOCSIN_OIDC_ISSUER" in result.output
    assert "Traceback" not in result.output


async def test_tocsin_up_prints_one_time_links_that_work_once(tmp_path: Path) -> None:
    """`tocsin up` as a process: the console on loopback, a link per person of the playbooks,
    each signing in once over real HTTP."""
    from tests.rig import running

    async with running(tmp_path, server="up", models=False, TOCSIN_WEB_PORT="0") as rig:
        (up,) = rig.processes
        await up.wait_for_output("/lien/", within=60)
        links = dict(re.findall(r"\((\w+)\) → (http://127\.0\.0\.1:\d+/lien/\S+)", up.output()))
        assert {"camille", "dominique"} <= set(links), up.output()[-2000:]
        async with httpx.AsyncClient() as browser:
            first = await browser.get(links["dominique"])
            assert first.status_code == 303
            assert "secure" in first.headers["set-cookie"].lower()
            again = await browser.get(links["dominique"])
            assert again.status_code == 403


async def test_a_form_too_long_is_refused_unread(console: Console) -> None:
    browser = await console.signed_in("dominique")
    page = await browser.get("/lancer")
    answer = await browser.post(
        "/sortir", data={"csrf": csrf_of(page.text), "padding": "x" * 600_000}
    )
    assert answer.status_code == 403
    assert (await browser.get("/lancer")).status_code == 200  # still signed in: not read


async def test_what_people_type_is_shown_escaped(
    console: Console, client: Client, start: Start
) -> None:
    crisis = await _awaiting(client, start, "web-escape")
    browser = await console.signed_in("camille")
    page = await browser.get(f"/crises/{crisis}")
    typed = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    added = await browser.post(
        f"/crises/{crisis}/fait", data={"csrf": csrf_of(page.text), "text": typed}
    )
    assert added.status_code == 303
    await wait_status(client, crisis, lambda s: bool(s.facts))
    page = await browser.get(f"/crises/{crisis}")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert "<img src=x" not in page.text


async def test_another_host_name_gets_nothing(console: Console) -> None:
    """A site whose name was rebound to this machine reaches the console with its own Host."""
    answer = await console.browser().get("/entrer", headers={"host": "evil.example"})
    assert answer.status_code == 400


async def test_a_port_taken_at_the_last_moment_moves_the_console_of_up(
    client: Client, settings: Settings
) -> None:
    """Two `tocsin up` started at once both saw 8090 free: the second must not fail on it."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    web = WebSettings(port=taken, public_url=f"http://127.0.0.1:{taken}", session_key="k" * 32)
    try:
        with pytest.raises(WebSettingsError):
            async with serve_console(client, settings, LIBRARY, web):
                pass
        async with serve_console(client, settings, LIBRARY, web, movable=True) as url:
            assert not url.endswith(f":{taken}")
            async with httpx.AsyncClient() as browser:
                assert (await browser.get(url + "/connexion")).status_code < 500
    finally:
        holder.close()
