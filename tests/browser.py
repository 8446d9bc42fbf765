"""Headless Chromium for the tests: Debian's ``chromium`` package (installed when missing, as
the test setup), driven over the DevTools protocol on loopback with aiohttp's websocket client.

Chromium starts with the flags this machine needs (no sandbox as root, no GPU, no background
networking: the network is closed) and an empty profile of its own; it is stopped for sure.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
]


class BrowserMissing(Exception):
    pass


def chromium_path() -> str:
    """Chromium from Debian, installing the package when it is not there yet."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if not shutil.which("apt-get") or os.geteuid() != 0:
        raise BrowserMissing(
            "Chromium is missing and cannot be installed here: run "
            "'apt-get install --no-install-recommends chromium' as root"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
        if done.returncode != 0:
            raise BrowserMissing(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    found = shutil.which("chromium")
    if not found:
        raise BrowserMissing("apt-get installed chromium but it is not on PATH")
    return found


class Page:
    """One page target over the DevTools protocol: commands, and the events they cause."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    async def send(self, method: str, within: float = 30.0, **params: Any) -> dict[str, Any]:
        ident = next(self.ids)
        await self.socket.send_json({"id": ident, "method": method, "params": params})
        async with asyncio.timeout(within):
            while True:
                message = await self.socket.receive_json()
                if message.get("id") == ident:
                    if "error" in message:
                        raise RuntimeError(f"{method}: {message['error']}")
                    result: dict[str, Any] = message.get("result", {})
                    return result
                self.events.append(message)

    async def wait_event(self, method: str, within: float = 30.0) -> dict[str, Any]:
        async with asyncio.timeout(within):
            while True:
                for event in self.events:
                    if event.get("method") == method:
                        self.events.remove(event)
                        return event
                self.events.append(await self.socket.receive_json())

    async def open(self, url: str) -> None:
        await self.send("Page.enable")
        await self.send("Page.navigate", url=url)
        await self.wait_event("Page.loadEventFired")

    async def evaluate(self, expression: str) -> Any:
        reply = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(str(reply["exceptionDetails"]))
        return reply["result"].get("value")

    async def element_shot(self, selector: str, target: Path) -> tuple[int, int]:
        """One element as PNG (the timeline chart, say); returns the image's size."""
        box = await self.evaluate(
            f"(() => {{ const b = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [b.x + window.scrollX, b.y + window.scrollY,"
            " b.width, b.height]; })()"
        )
        x, y, width, height = (float(v) for v in box)
        clip = {"x": x, "y": y, "width": width, "height": height, "scale": 1}
        shot = await self.send(
            "Page.captureScreenshot", format="png", clip=clip, captureBeyondViewport=True
        )
        return _save(target, shot["data"])

    async def screenshot(self, target: Path, width: int) -> tuple[int, int]:
        """The whole page as PNG at ``width`` CSS pixels; returns the image's size."""
        metrics = await self.send("Page.getLayoutMetrics")
        height = min(int(metrics["cssContentSize"]["height"]) + 1, 16_000)
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = await self.send("Page.captureScreenshot", format="png", within=60.0)
        return _save(target, shot["data"])


def _save(target: Path, encoded: str) -> tuple[int, int]:
    """Write a PNG the browser sent; its width and height, read from its header."""
    data = base64.b64decode(encoded)
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError("the browser's screenshot is not a PNG")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@contextlib.asynccontextmanager
async def chromium(binary: str) -> AsyncIterator[Page]:
    # Chromium's helper processes may still write to the profile as it goes: never an error.
    with tempfile.TemporaryDirectory(
        prefix="tocsin-chromium-", ignore_cleanup_errors=True
    ) as profile:
        log = Path(profile) / "chromium.log"
        with log.open("wb") as sink:
            proc = await asyncio.create_subprocess_exec(
                binary,
                *FLAGS,
                f"--user-data-dir={profile}",
                "about:blank",
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its renderers and zygote go with it
            )
        try:
            port = await _devtools_port(Path(profile), proc)
            async with aiohttp.ClientSession() as session:
                async with session.get(f"http://127.0.0.1:{port}/json/list") as reply:
                    targets = await reply.json()
                url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
                async with session.ws_connect(url, max_msg_size=0) as socket:
                    yield Page(socket)
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # whatever of the group is left


def _read_port(profile: Path) -> int | None:
    """Chromium writes the port it chose in DevToolsActivePort, first line."""
    file = profile / "DevToolsActivePort"
    if not file.exists():
        return None
    first = file.read_text().splitlines()[:1]
    return int(first[0]) if first and first[0].isdigit() else None


def _log_tail(profile: Path) -> str:
    return (profile / "chromium.log").read_text(errors="replace")[-2000:]


async def _devtools_port(profile: Path, proc: asyncio.subprocess.Process) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            tail = await asyncio.to_thread(_log_tail, profile)
            raise RuntimeError(f"chromium exited {proc.returncode}:\n{tail}")
        port = await asyncio.to_thread(_read_port, profile)
        if port is not None:
            return port
        await asyncio.sleep(0.1)
    tail = await asyncio.to_thread(_log_tail, profile)
    raise RuntimeError(f"chromium gave no DevTools port:\n{tail}")


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
