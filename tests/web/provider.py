"""A real OpenID provider on loopback for the console's tests: node ``oidc-provider`` with its
development interactions (tests/web/oidc/serve.mjs), installed once into the cache
(tests/web/install.py), started on a free port and stopped for sure."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import selectors
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.web.install import PROVIDER
from tocsin.temporal import free_port

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str


@contextlib.contextmanager
def provider(
    redirect_uri: str, accounts: Mapping[str, Mapping[str, object]], log: Path
) -> Iterator[Provider]:
    """The provider, with the console as its one client (``redirect_uri``) and ``accounts``:
    each login's claims."""
    node = shutil.which("node")
    assert node is not None, "the OpenID provider needs node"
    folder = PROVIDER.ensure()
    port = free_port()
    found = Provider(
        issuer=f"http://127.0.0.1:{port}",
        client_id="tocsin-console",
        client_secret=secrets.token_urlsafe(32),
    )
    env = dict(
        os.environ,
        PORT=str(port),
        OIDC_CLIENT=json.dumps(
            {
                "client_id": found.client_id,
                "client_secret": found.client_secret,
                "redirect_uris": [redirect_uri],
            }
        ),
        OIDC_ACCOUNTS=json.dumps(accounts),
    )
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as errors:
        process = subprocess.Popen(
            [node, str(HERE / "oidc" / "serve.mjs"), str(folder)],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
        )
    try:
        _wait_listening(process, log)
        yield found
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _wait_listening(process: subprocess.Popen[bytes], log: Path) -> None:
    assert process.stdout is not None
    chooser = selectors.DefaultSelector()
    chooser.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    said = b""
    try:
        while b"listening" not in said:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "the OpenID provider did not start"
            if chooser.select(timeout=0.5):
                chunk = os.read(process.stdout.fileno(), 4096)
                assert chunk, log.read_text(errors="replace")[-3000:]
                said += chunk
    finally:
        chooser.close()
