"""What people asked of a crisis, read back from its history: each update accepted (its request)
and completed (its result, or the workflow's refusal), into the review's chronicle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import RootModel
from temporalio.api.history.v1 import HistoryEvent

from tocsin import names
from tocsin.models import (
    Ack,
    CancelRequest,
    Decision,
    DecisionAction,
    DecisionRequest,
    EditDiff,
    Fact,
    FactRequest,
    ResolveRequest,
    RetractRequest,
    RevisionRequest,
    RevisionResult,
    Severity,
)
from tocsin.models.delivery import TaskDoneRequest
from tocsin.review.chronicle import Chronicle
from tocsin.review.history import decode, event_time, first
from tocsin.review.model import Kind, Refusal, Who

DECIDED_KIND = {
    DecisionAction.APPROVE: Kind.APPROVED,
    DecisionAction.APPROVE_WITH_EDITS: Kind.APPROVED,
    DecisionAction.REQUEST_CHANGES: Kind.CHANGES_REQUESTED,
    DecisionAction.REJECT: Kind.REJECTED,
}
UpdateRequest = (
    DecisionRequest
    | RevisionRequest
    | FactRequest
    | ResolveRequest
    | CancelRequest
    | RetractRequest
    | TaskDoneRequest
)
UPDATE_MODELS: dict[str, type[UpdateRequest]] = {
    names.DECIDE: DecisionRequest,
    names.REVISE: RevisionRequest,
    names.ADD_FACT: FactRequest,
    names.RESOLVE: ResolveRequest,
    names.CANCEL: CancelRequest,
    names.RETRACT: RetractRequest,
    names.TASK_DONE: TaskDoneRequest,
}


class RefusalParams(RootModel[dict[str, str]]):
    """A refusal's details: the values its message is written with."""


@dataclass
class Accepted:
    name: str
    event: HistoryEvent
    request: UpdateRequest


def read_accepted(event: HistoryEvent, pending: dict[str, Accepted]) -> None:
    """An update accepted: its request, kept by update id until it completes."""
    attrs = event.workflow_execution_update_accepted_event_attributes
    name = attrs.accepted_request.input.name
    payload = first(attrs.accepted_request.input.args.payloads)
    model = UPDATE_MODELS.get(name)
    if payload is None or model is None:
        return
    update_id = attrs.accepted_request.meta.update_id or attrs.protocol_instance_id
    request: UpdateRequest = decode(payload, model)
    pending[update_id] = Accepted(name, event, request)


def read_completed(
    chronicle: Chronicle, run: int, event: HistoryEvent, pending: dict[str, Accepted]
) -> None:
    """An update completed: what its result changed, or the workflow's refusal."""
    attrs = event.workflow_execution_update_completed_event_attributes
    found = pending.pop(attrs.meta.update_id, None)
    if found is None:
        return
    request = found.request
    at = event_time(found.event)
    if attrs.outcome.HasField("failure"):
        failure = attrs.outcome.failure
        info = failure.application_failure_info
        details = first(info.details.payloads)
        chronicle.add(
            run,
            found.event,
            Kind.REFUSED,
            who=chronicle.who(request.person),
            update=found.name,
            action=request.action if isinstance(request, DecisionRequest) else None,
            refusal=(
                Refusal(
                    code=info.type,
                    params=decode(details, RefusalParams).root if details is not None else {},
                )
                if info.type
                else None
            ),
            detail=failure.message,
        )
        return
    result = first(attrs.outcome.success.payloads)
    if isinstance(request, DecisionRequest) and result is not None:
        _decided(chronicle, run, found.event, decode(result, Decision))
    elif isinstance(request, RevisionRequest) and result is not None:
        revised = decode(result, RevisionResult)
        chronicle.add(
            run,
            found.event,
            Kind.REVISED,
            phase=revised.phase,
            sequence=revised.sequence,
            revision=revised.revision,
            who=chronicle.who(request.person),
            detail=request.note,
            edits=_revision_edits(chronicle, request),
        )
    elif isinstance(request, FactRequest):
        chronicle.facts.append(Fact(text=request.text.strip(), person=request.person, added_at=at))
        chronicle.add(
            run,
            found.event,
            Kind.FACT_ADDED,
            who=chronicle.who(request.person),
            detail=request.text,
        )
    elif isinstance(request, ResolveRequest):
        chronicle.resolution = request.summary.strip()
        chronicle.add(
            run,
            found.event,
            Kind.RESOLVED,
            who=chronicle.who(request.person),
            detail=chronicle.resolution,
        )
    elif isinstance(request, RetractRequest):
        chronicle.retraction = request.reason.strip()
        chronicle.add(
            run,
            found.event,
            Kind.RETRACTED,
            who=chronicle.who(request.person),
            detail=chronicle.retraction,
        )
    elif isinstance(request, TaskDoneRequest) and result is not None:
        _task_done(chronicle, run, found.event, request, decode(result, Ack).recorded_at)
    elif isinstance(request, CancelRequest):
        chronicle.cancelled = True
        chronicle.cancel_reason = request.reason.strip()
        chronicle.add(
            run,
            found.event,
            Kind.CANCELLED,
            who=chronicle.who(request.person),
            detail=chronicle.cancel_reason,
        )


