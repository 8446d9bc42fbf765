"""A real Synapse on loopback for the Matrix tests: a hand-written homeserver.yaml (SQLite, no
federation, no key servers, high rate limits, a registration shared secret), users made
through the shared-secret admin registration API, and the few calls the tests make as people
(join, react, reply, read a room).

Synapse runs from its own virtual environment in the cache (tests/matrix/install.py).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import itertools
import json
import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from tests.matrix.install import ensure, synapse_python

START_TIMEOUT = 120.0  # seconds: about 13 s on an idle machine, more on two busy cores
SERVER_NAME = "tocsin.test"
_ids = itertools.count()
_txns = itertools.count()

CONFIG = """\
server_name: "{server_name}"
pid_file: "{folder}/homeserver.pid"
public_baseurl: "http://127.0.0.1:{port}/"
listeners:
  - port: {port}
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "{folder}/homeserver.db"
log_config: "{folder}/log.yaml"
media_store_path: "{folder}/media"
signing_key_path: "{folder}/signing.key"
registration_shared_secret: "{secret}"
enable_registration: false
report_stats: false
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
presence:
  enabled: false
url_preview_enabled: false
enable_metrics: false
rc_message: {{per_second: 1000, burst_count: 1000}}
rc_registration: {{per_second: 1000, burst_count: 1000}}
rc_login:
  address: {{per_second: 1000, burst_count: 1000}}
  account: {{per_second: 1000, burst_count: 1000}}
  failed_attempts: {{per_second: 1000, burst_count: 1000}}
rc_joins:
  local: {{per_second: 1000, burst_count: 1000}}
  remote: {{per_second: 1000, burst_count: 1000}}
rc_joins_per_room: {{per_second: 1000, burst_count: 1000}}
rc_invites:
  per_room: {{per_second: 1000, burst_count: 1000}}
  per_user: {{per_second: 1000, burst_count: 1000}}
  per_issuer: {{per_second: 1000, burst_count: 1000}}
rc_admin_redaction: {{per_second: 1000, burst_count: 1000}}
rc_3pid_validation: {{per_second: 1000, burst_count: 1000}}
"""

LOG_CONFIG = """\
version: 1
formatters:
  plain:
    format: "%(asctime)s %(levelname)s %(name)s %(message)s"
handlers:
  file:
    class: logging.FileHandler
    filename: "{folder}/homeserver.log"
    formatter: plain
root:
  level: WARNING
  handlers: [file]
disable_existing_loggers: false
"""


class SynapseDidNotStart(RuntimeError):
    pass


@dataclass
class Person:
    """A user of the homeserver, with their own access token."""

    url: str
    user_id: str
    token: str
    since: str = ""
    invited: set[str] = field(default_factory=set)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = httpx.request(
            method,
            f"{self.url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        answer.raise_for_status()
        found: dict[str, Any] = answer.json()
        return found

    def send(self, room: str, event_type: str, content: dict[str, Any]) -> str:
        txn = f"t{os.getpid()}-{next(_txns)}-{time.monotonic_ns()}"
        path = f"/_matrix/client/v3/rooms/{quote(room)}/send/{event_type}/{txn}"
        return str(self.call("PUT", path, content)["event_id"])

    def join(self, room: str) -> None:
        self.call("POST", f"/_matrix/client/v3/join/{quote(room)}", {})

    def create_room(self, **body: Any) -> str:
        return str(self.call("POST", "/_matrix/client/v3/createRoom", body)["room_id"])

    def react(self, room: str, event_id: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        return self.send(room, "m.reaction", content)

    def reply(self, room: str, root: str, text: str) -> str:
        """A message in the thread of ``root``."""
        content = {
            "msgtype": "m.text",
            "body": text,
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root},
            },
        }
        return self.send(room, "m.room.message", content)

    def say(self, room: str, text: str) -> str:
        return self.send(room, "m.room.message", {"msgtype": "m.text", "body": text})

    def messages(self, room: str, limit: int = 200) -> list[dict[str, Any]]:
        """The room's latest events, oldest first."""
        path = f"/_matrix/client/v3/rooms/{quote(room)}/messages?dir=b&limit={limit}"
        found = self.call("GET", path)["chunk"]
        return list(reversed(found))

    def invites(self) -> list[str]:
        """The rooms this person is invited to and has not joined. Incremental syncs from the
        last one: Synapse answers a repeated initial sync from a cache for a while."""
        filtered = quote('{"room":{"timeline":{"limit":1}}}')
        since = f"&since={self.since}" if self.since else ""
        found = self.call("GET", f"/_matrix/client/v3/sync?timeout=0&filter={filtered}{since}")
        self.since = str(found.get("next_batch") or self.since)
        rooms = found.get("rooms") or {}
        self.invited.update(rooms.get("invite") or {})
        self.invited.difference_update(rooms.get("join") or {})
        return sorted(self.invited)


