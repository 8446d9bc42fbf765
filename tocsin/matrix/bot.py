"""The Matrix bot: it joins the crisis room, refuses an encrypted one, and follows the rooms it is
in through ``/sync``, handing each event people send to :mod:`tocsin.matrix.handlers`.

It resumes from the sync token stored in the data folder (``matrix/sync-<digest>.json``), and
remembers there the last events it acted on: killed in the middle of a batch, it gets the same
batch again and acts on none of them twice. Events from before its first start are history,
never acted on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import structlog

from tocsin.config import Settings
from tocsin.i18n import t
from tocsin.identity.keys import private_key
from tocsin.matrix.client import API, MatrixClient, MatrixError
from tocsin.matrix.commands import Commands
from tocsin.matrix.front import MatrixFront, TemporalClient
from tocsin.matrix.handlers import Handlers
from tocsin.matrix.notifier import ENCRYPTION
from tocsin.matrix.settings import MatrixSettings
from tocsin.models.identity import Front
from tocsin.playbook import PlaybookLibrary

log = structlog.get_logger("tocsin.matrix")

REMEMBERED = 1_000  # events acted on, remembered beside the token
TIMELINE = 100  # events a room gives in one sync (more: the gap is read back, page by page)
PAUSE_AFTER_ERROR = 5.0  # seconds
MAX_PAGES = 5  # pages of a gap read back (TIMELINE events each)


def room_filter(user_id: str) -> dict[str, Any]:
    """What the bot reads of a room: people's messages and reactions, not its own."""
    return {
        "types": ["m.room.message", "m.reaction"],
        "not_senders": [user_id],
        "limit": TIMELINE,
    }


def sync_filter(user_id: str) -> str:
    return json.dumps(
        {
            "presence": {"types": []},
            "account_data": {"types": []},
            "room": {
                "timeline": room_filter(user_id),
                "state": {"types": [], "lazy_load_members": True},
                "ephemeral": {"types": []},
                "account_data": {"types": []},
            },
        },
        separators=(",", ":"),
    )


class EncryptedRoom(Exception):
    """The crisis room is end-to-end encrypted, which tocsin cannot read or write (yet)."""


