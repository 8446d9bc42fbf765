"""Headless Chromium for the tests: Debian's ``chromium`` package (installed when missing, as
the test setup), driven by Playwright's Python client. Playwright never downloads a browser
here: it launches Debian's binary (``executable_path``), with its own bundled driver.

Chromium starts with the flags this machine needs (no GPU, no background networking: the network
is closed; Playwright adds headless, no sandbox and an empty profile of its own) and is stopped
for sure.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
from collections.abc import AsyncIterator

from playwright.async_api import Page, async_playwright

FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
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
    # Two test processes may both get here on a fresh machine: one installs, the other waits.
    with open("/tmp/tocsin-chromium-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = shutil.which("chromium")
        if found:
            return found
        _install_chromium()
    found = shutil.which("chromium")
    if not found:
        raise BrowserMissing("apt-get installed chromium but it is not on PATH")
    return found


def _install_chromium() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1200)
        if done.returncode != 0:
            raise BrowserMissing(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")


@contextlib.asynccontextmanager
async def chromium(binary: str, *, width: int, height: int) -> AsyncIterator[Page]:
    """A page of a fresh headless Chromium, ``width`` x ``height`` CSS pixels at scale 1."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=binary,
            args=FLAGS,
            timeout=90_000,  # a loaded CI runner starts Chromium slowly
        )
        try:
            context = await browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=1
            )
            yield await context.new_page()
        finally:
            await browser.close()


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, read from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError("the browser's screenshot is not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
