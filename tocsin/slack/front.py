"""What every Slack listener shares: the Temporal client, the playbooks, each crisis's people
remembered, and the two operations a click ends in (a decision, a revision).

A decision becomes the workflow's ``decide`` update, with the Slack user mapped to a playbook
person through ``people.<id>.slack_user_id``; the workflow's validator has the last word, and its
refusal is shown to that user only (ephemeral), nothing else changing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from cachetools import LRUCache
from pydantic import ValidationError
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client

from tocsin import crises
from tocsin.config import Settings
from tocsin.i18n import invalid_input, t
from tocsin.identity.keys import private_key
from tocsin.identity.signing import Credential
from tocsin.models import (
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    Person,
    RevisionRequest,
    TextEdit,
)
from tocsin.models.identity import Front
from tocsin.playbook import PlaybookLibrary
from tocsin.slack import cards, payloads, words
from tocsin.slack.ids import INPUT_ACTION, TEXT_BLOCK_PREFIX, BlockId
from tocsin.slack.settings import SlackSettings

log = structlog.get_logger("tocsin.slack")

TemporalClient = Callable[[], Awaitable[Client]]
PEOPLE_CACHE = 1_000  # crises whose people the app remembers


class Unmapped(Exception):
    """A Slack user that is no person of the crisis's playbook."""


class NotYours(Exception):
    """A crisis that does not exist, or of which the Slack user is nobody: told alike."""

    def __init__(self, crisis: str) -> None:
        super().__init__(crisis)
        self.crisis = crisis


# What a listener tells the person (``SlackFront.refusal``) instead of acting.
REFUSALS = (crises.Refused, crises.UnknownCrisis, Unmapped, NotYours, ValidationError)


def value_of(values: dict[str, Any], block_id: str) -> str:
    """What a person typed in a modal's input block."""
    return payloads.typed(values, block_id, INPUT_ACTION)


def person_of(people: dict[str, Person], user_id: str) -> str:
    """The playbook person a Slack user is."""
    for person_id, person in people.items():
        if person.slack_user_id == user_id:
            return person_id
    raise Unmapped(user_id)


def _edits(status: CrisisStatus, values: dict[str, Any]) -> list[TextEdit]:
    """The texts a person changed in a modal (unchanged ones are not edits)."""
    assert status.draft is not None
    edits: list[TextEdit] = []
    for item in status.draft.texts:
        block = f"{TEXT_BLOCK_PREFIX}{item.channel.value}__{item.language}"
        if block not in values:
            continue
        text = value_of(values, block)
        if text and text != item.text.strip():
            edits.append(TextEdit(channel=item.channel, language=item.language, text=text))
    return edits


def _with_proposals(comment: str, proposed: list[TextEdit]) -> str:
    lines = [
        t("slack.proposal", text=words.text_name(e.channel, e.language), proposal=e.text)
        for e in proposed
    ]
    return (comment + "\n\n" + t("slack.proposals") + "\n" + "\n".join(lines))[:10_000]


