"""The accounts file (TOCSIN_ACCOUNTS): read as a playbook is, file:line; secrets only from a
variable or a file, never shown; a drill never reaches a real account."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import structlog
from pydantic import ValidationError

from tocsin.models import Channel, PhaseName
from tocsin.publish.accounts import (
    Accounts,
    AccountsError,
    EmailAccount,
    MastodonAccount,
    accounts_from_env,
    load_accounts,
    read_secret,
)
from tocsin.publish.errors import DrillRefused, MissingSecret, NotRetryable
from tocsin.publish.models import Publication, idempotency_key

# The file of issue 25, point 1, as it is written there, with the drill account in a channel.
EXAMPLE = """\
accounts:
  mairie-mastodon: {kind: mastodon, url: https://social.example.fr, token_env: MASTODON_TOKEN}
  mairie-bluesky: {kind: bluesky, url: https://bsky.social, handle: mairie.example.fr, password_env: BSKY_APP_PASSWORD}
  presse: {kind: email, host: smtp.example.fr, port: 587, username: crise, password_env: SMTP_PASSWORD, from: "Mairie <crise@example.fr>", to: [presse@example.fr]}
  sms-gateway: {kind: webhook, url: https://gw.example.fr/hook, secret_env: GW_SECRET}
  site: {kind: status_site, path: /var/www/crise, base_url: https://crise.example.fr}
  drill-mastodon: {kind: mastodon, url: https://social.example.fr, token_env: DRILL_TOKEN, exercise: true}
channels:
  mastodon: [mairie-mastodon, drill-mastodon]
  bluesky: [mairie-bluesky]
  press_release: [presse, site]
  sms: [sms-gateway]
  website: [site]
"""  # noqa: E501


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_issues_file_loads_with_its_kinds_and_channels(tmp_path: Path) -> None:
    accounts = load_accounts(_write(tmp_path, EXAMPLE))
    kinds = {name: type(a).__name__ for name, a in accounts.accounts.items()}
    assert kinds == {
        "mairie-mastodon": "MastodonAccount",
        "mairie-bluesky": "BlueskyAccount",
        "presse": "EmailAccount",
        "sms-gateway": "WebhookAccount",
        "site": "StatusSiteAccount",
        "drill-mastodon": "MastodonAccount",
    }
    presse = accounts.accounts["presse"]
    assert isinstance(presse, EmailAccount)
    assert presse.from_ == "Mairie <crise@example.fr>"
    assert presse.to == ["presse@example.fr"]
    # The published limits by default: Mastodon 300 requests per 5 minutes.
    mastodon = accounts.accounts["mairie-mastodon"]
    assert mastodon.limit().requests == 300
    assert mastodon.limit().per.total_seconds() == 300
    assert accounts.for_channel(Channel.PRESS_RELEASE, exercise=False).accounts == [
        "presse",
        "site",
    ]


def test_a_channel_without_account_and_no_file_keep_the_outbox(tmp_path: Path) -> None:
    accounts = load_accounts(_write(tmp_path, EXAMPLE))
    assert accounts.for_channel(Channel.RADIO, exercise=False).outbox
    nothing = accounts_from_env({})
    assert nothing == Accounts()
    assert nothing.for_channel(Channel.MASTODON, exercise=False).outbox


def test_a_drill_goes_only_to_exercise_accounts(tmp_path: Path) -> None:
    accounts = load_accounts(_write(tmp_path, EXAMPLE))
    drill = accounts.for_channel(Channel.MASTODON, exercise=True)
    assert drill.accounts == ["drill-mastodon"]
    assert drill.left_out == ["mairie-mastodon"]
    # A drill on a channel with only real accounts: the outbox, the real ones said left out.
    sms = accounts.for_channel(Channel.SMS, exercise=True)
    assert sms.outbox
    assert sms.left_out == ["sms-gateway"]
    # A real crisis never posts to the drill account.
    assert accounts.for_channel(Channel.MASTODON, exercise=False).accounts == ["mairie-mastodon"]


def test_a_drill_aimed_at_a_real_account_is_refused_clearly(tmp_path: Path) -> None:
    accounts = load_accounts(_write(tmp_path, EXAMPLE))
    with pytest.raises(DrillRefused) as refused:
        accounts.account_for("mairie-mastodon", exercise=True)
    assert "mairie-mastodon" in str(refused.value)
    assert "exercise: true" in str(refused.value)
    assert refused.value.localized("fr").startswith("Exercice")
    assert "compte réel" in refused.value.localized("fr")
    assert "real account" in refused.value.localized("en")
    assert "echtes Konto" in refused.value.localized("de")
    assert accounts.account_for("drill-mastodon", exercise=True).exercise
    with pytest.raises(NotRetryable, match="drill account"):
        accounts.account_for("drill-mastodon", exercise=False)
    with pytest.raises(NotRetryable, match="unknown account"):
        accounts.account_for("nobody", exercise=False)


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(AccountsError) as caught:
        load_accounts(_write(tmp_path, text))
    return [str(p) for p in caught.value.problems]


def test_a_token_written_in_the_file_is_refused_at_its_line(tmp_path: Path) -> None:
    text = (
        "accounts:\n"
        "  m:\n"
        "    kind: mastodon\n"
        "    url: https://social.example.fr\n"
        "    token: s3cr3t-value-in-yaml\n"
        "    token_env: MASTODON_TOKEN\n"
        "  p:\n"
        "    kind: email\n"
        "    host: smtp.example.fr\n"
        "    from: crise@example.fr\n"
        "    to: [a@example.fr]\n"
        "    username: crise\n"
        "    password: hunter2\n"
        "    password_env: SMTP_PASSWORD\n"
    )
    problems = _problems(tmp_path, text)
    path = tmp_path / "accounts.yaml"
    assert problems[0].startswith(f"{path}:5:")
    assert "token_env" in problems[0]
    assert problems[1].startswith(f"{path}:13:")
    # The secret itself is not repeated in the message.
    assert not any("s3cr3t" in p or "hunter2" in p for p in problems)


def test_mistakes_are_said_at_their_line(tmp_path: Path) -> None:
    text = (
        "accounts:\n"
        "  presse:\n"
        "    kind: email\n"
        "    host: smtp.example.fr\n"
        "    port: beaucoup\n"
        "    from: crise@example.fr\n"
        "    to: [a@example.fr]\n"
        "  m: {kind: mastodon, url: http://social.example.fr, token_env: T}\n"
        "  w: {kind: webhook, url: https://gw.example.fr/hook}\n"
        "  x: {kind: telegram}\n"
        "channels:\n"
        "  sms: [w, nobody]\n"
        "  pigeon: [w]\n"
    )
    problems = _problems(tmp_path, text)
    path = tmp_path / "accounts.yaml"
    by_line = {p.split(":")[1]: p for p in problems}
    assert "accounts.presse.port" in by_line["5"]  # the union's tag is not in the place
    assert "https" in by_line["8"]
    assert "secret_env" in by_line["9"]
    assert "telegram" in by_line["10"]
    assert "pigeon" in by_line["13"]
    assert all(p.startswith(f"{path}:") for p in problems)
    # The references are checked once the shapes are right.
    fixed = text.replace("beaucoup", "587").replace("http://", "https://")
    fixed = fixed.replace(
        "url: https://gw.example.fr/hook}", "url: https://gw.example.fr/hook, secret_env: S}"
    )
    fixed = fixed.replace("  x: {kind: telegram}\n", "").replace("  pigeon: [w]\n", "")
    problems = _problems(tmp_path, fixed)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:11:")
    assert "nobody" in problems[0]


def test_yaml_syntax_and_duplicate_keys(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "accounts:\n  m: {kind: mastodon\n")
    assert problems[0].startswith(f"{tmp_path / 'accounts.yaml'}:2:")
    problems = _problems(
        tmp_path,
        "accounts:\n  s: {kind: status_site, path: /tmp/x, base_url: https://a.fr}\n"
        "  s: {kind: status_site, path: /tmp/y, base_url: https://a.fr}\n",
    )
    assert ":3:3:" in problems[0]
    assert "s" in problems[0]


def test_secrets_come_from_a_variable_or_a_file_and_are_never_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "smtp").write_text("file-secret-xyz\n", encoding="utf-8")
    text = (
        "accounts:\n"
        "  m: {kind: mastodon, url: https://social.example.fr, token_env: TOKEN_VAR}\n"
        "  p: {kind: email, host: smtp.example.fr, from: crise@example.fr, to: [a@example.fr],"
        " username: crise, password_file: secrets/smtp}\n"
    )
    accounts = load_accounts(_write(tmp_path, text))
    mastodon = accounts.accounts["m"]
    assert isinstance(mastodon, MastodonAccount)
    token = read_secret("m", mastodon, {"TOKEN_VAR": "env-secret-abc"})
    assert token is not None
    assert token.get_secret_value() == "env-secret-abc"
    password = read_secret("p", accounts.accounts["p"], {})
    assert password is not None
    assert password.get_secret_value() == "file-secret-xyz"  # relative to the accounts file
    shown = [repr(accounts), str(accounts), repr(token), str(password), repr(mastodon)]
    structlog.get_logger().warning("secrets", token=token, password=password)
    logging.getLogger("tocsin").warning("%s %r", token, password)
    shown.append(capsys.readouterr().err)
    for text_shown in shown:
        assert "env-secret-abc" not in text_shown
        assert "file-secret-xyz" not in text_shown
    with pytest.raises(MissingSecret) as missing:
        read_secret("m", mastodon, {"TOKEN_VAR": "  "})
    assert "TOKEN_VAR" in str(missing.value)
    (tmp_path / "secrets" / "smtp").unlink()
    with pytest.raises(MissingSecret) as unreadable:
        read_secret("p", accounts.accounts["p"], {})
    assert str(tmp_path / "secrets" / "smtp") in str(unreadable.value)


def test_the_idempotency_key_is_deterministic_and_tells_every_field_apart() -> None:
    base = ("crise-1", PhaseName.EXPLAIN, 2, 0, Channel.MASTODON, "fr", "mairie-mastodon")
    key = idempotency_key(*base)
    assert key == idempotency_key(*base)
    assert key.startswith("tocsin-")
    assert len(key) == 43
    assert key.replace("-", "").isalnum()
    others = [
        ("crise-2", *base[1:]),
        (base[0], PhaseName.CLOSE, *base[2:]),
        (*base[:2], 3, *base[3:]),
        (*base[:3], 1, *base[4:]),
        (*base[:4], Channel.BLUESKY, *base[5:]),
        (*base[:5], "de", base[6]),
        (*base[:6], "drill-mastodon"),
    ]
    keys = {idempotency_key(*other) for other in others}
    assert len(keys) == len(others)
    assert key not in keys


def test_no_secret_in_an_address_and_no_line_break_in_a_remote_id(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        "accounts:\n  w: {kind: webhook, url: 'https://gw:hunter2@gw.example.fr/hook',"
        " secret_env: S}\n",
    )
    assert ":2:" in problems[0]
    assert "*_env" in problems[0]
    assert "hunter2" not in problems[0]
    published = {
        "remote_id": "<a@example.fr>\r\nBcc: everyone@example.fr",
        "published_at": "2026-12-03T08:00:00+01:00",
        "account": "presse",
        "kind": "email",
        "key": "k",
    }
    with pytest.raises(ValidationError):
        Publication.model_validate(published)
