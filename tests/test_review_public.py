"""The review says what the public saw, where and when: a real crisis on the time-skipping
server, with a worker posting to a Mastodon fake, an SMTP server, a webhook receiver and the
status site (the setup of tests/test_publishing_workflow.py), and manual channels closed by
``task_done``. Its history, fetched from the server, gives the review's rows: each text on each
account against its approval (the platform's time, its link), each manual channel with who
published it and where, and the accounts that were late or refused. Corrections and retractions
are read from the ``post`` activity's input and answer, added to that history by hand until the
workflow sends them.

Kept as a test artefact: tests/artifacts/review-public.png (the section in Chromium).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.browser import BrowserMissing, chromium, chromium_path
from tests.conftest import time_skipping_env
from tests.fakemastodon import TOKEN, FakeMastodon
from tests.helpers import (
    LIBRARY,
    approve,
    crisis_input,
    settings_for,
    signed,
    until_quiet,
    wait_status,
)
from tests.test_corrections import _corrections_settled, _edits
from tests.test_publish_mail import PASSWORD, smtp_server
from tests.test_publishing_workflow import (  # noqa: F401  (the fixtures, by name)
    Platforms,
    local_fixture,
    platforms_fixture,
    smtp_fixture,
)
from tests.test_review_words import visible
from tests.webhook_receiver import SECRET, Receiver
from tocsin import crises, names
from tocsin.config import Settings
from tocsin.guardrails import official_context
from tocsin.models import (
    Channel,
    CorrectionRequest,
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    GuardrailSettings,
    PhaseName,
    ResolveRequest,
    RetractRequest,
)
from tocsin.models.delivery import DeliveryStatus, TaskDoneRequest, TaskStatus
from tocsin.publish.accounts import Accounts, load_accounts
from tocsin.publish.models import AccountKind, Action, Publication, PublishRequest
from tocsin.review import Review, RunHistory, build_review, fetch_chain
from tocsin.review.html import html
from tocsin.review.model import Follow, Kind, Reach, ReachStatus
from tocsin.review.reach import link
from tocsin.review.redact import MARKER, redact
from tocsin.review.report import markdown, summary
from tocsin.worker import build_worker

ARTIFACTS = Path(__file__).parent / "artifacts"
PLAYBOOK = "accident-industriel"
DIRECTOR, AUTHOR = "dominique", "camille"
ON_AIR = "lu à l’antenne à 10 h 05"
TWEET = "https://x.com/prefecture76/status/1860000000000000001"
BY_HAND = "https://social.example.fr/@prefecture76/113000000000000001"
HOSTILE_NOTE = '<img src=x onerror="alert(1)"> répondeur & standard'
SPARE = "publié depuis le compte de secours"


@dataclass
class Crisis:
    review: Review
    status: CrisisStatus
    runs: list[RunHistory]


async def _settled(client: Client, cid: str, phase: PhaseName, count: int) -> CrisisStatus:
    def done(found: CrisisStatus) -> bool:
        mine = [d for d in found.deliveries if d.phase is phase]
        return len(mine) == count and all(
            d.status not in (DeliveryStatus.PENDING, DeliveryStatus.DELAYED) for d in mine
        )

    return await wait_status(client, cid, done, what=f"{count} posts of {phase}", within=60)


def _task(found: CrisisStatus, phase: PhaseName, channel: Channel) -> str:
    return next(t.id for t in found.tasks if t.phase is phase and t.channel is channel)


async def _done(client: Client, cid: str, task: str, **where: str) -> None:
    await crises.task_done(
        client, cid, TaskDoneRequest(person=AUTHOR, task=task, **where), signed()
    )


@pytest.fixture(scope="module")
async def crisis(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Crisis]:
    """The platforms of tests/test_publishing_workflow.py, on a time-skipping server of this
    module's own, and one crisis run through them."""
    folder = tmp_path_factory.mktemp("public")
    mastodon, hook = FakeMastodon(), Receiver()
    await mastodon.start()
    await hook.start()
    try:
        with smtp_server(folder) as smtp, pytest.MonkeyPatch.context() as patch:
            patch.setenv("MASTODON_TOKEN", TOKEN)
            patch.setenv("SMTP_PASSWORD", PASSWORD)
            patch.setenv("GW_SECRET", SECRET)
            file = folder / "comptes.yml"
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
    to: [presse@example.fr]
    ca_file: "{smtp.cert}"
  sms-gateway: {{kind: webhook, url: "{hook.url}", secret_env: GW_SECRET}}
  site: {{kind: status_site, path: "{folder / "site"}", base_url: "https://crise.example.fr/"}}
