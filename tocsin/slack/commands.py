"""The ``/tocsin`` command: start a crisis (its dialog), its status, a fact, its resolution.

Only the people of a crisis hear of it: anyone else, and a crisis that does not exist, get the
same answer word for word. The verbs are French, English and German.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from tocsin import crises
from tocsin.i18n import t
from tocsin.i18n.formats import phase_name
from tocsin.models import CrisisStatus, FactRequest, ResolveRequest
from tocsin.slack import payloads, words
from tocsin.slack.front import REFUSALS, SlackFront
from tocsin.slack.ids import SLASH_COMMAND
from tocsin.slack.start import Start

START = frozenset({"lancer", "start", "starten"})
STATUS = frozenset({"statut", "status"})
FACT = frozenset({"fait", "fact", "fakt"})
RESOLVE = frozenset({"resoudre", "résoudre", "resolve", "beenden"})


def status_line(status: CrisisStatus) -> str:
    """The crisis in one line: title, state, phase, revision, who it waits for."""
    waiting = ", ".join(n for p in status.pending for n in p.names)
    phase = phase_name(status.phase, status.sequence) if status.phase else t("slack.no_phase")
    return t(
        "slack.status",
        title=words.escape(status.title),
        state=t(f"state.{status.state}"),
        phase=phase,
        revision=status.revision or "–",
        waiting=words.escape(waiting) if waiting else t("slack.nobody"),
    )


class Commands:
    def __init__(self, front: SlackFront) -> None:
        self.front = front
        self.start = Start(front)

    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        front = self.front
        words = payloads.field(command, "text", limit=None).strip().split(maxsplit=2)
        user = payloads.slack_id(command, "user_id")
        verb = words[0].lower() if words else ""
        try:
            if verb in START and len(words) == 2:
                await self.start.open(words[1], command, respond, client)
            elif verb in STATUS and len(words) == 2:
                status, _ = await front.member(words[1], user)
                await respond(status_line(status))
            elif verb in FACT and len(words) == 3:
                _, person = await front.member(words[1], user)
                await crises.add_fact(
                    await front.temporal(),
                    words[1],
                    FactRequest(person=person, text=words[2]),
                    front.signed_as(user),
                )
                await respond(t("slack.fact_added", crisis=words[1]))
            elif verb in RESOLVE and len(words) >= 2:
                _, person = await front.member(words[1], user)
                message = words[2] if len(words) == 3 else ""
                await crises.resolve(
                    await front.temporal(),
                    words[1],
                    ResolveRequest(person=person, summary=message),
                    front.signed_as(user),
                )
                await respond(t("slack.resolved", crisis=words[1]))
            else:
                await respond(t("slack.usage"))
        except REFUSALS as exc:
            await respond(front.refusal(exc))


def register(app: AsyncApp, front: SlackFront) -> None:
    app.command(SLASH_COMMAND)(Commands(front).on_command)
