"""Approved statements reach the public, through the workflow: on the time-skipping server, a
worker with an accounts file posts to a Mastodon fake (no Mastodon server installs here: the
fake keeps Mastodon's tokens, Idempotency-Key and errors, tests/fakemastodon.py), sends the
press release to a real SMTP server (aiosmtpd, STARTTLS and AUTH) and the SMS to a webhook
receiver that verifies Standard Webhooks signatures with the reference library. The channels no
account publishes become manual tasks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.fakemastodon import TOKEN, FakeMastodon
from tests.helpers import approve, crisis_input, notices, settings_for, signed, until, wait_status
from tests.test_publish_mail import PASSWORD, Smtp, smtp_server
from tests.webhook_receiver import SECRET, Receiver
from tocsin import crises
from tocsin.config import Settings
from tocsin.models import Channel, CrisisStatus, NotifyKind, PhaseName
from tocsin.models.delivery import Delivery, DeliveryStatus, TaskDoneRequest, TaskReason, TaskStatus
from tocsin.publish.accounts import Accounts, load_accounts
from tocsin.worker import build_worker

PLAYBOOK = "accident-industriel"
DIRECTOR = "dominique"
AUTHOR = "camille"
AUTOMATIC = {Channel.MASTODON, Channel.SMS, Channel.PRESS_RELEASE, Channel.WEBSITE}


@dataclass
class Platforms:
    mastodon: FakeMastodon
    smtp: Smtp
    hook: Receiver
    accounts: Accounts
    site: Path


@pytest.fixture(name="smtp")
def smtp_fixture(tmp_path: Path) -> Iterator[Smtp]:
    with smtp_server(tmp_path) as server:
        yield server


@pytest.fixture(name="platforms")
async def platforms_fixture(
    tmp_path: Path, smtp: Smtp, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Platforms]:
    mastodon, hook = FakeMastodon(), Receiver()
    await mastodon.start()
    await hook.start()
    monkeypatch.setenv("MASTODON_TOKEN", TOKEN)
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("GW_SECRET", SECRET)
    file = tmp_path / "comptes.yml"
    file.write_text(
        f"""accounts:
  mairie-mastodon: {{kind: mastodon, url: "{mastodon.url}", token_env: MASTODON_TOKEN}}
  presse:
    kind: email
    host: 127.0.0.1
    port: {smtp.port}
    username: crise
    password_env: SMTP_PASSWORD
    from: "Préfecture <crise@example.fr>"
    to: [presse@example.fr, mairies@example.fr]
    ca_file: "{smtp.cert}"
  sms-gateway: {{kind: webhook, url: "{hook.url}", secret_env: GW_SECRET}}
  site: {{kind: status_site, path: "{tmp_path / "site"}", base_url: "https://crise.example.fr/"}}
channels:
  website: [site]
  mastodon: [mairie-mastodon]
  press_release: [presse]
  sms: [sms-gateway]
