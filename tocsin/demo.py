"""``tocsin demo``: a whole crisis, start to close, on a throw-away embedded server.

The communicator, the director and the deputy are simulated and say so. They act through the
same functions as the CLI and Slack (Temporal updates checked by the workflow's validators); only
the delays are shortened so that the crisis runs in well under a minute.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from temporalio.client import Client

from tocsin import crises
from tocsin.config import Settings
from tocsin.durations import format_duration
from tocsin.guardrails import warm_up
from tocsin.i18n import t
from tocsin.identity.keys import operator
from tocsin.models import (
    ApprovalPolicy,
    Channel,
    CrisisOutcome,
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    EventKind,
    FactRequest,
    PhaseName,
    Playbook,
    ResolveRequest,
    ReviewPolicy,
    RevisionRequest,
    TextEdit,
    TimelineEvent,
)
from tocsin.outbox import crisis_folder, review_paths
from tocsin.playbook import PlaybookLibrary
from tocsin.review import build_review, fetch_chain
from tocsin.review.report import summary
from tocsin.review.words import Words
from tocsin.temporal import embedded_server, free_port
from tocsin.worker import build_worker

PLAYBOOK = "eau-non-potable"
REMIND = timedelta(seconds=2)
ESCALATE = timedelta(seconds=3)
CADENCE = timedelta(seconds=4)
REVIEW_AFTER = timedelta(seconds=2)
STEP_TIMEOUT = 30.0
INTERIM = ("director", "camille")  # the communicator also stands in for the director


class DemoStuck(Exception):
    pass


def accelerate(playbook: Playbook) -> Playbook:
    """The same playbook with demo delays (every gate reminds, escalates and falls due fast),
    and the communicator standing in for the director (``INTERIM``): she holds the role that
    approves, and the workflow still refuses her own drafts (four eyes)."""
    phases = {}
    for name, spec in playbook.phases.items():
        approval = spec.approval
        if approval is not None:
            approval = ApprovalPolicy(
                approvers=approval.approvers,
                remind_every=REMIND,
                escalate_after=ESCALATE,
                deadline=timedelta(seconds=30) if approval.deadline else None,
            )
        phases[name] = spec.model_copy(
            update={
                "approval": approval,
                "cadence": CADENCE if spec.cadence else None,
            }
        )
    review = ReviewPolicy(after=REVIEW_AFTER, cadence_tolerance=CADENCE / 2)
    role, person = INTERIM
    roles = {**playbook.roles, role: [*playbook.roles.get(role, []), person]}
    return playbook.model_copy(update={"phases": phases, "review": review, "roles": roles})


def bottled_water(sms: str, commune: str, where: str) -> str:
    """The director's request, done by the author: the explanation SMS says what and where, and
    where to find bottled water, in place of the cause; its contact and next update stay. Short
    enough for the SMS's three segments, even in UCS-2."""
    _, contact, tail = sms.rpartition(" Infos")
    corrected = (
        f"EXERCICE - Eau du robinet non potable à {commune}. Eau en bouteille : {where}."
        + (contact + tail if contact else "")
    )
    if corrected == sms:
        raise DemoStuck(t("demo.no_edit"))
    return corrected


def say(who: str, what: str) -> None:
    click.echo(t("demo.sim", who=who, what=what))


async def wait_for(
    client: Client, crisis_id: str, what: str, check: Callable[[CrisisStatus], bool]
) -> CrisisStatus:
    deadline = time.monotonic() + STEP_TIMEOUT
    while True:
        current = await crises.status(client, crisis_id, events=False)
        if check(current):
            return current
        if time.monotonic() > deadline:
            raise DemoStuck(t("demo.stuck", what=what, seconds=int(STEP_TIMEOUT)))
        await asyncio.sleep(0.1)


def _awaiting(phase: PhaseName, sequence: int = 0) -> Callable[[CrisisStatus], bool]:
    return lambda s: s.state == "awaiting_approval" and s.phase is phase and s.sequence == sequence


