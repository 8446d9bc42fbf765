"""What the public saw, where and when, read from the crisis's history: each approved text on
each account (the ``post`` activities' requests and answers: publications, corrections,
retractions), on each manual channel (the tasks the workflow's notices carry, and the
``task_done`` update that closes one), and in the outbox for a channel with neither. ``build``
feeds the ledger event by event; ``reach`` shows it.

A task's later fate is not in the notices: the ledger applies the workflow's rules (a newer
statement's task supersedes an open one for the same channel and language; a correction, the
open task of the text it corrects; an account that answers at last, its late task).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tocsin.models import Channel, Decision, DecisionAction, NotifyRequest, PhaseName
from tocsin.models import PublishRequest as OutboxRequest
from tocsin.models.delivery import (
    ManualTask,
    RouteRequest,
    RouteResult,
    TaskDoneRequest,
    TaskReason,
)
from tocsin.publish.models import Action, Publication
from tocsin.publish.models import PublishRequest as PostRequest
from tocsin.review.model import Follow, FollowAction, Reach, ReachStatus, Who

Statement = tuple[PhaseName, int, int]  # phase, sequence, revision
MAX_PROBLEM = 300  # a platform's words about a refusal, as the review quotes them


@dataclass
class _Post:
    """A post under way: its row (a publication) or its follow (a correction, a retraction)."""

    request: PostRequest
    scheduled_at: datetime
    row: Reach
    follow: Follow | None = None


@dataclass
class Ledger:
    """The rows read so far, and what the ledger needs to number the tasks."""

    alert_after: timedelta
    rows: list[Reach] = field(default_factory=list)
    outboxed: dict[PhaseName, tuple[int, int]] = field(default_factory=dict)
    languages: dict[Statement, dict[Channel, list[str]]] = field(default_factory=dict)
    posts: dict[tuple[int, int], _Post] = field(default_factory=dict)  # (run, scheduled id)
    tasks: dict[str, Reach | Follow] = field(default_factory=dict)
    task_rows: dict[str, Reach] = field(default_factory=dict)  # the row a task is part of
    reasons: dict[str, TaskReason] = field(default_factory=dict)
    superseded: dict[str, datetime] = field(default_factory=dict)
    early: dict[str, tuple[TaskDoneRequest, datetime, Who]] = field(default_factory=dict)

    # ------------------------------------------------------------------ the statement's texts

    def outbox(self, request: OutboxRequest) -> None:
        """The approved texts of a channel written to the outbox: the statement being routed."""
        statement = (request.phase, request.sequence, request.revision)
        self.outboxed[request.phase] = (request.sequence, request.revision)
        channels = self.languages.setdefault(statement, {})
        channels[request.channel] = [item.language for item in request.texts]

    def routed(self, request: RouteRequest, result: RouteResult) -> None:
        """Where a statement's texts go: rows for its accounts, manual channels and outbox."""
        sequence, revision = self.outboxed.get(request.phase, (0, 0))
        statement = (request.phase, sequence, revision)
        languages = self.languages.get(statement, {})
        for route in result.routes:
            for language in languages.get(route.channel, []):
                if route.manual:
                    if self._row(request.phase, sequence, route.channel, language, "") is None:
                        row = self._add(statement, route.channel, language, "", "manual")
                        row.status = ReachStatus.OPEN
                    continue  # a correction's task: its notice says so
                for account in route.accounts:
                    if self._row(request.phase, sequence, route.channel, language, account.name):
                        continue  # a correction: its post says so
                    row = self._add(
                        statement, route.channel, language, account.name, account.kind.value
                    )
                    row.left_out = list(route.left_out)
                outbox_only = not route.accounts
                if outbox_only and not self._row(
                    request.phase, sequence, route.channel, language, ""
                ):
                    row = self._add(statement, route.channel, language, "", "outbox")
                    row.status = ReachStatus.OUTBOX
                    row.left_out = list(route.left_out)

    def _add(
        self, statement: Statement, channel: Channel, language: str, account: str, kind: str
    ) -> Reach:
        phase, sequence, revision = statement
        row = Reach(
            phase=phase,
            sequence=sequence,
            revision=revision,
            channel=channel,
            language=language,
            account=account,
            kind=kind,
        )
        self.rows.append(row)
        return row

    def _row(
        self, phase: PhaseName, sequence: int, channel: Channel, language: str, account: str
    ) -> Reach | None:
        return next(
            (
                r
                for r in self.rows
                if (r.phase, r.sequence, r.channel, r.language, r.account)
                == (phase, sequence, channel, language, account)
            ),
            None,
        )

    # ------------------------------------------------------------------ posts

    def post_scheduled(self, key: tuple[int, int], request: PostRequest, at: datetime) -> None:
        row = self._row(
            request.phase, request.sequence, request.channel, request.language, request.account
        )
        if request.action is Action.PUBLISH:
            if row is None:
                statement = (request.phase, request.sequence, request.revision)
                row = self._add(
                    statement, request.channel, request.language, request.account, "account"
                )
            row.asked_at = row.asked_at or at
            self.posts[key] = _Post(request, at, row)
            return
        if request.previous is not None:
            row = next((r for r in self.rows if r.remote_id == request.previous.remote_id), row)
        if row is None:
            return  # a correction of a post this history does not hold
        follow = Follow(action=request.action.value, revision=request.revision, asked_at=at)
        row.follows.append(follow)
        self.posts[key] = _Post(request, at, row, follow)

    def post_done(self, key: tuple[int, int], published: Publication, at: datetime) -> None:
        """The platform acknowledged: at its own time, unless its clock disagrees with ours
        (before the post was asked, or after its answer was recorded)."""
        post = self.posts.get(key)
        if post is None:
            return
        asked = min(post.scheduled_at, post.request.at or post.scheduled_at)
        acked = published.published_at if asked <= published.published_at <= at else at
        target = post.follow or post.row
        target.remote_id = published.remote_id
        target.url = published.url or ""
        if post.follow is not None:
            post.follow.at, post.follow.status = acked, "done"
        else:
            post.row.acked_at = acked
            if post.row.kind == "account":
                post.row.kind = published.kind.value

    def post_failed(self, key: tuple[int, int], message: str) -> None:
        post = self.posts.get(key)
        if post is None:
            return
        problem = " ".join(message.split())[:MAX_PROBLEM]
        if post.follow is not None:
            post.follow.problem, post.follow.status = problem, "failed"
        else:
            post.row.problem = problem

    # ------------------------------------------------------------------ manual tasks

    def noticed(self, notice: NotifyRequest, at: datetime) -> None:
        """A notice carries the manual tasks it is about: the ones seen for the first time
        were opened when the workflow made it."""
        for task in notice.tasks:
            if task.id not in self.tasks:
                self._opened(task, notice.made_at or at)

    def _opened(self, task: ManualTask, at: datetime) -> None:
        phase, sequence, channel, language = task.phase, task.sequence, task.channel, task.language
        target: Reach | Follow | None = None
        if task.reason in (TaskReason.FAILED, TaskReason.DELAYED):
            row = self._row(phase, sequence, channel, language, task.account or "")
            if row is not None and row.revision == task.revision and not row.task:
                target = row
            elif row is not None:  # a correction its account refused, or did not answer
                target = next(
                    (f for f in row.follows if f.revision == task.revision and not f.task), None
                )
        else:
            rows = [
                r
                for r in self.rows
                if (r.phase, r.sequence, r.channel, r.language)
                == (phase, sequence, channel, language)
                and r.kind != "outbox"
            ]
            manual = next((r for r in rows if r.kind == "manual"), None)
            if task.reason is TaskReason.MANUAL and manual is None and not rows:
                manual = self._add(
                    (phase, sequence, task.revision), channel, language, "", "manual"
                )
                manual.status = ReachStatus.OPEN
            if (
                task.reason is TaskReason.MANUAL
                and manual is not None
                and manual.revision == task.revision
                and not manual.task
            ):
                row, target = manual, manual
            else:  # a correction, or a take-down, of what was to be published by hand
                row = next(
                    (r for r in rows if r.by is not None), manual or (rows[0] if rows else None)
                )
                if row is not None:
                    action: FollowAction = (
                        "retract" if task.reason is TaskReason.RETRACTION else "correct"
                    )
                    target = Follow(action=action, revision=task.revision, status="open")
                    row.follows.append(target)
        if target is None or row is None:
            return  # a task of a text this history does not hold
        self._assign(task, target, row, at)

    def _assign(self, task: ManualTask, target: Reach | Follow, row: Reach, at: datetime) -> None:
        """The workflow's rules at an opening: a newer statement's task for the same channel
        and language supersedes an open one (a take-down never does, nor is superseded), and a
        correction supersedes the open task of the text it corrects."""
        retraction = task.reason is TaskReason.RETRACTION
        for older, older_row in self.task_rows.items():
            same = (older_row.channel, older_row.language) == (row.channel, row.language)
            statement = (older_row.phase, older_row.sequence) == (row.phase, row.sequence)
            correcting = statement and isinstance(target, Follow) and not retraction
            if (
                same
                and (not statement or correcting)
                and older not in self.superseded
                and not retraction
                and self.reasons[older] != TaskReason.RETRACTION
                and self._open_task(older)
            ):
                self.superseded[older] = at
        target.task = task.id
        target.asked_at = target.asked_at or task.opened_at
        self.tasks[task.id] = target
        self.task_rows[task.id] = row
        self.reasons[task.id] = task.reason
        early = self.early.pop(task.id, None)
        if early is not None:
            self.task_done(*early)

    def _open_task(self, task: str) -> bool:
        item = self.tasks[task]
        if isinstance(item, Follow):
            return item.at is None
        return item.by is None and not (
            self.reasons[task] != TaskReason.MANUAL and item.acked_at is not None
        )

    def task_done(self, request: TaskDoneRequest, at: datetime, who: Who) -> None:
        item = self.tasks.get(request.task)
        if item is None:  # marked done before its notice left (a notifier down)
            self.early[request.task] = (request, at, who)
            return
        item.by = who
        item.note = request.note.strip()
        if isinstance(item, Follow):
            item.url = request.url or ""
            item.at, item.status = at, "done"
        else:
            item.by_url = request.url or ""
            item.reached_at = at

    # ------------------------------------------------------------------ the end

    def settle(self, decisions: list[Decision], running: bool) -> list[Reach]:
        """Each row's status, its time against its approval; rows in the order read."""
        approved = {
            (d.phase, d.sequence, d.revision): d.decided_at
            for d in decisions
            if d.action in (DecisionAction.APPROVE, DecisionAction.APPROVE_WITH_EDITS)
        }
        by_revision = {revision: at for (_, _, revision), at in approved.items()}
        for row in self.rows:
            row.approved_at = approved.get((row.phase, row.sequence, row.revision))
            for follow in row.follows:  # a retraction is approved as the close's statement
                follow.approved_at = by_revision.get(follow.revision)
                if follow.task and follow.task in self.superseded and follow.at is None:
                    follow.status = "superseded"
            row.status = self._status(row, running)
            if row.status not in (ReachStatus.FAILED_BY_HAND, ReachStatus.DELAYED_BY_HAND):
                row.reached_at = row.reached_at if row.kind == "manual" else row.acked_at
        return self.rows

    def _status(self, row: Reach, running: bool) -> ReachStatus:
        if row.kind == "outbox":
            return ReachStatus.OUTBOX
        superseded = bool(row.task) and row.task in self.superseded
        if row.kind == "manual":
            if row.by is not None:
                return ReachStatus.BY_HAND
            return ReachStatus.SUPERSEDED if superseded else ReachStatus.OPEN
        reason = self.reasons.get(row.task)
        by_hand = row.reached_at if row.by is not None else None
        if by_hand is not None and (row.acked_at is None or by_hand <= row.acked_at):
            return (
                ReachStatus.FAILED_BY_HAND
                if reason is TaskReason.FAILED
                else ReachStatus.DELAYED_BY_HAND
            )
        if row.acked_at is not None:
            return ReachStatus.LATE if reason is TaskReason.DELAYED else ReachStatus.PUBLISHED
        if superseded:
            return ReachStatus.SUPERSEDED
        if row.problem:
            return ReachStatus.FAILED
        if reason is TaskReason.DELAYED:
            return ReachStatus.DELAYED
        return ReachStatus.PENDING if running else ReachStatus.FAILED
