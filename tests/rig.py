"""One rig for the tests that run tocsin as a deployment does: a Temporal server, workers and the
Slack app against the fake Slack, started as a test asks and always stopped.

Three servers:
- ``"test"``: Temporal's time-skipping test server, the worker and the Slack app in the test's
  own process; ``rig.clock`` skips time.
- ``"dev"``: the dev server (SQLite) in the test's process; ``workers`` `tocsin worker`
  processes, and a `tocsin slack` process for the app.
- ``"up"``: one `tocsin up` process (its dev server, worker and app), in a session of its own so
  that ``rig.power_cut()`` takes its server down with it.

On the way out every process still running is stopped (Ctrl-C, then SIGKILL if it lingers), and
each must have exited 0; a process the test killed itself is left to the test's checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Literal

import aiohttp
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from tests.conftest import terminate_when_quiet, time_skipping_env
from tests.fakeslack import FakeSlack, block_actions, button_value, form, sign
from tests.helpers import sample_params, settings_for, signed, until
from tests.processes import Process, spawn, tocsin_env
from tocsin import crises
from tocsin.config import Settings
from tocsin.models import CrisisInput
from tocsin.playbook import PlaybookLibrary
from tocsin.slack.run import slack_app
from tocsin.slack.settings import SlackSettings
from tocsin.temporal import connect, embedded_server, free_port, port_is_free
from tocsin.worker import build_worker

Server = Literal["test", "dev", "up"]
App = Literal["http", "socket"]
WORKER_READY = "Worker prêt"
APP_READY = "App Slack prête"
UP_READY = "tocsin est prêt"


class Rig:
    """What a test drives: the client, the settings its processes share, the fake Slack."""

    def __init__(
        self,
        folder: Path,
        settings: Settings,
        env: dict[str, str],
        fake: FakeSlack | None,
        channel: str,
        slack_url: str = "",
    ) -> None:
        self.folder = folder  # the processes' logs
        self.settings = settings  # the test's side: outbox, task queue
        self.env = env  # what every tocsin process started here reads
        self._fake = fake
        self.channel = channel
        self.slack_url = slack_url  # the Slack app's events endpoint, over HTTP
        self.clock: WorkflowEnvironment | None = None  # the time-skipping server, "test" only
        self.processes: list[Process] = []
        self.ids: list[str] = []  # the crises started here
        self._client: Client | None = None

    @property
    def client(self) -> Client:
        assert self._client is not None, "the rig's server is not up"
        return self._client

    @property
    def fake(self) -> FakeSlack:
        assert self._fake is not None, "this rig has no fake Slack"
        return self._fake

    # ------------------------------------------------------------------ processes

    async def process(
        self, args: list[str], name: str, ready: str, *, group: bool = False
    ) -> Process:
        """``tocsin ARGS`` in the background, logging to ``NAME.log``, once it says ``ready``."""
        started = await spawn(args, self.env, self.folder / f"{name}.log", group=group)
        self.processes.append(started)
        await started.wait_for_output(ready, within=90)
        return started

    async def worker(self) -> Process:
        """One more `tocsin worker` on the rig's server and task queue."""
        count = sum(p.log.name.startswith("worker-") for p in self.processes)
        return await self.process(["worker"], f"worker-{count + 1:02d}", WORKER_READY)

    def workers(self) -> list[Process]:
        return [p for p in self.processes if p.log.name.startswith("worker-")]

    async def power_cut(self) -> None:
        """`tocsin up` and its Temporal server SIGKILLed together, then started again on the same
        SQLite file once the server's port is free; the client reconnects."""
        (up,) = [p for p in self.processes if p.log.name.startswith("up-")]
        await up.kill_group()
        port = int(self.env["TOCSIN_EMBEDDED_PORT"])
        deadline = time.monotonic() + 30
        while not port_is_free(port):
            assert time.monotonic() < deadline, "the killed server still holds its port"
            await asyncio.sleep(0.2)
        await self._up()

    async def _up(self) -> None:
        count = sum(p.log.name.startswith("up-") for p in self.processes)
        ready = APP_READY if "TOCSIN_SLACK_PORT" in self.env else UP_READY
        await self.process(["up"], f"up-{count + 1}", ready, group=True)
        self._client = await connect(Settings.from_env(self.env))

    async def stop(self) -> dict[str, int]:
        """Stop every process still running, the last started first; their exit codes."""
        codes = {}
        for process in reversed(self.processes):
            if process.proc.returncode is None:
                codes[process.log.name] = await process.stop()
        return codes

    # ------------------------------------------------------------------ crises

    async def trigger(self, crisis: CrisisInput) -> str:
        """Start ``crisis`` through the client, as the command line does."""
        started = await crises.trigger(self.client, self.settings, crisis, signed())
        self.ids.append(started.crisis_id)
        return started.crisis_id

    async def trigger_cli(self, playbook: str = "eau-non-potable", *args: str) -> None:
        """`tocsin trigger PLAYBOOK --as camille ARGS` with the playbook's sample parameters, as a
        process of its own, to its end."""
        name = f"trigger-{uuid.uuid4().hex[:6]}"
        command = ["trigger", playbook, "--as", "camille", *args, *sample_params(playbook)]
        trigger = await spawn(command, self.env, self.folder / f"{name}.log")
        assert await trigger.proc.wait() == 0, trigger.output()

    # ------------------------------------------------------------------ Slack

    async def card(self, crisis: str | None = None, within: float = 20.0) -> dict[str, Any]:
        """The first approval card in the rig's channel (of ``crisis``), once there is one."""
        fake = self.fake
        what = f"a card of {crisis}" if crisis else "a card"
        cards: list[dict[str, Any]] = await until(
            lambda: fake.cards(self.channel, crisis), within, what
        )
        return cards[0]

    async def post_raw(self, body: str, headers: dict[str, str]) -> tuple[int, str]:
        """A request to the Slack app's events endpoint; its status and text."""
        assert self.slack_url, "this rig runs no Slack app over HTTP"
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.slack_url, data=body, headers=headers) as reply,
        ):
            return reply.status, await reply.text()

    async def post(self, payload: dict[str, Any], headers: dict[str, str] | None = None) -> int:
        """An interaction payload, signed as Slack signs it unless ``headers`` are given."""
        body = form(payload)
        return (await self.post_raw(body, headers or sign(body)))[0]

    async def click(
        self,
        user: str,
        action: str,
        message: dict[str, Any],
        *,
        channel: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
    ) -> int:
        """``user`` clicks a button of ``message`` (a card, or its copy in a direct message in
        ``channel``); Slack sends the message's blocks along unless told ``blocks``."""
        value = button_value(message, action)
        shown = message["blocks"] if blocks is None else blocks
        where = channel or self.channel
        return await self.post(block_actions(user, action, value, where, message["ts"], shown))


