"""What a workflow's input costs a worker that keeps the run in its cache: skeleton workflows
with an input of 0, 11, 22 and 44 KB, each size in a fresh process, with the SDK as is and as
tocsin's worker runs them (``DetachingRunner`` and ``DetachingInterceptor``).

Run: .venv/bin/python -m bench.input_memory [--workflows 300]

For each size and way, one process starts an embedded server and a worker (no sandbox: the
figure is the SDK's, not the sandbox's), runs one workflow to warm up, then starts N workflows
with that input. Each runs three empty activities and waits, so it stays cached. Printed: the
worker process's resident memory per workflow (VmRSS, before and after, divided by N).

A crisis's input carried its playbook and its template sources: this is what showed that a
run's input weighs several times its size for as long as the run is cached (an activity's input
about once its size, its result nothing measurable: three 40 KB inputs added 116 KB a workflow,
three 12 KB results nothing, in a variant of this probe not kept). The reason, found later: with
protobuf's upb backend, the parts of the first activation that the SDK keeps (the workflow's
headers, the last completion result) held the whole activation alive, the input inside.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import subprocess
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from bench.mass_crisis import gathered, status_kb, until
from tests.helpers import settings_for
from tocsin.cli import leave
from tocsin.logs import configure_logging
from tocsin.temporal import embedded_server, free_port
from tocsin.worker import DetachingInterceptor, DetachingRunner

SIZES = [0, 11_000, 22_000, 44_000]


@activity.defn(name="input_memory_nothing")
async def nothing(value: int) -> int:
    return value


@workflow.defn(name="InputMemory")
class InputMemory:
    def __init__(self) -> None:
        self.ready = False

    @workflow.run
    async def run(self, padding: str) -> None:
        for index in range(3):
            await workflow.execute_activity(
                nothing, index, start_to_close_timeout=timedelta(seconds=15)
            )
        self.ready = True
        await workflow.wait_condition(lambda: False)

    @workflow.query
    def waiting(self) -> bool:
        return self.ready


async def one_size(size: int, count: int, detached: bool) -> float:
    """KB of resident memory per cached workflow; ``detached``: as tocsin's worker runs them."""
    runner = UnsandboxedWorkflowRunner()
    configure_logging("warning")
    settings = settings_for(Path(tempfile.mkdtemp(prefix="tocsin-input-")), "input-memory")
    async with embedded_server(settings, port=free_port(), ui=False, advertise=False) as server:
        client = server.client
        queue = f"input-{uuid.uuid4().hex[:6]}"
        async with Worker(
            client,
            task_queue=queue,
            workflows=[InputMemory],
            activities=[nothing],
            max_cached_workflows=count + 100,
            interceptors=[DetachingInterceptor()] if detached else [],
            workflow_runner=DetachingRunner(runner) if detached else runner,
        ):
            padding = "x" * size

            async def start(workflow_id: str) -> bool:
                handle = await client.start_workflow(
                    InputMemory.run, padding, id=workflow_id, task_queue=queue
                )

                async def ready() -> bool:
                    return await handle.query(InputMemory.waiting)

                await until(ready, 120)
                return True

            await start(f"warm-{queue}")
            gc.collect()
            resident = status_kb(os.getpid(), "VmRSS")
            await gathered([start(f"w{n}-{queue}") for n in range(count)])
            await asyncio.sleep(1)
            gc.collect()
            grown = status_kb(os.getpid(), "VmRSS") - resident
    return grown / count


def main(count: int) -> None:
    print("resident KB a cached workflow")
    print(f"{'input KB':>8} {'SDK as is':>10} {'detached':>9}")
    for size in SIZES:
        found = []
        for detached in (False, True):
            command = [sys.executable, "-m", "bench.input_memory", "--one", str(size)]
            command += ["--workflows", str(count)] + (["--detached"] if detached else [])
            run = subprocess.run(command, check=True, capture_output=True, text=True)
            found.append(float(run.stdout))
        print(f"{size / 1000:>8.0f} {found[0]:>10.0f} {found[1]:>9.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workflows", type=int, default=300)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--detached", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is None:
        main(args.workflows)
    else:
        print(asyncio.run(one_size(args.one, args.workflows, args.detached)))
        leave(0)