channels:
  website: [site]
  mastodon: [mairie-mastodon]
  press_release: [presse]
  sms: [sms-gateway]
""",
                encoding="utf-8",
            )
            settings = settings_for(folder, "tocsin-review-public")
            async with time_skipping_env() as env:
                yield await _run(env, settings, mastodon, load_accounts(file))
    finally:
        await mastodon.stop()
        await hook.stop()


async def _run(
    env: WorkflowEnvironment, local: Settings, mastodon: FakeMastodon, accounts: Accounts
) -> Crisis:
    """A crisis from detection to close: every account answers the alert, three manual
    channels are marked published (one with words that are not text), Mastodon is down for
    the explanations (a person posts by hand, the account follows), its token is revoked for
    the solutions (a person posts from a spare account) and the close; the close's manual
    channels stay open."""
    client = env.client
    async with build_worker(client, local, accounts=accounts):
        cid = (
            await crises.trigger(client, local, crisis_input("revue", playbook=PLAYBOOK), signed())
        ).crisis_id
        await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)
        found = await _settled(client, cid, PhaseName.ACKNOWLEDGE, 4)
        await until_quiet(client, cid)
        await env.sleep(timedelta(minutes=4))
        await _done(client, cid, _task(found, PhaseName.ACKNOWLEDGE, Channel.RADIO), note=ON_AIR)
        await _done(client, cid, _task(found, PhaseName.ACKNOWLEDGE, Channel.X), url=TWEET)
        hotline = _task(found, PhaseName.ACKNOWLEDGE, Channel.HOTLINE)
        await _done(client, cid, hotline, note=HOSTILE_NOTE)

        mastodon.down = True
        await approve(client, cid, DIRECTOR, PhaseName.EXPLAIN)
        await env.sleep(timedelta(minutes=11))
        late = await wait_status(
            client,
            cid,
            lambda s: any(d.status is DeliveryStatus.DELAYED for d in s.deliveries),
            what="the delay reported",
        )
        toot = next(d for d in late.deliveries if d.status is DeliveryStatus.DELAYED)
        assert toot.task is not None
        await _done(client, cid, toot.task, url=BY_HAND)
        mastodon.down = False
        await env.sleep(timedelta(minutes=3))
        await _settled(client, cid, PhaseName.EXPLAIN, 3)

        mastodon.tokens.clear()  # revoked
        await approve(client, cid, DIRECTOR, PhaseName.SOLUTIONS)
        found = await _settled(client, cid, PhaseName.SOLUTIONS, 4)
        refused = next(d for d in found.deliveries if d.phase is PhaseName.SOLUTIONS and d.task)
        assert refused.task is not None
        await _done(client, cid, refused.task, note=SPARE)

        await wait_status(client, cid, lambda s: s.state == "waiting_follow_up", what="follow-up")
        await crises.resolve(
            client,
            cid,
            ResolveRequest(person=AUTHOR, summary="Sinistre maîtrisé."),
            signed(),
        )
        await approve(client, cid, DIRECTOR, PhaseName.CLOSE)
        await _settled(client, cid, PhaseName.CLOSE, 4)
        status = await crises.status(client, cid)
        await client.get_workflow_handle(cid).result()  # closed, reviewed
        runs = await fetch_chain(client, cid)
    return Crisis(build_review(runs), status, runs)


def _rows(review: Review, phase: PhaseName) -> dict[tuple[Channel, str], Reach]:
    return {(r.channel, r.account): r for r in review.reach if r.phase is phase}


async def test_the_review_shows_when_each_channel_reached_the_public(crisis: Crisis) -> None:
    review, status = crisis.review, crisis.status
    assert review.status == "closed"
    alert = _rows(review, PhaseName.ACKNOWLEDGE)
    approved = next(p.approved_at for p in review.phases if p.phase is PhaseName.ACKNOWLEDGE)
    assert approved is not None

    # Every account's post: its platform's address and id, a few seconds after the approval.
    for delivery in status.deliveries:
        row = _rows(review, delivery.phase)[(delivery.channel, delivery.account)]
        assert (row.url or None, row.remote_id or None) == (delivery.url, delivery.remote_id)
        assert row.kind == delivery.kind.value
    for account in ("mairie-mastodon", "presse", "sms-gateway", "site"):
        row = next(r for r in alert.values() if r.account == account)
        assert row.status is ReachStatus.PUBLISHED, account
        assert row.approved_at == approved
        assert row.reached_at is not None
        assert row.delay is not None
        assert timedelta(0) <= row.delay < timedelta(seconds=30), (account, row.delay)

    # The manual channels: who, when (the workflow's own time of the update), what they said.
    tasks = {t.id: t for t in status.tasks}
    radio = alert[(Channel.RADIO, "")]
    assert (radio.kind, radio.status, radio.note) == ("manual", ReachStatus.BY_HAND, ON_AIR)
    assert radio.by is not None
    assert (radio.by.id, radio.by.name) == (AUTHOR, "Camille Martin")
    assert radio.reached_at == tasks[radio.task].done_at
    assert radio.delay is not None
    assert timedelta(minutes=4) <= radio.delay < timedelta(minutes=5)
    x = alert[(Channel.X, "")]
    assert (x.status, x.by_url) == (ReachStatus.BY_HAND, TWEET)
    assert alert[(Channel.HOTLINE, "")].note == HOSTILE_NOTE
    assert alert[(Channel.BLUESKY, "")].status is ReachStatus.OUTBOX  # no account, not manual
    assert alert[(Channel.BLUESKY, "")].outbox_at is not None

    # Mastodon down: published by hand after the playbook's delay; that stopped the account's
    # retries, so the public got it once, and the row has no post of the account's.
    toot = _rows(review, PhaseName.EXPLAIN)[(Channel.MASTODON, "mairie-mastodon")]
    assert (toot.status, toot.by_url) == (ReachStatus.DELAYED_BY_HAND, BY_HAND)
    by_hand_at = tasks[toot.task].done_at
    assert by_hand_at is not None
    assert toot.reached_at == by_hand_at
    assert (toot.acked_at, toot.url, toot.remote_id) == (None, "", "")
    assert toot.delay is not None
    assert toot.delay >= timedelta(minutes=10)

    # Token revoked: refused (the reason names the token, never its value), then by hand.
    spare = _rows(review, PhaseName.SOLUTIONS)[(Channel.MASTODON, "mairie-mastodon")]
    assert (spare.status, spare.note) == (ReachStatus.FAILED_BY_HAND, SPARE)
    assert "MASTODON_TOKEN" in spare.problem
    closing = _rows(review, PhaseName.CLOSE)
    assert closing[(Channel.MASTODON, "mairie-mastodon")].status is ReachStatus.FAILED
    assert closing[(Channel.RADIO, "")].status is ReachStatus.OPEN  # still open at the close

    # Every task the workflow opened is the row the review numbered, in the same state.
    expected = {
        TaskStatus.DONE: {
            ReachStatus.BY_HAND,
            ReachStatus.DELAYED_BY_HAND,
            ReachStatus.FAILED_BY_HAND,
        },
        TaskStatus.SUPERSEDED: {ReachStatus.SUPERSEDED, ReachStatus.LATE},
        TaskStatus.OPEN: {ReachStatus.OPEN, ReachStatus.FAILED},
    }
    numbered = {r.task: r for r in review.reach if r.task}
    assert set(numbered) == set(tasks)
    for task in tasks.values():
        row = numbered[task.id]
        assert (row.phase, row.sequence, row.revision, row.channel, row.language) == (
            task.phase,
            task.sequence,
            task.revision,
            task.channel,
            task.language,
        )
        assert row.status in expected[task.status], (task.id, task.status, row.status)


async def test_the_summary_says_how_fast_and_the_page_links_only_http(crisis: Crisis) -> None:
    review = crisis.review
    said = summary(review, lang="fr")
    assert re.search(r"informé sur 4\s?canaux sur 9 en moins de 1\s?min", said), said
    flat = " ".join(said.split())
    # The public first heard through an account, not when the outbox was written: the alert
    # reached 7 channels (4 accounts, 3 by hand; Bluesky stayed in the outbox).
    heard = min(r.reached_at for r in review.reach if r.reached_at is not None)
    assert heard > min(p.published_at for p in review.publications)
    assert "Le premier message au public est parti" in flat
    assert "sur 7 canaux." in flat, flat
    assert re.search(r"Radio, X et Ligne d’information à \d{1,2} h \d\d, à la main", flat), flat
    # The close: the revoked token left Mastodon silent; nobody confirmed the manual channels.
    assert "publication à la main non confirmée : X, Facebook, Diffusion" in flat, flat
    assert "pas publié sur Mastodon." in flat
    english = " ".join(summary(review, lang="en").split())
    assert "The public was informed on 4 channels of 9 within 1 min of the approval" in english, (
        english
    )

    page = html(review, lang="fr")
    section = re.search(r'<section id="public">(.*?)\n</section>', page, re.S)
    assert section is not None
    part = section.group(1)
    hrefs = re.findall(r'<a href="([^"]*)"', part)
    assert TWEET in hrefs
    assert BY_HAND in hrefs
    assert all(h.startswith(("https://", "http://")) for h in hrefs)
    assert "<img" not in part
    assert "&lt;img src=x" in part
    assert "Ce que le public a vu, où et quand" in visible(page)
    assert "Was die Öffentlichkeit wann und wo sah" in html(review, lang="de")
    md = markdown(review, lang="fr")
    assert "## Ce que le public a vu, où et quand" in md
    assert TWEET in md
    assert "\\<img" in md
    assert link("javascript:alert(1)").href == ""
    assert link("https://ok.example/a").href == "https://ok.example/a"


def _post_events(
    start: int, at: HistoryEvent, request: PublishRequest, published: Publication | None
) -> list[HistoryEvent]:
    """A ``post`` activity scheduled, then completed with ``published`` (or failed)."""
    converter = pydantic_data_converter.payload_converter
    when = at.event_time.ToDatetime() + timedelta(minutes=1)
    scheduled = HistoryEvent(
        event_id=start, event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    )
    scheduled.event_time.FromDatetime(when)
    attrs = scheduled.activity_task_scheduled_event_attributes
    attrs.activity_type.name = names.POST
    attrs.input.payloads.extend(converter.to_payloads([request]))
    answered = HistoryEvent(
        event_id=start + 1,
        event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED
        if published is None
        else EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    )
    answered.event_time.FromDatetime(when + timedelta(seconds=2))
    if published is None:
        failed = answered.activity_task_failed_event_attributes
        failed.scheduled_event_id = start
        failed.failure.message = "Forbidden: « mairie-mastodon » <b>refuse</b>"
    else:
        done = answered.activity_task_completed_event_attributes
        done.scheduled_event_id = start
        done.result.payloads.extend(converter.to_payloads([published]))
    return [scheduled, answered]


async def test_corrections_and_retractions_are_read_from_the_post_activity(
    crisis: Crisis,
) -> None:
    """The workflow's ``correct`` flow reuses the ``post`` activity with action=correct and
    the first publication as ``previous``; a retraction, action=retract. Added by hand to the
    crisis's own history: the review shows them under the post they change."""
    review = crisis.review
    first = _rows(review, PhaseName.ACKNOWLEDGE)[(Channel.MASTODON, "mairie-mastodon")]
    sms = _rows(review, PhaseName.ACKNOWLEDGE)[(Channel.SMS, "sms-gateway")]
    assert first.acked_at is not None
    assert first.reached_at == first.acked_at
    last = crisis.runs[-1]
    events = list(last.events)
    end = events[-1]
    previous = Publication(
        remote_id=first.remote_id,
        url=first.url,
        published_at=first.acked_at,
        account="mairie-mastodon",
        kind=AccountKind.MASTODON,
        key="tocsin-first",
    )

    def asked(revision: int, action: Action, text: str) -> PublishRequest:
        return PublishRequest(
            crisis_id=review.crisis_id,
            phase=PhaseName.ACKNOWLEDGE,
            sequence=0,
            revision=revision,
            channel=Channel.MASTODON,
            language="fr",
            account="mairie-mastodon",
            text=text,
            exercise=False,
            action=action,
            previous=previous,
        )

    correct = asked(first.revision + 10, Action.CORRECT, "Correction : …")
    corrected = previous.model_copy(
        update={"action": Action.CORRECT, "remote_id": "<b>id</b>", "url": None}
    )
    retract = asked(first.revision + 11, Action.RETRACT, "Retiré.")
    sms_previous = previous.model_copy(
        update={"remote_id": sms.remote_id, "account": "sms-gateway"}
    )
    sms_retract = retract.model_copy(
        update={"channel": Channel.SMS, "account": "sms-gateway", "previous": sms_previous}
    )
    next_id = end.event_id + 1
    events += _post_events(next_id, end, correct, corrected)
    events += _post_events(
        next_id + 2, events[-1], retract, corrected.model_copy(update={"action": Action.RETRACT})
    )
    events += _post_events(next_id + 4, events[-1], sms_retract, None)
    runs = [*crisis.runs[:-1], RunHistory(run_id=last.run_id, events=events)]

    changed = build_review(runs)
    row = _rows(changed, PhaseName.ACKNOWLEDGE)[(Channel.MASTODON, "mairie-mastodon")]
    assert [(f.action, f.revision, f.status, f.remote_id) for f in row.follows] == [
        ("correct", first.revision + 10, "done", "<b>id</b>"),
        ("retract", first.revision + 11, "done", "<b>id</b>"),
    ]
    assert row.follows[0].at is not None
    assert row.follows[0].at > first.acked_at
    assert row.status is ReachStatus.PUBLISHED  # still the first publication's row
    (failed,) = _rows(changed, PhaseName.ACKNOWLEDGE)[(Channel.SMS, "sms-gateway")].follows
    assert (failed.action, failed.status) == ("retract", "failed")
    assert "refuse" in failed.problem

    page = html(changed, lang="fr")
    assert "Corrigé à" in page
    assert "Retiré à" in page
    assert "Retrait (révision" in page
    assert "<b>id</b>" not in page
    assert "&lt;b&gt;id&lt;/b&gt;" in page
    assert "<b>refuse</b>" not in page
    assert "Withdrawn at" in html(changed, lang="en")


