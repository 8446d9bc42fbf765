"""A stateful fake of Mastodon's status API on loopback, for the real Mastodon.py code.

What it keeps as Mastodon does: a bearer token per account (401 without a valid one, a token
can be revoked); ``Idempotency-Key`` remembered per account for an hour, a second create with
the same key answering the first status; a rate budget per token after which it answers 429
with ``Retry-After`` and ``X-RateLimit-Reset`` (with ``period``, the budget is per fixed window
of that many seconds, aligned on the clock, as Mastodon's rack-attack counts: 300 requests a
token per 5 minutes; ``retry_after_header = False`` answers as Mastodon does, with
``X-RateLimit-Reset`` only); statuses created, edited (with their history) and deleted (404
once gone); replies only to a status that exists; an account's statuses, newest first, and a
status's source text.

What it can be told: to make a post and drop the connection before answering (``drop_next``),
to be down (``down``: 503), to revoke a token, to answer hostile fields (``tamper``), to be
slow for one account (``slow``: the seconds a create of that username waits before the post is
made; ``arrived`` counts the creates that reached the fake).
"""

from __future__ import annotations

import asyncio
import html
import itertools
import math
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tocsin.temporal import free_port

TOKEN = "fake-mastodon-token-0123456789"
BLANK = "Validation failed: Text can't be blank"
IDEMPOTENCY_TTL = 3600.0  # seconds Mastodon remembers an Idempotency-Key


@dataclass
class Status:
    id: str
    username: str
    text: str
    language: str | None
    visibility: str
    in_reply_to_id: str | None
    created_at: datetime
    edited_at: datetime | None = None
    history: list[str] = field(default_factory=list)  # earlier texts, oldest first


