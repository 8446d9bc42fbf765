"""What the console's pages share: the Temporal client, the playbooks, each crisis's people
remembered, and the one place where a signed-in person's request goes to the workflow.

Every state change the console asks for (decide, revise, add a fact, resolve, trigger) is an
``Act``: who asked (the identity the sign-in proved: issuer, subject, e-mail), which crisis, and
the request model ``tocsin.crises`` takes. ``WebFront.send`` is the only caller of those
functions here: it signs the act with the console's key (``TOCSIN_WEB_KEY``, or the data
folder's) as ``oidc:<issuer>#<subject>`` (``link:<person>`` for a one-time link's), and the
workflow takes ``via`` and the identity from that signature.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Generic, TypeVar

import structlog
from cachetools import LRUCache
from pydantic import BaseModel
from temporalio.client import Client

from tocsin import crises
from tocsin.config import Settings
from tocsin.identity.keys import private_key
from tocsin.identity.signing import Credential
from tocsin.models import (
    Ack,
    CrisisInput,
    CrisisStatus,
    Decision,
    DecisionRequest,
    FactRequest,
    Person,
    ResolveRequest,
    RevisionRequest,
    RevisionResult,
)
from tocsin.models.identity import Front
from tocsin.playbook import PlaybookLibrary
from tocsin.web.identity import Identity, person_in

log = structlog.get_logger("tocsin.web")

CRISIS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$")
PEOPLE_CACHE = 1_000  # crises whose people the console remembers

Q = TypeVar("Q", bound=BaseModel)
R = TypeVar("R")


class NotYours(Exception):
    """A crisis that does not exist, or of which the signed-in person is nobody: told alike."""

    def __init__(self, crisis: str) -> None:
        super().__init__(crisis)
        self.crisis = crisis


@dataclass(frozen=True)
class Act(Generic[Q]):
    """One state change asked through the console: what a front end's signature covers."""

    identity: Identity
    crisis_id: str
    request: Q
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


class WebFront:
    """The console's state, bound to a Temporal client."""

    def __init__(
        self,
        temporal: Client,
        settings: Settings,
        library: PlaybookLibrary,
        issuer: str | None,
    ) -> None:
        self.temporal = temporal
        self.settings = settings
        self.library = library
        self.issuer = issuer  # the OpenID provider's, None without one
        self.key = private_key(Front.WEB, settings.data_dir)
        self.crisis_people: LRUCache[str, dict[str, Person]] = LRUCache(maxsize=PEOPLE_CACHE)

    # ------------------------------------------------------------------ reading

    async def status(self, crisis_id: str, *, events: bool = True) -> CrisisStatus:
        found = await crises.status(self.temporal, crisis_id, events=events)
        self.crisis_people[crisis_id] = found.people
        return found

    async def member(
        self, crisis_id: str, who: Identity, *, events: bool = True
    ) -> tuple[CrisisStatus, str]:
        """The crisis and the person ``who`` is in it; ``NotYours`` when there is no such
        crisis or ``who`` is nobody in it, so that a stranger learns nothing of it."""
        if not CRISIS_ID.match(crisis_id):
            raise NotYours(crisis_id)
        try:
            found = await self.status(crisis_id, events=events)
        except crises.UnknownCrisis as exc:
            raise NotYours(crisis_id) from exc
        person = person_in(found.people, who, self.issuer)
        if person is None:
            raise NotYours(crisis_id)
        return found, person

    async def person(self, crisis_id: str, who: Identity) -> str | None:
        """The person ``who`` is in the crisis, from its people remembered when known."""
        people = self.crisis_people.get(crisis_id)
        if people is None:
            try:
                people = (await self.status(crisis_id, events=False)).people
            except crises.UnknownCrisis:
                return None
        return person_in(people, who, self.issuer)

    # ------------------------------------------------------------------ the one way out

    def credential(self, who: Identity) -> Credential:
        """What an act of ``who`` is signed with: the console's key, and who it proved."""
        return Credential(self.key, who.signed_as())

    async def send(
        self, act: Act[Q], operation: Callable[[Client, str, Q, Credential], Awaitable[R]]
    ) -> R:
        """The act sent to the workflow through ``operation`` (a function of
        ``tocsin.crises``), signed: the one place where the console changes a crisis."""
        log.info(
            "web.act",
            crisis=act.crisis_id,
            request=type(act.request).__name__,
            issuer=act.identity.issuer,
            subject=act.identity.subject,
        )
        return await operation(
            self.temporal, act.crisis_id, act.request, self.credential(act.identity)
        )

    async def decide(self, who: Identity, crisis_id: str, request: DecisionRequest) -> Decision:
        return await self.send(Act(who, crisis_id, request), crises.decide)

    async def revise(
        self, who: Identity, crisis_id: str, request: RevisionRequest
    ) -> RevisionResult:
        return await self.send(Act(who, crisis_id, request), crises.revise)

    async def add_fact(self, who: Identity, crisis_id: str, request: FactRequest) -> Ack:
        return await self.send(Act(who, crisis_id, request), crises.add_fact)

    async def resolve(self, who: Identity, crisis_id: str, request: ResolveRequest) -> Ack:
        return await self.send(Act(who, crisis_id, request), crises.resolve)

    async def trigger(self, who: Identity, crisis: CrisisInput) -> crises.Triggered:
        settings = self.settings

        async def start(
            client: Client, _: str, request: CrisisInput, by: Credential
        ) -> crises.Triggered:
            return await crises.trigger(client, settings, request, by)

        return await self.send(Act(who, crisis.crisis_id, crisis), start)
