"""The crises on the server, a page at a time, filtered by state, playbook and kind.

Real crises come first, then exercises: a storm of drills can never push a real crisis off the
page an operator reads first. Within each kind, the server's order: running crises first, the
most recently started first, then the others, the most recently ended first. Filters by kind and
playbook are the server's own (search attributes, ``tocsin.visibility``); a state is narrowed by
the server to the workflow statuses it may come from, then read from how the crisis ended.

A page token is opaque to people: the kind it is in, the server's own token for that kind, and a
checksum.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from temporalio.client import Client, WorkflowExecution, WorkflowExecutionStatus
from temporalio.service import RPCError, RPCStatusCode

from tocsin.crises import ENDED
from tocsin.visibility import CRISES, EXERCISE, PLAYBOOK, boolean, literal

Kind = Literal["real", "exercise"]
KINDS: Final[tuple[Kind, ...]] = ("real", "exercise")
# What a crisis's state may be, and the workflow statuses each may come from (a crisis over
# while its workflow waits to post the review is still running).
STATES: Final[dict[str, tuple[str, ...]]] = {
    "running": ("Running",),
    "closed": ("Running", "Completed"),
    "retracted": ("Running", "Completed"),
    "cancelled": ("Running", "Completed", "Canceled"),
    "failed": ("Failed",),
    "terminated": ("Terminated",),
    "timed_out": ("TimedOut",),
}
MAX_LIMIT: Final = 1_000
# Server pages read for one page of ours when a state filter leaves rows out: the page then
# ends early, with a token to go on.
_MAX_FETCHES: Final = 20

_STATUS: Final[dict[WorkflowExecutionStatus, str]] = {
    WorkflowExecutionStatus.RUNNING: "running",
    WorkflowExecutionStatus.COMPLETED: "closed",
    WorkflowExecutionStatus.FAILED: "failed",
    WorkflowExecutionStatus.CANCELED: "cancelled",
    WorkflowExecutionStatus.TERMINATED: "terminated",
    WorkflowExecutionStatus.CONTINUED_AS_NEW: "running",
    WorkflowExecutionStatus.TIMED_OUT: "timed_out",
}


class BadListing(Exception):
    """A filter or page token tocsin cannot use: which option, and what it takes."""

    def __init__(self, option: str, value: str) -> None:
        super().__init__(f"{option}={value!r}")
        self.option, self.value = option, value


@dataclass(frozen=True)
class CrisisSummary:
    crisis_id: str
    title: str
    status: str
    started: datetime | None
    exercise: bool


@dataclass(frozen=True)
class CrisisPage:
    crises: list[CrisisSummary]
    next_page_token: str | None  # None: nothing more


@dataclass(frozen=True)
class _Cursor:
    kind: Kind
    token: bytes | None  # the server's, within that kind; None: its first page


def _check(kind: str, raw: str) -> str:
    """A checksum: a token cut or mistyped is refused here, not sent to the server (which
    answers a bad one with an internal error, after the client has retried for seconds)."""
    return hashlib.sha256(f"{kind}.{raw}".encode()).hexdigest()[:8]


def _encode(cursor: _Cursor) -> str:
    kind = cursor.kind[0]
    raw = base64.urlsafe_b64encode(cursor.token or b"").decode().rstrip("=")
    return f"{kind}.{raw}.{_check(kind, raw)}"


def _decode(text: str) -> _Cursor:
    parts = text.strip().split(".")
    kinds = {kind[0]: kind for kind in KINDS}
    if len(parts) != 3 or parts[0] not in kinds or len(text) > 4_000:
        raise BadListing("--page-token", text)
    kind, raw, check = parts
    if check != _check(kind, raw):
        raise BadListing("--page-token", text)
    try:
        token = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise BadListing("--page-token", text) from None
    return _Cursor(kinds[kind], token or None)


def _query(kind: Kind, status: str | None, playbook: str | None) -> str:
    parts = [CRISES, f"{EXERCISE.name} = {boolean(kind == 'exercise')}"]
    if playbook is not None:
        try:
            parts.append(f"{PLAYBOOK.name} = {literal(playbook)}")
        except ValueError:
            raise BadListing("--playbook", playbook) from None
    if status is not None:
        statuses = ", ".join(f"'{name}'" for name in STATES[status])
        parts.append(f"ExecutionStatus IN ({statuses})")
    return " AND ".join(parts)


async def _summary(execution: WorkflowExecution) -> CrisisSummary:
    memo = await execution.memo()
    status = _STATUS.get(execution.status, "?") if execution.status is not None else "?"
    if status in ("running", "closed") and memo.get("ended") in ENDED:
        # How it ended, as the workflow said: closed, retracted or cancelled (its workflow
        # completes in each case), or over while its workflow waits to post the review.
        status = str(memo["ended"])
    return CrisisSummary(
        crisis_id=execution.id,
        title=str(memo.get("title", "")),
        status=status,
        started=execution.start_time,
        exercise=bool(memo.get("exercise", False)),
    )


async def list_crises(
    client: Client,
    *,
    limit: int = 100,
    status: str | None = None,
    playbook: str | None = None,
    exercise: bool | None = None,
    page_token: str | None = None,
) -> CrisisPage:
    """One page of at most ``limit`` crises: real ones, then exercises (``exercise`` True or
    False: that kind alone); ``next_page_token`` to ask for the next page."""
    if not 1 <= limit <= MAX_LIMIT:
        raise BadListing("--limit", str(limit))
    if status is not None and status not in STATES:
        raise BadListing("--status", status)
    kinds: tuple[Kind, ...] = (
        KINDS if exercise is None else (("exercise",) if exercise else ("real",))
    )
    cursor = _decode(page_token) if page_token else _Cursor(kinds[0], None)
    if cursor.kind not in kinds:
        raise BadListing("--page-token", page_token or "")
    found: list[CrisisSummary] = []
    fetches = 0
    while len(found) < limit and fetches < _MAX_FETCHES:
        fetches += 1
        listing = client.list_workflows(
            _query(cursor.kind, status, playbook),
            page_size=limit - len(found),
            next_page_token=cursor.token,
        )
        try:
            await listing.fetch_next_page()
        except RPCError as exc:
            if exc.status == RPCStatusCode.INVALID_ARGUMENT and cursor.token:
                raise BadListing("--page-token", page_token or "") from exc
            raise
        for execution in listing.current_page or []:
            summary = await _summary(execution)
            if status is None or summary.status == status:
                found.append(summary)
        if listing.next_page_token:
            cursor = _Cursor(cursor.kind, listing.next_page_token)
            continue
        following = kinds.index(cursor.kind) + 1
        if following == len(kinds):
            return CrisisPage(found, None)
        cursor = _Cursor(kinds[following], None)
    return CrisisPage(found, _encode(cursor))
