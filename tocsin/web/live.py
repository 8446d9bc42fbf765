"""Live updates of a crisis page: server-sent events.

One watcher per crisis that someone has open polls its status (without timeline or draft) every
``every`` seconds and tells each open page when what it shows changed (``present.fingerprint``):
the page then fetches itself again (static/live.js). A stream ends with the session, after
``STREAM_SECONDS`` (the browser reconnects on its own), or when too many are open.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import structlog

from tocsin import crises
from tocsin.web.front import WebFront
from tocsin.web.present import fingerprint

log = structlog.get_logger("tocsin.web")

STREAM_SECONDS = 300.0
KEEPALIVE_SECONDS = 15.0
MAX_STREAMS = 500


class _Watched:
    def __init__(self) -> None:
        self.users = 0
        self.fingerprint = ""
        self.changed = asyncio.Event()
        self.task: asyncio.Task[None] | None = None


class Watch:
    """The crises someone watches, each polled once whoever watches it."""

    def __init__(self, front: WebFront, every: float = 2.0) -> None:
        self.front = front
        self.every = every
        self.streams = 0
        self._crises: dict[str, _Watched] = {}

    async def _poll(self, crisis_id: str, watched: _Watched) -> None:
        while True:
            try:
                found = await crises.status(
                    self.front.temporal, crisis_id, events=False, draft=False
                )
                now = fingerprint(found)
                if now != watched.fingerprint:
                    watched.fingerprint = now
                    watched.changed.set()
                    watched.changed = asyncio.Event()
            except Exception as exc:  # a server that does not answer now may later
                log.warning("web.watch_failed", crisis=crisis_id, error=type(exc).__name__)
            await asyncio.sleep(self.every)

    @contextlib.asynccontextmanager
    async def watching(self, crisis_id: str) -> AsyncIterator[_Watched]:
        watched = self._crises.get(crisis_id)
        if watched is None:
            watched = self._crises[crisis_id] = _Watched()
            watched.task = asyncio.create_task(self._poll(crisis_id, watched))
        watched.users += 1
        self.streams += 1
        try:
            yield watched
        finally:
            self.streams -= 1
            watched.users -= 1
            if watched.users == 0:
                self._crises.pop(crisis_id, None)
                if watched.task is not None:
                    watched.task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await watched.task

    async def events(self, crisis_id: str, until: float) -> AsyncIterator[str]:
        """The stream of one page: ``changed`` with the fingerprint, comments to keep the
        connection open, ``end`` when it stops for good (the session is over)."""
        if self.streams >= MAX_STREAMS:
            yield "retry: 30000\n\n"
            return
        ends = min(until, time.time() + STREAM_SECONDS)
        async with self.watching(crisis_id) as watched:
            yield "retry: 3000\n\n"
            if watched.fingerprint:
                yield f"event: changed\ndata: {watched.fingerprint}\n\n"
            while time.time() < ends:
                waiting = watched.changed
                wait = min(KEEPALIVE_SECONDS, max(0.0, ends - time.time()))
                try:
                    await asyncio.wait_for(waiting.wait(), timeout=wait)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                yield f"event: changed\ndata: {watched.fingerprint}\n\n"
        if time.time() >= until:
            yield "event: end\ndata: session\n\n"
