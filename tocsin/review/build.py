"""From a crisis's history (every run of its chain) to a typed Review: a pure function, tested
without a server, over histories recorded in tests/histories/."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import HistoryEvent

from tocsin.models import (
    CancelRequest,
    CrisisInput,
    CrisisOutcome,
    CrisisRun,
    Decision,
    DecisionAction,
    DecisionRequest,
    Draft,
    EditDiff,
    Fact,
    FactRequest,
    NotifyKind,
    NotifyRequest,
    PhaseName,
    Playbook,
    PublishRequest,
    PublishResult,
    ResolveRequest,
    ReviewResult,
    RevisionRequest,
    RevisionResult,
    Severity,
)
from tocsin.names import DRAFT, NOTIFY, PUBLISH, REVIEW
from tocsin.review.figures import figures
from tocsin.review.history import HistoryError, RunHistory, decode, event_time, first
from tocsin.review.model import (
    Event,
    Kind,
    PhaseReview,
    PublishedText,
    Review,
    ReviewStatus,
    RunInfo,
    Who,
)

DECIDED_KIND = {
    DecisionAction.APPROVE: Kind.APPROVED,
    DecisionAction.APPROVE_WITH_EDITS: Kind.APPROVED,
    DecisionAction.REQUEST_CHANGES: Kind.CHANGES_REQUESTED,
    DecisionAction.REJECT: Kind.REJECTED,
}
NOTICE_KIND = {
    NotifyKind.APPROVAL_REQUESTED: Kind.APPROVAL_REQUESTED,
    NotifyKind.REMINDER: Kind.REMINDER,
    NotifyKind.ESCALATION: Kind.ESCALATED,
    NotifyKind.DEADLINE_MISSED: Kind.DEADLINE_MISSED,
    NotifyKind.INFO: Kind.INFORMED,
    NotifyKind.CLOSED: Kind.CLOSED,
}
UpdateRequest = DecisionRequest | RevisionRequest | FactRequest | ResolveRequest | CancelRequest
UPDATE_MODELS: dict[str, type[UpdateRequest]] = {
    "decide": DecisionRequest,
    "revise": RevisionRequest,
    "add_fact": FactRequest,
    "resolve": ResolveRequest,
    "cancel": CancelRequest,
}


@dataclass
class _Accepted:
    name: str
    event: HistoryEvent
    request: UpdateRequest


@dataclass
class _Builder:
    as_of: datetime | None
    now: datetime | None = None
    crisis: CrisisInput | None = None
    detected_at: datetime | None = None
    events: list[Event] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    publications: list[PublishedText] = field(default_factory=list)
    drafts: dict[int, Draft] = field(default_factory=dict)  # revision -> its latest version
    phases: dict[tuple[PhaseName, int], PhaseReview] = field(default_factory=dict)
    runs: list[RunInfo] = field(default_factory=list)
    closed_at: datetime | None = None
    cancelled: bool = False
    failed: bool = False
    resolution: str = ""
    cancel_reason: str = ""
    last_seen: datetime | None = None

    # ------------------------------------------------------------------ people

    @property
    def playbook(self) -> Playbook:
        if self.crisis is None:
            raise HistoryError("the history does not start with a crisis input")
        return self.crisis.playbook

    def who(self, person: str) -> Who:
        return Who(
            id=person,
            name=self.playbook.person_name(person),
            roles=self.playbook.roles_of(person),
        )

    # ------------------------------------------------------------------ one run

    def read_run(self, number: int, run: RunHistory) -> None:
        scheduled: dict[int, tuple[str, HistoryEvent]] = {}
        accepted: dict[str, _Accepted] = {}
        info: RunInfo | None = None
        for event in run.events:
            at = event_time(event)
            if self.as_of is not None and at > self.as_of:
                break
            self.last_seen = at
            which = event.WhichOneof("attributes")
            if which == "workflow_execution_started_event_attributes":
                info = RunInfo(run_id=run.run_id, started_at=at, events=0, end="running")
                self._started(number, event)
            elif which == "activity_task_scheduled_event_attributes":
                attrs = event.activity_task_scheduled_event_attributes
                scheduled[event.event_id] = (attrs.activity_type.name, event)
                if attrs.activity_type.name == NOTIFY:
                    payload = first(attrs.input.payloads)
                    if payload is not None:
                        self._notice(number, event, decode(payload, NotifyRequest))
            elif which == "activity_task_completed_event_attributes":
                done = event.activity_task_completed_event_attributes
                name, origin = scheduled.get(done.scheduled_event_id, ("", event))
                self._activity_done(number, name, origin, event)
            elif which in ("activity_task_failed_event_attributes",):
                failed = event.activity_task_failed_event_attributes
                name, _ = scheduled.get(failed.scheduled_event_id, ("?", event))
                self._add(number, event, Kind.FAILED, detail=f"{name}: {failed.failure.message}")
            elif which == "activity_task_timed_out_event_attributes":
                timed = event.activity_task_timed_out_event_attributes
                name, _ = scheduled.get(timed.scheduled_event_id, ("?", event))
                self._add(number, event, Kind.FAILED, detail=f"{name}: timed out")
            elif which == "workflow_execution_update_accepted_event_attributes":
                self._accepted(event, accepted)
            elif which == "workflow_execution_update_completed_event_attributes":
                self._update_done(number, event, accepted)
            elif which == "workflow_execution_continued_as_new_event_attributes":
                if info is not None:
                    info.end, info.ended_at = "continued", at
                self._add(number, event, Kind.CONTINUED, detail=f"run {number + 1}")
            elif which == "workflow_execution_completed_event_attributes":
                if info is not None:
                    info.end, info.ended_at = "completed", at
                self._completed(number, event)
            elif which in (
                "workflow_execution_failed_event_attributes",
                "workflow_execution_terminated_event_attributes",
                "workflow_execution_timed_out_event_attributes",
            ):
                if info is not None:
                    info.ended_at = at
                    info.end = {
                        "workflow_execution_failed_event_attributes": "failed",
                        "workflow_execution_terminated_event_attributes": "terminated",
                    }.get(which, "timed_out")  # type: ignore[assignment]
                self.failed = True
                self._add(number, event, Kind.FAILED, detail=which.split("_event")[0])
            if info is not None:
                info.events += 1
        if info is not None:
            self.runs.append(info)

    def _add(self, run: int, event: HistoryEvent, kind: Kind, **values: object) -> Event:
        values.setdefault("at", event_time(event))
        item = Event.model_validate(
            {"kind": kind, "run": run, "event_id": event.event_id, **values}
        )
        self.events.append(item)
        return item

    def _started(self, run: int, event: HistoryEvent) -> None:
        if self.crisis is not None:
            return  # a later run: its input repeats the crisis (and carries the state so far)
        attrs = event.workflow_execution_started_event_attributes
        payload = first(attrs.input.payloads)
        if payload is None:
            raise HistoryError("the first run has no input: not a tocsin crisis")
        if attrs.workflow_type.name != "CrisisWorkflow":
            raise HistoryError(f"workflow {attrs.workflow_type.name} is not a tocsin crisis")
        started = decode(payload, CrisisRun)
        self.crisis = started.crisis
        self.detected_at = (
            started.state.detected_at
            if started.state is not None
            else started.crisis.detected_at or event_time(event)
        )
        self._add(
            run,
            event,
            Kind.DETECTED,
            at=self.detected_at,
            who=self.who(started.crisis.triggered_by),
            detail=started.crisis.crisis_key,
        )

    # ------------------------------------------------------------------ phases

    def phase(self, phase: PhaseName, sequence: int, at: datetime) -> PhaseReview:
        key = (phase, sequence)
        found = self.phases.get(key)
        if found is None:
            found = PhaseReview(phase=phase, sequence=sequence, started_at=at)
            self.phases[key] = found
        return found

    def _started_phase(
        self,
        run: int,
        origin: HistoryEvent,
        phase: PhaseName,
        seq: int,
        at: datetime | None = None,
    ) -> None:
        if (phase, seq) not in self.phases:
            moment = at or event_time(origin)
            self.phase(phase, seq, moment)
            self._add(run, origin, Kind.PHASE_STARTED, at=moment, phase=phase, sequence=seq)

    def _notice(self, run: int, event: HistoryEvent, notice: NotifyRequest) -> None:
        kind = NOTICE_KIND.get(notice.kind)
        if kind is None:
            return  # decided / changes requested / published: told by the decision itself
        if notice.draft is not None:
            self.drafts[notice.draft.revision] = notice.draft
        to = [self.who(person) for person in notice.recipients]
        at = notice.made_at or event_time(event)  # made then; sent when the notifier could
        if kind is Kind.CLOSED:
            self.closed_at = at
            self._add(run, event, kind, at=at, to=to)
            return
        if notice.phase is None:
            self._add(run, event, kind, at=at, to=to, detail=notice.message)
            return
        if kind is Kind.INFORMED:
            self._started_phase(run, event, notice.phase, notice.sequence, at)
            current = self.phase(notice.phase, notice.sequence, at)
            current.outcome = "internal"
        current = self.phase(notice.phase, notice.sequence, at)
        findings = []
        if kind is Kind.APPROVAL_REQUESTED:
            current.asked_at = current.asked_at or at
            if notice.deadline is not None:
                current.deadline = notice.deadline
            if notice.draft is not None:
                findings = notice.draft.findings
            if notice.revision is not None and notice.revision not in current.revisions:
                current.revisions.append(notice.revision)
        elif kind is Kind.REMINDER:
            current.reminders += 1
        elif kind is Kind.ESCALATED:
            current.escalations += 1
            current.escalated_to.append(notice.approver_role or self._role_asked(notice))
        elif kind is Kind.DEADLINE_MISSED:
            current.deadline_status = "missed"
        self._add(
            run,
            event,
            kind,
            at=at,
            phase=notice.phase,
            sequence=notice.sequence,
            revision=notice.revision,
            to=to,
            role=notice.approver_role if kind is not Kind.INFORMED else "",
            findings=findings,
            detail=notice.message if kind is Kind.INFORMED else "",
        )

    def _role_asked(self, notice: NotifyRequest) -> str:
        """The role an escalation went to, for notices recorded before they named it."""
        spec = self.playbook.phases.get(notice.phase) if notice.phase else None
        approvers = spec.approval.approvers if spec and spec.approval else []
        for role in reversed(approvers):
            if notice.recipients and notice.recipients[0] in self.playbook.roles.get(role, []):
                return role
        return ""

    # ------------------------------------------------------------------ activities

    def _activity_done(
        self, run: int, name: str, origin: HistoryEvent, event: HistoryEvent
    ) -> None:
        result = first(event.activity_task_completed_event_attributes.result.payloads)
        if result is None:
            return
        if name == DRAFT:
            draft = decode(result, Draft)
            self.drafts[draft.revision] = draft
            self._started_phase(run, origin, draft.phase, draft.sequence)
            current = self.phase(draft.phase, draft.sequence, event_time(origin))
            if draft.revision not in current.revisions:
                current.revisions.append(draft.revision)
            self._add(
                run,
                event,
                Kind.DRAFTED,
                phase=draft.phase,
                sequence=draft.sequence,
                revision=draft.revision,
                who=self.who(draft.author),
                findings=draft.findings,
                detail=draft.note,
            )
        elif name == PUBLISH:
            request_payload = first(origin.activity_task_scheduled_event_attributes.input.payloads)
            if request_payload is None:
                return
            self._published(run, event, decode(request_payload, PublishRequest), result)
        elif name == REVIEW:
            review = decode(result, ReviewResult)
            self._add(run, event, Kind.REVIEWED, detail=", ".join(review.files))

    def _published(
        self, run: int, event: HistoryEvent, request: PublishRequest, payload: Payload
    ) -> None:
        result = decode(payload, PublishResult)
        at = event_time(event)
        current = self.phase(request.phase, request.sequence, at)
        current.outcome = "published"
        current.published_at = max(at, current.published_at or at)
        if request.channel not in current.channels:
            current.channels.append(request.channel)
        approver = self.who(request.approved_by)
        for item in request.texts:
            files = [f for f in result.files if f.language == item.language]
            self.publications.append(
                PublishedText(
                    phase=request.phase,
                    sequence=request.sequence,
                    revision=request.revision,
                    channel=request.channel,
                    language=item.language,
                    text=item.text,
                    files=[f.path for f in files],
                    sha256=files[0].sha256 if files else "",
                    published_at=at,
                    approved_by=approver,
                )
            )
            self._add(
                run,
                event,
                Kind.PUBLISHED,
                phase=request.phase,
                sequence=request.sequence,
                revision=request.revision,
                channel=request.channel,
                language=item.language,
                who=approver,
                detail=files[0].path if files else "",
            )

    # ------------------------------------------------------------------ updates

    def _accepted(self, event: HistoryEvent, accepted: dict[str, _Accepted]) -> None:
        attrs = event.workflow_execution_update_accepted_event_attributes
        name = attrs.accepted_request.input.name
        payload = first(attrs.accepted_request.input.args.payloads)
        model = UPDATE_MODELS.get(name)
        if payload is None or model is None:
            return
        update_id = attrs.accepted_request.meta.update_id or attrs.protocol_instance_id
        request: UpdateRequest = decode(payload, model)
        accepted[update_id] = _Accepted(name, event, request)

    def _update_done(self, run: int, event: HistoryEvent, accepted: dict[str, _Accepted]) -> None:
        attrs = event.workflow_execution_update_completed_event_attributes
        found = accepted.pop(attrs.meta.update_id, None)
        if found is None:
            return
        request = found.request
        at = event_time(found.event)
        if attrs.outcome.HasField("failure"):
            failure = attrs.outcome.failure
            action = request.action.value if isinstance(request, DecisionRequest) else found.name
            self._add(
                run,
                found.event,
                Kind.REFUSED,
                who=self.who(request.person),
                detail=f"{action}: {failure.message}",
            )
            return
        result = first(attrs.outcome.success.payloads)
        if isinstance(request, DecisionRequest) and result is not None:
            self._decided(run, found.event, decode(result, Decision))
        elif isinstance(request, RevisionRequest) and result is not None:
            revised = decode(result, RevisionResult)
            self._add(
                run,
                found.event,
                Kind.REVISED,
                phase=revised.phase,
                sequence=revised.sequence,
                revision=revised.revision,
                who=self.who(request.person),
                detail=request.note,
                edits=self._revision_edits(request),
            )
        elif isinstance(request, FactRequest):
            self.facts.append(Fact(text=request.text.strip(), person=request.person, added_at=at))
            self._add(
                run, found.event, Kind.FACT_ADDED, who=self.who(request.person), detail=request.text
            )
        elif isinstance(request, ResolveRequest):
            self.resolution = request.summary.strip()
            self._add(
                run,
                found.event,
                Kind.RESOLVED,
                who=self.who(request.person),
                detail=self.resolution,
            )
        elif isinstance(request, CancelRequest):
            self.cancelled = True
            self.cancel_reason = request.reason.strip()
            self._add(
                run,
                found.event,
                Kind.CANCELLED,
                who=self.who(request.person),
                detail=self.cancel_reason,
            )

    def _revision_edits(self, request: RevisionRequest) -> list[EditDiff]:
        """What the author rewrote, against the revision the changes were asked on."""
        base = self.drafts.get(request.base_revision)
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

    def _decided(self, run: int, event: HistoryEvent, decision: Decision) -> None:
        self.decisions.append(decision)
        who = Who(id=decision.person, name=decision.person_name, roles=decision.roles)
        current = self.phase(decision.phase, decision.sequence, decision.decided_at)
        if decision.revision not in current.revisions:
            current.revisions.append(decision.revision)
        current.approval_wait += decision.waited
        kind = DECIDED_KIND[decision.action]
        if kind is Kind.APPROVED:
            current.approved_at = decision.decided_at
            current.approved_revision = decision.revision
            current.approver = who
            current.approved_via = decision.via
            draft = self.drafts.get(decision.revision)
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
            self._add(
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
        self._add(
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

    def _completed(self, run: int, event: HistoryEvent) -> None:
        payload = first(event.workflow_execution_completed_event_attributes.result.payloads)
        outcome = decode(payload, CrisisOutcome) if payload is not None else None
        if outcome is not None and outcome.status == "cancelled":
            self.cancelled = True
        elif self.closed_at is None:
            self.closed_at = event_time(event)
            self._add(run, event, Kind.CLOSED)

    # ------------------------------------------------------------------ the end

    def review(self) -> Review:
        if self.crisis is None or self.detected_at is None:
            raise HistoryError("no crisis input in the history")
        as_of = self.as_of or max(self.last_seen or self.detected_at, self.now or self.detected_at)
        status: ReviewStatus = "running"
        if self.cancelled:
            status = "cancelled"
        elif self.closed_at is not None:
            status = "closed"
        elif self.failed:
            status = "failed"
        ended = self.closed_at if status == "closed" else (as_of if status != "running" else None)
        phases = sorted(self.phases.values(), key=lambda p: (p.started_at, p.sequence))
        for current in phases:
            self._settle(current, status, as_of)
        self.events.sort(key=lambda e: (e.at, e.run, e.event_id))
        self.publications.sort(key=lambda p: (p.published_at, p.channel.value, p.language))
        playbook = self.playbook
        return Review(
            crisis_id=self.crisis.crisis_id,
            title=playbook.title,
            playbook_id=playbook.id,
            exercise=self.crisis.exercise,
            timezone=playbook.timezone,
            params=dict(self.crisis.params),
            status=status,
            detected_at=self.detected_at,
            detected_by=self.who(self.crisis.triggered_by),
            closed_at=self.closed_at if status == "closed" else None,
            as_of=as_of,
            resolution=self.resolution,
            cancel_reason=self.cancel_reason,
            runs=self.runs,
            people=[self.who(person) for person in playbook.people],
            events=self.events,
            phases=phases,
            decisions=self.decisions,
            facts=self.facts,
            publications=self.publications,
            figures=figures(
                phases,
                self.publications,
                self.events,
                detected_at=self.detected_at,
                end=ended or as_of,
                as_of=as_of,
                running=status == "running",
                cadence=_cadence(playbook),
                tolerance=playbook.review.cadence_tolerance,
                facts=len(self.facts),
            ),
        )

    def _settle(self, current: PhaseReview, status: ReviewStatus, as_of: datetime) -> None:
        """Times still running at ``as_of``, the deadline's status, an unfinished phase's end."""
        mine = [
            d for d in self.decisions if d.phase is current.phase and d.sequence == current.sequence
        ]
        # Change requests wait on an author until the next revision was asked for approval.
        asked = sorted(
            e.at
            for e in self.events
            if e.kind is Kind.APPROVAL_REQUESTED
            and e.phase is current.phase
            and e.sequence == current.sequence
        )
        for decision in mine:
            if decision.action is DecisionAction.REQUEST_CHANGES:
                following = next((at for at in asked if at > decision.decided_at), None)
                current.revision_wait += (following or as_of) - decision.decided_at
        if current.outcome == "open" and current.approved_at is None and asked:
            last_decided = max((d.decided_at for d in mine), default=None)
            if last_decided is None or asked[-1] > last_decided:
                current.approval_wait += as_of - asked[-1]
        if current.outcome == "open" and status != "running":
            current.outcome = "cancelled"
        if current.deadline is not None and current.deadline_status != "missed":
            if current.approved_at is not None:
                current.deadline_status = (
                    "met" if current.approved_at <= current.deadline else "missed"
                )
            elif current.outcome == "open":
                current.deadline_status = "open"
            else:
                current.deadline_status = "void"


def _cadence(playbook: Playbook) -> timedelta | None:
    spec = playbook.phases.get(PhaseName.FOLLOW_UP)
    return spec.cadence if spec is not None else None


def build_review(
    runs: Sequence[RunHistory], *, as_of: datetime | None = None, now: datetime | None = None
) -> Review:
    """The review of the crisis whose runs (oldest first) are given, as it stood at ``as_of``
    (events after it are left out). Without ``as_of``, as of the last event read, or ``now``
    when later: a crisis still running keeps counting its waits."""
    if not runs:
        raise HistoryError("no history")
    builder = _Builder(as_of=as_of, now=now)
    for number, run in enumerate(runs, start=1):
        builder.read_run(number, run)
    return builder.review()
