"""Install the Matrix tests' homeserver (Synapse, from PyPI) once, into a cache folder.

The folder is keyed by the pinned version and the Python that runs it:
``~/.cache/tocsin/synapse-<key>/`` (``TOCSIN_CACHE`` moves ``~/.cache/tocsin``), a virtual
environment of its own, so that Synapse's pins never meet tocsin's. A second run finds the folder
complete and costs nothing. The venv is made in place (its scripts name their folder) and is
complete once its marker file is written, under a file lock: ``make test`` starts it in the
background and the pytest fixture waits for the same lock; a half-made folder is made again.

    python tests/matrix/install.py          # install if needed, print the folder
    python tests/matrix/install.py --check  # print the folder if installed, else exit 1
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

VERSION = "1.163.2"  # matrix-synapse, pinned: the tests know its config and answers
REQUIREMENT = f"matrix-synapse=={VERSION}"
DONE = ".tocsin-installed"
PIP_TIMEOUT = 1800.0  # seconds; a cold install took 150 s on two busy cores


class InstallError(RuntimeError):
    """Synapse could not be installed; the message says why."""


def cache_root() -> Path:
    base = os.environ.get("TOCSIN_CACHE")
    return Path(base) if base else Path.home() / ".cache" / "tocsin"


def _python() -> str:
    """The Python Synapse's venv is made with: the one that does not live in a venv."""
    return getattr(sys, "_base_executable", None) or sys.executable


def install_dir(python: str | None = None) -> Path:
    python = python or _python()
    out = subprocess.run(
        [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    digest = hashlib.sha256(f"{REQUIREMENT}\0python-{out.stdout.strip()}".encode())
    return cache_root() / f"synapse-{digest.hexdigest()[:16]}"


def synapse_python(folder: Path) -> Path:
    return folder / "bin" / "python"


def installed() -> Path | None:
    """The install folder when complete, else None."""
    target = install_dir()
    return target if (target / DONE).is_file() else None


def _run(command: list[str], log: Path | None, timeout: float) -> None:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    try:
        done = subprocess.run(
            command,
            stdout=out,
            stderr=subprocess.STDOUT if log else subprocess.PIPE,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise InstallError(f"{command[0]} took more than {timeout:.0f} s") from None
    finally:
        if log:
            out.close()  # type: ignore[union-attr]
    if done.returncode != 0:
        tail = (done.stderr or b"").decode(errors="replace")[-2000:]
        raise InstallError(f"{' '.join(command[:4])}… failed ({done.returncode}): {tail}")


def ensure(log: Path | None = None) -> Path:
    """Install if needed (waiting for an install already under way) and return the folder."""
    python = _python()
    target = install_dir(python)
    if (target / DONE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / DONE).is_file():
            return target
        for stale in target.parent.glob(f"{target.name}.tmp-*"):  # an install that was killed
            shutil.rmtree(stale, ignore_errors=True)
        # The venv is made where it will live: its scripts name their folder.
        shutil.rmtree(target, ignore_errors=True)
        started = time.monotonic()
        try:
            _run([python, "-m", "venv", str(target)], log, 300)
            pip = [str(synapse_python(target)), "-m", "pip", "install", "--quiet"]
            _run([*pip, "--disable-pip-version-check", REQUIREMENT], log, PIP_TIMEOUT)
        except InstallError:
            shutil.rmtree(target, ignore_errors=True)
            raise
        seconds = time.monotonic() - started
        (target / DONE).write_text(f"{REQUIREMENT}: pip took {seconds:.0f} s\n")
    return target


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = installed()
        if found is None:
            return 1
        print(found)
        return 0
    log = None
    if "--log" in argv:
        log = Path(argv[argv.index("--log") + 1])
    started = time.monotonic()
    try:
        target = ensure(log)
    except InstallError as error:
        print(f"tests/matrix/install.py: {error}", file=sys.stderr)
        return 1
    print(f"{target} ({time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
