"""The token bucket per account: the platforms' published limits, Retry-After, and a wait too
long handed back as a retryable error (the activity's next retry delay)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from tocsin.publish.errors import (
    BadCredentials,
    Unavailable,
    as_application_error,
    from_status,
    retry_after_seconds,
)
from tocsin.publish.ratelimit import BLUESKY_CREATE_COST, Limits, TokenBucket, TooLong


class Clock:
    """A clock that moves only when the bucket sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_mastodon_300_requests_per_5_minutes() -> None:
    clock = Clock()
    bucket = TokenBucket(300, 300, clock=clock, sleep=clock.sleep)
    for _ in range(300):
        assert await bucket.acquire() == 0
    assert clock.slept == []
    # The 301st waits for one token: 1 s at 300 per 300 s.
    assert await bucket.acquire() == pytest.approx(1.0)
    # Over 10 minutes from empty, no more than the limit goes out.
    start, taken = clock.now, 0
    while clock.now - start < 600:
        await bucket.acquire()
        taken += 1
    assert taken == pytest.approx(600, abs=1)


async def test_bluesky_5000_points_an_hour_a_create_costing_3() -> None:
    clock = Clock()
    bucket = TokenBucket(5_000, 3_600, clock=clock, sleep=clock.sleep)
    creates = 0
    while bucket.delay(BLUESKY_CREATE_COST) == 0:
        await bucket.acquire(BLUESKY_CREATE_COST)
        creates += 1
    assert creates == 1_666  # 5,000 // 3
    # Two points are left: the next create waits for one more, 0.72 s at 5,000 an hour.
    assert bucket.delay(BLUESKY_CREATE_COST) == pytest.approx(3_600 / 5_000)


async def test_retry_after_pauses_the_bucket() -> None:
    clock = Clock()
    bucket = TokenBucket(300, 300, clock=clock, sleep=clock.sleep)
    bucket.pause(30)
    assert bucket.delay() == pytest.approx(30)
    assert await bucket.acquire() == pytest.approx(30)
    # The pause emptied the bucket; it refilled at the account's rate meanwhile (30 in 30 s).
    assert bucket.delay() == 0
    assert bucket.tokens == pytest.approx(29)


async def test_a_wait_too_long_is_handed_back_as_retryable() -> None:
    clock = Clock()
    bucket = TokenBucket(1, 60, clock=clock, sleep=clock.sleep)
    await bucket.acquire()
    with pytest.raises(TooLong) as too_long:
        await bucket.acquire(max_wait=10)
    assert too_long.value.wait == pytest.approx(60)
    assert clock.slept == []
    limits = Limits()
    await limits.take("presse", 1, 60)
    with pytest.raises(Unavailable) as later:
        await limits.take("presse", 1, 60, max_wait=5)
    assert later.value.retryable
    assert later.value.retry_after is not None
    assert 55 < later.value.retry_after <= 60
    # Another account has its own bucket.
    await limits.take("site", 1, 60, max_wait=0)


async def test_concurrent_callers_share_the_bucket_in_real_time() -> None:
    bucket = TokenBucket(5, 0.5)  # 10 a second, 5 at once
    started = time.monotonic()
    waits = await asyncio.gather(*(bucket.acquire() for _ in range(15)))
    elapsed = time.monotonic() - started
    assert 0.9 <= elapsed < 3.0  # 5 at once, 10 more at 10 a second
    # In the order they came, each told its wait when it asked.
    assert waits == sorted(waits)
    assert waits[:5] == [0] * 5
    assert waits[-1] == pytest.approx(1.0, abs=0.05)
    # One that would wait past its bound reserves nothing and is told how long.
    with pytest.raises(TooLong):
        await bucket.acquire(cost=5, max_wait=0.1)
    assert bucket.delay(5) <= 0.5 + 0.05


async def test_a_cancelled_waiter_gives_its_tokens_back() -> None:
    bucket = TokenBucket(1, 10)
    await bucket.acquire()
    waiter = asyncio.create_task(bucket.acquire())
    await asyncio.sleep(0.05)
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    assert bucket.delay() == pytest.approx(10 - 0.05, abs=0.1)  # not 20: nothing reserved


def test_a_cost_above_the_capacity_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="more than the bucket holds"):
        TokenBucket(2, 60).delay(3)


def test_errors_become_activity_errors_a_workflow_can_tell_apart() -> None:
    limited = as_application_error(Unavailable("social", 429, "slow down", retry_after=42))
    assert limited.type == "Unavailable"
    assert not limited.non_retryable
    assert limited.next_retry_delay == timedelta(seconds=42)
    refused = as_application_error(BadCredentials("social", 401, "MASTODON_TOKEN"))
    assert refused.type == "BadCredentials"
    assert refused.non_retryable
    assert refused.next_retry_delay is None
    assert refused.details[0]["key"] == "publish.err.credentials"
    assert refused.details[0]["values"]["source"] == "MASTODON_TOKEN"
    assert "MASTODON_TOKEN" in refused.message


def test_retry_after_in_both_forms_and_statuses_sorted_into_kinds() -> None:
    now = 1_764_748_800.0  # Wed, 03 Dec 2025 08:00:00 GMT
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds("Wed, 03 Dec 2025 08:01:30 GMT", now=now) == 90
    assert retry_after_seconds("Wed, 03 Dec 2025 07:00:00 GMT", now=now) == 0  # past
    assert retry_after_seconds("99999999") == 86_400  # bounded to a day
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None
    kinds = {
        status: type(from_status("a", status, "x", "TOKEN")).__name__
        for status in (400, 401, 403, 404, 408, 422, 429, 500, 502, 503)
    }
    assert kinds == {
        400: "Rejected",
        401: "BadCredentials",
        403: "BadCredentials",
        404: "Rejected",
        408: "Unavailable",
        422: "Rejected",
        429: "Unavailable",
        500: "Unavailable",
        502: "Unavailable",
        503: "Unavailable",
    }
