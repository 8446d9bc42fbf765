"""The Bolt app: the listeners of each kind registered on it, behind request verification.

``actions`` (button clicks), ``views`` (dialogs submitted), ``commands`` (``/tocsin``),
``tasks`` (« Publié » under a manual task, and its dialog) and ``corrections`` (« Corriger »
under a published statement, and its dialog) each register their listeners; ``front`` holds
what they share.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from tocsin.config import Settings
from tocsin.i18n import t
from tocsin.playbook import PlaybookLibrary
from tocsin.slack import actions, commands, corrections, payloads, tasks, views
from tocsin.slack.front import SlackFront, TemporalClient
from tocsin.slack.notifier import web_client
from tocsin.slack.replays import guard_for
from tocsin.slack.settings import SlackSettings

log = structlog.get_logger("tocsin.slack")


def build_app(
    slack: SlackSettings,
    temporal: TemporalClient,
    *,
    client: AsyncWebClient | None = None,
    settings: Settings | None = None,
    library: PlaybookLibrary | None = None,
) -> AsyncApp:
    """The Bolt app. Over HTTP, Bolt verifies each request's signature and its 5-minute window,
    and the replay guard refuses a request already seen by any app process sharing the data
    directory (``replays``); in Socket Mode no request comes in."""
    http = slack.mode == "http"
    app = AsyncApp(
        client=client or web_client(slack),
        signing_secret=slack.signing_secret if http else None,
        request_verification_enabled=http,
        process_before_response=False,
    )
    guard = guard_for(settings.data_dir if settings is not None else None) if http else None

    async def replay_guard(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        if guard is not None and req.mode == "http":
            signature = (req.headers.get("x-slack-signature") or [""])[0]
            timestamp = (req.headers.get("x-slack-request-timestamp") or [""])[0]
            if not await guard.first_time(signature, timestamp):
                log.warning("slack.replayed")
                return BoltResponse(status=401, body='{"error":"replayed request"}')
        return await next()

    async def well_formed(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        """A payload Bolt cannot route is acknowledged and its sender told, never a traceback."""
        if payloads.bolt_can_route(req.body):
            return await next()
        log.warning("slack.malformed", kind=str(req.body.get("type"))[:40])
        user, channel = payloads.where(req.body)
        if user and channel and req.context.client is not None:
            await req.context.client.chat_postEphemeral(
                channel=channel, user=user, text=t("slack.malformed")
            )
        return BoltResponse(status=200, body="")

    app.use(replay_guard)
    app.use(well_formed)
    front = SlackFront(slack, temporal, settings, library)
    for listeners in (actions, views, commands, tasks, corrections):
        listeners.register(app, front)
    return app
