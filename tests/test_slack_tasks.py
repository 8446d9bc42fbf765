"""Manual publication tasks and an approval's posts in Slack: the real slack_sdk and slack_bolt
against the fake Web API on loopback, requests signed as Slack signs them, the crisis workflow on
the time-skipping test server, posting to a status site and a webhook receiver.

A task notice shows each exact text and who must publish it; « Publié » opens a dialog (an
address or a note), sends the workflow's ``task_done`` update as the person the Slack user is,
and the message then says who published it, when and where. Once every automatic post of an
approval has answered, one message in the card's thread lists them with their links.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.fakeslack import (
    CHANNEL,
    FakeSlack,
    block_actions,
    form,
    sign,
    slack_library,
    texts_of,
    view_submission,
    with_slack_people,
)
from tests.helpers import approve, crisis_input, signed, until, wait_status
from tests.rig import Rig, running
from tests.webhook_receiver import SECRET, Receiver
from tocsin import crises
from tocsin.models import Channel, NotifyKind, NotifyRequest, PhaseName
from tocsin.models.delivery import (
    Delivery,
    DeliveryStatus,
    ManualTask,
    TaskDoneRequest,
    TaskReason,
    TaskStatus,
)
from tocsin.publish.models import AccountKind
from tocsin.slack.ids import TASK_BLOCK_PREFIX, ActionId, BlockId, ViewId
from tocsin.slack.notifier import SlackNotifier, kept_alive
from tocsin.slack.taskcards import link
from tocsin.slack.words import text_name

NBSP = "\u00a0"
KEYS = itertools.count(1)  # each notice of the rendering tests a message of its own


# --------------------------------------------------------------------------- helpers


def task_messages(fake: FakeSlack, card: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages of the card's thread that hold manual tasks, in order."""
    return [
        m
        for m in fake.thread(CHANNEL, card["ts"])
        if any(str(b.get("block_id", "")).startswith(TASK_BLOCK_PREFIX) for b in m["blocks"])
    ]


def task_block(message: dict[str, Any], task: str) -> dict[str, Any]:
    return next(b for b in message["blocks"] if b.get("block_id") == TASK_BLOCK_PREFIX + task)


def click_task(user: str, message: dict[str, Any], task: str) -> dict[str, Any]:
    """``user`` clicks « Publié » under ``task``, as Slack sends it for a message in a thread."""
    (button,) = task_block(message, task)["elements"]
    payload = block_actions(
        user, ActionId.TASK_DONE, button["value"], CHANNEL, message["ts"], message["blocks"]
    )
    payload["container"]["thread_ts"] = payload["message"]["thread_ts"] = message["thread_ts"]
    payload["actions"][0]["block_id"] = TASK_BLOCK_PREFIX + task
    return payload


def words(message: dict[str, Any]) -> str:
    """Everything a person reads in the message's blocks."""
    return "\n".join(texts_of(message["blocks"]))


async def open_dialog(rig: Rig, user: str, message: dict[str, Any], task: str) -> dict[str, Any]:
    before = len(rig.fake.views)
    assert await rig.post(click_task(user, message, task)) == 200
    views = await until(lambda: rig.fake.views[before:], 10, "the dialog")
    assert views[0]["callback_id"] == ViewId.TASK_DONE
    return dict(views[0])


async def submit(
    rig: Rig, user: str, dialog: dict[str, Any], *, url: str = "", note: str = ""
) -> str:
    """The dialog sent; what the app answered (its errors, if any)."""
    payload = view_submission(user, dialog, {BlockId.TASK_URL: url, BlockId.TASK_NOTE: note})
    body = form(payload)
    status, text = await rig.post_raw(body, sign(body))
    assert status == 200
    return text


async def ephemeral(rig: Rig, count: int) -> dict[str, Any]:
    said = await until(lambda: rig.fake.ephemeral[count:], 15, "an ephemeral message")
    return dict(said[0])


def current(fake: FakeSlack, message: dict[str, Any]) -> dict[str, Any]:
    return fake.message(CHANNEL, message["ts"]) or {}


# --------------------------------------------------------------------------- manual tasks


