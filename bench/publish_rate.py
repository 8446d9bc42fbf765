"""Publishing at a platform's limit: 100 crises approved at once, every post through one
Mastodon account, its rate limit enforced by the Mastodon fake as Mastodon enforces it.

Run: .venv/bin/python -m bench.publish_rate [--crises 100] [--requests 30] [--per 15]
     [--answers retry-after|mastodon]

Mastodon allows 300 requests a token per 5 minutes, counted in fixed windows aligned on the
clock (rack-attack), and answers the 301st with 429 and ``X-RateLimit-Reset`` (the window's
end). Run at that scale, 300 posts would take 5 minutes a window; the bench scales it: the fake
allows ``--requests`` per ``--per`` seconds (its fixed windows), and the account in the accounts
file says the same (``rate: {requests: R, per: Ss}``), so tocsin's token bucket holds R tokens
refilled at R/S a second. ``--answers retry-after`` (the default): the 429 also says
``Retry-After`` (seconds to the window's end); ``mastodon``: only the headers Mastodon sends.

The crises are of the public service outage playbook (French, German, English: three posts
each), their statements narrowed to Mastodon. All are triggered, then, once every one awaits
approval, approved at once (at most 64 decisions in flight). The figures:
- lost or doubled: every post's idempotency key on the fake exactly once, one status each, and
  every crisis's deliveries published with the fake's status ids;
- the share of the allowed rate used: posts accepted / (R + R/S * span), where span runs from
  the first accepted post's arrival to the last's: what a client holding the whole budget at the
  start and spending it as it comes back could have posted in that time;
- 429s answered, and the posts accepted in each of the fake's windows.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from temporalio.client import Client

from bench.mass_crisis import approval_asked, gathered
from bench.publish_rig import Acks, SlowMastodon, crisis_to, failures, keys_of, loads, worker
from tests.fakemastodon import TOKEN
from tests.helpers import settings_for, signed, status
from tocsin import crises
from tocsin.cli import leave
from tocsin.logs import configure_logging
from tocsin.models import Channel, CrisisInput, DecisionAction, DecisionRequest
from tocsin.models.delivery import DeliveryStatus
from tocsin.temporal import embedded_server, free_port

PLAYBOOK = "panne-service-public"
ACCOUNT = "mairie-mastodon"
TARGET = 0.90


async def main(count: int, requests: int, per: float, answers: str, latency: float) -> None:
    configure_logging("warning")
    print(f"before: {loads()}")
    acks = Acks()
    fake = SlowMastodon(acks, latency)
    fake.budget, fake.period = requests, per
    fake.retry_after_header = answers == "retry-after"
    await fake.start()
    try:
        with tempfile.TemporaryDirectory(prefix="tocsin-rate-") as tmp:
            folder = Path(tmp)
            accounts = folder / "comptes.yml"
            accounts.write_text(
                "accounts:\n"
                f"  {ACCOUNT}: {{kind: mastodon, url: {fake.url}, token_env: MASTODON_TOKEN, "
                f"rate: {{requests: {requests}, per: {per:g}s}}}}\n"
                f"channels:\n  mastodon: [{ACCOUNT}]\n",
                encoding="utf-8",
            )
            settings = settings_for(
                folder,
                f"rate-{uuid.uuid4().hex[:6]}",
                TOCSIN_TRIGGERS_PER_PERSON="100000",
                TOCSIN_TRIGGERS_PER_PLAYBOOK="100000",
            )  # many crises by one person: the bench's point
            async with (
                embedded_server(settings, port=free_port(), ui=False, advertise=False) as server,
                worker(
                    server.address,
                    settings,
                    folder,
                    TOCSIN_ACCOUNTS=str(accounts),
                    MASTODON_TOKEN=TOKEN,
                ),
            ):
                client = server.client
                inputs = [
                    crisis_to(f"rate-{n:03d}", [Channel.MASTODON], playbook=PLAYBOOK)
                    for n in range(count)
                ]
                await gathered(
                    [crises.trigger(client, settings, c, signed(settings)) for c in inputs], 16
                )
                notices = folder / "worker" / "notifications"
                revisions: dict[str, int] = {}
                deadline = time.perf_counter() + 600
                while len(revisions) < count:
                    if time.perf_counter() > deadline:
                        raise TimeoutError(f"{count - len(revisions)} crises never asked approval")
                    for crisis in inputs:
                        cid = crisis.crisis_id
                        if cid not in revisions and (rev := approval_asked(notices, cid)):
                            revisions[cid] = rev
                    await asyncio.sleep(0.25)
                print(f"{count} crises await approval; {loads()}", flush=True)
                keys = {
                    key: crisis.crisis_id
                    for crisis in inputs
                    for key in keys_of(
                        crisis, revisions[crisis.crisis_id], {Channel.MASTODON: ACCOUNT}
                    )
                }
                began = time.perf_counter()
                await gathered(
                    [
                        crises.decide(
                            client,
                            cid,
                            DecisionRequest(
                                person="dominique", revision=rev, action=DecisionAction.APPROVE
                            ),
                            signed(settings),
                        )
                        for cid, rev in revisions.items()
                    ]
                )
                approved = time.perf_counter() - began
                expected = len(keys) / requests * per + 2 * per
                await acks.all_of(keys, within=max(120.0, 3 * expected))
                await asyncio.sleep(2 * latency + 1)  # a late duplicate would show now
                lost = await deliveries_check(client, fake, inputs, keys)
            failed = failures(folder / "worker.log")
    finally:
        await fake.stop()
    report(fake, keys, acks, requests, per, approved, lost)
    print(f"failed tries in the worker's log: {dict(failed) or 'none'}")
    print(f"after: {loads()}")


async def deliveries_check(
    client: Client, fake: SlowMastodon, inputs: list[CrisisInput], keys: dict[str, str]
) -> list[str]:
    """What is wrong: keys not on the fake, keys on it twice, deliveries not published or not
    naming a status of the fake."""
    wrong: list[str] = []
    on_fake = Counter(key for (_user, key) in fake.keys)
    for key in keys:
        if on_fake[key] != 1:
            wrong.append(f"{key}: {on_fake[key]} times on the fake")
    if len(fake.statuses) != len(keys):
        wrong.append(f"{len(fake.statuses)} statuses for {len(keys)} posts")
    for crisis in inputs:
        found = await status(client, crisis.crisis_id)
        for delivery in found.deliveries:
            if delivery.status is not DeliveryStatus.PUBLISHED:
                wrong.append(f"{crisis.crisis_id} {delivery.language}: {delivery.status}")
            elif delivery.remote_id not in fake.statuses:
                wrong.append(f"{crisis.crisis_id} {delivery.language}: unknown status")
    return wrong


def report(
    fake: SlowMastodon,
    keys: dict[str, str],
    acks: Acks,
    requests: int,
    per: float,
    approved: float,
    lost: list[str],
) -> None:
    accepted = sorted(fake.accepted)
    span = accepted[-1] - accepted[0]
    allowed = requests + requests / per * span
    share = len(accepted) / allowed
    creates = sum(1 for method, path in fake.calls if method == "POST")
    print(
        f"\n{len(keys)} posts of {len(keys) // max(1, len(set(keys.values())))} languages from "
        f"{len(set(keys.values()))} crises through one account; limit {requests} requests "
        f"per {per:g} s (fixed windows), bucket {requests} per {per:g} s"
    )
    print(f"decisions sent in {approved:.1f} s")
    print(
        f"accepted {len(accepted)}, create requests {creates}, answered 429: {fake.refused}, "
        f"acknowledged twice: {sum(1 for n in acks.count.values() if n > 1)}"
    )
    print(f"lost or doubled: {len(lost)}" + ("" if not lost else f" ({lost[:5]})"))
    print(
        f"span {span:.1f} s; allowed in it {allowed:.0f}; share of the allowed rate used "
        f"{share:.1%} ({'within' if share >= TARGET else 'UNDER'} the {TARGET:.0%} target)"
    )
    first = int(accepted[0] // per)
    windows = Counter(int(at // per) - first for at in accepted)
    print("accepted per window: " + " ".join(str(windows[w]) for w in range(max(windows) + 1)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crises", type=int, default=100)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--per", type=float, default=15.0)
    parser.add_argument("--answers", choices=["retry-after", "mastodon"], default="retry-after")
    parser.add_argument("--latency", type=float, default=0.2)
    arguments = parser.parse_args()
    asyncio.run(
        main(
            arguments.crises,
            arguments.requests,
            arguments.per,
            arguments.answers,
            arguments.latency,
        )
    )
    leave(0)
