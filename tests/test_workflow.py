"""CrisisWorkflow on Temporal's time-skipping test server: phases, gates, timers, validators."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.crisis import CrisisActivities
from tests.conftest import Start
from tests.helpers import (
    LIBRARY,
    approve,
    awaiting,
    crisis_input,
    files_per_phase,
    history_event_names,
    notices,
    signed,
    skip,
    until_quiet,
    wait_status,
)
from tocsin import crises, names
from tocsin.config import Settings
from tocsin.models import (
    CancelRequest,
    Channel,
    DecisionAction,
    DecisionRequest,
    DraftRequest,
    EventKind,
    FactRequest,
    NotifyKind,
    PhaseName,
    ResolveRequest,
    RetractRequest,
    RevisionRequest,
    TextEdit,
)
from tocsin.outbox import crisis_folder, read_journal, review_paths
from tocsin.preview import preview_requests
from tocsin.review import build_review, fetch_chain
from tocsin.review.model import Kind
from tocsin.worker import build_worker
from workflows.crisis import CrisisWorkflow

FOUR_PHASES = sum(
    files_per_phase(p)
    for p in (PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS, PhaseName.CLOSE)
)
THREE_PHASES = FOUR_PHASES - files_per_phase(PhaseName.CLOSE)


def outbox_files(settings: Settings, crisis_id: str) -> list[Path]:
    """The statements published (not the journal, not the review after the close)."""
    folder = crisis_folder(settings.outbox, crisis_id, exercise=False)
    review = review_paths(settings.outbox, crisis_id).html.parent
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != "journal.jsonl" and p.parent != review
    )


async def test_happy_path_publishes_every_phase_once(
    client: Client, settings: Settings, start: Start
) -> None:
    started = await start(crisis_input("happy"))
    assert not started.existing
    cid = started.crisis_id
    for phase in (PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
        await approve(client, cid, "dominique", phase)
    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up", what="follow-up wait")
    await crises.resolve(
        client, cid, ResolveRequest(person="camille", summary="Eau de nouveau potable."), signed()
    )
    await approve(client, cid, "dominique", PhaseName.CLOSE)
    outcome = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()

    assert outcome.status == "closed"
    assert outcome.decisions == 4
    assert outcome.publications == FOUR_PHASES
    files = outbox_files(settings, cid)
    assert len(files) == FOUR_PHASES
    assert {f.parent.name for f in files} == {
        "2-acknowledge",
        "3-explain",
        "4-solutions",
        "6-close",
    }
    journal = read_journal(crisis_folder(settings.outbox, cid, exercise=False))
    assert len(journal) == len(files)
    assert len({entry["path"] for entry in journal}) == len(files)
    assert {entry["approved_by"] for entry in journal} == {"dominique"}
    close_sms = next(f for f in files if f.parent.name == "6-close" and f.name.startswith("sms."))
    assert "potable" in close_sms.read_text(encoding="utf-8").lower()
    # Every payload of the history is plain JSON, as the stock Temporal UI and CLI read it: the
    # draft requests carry the playbook snapshotted at trigger time, whole.
    history = await client.get_workflow_handle(cid).fetch_history()
    scheduled = [
        attrs
        for event in history.events
        if event.HasField("activity_task_scheduled_event_attributes")
        and (attrs := event.activity_task_scheduled_event_attributes)
    ]
    assert {p.metadata["encoding"] for a in scheduled for p in a.input.payloads} == {b"json/plain"}
    requests = [
        DraftRequest.model_validate_json(a.input.payloads[0].data)
        for a in scheduled
        if a.activity_type.name == names.DRAFT
    ]
    assert [(r.phase, r.playbook.id) for r in requests] == [
        (PhaseName.ACKNOWLEDGE, "eau-non-potable"),
        (PhaseName.EXPLAIN, "eau-non-potable"),
        (PhaseName.SOLUTIONS, "eau-non-potable"),
        (PhaseName.CLOSE, "eau-non-potable"),
    ]


async def test_the_draft_activity_renders_every_channel_of_the_phase(tmp_path: Path) -> None:
    loaded = LIBRARY.load("eau-non-potable")
    request = preview_requests(loaded, LIBRARY.template_folders, {}, [PhaseName.ACKNOWLEDGE])[0]
    acts = CrisisActivities(outbox=tmp_path / "outbox", notifications=tmp_path / "notices")
    draft = await ActivityEnvironment().run(acts.draft, request)
    assert draft.phase is PhaseName.ACKNOWLEDGE
    assert {t.channel for t in draft.texts} == set(loaded.playbook.channels)


async def decide(
    client: Client,
    cid: str,
    person: str,
    revision: int,
    action: DecisionAction = DecisionAction.APPROVE,
    **extra: object,
) -> None:
    await crises.decide(
        client,
        cid,
        DecisionRequest(person=person, revision=revision, action=action, **extra),
        signed(),
    )


async def refused_code(
    client: Client,
    cid: str,
    person: str,
    revision: int,
    action: DecisionAction = DecisionAction.APPROVE,
) -> str:
    with pytest.raises(crises.Refused) as caught:
        await decide(client, cid, person, revision, action)
    return caught.value.code


async def test_reminder_then_escalation_after_the_configured_delays(
    env: WorkflowEnvironment, client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("escalation"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    assert gate.revision is not None
    assert [p.role for p in gate.pending] == ["director"]
    # The deputy may not decide before the escalation.
    assert await refused_code(client, cid, "sacha", gate.revision) == "NotAnApprover"

    # eau-non-potable: acknowledge reminds every 10 min, escalates after 20 min.
    await skip(env, client, cid, timedelta(minutes=10, seconds=30))
    after_reminder = await wait_status(
        client,
        cid,
        lambda s: any(e.kind is EventKind.REMINDER for e in s.events),
        what="reminder",
    )
    assert not any(e.kind is EventKind.ESCALATED for e in after_reminder.events)
    reminder = next(e for e in after_reminder.events if e.kind is EventKind.REMINDER)
    assert reminder.at - gate.detected_at >= timedelta(minutes=10)

    await skip(env, client, cid, timedelta(minutes=10))
    escalated = await wait_status(
        client,
        cid,
        lambda s: [p.role for p in s.pending] == ["director", "deputy_director"],
        what="escalation",
    )
    event = next(e for e in escalated.events if e.kind is EventKind.ESCALATED)
    assert event.detail == "deputy_director"
    assert event.at - gate.detected_at >= timedelta(minutes=20)
    # The card and its escalation show the statement; a reminder only points at the card.
    await until_quiet(client, cid)
    for kind in (NotifyKind.APPROVAL_REQUESTED, NotifyKind.ESCALATION):
        shown = notices(settings, cid, kind)
        assert shown, kind
        assert [n.draft.revision if n.draft else None for n in shown] == [gate.revision] * len(
            shown
        )
    reminders = notices(settings, cid, NotifyKind.REMINDER)
    assert reminders
    assert [n.draft for n in reminders] == [None] * len(reminders)
    # Both the director and now the deputy are asked; the deputy's approval is accepted.
    await decide(client, cid, "sacha", gate.revision)
    explained = await wait_status(client, cid, awaiting(PhaseName.EXPLAIN), what="explain gate")
    decision = explained.decisions[0]
    assert (decision.person, decision.level, decision.roles) == ("sacha", 1, ["deputy_director"])
    assert decision.waited >= timedelta(minutes=20)


async def test_deadline_missed_is_recorded(
    env: WorkflowEnvironment, client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("deadline"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    assert gate.deadline == gate.detected_at + timedelta(hours=1)
    assert not gate.deadline_missed
    await skip(env, client, cid, timedelta(hours=1, minutes=1))
    late = await wait_status(client, cid, lambda s: s.deadline_missed, what="deadline missed")
    assert [e.kind for e in late.events].count(EventKind.DEADLINE_MISSED) == 1
    # Still open for approval after the deadline: late is better than never.
    assert late.state == "awaiting_approval"


async def test_request_changes_then_revise_then_approve(
    client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("changes"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    first = gate.revision
    assert first is not None
    await decide(
        client,
        cid,
        "dominique",
        first,
        DecisionAction.REQUEST_CHANGES,
        comment="Donner l'heure de la distribution dans le SMS.",
    )
    waiting = await wait_status(
        client, cid, lambda s: s.state == "awaiting_revision", what="awaiting revision"
    )
    assert waiting.change_comment == "Donner l'heure de la distribution dans le SMS."
    assert waiting.pending == []
    # Nobody may approve while a revision is awaited.
    assert await refused_code(client, cid, "dominique", first) == "NoGate"

    sms = (
        "Eau non potable : ne la buvez pas. Bouteilles salle des fêtes, 8 h–20 h. "
        "Infos 0 800 123 456."
    )
    revised = await crises.revise(
        client,
        cid,
        RevisionRequest(
            person="camille",
            base_revision=first,
            edits=[TextEdit(channel=Channel.SMS, language="fr", text=sms)],
            note="Heures ajoutées",
        ),
        signed(),
    )
    assert revised.revision == first + 1
    # The old revision can no longer be decided on.
    assert await refused_code(client, cid, "dominique", first) == "StaleRevision"
    await decide(client, cid, "dominique", revised.revision)
    await wait_status(client, cid, awaiting(PhaseName.EXPLAIN), what="explain gate")

    published = crisis_folder(settings.outbox, cid, exercise=False) / "2-acknowledge" / "sms.fr.txt"
    assert published.read_text(encoding="utf-8").strip() == sms
    journal = read_journal(crisis_folder(settings.outbox, cid, exercise=False))
    assert {e["revision"] for e in journal} == {revised.revision}


async def test_approve_with_edits_publishes_the_edited_text(
    client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("edits"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    assert gate.revision is not None
    assert gate.draft is not None
    before = next(t.text for t in gate.draft.texts if t.channel is Channel.X)
    text = "Eau du robinet non potable à Saint-Aubin-sur-Loire. Ne la buvez pas. Point à 12 h."
    # An edit of a text the statement does not have (no Mastodon in this playbook): refused.
    with pytest.raises(crises.Refused) as caught:
        await decide(
            client,
            cid,
            "dominique",
            gate.revision,
            DecisionAction.APPROVE_WITH_EDITS,
            edits=[TextEdit(channel=Channel.MASTODON, language="fr", text=text)],
        )
    assert caught.value.code == "BadEdit"
    await decide(
        client,
        cid,
        "dominique",
        gate.revision,
        DecisionAction.APPROVE_WITH_EDITS,
        edits=[TextEdit(channel=Channel.X, language="fr", text=text)],
    )
    after = await wait_status(client, cid, awaiting(PhaseName.EXPLAIN), what="explain gate")
    edit = after.decisions[0].edits[0]
    assert (edit.channel, edit.before, edit.after) == (Channel.X, before, text)
    published = crisis_folder(settings.outbox, cid, exercise=False) / "2-acknowledge" / "x.fr.txt"
    assert published.read_text(encoding="utf-8").strip() == text


async def test_reject_publishes_nothing_and_moves_on(
    client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("reject"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    assert gate.revision is not None
    await decide(
        client,
        cid,
        "dominique",
        gate.revision,
        DecisionAction.REJECT,
        comment="La préfecture communique seule sur ce point.",
    )
    after = await wait_status(client, cid, awaiting(PhaseName.EXPLAIN), what="explain gate")
    assert after.publications == []
    assert after.decisions[0].action is DecisionAction.REJECT
    assert after.decisions[0].comment == "La préfecture communique seule sur ce point."
    assert not (crisis_folder(settings.outbox, cid, exercise=False) / "2-acknowledge").exists()


async def test_validator_refusals_never_reach_history(
    client: Client, settings: Settings, start: Start
) -> None:
    # Dominique, a director, triggers the crisis and so authors the first draft.
    cid = (await start(crisis_input("validators", person="dominique"))).crisis_id
    handle = client.get_workflow_handle(cid)
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    rev = gate.revision
    assert rev is not None
    assert gate.author == "dominique"
    await until_quiet(client, cid)  # the approval request goes out in the background
    before = await history_event_names(handle)

    assert await refused_code(client, cid, "dominique", rev) == "SelfApproval"
    assert await refused_code(client, cid, "noor", rev) == "NotAnApprover"  # legal adviser
    assert await refused_code(client, cid, "camille", rev) == "NotAnApprover"  # communicator
    assert await refused_code(client, cid, "sacha", rev) == "NotAnApprover"  # not escalated yet
    assert await refused_code(client, cid, "inconnu", rev) == "UnknownPerson"
    assert await refused_code(client, cid, "dominique", rev + 1) == "StaleRevision"
    with pytest.raises(crises.Refused) as caught:
        await crises.revise(
            client, cid, RevisionRequest(person="camille", base_revision=rev), signed()
        )
    assert caught.value.code == "NotAwaitingRevision"
    with pytest.raises(crises.Refused) as caught:
        await crises.resolve(client, cid, ResolveRequest(person="inconnu"), signed())
    assert caught.value.code == "UnknownPerson"

    after = await history_event_names(handle)

    # The validators run in workflow tasks; the time-skipping server records those tasks where
    # a full server drops them. Nothing else may appear: no accepted update, no new command.
    def meaningful(names: list[str]) -> list[str]:
        return [n for n in names if not n.startswith("workflow_task_")]

    assert meaningful(after) == meaningful(before), "a refused update left a trace in history"
    assert "workflow_execution_update_accepted_event_attributes" not in after
    current = await crises.status(client, cid)
    assert current.decisions == []
    assert current.revision == rev
    # Where the crisis stands, without the draft's texts: what a poller of many crises asks.
    brief = await crises.status(client, cid, events=False, draft=False)
    assert current.draft is not None
    assert current.events
    assert brief.draft is None
    assert brief.events == []
    assert brief.model_dump(exclude={"draft", "events"}) == current.model_dump(
        exclude={"draft", "events"}
    )


async def test_follow_ups_keep_the_cadence_until_resolved(
    env: WorkflowEnvironment, client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("cadence"))).crisis_id
    for phase in (PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN):
        await approve(client, cid, "dominique", phase)
    solutions = await wait_status(client, cid, awaiting(PhaseName.SOLUTIONS), what="solutions")
    assert solutions.draft is not None
    promised = solutions.draft.next_update_at
    assert promised is not None
    await approve(client, cid, "dominique", PhaseName.SOLUTIONS)
    waiting = await wait_status(
        client, cid, lambda s: s.state == "waiting_follow_up", what="follow-up wait"
    )
    assert waiting.next_update_at == promised

    starts = []
    for number in (1, 2):
        current = await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
        assert current.next_update_at is not None
        await skip(env, client, cid, timedelta(hours=2, minutes=5))
        gate = await wait_status(
            client, cid, awaiting(PhaseName.FOLLOW_UP, number), what=f"follow-up {number}"
        )
        started = next(
            e
            for e in gate.events
            if e.kind is EventKind.PHASE_STARTED
            and e.phase is PhaseName.FOLLOW_UP
            and e.sequence == number
        )
        # The follow-up comes at the time the previous statement announced, not before.
        assert started.at >= current.next_update_at
        assert started.at - current.next_update_at < timedelta(minutes=5)
        starts.append(started.at)
        await approve(client, cid, "dominique", PhaseName.FOLLOW_UP, number)
    assert timedelta(hours=1, minutes=55) <= starts[1] - starts[0] <= timedelta(hours=2, minutes=10)

    await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
    await crises.resolve(
        client, cid, ResolveRequest(person="camille", summary="Levée de la restriction."), signed()
    )
    await approve(client, cid, "dominique", PhaseName.CLOSE)
    outcome = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
    assert outcome.status == "closed"
    steps = {f.parent.name for f in outbox_files(settings, cid)}
    assert {"5-follow_up-01", "5-follow_up-02", "6-close"} <= steps
    assert "5-follow_up-03" not in steps


async def test_cancel_ends_the_crisis_and_refuses_later_updates(
    client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("cancel"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    assert gate.revision is not None
    await crises.cancel(
        client,
        cid,
        CancelRequest(person="dominique", reason="Fausse alerte : analyse conforme."),
        signed(),
    )
    outcome = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
    assert outcome.status == "cancelled"
    assert outcome.publications == 0
    with pytest.raises(crises.Refused) as caught:
        await decide(client, cid, "dominique", gate.revision)
    assert caught.value.code == "Ended"
    assert not crisis_folder(settings.outbox, cid, exercise=False).exists()


async def refused(call: Awaitable[object]) -> str:
    with pytest.raises(crises.Refused) as caught:
        await call
    return caught.value.code


async def test_after_a_publication_only_a_retraction_ends_the_crisis(
    client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("retract"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    assert gate.revision is not None
    reason = "L’analyse de l’ARS était erronée : l’eau est potable."
    # Nothing went out yet: there is nothing to retract (a cancel would do).
    early = crises.retract(client, cid, RetractRequest(person="dominique", reason=reason), signed())
    assert await refused(early) == "NothingPublished"
    await decide(client, cid, "dominique", gate.revision)
    explain = await wait_status(client, cid, awaiting(PhaseName.EXPLAIN), what="explain gate")
    # Once the public was told, a cancel would leave it told: refused.
    cancel = crises.cancel(client, cid, CancelRequest(person="dominique", reason=reason), signed())
    assert await refused(cancel) == "AlreadyPublished"
    # Only the roles the playbook names for it may retract (`ending.cancel`).
    author = crises.retract(client, cid, RetractRequest(person="camille", reason=reason), signed())
    assert await refused(author) == "NotAnEnder"
    await crises.retract(client, cid, RetractRequest(person="sacha", reason=reason), signed())
    # The explanation waiting for approval is withdrawn; the close, which says so, is drafted.
    close = await wait_status(client, cid, awaiting(PhaseName.CLOSE), what="close gate")
    assert close.retracted
    assert close.revision is not None
    assert close.revision > (explain.revision or 0)
    twice = crises.retract(client, cid, RetractRequest(person="dominique", reason=reason), signed())
    assert await refused(twice) == "AlreadyRetracted"
    resolve = crises.resolve(client, cid, ResolveRequest(person="dominique"), signed())
    assert await refused(resolve) == "AlreadyRetracted"
    assert await refused_code(client, cid, "dominique", explain.revision or 0) == "StaleRevision"
    await decide(client, cid, "dominique", close.revision)
    outcome = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
    assert outcome.status == "retracted"
    folder = crisis_folder(settings.outbox, cid, exercise=False)
    published = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert published == ["2-acknowledge", "6-close", "7-retex"]
    # What the public reads last: the alert is withdrawn, and why (not « the water is safe
    # again », the playbook's usual close).
    close_sms = (folder / "6-close" / "sms.fr.txt").read_text(encoding="utf-8")
    assert "alerte annulée" in close_sms
    close_page = (folder / "6-close" / "website.fr.html").read_text(encoding="utf-8")
    assert "Message annulé" in close_page
    assert "L’analyse de l’ARS était erronée" in close_page
    final = await crises.status(client, cid)
    assert final.state == "retracted"
    kinds = [e.kind for e in final.events]
    assert kinds.index(EventKind.RETRACTED) < len(kinds) - kinds[::-1].index(EventKind.PUBLISHED), (
        "the retraction is published after it is recorded"
    )
    retraction = next(e for e in final.events if e.kind is EventKind.RETRACTED)
    assert (retraction.person, retraction.detail) == ("sacha", reason)
    # The review, from history, says who retracted what and why.
    review = build_review(await fetch_chain(client, cid))
    assert review.retraction == reason
    retracted = next(e for e in review.events if e.kind is Kind.RETRACTED)
    assert retracted.who is not None
    assert retracted.who.name == "Sacha Benali"


async def test_a_revision_that_changes_nothing_is_refused(
    client: Client, settings: Settings, start: Start
) -> None:
    cid = (await start(crisis_input("same"))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    first = gate.revision
    assert first is not None
    assert gate.draft is not None
    await decide(
        client, cid, "dominique", first, DecisionAction.REQUEST_CHANGES, comment="Plus court."
    )
    await wait_status(client, cid, lambda s: s.state == "awaiting_revision", what="revision")
    sms = gate.draft.text_for(Channel.SMS, "fr")
    assert sms
    same = RevisionRequest(
        person="camille",
        base_revision=first,
        edits=[TextEdit(channel=Channel.SMS, language="fr", text=sms)],
    )
    assert await refused(crises.revise(client, cid, same, signed())) == "SameRevision"
    redraft = RevisionRequest(person="camille", base_revision=first, note="Sans changement")
    assert await refused(crises.revise(client, cid, redraft, signed())) == "SameRevision"
    # A fact added since the draft makes a redraft a real revision.
    await crises.add_fact(
        client, cid, FactRequest(person="camille", text="La distribution ouvre à 7 h 30."), signed()
    )
    revised = await crises.revise(client, cid, redraft, signed())
    assert revised.revision == first + 1


async def test_duplicate_trigger_lands_on_the_running_crisis(
    client: Client, settings: Settings, start: Start
) -> None:
    first = await start(crisis_input("duplicate"))
    second = await start(crisis_input("duplicate", person="sacha"))
    assert not first.existing
    assert second.existing
    assert second.crisis_id == first.crisis_id
    assert second.run_id == first.run_id
    current = await crises.status(client, first.crisis_id)
    assert current.events[0].kind is EventKind.DETECTED
    assert current.events[0].person == "camille"
    assert [e.kind for e in current.events].count(EventKind.DETECTED) == 1
    # The same key with other values is another crisis, most likely: said, nothing started.
    other = crisis_input("duplicate", params={"commune": "Vireux", "hotline": "0 800 999 999"})
    with pytest.raises(crises.DifferentParameters) as caught:
        await crises.trigger(client, settings, other, signed())
    assert caught.value.names == ["commune", "hotline"]


async def test_continue_as_new_carries_the_state_whole(
    client: Client, settings: Settings, start: Start
) -> None:
    first = await start(crisis_input("long", max_history_events=100))
    cid = first.crisis_id
    await crises.add_fact(
        client,
        cid,
        FactRequest(person="camille", text="Analyses complémentaires lancées."),
        signed(),
    )
    for phase in (PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
        await approve(client, cid, "dominique", phase)
    after = await wait_status(
        client, cid, lambda s: s.runs >= 2 and s.state == "waiting_follow_up", what="new run"
    )
    assert [d.phase for d in after.decisions] == [
        PhaseName.ACKNOWLEDGE,
        PhaseName.EXPLAIN,
        PhaseName.SOLUTIONS,
    ]
    assert len(after.publications) == THREE_PHASES
    assert [f.text for f in after.facts] == ["Analyses complémentaires lancées."]
    # The fact, added before the first approval, is in every statement drafted after it.
    folder = crisis_folder(settings.outbox, cid, exercise=False)
    for step in ("3-explain", "4-solutions"):
        for name in ("website.fr.html", "press_release.fr.md", "facebook.fr.txt"):
            text = (folder / step / name).read_text(encoding="utf-8")
            assert "Analyses complémentaires lancées." in text, (step, name)
    assert after.detected_at == after.events[0].at
    assert any(e.kind is EventKind.CONTINUED for e in after.events)
    # The run that continued really was a new run of the same workflow id.
    description = await client.get_workflow_handle(cid).describe()
    assert description.run_id != first.run_id
    assert (await description.memo())["title"] == "Eau non potable"

    await crises.resolve(client, cid, ResolveRequest(person="camille"), signed())
    await approve(client, cid, "dominique", PhaseName.CLOSE)
    outcome = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).result()
    assert outcome.runs >= after.runs >= 2
    assert outcome.publications == FOUR_PHASES
    assert outcome.decisions == 4


async def test_a_gate_left_open_for_hours_is_carried_to_new_runs(
    env: WorkflowEnvironment, client: Client, settings: Settings, start: Start
) -> None:
    """A director away for three hours: reminders every 10 min would grow one run without
    bound. The gate goes to a new run once the history passes its limit, and waits on there
    with the same draft, level, deadline and reminder rhythm."""
    limit = 100
    cid = (await start(crisis_input("open-gate", max_history_events=limit))).crisis_id
    gate = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="acknowledge gate")
    # 3 hours, a reminder's worth at a time, each skip landing 30 s past a reminder's time and
    # the crisis settled before the next: the time-skipping server strands a run whose task
    # cancels a timer that fired while the task was with the worker (sdk-java#3088).
    for span in [timedelta(seconds=30)] + [timedelta(minutes=10)] * 18:
        await skip(env, client, cid, span)
    moved = await wait_status(
        client,
        cid,
        lambda s: s.runs >= 3 and len([e for e in s.events if e.kind is EventKind.REMINDER]) >= 15,
        what="the gate in a third run",
    )
    assert (moved.state, moved.phase, moved.revision) == (
        "awaiting_approval",
        PhaseName.ACKNOWLEDGE,
        gate.revision,
    )
    kinds = [e.kind for e in moved.events]
    assert kinds.count(EventKind.DRAFTED) == 1  # never drafted again in a new run
    assert kinds.count(EventKind.ESCALATED) == 1
    assert kinds.count(EventKind.DEADLINE_MISSED) == 1
    assert kinds.count(EventKind.CONTINUED) == moved.runs - 1
    # The rhythm holds across runs: 10 minutes between reminders and escalations, none twice.
    asked = [e.at for e in moved.events if e.kind in (EventKind.REMINDER, EventKind.ESCALATED)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(asked)]
    # (to the second: a timer fires a few milliseconds either side of its time)
    assert all(timedelta(seconds=599) <= gap < timedelta(seconds=601) for gap in gaps), gaps
    assert [p.role for p in moved.pending] == ["director", "deputy_director"]

    assert gate.revision is not None
    await decide(client, cid, "sacha", gate.revision)
    await wait_status(client, cid, awaiting(PhaseName.EXPLAIN), what="explain gate")
    # Settled, the explain gate may have gone to a new run of its own: count the runs then.
    await until_quiet(client, cid)
    explained = await wait_status(client, cid, awaiting(PhaseName.EXPLAIN), what="explain gate")
    decision = explained.decisions[0]
    assert (decision.person, decision.level) == ("sacha", 1)
    assert decision.waited >= timedelta(hours=3)
    assert len(outbox_files(settings, cid)) == files_per_phase(PhaseName.ACKNOWLEDGE)

    chain = await fetch_chain(client, cid)
    assert len(chain) == explained.runs
    # Each run stays near its limit: checked between timers, never far past it.
    assert all(len(run.events) < limit + 40 for run in chain), [len(r.events) for r in chain]
    review = build_review(chain)
    acknowledge = next(p for p in review.phases if p.phase is PhaseName.ACKNOWLEDGE)
    assert acknowledge.approver is not None
    assert acknowledge.approver.id == "sacha"
    assert review.figures.reminders == kinds.count(EventKind.REMINDER)
    assert review.figures.escalations == 1


async def test_the_worker_keeps_as_many_crises_as_configured(
    client: Client, settings: Settings
) -> None:
    """TOCSIN_MAX_CACHED_CRISES bounds a worker's memory: it is the SDK's sticky cache."""
    assert Settings.from_env({}).max_cached_crises == 1000
    bounded = build_worker(
        client,
        settings.model_copy(update={"max_cached_crises": 7}),
        task_queue=f"{settings.task_queue}-bounded",  # the fixture's worker holds the queue
    )
    async with bounded:
        assert bounded.config()["max_cached_workflows"] == 7
