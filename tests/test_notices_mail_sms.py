"""Notices without Slack (issue 26): a director is told by e-mail, through a real SMTP server in
process (aiosmtpd, STARTTLS and AUTH), with the console's link and the texts; an escalation
reaches the next approvers by SMS through the gateway's webhook (verified by the Standard
Webhooks reference implementation) when the playbook says so. Each notice is sent once
whatever the retries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.crisis import CrisisActivities
from tests.conftest import Start
from tests.helpers import awaiting, crisis_input, skip, until, wait_status
from tests.test_publish_mail import PASSWORD, Smtp, _account, smtp_server
from tests.webhook_receiver import SECRET, Receiver
from tocsin.config import Settings
from tocsin.mailnotify import MailNotifier, NoticeAccountError, mail_notifier
from tocsin.models import CrisisInput, NotifyKind, NotifyRequest, PhaseName
from tocsin.publish.accounts import Accounts, WebhookAccount
from tocsin.worker import build_worker

CONSOLE = "https://crise.example.fr/console"


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[Smtp]:
    with smtp_server(tmp_path) as server:
        yield server


def _accounts(smtp: Smtp) -> Accounts:
    return Accounts(None, {"avis": _account(smtp, to=["nobody@example.fr"])}, {})


def _with_emails(crisis: CrisisInput) -> CrisisInput:
    people = dict(crisis.playbook.people)
    people["dominique"] = people["dominique"].model_copy(
        update={"email": "dominique.lefevre@example.fr"}
    )
    people["sacha"] = people["sacha"].model_copy(update={"email": "sacha.benali@example.fr"})
    playbook = crisis.playbook.model_copy(update={"people": people})
    return crisis.model_copy(update={"playbook": playbook})


def _to(smtp: Smtp, address: str) -> list[str]:
    return [str(r.message["Subject"]) for r in smtp.handler.received if address in r.recipients]


async def test_the_director_without_slack_is_asked_reminded_and_the_deputy_told(
    env: WorkflowEnvironment,
    settings: Settings,
    smtp: Smtp,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("TOCSIN_NOTICE_ACCOUNT", "avis")
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("TOCSIN_CONSOLE_URL", CONSOLE)
    async with build_worker(env.client, settings, accounts=_accounts(smtp)):
        start = Start(env.client, settings)
        try:
            cid = (await start(_with_emails(crisis_input("courriel")))).crisis_id
            await wait_status(env.client, cid, awaiting(PhaseName.ACKNOWLEDGE))
            director = "dominique.lefevre@example.fr"
            await until(lambda: _to(smtp, director), 30, "the approval request's e-mail")
            asked = next(r for r in smtp.handler.received if director in r.recipients)
            assert asked.tls
            assert asked.authenticated
            body = asked.message.get_content()
            assert f"{CONSOLE}/crises/{cid}" in body, body
            assert "SMS" in body  # the texts that wait, each named
            assert asked.message["Message-ID"].startswith("<notice-")
            # The reminder, then the escalation to the deputy, each an e-mail of its own.
            await skip(env, env.client, cid, timedelta(minutes=31))
            deputy = "sacha.benali@example.fr"
            await until(lambda: _to(smtp, deputy), 30, "the escalation's e-mail")
            assert len(_to(smtp, director)) >= 2, _to(smtp, director)
            ids = [str(r.message["Message-ID"]) for r in smtp.handler.received]
            assert len(ids) == len(set(ids)), ids
            # Camille, the author, has no address: told elsewhere, never by e-mail.
            assert not any("camille" in " ".join(r.recipients) for r in smtp.handler.received)
        finally:
            await start.cleanup()


async def test_a_retried_notice_sends_one_e_mail(smtp: Smtp, tmp_path: Path) -> None:
    account = _account(smtp, to=["x@example.fr"])
    notifier = MailNotifier("avis", account, SecretStr(PASSWORD), CONSOLE)
    acts = CrisisActivities(tmp_path / "outbox", tmp_path / "notices", mail=notifier)
    request = NotifyRequest(
        crisis_id="crisis-eau-non-potable-x",
        title="Eau non potable",
        kind=NotifyKind.APPROVAL_REQUESTED,
        phase=PhaseName.ACKNOWLEDGE,
        revision=1,
        recipients=["dominique"],
        recipient_names=["Dominique Lefèvre"],
        recipient_emails=["dominique.lefevre@example.fr"],
        message="Approbation demandée — Eau non potable, révision 1.",
        idempotency_key="run1-00001-approval_requested",
    )
    for _ in range(3):
        await ActivityEnvironment().run(acts.notify, request)
    assert len(smtp.handler.received) == 1
    # A notice that asks nothing (a publication) is not e-mailed.
    told = request.model_copy(update={"kind": NotifyKind.PUBLISHED, "idempotency_key": "k2"})
    await ActivityEnvironment().run(acts.notify, told)
    assert len(smtp.handler.received) == 1


def test_a_notice_account_that_is_not_an_e_mail_account_is_named(smtp: Smtp) -> None:
    with pytest.raises(NoticeAccountError) as caught:
        mail_notifier(_accounts(smtp), {"TOCSIN_NOTICE_ACCOUNT": "presse"})
    assert (caught.value.name, caught.value.known) == ("presse", ["avis"])
    assert mail_notifier(_accounts(smtp), {}) is None


async def test_an_escalation_reaches_the_deputy_by_sms_when_the_playbook_says_so(
    env: WorkflowEnvironment, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = Receiver()
    await receiver.start()
    account = WebhookAccount.model_validate(
        {"kind": "webhook", "url": receiver.url, "secret_env": "GW_SECRET"}
    )
    monkeypatch.setenv("TOCSIN_SMS_NOTICE_ACCOUNT", "passerelle")
    monkeypatch.setenv("GW_SECRET", SECRET)
    monkeypatch.setenv("TOCSIN_CONSOLE_URL", CONSOLE)
    crisis = crisis_input("sms")
    people = dict(crisis.playbook.people)
    people["sacha"] = people["sacha"].model_copy(update={"phone": "+33612345678"})
    people["dominique"] = people["dominique"].model_copy(update={"phone": "+33698765432"})
    phases = dict(crisis.playbook.phases)
    ack = phases[PhaseName.ACKNOWLEDGE]
    assert ack.approval is not None
    phases[PhaseName.ACKNOWLEDGE] = ack.model_copy(
        update={"approval": ack.approval.model_copy(update={"sms_escalation": True})}
    )
    playbook = crisis.playbook.model_copy(update={"people": people, "phases": phases})
    crisis = crisis.model_copy(update={"playbook": playbook})
    accounts = Accounts(None, {"passerelle": account}, {})
    try:
        async with build_worker(env.client, settings, accounts=accounts):
            start = Start(env.client, settings)
            try:
                cid = (await start(crisis)).crisis_id
                await wait_status(env.client, cid, awaiting(PhaseName.ACKNOWLEDGE))
                await skip(env, env.client, cid, timedelta(minutes=16))
                # The request and its reminder ask the director: never by SMS.
                assert receiver.deliveries == []
                await skip(env, env.client, cid, timedelta(minutes=15))
                await until(lambda: receiver.deliveries, 30, "the escalation's SMS")
            finally:
                await start.cleanup()
    finally:
        await receiver.stop()
    [sent] = receiver.deliveries
    assert sent.body["type"] == "notice.escalation"
    data = sent.body["data"]
    assert data["to"] == ["+33612345678"]  # the deputy, whose turn it is now
    assert f"{CONSOLE}/crises/{cid}" in data["text"]
    assert len(data["text"]) <= 300
    assert sent.id.startswith("notice-")
    assert receiver.refused == 0