async def _script(client: Client, settings: Settings, library: PlaybookLibrary) -> CrisisOutcome:
    loaded = library.load(PLAYBOOK)
    playbook = accelerate(loaded.playbook)
    loaded = type(loaded)(playbook=playbook, file=loaded.file, doc=loaded.doc)
    samples = {k: str(v) for k, v in playbook.sample_parameters().items()}
    crisis = crises.build_input(
        loaded,
        library.template_folders,
        samples,
        key="demo",
        person="camille",
        exercise=True,
        max_history_events=settings.max_history_events,
        guardrails=library.guardrail_settings(),
    ).model_copy(update={"announce_step": timedelta(seconds=1)})
    name = playbook.person_name
    params = crisis.params
    words = Words(zone=playbook.timezone)
    say(name("camille"), t("demo.triggers", title=playbook.title, commune=params["commune"]))
    # The demo acts for its people from the command line: the operator's key, made on first
    # run in the data folder, signs every change, with the reason recorded.
    by = operator(settings.data_dir, reason=t("demo.reason"))
    await crises.trigger(client, settings, crisis, by)
    cid = crisis.crisis_id

    async def decide(person: str, status: CrisisStatus, action: DecisionAction, **kw: str) -> None:
        assert status.revision is not None
        await crises.decide(
            client,
            cid,
            DecisionRequest(person=person, revision=status.revision, action=action, **kw),
            by,
        )

    def announce(status: CrisisStatus) -> None:
        who = ", ".join(name(p) for pending in status.pending for p in pending.people)
        assert status.phase is not None
        click.echo(
            t(
                "demo.drafted",
                revision=status.revision,
                phase=words.phase(status.phase, status.sequence),
                who=who,
            )
        )

    async def published(phase: PhaseName, sequence: int = 0) -> None:
        done = await wait_for(
            client,
            cid,
            f"publication {phase.value}",
            lambda s: any(p.phase is phase and p.sequence == sequence for p in s.publications),
        )
        count = sum(1 for p in done.publications if p.phase is phase and p.sequence == sequence)
        click.echo(t("demo.published", phase=words.phase(phase, sequence), count=count))

    # Acknowledge: the author, who stands in for the director, may not approve her own draft;
    # the director is away, so the gate escalates to the deputy.
    ack = await wait_for(client, cid, "acknowledge", _awaiting(PhaseName.ACKNOWLEDGE))
    announce(ack)
    say(name("camille"), t("demo.self_try", revision=ack.revision, role=words.role(INTERIM[0])))
    try:
        await decide("camille", ack, DecisionAction.APPROVE)
    except crises.Refused as refusal:
        click.echo("    " + t("demo.refused", reason=refusal.localized()))
    say(name("dominique"), t("demo.away"))
    escalated = await wait_for(
        client, cid, "escalation", lambda s: any(p.role == "deputy_director" for p in s.pending)
    )
    click.echo(t("demo.escalated", role=words.role("deputy_director"), who=name("sacha")))
    say(
        name("sacha"),
        t(
            "demo.approves",
            revision=escalated.revision,
            phase=words.phase(PhaseName.ACKNOWLEDGE),
        ),
    )
    await decide("sacha", escalated, DecisionAction.APPROVE)
    await published(PhaseName.ACKNOWLEDGE)

    # Explain: one round of changes.
    explain = await wait_for(client, cid, "explain", _awaiting(PhaseName.EXPLAIN))
    announce(explain)
    comment = (
        "Le SMS doit dire quoi, où, et où trouver de l’eau en bouteille ; la cause peut attendre."
    )
    say(name("dominique"), t("demo.requests", revision=explain.revision, comment=comment))
    await decide("dominique", explain, DecisionAction.REQUEST_CHANGES, comment=comment)
    sms = explain.draft.text_for(Channel.SMS, "fr") if explain.draft else None
    assert sms is not None
    corrected = bottled_water(sms, str(params["commune"]), str(params["lieu_distribution"]))
    say(name("camille"), t("demo.revises"))
    assert explain.revision is not None
    await crises.revise(
        client,
        cid,
        RevisionRequest(
            person="camille",
            base_revision=explain.revision,
            edits=[TextEdit(channel=Channel.SMS, language="fr", text=corrected)],
            note=comment,
        ),
        by,
    )
    explain2 = await wait_for(
        client,
        cid,
        "explain r2",
        lambda s: _awaiting(PhaseName.EXPLAIN)(s) and (s.revision or 0) > (explain.revision or 0),
    )
    announce(explain2)
    say(
        name("dominique"),
        t("demo.approves", revision=explain2.revision, phase=words.phase(PhaseName.EXPLAIN)),
    )
    await decide("dominique", explain2, DecisionAction.APPROVE)
    await published(PhaseName.EXPLAIN)

    # Solutions, with a fact that the next statements carry.
    fact = "Les résultats de l’analyse de 14 h sont attendus demain matin."
    say(name("camille"), t("demo.fact", fact=fact))
    await crises.add_fact(client, cid, FactRequest(person="camille", text=fact), by)
    solutions = await wait_for(client, cid, "solutions", _awaiting(PhaseName.SOLUTIONS))
    announce(solutions)
    say(
        name("dominique"),
        t("demo.approves", revision=solutions.revision, phase=words.phase(PhaseName.SOLUTIONS)),
    )
    await decide("dominique", solutions, DecisionAction.APPROVE)
    await published(PhaseName.SOLUTIONS)

    # One follow-up at the announced time, then resolution and the closing statement.
    waiting = await wait_for(client, cid, "follow_up", lambda s: s.next_update_at is not None)
    assert waiting.next_update_at is not None
    local = waiting.next_update_at.astimezone(ZoneInfo(playbook.timezone))
    click.echo(t("demo.waiting", at=f"{local:%H:%M:%S}"))
    follow = await wait_for(client, cid, "follow_up-01", _awaiting(PhaseName.FOLLOW_UP, 1))
    announce(follow)
    say(
        name("dominique"),
        t("demo.approves", revision=follow.revision, phase=words.phase(PhaseName.FOLLOW_UP, 1)),
    )
    await decide("dominique", follow, DecisionAction.APPROVE)
    await published(PhaseName.FOLLOW_UP, 1)
    say(name("camille"), t("demo.resolves"))
    await crises.resolve(
        client,
        cid,
        ResolveRequest(person="camille", summary="Les analyses de contrôle sont conformes."),
        by,
    )
    close = await wait_for(client, cid, "close", _awaiting(PhaseName.CLOSE))
    announce(close)
    say(
        name("dominique"),
        t("demo.approves", revision=close.revision, phase=words.phase(PhaseName.CLOSE)),
    )
    await decide("dominique", close, DecisionAction.APPROVE)
    outcome: CrisisOutcome = await client.get_workflow_handle(
        cid, result_type=CrisisOutcome
    ).result()
    return outcome


