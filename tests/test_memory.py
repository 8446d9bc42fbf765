"""A worker's memory: glibc's arenas capped before the SDK's runtime starts, the memory a burst
of work freed given back (malloc_trim, when the worker goes quiet, and at least once a minute
while it stays busy), and the start's objects kept out of full collections."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tocsin import cli, memory
from tocsin.config import Settings, SettingsError
from tocsin.temporal import free_port


def test_trim_gives_freed_memory_back() -> None:
    """64 MB of C allocations freed between survivors stay resident until trimmed."""
    trim = memory.malloc_trim()
    if trim is None:
        pytest.skip("not glibc: nothing to trim")
    size, count = 2_000, 32_000  # above pymalloc's 512 bytes: from glibc's heap
    blocks = [bytes([n % 251]) * size for n in range(count)]
    survivors = blocks[::64]  # one in 64 lives on, as cached crises do between drafts
    del blocks
    held = memory.resident_kb()
    trim()
    given_back = held - memory.resident_kb()
    assert len(survivors) == count // 64
    assert given_back > 30 * 1024, f"{given_back} KB given back"


class Trims:
    """Stands for malloc_trim: counts its calls."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        self.count += 1
        return 1


def scripted(values: list[float], used: list[int]) -> Callable[[], float]:
    """A CPU clock reading ``values`` in turn, then the last one for ever; ``used`` counts the
    readings taken."""

    def read() -> float:
        used[0] += 1
        return values[min(used[0], len(values)) - 1]

    return read


async def ticks_until(done: Callable[[], bool], within: float = 10.0) -> None:
    """Wait for ``done``, however slowly the machine runs the loop's ticks."""
    deadline = time.monotonic() + within
    while not done():
        assert time.monotonic() < deadline, "the release loop did not get there in time"
        await asyncio.sleep(0.01)


async def test_trims_once_quiet_after_work_then_waits_for_more_work() -> None:
    trims = Trims()
    used = [0]
    # CPU seconds read at the start, then once a tick (and once after each trim).
    values = [0.0, 1, 2, 2, 2, 2, 3, 3, 3]
    task = asyncio.ensure_future(
        memory.release_after_work(trims, tick=0.001, cpu=scripted(values, used))
    )
    try:
        await ticks_until(lambda: used[0] >= len(values) + 20)  # 20 quiet ticks more
    finally:
        task.cancel()
    # Two bursts (1 to 2, then 3), each trimmed once when the next tick found no work; nothing
    # while quiet.
    assert trims.count == 2


async def test_trims_at_least_every_so_often_while_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "AT_LEAST", 0.05)
    trims = Trims()
    work = iter(range(1_000_000))  # one CPU second a tick: never quiet
    started = time.monotonic()
    task = asyncio.ensure_future(
        memory.release_after_work(trims, tick=0.01, cpu=lambda: float(next(work)))
    )
    try:
        await ticks_until(lambda: trims.count >= 3)
    finally:
        task.cancel()
    # Never quiet, so only the "at least every AT_LEAST" rule trims: not more often than that.
    assert trims.count <= (time.monotonic() - started) / 0.05 + 1


async def test_nothing_to_trim_returns_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "malloc_trim", lambda: None)
    await asyncio.wait_for(memory.release_after_work(tick=0.01), 1)


def test_the_release_can_be_turned_off() -> None:
    assert Settings.from_env({}).release_memory
    assert not Settings.from_env({"TOCSIN_RELEASE_MEMORY": "0"}).release_memory
    with pytest.raises(SettingsError, match="TOCSIN_RELEASE_MEMORY"):
        Settings.from_env({"TOCSIN_RELEASE_MEMORY": "oui"})


