"""Machine time on a crisis's critical path, at 1 crisis and at many at once: from the trigger
to its approval card in Slack, and from the approval to every automatic channel acknowledged,
beyond the platforms' own latency.

Run: .venv/bin/python -m bench.publish_machine [--samples 10] [--crises 100] [--latency 0.2]

(1,000 at once, the issue's figure, takes over 20 minutes on a shared two-core machine: see
bench/RESULTS.md, 2026-12-03; 250 took 10.)

One embedded dev server (SQLite) and one `tocsin worker` process, its notices going to the fake
Slack Web API and its posts to the eight slow platforms of bench/publish_rig.py (Mastodon, SMTP,
six webhooks, each answering ``--latency`` seconds after its work), all in this process, on
loopback. Every account's rate is raised (``rate: {requests: 1000000, per: 1s}``): a platform's
limit is not machine time, bench/publish_rate.py measures it.

- At 1: ``--samples`` crises one after the other, each triggered alone; once its card is in the
  channel and it is quiet, approved (``crises.decide``, what the Slack app calls on a click).
- At N (``--crises``): N crises triggered at once (at most 64 trigger calls in flight), each
  timed from its own trigger call to its card; once every card is in, all approved at once (at
  most 64 decisions in flight), each timed from its own decide call to its last platform's
  answer.

The card's time is when the fake Slack received it; an acknowledgement's, when the platform
answered; both on this process's clock. "Machine" is the time less the one platform latency on
the path (the eight posts go out together; each platform answers once).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

from temporalio.client import Client

from bench.approval_roundtrip import percentile
from bench.mass_crisis import (
    approval_asked,
    cpu_seconds,
    gathered,
    peak_kb,
    resident_kb,
    server_pid,
)
from bench.publish_rig import (
    EIGHT,
    LATENCY,
    Platforms,
    card_steps,
    cell,
    crisis_to,
    failures,
    keys_of,
    loads,
    platforms,
    publication_steps,
    worker,
)
from tests.fakeslack import FakeSlack, with_slack_people
from tests.helpers import settings_for, signed, until_quiet
from tocsin import crises
from tocsin.cli import leave
from tocsin.config import Settings
from tocsin.logs import configure_logging
from tocsin.models import CrisisInput, DecisionAction, DecisionRequest
from tocsin.temporal import embedded_server, free_port

CHANNEL = "C0MACHINE"
RAISED = "{requests: 1000000, per: 1s}"
SAMPLED = 50  # crises of the N whose history is read
R = TypeVar("R")


class Cards:
    """Each crisis's first approval card, as the fake Slack received it (read as it grows)."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.at: dict[str, float] = {}
        self._seen = 0

    def read(self) -> dict[str, float]:
        calls = self.fake.calls
        for call in calls[self._seen :]:
            meta = call.args.get("metadata") or {}
            if call.method == "chat.postMessage" and meta.get("event_type") == "tocsin_card":
                crisis = str((meta.get("event_payload") or {}).get("crisis"))
                self.at.setdefault(crisis, call.at)
        self._seen = len(calls)
        return self.at

    async def of(self, crisis_ids: list[str], within: float) -> None:
        deadline = time.perf_counter() + within
        while not all(c in self.read() for c in crisis_ids):
            if time.perf_counter() > deadline:
                missing = [c for c in crisis_ids if c not in self.at]
                raise TimeoutError(f"{len(missing)} cards not posted after {within:.0f} s")
            await asyncio.sleep(0.005 if len(crisis_ids) == 1 else 0.5)


def approval(revision: int) -> DecisionRequest:
    return DecisionRequest(person="dominique", revision=revision, action=DecisionAction.APPROVE)


async def timed(into: dict[str, float], key: str, call: Awaitable[R]) -> R:
    """Note when ``call`` starts (inside ``gathered``'s limit), then await it."""
    into[key] = time.perf_counter()
    return await call


def new_crisis(key: str) -> CrisisInput:
    return with_slack_people(crisis_to(key, EIGHT))


async def revision_of(folder: Path, cid: str, within: float) -> int:
    deadline = time.perf_counter() + within
    while (found := approval_asked(folder / "worker" / "notifications", cid)) is None:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{cid} asked no approval")
        await asyncio.sleep(0.01)
    return found


async def alone(
    client: Client, settings: Settings, found: Platforms, cards: Cards, folder: Path, count: int
) -> tuple[list[float], list[float]]:
    to_card: list[float] = []
    to_acks: list[float] = []
    for number in range(-1, count):  # -1: warm-up
        crisis = new_crisis(f"seul-{number + 1:03d}")
        cid = crisis.crisis_id
        wall, started = time.time(), time.perf_counter()
        await crises.trigger(client, settings, crisis, signed(settings))
        await cards.of([cid], 120)
        card = cards.at[cid] - started
        revision = await revision_of(folder, cid, 60)
        await until_quiet(client, cid, within=120)
        keys = keys_of(crisis, revision, {c: found.account_of(c) for c in EIGHT})
        decided_wall, decided = time.time(), time.perf_counter()
        await crises.decide(client, cid, approval(revision), signed(settings))
        acked = await found.acks.all_of(keys) - decided
        await until_quiet(client, cid, within=120)
        if number >= 0:
            to_card.append(card)
            to_acks.append(acked)
            note(SOLO, await card_steps(client, cid, wall))
            note(SOLO, await publication_steps(client, cid, decided_wall))
    return to_card, to_acks


SOLO, MANY = "1 crisis", "N at once"
STEPS: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
FAKES: dict[str, float] = {}


def note(where: str, found: dict[str, float]) -> None:
    for step, at in found.items():
        STEPS[where][step].append(at)


