"""A worker SIGKILLed in the middle of a fan-out to eight accounts of every kind: another worker
finishes it, and each post is out exactly once on every platform. On the dev server, with
`tocsin worker` processes reading an accounts file: three Mastodon accounts on the fake, a
Bluesky account on the real PDS, two webhook receivers, SMTP with STARTTLS and AUTH, and the
status site.

One Mastodon account and one webhook receiver are slow: the kill lands once the six fast posts
are done (their activities completed in the workflow's history) and while the two slow ones are
under way on their platforms; a ninth post waits behind the slow webhook (same account and
language: posts go out in order). The slow platforms make their posts after the worker is dead,
so the retries, by the new worker, meet posts already made.

The in-flight posts are tried again once their try times out (the workflow's POST_TIMEOUT,
60 s: the post activity does not heartbeat, so the server cannot tell sooner that its worker
died): that wait is most of this test's time.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from tests.bluesky.server import LocalPds
from tests.helpers import approve, crisis_input, until, wait_status
from tests.publishing_platforms import Platforms, platforms
from tests.rig import running
from tests.test_publish_mail import Smtp, smtp_server
from tocsin import names
from tocsin.models import Channel, CrisisStatus, PhaseName
from tocsin.models.delivery import DeliveryStatus

# The PDS may still be installing (tests/bluesky/install.py) when this starts.
pytestmark = pytest.mark.timeout(1200)

MASTODON = ["masto-a", "masto-b", "masto-c"]
HOOKS = ["sms-a", "sms-b"]
FAST = ["masto-a", "masto-c", "bsky", "sms-a", "presse", "site"]
SLOW_MASTODON, SLOW_HOOK = "masto-b", "sms-b"
SLOW = 15.0  # seconds the slow platforms take: the kill lands meanwhile
CHANNELS = {
    Channel.MASTODON: MASTODON,
    Channel.BLUESKY: ["bsky"],
    Channel.SMS: HOOKS,
    # The broadcast operator's gateway is the slow one too: its alert waits behind the SMS.
    Channel.CELL_BROADCAST: [SLOW_HOOK],
    Channel.PRESS_RELEASE: ["presse"],
    Channel.WEBSITE: ["site"],
}
POSTS = 9  # eight accounts, one of them on two channels


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[Smtp]:
    with smtp_server(tmp_path) as server:
        yield server


@pytest.fixture
async def eight(
    tmp_path: Path, smtp: Smtp, pds: LocalPds, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Platforms]:
    """The eight accounts; their secrets in the environment the worker processes inherit."""
    async with platforms(
        tmp_path,
        smtp,
        pds,
        CHANNELS,
        mastodon=MASTODON,
        bluesky=["bsky"],
        hooks=HOOKS,
        email="presse",
        site="site",
    ) as found:
        for variable, value in found.secrets.items():
            monkeypatch.setenv(variable, value)
        yield found


async def _posts_done(client: Client, cid: str) -> list[str]:
    """The identity of the worker that completed each post activity, from the history."""
    posts: set[int] = set()
    done: list[str] = []
    async for event in client.get_workflow_handle(cid).fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled = event.activity_task_scheduled_event_attributes
            if scheduled.activity_type.name == names.POST:
                posts.add(event.event_id)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            completed = event.activity_task_completed_event_attributes
            if completed.scheduled_event_id in posts:
                done.append(completed.identity)
    return done


async def _mid_fan_out(client: Client, cid: str, eight: Platforms, within: float = 60) -> None:
    """Until the fast posts are done in the history and the slow ones are on their way."""
    deadline = time.monotonic() + within
    while True:
        done = await _posts_done(client, cid)
        if (
            len(done) >= len(FAST)
            and eight.mastodon.arrived.get(SLOW_MASTODON)
            and eight.hooks[SLOW_HOOK].arrived
        ):
            return
        assert time.monotonic() < deadline, (done, eight.mastodon.arrived)
        await asyncio.sleep(0.05)


async def test_sigkill_mid_fan_out_posts_each_once_on_every_platform(
    tmp_path: Path, eight: Platforms
) -> None:
    began = time.monotonic()
    eight.mastodon.slow[SLOW_MASTODON] = SLOW
    eight.hooks[SLOW_HOOK].delay = SLOW
    async with running(
        tmp_path,
        server="dev",
        queue="publishing-kill",
        models=False,
        TOCSIN_ACCOUNTS=str(eight.file),
    ) as rig:
        client = rig.client
        (first,) = rig.workers()
        cid = await rig.trigger(crisis_input("coupure-worker", playbook="accident-industriel"))
        await approve(client, cid, "dominique", PhaseName.ACKNOWLEDGE)
        approved_at = time.monotonic()
        await _mid_fan_out(client, cid, eight)
        assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
        killed_at = time.monotonic()
        approved_to_kill = killed_at - approved_at

        # At the kill: six posts done, on their platforms and in the history; two under way
        # on the slow platforms, nothing of theirs made yet; the ninth not asked for yet.
        done_before = await _posts_done(client, cid)
        assert len(done_before) == len(FAST), done_before
        assert {name: eight.posts(name) for name in FAST} == dict.fromkeys(FAST, 1)
        assert eight.posts(SLOW_MASTODON) == 0
        assert eight.posts(SLOW_HOOK) == 0
        assert eight.hooks[SLOW_HOOK].arrived == 1
        # The slow platforms make the posts they were asked for, the worker dead: the retries
        # will meet them. From now on they answer at once.
        await until(
            lambda: eight.posts(SLOW_MASTODON) and eight.posts(SLOW_HOOK), 2 * SLOW, "slow posts"
        )
        eight.mastodon.slow.clear()
        eight.hooks[SLOW_HOOK].delay = 0.0

        second = await rig.worker()

        def all_published(found: CrisisStatus) -> bool:
            mine = [d for d in found.deliveries if d.phase is PhaseName.ACKNOWLEDGE]
            return len(mine) == POSTS and all(d.status is DeliveryStatus.PUBLISHED for d in mine)

        found = await wait_status(client, cid, all_published, what="every post", within=150)
        finished_after = time.monotonic() - killed_at
        done_after = await _posts_done(client, cid)
        await client.get_workflow_handle(cid).terminate("test over")

    # The first worker did six, the second the three left (none done twice).
    assert len(done_after) == POSTS
    assert done_after[: len(FAST)] == done_before
    assert all(who.startswith(f"{first.proc.pid}@") for who in done_before)
    assert all(who.startswith(f"{second.proc.pid}@") for who in done_after[len(FAST) :])
    # Exactly once on every platform.
    accounts = [*MASTODON, "bsky", *HOOKS, "presse", "site"]
    expected = {name: 2 if name == SLOW_HOOK else 1 for name in accounts}
    assert {name: eight.posts(name) for name in accounts} == expected
    assert len(eight.smtp.handler.received) == 1
    # The slow ones were asked again, and the platforms knew the key.
    assert eight.mastodon.arrived[SLOW_MASTODON] == 2
    assert eight.hooks[SLOW_HOOK].arrived == 3  # the SMS twice, then the cell broadcast
    # What the crisis says: every delivery published, with the platform's id.
    deliveries = [d for d in found.deliveries if d.phase is PhaseName.ACKNOWLEDGE]
    assert all(d.remote_id for d in deliveries)
    (toot,) = eight.mastodon.posts(SLOW_MASTODON)
    slow = next(d for d in deliveries if d.account == SLOW_MASTODON)
    assert slow.remote_id == toot.id
    hook_ids = {d.remote_id for d in deliveries if d.account == SLOW_HOOK}
    assert hook_ids == set(eight.hooks[SLOW_HOOK].events)
    print(
        f"rig up and approved in {approved_at - began:.0f}s; killed {approved_to_kill:.1f}s"
        f" after the approval with {len(done_before)} of {POSTS} posts done;"
        f" all out {finished_after:.0f}s after the kill"
    )
