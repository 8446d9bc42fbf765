"""Drill storm: a real crisis's first approval card while 1,000 exercises are being triggered,
against its card alone, in one run.

Run: .venv/bin/python -m bench.drill_storm [--drills 1000] [--samples 3]

One embedded dev server (SQLite) and one `tocsin worker` process, as deployed (it polls the real
crises' queue and, with few slots, the exercises'), its notices going to the fake Slack Web API
in this process, all on loopback. A real crisis is timed from its trigger to its first approval
card in the channel (the notice its approver gets): ``--samples`` times alone, then as many
times while a separate process (this module with ``--send``, so that this one is not starved)
triggers ``--drills`` exercises through ``crises.trigger``, at most 16 in flight, with the
exercise rates raised for it (``TOCSIN_DRILLS_PER_PERSON``, ``…_PER_PLAYBOOK``). Drills left
waiting when the last sample is taken are not waited for: the server is thrown away.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client

from tests.fakeslack import FakeSlack, with_slack_people
from tests.helpers import crisis_input, settings_for, signed
from tests.processes import TOCSIN, Process, spawn, tocsin_env
from tocsin import crises
from tocsin.cli import leave
from tocsin.config import Settings
from tocsin.logs import configure_logging
from tocsin.models import crisis_workflow_id
from tocsin.temporal import connect, embedded_server, free_port

CHANNEL = "C0STORM"
TARGET = 1.5
IN_FLIGHT = 16
CARD_WITHIN = 180.0  # seconds a card may take before the bench gives up
RAISED = "100000"
ROOT = (
    Path(__file__).resolve().parent.parent
)  # the sender's exercise rates: the storm is the point here


@dataclass(frozen=True)
class Figures:
    alone: list[float]
    sending: list[float]  # while the sender triggers drills
    backlog: list[float]  # once every drill is triggered, most still waiting for the worker
    at_sent: list[int]  # drills sent when each sample while sending was triggered
    send_time: float
    load: str
    carded: tuple[int, int]  # drills whose card reached the channel: once sent, at the end


trigger_calls: list[float] = []  # each sample's own trigger call (rate check and start)


def loads() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} cores"


async def card_time(fake: FakeSlack, client: Client, settings: Settings, key: str) -> float:
    """Trigger a real crisis; seconds until its first approval card reaches the channel."""
    crisis = with_slack_people(crisis_input(key))
    started = time.perf_counter()
    await crises.trigger(client, settings, crisis, signed(settings))
    trigger_calls.append(time.perf_counter() - started)
    deadline = started + CARD_WITHIN
    while not fake.cards(CHANNEL, crisis.crisis_id):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no card for {crisis.crisis_id} after {CARD_WITHIN:.0f} s")
        await asyncio.sleep(0.01)
    return time.perf_counter() - started


@contextlib.asynccontextmanager
async def worker_processes(
    env: dict[str, str], folder: Path, *, split: bool
) -> AsyncIterator[list[Process]]:
    """One `tocsin worker` polling both queues; ``split``: one for real crises, and one for
    exercises at a lower priority (nice 10), as README's sizing section suggests."""
    started: list[Process] = []
    try:
        if not split:
            started.append(await spawn(["worker"], env, folder / "worker.log"))
        else:
            started.append(await spawn(["worker", "--queues", "real"], env, folder / "real.log"))
            started.append(await niced(["worker", "--queues", "exercise"], env, folder / "ex.log"))
        for worker in started:
            await worker.wait_for_output("Worker prêt", within=120)
        yield started
    finally:
        for worker in started:
            await worker.stop()


async def niced(args: list[str], env: dict[str, str], log: Path) -> Process:
    with log.open("ab") as sink:
        proc = await asyncio.create_subprocess_exec(
            "nice",
            "-n",
            "10",
            str(TOCSIN),
            *args,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
        )
    return Process(proc, log)


async def sender(
    env: dict[str, str], drills: int, in_flight: int, folder: Path
) -> asyncio.subprocess.Process:
    """This module with ``--send`` in a process of its own; it prints ``sent N`` as it goes."""
    log = (folder / "sender.log").open("ab")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.drill_storm",
        "--send",
        str(drills),
        "--in-flight",
        str(in_flight),
        env={**env, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log,
        stderr=asyncio.subprocess.STDOUT,
    )


def sent(folder: Path) -> int:
    lines = [
        line
        for line in (folder / "sender.log").read_text(errors="replace").splitlines()
        if line.startswith("sent ")
    ]
    return int(lines[-1].split()[1]) if lines else 0


async def until_sent(process: asyncio.subprocess.Process, folder: Path, count: int) -> None:
    while sent(folder) < count:
        if process.returncode is not None:
            raise RuntimeError(f"the sender stopped:\n{(folder / 'sender.log').read_text()}")
        await asyncio.sleep(0.1)


