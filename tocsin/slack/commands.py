"""The ``/tocsin`` command: start a crisis (its dialog), its status, a fact, its resolution."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from tocsin import crises
from tocsin.models import FactRequest, ResolveRequest
from tocsin.playbook import PlaybookError
from tocsin.slack import cards
from tocsin.slack.front import REFUSALS, SlackFront, person_of
from tocsin.slack.ids import SLASH_COMMAND

CRISIS_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class Commands:
    def __init__(self, front: SlackFront) -> None:
        self.front = front

    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        front = self.front
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
                status = await front.status(words[1])
                waiting = ", ".join(n for p in status.pending for n in p.names) or "-"
                await respond(
                    f"*{cards.escape(status.title)}* : {status.state}, phase "
                    f"{status.phase.value if status.phase else '-'}, révision "
                    f"{status.revision or '-'}, en attente de : {cards.escape(waiting)}"
                )
            elif verb in ("fait", "fact") and len(words) == 3:
                status = await front.status(words[1])
                person = person_of(status.people, user)
                await crises.add_fact(
                    await front.temporal(), words[1], FactRequest(person=person, text=words[2])
                )
                await respond(f"Fait ajouté à {words[1]} : il figurera dans le prochain message.")
            elif verb in ("resoudre", "résoudre", "resolve") and len(words) >= 2:
                status = await front.status(words[1])
                person = person_of(status.people, user)
                message = words[2] if len(words) == 3 else ""
                await crises.resolve(
                    await front.temporal(),
                    words[1],
                    ResolveRequest(person=person, summary=message),
                )
                await respond(f"Crise {words[1]} résolue : le message de fin va être rédigé.")
            else:
                await respond(
                    "Usage : `/tocsin lancer PLAYBOOK` · `/tocsin statut CRISE` · "
                    "`/tocsin fait CRISE texte` · `/tocsin resoudre CRISE [message]`"
                )
        except REFUSALS as exc:
            await respond(front.refusal(exc))

    async def open_start(
        self, name: str, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """The dialog that starts a crisis from a playbook: its parameters, exercise or not."""
        library = self.front.library
        if library is None:
            await respond("⛔ Ce déploiement ne déclenche pas de crise depuis Slack.")
            return
        try:
            loaded = library.load(name)
        except KeyError:
            available = ", ".join(library.files())
            await respond(
                f"⛔ Playbook inconnu « {cards.escape(name)} ». Disponibles : {available}"
            )
            return
        except PlaybookError as exc:
            await respond("⛔ Playbook invalide :\n" + "\n".join(str(p) for p in exc.problems))
            return
        view = cards.start_modal(loaded.playbook, str(command.get("channel_id") or ""))
        await client.views_open(trigger_id=command["trigger_id"], view=view)


def register(app: AsyncApp, front: SlackFront) -> None:
    app.command(SLASH_COMMAND)(Commands(front).on_command)