""",
        encoding="utf-8",
    )
    try:
        yield Platforms(mastodon, smtp, hook, load_accounts(file), tmp_path / "site")
    finally:
        await mastodon.stop()
        await hook.stop()


@pytest.fixture(name="local")
def local_fixture(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, "tocsin-publishing")


async def _posted(client: Client, cid: str, phase: PhaseName, count: int) -> CrisisStatus:
    """The status once ``count`` posts of ``phase`` are no longer under way."""

    def settled(found: CrisisStatus) -> bool:
        mine = [d for d in found.deliveries if d.phase is phase]
        return len(mine) == count and all(d.status is not DeliveryStatus.PENDING for d in mine)

    return await wait_status(client, cid, settled, what=f"{count} posts of {phase}", within=60)


def _toot(found: CrisisStatus) -> Delivery:
    return next(d for d in found.deliveries if d.channel is Channel.MASTODON)


async def test_an_approval_reaches_every_account_and_gives_the_rest_as_tasks(
    env: WorkflowEnvironment, platforms: Platforms, local: Settings
) -> None:
    async with build_worker(env.client, local, accounts=platforms.accounts):
        client = env.client
        started = await crises.trigger(
            client, local, crisis_input("usine", playbook=PLAYBOOK), signed()
        )
        cid = started.crisis_id
        await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)
        found = await _posted(client, cid, PhaseName.ACKNOWLEDGE, 4)

        # Each automatic channel once, with the approved text, and its address recorded.
        assert {d.channel for d in found.deliveries} == AUTOMATIC
        assert all(d.status is DeliveryStatus.PUBLISHED for d in found.deliveries)
        texts = {p.channel: _read(p.path) for p in found.publications}
        (status,) = platforms.mastodon.statuses.values()
        assert (status.text, status.language, status.visibility) == (
            texts[Channel.MASTODON],
            "fr",
            "public",
        )
        toot = _toot(found)
        assert toot.remote_id == status.id
        assert toot.url
        assert status.id in toot.url
        (mail,) = platforms.smtp.handler.received
        parsed = mail.message
        assert mail.tls
        assert mail.authenticated
        assert set(mail.recipients) == {"presse@example.fr", "mairies@example.fr"}
        assert "presse@example.fr" not in str(parsed["To"] or "")  # in Bcc only
        press = next(d for d in found.deliveries if d.channel is Channel.PRESS_RELEASE)
        assert press.remote_id is not None
        assert press.remote_id.strip("<>") == str(parsed["Message-ID"]).strip("<>")
        (event,) = platforms.hook.events.values()
        assert event["type"] == "statement.published"
        assert event["data"]["text"] == texts[Channel.SMS]
        assert event["data"]["exercise"] is False
        assert platforms.hook.refused == 0
        page = next(d for d in found.deliveries if d.channel is Channel.WEBSITE)
        assert page.url is not None
        assert page.url.startswith("https://crise.example.fr/crises/")
        served = platforms.site / page.url.removeprefix("https://crise.example.fr/").split("#")[0]
        assert "Préfecture de la Seine-Maritime" in _read(str(served))

        # The rest is given to a person, with its exact text, in one notice.
        manual = {t.channel: t for t in found.tasks}
        assert set(manual) == {
            Channel.X,
            Channel.FACEBOOK,
            Channel.CELL_BROADCAST,
            Channel.HOTLINE,
            Channel.RADIO,
        }
        assert all(
            t.reason is TaskReason.MANUAL and t.status is TaskStatus.OPEN for t in found.tasks
        )
        assert manual[Channel.X].text == texts[Channel.X]
        (asked,) = await until(lambda: notices(local, cid, NotifyKind.TASK), 30, "the tasks")
        assert asked.recipients == ["camille"]
        assert texts[Channel.RADIO] in asked.message

        # Marking one done: it says where, once, and only a person of the crisis may.
        radio = manual[Channel.RADIO].id
        for request, refusal in (
            (TaskDoneRequest(person=AUTHOR, task=radio), "TaskWhere"),
            (TaskDoneRequest(person=AUTHOR, task="t999", note="fait"), "UnknownTask"),
            (TaskDoneRequest(person="intrus", task=radio, note="fait"), "UnknownPerson"),
        ):
            with pytest.raises(crises.Refused) as refused:
                await crises.task_done(client, cid, request, signed())
            assert refused.value.code == refusal
        said = "lu à l’antenne à 10 h 05"
        await crises.task_done(
            client, cid, TaskDoneRequest(person=AUTHOR, task=radio, note=said), signed()
        )
        with pytest.raises(crises.Refused, match=r"camille"):
            await crises.task_done(
                client, cid, TaskDoneRequest(person=AUTHOR, task=radio, note="x"), signed()
            )
        done = {t.id: t for t in (await crises.status(client, cid)).tasks}[radio]
        assert (done.status, done.done_by, done.note) == (TaskStatus.DONE, "camille", said)

        # The next statement on Mastodon answers the first: one thread per crisis.
        await approve(client, cid, DIRECTOR, PhaseName.EXPLAIN)
        await _posted(client, cid, PhaseName.EXPLAIN, 3)
        second = max(platforms.mastodon.statuses.values(), key=lambda s: int(s.id))
        assert second.in_reply_to_id == status.id
        await client.get_workflow_handle(cid).terminate("test over")


async def test_a_revoked_token_opens_a_manual_task_and_the_crisis_goes_on(
    env: WorkflowEnvironment, platforms: Platforms, local: Settings
) -> None:
    platforms.mastodon.tokens.clear()  # revoked
    async with build_worker(env.client, local, accounts=platforms.accounts):
        client = env.client
        started = await crises.trigger(
            client, local, crisis_input("jeton", playbook=PLAYBOOK), signed()
        )
        cid = started.crisis_id
        await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)
        found = await _posted(client, cid, PhaseName.ACKNOWLEDGE, 4)
        toot = _toot(found)
        assert toot.status is DeliveryStatus.FAILED
        assert "MASTODON_TOKEN" in toot.error
        assert TOKEN not in toot.error
        task = next(t for t in found.tasks if t.id == toot.task)
        assert (task.reason, task.channel, task.status) == (
            TaskReason.FAILED,
            Channel.MASTODON,
            TaskStatus.OPEN,
        )
        (told,) = await until(
            lambda: notices(local, cid, NotifyKind.POST_FAILED), 30, "the failure told"
        )
        assert "MASTODON_TOKEN" in told.message
        assert task.text in told.message
        # The others went out, and the next gate opened.
        others = [d for d in found.deliveries if d.channel is not Channel.MASTODON]
        assert all(d.status is DeliveryStatus.PUBLISHED for d in others)
        await wait_status(
            client,
            cid,
            lambda s: s.state == "awaiting_approval" and s.phase is PhaseName.EXPLAIN,
            what="explain gate",
        )
        await client.get_workflow_handle(cid).terminate("test over")


async def test_a_platform_down_is_reported_after_the_delay_then_posts_once(
    env: WorkflowEnvironment, platforms: Platforms, local: Settings
) -> None:
    platforms.mastodon.down = True
    async with build_worker(env.client, local, accounts=platforms.accounts):
        client = env.client
        started = await crises.trigger(
            client, local, crisis_input("panne", playbook=PLAYBOOK), signed()
        )
        cid = started.crisis_id
        await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)

        await env.sleep(timedelta(minutes=11))
        found = await wait_status(
            client,
            cid,
            lambda s: any(d.status is DeliveryStatus.DELAYED for d in s.deliveries),
            what="the delay reported",
        )
        toot = _toot(found)
        offered = next(t for t in found.tasks if t.id == toot.task)
        assert (offered.reason, offered.status) == (TaskReason.DELAYED, TaskStatus.OPEN)
        assert await until(lambda: notices(local, cid, NotifyKind.POST_FAILED), 30, "the delay")
        assert not platforms.mastodon.statuses

        platforms.mastodon.down = False
        await env.sleep(timedelta(minutes=3))

        after = await wait_status(
            client,
            cid,
            lambda s: _toot(s).status is DeliveryStatus.PUBLISHED,
            what="the post once the platform is back",
            within=60,
        )
        assert len(platforms.mastodon.statuses) == 1
        superseded = next(t for t in after.tasks if t.id == toot.task)
        assert superseded.status is TaskStatus.SUPERSEDED
        await client.get_workflow_handle(cid).terminate("test over")


async def test_a_delayed_post_published_by_hand_is_not_posted_again(
    env: WorkflowEnvironment, platforms: Platforms, local: Settings
) -> None:
    """The platform is down; a person publishes the text by hand and says so: the retries
    stop, the post does not go out a second time once the platform is back, and the
    account's next post goes on."""
    platforms.mastodon.down = True
    async with build_worker(env.client, local, accounts=platforms.accounts):
        client = env.client
        started = await crises.trigger(
            client, local, crisis_input("main", playbook=PLAYBOOK), signed()
        )
        cid = started.crisis_id
        await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)
        await env.sleep(timedelta(minutes=11))
        found = await wait_status(
            client,
            cid,
            lambda s: _toot(s).status is DeliveryStatus.DELAYED,
            what="the delay reported",
        )
        task = _toot(found).task
        assert task is not None
        url = "https://social.example.fr/@prefecture/1"
        await crises.task_done(
            client, cid, TaskDoneRequest(person=AUTHOR, task=task, url=url), signed()
        )
        await wait_status(
            client,
            cid,
            lambda s: _toot(s).status is DeliveryStatus.BY_HAND,
            what="the retries stopped",
        )
        platforms.mastodon.down = False
        await env.sleep(timedelta(minutes=5))
        assert not platforms.mastodon.statuses
        await approve(client, cid, DIRECTOR, PhaseName.EXPLAIN)
        after = await wait_status(
            client,
            cid,
            lambda s: any(
                d.phase is PhaseName.EXPLAIN and d.status is DeliveryStatus.PUBLISHED
                for d in s.deliveries
                if d.channel is Channel.MASTODON
            ),
            what="the next post",
        )
        (status,) = platforms.mastodon.statuses.values()
        assert status.in_reply_to_id is None  # the first never reached the platform
        assert _toot(after).status is DeliveryStatus.BY_HAND
        await client.get_workflow_handle(cid).terminate("test over")


