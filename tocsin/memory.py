"""A long-running worker's memory: the C allocator's arenas capped, its free memory given back
once a burst of work is over, and the objects of its start kept out of the garbage collector's
full passes.

A worker that drafts hundreds of crises at once allocates and frees a great deal outside
Python's own allocator: the SDK's core, the drafting's large strings and spaCy's arrays, in the
arenas of several threads. glibc keeps what was freed, fragmented between the allocations that
live on (the cached crises), and returns little of it by itself. `malloc_trim` hands the free
pages back. Measured in one process holding 200 waiting crises (bench/RESULTS.md, *Memory per
cached crisis*): 19.5 MB of 51 MB of growth given back.

The worker calls it when it goes quiet after work (its CPU time in the last second under a
fifth of a core, after a second that was busier), and at least once a minute while it stays
busy. Elsewhere than glibc (musl, macOS) this does nothing.

A full pass of Python's garbage collector looks at every object that can hold others. A worker
holds about 150,000 of them once its modules are imported, and a full pass over them took 68 ms
(89 ms once spaCy's model is loaded): every workflow task and activity of the process waits
meanwhile, an approval's included. They live as long as the process, so ``settle_start`` moves
them out of the collector's passes (``gc.freeze``) before the worker takes work; what crises
create later is collected as before.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import platform
import time
from collections.abc import Callable

import structlog

log = structlog.get_logger("tocsin.memory")

QUIET = 0.2  # CPU seconds a second under which the worker counts as quiet
AT_LEAST = 60.0  # seconds: while busy, trim at least this often
M_ARENA_MAX = -8  # mallopt's parameter for the most arenas glibc keeps (malloc.h)


def _glibc() -> ctypes.CDLL | None:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def malloc_trim() -> Callable[[], int] | None:
    """glibc's ``malloc_trim(0)``, or None where the C library is not glibc."""
    libc = _glibc()
    if libc is None:
        return None
    function = libc.malloc_trim
    function.argtypes = [ctypes.c_size_t]
    function.restype = ctypes.c_int
    return lambda: int(function(0))


def limit_arenas(count: int) -> bool:
    """Let glibc keep at most ``count`` malloc arenas from now on (0 leaves its default, eight a
    core). True when the limit was set; False with 0 or elsewhere than glibc.

    Below the limit, each thread's first allocation gets it an arena of its own: the SDK
    core's threads and the drafting threads then free into arenas that the cached crises'
    allocations keep fragmented, and that memory stays resident. Call it before the Temporal
    runtime starts its threads; threads that already have an arena keep it."""
    libc = _glibc() if count > 0 else None
    if libc is None:
        return False
    mallopt = libc.mallopt
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, count))


def settle_start() -> int:
    """Collect once, then keep every object alive now out of later collections (``gc.freeze``).
    Call it once, before the worker takes work: objects frozen are never collected, so freezing
    a crisis's objects would keep them after the crisis ends. Returns how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def resident_kb() -> int:
    """This process's resident memory (VmRSS), in KB; 0 where /proc is not there."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


async def release_after_work(
    trim: Callable[[], int] | None = None,
    *,
    tick: float = 1.0,
    cpu: Callable[[], float] = time.process_time,
) -> None:
    """Run until cancelled: trim once the process goes quiet after work, and at least every
    ``AT_LEAST`` seconds of work. ``trim``, ``tick`` and ``cpu`` are for the tests."""
    trim = trim or malloc_trim()
    if trim is None:
        return
    busy = False
    last_trim = time.monotonic()
    before = cpu()
    while True:
        await asyncio.sleep(tick)
        now = cpu()
        worked = now - before > QUIET * tick
        before = now
        busy = busy or worked
        overdue = worked and time.monotonic() - last_trim >= AT_LEAST
        if busy and (not worked or overdue):
            resident = resident_kb()
            await asyncio.to_thread(trim)
            log.debug("memory.released", mb=round((resident - resident_kb()) / 1024, 1))
            busy = False
            last_trim = time.monotonic()
            before = cpu()  # the trim's own CPU time is not work
