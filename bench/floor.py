"""Temporal's own floor for the benchmarks: skeleton workflows that do nothing but what the
crisis workflow's machinery costs (an update, activities and timers), with no tocsin work."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow

REMINDER = timedelta(minutes=10)  # the water playbook's first reminder


@workflow.defn(name="FloorUpdates")
class FloorUpdates:
    """Accepts updates until told to stop: the bare update's round trip."""

    def __init__(self) -> None:
        self.count = 0
        self.done = False

    @workflow.run
    async def run(self) -> int:
        await workflow.wait_condition(lambda: self.done)
        return self.count

    @workflow.update
    def bump(self, value: int) -> int:
        self.count += value
        return self.count

    @workflow.update
    def stop(self) -> None:
        self.done = True


@activity.defn(name="floor_nothing")
async def nothing(value: int) -> int:
    return value


@activity.defn(name="floor_mark")
async def mark(path: str) -> str:
    """A notice or a publication that does nothing but leave an empty file for the bench to
    count, as a crisis's leave their records (no path: nothing at all)."""
    if path:
        await asyncio.to_thread(Path(path).touch)
    return path


@workflow.defn(name="FloorCrisis")
class FloorCrisis:
    """A crisis's activities and timers from its trigger to its next gate, and an update to
    open the first: the activities before the gate, its reminder timer, the update that cancels
    it, the publications, then what the crisis does next (its publication notice, the next
    phase's draft and approval request) and that gate's reminder timer."""

    def __init__(self) -> None:
        self.approved = False
        self.ready = False

    @workflow.query
    def waiting(self) -> bool:
        """True once the activities before the gate are done."""
        return self.ready

    @workflow.run
    async def run(self, counts: list[int], marks: str = "") -> int:
        """``counts``: activities one after the other before the gate, then all at once after
        it (as the crisis drafts and notifies, then publishes every channel in parallel), then,
        if given, one after the other before the next gate, where the run then waits. With
        ``marks`` (a folder), the approval request and each publication leave an empty file
        there, as a crisis's notice and publications leave theirs."""
        before, after, *rest = counts
        then = rest[0] if rest else 0
        workflow_id = workflow.info().workflow_id
        await self._in_turn(before - 1)
        if before:  # the approval request, the last before the gate, leaves its mark
            await workflow.execute_activity(
                mark,
                f"{marks}/{workflow_id}.asked" if marks else "",
                start_to_close_timeout=timedelta(seconds=15),
            )
        self.ready = True
        # The gate's reminder: a crisis starts a timer as its approval is asked for, and the
        # decision cancels it (until 2026-11-25 the floor had no timer).
        while not self.approved:
            with contextlib.suppress(asyncio.TimeoutError):
                await workflow.wait_condition(lambda: self.approved, timeout=REMINDER)
        await asyncio.gather(
            *(
                workflow.execute_activity(
                    mark,
                    f"{marks}/{workflow_id}.published-{index}" if marks else "",
                    start_to_close_timeout=timedelta(seconds=15),
                )
                for index in range(after)
            )
        )
        if then:
            await self._in_turn(then)
            while True:  # the next gate, which nobody opens here: its reminder timer
                with contextlib.suppress(asyncio.TimeoutError):
                    await workflow.wait_condition(lambda: False, timeout=REMINDER)
        return before + after

    async def _in_turn(self, count: int) -> None:
        for index in range(count):
            await workflow.execute_activity(
                nothing, index, start_to_close_timeout=timedelta(seconds=15)
            )

    @workflow.update
    def approve(self) -> None:
        self.approved = True


READY = "floor worker ready"


@contextlib.asynccontextmanager
async def floor_workers(
    address: str, queue: str, folder: Path, count: int = 1, env: Mapping[str, str] | None = None
) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """``count`` processes of ``python -m bench.floor``, each logging to ``folder``, once each
    has said it is ready; stopped on the way out."""
    started: list[asyncio.subprocess.Process] = []
    try:
        for number in range(count):
            log = folder / f"floor-{number}.log"
            with log.open("wb") as output:
                started.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "bench.floor",
                        address,
                        queue,
                        env=None if env is None else dict(env),
                        stdout=output,
                        stderr=output,
                        cwd=str(Path(__file__).parent.parent),
                    )
                )
            for _ in range(600):
                if READY in log.read_text(errors="replace"):
                    break
                await asyncio.sleep(0.1)
            else:
                raise TimeoutError(f"the floor worker did not start: see {log}")
        await asyncio.sleep(1)  # its pollers reach the server
        yield started
    finally:
        for proc in started:
            if proc.returncode is None:
                proc.terminate()
                await proc.wait()


async def serve(address: str, queue: str) -> None:
    """The floor's worker, as a process of its own: ``python -m bench.floor ADDRESS QUEUE``."""
    from temporalio.client import Client
    from temporalio.worker import Worker

    client = await Client.connect(address)
    worker = Worker(
        client,
        task_queue=queue,
        workflows=[FloorUpdates, FloorCrisis],
        activities=[nothing, mark],
    )
    print(READY, flush=True)
    await worker.run()


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1], sys.argv[2]))