async def test_publie_opens_a_dialog_marks_the_task_done_and_updates_the_message(
    rig: Rig,
) -> None:
    cid = await rig.trigger(with_slack_people(crisis_input("taches")))
    card = await rig.card()
    await approve(rig.client, cid, "dominique", PhaseName.ACKNOWLEDGE)
    found = await wait_status(rig.client, cid, lambda s: len(s.tasks) >= 5, what="the tasks")
    tasks = {t.channel: t for t in found.tasks}
    radio, x, facebook = tasks[Channel.RADIO], tasks[Channel.X], tasks[Channel.FACEBOOK]

    # One message in the card's thread: who must publish, and each exact text with its button.
    message = (await until(lambda: task_messages(rig.fake, card), 20, "the task message"))[0]
    shown = words(message)
    assert "<@UCAMILLE>" in message["blocks"][0]["text"]["text"]
    assert "à publier à la main" in shown
    assert f"{radio.id} — {text_name(Channel.RADIO, 'fr')}" in shown
    assert radio.text.replace("&", "&amp;") in shown  # the text itself, in a code block
    assert f"tocsin done {cid}" in shown
    assert {b["block_id"] for b in message["blocks"] if b["type"] == "actions"} == {
        TASK_BLOCK_PREFIX + t.id for t in found.tasks
    }

    # A Slack user who is nobody in the crisis: told privately, no dialog.
    told = len(rig.fake.ephemeral)
    assert await rig.post(click_task("UNOBODY", message, radio.id)) == 200
    refused = await ephemeral(rig, told)
    assert refused["user"] == "UNOBODY"
    assert "aucune personne" in refused["text"]
    assert rig.fake.views == []

    # The dialog needs an address or a note; the address must be a web address.
    dialog = await open_dialog(rig, "UCAMILLE", message, radio.id)
    assert text_name(Channel.RADIO, "fr") in words(dialog)
    assert BlockId.TASK_URL in await submit(rig, "UCAMILLE", dialog)
    assert "http" in await submit(rig, "UCAMILLE", dialog, url="javascript:alert(1)")
    assert BlockId.TASK_NOTE in await submit(rig, "UCAMILLE", dialog, note="x" * 301)
    said = "lu à l’antenne à 10 h 05"
    assert "errors" not in await submit(rig, "UCAMILLE", dialog, note=said)

    # The workflow has it, as Camille's; the message says so in place of the button.
    after = await wait_status(
        rig.client,
        cid,
        lambda s: any(t.id == radio.id and t.status is TaskStatus.DONE for t in s.tasks),
        what="the task done",
    )
    done = next(t for t in after.tasks if t.id == radio.id)
    assert (done.done_by, done.note, done.url) == ("camille", said, None)
    updated = await until(
        lambda: (
            m
            if task_block(m := current(rig.fake, message), radio.id)["type"] == "context"
            else None
        ),
        15,
        "the message updated",
    )
    line = task_block(updated, radio.id)["elements"][0]["text"]
    assert line.startswith("✅ Publié par Camille Martin le ")
    assert line.endswith(f"{NBSP}: «\u202f{said}\u202f»")
    assert task_block(updated, x.id)["type"] == "actions"  # the others still wait

    # Done elsewhere (the command line), then « Publié » in Slack: no dialog, the message
    # shows who published it.
    address = "https://x.com/prefecture/status/1"
    await crises.task_done(
        rig.client,
        cid,
        TaskDoneRequest(person="dominique", task=x.id, url=address),
        signed(),
    )
    told = len(rig.fake.ephemeral)
    views = len(rig.fake.views)
    assert await rig.post(click_task("UCAMILLE", updated, x.id)) == 200
    assert "déjà close" in (await ephemeral(rig, told))["text"]
    assert len(rig.fake.views) == views
    line = task_block(current(rig.fake, message), x.id)["elements"][0]["text"]
    assert line.startswith("✅ Publié par Dominique Lefèvre le ")
    assert f"<{address}|x.com/prefecture/status/1>" in line

    # The dialog open while someone else publishes: the workflow refuses, told privately.
    dialog = await open_dialog(rig, "UCAMILLE", current(rig.fake, message), facebook.id)
    await crises.task_done(
        rig.client,
        cid,
        TaskDoneRequest(person="sacha", task=facebook.id, note="fait"),
        signed(),
    )
    told = len(rig.fake.ephemeral)
    assert "errors" not in await submit(rig, "UCAMILLE", dialog, url="https://facebook.com/p/1")
    refusal = await ephemeral(rig, told)
    assert refusal["user"] == "UCAMILLE"
    assert refusal["text"].startswith(f"⛔ Refusé{NBSP}:")
    assert "déjà marquée publiée par Sacha Benali" in refusal["text"]
    final = next(t for t in (await crises.status(rig.client, cid)).tasks if t.id == facebook.id)
    assert (final.done_by, final.url) == ("sacha", None)
    await until(
        lambda: task_block(current(rig.fake, message), facebook.id)["type"] == "context",
        15,
        "the refused task shown as done by Sacha",
    )
    assert "Sacha Benali" in str(task_block(current(rig.fake, message), facebook.id))

    # A quarter of an hour on, a reminder: the texts still to publish, and only those.
    assert rig.clock is not None
    await rig.clock.sleep(timedelta(minutes=16))
    reminder = (
        await until(lambda: task_messages(rig.fake, card)[1:], 30, "the reminder's message")
    )[0]
    assert reminder["blocks"][0]["text"]["text"].startswith(f"🔔 <@UCAMILLE>{NBSP}: rappel")
    still = {t.id for t in found.tasks} - {radio.id, x.id, facebook.id}
    assert {b["block_id"] for b in reminder["blocks"] if b["type"] == "actions"} == {
        TASK_BLOCK_PREFIX + t for t in still
    }
    await rig.client.get_workflow_handle(cid).terminate("test over")


