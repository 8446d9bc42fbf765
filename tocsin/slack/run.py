"""Starting and stopping the Slack app: Socket Mode (default, no inbound port) or HTTP."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import structlog
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client

from tocsin.config import Settings
from tocsin.playbook import PlaybookLibrary
from tocsin.slack.app import build_app
from tocsin.slack.notifier import kept_alive
from tocsin.slack.settings import SlackSettings

log = structlog.get_logger("tocsin.slack")


class SlackNotConfigured(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@contextlib.asynccontextmanager
async def slack_app(
    slack: SlackSettings,
    temporal: Client,
    *,
    host: str | None = None,  # HTTP mode: where to listen, else ``slack.host`` (loopback)
    client: AsyncWebClient | None = None,
    settings: Settings | None = None,
    library: PlaybookLibrary | None = None,
) -> AsyncIterator[str]:
    """Run the app for the duration of the block; yields where it listens (or "socket")."""
    problems = slack.problems()
    if problems:
        raise SlackNotConfigured(problems)

    async def get_temporal() -> Client:
        return temporal

    async with contextlib.AsyncExitStack() as stack:
        api = client or await stack.enter_async_context(kept_alive(slack))
        app = build_app(slack, get_temporal, client=api, settings=settings, library=library)
        if slack.mode == "socket":
            handler = AsyncSocketModeHandler(app, slack.app_token, web_client=api)
            await handler.connect_async()  # type: ignore[no-untyped-call]  # slack-bolt untyped
            log.info("slack.socket_mode.connected")
            try:
                yield "socket"
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]  # slack-bolt untyped
            return
        host = host or slack.host
        runner = web.AppRunner(app.web_app(path=slack.path, port=slack.port))
        await runner.setup()
        site = web.TCPSite(runner, host, slack.port)
        await site.start()
        where = f"http://{host}:{slack.port}{slack.path}"
        log.info("slack.http.listening", url=where)
        try:
            yield where
        finally:
            await runner.cleanup()