def _task_done(
    chronicle: Chronicle, run: int, event: HistoryEvent, request: TaskDoneRequest, at: datetime
) -> None:
    """A person published a text by hand, and said where (a URL) or how (a note)."""
    who = chronicle.who(request.person)
    chronicle.ledger.task_done(request, at, who)
    item = chronicle.ledger.tasks.get(request.task)
    row = chronicle.ledger.task_rows.get(request.task)
    chronicle.add(
        run,
        event,
        Kind.TASK_DONE,
        at=at,
        phase=row.phase if row else None,
        sequence=row.sequence if row else 0,
        revision=item.revision if item else None,
        channel=row.channel if row else None,
        language=row.language if row else "",
        who=who,
        detail=request.url or request.note,
    )


def _revision_edits(chronicle: Chronicle, request: RevisionRequest) -> list[EditDiff]:
    """What the author rewrote, against the revision the changes were asked on."""
    base = chronicle.drafts.get(request.base_revision)
    diffs = []
    for edit in request.edits:
        before = base.text_for(edit.channel, edit.language) if base is not None else None
        if before != edit.text:
            diffs.append(
                EditDiff(
                    channel=edit.channel,
                    language=edit.language,
                    before=before or "",
                    after=edit.text,
                )
            )
    return diffs


def _decided(chronicle: Chronicle, run: int, event: HistoryEvent, decision: Decision) -> None:
    chronicle.decisions.append(decision)
    who = Who(id=decision.person, name=decision.person_name, roles=decision.roles)
    current = chronicle.phase(decision.phase, decision.sequence, decision.decided_at)
    if decision.revision not in current.revisions:
        current.revisions.append(decision.revision)
    current.approval_wait += decision.waited
    kind = DECIDED_KIND[decision.action]
    if kind is Kind.APPROVED:
        current.approved_at = decision.decided_at
        current.approved_revision = decision.revision
        current.approver = who
        current.approved_via = decision.via
        draft = chronicle.drafts.get(decision.revision)
        if draft is not None:
            current.announced = draft.next_update_at
            current.blocking = sum(1 for f in draft.findings if f.severity is Severity.BLOCKING)
            current.warnings = len(draft.findings) - current.blocking
    elif kind is Kind.CHANGES_REQUESTED:
        current.change_requests += 1
    else:
        current.rejections += 1
        current.outcome = "rejected"
    if decision.override is not None:
        current.overrides += 1
        chronicle.add(
            run,
            event,
            Kind.OVERRIDDEN,
            at=decision.decided_at,
            phase=decision.phase,
            sequence=decision.sequence,
            revision=decision.revision,
            who=who,
            override=decision.override,
            detail=decision.override.justification,
        )
    chronicle.add(
        run,
        event,
        kind,
        at=decision.decided_at,
        phase=decision.phase,
        sequence=decision.sequence,
        revision=decision.revision,
        who=who,
        via=decision.via,
        edits=decision.edits,
        detail=decision.comment,
    )
