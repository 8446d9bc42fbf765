"""Starting and stopping the real PDS (tests/bluesky/serve.mjs) for the tests, and the few
calls the tests make to it directly (accounts, app passwords, listing records)."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.bluesky.install import ensure

HERE = Path(__file__).resolve().parent
START_TIMEOUT = 90.0


class PdsDidNotStart(RuntimeError):
    pass


@dataclass
class LocalPds:
    url: str
    plc: str
    process: subprocess.Popen[bytes]
    log: Path

    def create_account(self, handle: str, password: str) -> str:
        """A new account; its DID."""
        answer = httpx.post(
            f"{self.url}/xrpc/com.atproto.server.createAccount",
            json={"handle": handle, "email": f"{handle}@example.test", "password": password},
            timeout=30,
        )
        answer.raise_for_status()
        return str(answer.json()["did"])

    def app_password(self, handle: str, password: str, name: str) -> str:
        """An app password of the account, as a publisher is given."""
        session = httpx.post(
            f"{self.url}/xrpc/com.atproto.server.createSession",
            json={"identifier": handle, "password": password},
            timeout=30,
        )
        session.raise_for_status()
        token = session.json()["accessJwt"]
        answer = httpx.post(
            f"{self.url}/xrpc/com.atproto.server.createAppPassword",
            json={"name": name},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        answer.raise_for_status()
        return str(answer.json()["password"])

    def revoke_app_password(self, handle: str, password: str, name: str) -> None:
        session = httpx.post(
            f"{self.url}/xrpc/com.atproto.server.createSession",
            json={"identifier": handle, "password": password},
            timeout=30,
        )
        session.raise_for_status()
        answer = httpx.post(
            f"{self.url}/xrpc/com.atproto.server.revokeAppPassword",
            json={"name": name},
            headers={"Authorization": f"Bearer {session.json()['accessJwt']}"},
            timeout=30,
        )
        answer.raise_for_status()

    def records(self, did: str, collection: str = "app.bsky.feed.post") -> list[dict[str, Any]]:
        answer = httpx.get(
            f"{self.url}/xrpc/com.atproto.repo.listRecords",
            params={"repo": did, "collection": collection, "limit": 100},
            timeout=30,
        )
        answer.raise_for_status()
        found: list[dict[str, Any]] = answer.json()["records"]
        return found

    def record(self, uri: str) -> dict[str, Any] | None:
        """The record at ``uri`` (its ``value``), None when it is not there."""
        repo, collection, rkey = uri.removeprefix("at://").split("/")
        answer = httpx.get(
            f"{self.url}/xrpc/com.atproto.repo.getRecord",
            params={"repo": repo, "collection": collection, "rkey": rkey},
            timeout=30,
        )
        if answer.status_code == 400 and answer.json().get("error") == "RecordNotFound":
            return None
        answer.raise_for_status()
        value: dict[str, Any] = answer.json()["value"]
        return value


def start(log: Path) -> LocalPds:
    """Install if needed (waits for ``make test``'s background install), then start PLC and
    PDS; raises :class:`PdsDidNotStart` with the launcher's own words."""
    node = shutil.which("node")
    if node is None:
        raise PdsDidNotStart("node is not installed")
    folder = ensure()
    env = dict(os.environ, LOG_ENABLED="false", NODE_ENV="test")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as errors:
        process = subprocess.Popen(
            [node, str(HERE / "serve.mjs"), str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
        )
    assert process.stdout is not None
    chooser = selectors.DefaultSelector()
    chooser.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    line = b""
    while not line.endswith(b"\n") and time.monotonic() < deadline and process.poll() is None:
        if chooser.select(timeout=0.5):
            chunk = os.read(process.stdout.fileno(), 4096)
            if not chunk:
                break
            line += chunk
    chooser.close()
    if not line.endswith(b"\n"):
        stop_process(process)
        raise PdsDidNotStart(log.read_text(errors="replace")[-3000:] or "no answer")
    urls = json.loads(line)
    return LocalPds(url=urls["pds"], plc=urls["plc"], process=process, log=log)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Stop for sure: stdin closed (the launcher stops), then SIGTERM, then SIGKILL."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()
