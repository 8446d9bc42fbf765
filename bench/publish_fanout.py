"""Publishing fan-out: one approval to eight automatic channels, each on an account of its own,
against each channel alone, in one run; every fake platform answers in 200 ms.

Run: .venv/bin/python -m bench.publish_fanout [--runs 20] [--latency 0.2]

One embedded dev server (SQLite) and one `tocsin worker` process with an accounts file; in this
process the platforms (bench/publish_rig.py): a Mastodon fake, an SMTP server (STARTTLS, AUTH)
for the press and six webhook receivers, each answering ``--latency`` seconds after its work.
Each run triggers nine crises of the industrial accident playbook: one whose acknowledgement
goes to the eight channels, and one for each channel alone. Once all await approval and are
quiet, they are approved one at a time (a crisis's next phase drafted and quiet before the next
approval), in an order turned by one at each run. A figure is the time from the `decide` call
to the moment the last of the crisis's platforms answered (its acknowledgement, on this
process's clock). Target: the fan-out's p99 at most 1.2 times the slowest channel's p99 alone.

Where the time goes, from each crisis's history (the server's clock, to the millisecond): the
outbox files written (one ``publish_statement`` a channel), the ``route_statement`` activity,
then the ``post_statement`` activities, from the first scheduled to the last completed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

from temporalio.client import Client

from bench.approval_roundtrip import percentile
from bench.publish_rig import (
    EIGHT,
    LATENCY,
    Platforms,
    cell,
    crisis_to,
    failures,
    keys_of,
    loads,
    platforms,
    publication_steps,
    worker,
)
from tests.helpers import awaiting, settings_for, signed, until_quiet, wait_status
from tocsin import crises
from tocsin.cli import leave
from tocsin.config import Settings
from tocsin.logs import configure_logging
from tocsin.models import Channel, CrisisInput, DecisionAction, DecisionRequest, PhaseName
from tocsin.temporal import embedded_server, free_port

TARGET = 1.2
FANOUT = "all eight"


def ms_line(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:<22} n={len(ms):>3}  p50 {percentile(ms, 0.50):7.1f} ms  "
        f"p99 {percentile(ms, 0.99):7.1f} ms  max {max(ms):7.1f} ms  "
        f"mean {statistics.fmean(ms):7.1f} ms"
    )


async def approve_and_time(
    client: Client, settings: Settings, found: Platforms, crisis: CrisisInput
) -> tuple[float, float, dict[Channel, float]]:
    """Approve the crisis's acknowledgement; seconds to its last acknowledgement, the wall
    clock at the approval, and each channel's acknowledgement after it."""
    cid = crisis.crisis_id
    current = await wait_status(client, cid, awaiting(PhaseName.ACKNOWLEDGE), within=120)
    assert current.revision is not None
    await until_quiet(client, cid, within=120)
    accounts = {c: found.account_of(c) for c in EIGHT}
    keys = keys_of(crisis, current.revision, accounts)
    request = DecisionRequest(
        person="dominique", revision=current.revision, action=DecisionAction.APPROVE
    )
    wall, started = time.time(), time.perf_counter()
    await crises.decide(client, cid, request, signed(settings))
    last = await found.acks.all_of(keys)
    each = {c: found.acks.at[k] - started for k, c in keys.items()}
    # Its next phase drafted: no load left behind. A crisis that failed would leave no trace.
    assert await until_quiet(client, cid, within=120), f"{cid} is no longer running"
    return last - started, wall, each


