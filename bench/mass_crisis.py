"""Mass crisis: N crises started at once (every commune of a département) on the embedded
server, with one `tocsin worker` then two, against a skeleton workflow with the same activities
on the same server (the floor), in one run.

Run: .venv/bin/python -m bench.mass_crisis [--crises 100 500 1000]

For each N and each worker count, on a fresh embedded server (SQLite):
- time until every crisis's acknowledgement awaits approval (drafted, checked, notified);
- time until every acknowledgement, approved at once, is published on every channel;
- the worker processes' peak memory (VmHWM; spaCy's French model alone is about 150 MB);
- the memory per cached crisis: the workers' resident memory once every crisis awaits approval
  (each is then in a worker's cache), less their memory before, with one crisis already run
  through its draft (spaCy loaded, templates compiled), divided by N;
- the CPU time the server and the workers used from the trigger to the last publication.

The floor: the same number of skeleton workflows, each running the activities and timers a
crisis runs from its trigger to its next gate (its detect notice, draft and approval request one
after the other; the gate's reminder timer and the update that cancels it; one publish per
channel at once; then, as the crisis goes on while others still publish, its publication
notice, the next phase's draft and approval request, and that gate's timer), served by as many
processes. Each publication leaves an empty file, counted as tocsin's outbox journals are, and
both sides poll only the runs not yet seen waiting.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from temporalio.client import Client, WorkflowHandle
from temporalio.service import RPCError

from bench.floor import FloorCrisis, floor_workers
from tests.helpers import LIBRARY, crisis_input, settings_for, signed
from tests.processes import Process, spawn, tocsin_env
from tocsin import crises
from tocsin.cli import leave
from tocsin.config import Settings
from tocsin.logs import configure_logging
from tocsin.models import DecisionAction, DecisionRequest, PhaseName
from tocsin.temporal import embedded_server, free_port

R = TypeVar("R")
BEFORE = 3  # detect notice, acknowledge draft, approval request
AFTER = len(LIBRARY.load("eau-non-potable").playbook.statement_templates(PhaseName.ACKNOWLEDGE))
THEN = 3  # publication notice, the explanation's draft, its approval request
TARGET = 1.3
# Resident memory is read once the workers have been quiet for this long, on both sides (the
# same wait as the earlier rounds in bench/RESULTS.md, so that their figures compare).
SETTLE = 3.0


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def peak_kb(pid: int) -> int:
    return status_kb(pid, "VmHWM")


def resident_kb(pids: list[int]) -> int:
    return sum(status_kb(pid, "VmRSS") for pid in pids)


def stat_fields(process: Path) -> list[str]:
    """``/proc/<pid>/stat`` after the command's name (which may hold spaces): the state is
    field 0, the parent 1, utime 11 and stime 12 (fields 3, 4, 14 and 15 of proc(5))."""
    return (process / "stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used so far."""
    ticks = 0
    for pid in pids:
        fields = stat_fields(Path(f"/proc/{pid}"))
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def server_pid() -> int:
    """The embedded Temporal server: this process's child running `temporal server`."""
    mine = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = stat_fields(entry)[1]
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if ppid == mine and b"start-dev" in command:
            return int(entry.name)
    raise RuntimeError("no embedded Temporal server found")


async def until(check: Callable[[], Awaitable[bool]], within: float) -> float:
    started = time.perf_counter()
    while not await check():
        if time.perf_counter() - started > within:
            raise TimeoutError(f"not done after {within:.0f} s")
        await asyncio.sleep(0.25)
    return time.perf_counter() - started


async def gathered(calls: list[Awaitable[R]], limit: int = 64) -> list[R]:
    """All at once, at most ``limit`` in flight (the client's connection is shared)."""
    gate = asyncio.Semaphore(limit)

    async def one(call: Awaitable[R]) -> R:
        async with gate:
            return await call

    return list(await asyncio.gather(*(one(c) for c in calls)))


@contextlib.asynccontextmanager
async def workers(
    args: list[list[str]], env: dict[str, str], folder: Path, ready: str
) -> AsyncIterator[list[Process]]:
    started: list[Process] = []
    try:
        for number, command in enumerate(args):
            process = await spawn(command, env, folder / f"worker-{number}.log")
            started.append(process)
            await process.wait_for_output(ready, within=60)
        yield started
    finally:
        for process in started:
            await process.stop()