async def storm(
    fake: FakeSlack,
    client: Client,
    settings: Settings,
    env: dict[str, str],
    folder: Path,
    *,
    drills: int,
    samples: int,
    in_flight: int,
    unserved: bool,
) -> Figures:
    """The samples alone, while the drills are sent, then with their backlog; the figures."""
    await card_time(fake, client, settings, "warm-up")  # templates and caches, as a day's first
    alone = [await card_time(fake, client, settings, f"alone-{n}") for n in range(samples)]
    raised = {"TOCSIN_DRILLS_PER_PERSON": RAISED, "TOCSIN_DRILLS_PER_PLAYBOOK": RAISED}
    if unserved:  # the server's share alone: no worker takes the drills
        raised["TOCSIN_DRILL_TASK_QUEUE"] = f"unserved-{uuid.uuid4().hex[:6]}"
    began = time.perf_counter()
    process = await sender({**env, **raised}, drills, in_flight, folder)
    sending: list[float] = []
    at_sent: list[int] = []
    try:
        for n in range(samples):
            # Spread over the sending, the first once a backlog has built.
            await until_sent(process, folder, drills * (n + 1) // (samples + 1))
            at_sent.append(sent(folder))
            sending.append(await card_time(fake, client, settings, f"sending-{n}"))
        await process.wait()
        if process.returncode != 0:
            raise RuntimeError((folder / "sender.log").read_text())
        send_time = time.perf_counter() - began
        carded_then = drill_cards(fake)
        # The red team's case: every drill triggered, most still waiting for the worker.
        backlog = [await card_time(fake, client, settings, f"backlog-{n}") for n in range(samples)]
        return Figures(
            alone=alone,
            sending=sending,
            backlog=backlog,
            at_sent=at_sent,
            send_time=send_time,
            load=loads(),
            carded=(carded_then, drill_cards(fake)),
        )
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def drill_cards(fake: FakeSlack) -> int:
    return sum(1 for card in fake.cards(CHANNEL) if "-drill-" in str(card.get("metadata")))


async def main(
    drills: int, samples: int, in_flight: int, unserved: bool, split: bool, drill_slots: int
) -> None:
    configure_logging("warning")
    fake = FakeSlack()
    await fake.start()
    layout = "two workers, exercises at nice 10" if split else "one worker polling both queues"
    print(f"{layout}, {drill_slots} drill slots, {in_flight} triggers in flight; {loads()}")
    try:
        with tempfile.TemporaryDirectory(prefix="tocsin-storm-") as tmp:
            folder = Path(tmp)
            settings = settings_for(folder, f"storm-{uuid.uuid4().hex[:6]}")
            async with embedded_server(
                settings, port=free_port(), ui=False, advertise=False
            ) as server:
                env = tocsin_env(
                    folder / "env",
                    TEMPORAL_ADDRESS=server.address,
                    TOCSIN_TASK_QUEUE=settings.task_queue,
                    TOCSIN_DRILL_TASK_QUEUE=settings.drill_task_queue,
                    TOCSIN_OUTBOX=str(settings.outbox),
                    TOCSIN_LOG_LEVEL="warning",
                    TOCSIN_DRILL_SLOTS=str(drill_slots),
                    **fake.env(CHANNEL),
                )
                async with worker_processes(env, folder, split=split):
                    found = await storm(
                        fake,
                        server.client,
                        settings,
                        env,
                        folder,
                        drills=drills,
                        samples=samples,
                        in_flight=in_flight,
                        unserved=unserved,
                    )
    finally:
        await fake.stop()
    report(found, drills)


def seconds(values: list[float]) -> str:
    return "  ".join(f"{v:5.2f} s" for v in values)


def report(found: Figures, drills: int) -> None:
    base = statistics.median(found.alone)
    rate = drills / found.send_time
    print(f"{drills} drills sent in {found.send_time:.1f} s by one process ({rate:.0f}/s)")
    print(f"drills with their card: {found.carded[0]} once sent, {found.carded[1]} at the end")
    print("real crisis, trigger -> first approval card:")
    print(f"  alone:             {seconds(found.alone)}   median {base:.2f} s")
    after = ", ".join(str(n) for n in found.at_sent)
    print(f"  while sending:     {seconds(found.sending)}   (after {after} drills sent)")
    print(f"  with the backlog:  {seconds(found.backlog)}")
    print(f"  of which the trigger call (rate check, start): {seconds(trigger_calls[1:])}")
    for name, values in (("while sending", found.sending), ("with the backlog", found.backlog)):
        worst = max(values) / base
        verdict = "within" if worst <= TARGET else "OVER"
        print(f"worst ratio {name} / alone: {worst:.2f} ({verdict} the {TARGET} target)")
    print(f"at the end: {found.load}")


async def send(drills: int, in_flight: int) -> None:
    """The storm itself: ``drills`` exercises by one person, at most ``in_flight`` at once."""
    settings = Settings.from_env()
    client = await connect(settings)
    base = crisis_input("drill-base", exercise=True)
    gate = asyncio.Semaphore(in_flight)
    done = 0

    async def one(n: int) -> None:
        nonlocal done
        key = f"drill-{n:04d}"
        crisis = base.model_copy(
            update={"crisis_key": key, "crisis_id": crisis_workflow_id(base.playbook.id, key)}
        )
        async with gate:
            await crises.trigger(client, settings, crisis, signed(settings))
        done += 1
        if done % 10 == 0 or done == drills:
            print(f"sent {done}", flush=True)

    await asyncio.gather(*(one(n) for n in range(drills)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument(
        "--unserved",
        action="store_true",
        help="drills on a queue no worker polls (the server's share)",
    )
    parser.add_argument(
        "--in-flight", type=int, default=IN_FLIGHT, help="the sender's triggers at once"
    )
    parser.add_argument(
        "--split", action="store_true", help="exercises served by a worker of their own, niced"
    )
    parser.add_argument("--drill-slots", type=int, default=2, help="TOCSIN_DRILL_SLOTS")
    parser.add_argument("--send", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.send is not None:
        asyncio.run(send(args.send, args.in_flight))
    else:
        asyncio.run(
            main(
                args.drills,
                args.samples,
                args.in_flight,
                args.unserved,
                args.split,
                args.drill_slots,
            )
        )
    leave(0)
