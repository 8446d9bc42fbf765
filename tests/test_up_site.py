"""``tocsin up`` serves the status site of TOCSIN_ACCOUNTS on loopback: a real ``tocsin up``
process, its start-up lines, the site fetched over HTTP before and after a publication, and
the port freed at Ctrl-C. The port's choice (TOCSIN_SITE_PORT, else 8089 or a free one) is
tested without a process."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.processes import tocsin, tocsin_env, tocsin_up
from tocsin.cli.common import UserError
from tocsin.cli.servers import SITE_PORT, site_port
from tocsin.models import Channel, PhaseName
from tocsin.publish.accounts import load_accounts
from tocsin.publish.models import PublicContext, PublishRequest
from tocsin.publish.publisher import publish
from tocsin.temporal import free_port, port_is_free


@dataclass
class Up:
    env: dict[str, str]
    proc: subprocess.Popen[str]
    log: Path
    folder: Path
    accounts: Path
    url: str


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


@pytest.fixture(scope="module")
def up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Up]:
    data_dir = tmp_path_factory.mktemp("up-site")
    folder = data_dir / "www" / "crise"
    accounts = data_dir / "accounts.yaml"
    accounts.write_text(
        "accounts:\n"
        f"  site: {{kind: status_site, path: {folder}, base_url: https://crise.example.fr}}\n"
        "channels:\n"
        "  website: [site]\n",
        encoding="utf-8",
    )
    port = free_port()
    env = tocsin_env(
        data_dir,
        TOCSIN_EMBEDDED_PORT=str(free_port()),
        TOCSIN_UI_PORT=str(free_port()),
        TOCSIN_ACCOUNTS=str(accounts),
        TOCSIN_SITE_PORT=str(port),
    )
    log = data_dir / "up.log"
    with tocsin_up(env, log, within=120) as proc:
        yield Up(env, proc, log, folder, accounts, f"http://127.0.0.1:{port}/")


def test_up_prints_the_site_s_address_and_serves_it(up: Up) -> None:
    output = up.log.read_text(encoding="utf-8")
    assert f"Site de crise «\u202fsite\u202f»\u00a0: {up.url} (dossier {up.folder})" in output
    status, index = _fetch(up.url + "index.html")
    assert status == 200
    assert 'lang="fr"' in index  # the site written at start, before any crisis
    assert _fetch(up.url)[0] == 200
    assert not list(up.folder.parent.glob("*.json"))


def test_a_publication_is_served_at_once(up: Up) -> None:
    """What the worker's publisher writes, the running server shows (it follows the link)."""
    asked = PublishRequest(
        crisis_id="crisis-crue-moselle",
        phase=PhaseName.ACKNOWLEDGE,
        sequence=0,
        revision=0,
        channel=Channel.WEBSITE,
        language="fr",
        account="site",
        text="La Moselle déborde : évitez les berges.",
        exercise=False,
        context=PublicContext(
            title="Crue de la Moselle", sender="Mairie", area="Metz", contact="03 87"
        ),
    )
    posted = asyncio.run(publish(asked, load_accounts(up.accounts), env={}))
    assert posted.url is not None
    page = posted.url.removeprefix("https://crise.example.fr/").split("#")[0]
    status, html = _fetch(up.url + page)
    assert status == 200
    assert "La Moselle déborde" in html
    # The store beside the site is not under what is served.
    assert _fetch(up.url + "../.crise-tocsin/crises/crisis-crue-moselle.json")[0] == 404


def test_a_busy_site_port_is_refused(up: Up, tmp_path: Path) -> None:
    env = tocsin_env(
        tmp_path,
        TOCSIN_EMBEDDED_PORT=str(free_port()),
        TOCSIN_UI_PORT=str(free_port()),
        TOCSIN_ACCOUNTS=up.env["TOCSIN_ACCOUNTS"],
        TOCSIN_SITE_PORT=up.env["TOCSIN_SITE_PORT"],
    )
    result = tocsin(env, "up")
    assert result.code == 1
    assert up.env["TOCSIN_SITE_PORT"] in result.err
    assert "Traceback" not in result.text


def test_ctrl_c_frees_the_site_s_port(up: Up) -> None:
    """Last in the module."""
    up.proc.send_signal(signal.SIGINT)
    assert up.proc.wait(timeout=30) == 0
    assert "Traceback" not in up.log.read_text(encoding="utf-8")
    assert port_is_free(int(up.env["TOCSIN_SITE_PORT"]))


def test_the_site_port_is_asked_or_8089() -> None:
    assert site_port({}) == (SITE_PORT, False)
    assert site_port({"TOCSIN_SITE_PORT": " 9000 "}) == (9000, True)
    assert site_port({"TOCSIN_SITE_PORT": "0"}) == (0, True)
    for wrong in ("http", "70000", "-1", "٣"):
        with pytest.raises(UserError) as refused:
            site_port({"TOCSIN_SITE_PORT": wrong})
        assert "TOCSIN_SITE_PORT" in str(refused.value)
