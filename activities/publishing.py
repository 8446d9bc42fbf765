"""The activities that take approved words to the public: ``route`` says where a phase's texts
go (the worker holds the accounts file, the workflow does not), ``post`` publishes one text on
one account through :func:`tocsin.publish.publisher.publish`.

A publisher's failure becomes an :class:`~temporalio.exceptions.ApplicationError` of its class's
name: retried with the platform's ``Retry-After`` when retrying can help (429, 5xx, a dropped
connection), not retried when it cannot (a refused token, a drill aimed at a real account).
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from jinja2 import TemplateError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from tocsin import metrics, names
from tocsin.models import Channel
from tocsin.models.delivery import AccountRef, Route, RouteRequest, RouteResult
from tocsin.publish.accounts import Accounts
from tocsin.publish.errors import PublishError, as_application_error
from tocsin.publish.models import Publication, PublicContext, PublishRequest
from tocsin.publish.publisher import publish
from tocsin.sandbox import environments_for

log = structlog.get_logger("tocsin.activities")

# Channels no account kind publishes to: a person does, with the exact text (a tracked task).
# Given an account (a webhook to the broadcast operator, say), they are published like others.
HEARTBEAT_EVERY = 5.0  # seconds; the workflow waits POST_HEARTBEAT without one
MANUAL_CHANNELS = frozenset(
    {
        Channel.X,
        Channel.FACEBOOK,
        Channel.INSTAGRAM,
        Channel.LINKEDIN,
        Channel.RADIO,
        Channel.HOTLINE,
        Channel.POSTER,
        Channel.CELL_BROADCAST,
    }
)
# Where the public pages look for who speaks, where, whom to call, when the playbook is silent.
DEFAULTS = {
    "sender": ("emetteur", "sender", "expediteur"),
    "area": ("commune", "secteur", "zone", "territoire"),
    "contact": ("hotline", "telephone", "contact"),
    "web": ("site", "url", "web"),
}


class PublishingActivities:
    """Mixed into the worker's activities: ``self.accounts`` is the loaded accounts file."""

    accounts: Accounts

    @activity.defn(name=names.ROUTE)
    async def route(self, request: RouteRequest) -> RouteResult:
        routes: list[Route] = []
        for channel in request.channels:
            resolution = self.accounts.for_channel(channel, request.exercise)
            refs = [AccountRef(name=n, kind=self.accounts.kind(n)) for n in resolution.accounts]
            manual = not refs and channel in MANUAL_CHANNELS
            routes.append(
                Route(channel=channel, accounts=refs, left_out=resolution.left_out, manual=manual)
            )
        return RouteResult(routes=routes, context=public_context(request))

    @activity.defn(name=names.POST)
    async def post(self, request: PublishRequest) -> Publication:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            crisis=request.crisis_id, phase=request.phase.value, revision=request.revision
        )
        beating = asyncio.create_task(_heartbeats())
        try:
            published = await publish(request, self.accounts)
        except PublishError as exc:
            log.warning(
                "statement.post_failed",
                account=request.account,
                channel=request.channel.value,
                language=request.language,
                retryable=exc.retryable,
                attempt=activity.info().attempt,
                problem=str(exc),
            )
            raise as_application_error(exc) from None
        finally:
            beating.cancel()
        log.info(
            "statement.posted",
            account=request.account,
            channel=request.channel.value,
            language=request.language,
            url=published.url,
        )
        metrics.count(
            activity.metric_meter(),
            metrics.POSTED,
            "Statements posted on the platforms, per channel and account kind",
            channel=request.channel.value,
            kind=published.kind.value,
        )
        return published


async def _heartbeats() -> None:
    """Alive while a post waits on its platform: a worker killed meanwhile is noticed within
    the workflow's heartbeat timeout, not the whole try's."""
    while True:
        activity.heartbeat()
        await asyncio.sleep(HEARTBEAT_EVERY)


def public_context(request: RouteRequest) -> PublicContext:
    """The playbook's ``public`` lines rendered over the parameters; where one is empty, the
    usual parameter (``emetteur``, ``commune``, ``hotline``, ``site``)."""
    playbook = request.playbook
    public = playbook.public
    params: dict[str, Any] = dict(request.params)
    lines = {field: _line(getattr(public, field), params, DEFAULTS[field]) for field in DEFAULTS}
    web = lines.pop("web")
    return PublicContext(
        title=playbook.title[:300],
        sender=lines["sender"] or playbook.title[:300],
        area=lines["area"] or playbook.title[:300],
        contact=lines["contact"] or "-",
        web=web if web.startswith(("https://", "http://")) and " " not in web else None,
        geocodes={k: _line(v, params, ()) for k, v in public.geocodes.items()},
        alert=public.alert,
        timezone=playbook.timezone,
        next_update=request.next_update,
        closing=request.phase.value == "close",
    )


def _line(source: str, params: dict[str, Any], fallbacks: tuple[str, ...]) -> str:
    if not source:
        found = next((params[n] for n in fallbacks if params.get(n) not in (None, "")), "")
        return " ".join(str(found).split())[:300]
    try:
        rendered = environments_for({}).message(source).render(**params)
    except (TemplateError, ValueError, TypeError) as exc:
        raise ApplicationError(f"public: {exc}", type="RenderError", non_retryable=True) from exc
    return " ".join(rendered.split())[:300]
