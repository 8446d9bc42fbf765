"""Starting a crisis from Slack: ``/tocsin lancer PLAYBOOK``, its dialog, and the dialog submitted.

A playbook is named by its id in the library, never by a path: the name must have the shape of
an id and be one of the library's files, or nothing is read. The Slack user must be a person of
that playbook (``people.<id>.slack_user_id``) before anything else happens: a stranger gets the
answer an unknown playbook gets, and no dialog. A playbook that does not load is logged for the
operator; the person is told it does not load, never its file or its problems.
"""

from __future__ import annotations

import re
from typing import Any

import structlog
from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from tocsin import crises, rates
from tocsin.i18n import t
from tocsin.playbook import (
    LoadedPlaybook,
    ParameterProblems,
    PlaybookError,
    PlaybookLibrary,
    resolve_parameters,
)
from tocsin.playbook.library import load_playbook
from tocsin.slack import modals, payloads, words
from tocsin.slack.front import SlackFront, value_of
from tocsin.slack.ids import EXERCISE_BLOCK, INPUT_ACTION, PARAM_BLOCK_PREFIX

log = structlog.get_logger("tocsin.slack")

PLAYBOOK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
YOURS_SHOWN = 20  # playbooks listed to a person who named one that is not theirs


def library_file(library: PlaybookLibrary, name: str) -> LoadedPlaybook | None:
    """The playbook ``name`` of the library, parsed without rendering; None when ``name`` is not
    an id of the library (a path, ``../x``...) or its file does not load."""
    if not PLAYBOOK_ID.match(name):
        return None
    file = library.files().get(name)
    if file is None:
        return None
    try:
        return load_playbook(file, library.template_folders, render=False)
    except PlaybookError as exc:
        log.warning("slack.playbook_unloadable", playbook=name, problems=len(exc.problems))
        return None


def rendered(library: PlaybookLibrary, parsed: LoadedPlaybook) -> LoadedPlaybook | None:
    """The playbook loaded as a trigger loads it (its templates rendered once, the
    organisation's channel settings), from the library file found; None when it does not load
    (logged for the operator, with the number of problems: their text names files and keys)."""
    try:
        return load_playbook(
            parsed.file, library.template_folders, organisation=library.channel_settings()
        )
    except PlaybookError as exc:
        log.warning("slack.playbook_invalid", playbook=parsed.file.stem, problems=len(exc.problems))
        return None


def is_person(loaded: LoadedPlaybook, user: str) -> str | None:
    """The person id the Slack user is in the playbook, if any."""
    if not user:
        return None
    return next((pid for pid, p in loaded.playbook.people.items() if p.slack_user_id == user), None)


def yours(library: PlaybookLibrary, user: str) -> list[str]:
    """The library's playbooks the Slack user is a person of."""
    found = []
    for name in library.files():
        loaded = library_file(library, name)
        if loaded is not None and is_person(loaded, user):
            found.append(name)
        if len(found) >= YOURS_SHOWN:
            break
    return found


class Start:
    def __init__(self, front: SlackFront) -> None:
        self.front = front

    async def open(
        self, name: str, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """The dialog that starts a crisis from a playbook: its parameters, exercise or not."""
        library = self.front.library
        if library is None:
            await respond(t("slack.no_library"))
            return
        user = payloads.slack_id(command, "user_id")
        if not PLAYBOOK_ID.match(name):
            await respond(t("slack.not_a_playbook_id"))
            return
        parsed = library_file(library, name)
        if parsed is None or is_person(parsed, user) is None:
            answer = t("slack.unknown_playbook", name=name)
            mine = yours(library, user)
            if mine:
                answer += " " + t("slack.your_playbooks", ids=", ".join(mine))
            await respond(answer)
            return
        loaded = rendered(library, parsed)
        if loaded is None:
            await respond(t("slack.playbook_invalid", name=name))
            return
        view = modals.start_modal(loaded.playbook, payloads.slack_id(command, "channel_id"))
        await client.views_open(trigger_id=payloads.field(command, "trigger_id"), view=view)

    async def on_submit(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        front = self.front
        library, settings = front.library, front.settings
        submitted = payloads.submission(body, EXERCISE_BLOCK)
        values, user = submitted.values, submitted.user
        name = payloads.field(submitted.meta, "playbook", limit=100)
        parsed = library_file(library, name) if library is not None else None
        person = is_person(parsed, user) if parsed is not None else None
        if library is None or settings is None or parsed is None or person is None:
            await ack(
                response_action="errors", errors={submitted.first_block: t("slack.not_a_person")}
            )
            return
        loaded = rendered(library, parsed)
        if loaded is None:
            problem = t("slack.playbook_invalid", name=name)
            await ack(response_action="errors", errors={submitted.first_block: problem})
            return
        given = {
            block.removeprefix(PARAM_BLOCK_PREFIX): value_of(values, block)
            for block in values
            if block.startswith(PARAM_BLOCK_PREFIX) and value_of(values, block)
        }
        errors: dict[str, str] = {}
        try:
            resolve_parameters(loaded.playbook, given)
        except ParameterProblems as exc:
            for missing in exc.missing:
                errors[f"{PARAM_BLOCK_PREFIX}{missing}"] = t("slack.required")
            for invalid, kind, _ in exc.invalid:
                errors[f"{PARAM_BLOCK_PREFIX}{invalid}"] = t(f"slack.parameter.{kind}")
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        options = payloads.mapping(payloads.mapping(values, EXERCISE_BLOCK), INPUT_ACTION)
        crisis = crises.build_input(
            loaded,
            library.template_folders,
            given,
            key=crises.default_key(loaded.playbook.timezone),
            person=person,
            exercise=bool(options.get("selected_options")),
            max_history_events=settings.max_history_events,
            guardrails=library.guardrail_settings(),
        )
        channel = payloads.slack_id(submitted.meta, "channel") or front.slack.channel
        try:
            started = await crises.trigger(
                await front.temporal(), settings, crisis, front.signed_as(user)
            )
        except crises.DifferentParameters as exc:
            names = words.escape(", ".join(exc.names))
            text = t("slack.different_parameters", crisis=exc.crisis, names=names)
            await client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        except (rates.TooManyTriggers, crises.BadKey, crises.ClosedCrisisExists) as exc:
            # Refused before anything started: the person is told why, as the CLI tells it.
            said = (
                t("trigger.closed_exists", crisis=exc.crisis)
                if isinstance(exc, crises.ClosedCrisisExists)
                else exc.localized()
            )
            await client.chat_postEphemeral(channel=channel, user=user, text=words.escape(said))
            return
        key = "slack.already_running" if started.existing else "slack.started"
        await client.chat_postEphemeral(
            channel=channel, user=user, text=t(key, crisis=started.crisis_id)
        )
