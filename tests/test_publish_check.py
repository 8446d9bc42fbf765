"""``tocsin accounts check`` as a process, against the fakes and servers the publishers are
tested on: one sentence an account, French first, exit 1 when any fails, no secret shown."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakemastodon import TOKEN, FakeMastodon
from tests.processes import TOCSIN, Result, tocsin_env
from tests.test_publish_mail import PASSWORD, Smtp, smtp_server
from tests.webhook_receiver import SECRET, Receiver
from tocsin.temporal import free_port


@dataclass
class Platforms:
    mastodon: FakeMastodon
    receiver: Receiver
    smtp: Smtp


@pytest.fixture
async def platforms(tmp_path: Path) -> AsyncIterator[Platforms]:
    mastodon, receiver = FakeMastodon(), Receiver()
    await mastodon.start()
    await receiver.start()
    try:
        with smtp_server(tmp_path) as smtp:
            yield Platforms(mastodon, receiver, smtp)
    finally:
        await receiver.stop()
        await mastodon.stop()


async def _check(env: Mapping[str, str]) -> Result:
    """The command as a process; the fakes answer from this test's event loop meanwhile."""
    proc = await asyncio.create_subprocess_exec(
        str(TOCSIN),
        "accounts",
        "check",
        env=dict(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    result = Result(proc.returncode, out.decode(), err.decode())
    assert "Traceback" not in result.text, result.text
    return result


def _file(tmp_path: Path, platforms: Platforms, site: Path, smtp_port: int) -> Path:
    file = tmp_path / "accounts.yaml"
    file.write_text(
        "accounts:\n"
        f"  social: {{kind: mastodon, url: '{platforms.mastodon.url}',"
        " token_env: MASTODON_TOKEN}\n"
        f"  presse: {{kind: email, host: 127.0.0.1, port: {smtp_port}, username: crise,"
        " password_env: SMTP_PASSWORD, from: 'Mairie <crise@example.fr>', to: [p@example.fr],"
        f" ca_file: '{platforms.smtp.cert}'}}\n"
        f"  sirenes: {{kind: webhook, url: '{platforms.receiver.url}', secret_env: GW_SECRET}}\n"
        f"  site: {{kind: status_site, path: '{site}', base_url: https://crise.example.fr}}\n"
        "  ciel: {kind: bluesky, url: https://bsky.social, handle: mairie.example.fr,"
        " password_env: BSKY_APP_PASSWORD}\n"
        "channels:\n"
        "  mastodon: [social]\n"
        "  press_release: [presse, site]\n"
        "  sms: [sirenes]\n",
        encoding="utf-8",
    )
    return file


async def test_every_account_ready(platforms: Platforms, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    file = _file(tmp_path, platforms, site, platforms.smtp.port)
    env = tocsin_env(
        tmp_path / "data",
        TOCSIN_ACCOUNTS=str(file),
        MASTODON_TOKEN=TOKEN,
        SMTP_PASSWORD=PASSWORD,
        GW_SECRET=SECRET,
        BSKY_APP_PASSWORD="app-password-1234",
    )
    result = await _check(env)
    assert result.code == 0, result.text
    lines = result.out.splitlines()
    assert lines[0] == "✓ «\u202fsocial\u202f» (Mastodon)\u00a0: jeton accepté, compte @crise."
    assert lines[1].startswith("✓ «\u202fpresse\u202f» (e-mail)")
    assert "EHLO, STARTTLS et AUTH" in lines[1]
    assert (
        lines[2]
        == "✓ «\u202fsirenes\u202f» (webhook)\u00a0: événement de test signé accepté (HTTP 200)."
    )
    assert lines[3].startswith("✓ «\u202fsite\u202f» (site de crise)")
    assert "pas encore branchée" in lines[4]
    assert lines[5] == "5 compte(s) prêt(s)."
    assert [d.body["type"] for d in platforms.receiver.deliveries] == ["test"]
    assert platforms.smtp.handler.received == []  # AUTH tried, nothing sent
    assert list(site.iterdir()) == []  # the test file is gone


async def test_each_failure_in_one_sentence_naming_what_to_fix(
    platforms: Platforms, tmp_path: Path
) -> None:
    file = _file(tmp_path, platforms, tmp_path / "missing-site", platforms.smtp.port)
    platforms.mastodon.revoke(TOKEN)
    env = tocsin_env(
        tmp_path / "data",
        TOCSIN_ACCOUNTS=str(file),
        TOCSIN_LANG="en",
        MASTODON_TOKEN=TOKEN,
        SMTP_PASSWORD="wrong-password-999",
        BSKY_APP_PASSWORD="app-password-1234",
    )  # GW_SECRET unset
    result = await _check(env)
    assert result.code == 1, result.text
    lines = result.out.splitlines()
    assert lines[0] == "✗ 'social': credentials refused (HTTP 401); check MASTODON_TOKEN."
    assert lines[1] == "✗ 'presse': credentials refused (SMTP 535); check SMTP_PASSWORD."
    assert lines[2] == "✗ 'sirenes': the variable GW_SECRET is empty or unset."
    assert lines[3].startswith(
        f"✗ 'site' (status site): cannot write to {tmp_path / 'missing-site'}"
    )
    assert lines[4].startswith("✓ 'ciel' (Bluesky)")
    assert "4 of 5 account(s) failed." in result.err
    for secret in (TOKEN, "wrong-password-999", "app-password-1234"):
        assert secret not in result.text
    # A server that does not answer: said as unreachable, with where.
    closed = free_port()
    file = _file(tmp_path, platforms, tmp_path, closed)
    env["TOCSIN_ACCOUNTS"] = str(file)
    env["TOCSIN_LANG"] = "fr"
    result = await _check(env)
    presse = result.out.splitlines()[1]
    where = f"127.0.0.1:{closed}"
    assert (
        presse
        == f"✗ «\u202fpresse\u202f»\u00a0: impossible de joindre {where} (Connection refused)."
    )


async def test_a_broken_file_is_said_at_its_line(tmp_path: Path) -> None:
    file = tmp_path / "accounts.yaml"
    file.write_text(
        "accounts:\n  social:\n    kind: mastodon\n    url: https://social.example.fr\n"
        "    token: abc-literal-token\n",
        encoding="utf-8",
    )
    result = await _check(tocsin_env(tmp_path / "data", TOCSIN_ACCOUNTS=str(file)))
    assert result.code == 1
    assert "Fichier de comptes invalide" in result.err
    assert f"{file}:5:" in result.err
    assert "token_env" in result.err
    assert "abc-literal-token" not in result.text
    none = await _check(tocsin_env(tmp_path / "data"))
    assert none.code == 0
    assert "boîte d’envoi" in none.out
