"""Install a test server's npm packages once, into a cache folder keyed by its lockfile.

A package folder of the tests (``tests/bluesky``, ``tests/web/oidc``) holds a ``package.json``
and its ``package-lock.json``. ``NpmPackages.ensure`` runs ``npm ci`` from the registry into
``~/.cache/tocsin/<name>-<key>/`` (``TOCSIN_CACHE`` moves ``~/.cache/tocsin``), the key being the
lockfile's hash and node's module ABI (native modules are compiled for it). A second run finds
the folder complete and costs nothing. The install goes into a temporary folder renamed into
place at the end, under a file lock: ``make test`` starts it in the background and the pytest
fixtures wait for the same lock. The standard library only: the Makefile runs it before the
virtual environment exists.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

FILES = ("package.json", "package-lock.json")
DONE = ".tocsin-installed"
NPM_TIMEOUT = 1800.0  # seconds; a cold PDS install takes about 7 minutes on two busy cores


class InstallError(RuntimeError):
    """The packages could not be installed; the message says why."""


def cache_root() -> Path:
    base = os.environ.get("TOCSIN_CACHE")
    return Path(base) if base else Path.home() / ".cache" / "tocsin"


def _node_abi(node: str) -> str:
    out = subprocess.run(
        [node, "-p", "process.versions.modules"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return out.stdout.strip()


def _npm_env(node: str) -> dict[str, str]:
    env = dict(os.environ)
    # The headers that came with node: node-gyp would otherwise download them, and only the
    # package registries are reachable here.
    prefix = Path(node).resolve().parent.parent
    if (prefix / "include" / "node" / "common.gypi").is_file():
        env.setdefault("npm_config_nodedir", str(prefix))
    env.setdefault("JOBS", str(os.cpu_count() or 1))
    env["npm_config_update_notifier"] = "false"
    return env


@dataclass(frozen=True)
class NpmPackages:
    """The npm packages of one test server: where their lockfile is, and what they are for."""

    source: Path  # the folder with package.json and package-lock.json
    name: str  # the cache folder's prefix: "pds", "oidc"
    what: str  # for messages: "the Bluesky test servers"

    def install_dir(self, node: str = "node") -> Path:
        digest = hashlib.sha256((self.source / "package-lock.json").read_bytes())
        digest.update(b"\0node-abi-" + _node_abi(node).encode())
        return cache_root() / f"{self.name}-{digest.hexdigest()[:16]}"

    def installed(self) -> Path | None:
        """The install folder when complete, else None."""
        node = shutil.which("node")
        if node is None:
            return None
        target = self.install_dir(node)
        return target if (target / DONE).is_file() else None

    def ensure(self, log: Path | None = None) -> Path:
        """Install if needed (waiting for an install already under way); the folder."""
        node, npm = shutil.which("node"), shutil.which("npm")
        if node is None or npm is None:
            raise InstallError(f"{self.what} need node (20 or later) and npm")
        target = self.install_dir(node)
        if (target / DONE).is_file():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target.parent / f"{target.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (target / DONE).is_file():
                return target
            for stale in target.parent.glob(f"{target.name}.tmp-*"):  # an install killed
                shutil.rmtree(stale, ignore_errors=True)
            work = target.parent / f"{target.name}.tmp-{os.getpid()}"
            work.mkdir()
            for name in FILES:
                shutil.copy2(self.source / name, work / name)
            seconds = _npm_ci(npm, node, work, log)
            (work / DONE).write_text(f"npm ci took {seconds:.0f} s\n")
            shutil.rmtree(target, ignore_errors=True)
            work.rename(target)
        return target


def _npm_ci(npm: str, node: str, work: Path, log: Path | None) -> float:
    """``npm ci`` in ``work``; the seconds it took. The folder is removed when it fails."""
    started = time.monotonic()
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=work,
            env=_npm_env(node),
            stdout=out,
            stderr=subprocess.STDOUT if log else subprocess.PIPE,
            check=False,
            timeout=NPM_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        shutil.rmtree(work, ignore_errors=True)
        raise InstallError(f"npm ci took more than {NPM_TIMEOUT:.0f} s") from None
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    if done.returncode != 0:
        tail = (done.stderr or b"").decode(errors="replace")[-2000:]
        shutil.rmtree(work, ignore_errors=True)
        raise InstallError(f"npm ci failed ({done.returncode}) in {work}: {tail}")
    return time.monotonic() - started


def main(packages: NpmPackages, argv: list[str]) -> int:
    """``--check``: print the folder if installed, else exit 1; otherwise install if needed
    (``--log FILE``: npm's output there) and print the folder."""
    if "--check" in argv:
        found = packages.installed()
        if found is None:
            return 1
        print(found)
        return 0
    log = None
    if "--log" in argv:
        log = Path(argv[argv.index("--log") + 1])
    started = time.monotonic()
    try:
        target = packages.ensure(log)
    except InstallError as error:
        print(f"{packages.source}: {error}", file=sys.stderr)
        return 1
    print(f"{target} ({time.monotonic() - started:.1f} s)")
    return 0