def _event_detail(event: TimelineEvent, words: Words) -> str:
    """An event's detail in words: an action, a role, a channel, never their codes."""
    detail = event.detail
    if event.kind is EventKind.DECIDED:
        code, _, comment = detail.partition(": ")
        if code in {a.value for a in DecisionAction}:
            said = words.action(DecisionAction(code))
            return f"{said} : {comment}" if comment else said
    if event.kind is EventKind.ESCALATED:
        return words.role(detail)
    if event.kind is EventKind.DRAFTED and detail == "edited":
        return t("demo.edited")
    if event.kind in (EventKind.CLOSED, EventKind.REVIEWED, EventKind.NOTIFIED):
        return ""  # the review's files are listed below; the notices are in the outbox
    return detail


def _same_statement(first: TimelineEvent, event: TimelineEvent) -> bool:
    """``event`` publishes the same statement as ``first``, on another channel."""
    return event.kind is EventKind.PUBLISHED and (event.phase, event.sequence, event.revision) == (
        first.phase,
        first.sequence,
        first.revision,
    )


def _print_timeline(status: CrisisStatus, names: Callable[[str], str], words: Words) -> None:
    """The crisis's timeline from its status, in words: one line for each statement's
    publication on all its channels."""
    click.echo("")
    click.echo(t("demo.timeline"))
    events = [e for e in status.events if e.kind is not EventKind.NOTIFIED]
    index = 0
    while index < len(events):
        event = events[index]
        offset = (event.at - status.detected_at).total_seconds()
        where = words.phase(event.phase, event.sequence) if event.phase else ""
        rev = f" r{event.revision}" if event.revision else ""
        who = f" {names(event.person)}" if event.person else ""
        detail = _event_detail(event, words)
        if event.kind is EventKind.PUBLISHED:
            same = list(
                itertools.takewhile(functools.partial(_same_statement, event), events[index:])
            )
            channels: list[str] = []
            for item in same:
                code = item.detail.rsplit(".", 1)[0]
                if code in {c.value for c in Channel}:
                    label = words.channel(Channel(code))
                    if label not in channels:
                        channels.append(label)
            detail = t("demo.published_on", count=len(channels), channels=", ".join(channels))
            index += len(same)
        else:
            index += 1
        detail = f" — {detail}" if detail else ""
        click.echo(
            f"  +{offset:5.1f} s  {t('event.' + event.kind.value):<20} {where}{rev}{who}{detail}"
        )