async def tocsin_round(count: int, worker_count: int, folder: Path) -> dict[str, float]:
    settings = settings_for(
        folder,
        f"mass-{uuid.uuid4().hex[:6]}",
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
        )
        command = [["worker"] for _ in range(worker_count)]
        async with workers(command, env, folder, "Worker prêt") as started:
            client = server.client
            pids = [p.proc.pid for p in started]
            await warm_up(client, settings, pids)
            await asyncio.sleep(SETTLE)
            idle = resident_kb(pids)
            inputs = [crisis_input(f"commune-{n:04d}", params=commune(n)) for n in range(count)]
            serving = server_pid()
            cpu = cpu_seconds([serving]), cpu_seconds(pids)
            began = time.perf_counter()
            await gathered([crises.trigger(client, settings, c, signed(settings)) for c in inputs])
            ids = [c.crisis_id for c in inputs]
            statuses: dict[str, int] = {}
            notices = Path(env["TOCSIN_DATA_DIR"]) / "notifications"

            async def all_awaiting() -> bool:
                # Only the crises not seen waiting yet.
                for cid in ids:
                    if cid not in statuses and (revision := approval_asked(notices, cid)):
                        statuses[cid] = revision
                return len(statuses) == count

            await until(all_awaiting, 1800)
            drafted = time.perf_counter() - began
            await asyncio.sleep(SETTLE)
            loaded = resident_kb(pids)
            approved_at = time.perf_counter()
            await approve_all(client, settings, statuses)

            async def all_published() -> bool:
                return published_count(settings, ids) == count

            await until(all_published, 1800)
            published = time.perf_counter() - approved_at
            return figures(drafted, published, pids, loaded - idle, count, serving, cpu)


async def approve_all(client: Client, settings: Settings, revisions: dict[str, int]) -> None:
    """Approve each crisis's revision, all at once (at most ``gathered``'s limit in flight)."""
    await gathered(
        [
            crises.decide(
                client,
                cid,
                DecisionRequest(person="dominique", revision=rev, action=DecisionAction.APPROVE),
                signed(settings),
            )
            for cid, rev in revisions.items()
        ]
    )


async def warm_up(client: Client, settings: Settings, pids: list[int]) -> None:
    """Draft crises until every worker has drafted (spaCy loaded, templates compiled): which
    worker takes a crisis is the server's choice, and a worker that loads spaCy during the
    measure would count the model as memory per crisis. A worker has drafted once its resident
    memory is close to the largest one's."""
    for attempt in range(6):
        warm = [crisis_input(f"warm-{attempt}-{n}") for n in range(2 * len(pids))]
        await gathered([crises.trigger(client, settings, c, signed(settings)) for c in warm])
        for crisis in warm:
            await until(functools.partial(awaiting, client, crisis.crisis_id), 120)
        await asyncio.sleep(1)
        sizes = [status_kb(pid, "VmRSS") for pid in pids]
        if min(sizes) >= 0.85 * max(sizes):
            return
    print(f"warning: a worker may not have drafted before the measure (resident KB: {sizes})")


def figures(
    drafted: float,
    published: float,
    pids: list[int],
    grown_kb: int,
    count: int,
    server: int,
    cpu: tuple[float, float],
) -> dict[str, float]:
    """One round's row: its times, the workers' peak memory and their growth per crisis, and
    the CPU time the server and the workers used since ``cpu`` was read (at the trigger)."""
    return {
        "drafted": drafted,
        "published": published,
        "total": drafted + published,
        "peak_mb": sum(peak_kb(pid) for pid in pids) / 1024,
        "kb_per_crisis": grown_kb / count,
        "server_cpu": cpu_seconds([server]) - cpu[0],
        "workers_cpu": cpu_seconds(pids) - cpu[1],
    }


def commune(number: int) -> dict[str, str]:
    """Each crisis its own commune (so its own lines to check for names), or, with
    ``--same-words``, every crisis the playbook's example: the workers then find most lines
    already checked."""
    if SAME_WORDS:
        return {}
    first, rest = divmod(number % 1_000, 100)
    second, third = divmod(rest, 10)
    name = f"{PLACES[first]}-{SIDES[second]}{QUARTERS[third]}"
    return {"commune": name, "emetteur": f"Mairie de {name}"}


# 1,000 names as communes are named (no digits: "Saint-Aubin-0066 – 0 800…" reads as a phone
# number, and the guardrails rightly stop it).
PLACES = [
    "Saint-Aubin", "Villeneuve", "Montreuil", "Beaumont", "Fontaine",
    "Châteauneuf", "Bourg", "Neuville", "Roche", "Vaux",
]  # fmt: skip
SIDES = [
    "sur-Loire", "sur-Mer", "les-Bains", "en-Vallée", "le-Château",
    "la-Forêt", "sur-Seine", "d’Arve", "en-Bresse", "sous-Bois",
]  # fmt: skip
QUARTERS = [
    "", "-Nord", "-Sud", "-Est", "-Ouest", "-le-Haut", "-le-Bas", "-Centre", "-Village", "-Plage",
]  # fmt: skip
SAME_WORDS = False


async def awaiting(client: Client, crisis_id: str) -> bool:
    """Whether the crisis awaits approval (a query the loaded server does not answer: not yet)."""
    try:
        # Without the draft, which nobody reads here: it is most of the answer.
        status = await crises.status(client, crisis_id, events=False, draft=False)
    except RPCError:
        return False
    return status.state == "awaiting_approval"


