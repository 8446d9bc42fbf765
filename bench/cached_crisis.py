"""Memory a worker keeps per cached crisis, for several worker settings in one run.

Run: .venv/bin/python -m bench.cached_crisis [--crises 200] [--variant 'label:KEY=value,...']

For each variant, on a fresh embedded server (SQLite), one `tocsin worker` process with the
variant's environment on top of tocsin's stock settings: the worker drafts a few crises first
(spaCy loaded, templates compiled), then N crises are triggered at once, each with its own
commune; once every one awaits its acknowledgement's approval (each then in the worker's cache),
the worker's resident memory less its memory before, divided by N. The variants run one after
the other in the same run, so that their figures compare (bench/RESULTS.md, *Memory per cached
crisis*).

A variant is a label and environment variables for the worker: ``arena:MALLOC_ARENA_MAX=1``
caps glibc's malloc arenas; ``PYTHONPATH=/path/to/tree`` runs another checkout's worker.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

from bench.mass_crisis import (
    SETTLE,
    approval_asked,
    commune,
    gathered,
    peak_kb,
    resident_kb,
    until,
    warm_up,
    workers,
)
from tests.helpers import crisis_input, settings_for, signed
from tests.processes import tocsin_env
from tocsin import crises
from tocsin.cli import leave
from tocsin.logs import configure_logging
from tocsin.temporal import embedded_server, free_port


async def one_variant(count: int, extra: dict[str, str], folder: Path) -> tuple[float, float, int]:
    """KB per cached crisis, seconds until every crisis awaited approval, peak KB."""
    settings = settings_for(
        folder,
        f"cached-{uuid.uuid4().hex[:6]}",
        TOCSIN_TRIGGERS_PER_PERSON="100000",
        TOCSIN_TRIGGERS_PER_PLAYBOOK="100000",
    )  # many crises by one person: the bench's point
    async with embedded_server(settings, port=free_port(), ui=False, advertise=False) as server:
        env = tocsin_env(
            folder / "env",
            TEMPORAL_ADDRESS=server.address,
            TOCSIN_TASK_QUEUE=settings.task_queue,
            TOCSIN_OUTBOX=str(settings.outbox),
            TOCSIN_LOG_LEVEL="warning",
            **extra,
        )
        async with workers([["worker"]], env, folder, "Worker prêt") as started:
            client = server.client
            pids = [p.proc.pid for p in started]
            await warm_up(client, settings, pids)
            await asyncio.sleep(SETTLE)
            idle = resident_kb(pids)
            inputs = [crisis_input(f"commune-{n:04d}", params=commune(n)) for n in range(count)]
            began = time.perf_counter()
            await gathered([crises.trigger(client, settings, c, signed(settings)) for c in inputs])
            notices = Path(env["TOCSIN_DATA_DIR"]) / "notifications"
            seen: set[str] = set()

            async def all_awaiting() -> bool:
                for crisis in inputs:
                    cid = crisis.crisis_id
                    if cid not in seen and approval_asked(notices, cid):
                        seen.add(cid)
                return len(seen) == count

            await until(all_awaiting, 1800)
            drafted = time.perf_counter() - began
            await asyncio.sleep(SETTLE)
            grown = resident_kb(pids) - idle
            return grown / count, drafted, peak_kb(pids[0])


def variant(text: str) -> tuple[str, dict[str, str]]:
    label, _, assignments = text.partition(":")
    pairs = [a.split("=", 1) for a in assignments.split(",") if a]
    return label, {key: value for key, value in pairs}


async def main(count: int, variants: list[tuple[str, dict[str, str]]]) -> None:
    configure_logging("warning")
    print(f"{count} crises at their first gate, one worker, stock settings plus each variant")
    print(f"{'variant':<24} {'KB/crisis':>10} {'drafted':>9} {'peak MB':>8}")
    for label, extra in variants:
        with tempfile.TemporaryDirectory(prefix="tocsin-cached-") as tmp:
            kb, drafted, peak = await one_variant(count, extra, Path(tmp))
        print(f"{label:<24} {kb:>10.0f} {drafted:>8.1f}s {peak / 1024:>8.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crises", type=int, default=200)
    parser.add_argument("--variant", action="append", default=[], type=variant)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.crises, [("stock", {}), *arguments.variant]))
    leave(0)