SETTLE = """
import gc, json
import activities.crisis, tocsin.cli, tocsin.worker, workflows.crisis
from tocsin.memory import settle_start
frozen = settle_start()
scanned = len(gc.get_objects())  # what a full pass looks at from now on
class Node:
    pass
gc.disable()  # no pass meanwhile: the one below finds them all
for _ in range(1000):  # cycles made after the start are still collected
    a, b = Node(), Node()
    a.other, b.other = b, a
del a, b
collected = gc.collect()
print(json.dumps({"frozen": frozen, "scanned": scanned, "collected": collected}))
"""


def test_the_start_s_objects_are_kept_out_of_full_collections() -> None:
    """In a process of its own: the worker's modules are frozen (a full pass over them took
    68 ms), and what is made afterwards is collected as before."""
    done = subprocess.run(
        [sys.executable, "-c", SETTLE], capture_output=True, text=True, timeout=120, check=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["frozen"] > 100_000
    assert figures["scanned"] < 1_000
    assert figures["collected"] >= 2_000  # the 1,000 cycles, two objects each


ARENAS = """
import ctypes, json, os, re, sys, tempfile, threading
from tocsin.memory import limit_arenas
applied = limit_arenas(int(sys.argv[1]))
ready = threading.Barrier(9)
held = []
def allocate():
    held.append([bytes(2_000) for _ in range(200)])  # above pymalloc's 512 bytes: glibc's
    ready.wait()  # every thread alive at once, each with the arena it was given
    ready.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
ready.wait()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
path = os.path.join(tempfile.mkdtemp(), "malloc.xml")
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
ready.wait()
for thread in threads:
    thread.join()
heaps = len(re.findall(r"<heap nr=", open(path).read()))
print(json.dumps({"applied": applied, "heaps": heaps}))
"""


def _arenas(limit: int) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", ARENAS, str(limit)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, int] = json.loads(done.stdout)
    return result


def test_the_worker_s_malloc_arenas_are_capped() -> None:
    """Eight threads allocating at once: glibc gives them arenas of their own by default, and
    one arena for all when the worker caps them at one (TOCSIN_MALLOC_ARENAS)."""
    if memory.malloc_trim() is None:
        pytest.skip("not glibc: its arenas are not there to cap")
    default, capped = _arenas(0), _arenas(1)
    assert not default["applied"]
    assert capped["applied"]
    assert default["heaps"] >= 4, default
    assert capped["heaps"] == 1, capped


def test_the_arena_cap_is_a_setting() -> None:
    assert Settings.from_env({}).malloc_arenas == 1
    assert Settings.from_env({"TOCSIN_MALLOC_ARENAS": "0"}).malloc_arenas == 0
    with pytest.raises(SettingsError, match="TOCSIN_MALLOC_ARENAS"):
        Settings.from_env({"TOCSIN_MALLOC_ARENAS": "-1"})


@pytest.mark.parametrize(
    ("command", "external"),
    [("worker", True), ("up", True), ("up", False)],
    ids=["worker", "up on a cluster", "up embedded"],
)
def test_the_worker_commands_cap_arenas_before_the_runtime_starts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str, external: bool
) -> None:
    """``tocsin worker`` and ``tocsin up`` cap the arenas with the setting before their event
    loop starts, so before the SDK's runtime and its threads exist."""
    steps: list[str] = []
    monkeypatch.setattr(cli, "limit_arenas", lambda count: steps.append(f"cap {count}"))

    def run(coroutine: Coroutine[Any, Any, Any]) -> None:
        coroutine.close()
        steps.append("run")

    monkeypatch.setattr(cli, "run", run)
    env = {
        "TOCSIN_DATA_DIR": str(tmp_path),
        "TOCSIN_MALLOC_ARENAS": "3",
        "TOCSIN_EMBEDDED_PORT": str(free_port()),
        "TOCSIN_UI_PORT": str(free_port()),
        "TEMPORAL_ADDRESS": "127.0.0.1:7233" if external else "",
    }
    result = CliRunner().invoke(cli.cli, [command], env=env)
    assert result.exit_code == 0, result.output
    assert steps == ["cap 3", "run"]
