"""tocsin as separate processes, the way people run it: spawned, awaited, stopped for sure."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.keys import session_env

TOCSIN = Path(sys.executable).parent / "tocsin"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def tocsin(
    env: Mapping[str, str], *args: str, stdin: str | None = None, timeout: float = 120
) -> Result:
    """The command run to its end; whatever it says, never a traceback."""
    done = subprocess.run(
        [str(TOCSIN), *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    result = Result(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in result.text, result.text
    return result


def tocsin_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment a fresh user would have, pointed at a test's own folder, in French."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TOCSIN_", "TEMPORAL_", "SLACK_"))
    }
    env.update({"TOCSIN_DATA_DIR": str(data_dir), "TOCSIN_LANG": "fr", "PYTHONUNBUFFERED": "1"})
    env.update(session_env())  # the session's signing keys, which its workers trust
    env.update(extra)
    return env


@contextlib.contextmanager
def tocsin_up(
    env: Mapping[str, str], log: Path, *, within: float = 90
) -> Iterator[subprocess.Popen[str]]:
    """``tocsin up`` running, once it said it is ready; stopped with Ctrl-C (SIGINT) at the
    end, killed if it does not stop."""
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [str(TOCSIN), "up"], env=dict(env), stdout=sink, stderr=subprocess.STDOUT, text=True
        )
    try:
        deadline = time.monotonic() + within
        while "tocsin est prêt" not in log.read_text(encoding="utf-8"):
            assert proc.poll() is None, log.read_text(encoding="utf-8")
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.1)
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class Process:
    """A tocsin command in the background, its output going to a log file."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path, *, group: bool = False) -> None:
        self.proc = proc
        self.log = log
        self.group = group  # in a session of its own, with what it started

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    async def wait_for_output(self, text: str, within: float = 60.0, count: int = 1) -> None:
        """Until ``text`` shows ``count`` times in the output; fails if the process ends or the
        time is up first."""
        deadline = time.monotonic() + within
        while self.output().count(text) < count:
            if self.proc.returncode is not None:
                raise AssertionError(f"process exited {self.proc.returncode}:\n{self.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} after {within}s:\n{self.output()}")
            await asyncio.sleep(0.1)

    def _say(self, line: str) -> None:
        """A line of the test's own in the process's log, where a failure shows it."""
        with self.log.open("a", encoding="utf-8") as sink:
            sink.write(f"[test] {line}\n")

    def _signals(self) -> str:
        """The process's signal masks as Linux shows them (SigIgn: ignored, SigBlk: blocked,
        SigCgt: caught; bit 1, 0x2, is SIGINT), to tell why a signal did not stop it."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text(encoding="utf-8")
        except OSError as exc:
            return str(exc)
        return " ".join(
            line.replace(":\t", "=") for line in status.splitlines() if line.startswith("Sig")
        )

    async def kill_group(self) -> None:
        """SIGKILL the process and everything in its session: a power cut, not a shutdown."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()

    async def stop(self, sig: int = signal.SIGINT, within: float = 30.0) -> int:
        """Send ``sig`` and wait; SIGKILL if it does not stop in time. Returns the exit code.
        A process in a session of its own leaves nothing of it running either."""
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(sig)
            try:
                await asyncio.wait_for(self.proc.wait(), within)
            except TimeoutError:
                self._say(f"still running {within:.0f} s after signal {sig}; {self._signals()}")
                self.proc.kill()
                await self.proc.wait()
        if self.group:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        assert self.proc.returncode is not None
        return self.proc.returncode


# A command started the way ``cmd &`` in a script, ``nohup`` or ``sh -c`` start it: with SIGINT
# ignored, which the program inherits and Python keeps (no KeyboardInterrupt on Ctrl-C).
SIGINT_IGNORED = ["/bin/sh", "-c", 'trap "" INT; exec "$0" "$@"']


async def spawn(
    args: list[str],
    env: Mapping[str, str],
    log: Path,
    *,
    group: bool = False,
    sigint_ignored: bool = False,
) -> Process:
    """``group``: in a session of its own, so that :meth:`Process.kill_group` also kills what it
    started (the embedded Temporal server of ``tocsin up``). ``sigint_ignored``: started with
    SIGINT ignored (see SIGINT_IGNORED), whatever this test process inherited itself."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as sink:
        proc = await asyncio.create_subprocess_exec(
            *(SIGINT_IGNORED if sigint_ignored else []),
            str(TOCSIN),
            *args,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=group,
        )
    return Process(proc, log, group=group)
