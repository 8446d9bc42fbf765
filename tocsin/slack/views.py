"""Dialogs submitted: a decision or a revision on a card, and a crisis started from Slack.

A dialog that misses something answers with the error beside its field, and nothing is sent.
"""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from tocsin import crises
from tocsin.models import DecisionAction
from tocsin.playbook import ParameterProblems, resolve_parameters
from tocsin.slack.front import SlackFront, value_of
from tocsin.slack.ids import EXERCISE_BLOCK, INPUT_ACTION, PARAM_BLOCK_PREFIX, BlockId, ViewId


class Views:
    def __init__(self, front: SlackFront) -> None:
        self.front = front

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        view = body["view"]
        values: dict[str, Any] = (view.get("state") or {}).get("values") or {}
        callback = view["callback_id"]
        if callback in (ViewId.REJECT, ViewId.REQUEST_CHANGES):
            block = BlockId.REASON if callback == ViewId.REJECT else BlockId.COMMENT
            if not value_of(values, block):
                await ack(response_action="errors", errors={block: "Ce champ est obligatoire."})
                return
        await ack()
        meta = json.loads(view.get("private_metadata") or "{}")
        crisis_id, revision = str(meta["crisis"]), int(meta["revision"])
        channel, ts = str(meta.get("channel") or ""), str(meta.get("ts") or "")
        user = str(body["user"]["id"])
        if callback == ViewId.REVISE:
            await self.front.revise(client, user, crisis_id, revision, values, channel)
            return
        action = {
            ViewId.APPROVE_WITH_EDITS: DecisionAction.APPROVE_WITH_EDITS,
            ViewId.REQUEST_CHANGES: DecisionAction.REQUEST_CHANGES,
            ViewId.REJECT: DecisionAction.REJECT,
        }[ViewId(callback)]
        comment = value_of(
            values, BlockId.REASON if action is DecisionAction.REJECT else BlockId.COMMENT
        )
        await self.front.decide(
            client,
            user,
            crisis_id,
            revision,
            action,
            comment=comment,
            values=values,
            where=(channel, ts),
        )

    async def on_start(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        front = self.front
        view = body["view"]
        values: dict[str, Any] = (view.get("state") or {}).get("values") or {}
        meta = json.loads(view.get("private_metadata") or "{}")
        user = str(body["user"]["id"])
        assert front.library is not None
        assert front.settings is not None
        loaded = front.library.load(str(meta["playbook"]))
        person = next(
            (pid for pid, p in loaded.playbook.people.items() if p.slack_user_id == user), None
        )
        given = {
            block.removeprefix(PARAM_BLOCK_PREFIX): value_of(values, block)
            for block in values
            if block.startswith(PARAM_BLOCK_PREFIX) and value_of(values, block)
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
            front.library.template_folders,
            given,
            key=crises.default_key(loaded.playbook.timezone),
            person=person,
            exercise=exercise,
            max_history_events=front.settings.max_history_events,
            guardrails=front.library.guardrail_settings(),
        )
        channel = str(meta.get("channel") or front.slack.channel)
        try:
            started = await crises.trigger(await front.temporal(), front.settings, crisis)
        except crises.DifferentParameters as exc:
            await client.chat_postEphemeral(
                channel=channel,
                user=user,
                text=(
                    f"Une crise {exc.crisis} est déjà en cours aujourd’hui avec d’autres valeurs "
                    f"({', '.join(exc.names)}) : rien n’est déclenché. Pour une seconde crise "
                    "le même jour, déclenchez-la en ligne de commande avec sa propre clé (--key)."
                ),
            )
            return
        word = "déjà en cours" if started.existing else "déclenchée"
        await client.chat_postEphemeral(
            channel=channel, user=user, text=f"Crise {started.crisis_id} {word}."
        )


def register(app: AsyncApp, front: SlackFront) -> None:
    views = Views(front)
    app.view(ViewId.APPROVE_WITH_EDITS)(views.on_submit)
    app.view(ViewId.REQUEST_CHANGES)(views.on_submit)
    app.view(ViewId.REJECT)(views.on_submit)
    app.view(ViewId.REVISE)(views.on_submit)
    app.view(ViewId.START)(views.on_start)
