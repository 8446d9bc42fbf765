"""Guardrails inside a crisis, on the time-skipping server: a blocking finding stops approval;
an allowed role overrides it with a written justification, which the history keeps; edited
texts are checked again before anything is recorded."""

from __future__ import annotations

import json

from temporalio.client import Client

from tests.conftest import Start
from tests.helpers import LIBRARY, awaiting, crisis_input, signed, wait_status
from tocsin import crises
from tocsin.models import (
    Channel,
    CrisisInput,
    DecisionAction,
    DecisionRequest,
    EventKind,
    PhaseName,
    TextEdit,
)
from workflows.crisis import CrisisWorkflow

PERSONAL = "salle des fêtes ; livraisons : Mme Bernard au 06 12 34 56 78"
OVERRIDE = "Numéro de la déléguée de quartier, publié avec son accord écrit du 24/11."


def with_personal_number(key: str) -> CrisisInput:
    return crisis_input(key, params={"lieu_distribution": PERSONAL})


async def refused(client: Client, cid: str, request: DecisionRequest) -> crises.Refused:
    try:
        await crises.decide(client, cid, request, signed())
    except crises.Refused as exc:
        return exc
    raise AssertionError("the decision was accepted")


async def test_blocking_finding_stops_approval_until_an_allowed_override(
    client: Client, start: Start
) -> None:
    cid = (await start(with_personal_number("override"))).crisis_id
    status = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="gate")
    assert status.draft is not None
    assert status.revision is not None
    blocking = status.draft.blocking()
    assert blocking, "the mobile number must be a blocking finding"
    assert {f.rule for f in blocking} == {"R-PRIVACY"}
    item = blocking[0]
    text = status.draft.text_for(item.channel or Channel.X, item.language)
    assert text is not None
    assert text[item.start : item.end] == "06 12 34 56 78"
    rev = status.revision

    plain = DecisionRequest(person="dominique", revision=rev, action=DecisionAction.APPROVE)
    exc = await refused(client, cid, plain)
    assert exc.code == "BlockingFindings"
    assert "R-PRIVACY" in exc.params["rules"]
    # The deputy is not yet an approver (no escalation); the legal adviser holds no approver
    # role; the author may never approve; a too short reason is refused.
    exc = await refused(
        client, cid, plain.model_copy(update={"person": "noor", "override": OVERRIDE})
    )
    assert exc.code == "NotAnApprover"
    exc = await refused(client, cid, plain.model_copy(update={"override": "ok"}))
    assert exc.code == "OverrideReason"
    status = await crises.status(client, cid)
    assert status.decisions == []
    assert status.state == "awaiting_approval"

    decision = await crises.decide(
        client, cid, plain.model_copy(update={"override": OVERRIDE}), signed()
    )
    assert decision.override is not None
    assert decision.override.rules == ["R-PRIVACY"]
    assert decision.override.justification == OVERRIDE
    assert {f.rule for f in decision.override.findings} == {"R-PRIVACY"}

    after = await wait_status(
        client, cid, lambda s: any(p.phase is PhaseName.ACKNOWLEDGE for p in s.publications)
    )
    events = [e for e in after.events if e.kind is EventKind.OVERRIDDEN]
    assert len(events) == 1
    assert events[0].person == "dominique"
    assert OVERRIDE in events[0].detail
    # The override is in Temporal's own history, as the update's input and its result.
    history = await client.get_workflow_handle_for(CrisisWorkflow.run, cid).fetch_history()
    accepted, completed = [], []
    for event in history.events:
        if event.HasField("workflow_execution_update_accepted_event_attributes"):
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            accepted += [json.loads(p.data) for p in request.input.args.payloads]
        if event.HasField("workflow_execution_update_completed_event_attributes"):
            outcome = event.workflow_execution_update_completed_event_attributes.outcome
            completed += [json.loads(p.data) for p in outcome.success.payloads]
    # Refused decisions never reached history: only the override was accepted.
    assert [a["override"] for a in accepted if "action" in a] == [OVERRIDE]
    recorded = [c for c in completed if c.get("override")]
    assert len(recorded) == 1
    assert recorded[0]["override"]["justification"] == OVERRIDE
    assert recorded[0]["override"]["rules"] == ["R-PRIVACY"]


async def test_an_override_needs_an_allowed_role(client: Client, start: Start) -> None:
    loaded = LIBRARY.load("eau-non-potable")
    crisis = with_personal_number("no-override-role")
    policy = loaded.playbook.guardrails.model_copy(update={"override_roles": ["legal_adviser"]})
    crisis = crisis.model_copy(
        update={"playbook": crisis.playbook.model_copy(update={"guardrails": policy})}
    )
    cid = (await start(crisis)).crisis_id
    status = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="gate")
    assert status.revision is not None
    request = DecisionRequest(
        person="dominique",
        revision=status.revision,
        action=DecisionAction.APPROVE,
        override=OVERRIDE,
    )
    exc = await refused(client, cid, request)
    assert exc.code == "OverrideNotAllowed"


async def test_edits_are_checked_before_the_decision_is_recorded(
    client: Client, start: Start
) -> None:
    cid = (await start(with_personal_number("edits"))).crisis_id
    status = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), what="gate")
    assert status.draft is not None
    assert status.revision is not None
    flagged = sorted({(f.channel, f.language) for f in status.draft.blocking()}, key=str)
    clean_sms = "Eau du robinet non potable à Saint-Aubin : ne la buvez pas. Infos : 0 800 123 456."
    # An approver who slips a personal e-mail into the SMS is stopped by the same rules.
    bad = DecisionRequest(
        person="dominique",
        revision=status.revision,
        action=DecisionAction.APPROVE_WITH_EDITS,
        edits=[TextEdit(channel=Channel.SMS, language="fr", text=clean_sms + " jd@gmail.com")],
        override="",
    )
    exc = await refused(client, cid, bad)
    assert exc.code == "BlockingFindings"
    status = await crises.status(client, cid)
    assert status.decisions == []
    # Rewriting every flagged text clears the blocking findings: no override needed.
    fixed = [
        TextEdit(channel=channel, language=language, text=clean_sms)
        for channel, language in flagged
        if channel is not None
    ]
    assert fixed, flagged  # the personal number is flagged in some text
    decision = await crises.decide(client, cid, bad.model_copy(update={"edits": fixed}), signed())
    assert decision.override is None
    after = await crises.status(client, cid)
    assert after.decisions[-1].action is DecisionAction.APPROVE_WITH_EDITS
    assert not any(e.kind is EventKind.OVERRIDDEN for e in after.events)