async def together(
    client: Client, settings: Settings, found: Platforms, cards: Cards, folder: Path, count: int
) -> tuple[list[float], list[float], float, float]:
    inputs = [new_crisis(f"foule-{n:04d}") for n in range(count)]
    FAKES["began"] = time.perf_counter()
    triggered: dict[str, float] = {}
    began, wall = time.perf_counter(), time.time()
    await gathered(
        [
            timed(triggered, c.crisis_id, crises.trigger(client, settings, c, signed(settings)))
            for c in inputs
        ]
    )
    ids = [c.crisis_id for c in inputs]
    await cards.of(ids, 1800)
    carded = time.perf_counter() - began
    to_card = [cards.at[cid] - triggered[cid] for cid in ids]
    revisions = {cid: await revision_of(folder, cid, 600) for cid in ids}
    accounts = {c: found.account_of(c) for c in EIGHT}
    keys = {c.crisis_id: keys_of(c, revisions[c.crisis_id], accounts) for c in inputs}
    decided: dict[str, float] = {}
    own = time.process_time()
    await gathered(
        [
            timed(decided, cid, crises.decide(client, cid, approval(rev), signed(settings)))
            for cid, rev in revisions.items()
        ]
    )
    await found.acks.all_of([k for each in keys.values() for k in each], within=1800)
    published = time.perf_counter() - min(decided.values())
    FAKES["cpu"] = time.process_time() - own  # this process: the fakes, and the bench's calls
    to_acks = [max(found.acks.at[k] for k in keys[cid]) - decided[cid] for cid in ids]
    for cid in ids[:: max(1, len(ids) // SAMPLED)]:  # where the time goes, on a sample
        note(MANY, await card_steps(client, cid, wall + triggered[cid] - began))
        note(MANY, await publication_steps(client, cid, wall + decided[cid] - began))
    return to_card, to_acks, carded, published


def row(name: str, values: list[float], less: float = 0.0) -> str:
    ms = [(v - less) * 1000 for v in values]
    return (
        f"{name:<44} n={len(ms):>5}  p50 {percentile(ms, 0.5):8.1f}  "
        f"p99 {percentile(ms, 0.99):8.1f}  max {max(ms):8.1f}  mean {statistics.fmean(ms):8.1f} ms"
    )


async def main(samples: int, count: int, latency: float) -> None:
    configure_logging("warning")
    print(f"before: {loads()}")
    fake = FakeSlack()
    await fake.start()
    cards = Cards(fake)
    try:
        with tempfile.TemporaryDirectory(prefix="tocsin-machine-") as tmp:
            folder = Path(tmp)
            settings = settings_for(
                folder,
                f"machine-{uuid.uuid4().hex[:6]}",
                TOCSIN_TRIGGERS_PER_PERSON="100000",
                TOCSIN_TRIGGERS_PER_PLAYBOOK="100000",
            )  # many crises by one person: the bench's point
            async with (
                platforms(folder, latency=latency, rate=RAISED) as found,
                embedded_server(settings, port=free_port(), ui=False, advertise=False) as server,
                worker(
                    server.address,
                    settings,
                    folder,
                    TOCSIN_ACCOUNTS=str(found.accounts),
                    **found.env,
                    **fake.env(CHANNEL),
                ) as process,
            ):
                client = server.client
                solo_card, solo_acks = await alone(client, settings, found, cards, folder, samples)
                print(f"1 at a time done; {loads()}", flush=True)
                idle = resident_kb([process.proc.pid])
                cpu = cpu_seconds([process.proc.pid])
                serving = server_pid()
                server_cpu = cpu_seconds([serving])
                many = (
                    await together(client, settings, found, cards, folder, count) if count else None
                )
                busy = resident_kb([process.proc.pid]), peak_kb(process.proc.pid)
                FAKES["worker"] = cpu_seconds([process.proc.pid]) - cpu
                FAKES["server"] = cpu_seconds([serving]) - server_cpu
                FAKES["wall"] = time.perf_counter() - FAKES["began"]
            failed = failures(folder / "worker.log")
    finally:
        await fake.stop()
    print(f"\nplatforms answer in {latency:.3f} s; machine = time less that latency")
    print(row("1 crisis: trigger -> approval card", solo_card))
    print(row("1 crisis: approval -> 8 channels acknowledged", solo_acks))
    print(row("  of which machine", solo_acks, latency))
    if many is not None:
        to_card, to_acks, carded, published = many
        print(row(f"{count} at once: trigger -> approval card", to_card))
        print(row(f"{count} at once: approval -> 8 channels acked", to_acks))
        print(row("  of which machine", to_acks, latency))
        print(
            f"{count} at once: every card in {carded:.1f} s, every channel acknowledged "
            f"{published:.1f} s after the first decision"
        )
        print(
            f"CPU: this process (the fakes, the decisions), from the first decision to the last "
            f"acknowledgement, {FAKES['cpu']:.1f} s; from the first trigger, in "
            f"{FAKES['wall']:.0f} s: the worker {FAKES['worker']:.1f} s, the Temporal server "
            f"{FAKES['server']:.1f} s"
        )
        print(
            f"worker: resident {idle // 1024} MB before the {count}, {busy[0] // 1024} MB after; "
            f"peak {busy[1] // 1024} MB"
        )
    print(f"failed tries in the worker's log: {dict(failed) or 'none'}")
    print("\nwhere the time goes, median ms after the trigger or the approval (server's clock):")
    for step in STEPS[SOLO]:
        cells = "".join(cell(step, STEPS[w][step], 12) for w in (SOLO, MANY) if STEPS[w])
        print(f"  {step:<30}{cells}")
    print(f"after: {loads()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--crises", type=int, default=100)
    parser.add_argument("--latency", type=float, default=LATENCY)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.samples, arguments.crises, arguments.latency))
    leave(0)