async def main(runs: int, latency: float, later: list[Channel] | None) -> None:
    configure_logging("warning")
    print(f"before: {loads()}")
    times: dict[str, list[float]] = defaultdict(list)
    in_fanout: dict[Channel, list[float]] = defaultdict(list)
    steps: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    with tempfile.TemporaryDirectory(prefix="tocsin-fanout-") as tmp:
        folder = Path(tmp)
        settings = settings_for(
            folder,
            f"fanout-{uuid.uuid4().hex[:6]}",
            TOCSIN_TRIGGERS_PER_PERSON="100000",
            TOCSIN_TRIGGERS_PER_PLAYBOOK="100000",
        )  # many crises by one person: the bench's point
        async with (
            platforms(folder, latency=latency) as found,
            embedded_server(settings, port=free_port(), ui=False, advertise=False) as server,
            worker(
                server.address, settings, folder, TOCSIN_ACCOUNTS=str(found.accounts), **found.env
            ),
        ):
            client = server.client
            for run in range(-1, runs):  # run -1: warm-up, not counted
                tag = f"r{run + 1:03d}" if run >= 0 else "warm"
                batch = {FANOUT: crisis_to(f"{tag}-all", EIGHT, later=later)} | {
                    c.value: crisis_to(f"{tag}-{c.value}", [c], later=later) for c in EIGHT
                }
                await asyncio.gather(
                    *(crises.trigger(client, settings, c, signed(settings)) for c in batch.values())
                )
                order = list(batch)
                turn = max(run, 0) % len(order)
                for name in order[turn:] + order[:turn]:
                    took, wall, each = await approve_and_time(client, settings, found, batch[name])
                    if run < 0:
                        continue
                    times[name].append(took)
                    for step, at in (
                        await publication_steps(client, batch[name].crisis_id, wall)
                    ).items():
                        steps[name][step].append(at)
                    if name == FANOUT:
                        for channel, at in each.items():
                            in_fanout[channel].append(at)
                print(f"run {run + 1}/{runs} done; {loads()}", flush=True)
        failed = failures(folder / "worker.log")
    report(times, in_fanout, steps, latency)
    print(f"failed tries in the worker's log: {dict(failed) or 'none'}")
    print(f"after: {loads()}")


def report(
    times: dict[str, list[float]],
    in_fanout: dict[Channel, list[float]],
    steps: dict[str, dict[str, list[float]]],
    latency: float,
) -> None:
    print(f"\napproval -> last platform's acknowledgement (platforms answer in {latency:.3f} s)")
    print(ms_line(FANOUT, times[FANOUT]))
    singles = {c: times[c.value] for c in EIGHT}
    for channel, values in singles.items():
        print(ms_line(f"{channel.value} alone", values))
    slowest = max(singles, key=lambda c: percentile(singles[c], 0.99))
    fan_p99 = percentile(times[FANOUT], 0.99)
    alone_p99 = percentile(singles[slowest], 0.99)
    ratio = fan_p99 / alone_p99
    verdict = "within" if ratio <= TARGET else "OVER"
    print(
        f"p99 ratio fan-out / slowest channel alone ({slowest.value}): {ratio:.2f} "
        f"({verdict} the {TARGET} target)"
    )
    median = percentile(times[FANOUT], 0.5) / max(percentile(v, 0.5) for v in singles.values())
    print(f"p50 ratio fan-out / slowest channel alone: {median:.2f}")
    print("\neach channel's acknowledgement within the fan-out, after the approval:")
    for channel, values in sorted(in_fanout.items(), key=lambda kv: statistics.median(kv[1])):
        print(ms_line(f"  {channel.value}", values))
    print("\nwhere the time goes, median ms after the approval (server's clock); most tries:")
    columns = [FANOUT, slowest.value, Channel.SMS.value]
    print(f"{'':<26}" + "".join(f"{c:>16}" for c in columns))
    for step in steps[FANOUT]:
        cells = "".join(cell(step, steps[c][step], 16) for c in columns)
        print(f"{step:<26}{cells}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--latency", type=float, default=LATENCY)
    parser.add_argument(
        "--next-phase-sms",
        action="store_true",
        help="every crisis's next phases on SMS only: the same next draft after each approval",
    )
    arguments = parser.parse_args()
    later = [Channel.SMS] if arguments.next_phase_sms else None
    asyncio.run(main(arguments.runs, arguments.latency, later))
    leave(0)
