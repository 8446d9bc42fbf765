"""The console's pages: the crises of the signed-in person, a crisis (its draft per channel and
language, the decision, facts, resolution, timeline), its live stream, and triggering a playbook.

A crisis of which the person is nobody, and one that does not exist, get the same answer. Every
form carries the session's CSRF token; what the workflow refuses (four-eyes, a role, a revision
no longer current) is said in the person's language, the typed texts kept.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from temporalio.service import RPCError

from tocsin import crises, listing, rates
from tocsin.models import (
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    FactRequest,
    ResolveRequest,
    RevisionRequest,
    TextEdit,
)
from tocsin.models.base import MAX_COMMENT_CHARS, MAX_EDIT_CHARS, MAX_FACT_CHARS
from tocsin.playbook import ParameterProblems, resolve_parameters
from tocsin.web.console import Console
from tocsin.web.front import NotYours
from tocsin.web.identity import Identity, person_in
from tocsin.web.live import Watch
from tocsin.web.playbooks import (
    given_values,
    library_playbook,
    parameter_fields,
    parsed_playbooks,
)
from tocsin.web.present import crisis_view, field_name

log = structlog.get_logger("tocsin.web")

LISTED = 50  # crises read for the list, running ones first
REFUSALS = (crises.Refused, crises.UnknownCrisis, ValidationError)


def _console(request: Request) -> Console:
    found: Console = request.app.state.console
    return found


async def crisis_list(request: Request) -> Response:
    console = _console(request)
    who = console.who(request)
    words = console.words(request)
    try:
        page = await listing.list_crises(console.front.temporal, limit=LISTED)
    except RPCError as exc:  # a server without visibility (Temporal's test server)
        log.warning("web.list_failed", error=exc.status.name if exc.status else "")
        return console.render(
            request, "list.html.j2", here="list", crises=[], error=words("web.no_list")
        )
    found = await asyncio.gather(
        *(_listed(console, summary, who) for summary in page.crises), return_exceptions=True
    )
    shown: list[dict[str, Any]] = []
    for summary, mine in zip(page.crises, found, strict=True):
        if not isinstance(mine, tuple):
            continue  # not a person of it, or it does not answer now
        person, status = mine
        state = status.state if status is not None else summary.status
        shown.append(
            {
                "crisis_id": summary.crisis_id,
                "title": summary.title,
                "exercise": summary.exercise,
                "state": state,
                "state_label": words(f"state.{state}"),
                "started": words.at(summary.started, status.timezone if status else "Europe/Paris"),
                "waiting": status is not None
                and any(person in pending.people for pending in status.pending),
            }
        )
    return console.render(request, "list.html.j2", here="list", crises=shown)


async def _listed(
    console: Console, summary: listing.CrisisSummary, who: Identity
) -> tuple[str, CrisisStatus | None]:
    """The person ``who`` is in a listed crisis and, when it runs, its status (whether it
    waits for them); ``NotYours`` otherwise."""
    if summary.status != "running":
        person = await console.front.person(summary.crisis_id, who)
        if person is None:
            raise NotYours(summary.crisis_id)
        return person, None
    status, person = await console.front.member(summary.crisis_id, who, events=False)
    return person, status


def _not_yours(console: Console, request: Request) -> Response:
    words = console.words(request)
    return console.message(
        request, words("web.no_crisis_title"), words("web.no_crisis"), status=404
    )


async def _page(
    console: Console,
    request: Request,
    status: CrisisStatus,
    person: str,
    *,
    error: str = "",
    values: dict[str, str] | None = None,
    code: int = 200,
) -> Response:
    words = console.words(request)
    revising = status.state == "awaiting_revision" and status.author == person
    return console.render(
        request,
        "crisis.html.j2",
        status=code,
        c=crisis_view(status, words),
        person_name=status.people[person].name if person in status.people else person,
        revising=revising,
        limits={"edit": MAX_EDIT_CHARS, "comment": MAX_COMMENT_CHARS, "fact": MAX_FACT_CHARS},
        error=error,
        values=values or {},
    )


async def crisis_page(request: Request) -> Response:
    console = _console(request)
    who = console.who(request)
    try:
        status, person = await console.front.member(request.path_params["crisis"], who)
    except NotYours:
        return _not_yours(console, request)
    return await _page(console, request, status, person)


def _edits(status: CrisisStatus, form: dict[str, str]) -> list[TextEdit]:
    """The texts the person changed (line ends as browsers send them, ignored)."""
    if status.draft is None:
        return []
    edits = []
    for item in status.draft.texts:
        typed = form.get(field_name(item))
        if typed is None:
            continue
        typed = typed.replace("\r\n", "\n").strip()
        if typed and typed != item.text.strip():
            edits.append(TextEdit(channel=item.channel, language=item.language, text=typed))
    return edits


def _revision(form: dict[str, str]) -> int:
    raw = form.get("revision", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 9 else -1


async def _act(request: Request, kind: str) -> Response:
    """A form posted on a crisis: decide, revise, fact, resolve. The one place pages reach the
    front for a crisis's state change."""
    console = _console(request)
    who = console.who(request)
    form = await console.form(request)
    crisis_id = request.path_params["crisis"]
    words = console.words(request)
    try:
        status, person = await console.front.member(crisis_id, who)
    except NotYours:
        return _not_yours(console, request)
    try:
        flash = await _send(console, who, status, person, kind, form)
    except REFUSALS as exc:
        code = 400 if isinstance(exc, ValidationError) else 409
        return await _page(
            console, request, status, person, error=words.refusal(exc), values=form, code=code
        )
    except _Said as said:
        return await _page(
            console, request, status, person, error=words(said.key), values=form, code=400
        )
    return console.back(request, f"/crises/{crisis_id}", words(*flash))


