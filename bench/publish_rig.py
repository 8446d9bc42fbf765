"""What the publishing benchmarks share: loopback platforms that answer after a set latency and
note when each publication was acknowledged, the accounts file that points a worker at them,
crises whose phase goes to chosen channels, and the worker process.

The platforms are the tests' fakes (tests/fakemastodon.py, tests/webhook_receiver.py, aiosmtpd
as tests/test_publish_mail.py runs it), made slow here: each answers ``latency`` seconds after
it has done the work, and records the idempotency key of the publication it acknowledged (the
``Idempotency-Key`` of a Mastodon post, a webhook's ``webhook-id``, the left part of an
e-mail's ``Message-ID``) with the moment of its answer, on this process's clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from tests.fakemastodon import TOKEN, FakeMastodon
from tests.helpers import LIBRARY, samples
from tests.processes import Process, spawn, tocsin_env
from tests.test_publish_mail import PASSWORD, Smtp, smtp_server
from tests.webhook_receiver import SECRET, Receiver
from tocsin import crises, names
from tocsin.config import Settings
from tocsin.models import Channel, CrisisInput, PhaseName
from tocsin.publish.models import idempotency_key

LATENCY = 0.2  # seconds every fake platform takes to answer
PLAYBOOK = (
    "accident-industriel"  # French only; Mastodon, SMS, FR-Alert, web, press among its channels
)
# Eight channels, each with an account of its own: Mastodon, the press by e-mail, and webhooks
# (an SMS gateway, the FR-Alert operator, the site's CMS, and three operators' intake).
WEBHOOK_CHANNELS = [
    Channel.SMS,
    Channel.CELL_BROADCAST,
    Channel.WEBSITE,
    Channel.FACEBOOK,
    Channel.HOTLINE,
    Channel.RADIO,
]
EIGHT = [Channel.MASTODON, Channel.PRESS_RELEASE, *WEBHOOK_CHANNELS]
KEY = re.compile(rb"tocsin-[0-9a-f]{36}")


def loads() -> str:
    one, five, fifteen = os.getloadavg()
    return (
        f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min), {os.cpu_count()} cores"
    )


@dataclass
class Acks:
    """The first acknowledgement of each publication, by its key (``perf_counter`` seconds)."""

    at: dict[str, float] = field(default_factory=dict)
    count: dict[str, int] = field(default_factory=dict)  # every 2xx answer for the key

    def record(self, key: str | None) -> None:
        if key:
            self.at.setdefault(key, time.perf_counter())
            self.count[key] = self.count.get(key, 0) + 1

    async def all_of(self, keys: Iterable[str], within: float = 120.0) -> float:
        """The moment the last of ``keys`` was acknowledged, once all are."""
        keys = list(keys)
        deadline = time.perf_counter() + within
        while not all(k in self.at for k in keys):
            if time.perf_counter() > deadline:
                missing = [k for k in keys if k not in self.at]
                raise TimeoutError(f"{len(missing)} of {len(keys)} publications not acknowledged")
            await asyncio.sleep(0.002)
        return max(self.at[k] for k in keys)


class SlowMastodon(FakeMastodon):
    """Its clock is ``perf_counter``, so that its rate windows are on the bench's clock."""

    def __init__(self, acks: Acks, latency: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.acks, self.latency = acks, latency
        self.clock = time.perf_counter
        self.accepted: list[float] = []  # when each create answered 200 came in

    async def _create(self, request: web.Request) -> web.StreamResponse:
        came = self.clock()
        answer = await super()._create(request)
        await asyncio.sleep(self.latency)
        if answer.status == 200:
            self.accepted.append(came)
            self.acks.record(request.headers.get("Idempotency-Key"))
        return answer


class SlowReceiver(Receiver):
    def __init__(self, acks: Acks, latency: float) -> None:
        super().__init__()
        self.acks, self.latency = acks, latency

    async def _hook(self, request: web.Request) -> web.StreamResponse:
        answer = await super()._hook(request)
        await asyncio.sleep(self.latency)
        if answer.status == 200:
            self.acks.record(request.headers.get("webhook-id"))
        return answer


@contextlib.contextmanager
def slow_smtp(folder: Path, acks: Acks, latency: float) -> Iterator[Smtp]:
    """aiosmtpd (STARTTLS, AUTH) whose 250 after DATA comes ``latency`` seconds late."""
    folder.mkdir(parents=True, exist_ok=True)
    with smtp_server(folder) as smtp:
        handler = smtp.handler
        accept = handler.handle_DATA

        async def handle_data(server: SMTP, session: Session, envelope: Envelope) -> str:
            said = await accept(server, session, envelope)
            await asyncio.sleep(latency)
            content = envelope.content if isinstance(envelope.content, bytes) else b""
            found = KEY.search(content)
            acks.record(found.group().decode() if found else None)
            return said

        handler.handle_DATA = handle_data  # type: ignore[method-assign]
        yield smtp


@dataclass
class Platforms:
    acks: Acks
    mastodon: SlowMastodon
    receivers: dict[Channel, SlowReceiver]
    smtp: Smtp
    accounts: Path  # the accounts file
    env: dict[str, str]  # the secrets it names

    def account_of(self, channel: Channel) -> str:
        return f"compte-{channel.value.replace('_', '-')}"


@contextlib.asynccontextmanager
async def platforms(
    folder: Path, *, latency: float = LATENCY, rate: str | None = None
) -> AsyncIterator[Platforms]:
    """A slow Mastodon, six slow webhook receivers and a slow SMTP server, and an accounts file
    giving each of the eight channels its own account (``rate``: every account's, instead of
    its kind's default)."""
    acks = Acks()
    mastodon = SlowMastodon(acks, latency)
    receivers = {c: SlowReceiver(acks, latency) for c in WEBHOOK_CHANNELS}
    await mastodon.start()
    for receiver in receivers.values():
        await receiver.start()
    try:
        with slow_smtp(folder / "smtp", acks, latency) as smtp:
            found = Platforms(
                acks,
                mastodon,
                receivers,
                smtp,
                folder / "comptes.yml",
                {"MASTODON_TOKEN": TOKEN, "SMTP_PASSWORD": PASSWORD, "GW_SECRET": SECRET},
            )
            limit = f", rate: {rate}" if rate else ""
            lines = [
                "accounts:",
                f"  {found.account_of(Channel.MASTODON)}: "
                f'{{kind: mastodon, url: "{mastodon.url}", token_env: MASTODON_TOKEN{limit}}}',
                f"  {found.account_of(Channel.PRESS_RELEASE)}:",
                "    {kind: email, host: 127.0.0.1, port: " + str(smtp.port) + ", "
                "username: crise, password_env: SMTP_PASSWORD, "
                f'from: "Préfecture <crise@example.fr>", to: [presse@example.fr], '
                f'ca_file: "{smtp.cert}"{limit}}}',
            ]
            lines += [
                f"  {found.account_of(c)}: "
                f'{{kind: webhook, url: "{r.url}", secret_env: GW_SECRET{limit}}}'
                for c, r in receivers.items()
            ]
            lines += ["channels:"] + [f"  {c.value}: [{found.account_of(c)}]" for c in EIGHT]
            found.accounts.write_text("\n".join(lines) + "\n", encoding="utf-8")
            yield found
    finally:
        await mastodon.stop()
        for receiver in receivers.values():
            await receiver.stop()


def crisis_to(
    key: str,
    channels: list[Channel],
    *,
    playbook: str = PLAYBOOK,
    person: str = "camille",
    later: list[Channel] | None = None,
) -> CrisisInput:
    """A crisis of a bundled playbook whose statements go to ``channels`` only (a phase that
    names its own keeps those of them it names, or all of them if none); with ``later``, the
    phases after the acknowledgement go to those channels instead."""
    loaded = LIBRARY.load(playbook)
    phases = {
        name: spec.model_copy(
            update={"channels": [c for c in spec.channels if c in channels] or channels}
        )
        if spec.channels is not None
        else spec
        for name, spec in loaded.playbook.phases.items()
    }
    everywhere = channels
    if later is not None:
        everywhere = list(dict.fromkeys(channels + later))
        phases = {
            name: spec.model_copy(
                update={"channels": channels if name is PhaseName.ACKNOWLEDGE else later}
            )
            if name is not PhaseName.DETECT
            else spec
            for name, spec in phases.items()
        }
    narrowed = loaded.playbook.model_copy(update={"channels": everywhere, "phases": phases})
    loaded = type(loaded)(playbook=narrowed, file=loaded.file, doc=loaded.doc)
    return crises.build_input(
        loaded,
        LIBRARY.template_folders,
        samples(playbook),
        key=key,
        person=person,
        exercise=False,
        max_history_events=1500,
    )


def keys_of(
    crisis: CrisisInput,
    revision: int,
    accounts: dict[Channel, str],
    phase: PhaseName = PhaseName.ACKNOWLEDGE,
) -> dict[str, Channel]:
    """The idempotency keys of one approved phase's posts (one a channel and language), with
    their channels."""
    return {
        idempotency_key(crisis.crisis_id, phase, 0, revision, channel, language, account): channel
        for channel, account in accounts.items()
        if channel in crisis.playbook.statement_templates(phase)
        for language in crisis.playbook.languages
    }


@contextlib.asynccontextmanager
async def worker(
    address: str, settings: Settings, folder: Path, **env: str
) -> AsyncIterator[Process]:
    """One `tocsin worker` process, as deployed, with ``env`` besides (accounts, secrets)."""
    full = tocsin_env(
        folder / "worker",
        TEMPORAL_ADDRESS=address,
        TOCSIN_TASK_QUEUE=settings.task_queue,
        TOCSIN_OUTBOX=str(settings.outbox),
        TOCSIN_LOG_LEVEL="warning",
        **env,
    )
    process = await spawn(["worker"], full, folder / "worker.log")
    try:
        await process.wait_for_output("Worker prêt", within=120)
        yield process
    finally:
        await process.stop()


async def steps(client: Client, cid: str, wall: float) -> dict[str, list[float]]:
    """Seconds from ``wall`` (the epoch's) to each activity's scheduling, start and completion
    in the crisis's history (the server's clock, to the millisecond): ``"<activity> started"``
    and so on, each a list in the order of history."""
    marks: dict[str, list[float]] = defaultdict(list)
    kinds: dict[int, str] = {}
    async for event in client.get_workflow_handle(cid).fetch_history_events():
        at = event.event_time.ToDatetime().timestamp() - wall
        if at < -0.5:
            continue  # before
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            name = event.activity_task_scheduled_event_attributes.activity_type.name
            kinds[event.event_id] = name
            marks[f"{name} scheduled"].append(at)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            started = event.activity_task_started_event_attributes
            name = kinds.get(started.scheduled_event_id, "")
            marks[f"{name} started"].append(at)
            marks[f"{name} attempt"].append(started.attempt)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            name = kinds.get(event.activity_task_completed_event_attributes.scheduled_event_id, "")
            marks[f"{name} completed"].append(at)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
            name = kinds.get(event.activity_task_timed_out_event_attributes.scheduled_event_id, "")
            marks[f"{name} timed out"].append(at)
    return marks


async def publication_steps(client: Client, cid: str, wall: float) -> dict[str, float]:
    """Seconds from the approval (``wall``) to each step of the publication: the outbox files
    (one ``publish_statement`` a channel), the ``route_statement``, the ``post_statement``s."""
    marks = await steps(client, cid, wall)
    post, route, out = names.POST, names.ROUTE, names.PUBLISH
    return {
        "outbox written (last)": max(marks[f"{out} completed"]),
        "route scheduled": min(marks[f"{route} scheduled"]),
        "route completed": min(marks[f"{route} completed"]),
        "posts scheduled (first)": min(marks[f"{post} scheduled"]),
        "posts started (last)": max(marks[f"{post} started"]),
        "posts completed (last)": max(marks[f"{post} completed"]),
        "posts: tries (most)": max(marks[f"{post} attempt"]),
        "next phase's draft scheduled": min(after(marks[f"{names.DRAFT} scheduled"])),
        "next phase's draft completed": min(after(marks[f"{names.DRAFT} completed"])),
    }


def after(moments: list[float]) -> list[float]:
    """The moments after the approval (``nan`` if none)."""
    return [at for at in moments if at >= 0] or [float("nan")]


async def card_steps(client: Client, cid: str, wall: float) -> dict[str, float]:
    """Seconds from the trigger (``wall``) to each step before the approval card: the draft
    (checked in its activity) and the approval request's notice (the first after the draft)."""
    marks = await steps(client, cid, wall)
    drafted = min(marks[f"{names.DRAFT} completed"])
    asked = min(at for at in marks[f"{names.NOTIFY} scheduled"] if at >= drafted)
    return {
        "draft scheduled": min(marks[f"{names.DRAFT} scheduled"]),
        "draft started": min(marks[f"{names.DRAFT} started"]),
        "draft completed": drafted,
        "approval notice scheduled": asked,
        "approval notice completed": min(
            at for at in marks[f"{names.NOTIFY} completed"] if at >= asked
        ),
    }


def failures(log: Path) -> Counter[str]:
    """The worker's failed tries from its log: posts by account and problem (its
    ``statement.post_failed`` lines), other activities by name (the SDK's)."""
    found: Counter[str] = Counter()
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if "statement.post_failed" in line:
            account = re.search(r"account=(\S+)", line)
            problem = re.search(r"problem=(.{0,80})", line)
            said = problem.group(1) if problem else "?"
            found[f"post to {account.group(1) if account else '?'}: {said}"] += 1
        elif "Completing activity as failed" in line:
            kind = re.search(r"'activity_type': '([a-z_]+)'", line)
            found[f"{kind.group(1) if kind else '?'} failed"] += 1
    return found


def cell(step: str, values: list[float], width: int) -> str:
    """A step's median in ms, or for the tries, the most any crisis needed."""
    if step.startswith("posts: tries"):
        return f"{max(values):>{width}.0f}"
    return f"{statistics.median(values) * 1000:>{width}.1f}"
