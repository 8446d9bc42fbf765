"""What the public saw, where and when, read from the crisis's history: each approved text on
each account (the ``post`` activities' requests and answers), on each manual channel (the tasks
the workflow opened, and the ``task_done`` update that closed them), and in the outbox for a
channel with neither. ``build`` feeds the ledger event by event; ``reach`` shows it.

The history names a manual task only by its id, in the update that closes it. The workflow
numbers its tasks t1, t2… in the order it opens them and tells each opening in a notice, and
notices leave in the order they were made: a ``task`` notice for the manual channels of a
statement (its routes in order, each channel's languages in order), a ``post_failed`` notice
for each post its account refused or did not answer in time. The ledger numbers them the same
way; a later run starts from the count its input carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tocsin.models import Channel, Decision, DecisionAction, NotifyKind, NotifyRequest, PhaseName
from tocsin.models import PublishRequest as OutboxRequest
from tocsin.models.delivery import RouteRequest, RouteResult, TaskDoneRequest
from tocsin.publish.models import Action, Publication
from tocsin.publish.models import PublishRequest as PostRequest
from tocsin.review.model import Follow, Reach, ReachStatus, Who

Statement = tuple[PhaseName, int, int]  # phase, sequence, revision
MAX_PROBLEM = 300  # a platform's words about a refusal, as the review quotes them


@dataclass
class _Post:
    """A post under way: its row (a publication) or its follow (a correction, a retraction)."""

    request: PostRequest
    scheduled_at: datetime
    row: Reach
    follow: Follow | None = None
    failed_at: datetime | None = None


@dataclass
class Ledger:
    """The rows read so far, and what the ledger needs to number the tasks."""

    alert_after: timedelta
    rows: list[Reach] = field(default_factory=list)
    counter: int = 0  # tasks opened so far
    outboxed: dict[PhaseName, tuple[int, int]] = field(default_factory=dict)
    languages: dict[Statement, dict[Channel, list[str]]] = field(default_factory=dict)
    to_number: dict[Statement, list[Reach | Follow]] = field(default_factory=dict)
    posts: dict[tuple[int, int], _Post] = field(default_factory=dict)  # (run, scheduled id)
    tasks: dict[str, Reach | Follow] = field(default_factory=dict)
    task_rows: dict[str, Reach] = field(default_factory=dict)  # the row a task is part of
    reasons: dict[str, str] = field(default_factory=dict)  # task id -> manual/failed/delayed
    superseded: dict[str, datetime] = field(default_factory=dict)

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
                    earlier = self._row(request.phase, sequence, route.channel, language, "")
                    if earlier is not None:  # a correction of what a person published
                        follow = Follow(action="correct", revision=revision, status="open")
                        earlier.follows.append(follow)
                        self.to_number.setdefault(statement, []).append(follow)
                        continue
                    row = self._add(statement, route.channel, language, "", "manual")
                    row.status = ReachStatus.OPEN
                    self.to_number.setdefault(statement, []).append(row)
                    continue
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

    def post_failed(self, key: tuple[int, int], message: str, at: datetime) -> None:
        post = self.posts.get(key)
        if post is None:
            return
        problem = " ".join(message.split())[:MAX_PROBLEM]
        post.failed_at = at
        if post.follow is not None:
            post.follow.problem, post.follow.status = problem, "failed"
        else:
            post.row.problem = problem

    # ------------------------------------------------------------------ manual tasks

    def noticed(self, notice: NotifyRequest, at: datetime) -> None:
        """A notice the workflow made: tasks opened, in the order it numbered them."""
        made = notice.made_at or at
        if notice.phase is None or notice.revision is None:
            return
        statement = (notice.phase, notice.sequence, notice.revision)
        if notice.kind is NotifyKind.TASK and statement in self.to_number:
            for item in self.to_number.pop(statement):
                row = item if isinstance(item, Reach) else self._owner(item)
                self._open(item, row, "manual", made)
        elif notice.kind is NotifyKind.POST_FAILED:
            post = self._failing(statement, made)
            if post is not None:
                self._open(post.row, post.row, "failed" if post.failed_at else "delayed", made)
            else:
                self.counter += 1  # a task the ledger cannot place: keep the numbering

    def _owner(self, follow: Follow) -> Reach:
        return next(r for r in self.rows if any(f is follow for f in r.follows))

    def _open(self, item: Reach | Follow, row: Reach, reason: str, at: datetime) -> None:
        self.counter += 1
        task = f"t{self.counter}"
        for older, older_row in self.task_rows.items():
            # The workflow's rule: a newer statement for the same audience replaces an open task.
            if (
                older not in self.superseded
                and self._open_task(older)
                and (older_row.channel, older_row.language) == (row.channel, row.language)
                and (older_row.phase, older_row.sequence) != (row.phase, row.sequence)
            ):
                self.superseded[older] = at
        item.task = task
        if isinstance(item, Reach):
            item.asked_at = item.asked_at or at
        else:
            item.asked_at = at
        self.tasks[task] = item
        self.task_rows[task] = row
        self.reasons[task] = reason

    def _open_task(self, task: str) -> bool:
        item = self.tasks[task]
        if isinstance(item, Follow):
            return item.at is None
        return item.by is None and not (
            self.reasons[task] != "manual" and item.acked_at is not None
        )

    def _failing(self, statement: Statement, made: datetime) -> _Post | None:
        """The post a ``post_failed`` notice is about: of its statement, without a task, refused
        or left unanswered past the playbook's delay; the earliest so."""
        found = [
            post
            for post in self.posts.values()
            if post.follow is None
            and (post.request.phase, post.request.sequence, post.request.revision) == statement
            and not post.row.task
            and post.row.acked_at is None
            and (post.failed_at is not None or post.scheduled_at + self.alert_after <= made)
        ]
        found.sort(key=lambda p: p.failed_at or p.scheduled_at + self.alert_after)
        return found[0] if found else None

    def task_done(self, request: TaskDoneRequest, at: datetime, who: Who) -> None:
        item = self.tasks.get(request.task)
        if item is None:
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
        for row in self.rows:
            row.approved_at = approved.get((row.phase, row.sequence, row.revision))
            for follow in row.follows:
                follow.approved_at = approved.get((row.phase, row.sequence, follow.revision))
                if follow.task and follow.task in self.superseded and follow.at is None:
                    follow.status = "failed"
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
        reason = self.reasons.get(row.task, "")
        by_hand = row.reached_at if row.by is not None else None
        if by_hand is not None and (row.acked_at is None or by_hand <= row.acked_at):
            return ReachStatus.FAILED_BY_HAND if reason == "failed" else ReachStatus.DELAYED_BY_HAND
        if row.acked_at is not None:
            return ReachStatus.LATE if reason == "delayed" else ReachStatus.PUBLISHED
        if superseded:
            return ReachStatus.SUPERSEDED
        if row.problem:
            return ReachStatus.FAILED
        if reason == "delayed":
            return ReachStatus.DELAYED
        return ReachStatus.PENDING if running else ReachStatus.FAILED