@dataclass
class Synapse:
    url: str
    secret: str
    process: subprocess.Popen[bytes] | None  # None: started by another test process
    folder: Path
    people: dict[str, Person] = field(default_factory=dict)

    def register(self, name: str, *, admin: bool = False) -> Person:
        """A new user through the shared-secret admin registration API (a fresh name each
        time: tests share the server)."""
        username = f"{name}{next(_ids)}p{os.getpid()}"
        password = secrets.token_hex(12)
        base = f"{self.url}/_synapse/admin/v1/register"
        nonce = httpx.get(base, timeout=30).json()["nonce"]
        mac = hmac.new(self.secret.encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join(
                [
                    nonce.encode(),
                    username.encode(),
                    password.encode(),
                    b"admin" if admin else b"notadmin",
                ]
            )
        )
        answer = httpx.post(
            base,
            json={
                "nonce": nonce,
                "username": username,
                "password": password,
                "admin": admin,
                "mac": mac.hexdigest(),
            },
            timeout=30,
        )
        answer.raise_for_status()
        found = answer.json()
        return Person(self.url, str(found["user_id"]), str(found["access_token"]))

    def log(self) -> str:
        path = self.folder / "homeserver.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _signing_key() -> str:
    """An ed25519 signing key in Synapse's file format (algorithm, version, unpadded seed)."""
    seed = base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    return f"ed25519 a_test {seed}\n"


def start(folder: Path, port: int) -> Synapse:
    """Install if needed (waits for ``make test``'s background install), write the config,
    start Synapse and wait until it answers; :class:`SynapseDidNotStart` with its log if not."""
    venv = ensure()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "media").mkdir(exist_ok=True)
    secret = secrets.token_hex(16)
    (folder / "homeserver.yaml").write_text(
        CONFIG.format(server_name=SERVER_NAME, folder=folder, port=port, secret=secret)
    )
    (folder / "log.yaml").write_text(LOG_CONFIG.format(folder=folder))
    (folder / "signing.key").write_text(_signing_key())
    with open(folder / "stdout.log", "wb") as out:
        process = subprocess.Popen(
            [
                str(synapse_python(venv)),
                "-m",
                "synapse.app.homeserver",
                "--config-path",
                str(folder / "homeserver.yaml"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=folder,
        )
    url = f"http://127.0.0.1:{port}"
    server = Synapse(url=url, secret=secret, process=process, folder=folder)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(f"{url}/_matrix/client/versions", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop(server)
    said = (folder / "stdout.log").read_text(errors="replace")[-3000:]
    raise SynapseDidNotStart(f"{said}\n{server.log()}")


def stop(server: Synapse) -> None:
    """SIGTERM, then SIGKILL if it lingers."""
    process = server.process
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z")


def _stop_pid(pid: int) -> None:
    """Stop a Synapse another test process started: SIGTERM, then SIGKILL if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def shared(root: Path, port: int) -> Iterator[Synapse]:
    """One Synapse for every test process of a run (pytest-xdist's workers share ``root``):
    the first to need it starts it, each one in use is counted, and the last one out stops it.
    A worker that died is counted out by its process id. Under a file lock throughout."""
    root.mkdir(parents=True, exist_ok=True)
    lock_path, record = root / "synapse.lock", root / "synapse.json"

    @contextlib.contextmanager
    def locked() -> Iterator[dict[str, Any]]:
        with open(lock_path, "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            found: dict[str, Any] = json.loads(record.read_text()) if record.exists() else {}
            yield found
            if found:
                record.write_text(json.dumps(found))
            else:
                record.unlink(missing_ok=True)

    with locked() as found:
        users = [p for p in found.get("users", []) if _alive(p)]
        if found and _alive(int(found["pid"])):
            server = Synapse(found["url"], found["secret"], None, Path(found["folder"]))
        else:
            server = start(root / f"synapse-{os.getpid()}", port)
            assert server.process is not None
            found.update(url=server.url, secret=server.secret, folder=str(server.folder))
            found["pid"] = server.process.pid
            users = []
        found["users"] = [*users, os.getpid()]
    try:
        yield server
    finally:
        with locked() as found:
            users = [p for p in found.get("users", []) if p != os.getpid() and _alive(p)]
            if users:
                found["users"] = users
            else:
                if server.process is not None:
                    stop(server)
                elif found:
                    _stop_pid(int(found["pid"]))
                found.clear()