async def test_forged_buttons_and_dialogs_are_refused_politely(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """A « Publié » value or a dialog's metadata that is not what the app wrote: acknowledged,
    refused to the clicker alone or beside the dialog's field, nothing marked published."""
    cid = await rig.trigger(with_slack_people(crisis_input("forge")))
    card = await rig.card()
    await approve(rig.client, cid, "dominique", PhaseName.ACKNOWLEDGE)
    message = (await until(lambda: task_messages(rig.fake, card), 20, "the task message"))[0]
    first = next(b for b in message["blocks"] if b["type"] == "actions")
    task = first["block_id"].removeprefix(TASK_BLOCK_PREFIX)
    forged = [
        "pas du json",
        json.dumps({"crisis": cid, "task": "t1<!channel>"}),
        json.dumps({"crisis": cid, "task": 1}),
        json.dumps({"crisis": "../../etc", "task": task}),
        "x" * 10_000,
    ]
    for told, value in enumerate(forged):
        payload = click_task("UCAMILLE", message, task)
        payload["actions"][0]["value"] = value
        assert await rig.post(payload) == 200
        assert "n’a pas pu être lue" in (await ephemeral(rig, told))["text"]
    # A task the crisis does not have.
    payload = click_task("UCAMILLE", message, task)
    payload["actions"][0]["value"] = json.dumps({"crisis": cid, "task": "t999"})
    assert await rig.post(payload) == 200
    assert "aucune tâche" in (await ephemeral(rig, len(forged)))["text"]
    assert rig.fake.views == []
    # Dialogs whose metadata was not written by the app.
    note: dict[str, str] = {BlockId.TASK_NOTE: "lu à l’antenne"}
    for meta in (
        "pas du json",
        json.dumps({"crisis": cid}),
        json.dumps({"crisis": cid, "task": "t1\n"}),
    ):
        view = {"type": "modal", "callback_id": ViewId.TASK_DONE, "private_metadata": meta}
        body = form(view_submission("UCAMILLE", view, note))
        code, text = await rig.post_raw(body, sign(body))
        assert code == 200
        assert "errors" in text, meta
    found = await crises.status(rig.client, cid)
    assert all(t.status is TaskStatus.OPEN for t in found.tasks)
    tracebacks = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert tracebacks == [], [r.getMessage() for r in tracebacks]
    await rig.client.get_workflow_handle(cid).terminate("test over")


# --------------------------------------------------------------------------- posts


@pytest.fixture
async def posting(
    tmp_path: Path, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Rig, Receiver]]:
    """The Slack rig, its worker posting the website to a status site and the SMS to a webhook
    receiver that refuses the first request (403: a revoked secret)."""
    hook = Receiver(answers=[(403, {})])
    await hook.start()
    file = tmp_path / "comptes.yml"
    file.write_text(
        f"""accounts:
  site: {{kind: status_site, path: "{tmp_path / "site"}", base_url: "https://crise.example.fr/"}}
  sms-gateway: {{kind: webhook, url: "{hook.url}", secret_env: GW_SECRET}}
channels:
  website: [site]
  sms: [sms-gateway]
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("TOCSIN_ACCOUNTS", str(file))
    monkeypatch.setenv("GW_SECRET", SECRET)
    try:
        async with running(
            tmp_path,
            server="test",
            fake=fake,
            channel=CHANNEL,
            app="http",
            library=slack_library(tmp_path),
        ) as started:
            yield started, hook
    finally:
        await hook.stop()


async def test_the_posts_are_listed_in_the_thread_and_a_failed_one_is_a_task(
    posting: tuple[Rig, Receiver],
) -> None:
    rig, _ = posting
    cid = await rig.trigger(with_slack_people(crisis_input("postes")))
    card = await rig.card()
    await approve(rig.client, cid, "dominique", PhaseName.ACKNOWLEDGE)

    def settled(found: Any) -> bool:
        mine = [d for d in found.deliveries if d.phase is PhaseName.ACKNOWLEDGE]
        return len(mine) == 2 and all(
            d.status in (DeliveryStatus.PUBLISHED, DeliveryStatus.FAILED) for d in mine
        )

    found = await wait_status(rig.client, cid, settled, what="both posts answered", within=60)
    site = next(d for d in found.deliveries if d.channel is Channel.WEBSITE)
    sms = next(d for d in found.deliveries if d.channel is Channel.SMS)
    assert site.status is DeliveryStatus.PUBLISHED
    assert site.url
    assert sms.status is DeliveryStatus.FAILED
    assert sms.task is not None
    failed_task = sms.task

    # One message lists the approval's posts: the link of each, the failure and its task.
    listed = await until(
        lambda: [
            m for m in rig.fake.thread(CHANNEL, card["ts"]) if "📣 Publications" in str(m["blocks"])
        ],
        20,
        "the posts listed",
    )
    (posts,) = listed
    text = posts["blocks"][0]["text"]["text"]
    assert f"✅ {text_name(Channel.WEBSITE, 'fr')} (site) → <{site.url}|" in text
    assert f"⛔ {text_name(Channel.SMS, 'fr')} (sms-gateway){NBSP}: échec" in text
    assert f"(tâche {sms.task})" in text

    # The failed post is a task of its own: the account and why, the text, « Publié ».
    failed = await until(
        lambda: [m for m in task_messages(rig.fake, card) if failed_task in str(m["blocks"])],
        20,
        "the failed post's task",
    )
    message = failed[0]
    shown = words(message)
    assert "une publication automatique n’a pas abouti" in shown
    assert f"sms-gateway a refusé{NBSP}:" in shown
    assert "GW_SECRET" in shown
    assert SECRET not in shown
    assert sms.task is not None
    dialog = await open_dialog(rig, "UCAMILLE", message, sms.task)
    address = "https://sms.example.fr/campagnes/42?x=1&y=2"
    assert "errors" not in await submit(rig, "UCAMILLE", dialog, url=address)
    done = await until(
        lambda: (
            block
            if (block := task_block(current(rig.fake, message), sms.task or ""))["type"]
            == "context"
            else None
        ),
        20,
        "the failed post marked published",
    )
    line = done["elements"][0]["text"]
    assert line.startswith("✅ Publié par Camille Martin le ")
    assert "<https://sms.example.fr/campagnes/42?x=1&amp;y=2|" in line
    task = next(t for t in (await crises.status(rig.client, cid)).tasks if t.id == sms.task)
    assert (task.status, task.url) == (TaskStatus.DONE, address)
    await rig.client.get_workflow_handle(cid).terminate("test over")


# --------------------------------------------------------------------------- rendering


def _task(n: int, **values: Any) -> ManualTask:
    at = datetime(2026, 12, 3, 9, 5, tzinfo=UTC)
    fields: dict[str, Any] = {
        "id": f"t{n}",
        "phase": PhaseName.ACKNOWLEDGE,
        "sequence": 0,
        "revision": 2,
        "channel": Channel.RADIO,
        "language": "fr",
        "text": "Eau non potable.",
        "reason": TaskReason.MANUAL,
        "opened_at": at,
        "level_started_at": at,
        "last_reminder_at": at,
    }
    fields.update(values)
    return ManualTask(**fields)


def _notice(kind: NotifyKind, tasks: list[ManualTask], **values: Any) -> NotifyRequest:
    return NotifyRequest(
        crisis_id="crisis-eau-non-potable-x",
        title="Eau",
        kind=kind,
        phase=PhaseName.ACKNOWLEDGE,
        revision=2,
        recipients=["camille"],
        recipient_names=["Camille Martin"],
        recipient_slack_ids=["UCAMILLE"],
        message="(le texte français du workflow)",
        idempotency_key=f"k-{kind.value}-{next(KEYS)}",
        tasks=tasks,
        **values,
    )


async def _posted(fake: FakeSlack, request: NotifyRequest) -> dict[str, Any]:
    async with kept_alive(fake.settings(CHANNEL)) as client:
        await SlackNotifier(client, CHANNEL).notify(request)
    return fake.messages[CHANNEL][-1]


async def test_reminders_escalations_and_hostile_texts_render_inert(fake: FakeSlack) -> None:
    later = datetime(2026, 12, 3, 9, 20, tzinfo=UTC)
    hostile = "<!channel> *urgent* <https://evil.example|mairie.fr> ```fin``` & co"
    first = await _posted(fake, _notice(NotifyKind.TASK, [_task(1, text=hostile)]))
    reminded = await _posted(
        fake, _notice(NotifyKind.TASK, [_task(2, reminded=1, last_reminder_at=later)])
    )
    escalated = await _posted(
        fake,
        _notice(
            NotifyKind.TASK,
            [_task(3, reminded=2, level=1, level_started_at=later, last_reminder_at=later)],
        ),
    )
    assert first["blocks"][0]["text"]["text"].startswith(f"📝 <@UCAMILLE>{NBSP}: à publier")
    assert reminded["blocks"][0]["text"]["text"].startswith(f"🔔 <@UCAMILLE>{NBSP}: rappel")
    assert escalated["blocks"][0]["text"]["text"].startswith(f"⏫ <@UCAMILLE>{NBSP}: escalade")
    # The statement's text is shown, never read as Slack markup: nothing notifies or links.
    for said in fake.shown(markup=True):
        assert "<!channel>" not in said
        assert "<https://evil.example" not in said
    body = first["blocks"][1]["text"]["text"]
    assert "&lt;!channel&gt; *urgent* &lt;https://evil.example|mairie.fr&gt;" in body
    assert body.count("```") == 2  # the typed ``` cannot close the code block
    # A link whose address Slack's syntax cannot hold is shown as text.
    assert link("https://a.example/x|<!channel>") == "https://a.example/x|&lt;!channel&gt;"


async def test_the_english_app_says_it_in_english(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOCSIN_LANG", "en")
    failed = _task(
        4,
        channel=Channel.SMS,
        reason=TaskReason.FAILED,
        account="sms-gateway",
        problem="secret refusé (GW_SECRET) / secret refused (GW_SECRET)",
    )
    message = await _posted(fake, _notice(NotifyKind.POST_FAILED, [failed]))
    shown = words(message)
    assert "an automatic post did not go through" in shown
    assert "sms-gateway refused it: secret refused (GW_SECRET)" in shown
    assert "SMS · French" in shown
    assert "\nPublished\n" in shown  # the button
    at = datetime(2026, 12, 3, 9, 5, tzinfo=UTC)
    deliveries = [
        Delivery(
            phase=PhaseName.ACKNOWLEDGE,
            sequence=0,
            revision=2,
            channel=Channel.MASTODON,
            language="fr",
            account="mairie-mastodon",
            kind=AccountKind.MASTODON,
            key="k1",
            status=DeliveryStatus.PUBLISHED,
            requested_at=at,
            remote_id="1",
            url="https://social.example.fr/@mairie/1",
            published_at=at + timedelta(seconds=2),
        ),
        Delivery(
            phase=PhaseName.ACKNOWLEDGE,
            sequence=0,
            revision=2,
            channel=Channel.SMS,
            language="fr",
            account="sms-gateway",
            kind=AccountKind.WEBHOOK,
            key="k2",
            status=DeliveryStatus.FAILED,
            requested_at=at,
            task="t4",
        ),
    ]
    posts = await _posted(fake, _notice(NotifyKind.POSTED, [], deliveries=deliveries))
    text = posts["blocks"][0]["text"]["text"]
    assert text.startswith("📣 Posts — ")
    assert "✅ Mastodon · French (mairie-mastodon) → <https://social.example.fr/@mairie/1|" in text
    assert "⛔ SMS · French (sms-gateway): failed, to publish by hand (task t4)" in text
    for said in fake.shown():
        assert "à la main" not in said
        assert "révision" not in said