def _slack_settings(fake: FakeSlack, channel: str, app: App | None) -> SlackSettings:
    if app == "socket":
        return fake.settings(channel, socket=True)
    return fake.settings(channel, http=app == "http")


@contextlib.asynccontextmanager
async def running(
    folder: Path,
    *,
    server: Server,
    workers: int = 1,
    queue: str | None = None,
    fake: FakeSlack | None = None,
    channel: str = "C0CRISE",
    app: App | None = None,
    library: PlaybookLibrary | None = None,
    models: bool = True,
    **env: str,
) -> AsyncIterator[Rig]:
    """The rig a test asks for, stopped for sure when the block ends.

    ``workers``: how many `tocsin worker` processes a ``"dev"`` server starts with (the other
    servers have one worker, their own). ``fake`` and ``channel``: Slack, the fake one, for the
    workers' notices; ``app``: the Slack app too (``"socket"`` on the ``"test"`` server only).
    ``library``: the app's playbooks on the ``"test"`` server. ``models=False``: the
    processes' guardrails read with their word lists alone (``TOCSIN_SPACY_PARSER`` empty), for
    tests of process faults that restart workers many times, each start otherwise loading
    spaCy's French model (about 6 s of CPU). ``env``: more settings for the processes.
    """
    if not models:
        env = {"TOCSIN_SPACY_PARSER": "", **env}
    if server != "dev" and workers != 1:
        raise ValueError(f"a {server!r} server has one worker, its own")
    if app is not None and fake is None:
        raise ValueError("the Slack app needs the fake Slack")
    if app == "socket" and server != "test":
        raise ValueError("Socket Mode is tested in the test's process only")
    queue = queue or f"tocsin-{uuid.uuid4().hex[:8]}"
    data = folder / "data"
    slack_port = free_port() if app == "http" else None
    slack_env = fake.env(channel, app_port=slack_port) if fake is not None else {}
    slack_url = f"http://127.0.0.1:{slack_port}/slack/events" if slack_port else ""

    if server == "test":
        settings = settings_for(data, queue)
        async with contextlib.AsyncExitStack() as stack:
            clock = await stack.enter_async_context(time_skipping_env())
            rig = Rig(folder, settings, {}, fake, channel)
            rig.clock, rig._client = clock, clock.client
            slack = _slack_settings(fake, channel, app) if fake is not None else None
            await stack.enter_async_context(build_worker(clock.client, settings, slack=slack))
            if slack is not None and app is not None:
                where = await stack.enter_async_context(
                    slack_app(
                        slack, clock.client, host="127.0.0.1", settings=settings, library=library
                    )
                )
                rig.slack_url = where if app == "http" else ""
            # The crises' activities must not outlive the worker: time skipping would stall.
            stack.push_async_callback(terminate_when_quiet, clock.client, rig.ids)
            yield rig
        return

    if server == "up":
        ports = {"TOCSIN_EMBEDDED_PORT": str(free_port()), "TOCSIN_UI_PORT": str(free_port())}
        process_env = tocsin_env(data, **ports, **slack_env, **env)
        rig = Rig(folder, Settings.from_env(process_env), process_env, fake, channel, slack_url)
        async with _stopped(rig):
            await rig._up()
            yield rig
        return

    settings = settings_for(data, queue)
    async with embedded_server(settings, port=free_port(), ui=False, advertise=False) as dev:
        process_env = tocsin_env(
            data, TEMPORAL_ADDRESS=dev.address, TOCSIN_TASK_QUEUE=queue, **slack_env, **env
        )
        rig = Rig(folder, settings, process_env, fake, channel, slack_url)
        rig._client = dev.client
        async with _stopped(rig):
            for _ in range(workers):
                await rig.worker()
            if app is not None:
                await rig.process(["slack"], "slack", APP_READY)
            yield rig


@contextlib.asynccontextmanager
async def _stopped(rig: Rig) -> AsyncIterator[None]:
    """Stop the rig's processes whatever happens; when nothing else failed, each stopped here
    must exit 0."""
    try:
        yield
    except BaseException:
        await rig.stop()
        raise
    codes = await rig.stop()
    failed = {name: code for name, code in codes.items() if code != 0}
    assert not failed, (failed, [p.output()[-2000:] for p in rig.processes])
