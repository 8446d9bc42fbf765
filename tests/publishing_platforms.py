"""Every kind of publishing account at once, on loopback, for the fault tests: Mastodon accounts
on one fake (tests/fakemastodon.py), Bluesky accounts on the real PDS (each behind its own
fault proxy, tests/bluesky/faults.py), webhook receivers that verify signatures, the SMTP server
of tests/test_publish_mail.py (STARTTLS and AUTH), and a status site folder; the accounts file
that names them, and the secrets it reads (by variable, never in the file).

A secret's variable is the account's name in capitals with its kind's word: ``MASTO_A_TOKEN``,
``BSKY_PASSWORD``, ``PRESSE_PASSWORD``, ``SMS_A_SECRET``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bluesky.faults import FaultProxy
from tests.bluesky.server import LocalPds
from tests.fakemastodon import FakeMastodon
from tests.test_publish_mail import PASSWORD, USER, Smtp
from tests.webhook_receiver import SECRET, Receiver
from tocsin.models import Channel
from tocsin.publish.accounts import Accounts, load_accounts
from tocsin.publish.statussite import store_folder

BASE_URL = "https://crise.example.fr/"
BSKY_MAIN_PASSWORD = "mot-de-passe-principal"
APP_PASSWORD_NAME = "tocsin"
_handles = itertools.count()


def variable(name: str, word: str) -> str:
    return f"{name.upper().replace('-', '_')}_{word}"


@dataclass
class BlueskyUser:
    """An account on the PDS, reached through its own fault proxy."""

    did: str
    handle: str
    proxy: FaultProxy


@dataclass
class Platforms:
    file: Path  # the accounts file
    mastodon: FakeMastodon
    hooks: dict[str, Receiver]
    smtp: Smtp
    bluesky: dict[str, BlueskyUser]
    pds: LocalPds | None
    site: Path
    secrets: dict[str, str]  # variable -> value, what the worker's environment holds
    kinds: dict[str, str] = field(default_factory=dict)  # account -> kind

    def accounts(self) -> Accounts:
        return load_accounts(self.file)

    def posts(self, account: str) -> int:
        """How many distinct posts the account's platform holds: statuses, records, events
        acted on (one per webhook-id), messages received, texts on the site."""
        kind = self.kinds[account]
        if kind == "mastodon":
            return len(self.mastodon.posts(account))
        if kind == "webhook":
            return len(self.hooks[account].events)
        if kind == "bluesky":
            assert self.pds is not None
            return len(self.pds.records(self.bluesky[account].did))
        if kind == "email":
            return len(self.smtp.handler.received)
        # Each statement, and each earlier text it shows (a statement published twice would
        # show as a correction of itself).
        return sum(
            1 + len(statement["history"])
            for crisis in self.site_store()
            for statement in crisis["crisis"]["statements"]
        )

    def site_store(self) -> list[dict[str, Any]]:
        """The status site's store: one record per crisis (its statements and requests done)."""
        folder = store_folder(self.site) / "crises"
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]

    async def revoke_bluesky_password(self, account: str) -> None:
        assert self.pds is not None
        user = self.bluesky[account]
        await asyncio.to_thread(
            self.pds.revoke_app_password, user.handle, BSKY_MAIN_PASSWORD, APP_PASSWORD_NAME
        )


@contextlib.asynccontextmanager
async def platforms(
    folder: Path,
    smtp: Smtp,
    pds: LocalPds | None,
    channels: Mapping[Channel, list[str]],
    *,
    mastodon: Sequence[str] = (),
    bluesky: Sequence[str] = (),
    hooks: Sequence[str] = (),
    email: str | None = None,
    site: str | None = None,
) -> AsyncIterator[Platforms]:
    """The platforms and the accounts file naming the accounts given, on ``channels``."""
    fake = FakeMastodon(tokens={f"token-{name}-0123456789": name for name in mastodon})
    await fake.start()
    receivers = {name: Receiver() for name in hooks}
    proxies: list[FaultProxy] = []
    try:
        for receiver in receivers.values():
            await receiver.start()
        secrets: dict[str, str] = {}
        kinds: dict[str, str] = {}
        lines = ["accounts:"]
        for name in mastodon:
            secrets[variable(name, "TOKEN")] = f"token-{name}-0123456789"
            kinds[name] = "mastodon"
            lines.append(
                f'  {name}: {{kind: mastodon, url: "{fake.url}",'
                f" token_env: {variable(name, 'TOKEN')}}}"
            )
        users: dict[str, BlueskyUser] = {}
        for name in bluesky:
            assert pds is not None, "Bluesky accounts need the PDS"
            # The PDS takes at most 18 characters before the domain.
            handle = f"tocsin{next(_handles)}-{int(time.time() * 1000) % 10**6}.test"
            did = await asyncio.to_thread(pds.create_account, handle, BSKY_MAIN_PASSWORD)
            password = await asyncio.to_thread(
                pds.app_password, handle, BSKY_MAIN_PASSWORD, APP_PASSWORD_NAME
            )
            proxy = FaultProxy(pds.url)
            await proxy.start()
            proxies.append(proxy)
            users[name] = BlueskyUser(did, handle, proxy)
            secrets[variable(name, "PASSWORD")] = password
            kinds[name] = "bluesky"
            lines.append(
                f'  {name}: {{kind: bluesky, url: "{proxy.url}", handle: "{handle}",'
                f" password_env: {variable(name, 'PASSWORD')}}}"
            )
        for name in hooks:
            secrets[variable(name, "SECRET")] = SECRET
            kinds[name] = "webhook"
            lines.append(
                f'  {name}: {{kind: webhook, url: "{receivers[name].url}",'
                f" secret_env: {variable(name, 'SECRET')}}}"
            )
        if email is not None:
            secrets[variable(email, "PASSWORD")] = PASSWORD
            kinds[email] = "email"
            lines += [
                f"  {email}:",
                "    kind: email",
                "    host: 127.0.0.1",
                f"    port: {smtp.port}",
                f"    username: {USER}",
                f"    password_env: {variable(email, 'PASSWORD')}",
                '    from: "Préfecture <crise@example.fr>"',
                "    to: [presse@example.fr, mairies@example.fr]",
                f'    ca_file: "{smtp.cert}"',
            ]
        site_path = folder / "www" / "crise"
        if site is not None:
            kinds[site] = "status_site"
            lines.append(
                f'  {site}: {{kind: status_site, path: "{site_path}", base_url: "{BASE_URL}"}}'
            )
        lines.append("channels:")
        lines += [f"  {channel.value}: [{', '.join(names)}]" for channel, names in channels.items()]
        file = folder / "comptes.yml"
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield Platforms(file, fake, receivers, smtp, users, pds, site_path, secrets, kinds)
    finally:
        await fake.stop()
        for receiver in receivers.values():
            await receiver.stop()
        for proxy in proxies:
            await proxy.stop()
