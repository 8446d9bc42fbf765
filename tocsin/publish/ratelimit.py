"""A token bucket per account, holding the platform's published limit (Mastodon: 300 requests
per 5 minutes, and 300 new posts per 3 hours in a second bucket; Bluesky: 5,000 points an
hour, a create costing 3; SMTP and webhooks: what the accounts file says), and pausing it
when the platform answers ``Retry-After``.

The buckets live in the worker's process, shared by every crisis that publishes through it: a
process-local limit, not a cluster-wide one. What carries a wait across processes and restarts
is Temporal: a publisher that would wait longer than ``max_wait`` raises a retryable error whose
``retry_after`` becomes the activity's next retry delay, so the wait is in the workflow's
history, not in a sleeping worker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from tocsin.publish.errors import Unavailable

BLUESKY_CREATE_COST = 3  # points a record creation costs on Bluesky
DEFAULT_MAX_WAIT = 30.0  # seconds a publisher waits for its turn before handing the wait back


class TokenBucket:
    """``capacity`` tokens, refilled evenly over ``window`` seconds; full at the start."""

    def __init__(
        self,
        capacity: float,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if capacity <= 0 or window <= 0:
            raise ValueError("capacity and window must be positive")
        self.capacity = float(capacity)
        self.rate = capacity / window  # tokens a second
        self.tokens = float(capacity)
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._paused_until = 0.0

    def _refill(self) -> None:
        now = self._clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._updated) * self.rate)
        self._updated = now

    def delay(self, cost: float = 1.0) -> float:
        """Seconds before ``cost`` tokens can be taken (0: now)."""
        if cost > self.capacity:
            raise ValueError(f"cost {cost} is more than the bucket holds ({self.capacity})")
        self._refill()
        now = self._clock()
        pause = max(0.0, self._paused_until - now)
        missing = max(0.0, cost - self.tokens)
        return max(pause, missing / self.rate)

    def pause(self, seconds: float) -> None:
        """The platform said ``Retry-After``: nothing is taken before then, and the bucket is
        empty (the platform counted more than this process did)."""
        self._refill()
        self._paused_until = max(self._paused_until, self._clock() + max(0.0, seconds))
        self.tokens = min(self.tokens, 0.0)

    async def acquire(self, cost: float = 1.0, max_wait: float | None = None) -> float:
        """Take ``cost`` tokens, waiting for them. The tokens are reserved at once (the bucket
        may go below zero), so callers are served in the order they came and each one's wait
        is known when it asks. With ``max_wait``, a longer wait is not taken: :class:`TooLong`
        says how long it would be, and nothing is reserved. Returns the seconds waited."""
        wait = self.delay(cost)
        if max_wait is not None and wait > max_wait:
            raise TooLong(wait)
        self.tokens -= cost
        if wait > 0:
            try:
                await self._sleep(wait)
            except asyncio.CancelledError:
                self.tokens += cost  # not taken after all
                raise
        return wait


class TooLong(Exception):
    def __init__(self, wait: float) -> None:
        super().__init__(f"{wait:.1f} s")
        self.wait = wait


class Limits:
    """One bucket per account name, made at its first use from the account's rate."""

    def __init__(self) -> None:
        self._buckets: dict[str, TokenBucket] = {}

    def bucket(self, name: str, requests: int, window: float) -> TokenBucket:
        found = self._buckets.get(name)
        if found is None or found.capacity != requests or found.rate != requests / window:
            found = self._buckets[name] = TokenBucket(requests, window)
        return found

    async def take(
        self,
        name: str,
        requests: int,
        window: float,
        cost: float = 1.0,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        """Wait for ``name``'s turn, or raise :class:`Unavailable` (retryable, with the wait
        as ``retry_after``) when it is further than ``max_wait``."""
        try:
            await self.bucket(name, requests, window).acquire(cost, max_wait)
        except TooLong as exc:
            raise Unavailable(name, 429, "tocsin", retry_after=exc.wait) from None

    def pause(self, name: str, seconds: float) -> None:
        found = self._buckets.get(name)
        if found is not None:
            found.pause(seconds)


LIMITS = Limits()  # the worker's process
