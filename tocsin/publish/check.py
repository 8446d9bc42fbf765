"""``tocsin accounts check``: each account tried as its publisher would use it (Mastodon's
verify_credentials, SMTP's EHLO, STARTTLS and AUTH, a signed webhook event of type ``test``,
the status site's folder written to), and one sentence an account saying what is wrong."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tocsin.i18n import text_in
from tocsin.publish.accounts import (
    AccountBase,
    Accounts,
    BlueskyAccount,
    EmailAccount,
    MastodonAccount,
    MatrixAccount,
    StatusSiteAccount,
    WebhookAccount,
    read_secret,
)
from tocsin.publish.errors import PublishError, Unavailable
from tocsin.publish.mail import try_login
from tocsin.publish.mastodon import verify
from tocsin.publish.webhook import send_test


@dataclass(frozen=True)
class Outcome:
    """One account's result: a message key and its values, or the publisher's error."""

    name: str
    ok: bool
    key: str = ""
    values: Mapping[str, object] = field(default_factory=dict)
    error: PublishError | None = None

    def sentence(self, lang: str) -> str:
        if self.error is not None and not self.key:
            return self.error.localized(lang).rstrip(".") + "."
        values = dict(self.values)
        for name, value in values.items():
            if isinstance(value, PublishError):
                values[name] = value.localized(lang)
            elif isinstance(value, tuple):  # a message key and its values
                values[name] = text_in(lang, value[0], **value[1])
        return text_in(lang, self.key, account=self.name, **values)


def _unreachable(name: str, host: str, error: PublishError) -> Outcome:
    problem = error.values.get("problem") or error.values.get("status")
    return Outcome(name, False, "accounts.check.unreachable", {"host": host, "problem": problem})


async def _mastodon(name: str, account: MastodonAccount, env: Mapping[str, str]) -> Outcome:
    token = read_secret(name, account, env)
    assert token is not None
    try:
        who = await asyncio.to_thread(verify, name, account, token)
    except PublishError as exc:
        if isinstance(exc, Unavailable) and exc.status == 0:
            return _unreachable(name, urlsplit(account.url).netloc, exc)
        return Outcome(name, False, error=exc)
    return Outcome(name, True, "accounts.check.mastodon_ok", {"who": who})


async def _email(name: str, account: EmailAccount, env: Mapping[str, str]) -> Outcome:
    password = read_secret(name, account, env)
    step, error = await try_login(name, account, password)
    host = f"{account.host}:{account.port}"
    if error is None:
        tls = {"starttls": "STARTTLS", "tls": "TLS"}.get(account.security)
        return Outcome(
            name,
            True,
            "accounts.check.smtp_ok",
            {
                "host": host,
                "tls": tls or ("accounts.check.smtp_clear", {}),
                "auth": "AUTH" if password is not None else ("accounts.check.smtp_no_auth", {}),
            },
        )
    if step == "connect":
        return _unreachable(name, host, error)
    if step == "AUTH":
        return Outcome(name, False, error=error)
    problem = error.values.get("problem") or error.values.get("status")
    return Outcome(
        name, False, "accounts.check.smtp_failed", {"host": host, "step": step, "problem": problem}
    )


async def _webhook(name: str, account: WebhookAccount, env: Mapping[str, str]) -> Outcome:
    secret = read_secret(name, account, env)
    assert secret is not None
    try:
        status = await send_test(name, account, secret)
    except PublishError as exc:
        if isinstance(exc, Unavailable) and exc.status == 0:
            return _unreachable(name, urlsplit(account.url).netloc, exc)
        return Outcome(name, False, error=exc)
    return Outcome(name, True, "accounts.check.webhook_ok", {"status": status})


async def _matrix(name: str, account: MatrixAccount, env: Mapping[str, str]) -> Outcome:
    from tocsin.matrix.client import MatrixError
    from tocsin.publish.matrix import check_matrix

    token = read_secret(name, account, env)
    assert token is not None  # a Matrix account needs its token: the file's check says so
    try:
        members = await check_matrix(account, token)
    except MatrixError as exc:
        values = {"room": account.room, "error": f"{exc.status} {exc.errcode}"}
        return Outcome(name, False, "accounts.check.matrix_bad", values)
    except OSError as exc:
        values = {"room": account.room, "error": exc.strerror or type(exc).__name__}
        return Outcome(name, False, "accounts.check.matrix_bad", values)
    return Outcome(
        name, True, "accounts.check.matrix_ok", {"room": account.room, "members": members}
    )


def _site(name: str, account: StatusSiteAccount) -> Outcome:
    values: dict[str, object] = {"path": account.path}
    try:
        with tempfile.NamedTemporaryFile(dir=account.path, prefix=".tocsin-check-"):
            pass
    except OSError as exc:
        values["problem"] = exc.strerror or type(exc).__name__
        return Outcome(name, False, "accounts.check.site_bad", values)
    return Outcome(name, True, "accounts.check.site_ok", values)


async def check_account(name: str, account: AccountBase, env: Mapping[str, str]) -> Outcome:
    try:
        if isinstance(account, MastodonAccount):
            return await _mastodon(name, account, env)
        if isinstance(account, EmailAccount):
            return await _email(name, account, env)
        if isinstance(account, WebhookAccount):
            return await _webhook(name, account, env)
        if isinstance(account, StatusSiteAccount):
            return _site(name, account)
        if isinstance(account, MatrixAccount):
            return await _matrix(name, account, env)
        assert isinstance(account, BlueskyAccount)
        read_secret(name, account, env)
        return Outcome(name, True, "accounts.check.bluesky")
    except PublishError as exc:  # a secret missing or unreadable, a webhook secret malformed
        return Outcome(name, False, error=exc)


async def check_all(accounts: Accounts, env: Mapping[str, str]) -> list[Outcome]:
    """Every account tried at once, in the file's order."""
    return list(
        await asyncio.gather(
            *(check_account(name, account, env) for name, account in accounts.accounts.items())
        )
    )