async def test_the_section_in_a_browser(crisis: Crisis) -> None:
    """The section as its reader sees it: every row shown, links that go out, the page no
    wider than the window; kept as tests/artifacts/review-public.png."""
    try:
        binary = chromium_path()
    except BrowserMissing as exc:
        pytest.fail(str(exc))
    page_html = html(crisis.review, lang="fr")
    expected_rows = len(crisis.review.reach)
    ARTIFACTS.mkdir(exist_ok=True)
    async with chromium(binary, width=1280, height=900) as page:
        await page.set_content(page_html, wait_until="load")
        measured = await page.evaluate(
            """() => {
              const section = document.querySelector('#public');
              const rows = [...section.querySelectorAll('tr.reach-row')];
              return {
                rows: rows.length,
                links: [...section.querySelectorAll('a')].map((a) => a.href),
                width: document.documentElement.scrollWidth,
                tables: [...section.querySelectorAll('table')]
                  .map((t) => t.getBoundingClientRect().right),
                open: section.querySelectorAll('tr.reach-row.open').length,
              };
            }"""
        )
        await page.locator("#public").screenshot(path=str(ARTIFACTS / "review-public.png"))
    assert measured["rows"] == expected_rows
    assert measured["open"] >= 1
    assert TWEET in measured["links"]
    assert measured["width"] <= 1280
    assert all(right <= 1280 for right in measured["tables"])


