"""Where a cached crisis's memory goes: Python allocations per crisis, by file and by line.

Run: .venv/bin/python -m bench.memory_breakdown [--crises 30]

One worker in this process on a fresh embedded server. One crisis is run to its approval first
(spaCy loaded, templates compiled). The crisis inputs are built before the first snapshot, so
the YAML they come from is not counted. Then N crises are triggered, and once every one awaits
approval (each is then in the worker's cache), tracemalloc's difference is divided by N.

tracemalloc slows every workflow task several times over: keep N small (30 takes about four
minutes here). Its figures are Python's own allocations. The resident memory that
`bench.mass_crisis` measures also counts the Rust core's caches and the allocator's slack.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import tempfile
import tracemalloc
import uuid
from pathlib import Path

from bench.mass_crisis import awaiting, commune, gathered, until
from tests.helpers import crisis_input, settings_for
from tocsin import crises
from tocsin.cli import leave
from tocsin.logs import configure_logging
from tocsin.temporal import embedded_server, free_port
from tocsin.worker import build_worker

SHOWN = 15


def table(stats: list[tracemalloc.StatisticDiff], count: int, label: str) -> None:
    print(f"\n| KB/crisis | blocks/crisis | {label} |\n|---:|---:|---|")
    for stat in stats[:SHOWN]:
        frame = stat.traceback[0]
        where = frame.filename if label == "file" else f"{frame.filename}:{frame.lineno}"
        print(f"| {stat.size_diff / 1024 / count:.1f} | {stat.count_diff / count:.0f} | {where} |")


async def main(count: int) -> None:
    configure_logging("warning")
    folder = Path(tempfile.mkdtemp(prefix="tocsin-memory-"))
    settings = settings_for(folder, f"memory-{uuid.uuid4().hex[:6]}")
    async with embedded_server(settings, port=free_port(), ui=False, advertise=False) as server:
        client = server.client
        async with build_worker(client, settings):
            warm = crisis_input("warm")
            await crises.trigger(client, settings, warm)
            await until(functools.partial(awaiting, client, warm.crisis_id), 120)
            inputs = [crisis_input(f"commune-{n:04d}", params=commune(n)) for n in range(count)]
            await asyncio.sleep(1)
            gc.collect()
            tracemalloc.start(1)
            before = tracemalloc.take_snapshot()
            await gathered([crises.trigger(client, settings, c) for c in inputs])
            ids = [c.crisis_id for c in inputs]

            async def all_awaiting() -> bool:
                return all(await gathered([awaiting(client, cid) for cid in ids]))

            await until(all_awaiting, 1200)
            await asyncio.sleep(1)
            gc.collect()
            after = tracemalloc.take_snapshot()
            tracemalloc.stop()
    mine = [tracemalloc.Filter(False, tracemalloc.__file__)]
    before, after = before.filter_traces(mine), after.filter_traces(mine)
    by_file = after.compare_to(before, "filename")
    total = sum(stat.size_diff for stat in by_file)
    print(f"{count} crises: {total / 1024 / count:.0f} KB of Python allocations per cached crisis")
    table(by_file, count, "file")
    table(after.compare_to(before, "lineno"), count, "line")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crises", type=int, default=30)
    asyncio.run(main(parser.parse_args().crises))
    leave(0)
