"""The few calls of Matrix's client-server API that tocsin makes, over aiohttp.

Every send is a ``PUT`` with a transaction id that the caller derives from what it sends (a
notice's idempotency key): the homeserver answers a repeated transaction with the event it
already made, so a retry never posts twice. ``M_LIMIT_EXCEEDED`` is waited out as the server
asks (``retry_after_ms``, or ``Retry-After``), a few times; any other error is raised as
:class:`MatrixError`, and the caller (a Temporal activity) is retried.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import quote

import aiohttp
import structlog

log = structlog.get_logger("tocsin.matrix")

API = "/_matrix/client/v3"
CALL_TIMEOUT = 30.0  # seconds, one call (a sync waits longer: its own timeout plus this)
MAX_WAITS = 5  # rate limits waited out before giving up (then the activity retries)
MAX_WAIT = 60.0  # seconds, the longest wait a rate limit gets
MAX_ANSWER = 8 * 1024 * 1024  # bytes read of an answer: a sync of a busy room stays under it

Json = dict[str, Any]


class MatrixError(Exception):
    """The homeserver refused a call: its ``errcode`` (``M_FORBIDDEN``…) and its words."""

    def __init__(self, status: int, errcode: str, error: str, where: str) -> None:
        super().__init__(f"{where}: {status} {errcode} {error}"[:500])
        self.status = status
        self.errcode = errcode
        self.error = error[:300]


def txn_id(key: str) -> str:
    """A transaction id from an idempotency key: the same key, the same id (URL-safe)."""
    return "tocsin-" + hashlib.sha256(key.encode()).hexdigest()[:40]


def _path(*parts: str) -> str:
    return "/".join(quote(p, safe="") for p in parts)


class MatrixClient:
    """One bot account on one homeserver (``homeserver``: its base URL)."""

    def __init__(self, homeserver: str, token: str, user_id: str) -> None:
        self.homeserver = homeserver.rstrip("/")
        self.user_id = user_id
        self._headers = {"Authorization": f"Bearer {token}"}
        self._session: aiohttp.ClientSession | None = None
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep  # tests count the waits

    async def __aenter__(self) -> MatrixClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _opened(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(headers=self._headers)
        return self._session

    async def call(
        self,
        method: str,
        path: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
        seconds: float = CALL_TIMEOUT,
    ) -> Json:
        """One call, its JSON answer; rate limits waited out (``MAX_WAITS`` times at most)."""
        url = self.homeserver + path
        for attempt in range(MAX_WAITS + 1):
            async with self._opened().request(
                method,
                url,
                json=body,
                params=params,
                timeout=aiohttp.ClientTimeout(total=seconds),
            ) as answer:
                status = answer.status
                retry_header = answer.headers.get("Retry-After", "")
                raw = await _body(answer, f"{method} {path}")
            try:
                found = json.loads(raw) if raw else {}
            except ValueError:
                found = None
            if not isinstance(found, dict):
                # A 2xx that is not a JSON object (a proxy's page): not an answer to trust.
                raise MatrixError(status, "M_NOT_JSON", raw[:100].decode(errors="replace"), path)
            if status < 300:
                return found
            errcode = str(found.get("errcode") or "")
            if (status == 429 or errcode == "M_LIMIT_EXCEEDED") and attempt < MAX_WAITS:
                wait = _retry_after(found, retry_header)
                log.info("matrix.rate_limited", wait=wait, path=path.split("?")[0][:80])
                await self.sleep(wait)
                continue
            raise MatrixError(status, errcode, str(found.get("error") or ""), f"{method} {path}")
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ the calls

    async def send(self, room: str, event_type: str, content: Mapping[str, Any], key: str) -> str:
        """Send once: the event id, the same for the same ``key`` in the same room (the
        transaction id is made of both: a homeserver may scope it to the device alone)."""
        txn = txn_id(f"{room}\0{key}")
        path = f"{API}/rooms/{_path(room)}/send/{_path(event_type)}/{txn}"
        return str((await self.call("PUT", path, body=content))["event_id"])

    async def event(self, room: str, event_id: str) -> Json:
        return await self.call("GET", f"{API}/rooms/{_path(room)}/event/{_path(event_id)}")

    async def state(self, room: str, event_type: str, state_key: str = "") -> Json | None:
        """A state event's content, None when the room has none."""
        path = f"{API}/rooms/{_path(room)}/state/{_path(event_type)}/{_path(state_key)}"
        try:
            return await self.call("GET", path)
        except MatrixError as exc:
            if exc.errcode == "M_NOT_FOUND" or exc.status == 404:
                return None
            raise

    async def room_data(self, room: str, data_type: str) -> Json | None:
        """The bot's own data about ``room`` (room account data), None when there is none."""
        path = f"{API}/user/{_path(self.user_id)}/rooms/{_path(room)}/account_data/"
        try:
            return await self.call("GET", path + _path(data_type))
        except MatrixError as exc:
            if exc.errcode == "M_NOT_FOUND" or exc.status == 404:
                return None
            raise

    async def set_room_data(self, room: str, data_type: str, content: Mapping[str, Any]) -> None:
        path = f"{API}/user/{_path(self.user_id)}/rooms/{_path(room)}/account_data/"
        await self.call("PUT", path + _path(data_type), body=content)

    async def data(self, data_type: str) -> Json | None:
        """The bot's global account data of ``data_type`` (``m.direct``), None when none."""
        path = f"{API}/user/{_path(self.user_id)}/account_data/{_path(data_type)}"
        try:
            return await self.call("GET", path)
        except MatrixError as exc:
            if exc.errcode == "M_NOT_FOUND" or exc.status == 404:
                return None
            raise

    async def set_data(self, data_type: str, content: Mapping[str, Any]) -> None:
        path = f"{API}/user/{_path(self.user_id)}/account_data/{_path(data_type)}"
        await self.call("PUT", path, body=content)

    async def create_direct(self, user_id: str) -> str:
        """A new private room with ``user_id`` invited (a direct message); its id."""
        body = {"is_direct": True, "invite": [user_id], "preset": "trusted_private_chat"}
        return str((await self.call("POST", f"{API}/createRoom", body=body))["room_id"])

    async def join(self, room: str) -> str:
        return str((await self.call("POST", f"{API}/join/{_path(room)}", body={}))["room_id"])

    async def sync(self, since: str | None, timeout_ms: int, filter_json: str) -> Json:
        params = {"timeout": str(timeout_ms), "filter": filter_json}
        if since:
            params["since"] = since
        return await self.call(
            "GET", f"{API}/sync", params=params, seconds=CALL_TIMEOUT + timeout_ms / 1000
        )


async def _body(answer: aiohttp.ClientResponse, where: str) -> bytes:
    """The whole body, read to its end (``MAX_ANSWER`` bytes at most)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in answer.content.iter_chunked(65_536):
        size += len(chunk)
        if size > MAX_ANSWER:
            raise MatrixError(answer.status, "M_TOO_LARGE", f"more than {MAX_ANSWER} bytes", where)
        parts.append(chunk)
    return b"".join(parts)


def _retry_after(found: Mapping[str, Any], header: str) -> float:
    """How long the server asked to wait, in seconds, bounded (1 s when it did not say)."""
    value = found.get("retry_after_ms")
    if isinstance(value, int | float) and value >= 0:
        return min(float(value) / 1000, MAX_WAIT)
    try:
        return min(max(float(header), 0.0), MAX_WAIT)
    except ValueError:
        return 1.0
