"""How an approved statement reaches the public, as the workflow follows it: one
:class:`Delivery` per text and account (the post's remote id and URL once the platform
answered), one :class:`ManualTask` per text a person publishes by hand (a channel with no
account, or an account that failed), and what the routing activity answers.

Plain pydantic, kept in the workflow's state and history: no secret, bounded.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from tocsin.models.base import Channel, Identifier, PhaseName, Strict
from tocsin.models.identity import Signature
from tocsin.models.playbook import Playbook
from tocsin.publish.models import AccountKind, Action, PublicContext, RemoteId, Url

MAX_ERROR = 500  # a platform's words about a failure, cut: untrusted
MAX_TASK_NOTE = 300  # « lu à l'antenne à 10 h 05 »
TaskId = Annotated[str, Field(pattern=r"^t[0-9]{1,6}$")]


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # the activity runs, or retries
    DELAYED = "delayed"  # still retrying after the playbook's delay: told, manual task offered
    PUBLISHED = "published"
    FAILED = "failed"  # retrying cannot help (a refused token): the manual task is open
    BY_HAND = "by_hand"  # a person published it by hand while it was retried: retries stopped


class Delivery(Strict):
    """One approved text on one account."""

    phase: PhaseName
    sequence: int
    revision: int
    channel: Channel
    language: str
    account: str
    kind: AccountKind
    key: str
    action: Action = Action.PUBLISH
    status: DeliveryStatus = DeliveryStatus.PENDING
    requested_at: datetime
    remote_id: RemoteId | None = None
    url: Url | None = None
    published_at: datetime | None = None
    error: Annotated[str, Field(max_length=MAX_ERROR)] = ""
    task: TaskId | None = None  # the manual task offered in its place

    @property
    def lane(self) -> tuple[str, str]:
        """Posts of one account and language go out in order, each replying to the last."""
        return self.account, self.language


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"  # a person published it and said where
    SUPERSEDED = "superseded"  # the account published it after all, or a newer text came


class TaskReason(StrEnum):
    MANUAL = "manual"  # a channel no account publishes (X, radio, the FR-Alert portal)
    FAILED = "failed"  # its account refused it for good
    DELAYED = "delayed"  # its account has not answered in the playbook's delay
    CORRECTION = "correction"  # a correction of what was published by hand
    RETRACTION = "retraction"  # take down what was published by hand (a web page)


class ManualTask(Strict):
    """A text a person publishes by hand, reminded and escalated like an approval."""

    id: TaskId
    phase: PhaseName
    sequence: int
    revision: int
    channel: Channel
    language: str
    text: Annotated[str, Field(max_length=100_000)]
    file: Annotated[str, Field(max_length=4_096)] = ""  # the text in the outbox (to print)
    reason: TaskReason
    account: str | None = None  # the failing account, for FAILED and DELAYED
    problem: Annotated[str, Field(max_length=MAX_ERROR)] = ""
    opened_at: datetime
    level: int = 0  # index in the owners' roles
    reminded: int = 0  # reminders and escalations sent
    level_started_at: datetime
    last_reminder_at: datetime
    status: TaskStatus = TaskStatus.OPEN
    done_at: datetime | None = None
    done_by: str | None = None
    url: Url | None = None
    note: Annotated[str, Field(max_length=MAX_TASK_NOTE)] = ""
    replaced_by: TaskId | None = None  # a newer text for the same channel and language


class TaskDoneRequest(Strict):
    """A person says a manual task is published: where (a URL), or how (« lu à l'antenne à
    10 h 05 »)."""

    person: str
    task: TaskId
    url: Url | None = None
    note: Annotated[str, Field(max_length=MAX_TASK_NOTE, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    signature: Signature | None = None


class RouteRequest(Strict):
    """Where a phase's approved texts go, asked of the worker (it holds the accounts file)."""

    crisis_id: str
    playbook: Playbook
    params: dict[str, str | int | float | bool]
    phase: PhaseName
    exercise: bool
    channels: list[Channel]
    next_update: datetime | None = None


class AccountRef(Strict):
    name: Identifier
    kind: AccountKind


class Route(Strict):
    """One channel: its accounts (none: the outbox only), the real accounts a drill leaves
    out, and whether a person publishes it by hand."""

    channel: Channel
    accounts: list[AccountRef] = []
    left_out: list[str] = []
    manual: bool = False


class RouteResult(Strict):
    routes: list[Route]
    context: PublicContext
