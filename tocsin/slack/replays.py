"""The replay guard: a signed request from Slack is taken once, whichever app process gets it.

Bolt checks each request's signature and that its timestamp is within Slack's 5-minute window;
within that window the same signed request could be sent again, to this process or to another
`tocsin slack` behind the same address. Each request is therefore recorded, keyed on its
timestamp and signature, in a small SQLite file under the data directory that every app process
of the deployment shares (``slack-requests.sqlite``, write-ahead log, owner-only). A record
leaves once its timestamp has left the window: by then Bolt refuses the request anyway.

Without a data directory (an app built for a test), the records are kept in the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

WINDOW = 5 * 60  # seconds: Slack's window for a request's timestamp
FILE = "slack-requests.sqlite"
BUSY_TIMEOUT = 5.0  # seconds a process waits for another's write


class ReplayGuard:
    """``first_time`` is true once for each signed request, across the processes sharing
    ``path``."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.memory: dict[str, float] = {}
        if path is not None:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.touch(mode=0o600, exist_ok=True)
            with self._connection() as db:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, stamp REAL NOT NULL)"
                )

    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        assert self.path is not None
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        try:
            yield db
        finally:
            db.close()

    async def first_time(self, signature: str, timestamp: str, now: float | None = None) -> bool:
        if not signature or len(signature) > 200 or len(timestamp) > 20:
            return False
        try:
            stamp = float(timestamp)
        except ValueError:
            return False
        key = f"{timestamp}:{signature}"
        now = time.time() if now is None else now
        if self.path is None:
            return self._in_memory(key, stamp, now)
        return await asyncio.to_thread(self._recorded, key, stamp, now)

    def _in_memory(self, key: str, stamp: float, now: float) -> bool:
        for old, at in list(self.memory.items()):
            if at < now - WINDOW:
                del self.memory[old]
        if key in self.memory:
            return False
        self.memory[key] = stamp
        return True

    def _recorded(self, key: str, stamp: float, now: float) -> bool:
        """Record ``key``; false when a process recorded it before (one write transaction)."""
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.execute("DELETE FROM seen WHERE stamp < ?", (now - WINDOW,))
                added = db.execute(
                    "INSERT OR IGNORE INTO seen (key, stamp) VALUES (?, ?)", (key, stamp)
                ).rowcount
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return added == 1


def guard_for(data_dir: Path | None) -> ReplayGuard:
    return ReplayGuard(data_dir / FILE if data_dir is not None else None)
