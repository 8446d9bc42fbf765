"""How many crises a person, and a playbook, may start in a sliding window.

Every front triggers through ``crises.trigger``, which asks ``check`` first. The count is the
server's: crises whose search attributes (``tocsin.visibility``) name the person or the playbook
and whose trigger time falls in the window, read from Temporal's visibility store. So the limit
holds across command-line processes and app instances with no store of tocsin's own, and a
crisis that continues as new counts once, at its trigger.

Real crises and exercises are counted apart, with their own limits (tighter for exercises): a
drill storm never uses up what a real crisis needs. The store lags a start by a fraction of a
second (0.06 to 0.4 s measured on the dev server), so triggers racing in that moment from several
processes can pass the limit by as many as race; a flood cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode

from tocsin.config import TriggerLimits
from tocsin.i18n import language, text_in
from tocsin.i18n.formats import moment, time_of_day
from tocsin.visibility import (
    CRISES,
    EXERCISE,
    PERSON,
    PLAYBOOK,
    TRIGGERED_AT,
    boolean,
    literal,
    patiently,
    timestamp,
)

Scope = Literal["person", "playbook"]
# Starts read to find when the next trigger is allowed, past the limit (a race may have let a
# few more through).
_BEYOND: Final = 1_000


@dataclass(eq=False)
class TooManyTriggers(Exception):
    """A trigger over a limit: who or what, how many in the window, the limit, and when the
    next one is allowed."""

    scope: Scope
    name: str  # the person's name, or the playbook's title
    exercise: bool
    started: int
    limit: int
    window_minutes: int
    next_at: datetime
    zone: str

    def __str__(self) -> str:
        return self.localized()

    def localized(self, lang: str | None = None) -> str:
        zone = ZoneInfo(self.zone)
        today = datetime.now(zone).date()
        at = (
            time_of_day(self.next_at, zone, lang)
            if self.next_at.astimezone(zone).date() == today
            else moment(self.next_at, zone, lang)
        )
        chosen = lang or language()
        kind = "exercise" if self.exercise else "real"
        return text_in(
            chosen,
            f"rate.{self.scope}",
            who=self.name,
            count=self.started,
            kind=text_in(chosen, f"rate.kind.{kind}.{'one' if self.started == 1 else 'many'}"),
            limit=self.limit,
            window=self.window_minutes,
            at=at,
        )


@dataclass(frozen=True)
class _Rule:
    scope: Scope
    key: SearchAttributeKey[str]
    value: str
    name: str
    limit: int


def _rules(
    limits: TriggerLimits, *, person: str, person_name: str, playbook: str, title: str, drill: bool
) -> list[_Rule]:
    return [
        _Rule(
            "person",
            PERSON,
            person,
            person_name,
            limits.drills_per_person if drill else limits.per_person,
        ),
        _Rule(
            "playbook",
            PLAYBOOK,
            playbook,
            title,
            limits.drills_per_playbook if drill else limits.per_playbook,
        ),
    ]


async def _count(client: Client, query: str) -> int | None:
    """Crises matching ``query``; None when the server keeps no list of workflows."""
    try:
        return (await patiently(lambda: client.count_workflows(query))).count
    except RPCError as exc:
        if exc.status == RPCStatusCode.UNIMPLEMENTED:
            return None
        raise


async def check(
    client: Client,
    limits: TriggerLimits,
    *,
    person: str,
    person_name: str,
    playbook: str,
    title: str,
    exercise: bool,
    zone: str,
    now: datetime,
) -> None:
    """``TooManyTriggers`` when one more trigger would pass a limit (the one whose next trigger
    comes last, when both are reached). A server that keeps no list of workflows (Temporal's
    time-skipping test server) cannot count: nothing is refused there."""
    window = timedelta(minutes=limits.window_minutes)
    refusals: list[TooManyTriggers] = []
    rules = _rules(
        limits,
        person=person,
        person_name=person_name,
        playbook=playbook,
        title=title,
        drill=exercise,
    )
    for rule in rules:
        query = (
            f"{CRISES} AND {rule.key.name} = {literal(rule.value)}"
            f" AND {EXERCISE.name} = {boolean(exercise)}"
            f" AND {TRIGGERED_AT.name} > {timestamp(now - window)}"
        )
        started = await _count(client, query)
        if started is None:
            return
        if started < rule.limit:
            continue
        times = sorted(
            [
                execution.typed_search_attributes.get(TRIGGERED_AT) or execution.start_time
                async for execution in client.list_workflows(query, limit=rule.limit + _BEYOND)
            ]
        )
        # The window slides: the next trigger is allowed once enough of these have left it.
        oldest = times[max(0, len(times) - rule.limit)] if times else now
        refusals.append(
            TooManyTriggers(
                scope=rule.scope,
                name=rule.name,
                exercise=exercise,
                started=max(started, len(times)),
                limit=rule.limit,
                window_minutes=limits.window_minutes,
                next_at=max(oldest + window, now),
                zone=zone,
            )
        )
    if refusals:
        raise max(refusals, key=lambda refusal: refusal.next_at)
