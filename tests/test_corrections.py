"""Corrections and retractions of what the public was given, through the workflow, on the same
platforms as tests/test_publishing_workflow.py: the Mastodon fake (no Mastodon server installs
here), a real SMTP server (aiosmtpd, STARTTLS and AUTH), a webhook receiver that checks the
Standard Webhooks signatures, the status site's folder. A correction goes through its own gate
(four eyes, guardrails); a retraction takes down what a platform lets us delete."""

from __future__ import annotations

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.helpers import approve, crisis_input, signed, wait_status
from tests.test_publishing_workflow import (  # noqa: F401  (the fixtures, by name)
    AUTHOR,
    DIRECTOR,
    PLAYBOOK,
    Platforms,
    _posted,
    local_fixture,
    platforms_fixture,
    smtp_fixture,
)
from tocsin import crises
from tocsin.config import Settings
from tocsin.models import (
    Channel,
    CorrectionRequest,
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    FactRequest,
    PhaseName,
    RetractRequest,
    RevisionRequest,
    TextEdit,
)
from tocsin.models.delivery import DeliveryStatus, TaskDoneRequest, TaskReason, TaskStatus
from tocsin.publish.models import Action
from tocsin.worker import build_worker

CORRECTED = "Usine Chimie-Nord : confinement levé à 11 h. Numéro d’information : 0 800 00 00 00."


def _edits(channels: list[Channel]) -> list[TextEdit]:
    return [TextEdit(channel=c, language="fr", text=f"{CORRECTED} ({c.value})") for c in channels]


def _corrections_settled(found: CrisisStatus) -> bool:
    mine = [d for d in found.deliveries if d.action is Action.CORRECT]
    return len(mine) == 4 and all(d.status is DeliveryStatus.PUBLISHED for d in mine)