class _Said(Exception):
    """A form the console itself refuses, before anything is sent: the message's key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


async def _send(
    console: Console,
    who: Identity,
    status: CrisisStatus,
    person: str,
    kind: str,
    form: dict[str, str],
) -> tuple[str]:
    front, crisis_id = console.front, status.crisis_id
    if kind == "decide":
        try:
            action = DecisionAction(form.get("action", ""))
        except ValueError:
            raise _Said("web.pick_action") from None
        edits = _edits(status, form)
        if action is DecisionAction.APPROVE and edits:
            raise _Said("web.edited_but_plain")
        comment = form.get("comment", "").strip()
        if action in (DecisionAction.REQUEST_CHANGES, DecisionAction.REJECT):
            # Texts rewritten with a change request go to the author as proposals.
            proposals = "\n".join(f"[{e.channel.value}:{e.language}] {e.text}" for e in edits)
            if proposals and action is DecisionAction.REQUEST_CHANGES:
                comment = f"{comment}\n\n{proposals}"[:10_000]
            edits = []
        request = DecisionRequest(
            person=person,
            revision=_revision(form),
            action=action,
            comment=comment,
            edits=edits,
            override=form.get("override", "").strip()
            if action in (DecisionAction.APPROVE, DecisionAction.APPROVE_WITH_EDITS)
            else "",
        )
        decision = await front.decide(who, crisis_id, request)
        return (f"web.done.{decision.action.value}",)
    if kind == "revise":
        await front.revise(
            who,
            crisis_id,
            RevisionRequest(
                person=person,
                base_revision=_revision(form),
                edits=_edits(status, form),
                note=form.get("note", "").strip(),
            ),
        )
        return ("web.done.revised",)
    if kind == "fact":
        await front.add_fact(
            who, crisis_id, FactRequest(person=person, text=form.get("text", "").strip())
        )
        return ("web.done.fact",)
    await front.resolve(
        who, crisis_id, ResolveRequest(person=person, summary=form.get("summary", "").strip())
    )
    return ("web.done.resolved",)


async def decide(request: Request) -> Response:
    return await _act(request, "decide")


async def revise(request: Request) -> Response:
    return await _act(request, "revise")


async def add_fact(request: Request) -> Response:
    return await _act(request, "fact")


async def resolve(request: Request) -> Response:
    return await _act(request, "resolve")


async def live(request: Request) -> Response:
    console = _console(request)
    who = console.who(request)
    crisis_id = request.path_params["crisis"]
    if await console.front.person(crisis_id, who) is None:
        return _not_yours(console, request)
    watch: Watch = request.app.state.watch
    until = console.sessions.expires_at(request)

    async def stream() -> Any:
        async for chunk in watch.events(crisis_id, until):
            if await request.is_disconnected():
                return
            yield chunk

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"cache-control": "no-store", "x-accel-buffering": "no"},
    )


# ---------------------------------------------------------------------- triggering a playbook


def _yours(console: Console, who: Identity) -> list[dict[str, str]]:
    issuer = console.front.issuer
    return [
        {
            "id": loaded.file.stem,
            "title": loaded.playbook.title,
            "description": loaded.playbook.description.strip()[:300],
        }
        for loaded in parsed_playbooks(console.front.library)
        if person_in(loaded.playbook.people, who, issuer) is not None
    ]


async def playbooks(request: Request) -> Response:
    console = _console(request)
    who = console.who(request)
    return console.render(
        request, "playbooks.html.j2", here="trigger", playbooks=_yours(console, who)
    )


async def trigger_form(request: Request) -> Response:
    console = _console(request)
    who = console.who(request)
    words = console.words(request)
    loaded = library_playbook(console.front.library, request.path_params["playbook"])
    if loaded is None or person_in(loaded.playbook.people, who, console.front.issuer) is None:
        return console.message(
            request, words("web.no_playbook_title"), words("web.no_playbook"), status=404
        )
    if request.method == "GET":
        return console.render(
            request,
            "trigger.html.j2",
            here="trigger",
            playbook=loaded.playbook,
            fields=parameter_fields(loaded.playbook, None, words),
            key=crises.default_key(loaded.playbook.timezone),
            exercise=False,
        )
    form = await console.form(request)
    person = person_in(loaded.playbook.people, who, console.front.issuer)
    assert person is not None
    given = given_values(loaded.playbook, form)
    key = form.get("key", "").strip()[:100] or crises.default_key(loaded.playbook.timezone)
    exercise = bool(form.get("exercise"))

    def again(error: str, problems: ParameterProblems | None = None, code: int = 400) -> Response:
        return console.render(
            request,
            "trigger.html.j2",
            status=code,
            here="trigger",
            playbook=loaded.playbook,
            fields=parameter_fields(loaded.playbook, given, words, problems),
            key=key,
            exercise=exercise,
            error=error,
        )

    try:
        resolve_parameters(loaded.playbook, given)
    except ParameterProblems as exc:
        return again(words("web.param_problems"), exc)
    library, settings = console.front.library, console.front.settings
    try:
        crisis = await asyncio.to_thread(
            crises.build_input,
            loaded,
            library.template_folders,
            given,
            key=key,
            person=person,
            exercise=exercise,
            max_history_events=settings.max_history_events,
            guardrails=library.guardrail_settings(),
        )
        started = await console.front.trigger(who, crisis)
    except crises.DifferentParameters as exc:
        return again(words("web.different_parameters", names=", ".join(exc.names)), code=409)
    except crises.ClosedCrisisExists as exc:
        return again(words("trigger.closed_exists", crisis=exc.crisis), code=409)
    except (rates.TooManyTriggers, crises.BadKey) as exc:
        return again(exc.localized(), code=409)
    flash = "web.done.already_running" if started.existing else "web.done.triggered"
    return console.back(request, f"/crises/{started.crisis_id}", words(flash))


async def home(request: Request) -> Response:
    console = _console(request)
    if console.sessions.who(request) is None:
        return RedirectResponse("/entrer", status_code=303)
    return await crisis_list(request)


ROUTES = [
    Route("/", home),
    Route("/crises/{crisis}", crisis_page),
    Route("/crises/{crisis}/decider", decide, methods=["POST"]),
    Route("/crises/{crisis}/reviser", revise, methods=["POST"]),
    Route("/crises/{crisis}/fait", add_fact, methods=["POST"]),
    Route("/crises/{crisis}/resoudre", resolve, methods=["POST"]),
    Route("/crises/{crisis}/live", live),
    Route("/lancer", playbooks),
    Route("/lancer/{playbook}", trigger_form, methods=["GET", "POST"]),
]
