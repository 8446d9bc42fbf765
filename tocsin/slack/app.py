"""The Bolt listeners: buttons, modals and the /tocsin command.

Each listener acknowledges first (Slack waits 3 seconds at most), then does the work. A decision
becomes the workflow's ``decide`` update, with the Slack user mapped to a playbook person through
``people.<id>.slack_user_id``; the workflow's validator has the last word, and its refusal is shown
to that user only (ephemeral), nothing else changing.
"""

from __future__ import annotations

import json
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from pydantic import ValidationError
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client

from tocsin import crises
from tocsin.config import Settings
from tocsin.i18n import invalid_input
from tocsin.models import (
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    FactRequest,
    Person,
    ResolveRequest,
    RevisionRequest,
    TextEdit,
)
from tocsin.playbook import ParameterProblems, PlaybookError, PlaybookLibrary, resolve_parameters
from tocsin.slack import cards
from tocsin.slack.ids import (
    EXERCISE_BLOCK,
    INPUT_ACTION,
    PARAM_BLOCK_PREFIX,
    SLASH_COMMAND,
    TEXT_BLOCK_PREFIX,
    ActionId,
    BlockId,
    ViewId,
)
from tocsin.slack.notifier import web_client
from tocsin.slack.settings import SlackSettings

log = structlog.get_logger("tocsin.slack")
REPLAY_WINDOW = 5 * 60  # seconds: Slack's own window for a request's timestamp

TemporalClient = Callable[[], Awaitable[Client]]


class ReplayGuard:
    """Refuses a signed request seen before. Bolt checks the signature and the 5-minute window;
    within that window the same signed request could be sent again, so each signature is kept
    until its timestamp leaves the window."""

    def __init__(self) -> None:
        self.seen: dict[str, float] = {}

    def first_time(self, signature: str, timestamp: str, now: float | None = None) -> bool:
        now = time.time() if now is None else now
        for key, at in list(self.seen.items()):
            if at < now - REPLAY_WINDOW:
                del self.seen[key]
        if not signature or signature in self.seen:
            return False
        try:
            self.seen[signature] = float(timestamp)
        except ValueError:
            return False
        return True


class Unmapped(Exception):
    """A Slack user that is no person of the crisis's playbook."""


def _value(values: dict[str, Any], block_id: str) -> str:
    field = (values.get(block_id) or {}).get(INPUT_ACTION) or {}
    return str(field.get("value") or "").strip()


def _person(people: dict[str, Person], user_id: str) -> str:
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
        text = _value(values, block)
        if text and text != item.text.strip():
            edits.append(TextEdit(channel=item.channel, language=item.language, text=text))
    return edits


def _with_proposals(comment: str, proposed: list[TextEdit]) -> str:
    lines = [f"- {e.channel.value}.{e.language} : « {e.text} »" for e in proposed]
    return (comment + "\n\nPropositions :\n" + "\n".join(lines))[:10_000]