async def test_a_correction_is_approved_by_another_then_each_platform_shows_it(
    env: WorkflowEnvironment, platforms: Platforms, local: Settings
) -> None:
    async with build_worker(env.client, local, accounts=platforms.accounts):
        client = env.client
        started = await crises.trigger(
            client, local, crisis_input("erreur", playbook=PLAYBOOK), signed()
        )
        cid = started.crisis_id
        await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)
        first = await _posted(client, cid, PhaseName.ACKNOWLEDGE, 4)
        tasks = {t.channel: t for t in first.tasks}
        await crises.task_done(
            client,
            cid,
            TaskDoneRequest(person=AUTHOR, task=tasks[Channel.RADIO].id, note="lu"),
            signed(),
        )
        x_url = "https://x.com/prefecture/status/1"
        await crises.task_done(
            client,
            cid,
            TaskDoneRequest(person=AUTHOR, task=tasks[Channel.X].id, url=x_url),
            signed(),
        )
        # The next phase's gate is open when the error is seen.
        await wait_status(
            client,
            cid,
            lambda s: s.state == "awaiting_approval" and s.phase is PhaseName.EXPLAIN,
            what="explain gate",
        )
        toot_before = next(iter(platforms.mastodon.statuses.values()))
        old_toot = toot_before.text

        # Refused: a statement never published, a director (not an author), no change at all.
        channels = [
            Channel.MASTODON,
            Channel.SMS,
            Channel.PRESS_RELEASE,
            Channel.WEBSITE,
            Channel.X,
            Channel.RADIO,
            Channel.FACEBOOK,
        ]
        request = CorrectionRequest(
            person=AUTHOR,
            phase=PhaseName.ACKNOWLEDGE,
            edits=_edits(channels),
            reason="mauvais numéro d’information",
        )
        for wrong, code in (
            (request.model_copy(update={"phase": PhaseName.EXPLAIN}), "NotPublished"),
            (request.model_copy(update={"person": DIRECTOR}), "NotAnAuthor"),
            (request.model_copy(update={"person": "intrus"}), "UnknownPerson"),
        ):
            with pytest.raises(crises.Refused) as refused:
                await crises.correct(client, cid, wrong, signed())
            assert refused.value.code == code

        opened = await crises.correct(client, cid, request, signed())
        assert (opened.phase, opened.sequence) == (PhaseName.ACKNOWLEDGE, 0)
        with pytest.raises(crises.Refused) as refused:
            await crises.correct(client, cid, request, signed())
        assert refused.value.code == "CorrectionPending"
        waiting = await wait_status(
            client, cid, lambda s: s.revision == opened.revision, what="the correction's gate"
        )
        assert waiting.state == "awaiting_approval"
        assert (waiting.correction, waiting.correction_reason) == (1, request.reason)
        assert waiting.draft is not None
        assert {(t.channel, t.text) for t in waiting.draft.texts} == {
            (e.channel, e.text) for e in request.edits
        }
        assert "mauvais numéro" in waiting.draft.note
        # Four eyes: its author may not approve it.
        with pytest.raises(crises.Refused) as refused:
            await crises.decide(
                client,
                cid,
                DecisionRequest(
                    person=AUTHOR, revision=opened.revision, action=DecisionAction.APPROVE
                ),
                signed(),
            )
        assert refused.value.code in {"SelfApproval", "NotAnApprover"}
        # Changes asked: a new revision of a correction edits its texts (a redraft would bring
        # the whole phase back).
        await crises.decide(
            client,
            cid,
            DecisionRequest(
                person=DIRECTOR,
                revision=opened.revision,
                action=DecisionAction.REQUEST_CHANGES,
                comment="précisez l’heure",
            ),
            signed(),
        )
        await wait_status(client, cid, lambda s: s.state == "awaiting_revision", what="revision")
        # Even with a new fact (which lets a phase's statement be redrafted).
        await crises.add_fact(
            client,
            cid,
            FactRequest(person=AUTHOR, text="Le confinement est levé à 11 h."),
            signed(),
        )
        with pytest.raises(crises.Refused) as refused:
            await crises.revise(
                client,
                cid,
                RevisionRequest(person=AUTHOR, base_revision=opened.revision),
                signed(),
            )
        assert refused.value.code == "SameRevision"
        revised = await crises.revise(
            client,
            cid,
            RevisionRequest(
                person=AUTHOR,
                base_revision=opened.revision,
                edits=[
                    request.edits[0].model_copy(update={"text": f"{CORRECTED} (mastodon) 11 h"})
                ],
            ),
            signed(),
        )
        assert revised.phase is PhaseName.ACKNOWLEDGE
        await crises.decide(
            client,
            cid,
            DecisionRequest(
                person=DIRECTOR, revision=revised.revision, action=DecisionAction.APPROVE
            ),
            signed(),
        )
        found = await wait_status(client, cid, _corrections_settled, what="the corrections")

        # Mastodon: the same post, edited, its first text in its history.
        (toot,) = platforms.mastodon.statuses.values()
        assert toot.id == toot_before.id
        assert toot.text == f"{CORRECTED} (mastodon) 11 h"
        assert toot.history == [old_toot]
        # E-mail: a second message, answering the first.
        first_mail, correction_mail = platforms.smtp.handler.received
        assert correction_mail.message["In-Reply-To"] == first_mail.message["Message-ID"]
        assert "Correction" in str(correction_mail.message["Subject"])
        # The gateway: a signed event naming what it corrects.
        kinds = sorted(e["type"] for e in platforms.hook.events.values())
        assert kinds == ["statement.corrected", "statement.published"]
        assert platforms.hook.refused == 0
        # The site: the new text, and the old one still readable.
        page = next(
            d
            for d in found.deliveries
            if d.channel is Channel.WEBSITE and d.action is Action.CORRECT
        )
        assert page.url is not None
        html = platforms.site / page.url.removeprefix("https://crise.example.fr/").split("#")[0]
        served = " ".join(html.read_text(encoding="utf-8").split())  # no-break spaces too
        assert f"{CORRECTED} (website)" in served
        assert "Mis à jour le" in served
        assert "correction" in served

        # By hand: the texts already out get a correction task, the one not yet out is replaced.
        after = {t.id: t for t in found.tasks}
        assert after[tasks[Channel.FACEBOOK].id].status is TaskStatus.SUPERSEDED
        fresh = {
            t.channel: t
            for t in found.tasks
            if t.revision == revised.revision and t.status is TaskStatus.OPEN
        }
        assert fresh[Channel.X].reason is TaskReason.CORRECTION
        assert fresh[Channel.RADIO].reason is TaskReason.CORRECTION
        assert fresh[Channel.FACEBOOK].reason is TaskReason.MANUAL
        assert fresh[Channel.FACEBOOK].text == f"{CORRECTED} (facebook)"

        # The phase's gate waited meanwhile, and goes on.
        await approve(client, cid, DIRECTOR, PhaseName.EXPLAIN)
        await _posted(client, cid, PhaseName.EXPLAIN, 3)
        await client.get_workflow_handle(cid).terminate("test over")


