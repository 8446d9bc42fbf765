"""What Temporal's visibility store knows of each crisis, to count and list crises by it.

A crisis starts with four search attributes: who triggered it, its playbook, whether it is an
exercise, and when it was triggered. The server indexes them; ``tocsin list`` filters on them and
the trigger rates count recent starts with them, across every process that talks to the server
(the command line, each Slack app, later fronts). They carry over when a crisis continues as
new, so a long crisis counts once, at its trigger.

The server must know them before the first crisis starts: tocsin registers them (idempotent)
when it starts its embedded server, a worker, or its first trigger in a process. A server whose
operator API is closed to tocsin needs them registered once by hand (README, Settings).
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Final, TypeVar

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.common import SearchAttributeKey, SearchAttributePair, TypedSearchAttributes
from temporalio.service import RPCError, RPCStatusCode

from tocsin import names

T = TypeVar("T")

PERSON: Final = SearchAttributeKey.for_keyword("TocsinPerson")
PLAYBOOK: Final = SearchAttributeKey.for_keyword("TocsinPlaybook")
EXERCISE: Final = SearchAttributeKey.for_bool("TocsinExercise")
TRIGGERED_AT: Final = SearchAttributeKey.for_datetime("TocsinTriggeredAt")

_TYPES: Final = {
    PERSON.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    PLAYBOOK.name: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    EXERCISE.name: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
    TRIGGERED_AT.name: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
}
# What the server answers when it has them already, cannot say, or lets tocsin not add them
# (then they must be there already: the start says so if they are not).
_TOLERATED: Final = (
    RPCStatusCode.ALREADY_EXISTS,
    RPCStatusCode.PERMISSION_DENIED,
    RPCStatusCode.UNIMPLEMENTED,
)
_IDENTIFIER: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

# Crises (one workflow type), each run but the last of a continue-as-new chain left out.
CRISES: Final = f"WorkflowType = '{names.WORKFLOW}' AND ExecutionStatus != 'ContinuedAsNew'"

_registered: weakref.WeakKeyDictionary[Client, bool] = weakref.WeakKeyDictionary()


def attributes(
    *, person: str, playbook: str, exercise: bool, at: datetime
) -> TypedSearchAttributes:
    return TypedSearchAttributes(
        [
            SearchAttributePair(PERSON, person),
            SearchAttributePair(PLAYBOOK, playbook),
            SearchAttributePair(EXERCISE, exercise),
            SearchAttributePair(TRIGGERED_AT, at),
        ]
    )


async def ensure_registered(client: Client) -> None:
    """Register tocsin's search attributes in the client's namespace, once per client."""
    if _registered.get(client):
        return
    # Read first: adding, even what is there, rewrites the namespace, and a busy server then
    # answers "namespace not found" to other calls for a moment.
    try:
        known = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
        existing = set(known.custom_attributes)
    except RPCError as exc:
        if exc.status not in _TOLERATED:
            raise
        existing = set()  # it cannot say (the time-skipping server): add them all
    missing = {name: kind for name, kind in _TYPES.items() if name not in existing}
    if missing:
        try:
            await client.operator_service.add_search_attributes(
                AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
            )
        except RPCError as exc:
            if exc.status not in _TOLERATED:
                raise
    _registered[client] = True


def literal(value: str) -> str:
    """An identifier (person, playbook) as a quoted literal of a visibility query."""
    if not _IDENTIFIER.match(value):
        raise ValueError(f"not an identifier: {value!r}")
    return f"'{value}'"


def timestamp(moment: datetime) -> str:
    """A moment as a literal of a visibility query (UTC, RFC 3339)."""
    return "'" + moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") + "'"


def boolean(value: bool) -> str:
    return "true" if value else "false"


# A busy dev server (SQLite) may answer "namespace not found" for a moment, to a start as to a
# read (seen at 6 to 8 starts a second on two loaded cores): tried again after these pauses.
_BLIP_PAUSES: Final = (0.2, 0.5, 1.0)


async def patiently(call: Callable[[], Awaitable[T]]) -> T:
    """``call()``, tried again while the server says for a moment that its namespace is not
    found; any other error, or the same one past the pauses, is raised."""
    for pause in (*_BLIP_PAUSES, None):
        try:
            return await call()
        except RPCError as exc:
            blip = exc.status == RPCStatusCode.NOT_FOUND and "namespace" in exc.message.lower()
            if not blip or pause is None:
                raise
        await asyncio.sleep(pause)
    raise AssertionError("unreachable")  # the last pause is None: it raised
