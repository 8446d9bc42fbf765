"""Faults of every kind of account, through the workflow on the time-skipping server, the five
kinds at once (Mastodon fake, a real Bluesky PDS behind a fault proxy, SMTP with STARTTLS and
AUTH, a webhook receiver that verifies signatures, the status site's folder):

- the platform takes the post and the answer is lost: Temporal's retry of the activity carries
  the same idempotency key, and nothing is posted twice (e-mail excepted, which SMTP cannot
  tell: two copies with one Message-ID, see tocsin/publish/mail.py);
- the platform is down for ten minutes, then back: the authors are told after the playbook's
  delay and given the manual task, and when the platform is back each post goes out once and
  the task is withdrawn;
- the credentials are refused (a revoked token or app password, a changed password or secret):
  not retried, a notice that names the account and the variable to fix, a manual task, and the
  crisis goes on.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.bluesky.server import LocalPds
from tests.helpers import approve, crisis_input, notices, settings_for, signed, until, wait_status
from tests.publishing_platforms import Platforms, platforms, variable
from tests.test_publish_mail import Smtp, smtp_server
from tocsin import crises, names
from tocsin.config import Settings
from tocsin.models import Channel, CrisisStatus, NotifyKind, NotifyRequest, PhaseName
from tocsin.models.delivery import Delivery, DeliveryStatus, TaskReason, TaskStatus
from tocsin.publish import mastodon
from tocsin.publish.bluesky_client import close_sessions
from tocsin.publish.statussite import store_folder
from tocsin.site import atomic
from tocsin.worker import build_worker

# The PDS may still be installing (tests/bluesky/install.py) when the first of these starts.
pytestmark = pytest.mark.timeout(1200)

PLAYBOOK = "accident-industriel"
DIRECTOR = "dominique"
MASTODON, BLUESKY, EMAIL, WEBHOOK, SITE = (
    "mairie-mastodon",
    "mairie-bluesky",
    "presse",
    "sms-gateway",
    "site",
)
CHANNELS = {
    Channel.MASTODON: [MASTODON],
    Channel.BLUESKY: [BLUESKY],
    Channel.PRESS_RELEASE: [EMAIL],
    Channel.SMS: [WEBHOOK],
    Channel.WEBSITE: [SITE],
}
ALL = [MASTODON, BLUESKY, EMAIL, WEBHOOK, SITE]
GET_RECORD = "/xrpc/com.atproto.repo.getRecord"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[Smtp]:
    with smtp_server(tmp_path) as server:
        yield server


@pytest.fixture
async def five(
    tmp_path: Path, smtp: Smtp, pds: LocalPds, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Platforms]:
    """One account of each kind, each on its own channel."""
    async with platforms(
        tmp_path,
        smtp,
        pds,
        CHANNELS,
        mastodon=[MASTODON],
        bluesky=[BLUESKY],
        hooks=[WEBHOOK],
        email=EMAIL,
        site=SITE,
    ) as found:
        for name, value in found.secrets.items():
            monkeypatch.setenv(name, value)
        yield found
        await close_sessions()  # the worker's Bluesky sessions, in this process


@pytest.fixture
def local(tmp_path: Path) -> Settings:
    return settings_for(tmp_path / "data", "tocsin-publishing-faults")


def _by_account(found: CrisisStatus) -> dict[str, Delivery]:
    return {d.account: d for d in found.deliveries}


async def _settled(client: Client, cid: str, count: int, within: float = 60) -> CrisisStatus:
    """The status once ``count`` posts of the acknowledgement are no longer pending."""

    def settled(found: CrisisStatus) -> bool:
        mine = [d for d in found.deliveries if d.phase is PhaseName.ACKNOWLEDGE]
        return len(mine) == count and all(d.status is not DeliveryStatus.PENDING for d in mine)

    return await wait_status(client, cid, settled, what=f"{count} posts settled", within=within)


async def _start(client: Client, local: Settings, key: str) -> str:
    started = await crises.trigger(client, local, crisis_input(key, playbook=PLAYBOOK), signed())
    await approve(client, started.crisis_id, DIRECTOR, PhaseName.ACKNOWLEDGE)
    return started.crisis_id


def _failures(local: Settings, cid: str, count: int) -> list[NotifyRequest]:
    """The notices of failed or late posts, once there are ``count`` of them."""
    found = notices(local, cid, NotifyKind.POST_FAILED)
    return found if len(found) >= count else []


async def _post_attempts(client: Client, cid: str) -> list[int]:
    """The attempt number of every post activity started, from the workflow's history."""
    kinds: dict[int, str] = {}
    attempts: list[int] = []
    async for event in client.get_workflow_handle(cid).fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled = event.activity_task_scheduled_event_attributes
            kinds[event.event_id] = scheduled.activity_type.name
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            started = event.activity_task_started_event_attributes
            if kinds.get(started.scheduled_event_id) == names.POST:
                attempts.append(started.attempt)
    return attempts