def _print_outbox(root: Path) -> None:
    click.echo("")
    click.echo(t("demo.outbox", path=root))
    for file in sorted(root.rglob("*")):
        depth = len(file.relative_to(root).parts) - 1
        suffix = "/" if file.is_dir() else f"  ({file.stat().st_size} o)"
        click.echo(f"  {'  ' * depth}{file.name}{suffix}")


async def run_demo(settings: Settings, keep: Path | None) -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tocsin-demo-") as scratch:
        base = keep or Path(scratch)
        base.mkdir(parents=True, exist_ok=True)
        demo_settings = settings.model_copy(
            update={
                "data_dir": base,
                "database": base / "temporal.sqlite",
                "outbox": base / "outbox",
                "task_queue": "tocsin-demo",
            }
        )
        library = PlaybookLibrary(
            settings.playbook_folders, settings.template_folders, settings.channels_file
        )
        click.echo(
            t(
                "demo.intro",
                db=demo_settings.database,
                remind=format_duration(REMIND),
                escalate=format_duration(ESCALATE),
                cadence=format_duration(CADENCE),
            )
        )
        # The language models load while the server starts: the first draft does not wait.
        models = asyncio.create_task(asyncio.to_thread(warm_up))
        async with embedded_server(
            demo_settings, port=free_port(), ui_port=free_port(), advertise=False, ui=False
        ) as server:
            await models
            async with build_worker(server.client, demo_settings):
                outcome = await _script(server.client, demo_settings, library)
                final = await crises.status(server.client, outcome.crisis_id)
                review = build_review(await fetch_chain(server.client, outcome.crisis_id))
        playbook = library.load(PLAYBOOK).playbook
        _print_timeline(final, playbook.person_name, Words(zone=playbook.timezone))
        root = crisis_folder(demo_settings.outbox, outcome.crisis_id, exercise=True)
        _print_outbox(root)
        sample = next(iter(sorted(root.glob("2-*/sms.fr.txt"))), None)
        if sample is not None:
            click.echo("")
            click.echo(t("demo.sample", path=sample.relative_to(root)))
            click.echo("  " + sample.read_text(encoding="utf-8"))
        click.echo("")
        click.echo(
            t(
                "demo.done",
                seconds=time.monotonic() - started,
                publications=outcome.publications,
                decisions=outcome.decisions,
            )
        )
        click.echo("")
        click.echo(summary(review))
        report = review_paths(demo_settings.outbox, outcome.crisis_id, exercise=True).html
        click.echo(t("review.stored", path=report))
        if keep:
            click.echo(t("demo.kept", path=keep))
        else:
            click.echo(t("demo.temporary"))
