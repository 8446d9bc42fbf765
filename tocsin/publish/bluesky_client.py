"""Talking to a PDS for tocsin/publish/bluesky.py: the account, errors as a Temporal activity
needs them (retryable or not), the account's budget of points, and its logged-in session.

- 401/403 are not retryable and name the app password's variable; 408/409/429/5xx and network
  failures are, a 429 with the seconds until ``ratelimit-reset``.
- 5,000 points an hour, a create costing 3, a delete 1 (:class:`PointsBucket`); a longer wait
  than ``MAX_WAIT`` is handed back as a retryable error.
- A session is reused for ``SESSION_MAX_AGE`` seconds: createSession is limited far more tightly
  than posting (30 per 5 minutes on bsky.social), and a revoked app password must stop working
  soon (a session's access token outlives the revocation). A cached session refused is dropped
  and the call tried once after a new login.
"""

from __future__ import annotations

import asyncio
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
    RateLimitExceededError,
    RequestErrorBase,
)
from atproto_client.request import AsyncRequest
from atproto_core.exceptions import AtProtocolError

from tocsin.i18n import both, text_in

T = TypeVar("T")

HOUR_POINTS = 5_000  # Bluesky: points an account may spend in an hour
CREATE_COST = 3
DELETE_COST = 1
MAX_DETAIL = 300
MAX_WAIT = 30.0  # seconds a call waits for its points before handing the wait back
TIMEOUT = 30.0  # seconds for one request
SESSION_MAX_AGE = 600.0  # seconds a login is reused


@dataclass(frozen=True)
class Account:
    """An account on a PDS. ``password``: the app password's value, never shown;
    ``password_env``: where it came from (a variable's or a file's name), named in errors."""

    service_url: str
    handle: str
    password: str = field(repr=False)
    password_env: str


class BlueskyError(Exception):
    """A publication that did not happen. ``retryable``: worth retrying with the same key;
    ``retry_after``: the seconds Bluesky asked to wait; ``status``: HTTP status, 0 when no
    answer came. The message is French and English (it may be kept in a workflow's history)."""

    def __init__(
        self,
        key: str,
        *,
        retryable: bool,
        status: int = 0,
        retry_after: float | None = None,
        **values: object,
    ) -> None:
        self.message_key = key
        # "HTTP 503"; "HTTP" alone when no answer came.
        self.values = {"status": f"HTTP {status}" if status else "HTTP", **values}
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        super().__init__(both(key, **self.values))

    def localized(self, lang: str) -> str:
        return text_in(lang, self.message_key, **self.values)


def detail(text: object) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= MAX_DETAIL else flat[: MAX_DETAIL - 1] + "…"


def reset_seconds(headers: dict[str, Any], now: float | None = None) -> float | None:
    """Seconds until a 429's window resets: ``ratelimit-reset`` (Unix time, Bluesky's) else
    ``retry-after``; bounded to a day (the answer is untrusted), None when unreadable."""
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    current = time.time() if now is None else now
    seconds: float | None = None
    try:
        if "ratelimit-reset" in lower:
            seconds = float(lower["ratelimit-reset"]) - current
        elif "retry-after" in lower:
            seconds = float(lower["retry-after"])
    except ValueError:
        return None
    if seconds is None or not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), 86_400.0)


# What a call through the SDK may raise: its own errors, and transport errors of httpx that it
# lets through (a connection closed before the answer is a RemoteProtocolError).
FAILURES = (AtProtocolError, httpx.TransportError)


def error(account: Account, exc: Exception) -> BlueskyError:
    """The SDK's exception as a :class:`BlueskyError`: 401/403 not retryable (naming the
    password's variable), 408/429/5xx and network failures retryable, other 4xx not."""
    response = exc.response if isinstance(exc, RequestErrorBase) else None
    if response is None:
        if isinstance(exc, NetworkError | InvokeTimeoutError | httpx.TransportError):
            return BlueskyError(
                "bluesky.err.unavailable",
                retryable=True,
                status=0,
                problem=detail(type(exc).__name__),
            )
        return BlueskyError("bluesky.err.rejected", retryable=False, status=0, problem=detail(exc))
    status = response.status_code
    problem = detail(exc)
    if status in (401, 403):
        return BlueskyError(
            "bluesky.err.credentials",
            retryable=False,
            status=status,
            handle=account.handle,
            source=account.password_env,
        )
    if isinstance(exc, RateLimitExceededError) or status == 429:
        wait = reset_seconds(dict(response.headers))
        return BlueskyError(
            "bluesky.err.rate_limited",
            retryable=True,
            status=status,
            retry_after=wait,
            wait=round(wait) if wait is not None else "-",
        )
    if status in (408, 409, 425) or status >= 500:
        return BlueskyError(
            "bluesky.err.unavailable", retryable=True, status=status, problem=problem
        )
    return BlueskyError("bluesky.err.rejected", retryable=False, status=status, problem=problem)


class PointsBucket:
    """Bluesky's budget of an account: ``capacity`` points refilled evenly over an hour.
    A wait longer than ``max_wait`` is not taken: it becomes a retryable error whose
    ``retry_after`` a Temporal activity turns into its next retry delay."""

    def __init__(
        self,
        capacity: float = HOUR_POINTS,
        window: float = 3600.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.capacity = capacity
        self.rate = capacity / window
        self.points = capacity
        self._clock = clock
        self._sleep = sleep
        self._at = clock()
        self._lock = asyncio.Lock()

    async def take(self, cost: float, max_wait: float = MAX_WAIT) -> None:
        async with self._lock:
            now = self._clock()
            self.points = min(self.capacity, self.points + (now - self._at) * self.rate)
            self._at = now
            wait = max(0.0, (cost - self.points) / self.rate)
            if wait > max_wait:
                raise BlueskyError(
                    "bluesky.err.rate_limited", retryable=True, retry_after=wait, wait=round(wait)
                )
            if wait > 0:
                await self._sleep(wait)
                self.points += wait * self.rate
                self._at = self._clock()
            self.points -= cost


_buckets: dict[tuple[str, str], PointsBucket] = {}


def bucket_for(account: Account) -> PointsBucket:
    """The process's bucket of an account (one per PDS and handle)."""
    key = (account.service_url, account.handle.lower())
    if key not in _buckets:
        _buckets[key] = PointsBucket()
    return _buckets[key]


# One logged-in client per account and password (a changed password gives a new entry), with
# the time of its login.
_clients: dict[tuple[str, str, str], tuple[AsyncClient, str, float]] = {}


def _session_key(account: Account) -> tuple[str, str, str]:
    secret = hashlib.sha256(account.password.encode()).hexdigest()
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
        await client.login(account.handle, account.password, fetch_bsky_profile=False)
    except FAILURES as exc:
        await client.request.close()
        raise error(account, exc) from None
    did = client.me.did if client.me is not None else _session_did(client)
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
    except BlueskyError as failure:
        if not cached or failure.status not in (401, 403):
            raise
    _clients.pop(_session_key(account), None)
    await client.request.close()
    client, did = await _client(account)
    return await call(client, did)


def _session_did(client: AsyncClient) -> str:
    session = client._session  # the SDK keeps the session's DID there
    if session is None:
        raise BlueskyError("bluesky.err.rejected", retryable=False, problem="no session")
    return str(session.did)


async def close_sessions() -> None:
    """Close and forget the cached sessions (a worker's shutdown, tests)."""
    clients = list(_clients.values())
    _clients.clear()
    for client, _did, _since in clients:
        await client.request.close()