def test_a_redacted_review_names_who_published_by_hand_by_role(crisis: Crisis) -> None:
    """``tocsin review --redact``: the person who marked a task done is a role; a note with a
    private person's number is marked; the public's addresses stay."""
    review = crisis.review
    private = "lu à l’antenne, rappeler Mme Lucie Bernard au 06 12 34 56 78"
    rows = [
        row.model_copy(update={"note": private}) if row.note == ON_AIR else row
        for row in review.reach
    ]
    playbook = LIBRARY.load(review.playbook_id).playbook
    official = official_context(playbook, review.params, GuardrailSettings())
    redacted = redact(review.model_copy(update={"reach": rows}), lang="fr", official=official)
    radio = _rows(redacted, PhaseName.ACKNOWLEDGE)[(Channel.RADIO, "")]
    assert radio.by is not None
    assert radio.by.name == "communication"
    assert radio.note == MARKER["fr"]
    assert _rows(redacted, PhaseName.ACKNOWLEDGE)[(Channel.X, "")].by_url == TWEET
    page = html(redacted, lang="fr")
    assert "Camille Martin" not in page
    assert "06 12 34 56 78" not in page


async def test_tasks_are_read_across_continue_as_new(client: Client, settings: Settings) -> None:
    """A crisis without accounts whose history continues as new between statements: a task
    opened in the first run and marked done in a later one is the same row, and every task
    the workflow holds at the end is the row the review read, in the same state."""
    crisis = crisis_input("suite", max_history_events=100)
    cid = (await crises.trigger(client, settings, crisis, signed())).crisis_id
    for phase in (PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
        await approve(client, cid, DIRECTOR, phase)
    later = await wait_status(
        client, cid, lambda s: s.runs >= 2 and s.state == "waiting_follow_up", what="new run"
    )
    first = min(later.tasks, key=lambda t: int(t.id[1:]))
    assert first.replaced_by is not None  # superseded by the next statement's, still allowed
    await _done(client, cid, first.id, note=ON_AIR)
    status = await crises.status(client, cid)
    review = build_review(await fetch_chain(client, cid))
    await client.get_workflow_handle(cid).terminate("test over")

    assert len(review.runs) >= 2
    continued = next(e.at for e in review.events if e.kind is Kind.CONTINUED)
    assert first.opened_at < continued
    numbered = {row.task: row for row in review.reach if row.task}
    assert set(numbered) == {t.id for t in status.tasks}
    for task in status.tasks:
        row = numbered[task.id]
        assert (row.phase, row.revision, row.channel, row.language) == (
            task.phase,
            task.revision,
            task.channel,
            task.language,
        )
        assert (
            row.status
            is {
                TaskStatus.DONE: ReachStatus.BY_HAND,
                TaskStatus.OPEN: ReachStatus.OPEN,
                TaskStatus.SUPERSEDED: ReachStatus.SUPERSEDED,
            }[task.status]
        ), task.id
    done = numbered[first.id]
    assert (done.status, done.note, done.reached_at) == (
        ReachStatus.BY_HAND,
        ON_AIR,
        status_done(status, first.id),
    )


def status_done(status: CrisisStatus, task: str) -> datetime | None:
    return next(t.done_at for t in status.tasks if t.id == task)


async def test_a_real_correction_and_retraction_are_under_the_rows_they_change(
    env: WorkflowEnvironment, platforms: Platforms, local: Settings
) -> None:
    """The workflow's own correction (``tocsin correct``, approved by another) and retraction:
    the accounts' edits and take-downs, and the manual channels' correction and take-down
    tasks, each under the row of the publication it changes."""
    client = env.client
    async with build_worker(client, local, accounts=platforms.accounts):
        cid = (
            await crises.trigger(client, local, crisis_input("erreur", playbook=PLAYBOOK), signed())
        ).crisis_id
        await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)
        first = await _settled(client, cid, PhaseName.ACKNOWLEDGE, 4)
        await _done(client, cid, _task(first, PhaseName.ACKNOWLEDGE, Channel.RADIO), note=ON_AIR)
        await _done(client, cid, _task(first, PhaseName.ACKNOWLEDGE, Channel.X), url=TWEET)
        await wait_status(
            client, cid, lambda s: s.state == "awaiting_approval", what="explain gate"
        )
        channels = [Channel.MASTODON, Channel.SMS, Channel.PRESS_RELEASE, Channel.WEBSITE]
        channels += [Channel.X, Channel.RADIO, Channel.FACEBOOK]
        opened = await crises.correct(
            client,
            cid,
            CorrectionRequest(
                person=AUTHOR,
                phase=PhaseName.ACKNOWLEDGE,
                edits=_edits(channels),
                reason="mauvais numéro d’information",
            ),
            signed(),
        )
        await wait_status(client, cid, lambda s: s.revision == opened.revision, what="its gate")
        await crises.decide(
            client,
            cid,
            DecisionRequest(
                person=DIRECTOR, revision=opened.revision, action=DecisionAction.APPROVE
            ),
            signed(),
        )
        found = await wait_status(client, cid, _corrections_settled, what="the corrections")
        x_fix = next(
            t for t in found.tasks if t.revision == opened.revision and t.channel is Channel.X
        )
        await _done(client, cid, x_fix.id, url=f"{TWEET}2")
        await crises.retract(
            client, cid, RetractRequest(person=DIRECTOR, reason="fausse alerte"), signed()
        )
        await approve(client, cid, DIRECTOR, PhaseName.CLOSE)
        await client.get_workflow_handle(cid).result()
        status = await crises.status(client, cid)
        review = build_review(await fetch_chain(client, cid))

    alert = _rows(review, PhaseName.ACKNOWLEDGE)
    fixed = {Action.CORRECT: "correct", Action.RETRACT: "retract"}
    for delivery in status.deliveries:
        if delivery.phase is not PhaseName.ACKNOWLEDGE or delivery.action is Action.PUBLISH:
            continue
        row = alert[(delivery.channel, delivery.account)]
        # The gateway's correction was a message of its own: the take-down withdraws both.
        (follow,) = [
            f
            for f in row.follows
            if (f.action, f.revision, f.remote_id)
            == (fixed[delivery.action], delivery.revision, delivery.remote_id)
        ]
        assert follow.status == "done", (delivery.channel, follow)
        assert (follow.url or None) == delivery.url
        assert follow.at is not None
        assert follow.approved_at is not None
    toot = alert[(Channel.MASTODON, "mairie-mastodon")]
    assert next((f.action, f.revision) for f in toot.follows) == ("correct", opened.revision)
    assert {f.action for f in toot.follows} == {"correct", "retract"}
    press = alert[(Channel.PRESS_RELEASE, "presse")]
    assert [f.action for f in press.follows] == ["correct"]  # an e-mail cannot be unsent
    # By hand: the X correction done (its address), the radio's still to do; X's two posts
    # (the first and its correction) each to take down, the take-downs approved.
    x = alert[(Channel.X, "")]
    assert [(f.action, f.status, f.url) for f in x.follows] == [
        ("correct", "done", f"{TWEET}2"),
        ("retract", "open", ""),
        ("retract", "open", ""),
    ]
    assert all(f.approved_at is not None for f in x.follows)
    # The radio's correction was still to do when the close's statement replaced it.
    assert [(f.action, f.status) for f in alert[(Channel.RADIO, "")].follows] == [
        ("correct", "superseded")
    ]
    # Every task the workflow holds is a row or a correction the review read, in its state.
    items: dict[str, Reach | Follow] = {r.task: r for r in review.reach if r.task}
    items |= {f.task: f for r in review.reach for f in r.follows if f.task}
    assert set(items) == {t.id for t in status.tasks}
    for task in status.tasks:
        item = items[task.id]
        if isinstance(item, Follow):
            assert item.status == task.status.value, task.id
    # Facebook was never published: its task superseded by the corrected text's, itself
    # superseded by the close's statement.
    facebook = alert[(Channel.FACEBOOK, "")]
    assert facebook.status is ReachStatus.SUPERSEDED
    assert [(f.action, f.status) for f in facebook.follows] == [("correct", "superseded")]
    page = html(review, lang="fr")
    assert "Corrigé à" in page
    assert "Retiré à" in page
    assert f"{TWEET}2" in page