async def test_an_approved_retraction_takes_down_what_the_platforms_allow(
    env: WorkflowEnvironment, platforms: Platforms, local: Settings
) -> None:
    async with build_worker(env.client, local, accounts=platforms.accounts):
        client = env.client
        started = await crises.trigger(
            client, local, crisis_input("faux", playbook=PLAYBOOK), signed()
        )
        cid = started.crisis_id
        await approve(client, cid, DIRECTOR, PhaseName.ACKNOWLEDGE)
        first = await _posted(client, cid, PhaseName.ACKNOWLEDGE, 4)
        x_task = next(t for t in first.tasks if t.channel is Channel.X)
        x_url = "https://x.com/prefecture/status/2"
        await crises.task_done(
            client, cid, TaskDoneRequest(person=AUTHOR, task=x_task.id, url=x_url), signed()
        )
        (toot,) = platforms.mastodon.statuses.values()

        await crises.retract(
            client,
            cid,
            RetractRequest(person=DIRECTOR, reason="fausse alerte : capteur en panne"),
            signed(),
        )
        # Nothing is taken down before the retraction statement is approved.
        await wait_status(
            client,
            cid,
            lambda s: s.state == "awaiting_approval" and s.phase is PhaseName.CLOSE,
            what="the retraction statement's gate",
        )
        assert toot.id in platforms.mastodon.statuses
        await approve(client, cid, DIRECTOR, PhaseName.CLOSE)

        def settled(found: CrisisStatus) -> bool:
            closing = [d for d in found.deliveries if d.phase is PhaseName.CLOSE]
            down = [d for d in found.deliveries if d.action is Action.RETRACT]
            return (
                len(down) == 3
                and bool(closing)
                and all(d.status is DeliveryStatus.PUBLISHED for d in down + closing)
            )

        found = await wait_status(client, cid, settled, what="the take-downs", within=60)
        down = {d.kind.value for d in found.deliveries if d.action is Action.RETRACT}
        assert down == {"mastodon", "webhook", "status_site"}  # an e-mail cannot be unsent
        assert toot.id in platforms.mastodon.deleted
        # The retraction statement is a post of its own, not a reply to the deleted one.
        (closing,) = platforms.mastodon.statuses.values()
        assert closing.in_reply_to_id is None
        assert "statement.retracted" in {e["type"] for e in platforms.hook.events.values()}
        # The page published by hand: someone is asked to take it down.
        (take_down,) = [t for t in found.tasks if t.reason is TaskReason.RETRACTION]
        assert take_down.channel is Channel.X
        assert x_url in take_down.text
        assert take_down.status is TaskStatus.OPEN
        # The site shows the statement as withdrawn, with the retraction statement.
        page = next(d for d in found.deliveries if d.channel is Channel.WEBSITE)
        assert page.url is not None
        html = platforms.site / page.url.removeprefix("https://crise.example.fr/").split("#")[0]
        served = html.read_text(encoding="utf-8")
        assert served.count('class="retracted"') == 1
        ended = await client.get_workflow_handle(cid).result()
        assert ended["status"] == "retracted"