class SlackFront:
    """The state the listeners share, bound to a Temporal client and the Web API client."""

    def __init__(
        self,
        slack: SlackSettings,
        temporal: TemporalClient,
        settings: Settings | None = None,
        library: PlaybookLibrary | None = None,
    ) -> None:
        self.slack = slack
        self.temporal = temporal
        self.settings = settings
        self.library = library
        # Each crisis's people and time zone: snapshotted at trigger, they never change, so a
        # plain approve or reject needs no query before its update.
        self.crisis_people: LRUCache[str, tuple[dict[str, Person], str]] = LRUCache(
            maxsize=PEOPLE_CACHE
        )
        # The app's own key (TOCSIN_SLACK_KEY, or the data folder's): it signs every change it
        # sends for the Slack member whose request Slack signed.
        self.key = private_key(Front.SLACK, (settings or Settings.from_env()).data_dir)

    def signed_as(self, user: str) -> Credential:
        """What a change made by Slack member ``user`` is signed with."""
        return Credential(self.key, f"slack:{user}")

    async def status(self, crisis_id: str) -> CrisisStatus:
        found = await crises.status(await self.temporal(), crisis_id, events=False)
        self.crisis_people[crisis_id] = (found.people, found.timezone)
        return found

    async def member(self, crisis_id: str, user: str) -> tuple[CrisisStatus, str]:
        """The crisis and the person the Slack user is in it; ``NotYours`` when there is no such
        crisis or the user is nobody in it, so that a stranger learns nothing of it."""
        if not payloads.CRISIS_ID.match(crisis_id):
            raise NotYours(crisis_id)
        try:
            found = await self.status(crisis_id)
            return found, person_of(found.people, user)
        except (crises.UnknownCrisis, Unmapped) as exc:
            raise NotYours(crisis_id) from exc

    async def people_of(self, crisis_id: str) -> tuple[dict[str, Person], str]:
        known = self.crisis_people.get(crisis_id)
        if known is None:
            status = await self.status(crisis_id)
            return status.people, status.timezone
        return known

    async def tell(self, client: AsyncWebClient, channel: str, user: str, text: str) -> None:
        """An ephemeral message: only ``user`` sees it."""
        await client.chat_postEphemeral(channel=channel, user=user, text=text)

    async def tell_malformed(self, client: AsyncWebClient, body: object) -> None:
        """A click whose payload does not read: said privately to its sender, when Slack
        named who and where."""
        user, channel = payloads.where(body)
        if user and channel:
            await self.tell(client, channel, user, t("slack.malformed"))

    @staticmethod
    def refusal(exc: Exception) -> str:
        if isinstance(exc, crises.Refused):
            return t("slack.refused", reason=words.escape(exc.localized()))
        if isinstance(exc, (crises.UnknownCrisis, NotYours)):
            return t("slack.no_crisis", crisis=words.escape(words.shorten(exc.crisis, 60)))
        if isinstance(exc, Unmapped):
            return t("slack.unmapped")
        if isinstance(exc, ValidationError):
            # A text too long, an empty reason...: said, nothing sent.
            return "⛔ " + words.escape(invalid_input(exc))
        raise exc

    async def decide(
        self,
        client: AsyncWebClient,
        user: str,
        crisis_id: str,
        revision: int,
        action: DecisionAction,
        *,
        comment: str = "",
        values: dict[str, Any] | None = None,
        where: tuple[str, str] = ("", ""),
        blocks: list[dict[str, Any]] | None = None,
    ) -> None:
        channel, ts = where
        try:
            if values:
                status = await self.status(crisis_id)
                people, timezone = status.people, status.timezone
                changed = _edits(status, values) if status.draft else []
            else:
                people, timezone = await self.people_of(crisis_id)
                changed = []
            person = person_of(people, user)
            wants_edits = action is DecisionAction.APPROVE_WITH_EDITS
            edits = changed if wants_edits else []
            override = value_of(values, BlockId.OVERRIDE) if values and wants_edits else ""
            if wants_edits and not edits:
                action = DecisionAction.APPROVE
            if action is DecisionAction.REQUEST_CHANGES and changed:
                # Texts the director rewrote in the dialog go to the author as proposals, with
                # the comment: the author's revision, approved by someone else, stays the rule.
                comment = _with_proposals(comment, changed)
            decision = await crises.decide(
                await self.temporal(),
                crisis_id,
                DecisionRequest(
                    person=person,
                    revision=revision,
                    action=action,
                    comment=comment,
                    edits=edits,
                    override=override,
                ),
                self.signed_as(user),
            )
        except REFUSALS as exc:
            if channel:
                await self.tell(client, channel, user, self.refusal(exc))
            return
        log.info("slack.decided", crisis=crisis_id, revision=revision, action=action.value)
        if channel and ts and blocks:
            # The card the person clicked loses its buttons at once and says who decided.
            status_line = cards.decided_status(decision, timezone, user)
            kept = [b for b in blocks if b.get("block_id") != BlockId.ACTIONS]
            kept.append({"type": "context", "elements": [{"type": "mrkdwn", "text": status_line}]})
            await client.chat_update(channel=channel, ts=ts, text=status_line, blocks=kept)

    async def revise(
        self,
        client: AsyncWebClient,
        user: str,
        crisis_id: str,
        revision: int,
        values: dict[str, Any],
        channel: str,
    ) -> None:
        try:
            status = await self.status(crisis_id)
            person = person_of(status.people, user)
            edits = _edits(status, values) if status.draft else []
            await crises.revise(
                await self.temporal(),
                crisis_id,
                RevisionRequest(
                    person=person,
                    base_revision=revision,
                    edits=edits,
                    note=value_of(values, BlockId.COMMENT),
                ),
                self.signed_as(user),
            )
        except REFUSALS as exc:
            if channel:
                await self.tell(client, channel, user, self.refusal(exc))