def _read(path: str) -> str:
    """The approved text as the outbox keeps it (with a final line end)."""
    return Path(path).read_text(encoding="utf-8").removesuffix("\n")


async def test_a_drill_posts_only_to_drill_accounts(
    env: WorkflowEnvironment, tmp_path: Path, local: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The channel has a real account and a drill account: a drill reaches the drill account
    only, and the history says which real account it left alone."""
    drill_token = "fake-mastodon-drill-token-42"
    mastodon = FakeMastodon(tokens={TOKEN: "mairie", drill_token: "exercice"})
    await mastodon.start()
    monkeypatch.setenv("MASTODON_TOKEN", TOKEN)
    monkeypatch.setenv("DRILL_TOKEN", drill_token)
    file = tmp_path / "comptes.yml"
    file.write_text(
        f"""accounts:
  mairie-mastodon: {{kind: mastodon, url: "{mastodon.url}", token_env: MASTODON_TOKEN}}
  exercice-mastodon:
    {{kind: mastodon, url: "{mastodon.url}", token_env: DRILL_TOKEN, exercise: true}}
channels:
  mastodon: [mairie-mastodon, exercice-mastodon]
""",
        encoding="utf-8",
    )
    try:
        async with build_worker(env.client, local, accounts=load_accounts(file)):
            client = env.client
            drill = crisis_input("exercice", playbook=PLAYBOOK, exercise=True)
            cid = (await crises.trigger(client, local, drill, signed())).crisis_id
            await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)
            found = await _posted(client, cid, PhaseName.ACKNOWLEDGE, 1)
            (toot,) = found.deliveries
            assert (toot.account, toot.status) == ("exercice-mastodon", DeliveryStatus.PUBLISHED)
            assert {s.username for s in mastodon.statuses.values()} == {"exercice"}
            (status,) = mastodon.statuses.values()
            assert status.text.startswith("EXERCICE")
            assert any("mairie-mastodon" in e.detail for e in found.events)
            await client.get_workflow_handle(cid).terminate("test over")
    finally:
        await mastodon.stop()
