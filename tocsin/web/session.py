"""Sessions, CSRF tokens and the headers every answer carries.

The session is Starlette's signed cookie (itsdangerous): ``__Host-`` prefixed, ``Secure``,
``HttpOnly``, ``SameSite=Lax`` (the provider's redirect back after sign-in is a top-level
navigation: ``Strict`` would drop the cookie holding its state). It holds the identity, when
the person signed in, a CSRF token and the language: nothing secret, and signed so that it
cannot be forged. A session ends ``session_hours`` after its sign-in whatever its use, and at
once on logout (its id is refused from then on, in this process).

``Secure`` always, even on ``http://127.0.0.1``: browsers treat loopback as a secure context
and keep such cookies there (Chromium and Firefox do; the browser test checks Chromium).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tocsin.web.identity import Identity

COOKIE = "__Host-tocsin-session"
TOKEN_BYTES = 24

Clock = Callable[[], float]


class Sessions:
    """Reading and writing the session of a request, against a clock (tests move it)."""

    def __init__(self, hours: int, clock: Clock = time.time) -> None:
        self.seconds = hours * 3600
        self.clock = clock
        self._ended: dict[str, float] = {}  # session id -> when it would have expired

    def who(self, request: HTTPConnection) -> Identity | None:
        """The signed-in identity; None when nobody, or the session expired or was ended
        (then the session is emptied, but for the language)."""
        session = request.session
        raw = session.get("who")
        if not isinstance(raw, dict):
            return None
        since = session.get("since")
        sid = session.get("sid")
        now = self.clock()
        if (
            not isinstance(since, (int, float))
            or not isinstance(sid, str)
            or now - since > self.seconds
            or since > now + 60
            or sid in self._ended
        ):
            self._clear(request)
            return None
        try:
            return Identity.model_validate(raw)
        except ValueError:
            self._clear(request)
            return None

    def expires_at(self, request: HTTPConnection) -> float:
        since = request.session.get("since")
        return (since if isinstance(since, (int, float)) else 0) + self.seconds

    def sign_in(self, request: HTTPConnection, who: Identity) -> None:
        """A new session for ``who``: new id, new CSRF token (nothing kept from before the
        sign-in but the language)."""
        self._clear(request)
        request.session.update(
            who=who.model_dump(),
            since=self.clock(),
            sid=secrets.token_urlsafe(TOKEN_BYTES),
            csrf=secrets.token_urlsafe(TOKEN_BYTES),
        )

    def sign_out(self, request: HTTPConnection) -> None:
        sid = request.session.get("sid")
        if isinstance(sid, str):
            now = self.clock()
            self._ended = {k: v for k, v in self._ended.items() if v > now}
            self._ended[sid] = self.expires_at(request)
        self._clear(request)

    @staticmethod
    def _clear(request: HTTPConnection) -> None:
        lang = request.session.get("lang")
        request.session.clear()
        if isinstance(lang, str):
            request.session["lang"] = lang


def csrf_token(request: HTTPConnection) -> str:
    """The session's CSRF token, made when it has none yet."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        request.session["csrf"] = token
    return token


def csrf_ok(request: HTTPConnection, form: FormData, origin: str) -> bool:
    """The form carries the session's token, and the request does not come from another
    origin (``Origin`` when the browser sends it)."""
    sent = request.headers.get("origin")
    if sent is not None and sent.rstrip("/") != origin.rstrip("/"):
        return False
    expected = request.session.get("csrf")
    given = form.get("csrf")
    return (
        isinstance(expected, str)
        and bool(expected)
        and isinstance(given, str)
        and hmac.compare_digest(expected.encode(), given.encode())
    )


HEADERS: list[tuple[bytes, bytes]] = [
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """Every answer: a strict content policy (no inline script or style), no framing, no
    referrer to other sites (a one-time link never leaks; same-origin forms keep their real
    ``Origin``, which ``no-referrer`` would turn to ``null``), nothing cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