async def test_an_answer_lost_after_the_post_is_retried_and_posts_once(
    env: WorkflowEnvironment, five: Platforms, local: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each platform takes the post and the connection drops before its answer (the status
    site: the statement stored, then the site's regeneration fails)."""
    five.mastodon.drop_next = 1
    five.hooks[WEBHOOK].drop_next = 1
    five.smtp.handler.drop_next = 1
    proxy = five.bluesky[BLUESKY].proxy
    proxy.faults.drop_create = True  # then the network stays down until healed
    regenerations: list[int] = []
    real = atomic.publish

    def fails_once(*args: Any, **kwargs: Any) -> Path:
        regenerations.append(1)
        if len(regenerations) == 1:
            raise OSError(5, "Input/output error")
        return real(*args, **kwargs)

    monkeypatch.setattr(atomic, "publish", fails_once)
    async with build_worker(env.client, local, accounts=five.accounts()):
        client = env.client
        cid = await _start(client, local, "reponse-perdue")
        # Healed once the try has also failed to read the post back: Temporal tries again.
        await until(lambda: GET_RECORD in proxy.faults.seen, 60, "Bluesky's first try")
        proxy.faults.heal()
        found = await _settled(client, cid, len(ALL))
        await client.get_workflow_handle(cid).terminate("test over")

    deliveries = _by_account(found)
    assert {d.status for d in deliveries.values()} == {DeliveryStatus.PUBLISHED}
    assert all(d.remote_id for d in deliveries.values())
    # Out once on each platform; SMTP cannot tell a lost answer: two copies went, with one
    # Message-ID for the receivers to merge them.
    received = five.smtp.handler.received
    out = {name: five.posts(name) for name in (MASTODON, BLUESKY, WEBHOOK, SITE)}
    out[EMAIL] = len({r.message["Message-ID"] for r in received})
    assert out == dict.fromkeys(ALL, 1)
    assert [r.message["Message-ID"] for r in received] == [deliveries[EMAIL].remote_id] * 2
    # ... though every post was tried again by Temporal (its activity failed once).
    assert five.mastodon.arrived[MASTODON] == 2
    assert proxy.faults.creates_forwarded == 2
    assert [d.id for d in five.hooks[WEBHOOK].deliveries] == [deliveries[WEBHOOK].key] * 2
    assert len(regenerations) == 2
    (status,) = five.mastodon.posts(MASTODON)
    assert deliveries[MASTODON].remote_id == status.id
    assert five.pds is not None
    (record,) = five.pds.records(five.bluesky[BLUESKY].did)
    assert deliveries[BLUESKY].remote_id == record["uri"]
    (stored,) = five.site_store()
    assert list(stored["done"]) == [deliveries[SITE].key]


async def test_every_kind_down_for_ten_minutes_then_back(
    env: WorkflowEnvironment, five: Platforms, local: Settings
) -> None:
    five.mastodon.down = True
    five.hooks[WEBHOOK].down = True
    five.smtp.handler.down = True
    proxy = five.bluesky[BLUESKY].proxy
    proxy.faults.down = True
    # The site's disk: its store cannot be made (a file where its folder goes).
    store = store_folder(five.site)
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text("not a folder", encoding="utf-8")
    async with build_worker(env.client, local, accounts=five.accounts()):
        client = env.client
        cid = await _start(client, local, "panne-longue")
        # Skipped a minute at a time: the posts are retried meanwhile, each try in real time.
        for _ in range(11):
            await env.sleep(timedelta(minutes=1))
        found = await wait_status(
            client,
            cid,
            lambda s: len([d for d in s.deliveries if d.status is DeliveryStatus.DELAYED]) == 5,
            what="every post reported late",
        )
        delayed = _by_account(found)
        tasks = {t.id: t for t in found.tasks}
        for name in ALL:
            task = tasks[delayed[name].task or ""]
            assert (task.reason, task.status, task.account) == (
                TaskReason.DELAYED,
                TaskStatus.OPEN,
                name,
            )
        told = await until(lambda: _failures(local, cid, 5), 30, "the delays told")
        said = " ".join(n.message for n in told)
        assert all(name in said for name in ALL), said
        assert all(five.posts(name) == 0 for name in ALL if name != SITE)
        assert not five.site.exists()
        tries = {
            MASTODON: sum(1 for call in five.mastodon.calls if call[0] == "POST"),
            WEBHOOK: five.hooks[WEBHOOK].arrived,
            BLUESKY: sum(1 for path in proxy.faults.seen if path.endswith("createSession")),
        }
        assert all(count >= 5 for count in tries.values()), tries  # retried all along

        five.mastodon.down = False
        five.hooks[WEBHOOK].down = False
        five.smtp.handler.down = False
        proxy.faults.heal()
        store.unlink()
        for _ in range(3):
            await env.sleep(timedelta(minutes=1))
        after = await wait_status(
            client,
            cid,
            lambda s: all(d.status is DeliveryStatus.PUBLISHED for d in s.deliveries),
            what="every post once the platforms are back",
            within=60,
        )
        await client.get_workflow_handle(cid).terminate("test over")
    for name in ALL:
        assert five.posts(name) == 1, name
    assert all(d.remote_id for d in after.deliveries)
    superseded = {t.account: t.status for t in after.tasks if t.reason is TaskReason.DELAYED}
    assert superseded == dict.fromkeys(ALL, TaskStatus.SUPERSEDED)


async def test_refused_credentials_are_not_retried_and_say_which(
    env: WorkflowEnvironment, five: Platforms, local: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Mastodon token and the Bluesky app password revoked on the platform, the SMTP
    password and the webhook secret changed on the server's side: each post fails once, the
    notice names the account and where its secret comes from, a person gets the manual task;
    the status site, which needs no secret, publishes, and the crisis goes on."""
    five.mastodon.tokens.clear()
    await five.revoke_bluesky_password(BLUESKY)
    monkeypatch.setenv(variable(EMAIL, "PASSWORD"), "ancien-mot-de-passe")
    five.hooks[WEBHOOK].secret = (
        "whsec_" + base64.b64encode(b"un-autre-secret-de-32-octets-ok!").decode()
    )
    refused = {
        MASTODON: variable(MASTODON, "TOKEN"),
        BLUESKY: variable(BLUESKY, "PASSWORD"),
        EMAIL: variable(EMAIL, "PASSWORD"),
        WEBHOOK: variable(WEBHOOK, "SECRET"),
    }
    async with build_worker(env.client, local, accounts=five.accounts()):
        client = env.client
        cid = await _start(client, local, "jetons-revoques")
        found = await _settled(client, cid, len(ALL))
        told = await until(lambda: _failures(local, cid, 4), 30, "the refusals told")
        await wait_status(
            client,
            cid,
            lambda s: s.state == "awaiting_approval" and s.phase is PhaseName.EXPLAIN,
            what="the next gate",
        )
        # Ten minutes on: nothing was tried again.
        await env.sleep(timedelta(minutes=10))
        attempts = await _post_attempts(client, cid)
        await client.get_workflow_handle(cid).terminate("test over")

    deliveries = _by_account(found)
    assert deliveries[SITE].status is DeliveryStatus.PUBLISHED
    assert five.posts(SITE) == 1
    tasks = {t.id: t for t in found.tasks}
    secrets = [v for k, v in five.secrets.items() if k.endswith(("TOKEN", "PASSWORD", "SECRET"))]
    for name, source in refused.items():
        delivery = deliveries[name]
        assert delivery.status is DeliveryStatus.FAILED, name
        assert source in delivery.error, (name, delivery.error)
        assert name in delivery.error
        task = tasks[delivery.task or ""]
        assert (task.reason, task.status, task.account) == (
            TaskReason.FAILED,
            TaskStatus.OPEN,
            name,
        )
        (notice,) = [n for n in told if source in n.message]
        assert name in notice.message
        assert task.text in notice.message
        assert not any(secret in notice.message for secret in secrets)
        assert five.posts(name) == 0, name
    # Tried once each, on the platforms and in the workflow's history.
    assert attempts == [1] * len(ALL)
    assert [c for c in five.mastodon.calls if c[0] == "POST"] == [("POST", "/api/v1/statuses")]
    assert five.hooks[WEBHOOK].refused == 1
    assert five.smtp.handler.logins == 2  # one try: aiosmtplib tries PLAIN, then LOGIN
    logins = [p for p in five.bluesky[BLUESKY].proxy.faults.seen if p.endswith("createSession")]
    assert len(logins) == 1


async def test_a_lost_answer_then_an_outage_past_the_key_s_hour_posts_once(
    env: WorkflowEnvironment, five: Platforms, local: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mastodon forgets an Idempotency-Key after an hour, and a post is retried for a day: a
    post taken with its answer lost, then an outage of more than an hour, is found among the
    account's statuses when Mastodon is back, not posted again."""
    fake = five.mastodon
    moment = [0.0]
    # The fake's memory of keys and the publisher's clock follow the skipped time.
    fake.clock = lambda: moment[0]
    monkeypatch.setattr(mastodon, "now", lambda: datetime.now(UTC) + timedelta(seconds=moment[0]))
    fake.drop_next = 1
    async with build_worker(env.client, local, accounts=five.accounts()):
        client = env.client
        cid = await _start(client, local, "cle-oubliee")
        await until(lambda: fake.arrived.get(MASTODON), 30, "the post taken")
        fake.down = True  # the instance goes down just after taking the post
        for _ in range(13):
            await env.sleep(timedelta(minutes=5))
            moment[0] += 300
        fake.down = False
        for _ in range(3):
            await env.sleep(timedelta(minutes=1))
        found = await wait_status(
            client,
            cid,
            lambda s: _by_account(s)[MASTODON].status is DeliveryStatus.PUBLISHED,
            what="the post once Mastodon is back",
        )
        await client.get_workflow_handle(cid).terminate("test over")
    assert len([c for c in fake.calls if c[0] == "POST"]) > 10  # tried all along the outage
    assert _by_account(found)[MASTODON].remote_id
    assert five.posts(MASTODON) == 1