class FakeMastodon:
    def __init__(self, tokens: dict[str, str] | None = None) -> None:
        self.tokens = dict(tokens or {TOKEN: "crise"})  # token -> username
        self.statuses: dict[str, Status] = {}
        self.deleted: set[str] = set()
        self.keys: dict[tuple[str, str], tuple[str, float]] = {}  # (user, key) -> (id, when)
        self.budget: int | None = None  # requests a token may make before 429s
        self.period: float | None = None  # seconds of the window the budget is for (none: ever)
        self.used: dict[tuple[str, int], int] = {}  # (token, window) -> requests counted
        self.retry_after = 5  # seconds a 429 says, when there is no period
        self.retry_after_header = True  # Mastodon itself sends only X-RateLimit-Reset
        self.drop_next = 0  # creates whose answer is lost after the post is made
        self.down = False
        self.tamper: dict[str, Any] = {}  # fields every status answer says instead (hostile)
        self.slow: dict[str, float] = {}  # username -> seconds a create waits before posting
        self.arrived: dict[str, int] = {}  # username -> creates received
        self.calls: list[tuple[str, str]] = []  # (method, path)
        self.refused = 0  # requests answered 429
        self.clock = time.monotonic
        self._ids = itertools.count(109_000_000_000_000_001)
        self.runner: web.AppRunner | None = None
        self.url = ""

    # ---------------------------------------------------------------- life

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/api/v1/statuses", self._create)
        app.router.add_put("/api/v1/statuses/{id}", self._edit)
        app.router.add_delete("/api/v1/statuses/{id}", self._delete)
        app.router.add_get("/api/v1/accounts/verify_credentials", self._verify)
        app.router.add_get("/api/v1/accounts/{id}/statuses", self._statuses)
        app.router.add_get("/api/v1/statuses/{id}/source", self._source)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def revoke(self, token: str) -> None:
        self.tokens.pop(token, None)

    def posts(self, username: str = "crise") -> list[Status]:
        return [s for s in self.statuses.values() if s.username == username]

    # ---------------------------------------------------------------- gate

    def _gate(self, request: web.Request) -> str | web.Response:
        """The caller's username, or the answer that refuses it."""
        self.calls.append((request.method, request.path))
        if self.down:
            return web.json_response({"error": "Service Unavailable"}, status=503)
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
        username = self.tokens.get(token)
        if username is None:
            return web.json_response({"error": "The access token is invalid"}, status=401)
        if self.budget is not None:
            return self._counted(token, username)
        return username

    def _counted(self, token: str, username: str) -> str | web.Response:
        """Count the request in its window (refused ones too, as rack-attack does); over the
        budget, the 429 says when the window ends."""
        assert self.budget is not None
        now = self.clock()
        window = int(now // self.period) if self.period else 0
        used = self.used[(token, window)] = self.used.get((token, window), 0) + 1
        if used <= self.budget:
            return username
        wait = (window + 1) * self.period - now if self.period else float(self.retry_after)
        reset = datetime.now(UTC) + timedelta(seconds=wait)
        headers = {
            "X-RateLimit-Limit": str(self.budget),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": reset.isoformat(),
        }
        if self.retry_after_header:
            headers["Retry-After"] = str(math.ceil(wait))
        self.refused += 1
        return web.json_response({"error": "Too many requests"}, status=429, headers=headers)

    def _json(self, status: Status) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat().replace("+00:00", "Z") if value else None

        return {
            "id": status.id,
            "uri": f"{self.url}/users/{status.username}/statuses/{status.id}",
            "url": f"{self.url}/@{status.username}/{status.id}",
            "created_at": iso(status.created_at),
            "edited_at": iso(status.edited_at),
            "content": f"<p>{html.escape(status.text)}</p>",
            "language": status.language,
            "visibility": status.visibility,
            "in_reply_to_id": status.in_reply_to_id,
            "sensitive": False,
            "spoiler_text": "",
            "media_attachments": [],
            "mentions": [],
            "tags": [],
            "emojis": [],
            "reblog": None,
            "account": self._account(status.username),
            **self.tamper,
        }

    def _account(self, username: str) -> dict[str, Any]:
        return {
            "id": "1",
            "username": username,
            "acct": username,
            "display_name": username,
            "url": f"{self.url}/@{username}",
            "created_at": "2024-01-01T00:00:00.000Z",
        }

    # ---------------------------------------------------------------- routes

    async def _create(self, request: web.Request) -> web.StreamResponse:
        gate = self._gate(request)
        if isinstance(gate, web.Response):
            return gate
        form = await request.post()
        self.arrived[gate] = self.arrived.get(gate, 0) + 1
        if gate in self.slow:
            # Slow, and the post still made when the caller has gone (a worker killed).
            await asyncio.sleep(self.slow[gate])
        key = request.headers.get("Idempotency-Key")
        now = self.clock()
        if key:
            found = self.keys.get((gate, key))
            fresh = found is not None and now - found[1] < IDEMPOTENCY_TTL
            if found is not None and fresh and found[0] in self.statuses:
                return web.json_response(self._json(self.statuses[found[0]]))
        text = str(form.get("status", ""))
        if not text.strip():
            return web.json_response({"error": BLANK}, status=422)
        if len(text) > 500:
            return web.json_response({"error": "Validation failed: Text is too long"}, status=422)
        reply = form.get("in_reply_to_id")
        if reply is not None and str(reply) not in self.statuses:
            return web.json_response({"error": "Record not found"}, status=404)
        status = Status(
            id=str(next(self._ids)),
            username=gate,
            text=text,
            language=str(form["language"]) if "language" in form else None,
            visibility=str(form.get("visibility", "public")),
            in_reply_to_id=str(reply) if reply is not None else None,
            created_at=datetime.now(UTC),
        )
        self.statuses[status.id] = status
        if key:
            self.keys[(gate, key)] = (status.id, now)
        if self.drop_next > 0:
            self.drop_next -= 1
            # Made, and the answer never arrives: the connection is cut.
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=200)
        return web.json_response(self._json(status))

    def _own(self, request: web.Request) -> Status | web.Response:
        """The caller's own status named in the path, or the answer that refuses it."""
        gate = self._gate(request)
        if isinstance(gate, web.Response):
            return gate
        status = self.statuses.get(request.match_info["id"])
        if status is None:
            return web.json_response({"error": "Record not found"}, status=404)
        if status.username != gate:
            return web.json_response({"error": "This action is not allowed"}, status=403)
        return status

    async def _edit(self, request: web.Request) -> web.Response:
        status = self._own(request)
        if isinstance(status, web.Response):
            return status
        form = await request.post()
        text = str(form.get("status", ""))
        if not text.strip():
            return web.json_response({"error": BLANK}, status=422)
        status.history.append(status.text)
        status.text = text
        status.edited_at = datetime.now(UTC)
        return web.json_response(self._json(status))

    async def _delete(self, request: web.Request) -> web.Response:
        status = self._own(request)
        if isinstance(status, web.Response):
            return status
        del self.statuses[status.id]
        self.deleted.add(status.id)
        return web.json_response({**self._json(status), "text": status.text})

    async def _statuses(self, request: web.Request) -> web.Response:
        """The caller's own statuses, newest first (every account's id is "1" here: the
        token says whose)."""
        gate = self._gate(request)
        if isinstance(gate, web.Response):
            return gate
        limit = min(int(request.query.get("limit", "20")), 40)
        mine = sorted(self.posts(gate), key=lambda s: int(s.id), reverse=True)[:limit]
        return web.json_response([self._json(s) for s in mine])

    async def _source(self, request: web.Request) -> web.Response:
        status = self._own(request)
        if isinstance(status, web.Response):
            return status
        return web.json_response({"id": status.id, "text": status.text, "spoiler_text": ""})

    async def _verify(self, request: web.Request) -> web.Response:
        gate = self._gate(request)
        if isinstance(gate, web.Response):
            return gate
        return web.json_response(self._account(gate))