class State:
    """The sync token and the last events acted on, in one small JSON file, replaced whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.since = ""
        self.started_ms = 0  # the first start: anything older is history
        self.done: list[str] = []
        self.pending: list[list[Any]] = []
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found = {}
        if isinstance(found, dict):
            self.since = str(found.get("since") or "")
            started = found.get("started_ms")
            self.started_ms = started if isinstance(started, int) else 0
            self.done = [str(x) for x in found.get("done") or []][-REMEMBERED:]
            self.pending = [x for x in found.get("pending") or [] if isinstance(x, list)]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        spare = self.path.with_name(self.path.name + ".tmp")
        text = json.dumps(
            {
                "since": self.since,
                "started_ms": self.started_ms,
                "done": self.done[-REMEMBERED:],
                "pending": self.pending,
            }
        )
        spare.write_text(text, encoding="utf-8")
        os.replace(spare, self.path)


def state_path(data_dir: Path, matrix: MatrixSettings) -> Path:
    digest = hashlib.sha256(f"{matrix.homeserver}\0{matrix.user_id}".encode()).hexdigest()[:16]
    return data_dir / "matrix" / f"sync-{digest}.json"


class MatrixBot:
    def __init__(
        self,
        matrix: MatrixSettings,
        client: MatrixClient,
        temporal: TemporalClient,
        state: State,
        settings: Settings | None = None,
        library: PlaybookLibrary | None = None,
    ) -> None:
        self.matrix = matrix
        self.client = client
        self.state = state
        # The bot's own key (TOCSIN_MATRIX_KEY, or the data folder's) signs each change it sends
        # for the Matrix id the homeserver authenticated.
        key = private_key(Front.MATRIX, (settings or Settings.from_env()).data_dir)
        self.front = MatrixFront(client, matrix.room, temporal, key)
        self.handlers = Handlers(self.front, Commands(self.front, settings, library))
        for entry in state.pending:
            if len(entry) == 5:
                room, root, user, crisis, revision = entry
                self.handlers.pending[(str(room), str(root), str(user))] = (
                    str(crisis),
                    int(revision),
                )

    async def prepare(self) -> None:
        """Join the crisis room; refuse it when it is encrypted (:class:`EncryptedRoom`)."""
        await self.client.join(self.matrix.room)
        if await self.client.state(self.matrix.room, ENCRYPTION) is not None:
            raise EncryptedRoom(t("matrix.encrypted", room=self.matrix.room))
        if not self.state.since:
            # The first start: what was said before is history, not for the bot to act on.
            first = await self.client.sync(None, 0, sync_filter(self.client.user_id))
            self.state.since = str(first.get("next_batch") or "")
            self.state.started_ms = int(time.time() * 1000)
            self.state.save()

    async def once(self, timeout_ms: int) -> int:
        """One sync: each new event handled, the token stored. How many were handled."""
        user = self.client.user_id
        found = await self.client.sync(self.state.since or None, timeout_ms, sync_filter(user))
        handled = 0
        joined = (found.get("rooms") or {}).get("join") or {}
        for room, data in joined.items() if isinstance(joined, dict) else ():
            timeline = (data or {}).get("timeline") or {}
            events = [e for e in timeline.get("events") or [] if isinstance(e, dict)]
            if timeline.get("limited") and timeline.get("prev_batch"):
                # More happened than one sync gives: read the gap back first.
                events = await self.missed(str(room), str(timeline["prev_batch"])) + events
            for event in events:
                event_id = str(event.get("event_id") or "")
                if event.get("sender") == user or event_id in self.state.done:
                    continue
                when = event.get("origin_server_ts")
                if isinstance(when, int) and when < self.state.started_ms:
                    continue  # from before the bot's first start
                await self.handle(str(room), event)
                self.state.done.append(event_id)
                self._keep_pending()
                self.state.save()
                handled += 1
        self.state.since = str(found.get("next_batch") or self.state.since)
        self.state.save()
        return handled

    async def missed(self, room: str, token: str) -> list[dict[str, Any]]:
        """The events of a gap, oldest first, read back until one already acted on."""
        done = set(self.state.done)
        path = f"{API}/rooms/{quote(room, safe='')}/messages"
        params = {"dir": "b", "limit": str(TIMELINE)}
        params["filter"] = json.dumps(room_filter(self.client.user_id))
        found: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            page = await self.client.call("GET", path, params={**params, "from": token})
            chunk = [e for e in page.get("chunk") or [] if isinstance(e, dict)]
            older = [e for e in chunk if str(e.get("event_id") or "") not in done]
            found.extend(older)
            end = page.get("end")
            if len(older) < len(chunk) or not chunk or not isinstance(end, str):
                break
            token = end
        else:
            log.warning("matrix.gap", room=room)  # more than MAX_PAGES pages: the oldest left
        return list(reversed(found))

    async def handle(self, room: str, event: dict[str, Any]) -> None:
        try:
            await self.handlers.handle(room, event)
        except MatrixError as exc:
            # The homeserver refused an answer (a room left meanwhile): logged, not retried.
            log.warning("matrix.event_failed", room=room, error=str(exc)[:200])

    def _keep_pending(self) -> None:
        self.state.pending = [
            [room, root, user, crisis, revision]
            for (room, root, user), (crisis, revision) in self.handlers.pending.items()
        ]

    async def run(self) -> None:
        """Sync until cancelled; a failed sync is tried again after a pause."""
        while True:
            try:
                await self.once(self.matrix.sync_timeout_ms)
            except Exception as exc:  # the homeserver or Temporal away: the batch comes again
                log.warning("matrix.sync_failed", error=str(exc)[:300], kind=type(exc).__name__)
                await asyncio.sleep(PAUSE_AFTER_ERROR)


@contextlib.asynccontextmanager
async def matrix_bot(
    matrix: MatrixSettings,
    temporal: TemporalClient,
    data_dir: Path,
    *,
    settings: Settings | None = None,
    library: PlaybookLibrary | None = None,
) -> AsyncIterator[MatrixBot]:
    """The bot, prepared and syncing in the background for the block; stopped after."""
    client = MatrixClient(matrix.homeserver, matrix.token, matrix.user_id)
    try:
        bot = MatrixBot(
            matrix, client, temporal, State(state_path(data_dir, matrix)), settings, library
        )
        await bot.prepare()
        task = asyncio.create_task(bot.run())
        try:
            yield bot
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    finally:
        await client.close()