def approval_asked(notices: Path, crisis_id: str) -> int | None:
    """The revision the crisis asked approval for, once the request is written (its notice
    record, as the approver receives it: ``run0-00002-approval_requested.json``). Read from the
    files, as the floor's marks are: a bench that polled hundreds of crises with queries, four
    times a second, made its watching part of the load it measures."""
    folder = notices / crisis_id
    try:
        asked = [name for name in os.listdir(folder) if name.endswith("-approval_requested.json")]
    except FileNotFoundError:
        return None
    if not asked:
        return None
    try:
        record = json.loads((folder / min(asked)).read_text(encoding="utf-8"))
    except json.JSONDecodeError:  # being written
        return None
    revision = record.get("revision")
    return revision if isinstance(revision, int) else None


def published_count(settings: Settings, ids: list[str]) -> int:
    """Crises whose acknowledgement is in the outbox on every channel (its journal says)."""
    done = 0
    for cid in ids:
        journal = settings.outbox / cid / "journal.jsonl"
        if journal.exists() and journal.read_text().count('"acknowledge"') >= AFTER:
            done += 1
    return done


async def floor_round(count: int, worker_count: int, folder: Path) -> dict[str, float]:
    settings = settings_for(folder, f"floor-{uuid.uuid4().hex[:6]}")
    async with embedded_server(settings, port=free_port(), ui=False, advertise=False) as server:
        env = tocsin_env(folder / "env")
        floors = floor_workers(server.address, settings.task_queue, folder, worker_count, env)
        async with floors as started:
            client: Client = server.client
            pids = [p.pid for p in started]
            for number in range(worker_count):
                warm = await client.start_workflow(
                    FloorCrisis.run,
                    [BEFORE, AFTER],
                    id=f"floor-warm-{number}-{uuid.uuid4().hex[:4]}",
                    task_queue=settings.task_queue,
                )
                await until(functools.partial(warm.query, FloorCrisis.waiting), 120)
            await asyncio.sleep(SETTLE)
            idle = resident_kb(pids)
            marks = folder / "marks"
            marks.mkdir()
            serving = server_pid()
            cpu = cpu_seconds([serving]), cpu_seconds(pids)
            began = time.perf_counter()
            handles: list[WorkflowHandle[FloorCrisis, int]] = await gathered(
                [
                    client.start_workflow(
                        FloorCrisis.run,
                        args=[[BEFORE, AFTER, THEN], str(marks)],
                        id=f"floor-{n:04d}-{uuid.uuid4().hex[:4]}",
                        task_queue=settings.task_queue,
                    )
                    for n in range(count)
                ]
            )

            async def all_waiting() -> bool:
                return len(list(marks.glob("*.asked"))) == count

            await until(all_waiting, 1800)
            drafted = time.perf_counter() - began
            await asyncio.sleep(SETTLE)
            loaded = resident_kb(pids)
            approved_at = time.perf_counter()
            await gathered([h.execute_update(FloorCrisis.approve) for h in handles])

            async def all_published() -> bool:
                return len(list(marks.glob("*.published-*"))) == count * AFTER

            await until(all_published, 1800)
            published = time.perf_counter() - approved_at
            return figures(drafted, published, pids, loaded - idle, count, serving, cpu)


async def main(counts: list[int], worker_counts: list[int]) -> None:
    configure_logging("warning")
    print(
        f"activities per crisis to its next gate: {BEFORE}, a timer, {AFTER} at once, "
        f"{THEN}, a timer"
    )
    words = "the playbook's example for every crisis" if SAME_WORDS else "a commune per crisis"
    print(f"parameters: {words}; tocsin's stock settings")
    print(
        f"{'N':>5} {'workers':>7} {'what':<8} {'drafted':>9} {'published':>10} {'total':>8} "
        f"{'peak MB':>8} {'KB/crisis':>10} {'server CPU':>11} {'workers CPU':>12}"
    )
    for count in counts:
        for worker_count in worker_counts:
            with tempfile.TemporaryDirectory(prefix="tocsin-mass-") as tmp:
                real = await tocsin_round(count, worker_count, Path(tmp) / "tocsin")
                floor = await floor_round(count, worker_count, Path(tmp) / "floor")
            for name, row in (("tocsin", real), ("floor", floor)):
                print(
                    f"{count:>5} {worker_count:>7} {name:<8} {row['drafted']:>8.1f}s "
                    f"{row['published']:>9.1f}s {row['total']:>7.1f}s {row['peak_mb']:>8.0f} "
                    f"{row['kb_per_crisis']:>10.0f} {row['server_cpu']:>10.1f}s "
                    f"{row['workers_cpu']:>11.1f}s"
                )
            ratio = real["total"] / floor["total"]
            verdict = "within" if ratio <= TARGET else "OVER"
            print(f"      ratio tocsin / floor: {ratio:.2f} ({verdict} the {TARGET} target)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crises", type=int, nargs="+", default=[100])
    parser.add_argument(
        "--same-words",
        action="store_true",
        help="every crisis with the playbook's example parameters (lines checked once per worker)",
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], choices=[1, 2])
    arguments = parser.parse_args()
    SAME_WORDS = arguments.same_words
    asyncio.run(main(arguments.crises, arguments.workers))
    leave(0)
