"""Talking to a PDS for tocsin/publish/bluesky.py: the account as the publisher uses it, the
SDK's failures as the publishers' errors (:mod:`tocsin.publish.errors`), and its logged-in
session.

- 401/403 are :class:`~tocsin.publish.errors.BadCredentials` naming the app password's
  variable or file; 408/409/425/429/5xx and network failures are
  :class:`~tocsin.publish.errors.Unavailable` (retryable), a 429 with the seconds until
  ``ratelimit-reset``; any other 4xx is :class:`~tocsin.publish.errors.Rejected`.
- The points (5,000 an hour, a create costing 3) are the account's token bucket of
  :mod:`tocsin.publish.ratelimit`, taken by the publisher.
- A session is reused for ``SESSION_MAX_AGE`` seconds: createSession is limited far more tightly
  than posting (30 per 5 minutes on bsky.social), and a revoked app password must stop working
  soon (a session's access token outlives the revocation). A cached session refused is dropped
  and the call tried once after a new login.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from atproto import AsyncClient
from atproto_client.exceptions import (
    InvokeTimeoutError,
    NetworkError,
    RequestErrorBase,
)
from atproto_client.request import AsyncRequest
from atproto_core.exceptions import AtProtocolError
from pydantic import SecretStr

from tocsin.publish.errors import (
    BadCredentials,
    PublishError,
    Rejected,
    Unavailable,
    detail,
    from_status,
    network_problem,
    retry_after_seconds,
)

T = TypeVar("T")

DELETE_COST = 1  # points a record deletion costs (a create: ratelimit.BLUESKY_CREATE_COST)
TIMEOUT = 30.0  # seconds for one request
SESSION_MAX_AGE = 600.0  # seconds a login is reused


@dataclass(frozen=True)
class Account:
    """An account on a PDS as one publication uses it. ``name``: the account's name in the
    accounts file (errors and the bucket are its); ``password``: the app password, read from
    ``source`` (a variable's or a file's name, the only one errors show)."""

    name: str
    service_url: str
    handle: str
    password: SecretStr = field(repr=False)
    source: str


def reset_seconds(headers: dict[str, Any], now: float | None = None) -> float | None:
    """Seconds until a 429's window resets: ``ratelimit-reset`` (Unix time, Bluesky's) else
    ``Retry-After``; bounded to a day (the answer is untrusted), None when unreadable."""
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    if "ratelimit-reset" not in lower:
        return retry_after_seconds(lower.get("retry-after"), now)
    try:
        seconds = float(lower["ratelimit-reset"]) - (time.time() if now is None else now)
    except ValueError:
        return None
    return min(max(seconds, 0.0), 86_400.0) if math.isfinite(seconds) else None


# What a call through the SDK may raise: its own errors, and transport errors of httpx that it
# lets through (a connection closed before the answer is a RemoteProtocolError).
FAILURES = (AtProtocolError, httpx.TransportError)


def error(account: Account, exc: Exception) -> PublishError:
    """The SDK's exception as a publisher's error: 401/403 bad credentials (naming the
    password's variable or file), 408/409/425/429/5xx and network failures retryable (a 429
    waiting for ``ratelimit-reset``), other 4xx refused."""
    response = exc.response if isinstance(exc, RequestErrorBase) else None
    if response is None:
        if isinstance(exc, NetworkError | InvokeTimeoutError | httpx.TransportError):
            return Unavailable(account.name, 0, network_problem(exc))
        return Rejected(account.name, 0, detail(exc))
    status = response.status_code
    if status == 429:
        wait = reset_seconds(dict(response.headers))
        return Unavailable(account.name, 429, "rate limit", retry_after=wait)
    if status == 409:  # a write that raced another: worth a retry, unlike other 4xx
        return Unavailable(account.name, status, detail(exc))
    return from_status(account.name, status, detail(exc), account.source)


# One logged-in client per account and password (a changed password gives a new entry), with
# the time of its login.
_clients: dict[tuple[str, str, str], tuple[AsyncClient, str, float]] = {}


def _session_key(account: Account) -> tuple[str, str, str]:
    secret = hashlib.sha256(account.password.get_secret_value().encode()).hexdigest()
    return (account.service_url, account.handle.lower(), secret)


async def _client(account: Account) -> tuple[AsyncClient, str]:
    """A logged-in client for ``account`` and the account's DID."""
    key = _session_key(account)
    found = _clients.pop(key, None)
    if found is not None:
        client, did, since = found
        if time.monotonic() - since < SESSION_MAX_AGE:
            _clients[key] = found
            return client, did
        await client.request.close()
    client = AsyncClient(
        base_url=account.service_url.rstrip("/") + "/xrpc",
        request=AsyncRequest(timeout=httpx.Timeout(TIMEOUT)),
    )
    try:
        await client.login(
            account.handle, account.password.get_secret_value(), fetch_bsky_profile=False
        )
    except FAILURES as exc:
        await client.request.close()
        raise error(account, exc) from None
    did = client.me.did if client.me is not None else _session_did(account, client)
    _clients[key] = (client, did, time.monotonic())
    return client, did


async def with_session(account: Account, call: Callable[[AsyncClient, str], Awaitable[T]]) -> T:
    """``call`` with the account's session; a cached session refused (401/403: revoked, or the
    server's keys changed) is dropped and ``call`` tried once more after a new login, whose
    refusal is the answer."""
    cached = _session_key(account) in _clients
    client, did = await _client(account)
    try:
        return await call(client, did)
    except BadCredentials:
        if not cached:
            raise
    _clients.pop(_session_key(account), None)
    await client.request.close()
    client, did = await _client(account)
    return await call(client, did)


def _session_did(account: Account, client: AsyncClient) -> str:
    session = client._session  # the SDK keeps the session's DID there
    if session is None:
        raise Rejected(account.name, 0, "no session")
    return str(session.did)


async def close_sessions() -> None:
    """Close and forget the cached sessions (a worker's shutdown, tests)."""
    clients = list(_clients.values())
    _clients.clear()
    for client, _did, _since in clients:
        await client.request.close()