PEOPLE_CACHE = 1_000  # crises whose people the app remembers
CRISIS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class SlackFront:
    """The listeners, bound to a Temporal client and the Web API client."""

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
        self.crisis_people: OrderedDict[str, tuple[dict[str, Person], str]] = OrderedDict()

    async def status(self, crisis_id: str) -> CrisisStatus:
        found = await crises.status(await self.temporal(), crisis_id, events=False)
        self.crisis_people[crisis_id] = (found.people, found.timezone)
        while len(self.crisis_people) > PEOPLE_CACHE:
            self.crisis_people.popitem(last=False)
        return found

    async def people_of(self, crisis_id: str) -> tuple[dict[str, Person], str]:
        known = self.crisis_people.get(crisis_id)
        if known is None:
            status = await self.status(crisis_id)
            return status.people, status.timezone
        return known

    async def tell(self, client: AsyncWebClient, channel: str, user: str, text: str) -> None:
        """An ephemeral message: only ``user`` sees it."""
        await client.chat_postEphemeral(channel=channel, user=user, text=text)

    @staticmethod
    def refusal(exc: Exception) -> str:
        if isinstance(exc, crises.Refused):
            return f"⛔ Refusé : {exc.localized()}"
        if isinstance(exc, crises.UnknownCrisis):
            return f"⛔ Crise inconnue : {exc.crisis}"
        if isinstance(exc, Unmapped):
            return (
                "⛔ Votre compte Slack n’est relié à aucune personne de ce playbook "
                "(people.<id>.slack_user_id)."
            )
        if isinstance(exc, ValidationError):
            # A text too long, an empty reason...: said, nothing sent.
            return f"⛔ {cards.escape(invalid_input(exc))}"
        raise exc

    # ------------------------------------------------------------------ decisions

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
            person = _person(people, user)
            wants_edits = action is DecisionAction.APPROVE_WITH_EDITS
            edits = changed if wants_edits else []
            override = _value(values, BlockId.OVERRIDE) if values and wants_edits else ""
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
                    via="slack",
                    override=override,
                ),
            )
        except (crises.Refused, crises.UnknownCrisis, Unmapped, ValidationError) as exc:
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
            person = _person(status.people, user)
            edits = _edits(status, values) if status.draft else []
            await crises.revise(
                await self.temporal(),
                crisis_id,
                RevisionRequest(
                    person=person,
                    base_revision=revision,
                    edits=edits,
                    note=_value(values, BlockId.COMMENT),
                ),
            )
        except (crises.Refused, crises.UnknownCrisis, Unmapped, ValidationError) as exc:
            if channel:
                await self.tell(client, channel, user, self.refusal(exc))

    # ------------------------------------------------------------------ registration

    def register(self, app: AsyncApp) -> None:
        app.action(ActionId.APPROVE)(self.on_approve)
        app.action(ActionId.APPROVE_WITH_EDITS)(self.on_open_edits)
        app.action(ActionId.REVISE)(self.on_open_edits)
        app.action(ActionId.REQUEST_CHANGES)(self.on_open_comment)
        app.action(ActionId.REJECT)(self.on_open_comment)
        app.view(ViewId.APPROVE_WITH_EDITS)(self.on_submit)
        app.view(ViewId.REQUEST_CHANGES)(self.on_submit)
        app.view(ViewId.REJECT)(self.on_submit)
        app.view(ViewId.REVISE)(self.on_submit)
        app.view(ViewId.START)(self.on_start)
        app.command(SLASH_COMMAND)(self.on_command)

    @staticmethod
    def _clicked(body: dict[str, Any]) -> tuple[str, str, str, int, str]:
        action = body["actions"][0]
        crisis_id, revision = cards.parse_value(action["value"])
        container = body.get("container") or {}
        channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
        ts = str(container.get("message_ts") or "")
        return str(body["user"]["id"]), channel, ts, revision, crisis_id

    async def on_approve(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user, channel, ts, revision, crisis_id = self._clicked(body)
        blocks = (body.get("message") or {}).get("blocks") or []
        await self.decide(
            client,
            user,
            crisis_id,
            revision,
            DecisionAction.APPROVE,
            where=(channel, ts),
            blocks=blocks,
        )

    async def on_open_edits(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user, channel, ts, revision, crisis_id = self._clicked(body)
        action = body["actions"][0]["action_id"]
        try:
            status = await self.status(crisis_id)
            _person(status.people, user)
        except (crises.UnknownCrisis, Unmapped) as exc:
            await self.tell(client, channel, user, self.refusal(exc))
            return
        if status.draft is None or status.revision != revision:
            await self.tell(client, channel, user, "⛔ Cette révision n’est plus celle en attente.")
            return
        revise = action == ActionId.REVISE
        view = cards.edits_modal(
            ViewId.REVISE if revise else ViewId.APPROVE_WITH_EDITS,
            "Réviser" if revise else "Approuver, modifié",
            "Envoyer" if revise else "Approuver",
            status.draft,
            (crisis_id, revision, channel, ts),
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def on_open_comment(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user, channel, ts, revision, crisis_id = self._clicked(body)
        reject = body["actions"][0]["action_id"] == ActionId.REJECT
        if not reject:
            try:
                status = await self.status(crisis_id)
            except crises.UnknownCrisis as exc:
                await self.tell(client, channel, user, self.refusal(exc))
                return
            if status.draft is not None and status.revision == revision:
                await client.views_open(
                    trigger_id=body["trigger_id"],
                    view=cards.changes_modal(status.draft, (crisis_id, revision, channel, ts)),
                )
                return
        view = cards.comment_modal(
            ViewId.REJECT if reject else ViewId.REQUEST_CHANGES,
            "Rejeter" if reject else "Demander des modifs",
            "Rejeter" if reject else "Envoyer",
            "Motif du rejet" if reject else "Ce qu’il faut changer",
            (crisis_id, revision, channel, ts),
        )
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body["view"]
        values: dict[str, Any] = (view.get("state") or {}).get("values") or {}
        callback = view["callback_id"]
        if callback in (ViewId.REJECT, ViewId.REQUEST_CHANGES):
            block = BlockId.REASON if callback == ViewId.REJECT else BlockId.COMMENT
            if not _value(values, block):
                await ack(response_action="errors", errors={block: "Ce champ est obligatoire."})
                return
        await ack()
        meta = json.loads(view.get("private_metadata") or "{}")
        crisis_id, revision = str(meta["crisis"]), int(meta["revision"])
        channel, ts = str(meta.get("channel") or ""), str(meta.get("ts") or "")
        user = str(body["user"]["id"])
        if callback == ViewId.REVISE:
            await self.revise(client, user, crisis_id, revision, values, channel)
            return
        action = {
            ViewId.APPROVE_WITH_EDITS: DecisionAction.APPROVE_WITH_EDITS,
            ViewId.REQUEST_CHANGES: DecisionAction.REQUEST_CHANGES,
            ViewId.REJECT: DecisionAction.REJECT,
        }[ViewId(callback)]
        comment = _value(
            values, BlockId.REASON if action is DecisionAction.REJECT else BlockId.COMMENT
        )
        await self.decide(
            client,
            user,
            crisis_id,
            revision,
            action,
            comment=comment,
            values=values,
            where=(channel, ts),
        )

    # ------------------------------------------------------------------ /tocsin

    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        words = str(command.get("text") or "").strip().split(maxsplit=2)
        user = str(command.get("user_id") or "")
        verb = words[0].lower() if words else "aide"
        if verb not in ("lancer", "start") and len(words) >= 2 and not CRISIS_ID.match(words[1]):
            # Not the shape of a crisis id: said so without asking the server.
            shown = words[1] if len(words[1]) <= 60 else words[1][:60] + "…"
            await respond(f"⛔ Crise inconnue : {cards.escape(shown)}")
            return
        try:
            if verb in ("lancer", "start") and len(words) >= 2:
                await self.open_start(words[1], command, respond, client)
            elif verb in ("statut", "status") and len(words) >= 2:
                status = await self.status(words[1])
                waiting = ", ".join(n for p in status.pending for n in p.names) or "-"
                await respond(
                    f"*{cards.escape(status.title)}* : {status.state}, phase "
                    f"{status.phase.value if status.phase else '-'}, révision "
                    f"{status.revision or '-'}, en attente de : {cards.escape(waiting)}"
                )
            elif verb in ("fait", "fact") and len(words) == 3:
                status = await self.status(words[1])
                person = _person(status.people, user)
                await crises.add_fact(
                    await self.temporal(), words[1], FactRequest(person=person, text=words[2])
                )
                await respond(f"Fait ajouté à {words[1]} : il figurera dans le prochain message.")
            elif verb in ("resoudre", "résoudre", "resolve") and len(words) >= 2:
                status = await self.status(words[1])
                person = _person(status.people, user)
                message = words[2] if len(words) == 3 else ""
                await crises.resolve(
                    await self.temporal(),
                    words[1],
                    ResolveRequest(person=person, summary=message),
                )
                await respond(f"Crise {words[1]} résolue : le message de fin va être rédigé.")
            else:
                await respond(
                    "Usage : `/tocsin lancer PLAYBOOK` · `/tocsin statut CRISE` · "
                    "`/tocsin fait CRISE texte` · `/tocsin resoudre CRISE [message]`"
                )
        except (crises.Refused, crises.UnknownCrisis, Unmapped, ValidationError) as exc:
            await respond(self.refusal(exc))

    # ------------------------------------------------------------------ starting a crisis

    async def open_start(
        self, name: str, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        if self.library is None:
            await respond("⛔ Ce déploiement ne déclenche pas de crise depuis Slack.")
            return
        try:
            loaded = self.library.load(name)
        except KeyError:
            available = ", ".join(self.library.files())
            await respond(
                f"⛔ Playbook inconnu « {cards.escape(name)} ». Disponibles : {available}"
            )
            return
        except PlaybookError as exc:
            await respond("⛔ Playbook invalide :\n" + "\n".join(str(p) for p in exc.problems))
            return
        view = cards.start_modal(loaded.playbook, str(command.get("channel_id") or ""))
        await client.views_open(trigger_id=command["trigger_id"], view=view)

    async def on_start(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body["view"]
        values: dict[str, Any] = (view.get("state") or {}).get("values") or {}
        meta = json.loads(view.get("private_metadata") or "{}")
        user = str(body["user"]["id"])
        assert self.library is not None
        assert self.settings is not None
        loaded = self.library.load(str(meta["playbook"]))
        person = next(
            (pid for pid, p in loaded.playbook.people.items() if p.slack_user_id == user), None
        )
        given = {
            block.removeprefix(PARAM_BLOCK_PREFIX): _value(values, block)
            for block in values
            if block.startswith(PARAM_BLOCK_PREFIX) and _value(values, block)
        }
        errors: dict[str, str] = {}
        if person is None:
            first = next(iter(values), EXERCISE_BLOCK)
            errors[first] = "Votre compte Slack n’est relié à aucune personne de ce playbook."
        else:
            try:
                resolve_parameters(loaded.playbook, given)
            except ParameterProblems as exc:
                for name in exc.missing:
                    errors[f"{PARAM_BLOCK_PREFIX}{name}"] = "Obligatoire."
                for name, _, problem in exc.invalid:
                    errors[f"{PARAM_BLOCK_PREFIX}{name}"] = problem[:150]
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        assert person is not None
        exercise = bool(
            ((values.get(EXERCISE_BLOCK) or {}).get(INPUT_ACTION) or {}).get("selected_options")
        )
        crisis = crises.build_input(
            loaded,
            self.library.template_folders,
            given,
            key=crises.default_key(loaded.playbook.timezone),
            person=person,
            exercise=exercise,
            max_history_events=self.settings.max_history_events,
            guardrails=self.library.guardrail_settings(),
        )
        started = await crises.trigger(await self.temporal(), self.settings, crisis)
        channel = str(meta.get("channel") or self.slack.channel)
        word = "déjà en cours" if started.existing else "déclenchée"
        await client.chat_postEphemeral(
            channel=channel, user=user, text=f"Crise {started.crisis_id} {word}."
        )


def build_app(
    slack: SlackSettings,
    temporal: TemporalClient,
    *,
    client: AsyncWebClient | None = None,
    settings: Settings | None = None,
    library: PlaybookLibrary | None = None,
) -> AsyncApp:
    """The Bolt app. Over HTTP, Bolt verifies each request's signature and its 5-minute window,
    and the replay guard refuses a request already seen; in Socket Mode no request comes in."""
    http = slack.mode == "http"
    app = AsyncApp(
        client=client or web_client(slack),
        signing_secret=slack.signing_secret if http else None,
        request_verification_enabled=http,
        process_before_response=False,
    )
    guard = ReplayGuard()

    async def replay_guard(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        if req.mode == "http":
            signature = (req.headers.get("x-slack-signature") or [""])[0]
            timestamp = (req.headers.get("x-slack-request-timestamp") or [""])[0]
            if not guard.first_time(signature, timestamp):
                log.warning("slack.replayed")
                return BoltResponse(status=401, body='{"error":"replayed request"}')
        return await next()

    app.use(replay_guard)
    SlackFront(slack, temporal, settings, library).register(app)
    return app
