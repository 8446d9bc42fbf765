"""From a crisis's history (every run of its chain) to a typed Review: a pure function, tested
without a server, over histories recorded in tests/histories/.

Here the workflow's own events (its start, its activities' notices, drafts and publications, its
end) and the review's final figures; ``updates`` reads what people asked, and ``chronicle`` holds
what both have read. Names are read back as ``tocsin.names`` declares them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import HistoryEvent

from tocsin import names
from tocsin.models import (
    Channel,
    CrisisOutcome,
    CrisisRun,
    DecisionAction,
    Draft,
    NotifyKind,
    NotifyRequest,
    PhaseName,
    Playbook,
    PublishRequest,
    PublishResult,
    ReviewResult,
)
from tocsin.models.delivery import RouteRequest, RouteResult
from tocsin.publish.models import Action, Publication
from tocsin.publish.models import PublishRequest as PostRequest
from tocsin.review import updates
from tocsin.review.chronicle import Chronicle
from tocsin.review.figures import figures
from tocsin.review.history import HistoryError, RunHistory, decode, event_time, first
from tocsin.review.model import (
    Kind,
    PhaseReview,
    PublishedText,
    Reach,
    Review,
    ReviewStatus,
    RunInfo,
)

NOTICE_KIND = {
    NotifyKind.APPROVAL_REQUESTED: Kind.APPROVAL_REQUESTED,
    NotifyKind.REMINDER: Kind.REMINDER,
    NotifyKind.ESCALATION: Kind.ESCALATED,
    NotifyKind.DEADLINE_MISSED: Kind.DEADLINE_MISSED,
    NotifyKind.INFO: Kind.INFORMED,
    NotifyKind.CLOSED: Kind.CLOSED,
}


class _Builder(Chronicle):
    """Reads the runs of a crisis, oldest first, event by event."""

    # ------------------------------------------------------------------ one run

    def read_run(self, number: int, run: RunHistory) -> None:
        scheduled: dict[int, tuple[str, HistoryEvent]] = {}
        accepted: dict[str, updates.Accepted] = {}
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
                self._scheduled(number, attrs.activity_type.name, event)
            elif which == "activity_task_completed_event_attributes":
                done = event.activity_task_completed_event_attributes
                name, origin = scheduled.get(done.scheduled_event_id, ("", event))
                self._activity_done(number, name, origin, event)
            elif which in ("activity_task_failed_event_attributes",):
                failed = event.activity_task_failed_event_attributes
                name, _ = scheduled.get(failed.scheduled_event_id, ("?", event))
                if name == names.POST:
                    self._post_failed(
                        number, failed.scheduled_event_id, event, failed.failure.message
                    )
                else:
                    self.add(number, event, Kind.FAILED, detail=f"{name}: {failed.failure.message}")
            elif which == "activity_task_timed_out_event_attributes":
                timed = event.activity_task_timed_out_event_attributes
                name, _ = scheduled.get(timed.scheduled_event_id, ("?", event))
                if name == names.POST:
                    self._post_failed(number, timed.scheduled_event_id, event, "timed out")
                else:
                    self.add(number, event, Kind.FAILED, detail=f"{name}: timed out")
            elif which == "workflow_execution_update_accepted_event_attributes":
                updates.read_accepted(event, accepted)
            elif which == "workflow_execution_update_completed_event_attributes":
                updates.read_completed(self, number, event, accepted)
            elif which == "workflow_execution_continued_as_new_event_attributes":
                if info is not None:
                    info.end, info.ended_at = "continued", at
                self.add(number, event, Kind.CONTINUED, detail=f"run {number + 1}")
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
                self.add(number, event, Kind.FAILED, detail=which.split("_event")[0])
            if info is not None:
                info.events += 1
        if info is not None:
            self.runs.append(info)

    def _started(self, run: int, event: HistoryEvent) -> None:
        attrs = event.workflow_execution_started_event_attributes
        payload = first(attrs.input.payloads)
        if self.crisis is not None:
            return  # a later run: its input repeats the crisis (and carries the state so far)
        if payload is None:
            raise HistoryError("the first run has no input: not a tocsin crisis")
        if attrs.workflow_type.name != names.WORKFLOW:
            raise HistoryError(f"workflow {attrs.workflow_type.name} is not a tocsin crisis")
        started = decode(payload, CrisisRun)
        self.ledger.alert_after = started.crisis.playbook.public.alert_after
        self.crisis = started.crisis
        self.detected_at = (
            started.state.detected_at
            if started.state is not None
            else started.crisis.detected_at or event_time(event)
        )
        self.add(
            run,
            event,
            Kind.DETECTED,
            at=self.detected_at,
            who=self.who(started.crisis.triggered_by),
            detail=started.crisis.crisis_key,
        )

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
            self.add(run, event, kind, at=at, to=to)
            return
        if notice.phase is None:
            self.add(run, event, kind, at=at, to=to, detail=notice.message)
            return
        if kind is Kind.INFORMED:
            self.started_phase(run, event, notice.phase, notice.sequence, at)
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
        self.add(
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

    def _scheduled(self, run: int, name: str, event: HistoryEvent) -> None:
        payload = first(event.activity_task_scheduled_event_attributes.input.payloads)
        if payload is None:
            return
        at = event_time(event)
        if name == names.NOTIFY:
            notice = decode(payload, NotifyRequest)
            self._notice(run, event, notice)
            self.ledger.noticed(notice, at)
        elif name == names.PUBLISH:
            self.ledger.outbox(decode(payload, PublishRequest))
        elif name == names.POST:
            self.ledger.post_scheduled((run, event.event_id), decode(payload, PostRequest), at)

    def _activity_done(
        self, run: int, name: str, origin: HistoryEvent, event: HistoryEvent
    ) -> None:
        result = first(event.activity_task_completed_event_attributes.result.payloads)
        if result is None:
            return
        if name == names.DRAFT:
            draft = decode(result, Draft)
            self.drafts[draft.revision] = draft
            self.started_phase(run, origin, draft.phase, draft.sequence)
            current = self.phase(draft.phase, draft.sequence, event_time(origin))
            if draft.revision not in current.revisions:
                current.revisions.append(draft.revision)
            self.add(
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
        elif name == names.PUBLISH:
            request_payload = first(origin.activity_task_scheduled_event_attributes.input.payloads)
            if request_payload is None:
                return
            self._published(run, event, decode(request_payload, PublishRequest), result)
        elif name == names.ROUTE:
            request_payload = first(origin.activity_task_scheduled_event_attributes.input.payloads)
            if request_payload is not None:
                routed = decode(result, RouteResult)
                self.ledger.routed(decode(request_payload, RouteRequest), routed)
        elif name == names.POST:
            self._posted(run, origin, event, decode(result, Publication))
        elif name == names.REVIEW:
            review = decode(result, ReviewResult)
            self.add(run, event, Kind.REVIEWED, detail=", ".join(review.files))

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
            self.add(
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

    def _posted(
        self, run: int, origin: HistoryEvent, event: HistoryEvent, published: Publication
    ) -> None:
        key = (run, origin.event_id)
        self.ledger.post_done(key, published, event_time(event))
        post = self.ledger.posts.get(key)
        if post is None:
            return
        request = post.request
        kind = {
            Action.PUBLISH: Kind.POSTED,
            Action.CORRECT: Kind.POST_CORRECTED,
            Action.RETRACT: Kind.POST_WITHDRAWN,
        }[request.action]
        self._post_event(run, event, kind, request, published.url or published.remote_id)

    def _post_failed(self, run: int, scheduled_id: int, event: HistoryEvent, message: str) -> None:
        key = (run, scheduled_id)
        self.ledger.post_failed(key, message)
        post = self.ledger.posts.get(key)
        if post is not None:
            self._post_event(run, event, Kind.POST_FAILED, post.request, message)

    def _post_event(
        self, run: int, event: HistoryEvent, kind: Kind, request: PostRequest, detail: str
    ) -> None:
        self.add(
            run,
            event,
            kind,
            phase=request.phase,
            sequence=request.sequence,
            revision=request.revision,
            channel=request.channel,
            language=request.language,
            account=request.account,
            detail=detail,
        )

    def _completed(self, run: int, event: HistoryEvent) -> None:
        payload = first(event.workflow_execution_completed_event_attributes.result.payloads)
        outcome = decode(payload, CrisisOutcome) if payload is not None else None
        if outcome is not None and outcome.status == "cancelled":
            self.cancelled = True
        elif self.closed_at is None:
            self.closed_at = event_time(event)
            self.add(run, event, Kind.CLOSED)

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
        reach = self.ledger.settle(self.decisions, running=status == "running")
        self._outbox_times(reach)
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
            retraction=self.retraction,
            cancel_reason=self.cancel_reason,
            runs=self.runs,
            people=[self.who(person) for person in playbook.people],
            events=self.events,
            phases=phases,
            decisions=self.decisions,
            facts=self.facts,
            publications=self.publications,
            reach=reach,
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

    def _outbox_times(self, reach: list[Reach]) -> None:
        written: dict[tuple[PhaseName, int, int, Channel, str], PublishedText] = {
            (p.phase, p.sequence, p.revision, p.channel, p.language): p for p in self.publications
        }
        for row in reach:
            found = written.get((row.phase, row.sequence, row.revision, row.channel, row.language))
            if found is not None:
                row.outbox_at = found.published_at


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
