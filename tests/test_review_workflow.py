"""The workflow schedules the review itself: after the close, the playbook's delay, then the
report in the outbox and its summary to the people of the crisis (console here, Slack below)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.fakeslack import FakeSlack
from tests.helpers import (
    approve,
    awaiting,
    crisis_input,
    notices,
    signed,
    skip,
    until_quiet,
    wait_status,
)
from tocsin import crises
from tocsin.config import Settings
from tocsin.models import (
    CancelRequest,
    Channel,
    DecisionAction,
    DecisionRequest,
    NotifyKind,
    NotifyRequest,
    PhaseName,
    ResolveRequest,
    TextEdit,
)
from tocsin.outbox import review_paths
from tocsin.review import Review, build_review, fetch_chain
from tocsin.review.model import Kind
from tocsin.review.report import summary
from tocsin.review.tables import describe
from tocsin.review.words import Words
from tocsin.slack.notifier import SlackNotifier, web_client
from workflows.crisis import CrisisWorkflow

from .conftest import Start

WEEK = timedelta(days=7)


async def test_the_review_follows_the_close_after_the_playbooks_delay(
    env: WorkflowEnvironment, client: Client, settings: Settings, start: Start
) -> None:
    crisis = crisis_input("retex", review_after=WEEK)
    cid = (await start(crisis)).crisis_id
    for phase in (PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
        await approve(client, cid, "dominique", phase)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await crises.resolve(
        client, cid, ResolveRequest(person="camille", summary="Eau potable."), signed()
    )
    await approve(client, cid, "dominique", PhaseName.CLOSE)
    closed = await wait_status(client, cid, lambda s: s.review_at is not None)
    assert await until_quiet(client, cid)  # the notice of the close goes out in the background
    assert closed.state == "closed"
    assert closed.review_at is not None

    # While the review waits: everyone was told when; the crisis lists as closed; the review
    # can already be read from the running workflow's history; nothing is stored yet.
    told = notices(settings, cid, NotifyKind.CLOSED)
    assert len(told) == 1
    assert told[0].recipient_names == ["Camille Martin", "Dominique Lefèvre", "Sacha Benali"]
    # (`tocsin list` reads this memo; the time-skipping server has no list: test_cli covers it.)
    memo = await (await client.get_workflow_handle(cid).describe()).memo()
    assert memo["ended"] == "closed"
    early = build_review(await fetch_chain(client, cid))
    assert early.status == "closed"
    assert early.closed_at is not None
    assert about_week(closed.review_at - early.closed_at)
    assert not any(e.kind is Kind.REVIEWED for e in early.events)
    paths = review_paths(settings.outbox, cid)
    assert not paths.html.exists()

    await skip(env, client, cid, WEEK + timedelta(minutes=1))
    outcome = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
    assert outcome.status == "closed"

    stored = Review.model_validate_json(paths.json.read_text(encoding="utf-8"))
    assert stored.status == "closed"
    assert stored.figures.statements == 4  # acknowledge, explain, solutions, close
    assert stored.figures.to_first_approval is not None
    assert paths.html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert paths.markdown.read_text(encoding="utf-8").startswith("# ")
    posted = notices(settings, cid, NotifyKind.REVIEW)
    assert len(posted) == 1
    assert posted[0].message == summary(stored)
    assert "Dominique Lefèvre" in posted[0].message
    assert posted[0].recipient_names == told[0].recipient_names

    # The history now says when the review was made and where it is.
    final = build_review(await fetch_chain(client, cid))
    reviewed = [e for e in final.events if e.kind is Kind.REVIEWED]
    assert len(reviewed) == 1
    assert str(paths.html) in reviewed[0].detail
    assert about_week(reviewed[0].at - stored.as_of + WEEK)
    assert final.figures == stored.figures  # the same history up to the close, the same figures


def about_week(value: timedelta) -> bool:
    return abs(value - WEEK) < timedelta(seconds=5)


async def test_a_decision_refused_after_acceptance_is_in_the_review(
    client: Client, start: Start
) -> None:
    """Approve with an edit that brings a personal number: the validator lets it through (edited
    texts are checked in the handler), the handler refuses it; history keeps the failed update
    and the review shows it."""
    cid = (await start(crisis_input("refus"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE))
    assert gate.revision is not None
    edit = TextEdit(
        channel=Channel.SMS,
        language="fr",
        text="Eau non potable. Appelez Mme Bernard au 06 12 34 56 78.",
    )
    request = DecisionRequest(
        person="dominique",
        revision=gate.revision,
        action=DecisionAction.APPROVE_WITH_EDITS,
        edits=[edit],
    )
    with pytest.raises(crises.Refused) as refused:
        await crises.decide(client, cid, request, signed())
    assert refused.value.code == "BlockingFindings"
    review = build_review(await fetch_chain(client, cid))
    assert review.status == "running"
    assert review.figures.refusals == 1
    assert review.decisions == []
    event = next(e for e in review.events if e.kind is Kind.REFUSED)
    assert event.who is not None
    assert event.who.name == "Dominique Lefèvre"
    # What was asked and why it was refused, read back from the failure's type and details,
    # and said in words in each of the review's languages.
    assert event.action is DecisionAction.APPROVE_WITH_EDITS
    assert event.refusal is not None
    assert event.refusal.code == "BlockingFindings"
    assert event.refusal.params["rules"] == "R-PRIVACY"
    french = describe(event, Words("fr"))
    assert "demande\u00a0: approbation avec corrections" in french
    count = event.refusal.params["count"]  # the mobile number, and Mme Bernard herself
    assert count == "2"
    assert f"{count} constat(s) bloquant(s) (R-PRIVACY)" in french
    assert " / " not in french  # one language, not the history's two
    assert "blockierende(r) Befund(e) (R-PRIVACY)" in describe(event, Words("de"))


async def test_a_cancelled_crisis_ends_without_a_review(
    client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("annulee", review_after=WEEK))).crisis_id
    await wait_status(client, cid, lambda s: s.state == "awaiting_approval")
    await crises.cancel(
        client, cid, CancelRequest(person="dominique", reason="Fausse alerte."), signed()
    )
    outcome = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
    assert outcome.status == "cancelled"
    assert not review_paths(settings.outbox, cid).html.parent.exists()
    assert notices(settings, cid, NotifyKind.CLOSED) == []
    review = build_review(await fetch_chain(client, cid))
    assert review.status == "cancelled"
    assert review.cancel_reason == "Fausse alerte."
    assert review.phases[-1].outcome == "cancelled"


async def test_the_summary_goes_to_slack_as_one_message(fake: FakeSlack, tmp_path: Path) -> None:
    slack = fake.settings("CCRISIS")
    notifier = SlackNotifier(web_client(slack), "CCRISIS")
    summary = "Retour d’expérience — Eau non potable (crisis-x)\nÉtat : close.\nRévisions 6"
    request = NotifyRequest(
        crisis_id="crisis-x",
        title="Eau non potable",
        kind=NotifyKind.REVIEW,
        recipients=["camille"],
        recipient_names=["Camille Martin"],
        message=summary,
        idempotency_key="run1-00042-review",
    )
    await notifier.notify(request)
    await notifier.notify(request)  # the activity's retry: the same message, not a second one
    posted = fake.messages["CCRISIS"]
    assert len(posted) == 1
    block = json.dumps(posted[0]["blocks"], ensure_ascii=False)
    assert "*Retour d’expérience — Eau non potable (crisis-x)*" in block
    assert "Révisions 6" in block
