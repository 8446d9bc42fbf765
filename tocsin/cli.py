"""The ``tocsin`` command line. Messages in French, or English with TOCSIN_LANG=en.

Every user mistake ends in one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

import click
import yaml
from pydantic import ValidationError
from slack_sdk.web.async_client import AsyncWebClient
from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError
from temporalio.worker import Worker

from tocsin import crises, tracing
from tocsin.codec import serving
from tocsin.config import Settings, SettingsError
from tocsin.i18n import invalid_input, language, t
from tocsin.logs import configure_logging
from tocsin.memory import limit_arenas, release_after_work, settle_start
from tocsin.metrics import MetricsAddressError, bind_address
from tocsin.models import (
    CancelRequest,
    Channel,
    CrisisStatus,
    DecisionAction,
    DecisionRequest,
    FactRequest,
    Finding,
    PhaseName,
    ResolveRequest,
    RevisionRequest,
    Severity,
    TextEdit,
    phase_label,
)
from tocsin.playbook import ParameterProblems, PlaybookError, PlaybookLibrary
from tocsin.slack.notifier import kept_alive
from tocsin.slack.run import slack_app
from tocsin.slack.settings import SlackSettings
from tocsin.temporal import (
    BinaryMissing,
    ServerUnavailable,
    address_for,
    connect,
    embedded_server,
    port_is_free,
)
from tocsin.tracing import TracingUnavailable
from tocsin.worker import build_worker

P = ParamSpec("P")
T = TypeVar("T")


class UserError(click.ClickException):
    """A mistake the user can fix: printed as one line, exit code 1."""

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(f"{t('err.prefix')} {self.message}", err=True)


class Unchecked(UserError):
    """``tocsin check`` could not check the text: exit code 3, apart from its findings' 0-2."""

    exit_code = 3


class UnknownPlaybook(Exception):
    def __init__(self, name: str, available: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.available = available


def _translate(exc: BaseException) -> UserError | None:
    """The message a person reads for an error tocsin knows how to explain."""
    if isinstance(exc, ServerUnavailable):
        return UserError(t("err.no_server", address=exc.address))
    if isinstance(exc, crises.UnknownCrisis):
        return UserError(t("err.unknown_crisis", crisis=exc.crisis))
    if isinstance(exc, crises.Refused):
        return UserError(t("err.refused", reason=exc.localized()))
    if isinstance(exc, crises.ClosedCrisisExists):
        return UserError(t("trigger.closed_exists", crisis=exc.crisis))
    if isinstance(exc, UnknownPlaybook):
        return UserError(
            t("err.unknown_playbook", name=exc.name, available=", ".join(exc.available) or "-")
        )
    if isinstance(exc, PlaybookError):
        lines = [t("playbook.invalid")] + [f"  {problem}" for problem in exc.problems]
        return UserError("\n".join(lines))
    if type(exc).__name__ == "DemoStuck":
        return UserError(str(exc))
    if isinstance(exc, MetricsAddressError | TracingUnavailable):
        return UserError(str(exc))
    if isinstance(exc, ValidationError):
        return UserError(invalid_input(exc))
    if isinstance(exc, SettingsError):
        return UserError(
            t("err.setting", name=exc.name, raw=exc.raw, lowest=exc.lowest, highest=exc.highest)
        )
    if isinstance(exc, BinaryMissing):
        return UserError(t("err.binary", path=exc.looked))
    if isinstance(exc, WorkflowUpdateRPCTimeoutOrCancelledError):
        return UserError(t("err.timeout", what="update"))
    if isinstance(exc, RPCError):
        return UserError(t("err.server", problem=exc.message))
    return None


def friendly(func: Callable[P, T]) -> Callable[P, T]:
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            raise UserError(t("err.interrupted")) from None
        except click.ClickException:
            raise
        except Exception as exc:
            translated = _translate(exc)
            if translated is None:
                raise
            raise translated from None

    return wrapper


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def _settings() -> Settings:
    return Settings.from_env()


def _library(settings: Settings) -> PlaybookLibrary:
    return PlaybookLibrary(
        settings.playbook_folders,
        settings.template_folders,
        settings.channels_file,
        settings.guardrails_file,
    )


def _person(value: str | None) -> str:
    person = value or os.environ.get("TOCSIN_USER")
    if not person:
        raise UserError(t("err.no_person"))
    return person


def _params(raw: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in raw:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UserError(t("err.bad_param", raw=item))
        values[name.strip()] = value
    return values


def _edits(raw: tuple[str, ...]) -> list[TextEdit]:
    edits: list[TextEdit] = []
    for item in raw:
        target, sep, text = item.partition("=")
        channel, colon, language = target.partition(":")
        if not sep or not colon or channel.strip() not in {c.value for c in Channel}:
            raise UserError(t("err.bad_edit", raw=item[:80]))
        if text.startswith("@"):
            path = Path(text[1:])
            try:
                text = path.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise UserError(
                    t("err.edit_file", path=path, problem=exc.strerror or exc)
                ) from None
        if not text.strip():
            raise UserError(t("err.bad_edit", raw=item[:80]))
        edits.append(
            TextEdit(channel=Channel(channel.strip()), language=language.strip(), text=text)
        )
    return edits


def _param_problems(playbook_id: str, exc: ParameterProblems, expected: list[str]) -> NoReturn:
    lines: list[str] = []
    if exc.missing:
        lines.append(t("err.missing_params", playbook=playbook_id, names=", ".join(exc.missing)))
    for name in exc.unknown:
        lines.append(
            t("err.param_unknown", name=name, playbook=playbook_id, expected=", ".join(expected))
        )
    for name, kind, problem in exc.invalid:
        lines.append(t("err.param_invalid", name=name, type=kind, problem=problem))
    raise UserError("\n".join(lines))


async def _with_client(settings: Settings, action: Callable[[Client], Awaitable[T]]) -> T:
    client = await connect(settings)
    return await action(client)


def _local(moment: datetime | None, zone: str = "Europe/Paris") -> str:
    if moment is None:
        return "-"
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


# --------------------------------------------------------------------------- the group


@click.group(help=t("app.help"), context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", "-v", is_flag=True, help="Journaux détaillés / verbose logs.")
def cli(verbose: bool) -> None:
    configure_logging("debug" if verbose else os.environ.get("TOCSIN_LOG_LEVEL", "warning"))


as_option = click.option("--as", "person", metavar="PERSONNE", help=t("help.as"))
json_option = click.option("--json", "as_json", is_flag=True, help=t("help.json"))


# --------------------------------------------------------------------------- servers


def _slack(*, app: bool = True) -> SlackSettings | None:
    """Slack's settings when SLACK_BOT_TOKEN is set; a clear error when something is missing
    (workers that only post need less than the app that receives clicks)."""
    try:
        slack = SlackSettings.from_env()
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if slack is not None and slack.problems(app=app):
        raise UserError(t("slack.incomplete", problems="; ".join(slack.problems(app=app))))
    return slack


async def _with_slack(
    slack: SlackSettings | None,
    client: Client,
    body: Callable[[], Awaitable[object]],
    settings: Settings,
    api: AsyncWebClient | None = None,
) -> None:
    """Run ``body`` with the Slack app alongside it when Slack is configured (through ``api``,
    the Web API client the worker uses too, when given)."""
    if slack is None:
        await body()
        return
    async with slack_app(
        slack, client, client=api, settings=settings, library=_library(settings)
    ) as where:
        click.echo(t("slack.ready", where=where))
        await body()


@contextlib.asynccontextmanager
async def _slack_api(slack: SlackSettings | None) -> AsyncIterator[AsyncWebClient | None]:
    """One Web API client for the process, its connections kept alive; None without Slack."""
    if slack is None:
        yield None
        return
    async with kept_alive(slack) as api:
        yield api


@contextlib.contextmanager
def _stop_on_signal() -> Iterator[asyncio.Event]:
    """An event that Ctrl-C or SIGTERM sets, for the duration of the block."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        yield stop
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


async def _run_until_signal(worker: Worker, settings: Settings) -> None:
    """Run the worker until Ctrl-C or SIGTERM; then let running tasks finish and stop. The
    objects of the start are kept out of the collector's passes, and the memory a burst of work
    freed goes back to the system meanwhile (tocsin.memory)."""
    with _stop_on_signal() as stop:
        settle_start()
        running = asyncio.ensure_future(worker.run())
        waiter = asyncio.ensure_future(stop.wait())
        releasing = asyncio.ensure_future(release_after_work()) if settings.release_memory else None
        try:
            await asyncio.wait({running, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            if releasing is not None:
                releasing.cancel()
    if running.done():
        running.result()  # a worker that stopped on its own: surface why
        return
    click.echo(t("up.stopping"))
    await worker.shutdown()
    with contextlib.suppress(asyncio.CancelledError):
        await running


@cli.command(help=t("help.up"))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help=t("help.db"))
@friendly
def up(db: Path | None) -> None:
    configure_logging(os.environ.get("TOCSIN_LOG_LEVEL", "info"))
    settings = _settings()
    limit_arenas(settings.malloc_arenas)  # before the SDK's runtime starts its threads
    if settings.temporal_address:
        click.echo(t("worker.external", address=settings.temporal_address))
        run(_worker(settings))
        return
    for port in (settings.embedded_port, settings.ui_port):
        if not port_is_free(port):
            raise UserError(t("err.port_busy", port=port))

    slack = _slack()

    async def main() -> None:
        # The UI's codec endpoint, on a free loopback port, for the UI's own origins only.
        origins = [f"http://{host}:{settings.ui_port}" for host in ("127.0.0.1", "localhost")]
        async with (
            serving("127.0.0.1", 0, origins) as codec,
            embedded_server(settings, database=db, metrics=True, codec=codec) as server,
            _slack_api(slack) as api,
        ):
            worker = build_worker(server.client, settings, slack=slack, slack_client=api)
            click.echo(t("up.ready", address=server.address, ui=server.ui, db=server.database))
            _metrics_line(settings)
            await _with_slack(
                slack, server.client, lambda: _run_until_signal(worker, settings), settings, api
            )
        click.echo(t("up.stopped"))

    run(main())


def _metrics_line(settings: Settings) -> None:
    if settings.metrics:
        click.echo(t("metrics.ready", address=bind_address(settings.metrics)))


async def _worker(settings: Settings, *, with_app: bool = True) -> None:
    slack = _slack(app=with_app)
    client = await connect(settings, metrics=True)
    async with _slack_api(slack) as api:
        worker = build_worker(client, settings, slack=slack, slack_client=api)
        click.echo(t("worker.ready", address=address_for(settings), queue=settings.task_queue))
        _metrics_line(settings)
        await _with_slack(
            slack if with_app else None,
            client,
            lambda: _run_until_signal(worker, settings),
            settings,
            api,
        )
    click.echo(t("up.stopped"))


async def _slack_alone(settings: Settings) -> None:
    slack = _slack()
    if slack is None:
        raise UserError(t("slack.not_configured"))
    client = await connect(settings, metrics=True)
    _metrics_line(settings)
    with _stop_on_signal() as stop:
        await _with_slack(slack, client, stop.wait, settings)
    click.echo(t("up.stopped"))


@cli.command(name="slack", help=t("help.slack"))
@friendly
def slack_command() -> None:
    configure_logging(os.environ.get("TOCSIN_LOG_LEVEL", "info"))
    run(_slack_alone(_settings()))


@cli.command(help=t("help.codec"))
@click.option("--host", default="127.0.0.1", show_default=True, help=t("help.codec_host"))
@friendly
def codec(host: str) -> None:
    configure_logging(os.environ.get("TOCSIN_LOG_LEVEL", "info"))
    settings = _settings()
    if not settings.codec_origins:
        raise UserError(t("codec.no_origins"))

    async def main() -> None:
        where = f"{host}:{settings.codec_port}"
        async with contextlib.AsyncExitStack() as stack:
            try:
                url = await stack.enter_async_context(
                    serving(host, settings.codec_port, settings.codec_origins)
                )
            except OSError as exc:
                raise UserError(t("codec.cannot_listen", where=where, why=exc.strerror)) from None
            click.echo(t("codec.ready", url=url, origins=", ".join(settings.codec_origins)))
            with _stop_on_signal() as stop:
                await stop.wait()
        click.echo(t("up.stopped"))

    run(main())


@cli.command(help=t("help.worker"))
@friendly
def worker() -> None:
    configure_logging(os.environ.get("TOCSIN_LOG_LEVEL", "info"))
    settings = _settings()
    limit_arenas(settings.malloc_arenas)  # before the SDK's runtime starts its threads
    # Workers post to Slack; the app that receives clicks runs in `tocsin up` or `tocsin slack`.
    run(_worker(settings, with_app=False))


# --------------------------------------------------------------------------- crises


@cli.command(help=t("help.trigger"))
@click.argument("playbook")
@click.option("--param", "-p", "params", multiple=True, metavar="NOM=VALEUR", help=t("help.param"))
@click.option("--key", "-k", help=t("help.key"))
@click.option("--exercise", is_flag=True, help=t("help.exercise"))
@as_option
@json_option
@friendly
def trigger(
    playbook: str,
    params: tuple[str, ...],
    key: str | None,
    exercise: bool,
    person: str | None,
    as_json: bool,
) -> None:
    settings = _settings()
    library = _library(settings)
    who = _person(person)
    if library.find(playbook) is None:
        raise UnknownPlaybook(playbook, list(library.files()))
    loaded = library.load(playbook)
    pb = loaded.playbook
    if who not in pb.people:
        raise UserError(
            t("err.unknown_person", person=who, playbook=pb.id, known=", ".join(pb.people))
        )
    try:
        crisis = crises.build_input(
            loaded,
            library.template_folders,
            _params(params),
            key=key or crises.default_key(pb.timezone),
            person=who,
            exercise=exercise,
            max_history_events=settings.max_history_events,
            guardrails=library.guardrail_settings(),
        )
    except ParameterProblems as exc:
        _param_problems(pb.id, exc, [p.name for p in pb.parameters])
    result = run(_with_client(settings, lambda c: crises.trigger(c, settings, crisis)))
    if as_json:
        _json({"crisis_id": result.crisis_id, "existing": result.existing})
        return
    message = "trigger.existing" if result.existing else "trigger.started"
    click.echo(t(message, crisis=result.crisis_id))


@cli.command("list", help=t("help.list"))
@json_option
@friendly
def list_command(as_json: bool) -> None:
    settings = _settings()
    found = run(_with_client(settings, crises.list_crises))
    if as_json:
        _json([item.__dict__ for item in found])
        return
    if not found:
        click.echo(t("list.none"))
        return
    click.echo(t("list.header"))
    for item in found:
        title = f"{item.title} [{t('status.exercise')}]" if item.exercise else item.title
        click.echo(
            f"{item.crisis_id}\t{t('state.' + item.status)}\t{_local(item.started)}\t{title}"
        )


SEVERITY_MARK = {Severity.BLOCKING: ("⛔", "red"), Severity.WARNING: ("⚠", "yellow")}


def _print_findings(findings: list[Finding], indent: str = "    ") -> None:
    """Each finding: its rule, the words it points at, what is wrong and how to fix it."""
    lang = language()
    for item in findings:
        mark, colour = SEVERITY_MARK[item.severity]
        message, fix = item.text(lang)
        where = f" « {item.excerpt[:60]} »" if item.excerpt and item.end > item.start else ""
        click.echo(
            click.style(f"{indent}{mark} {item.rule}", fg=colour, bold=True)
            + click.style(f" [{item.start}-{item.end}]{where}", fg=colour)
            + f" {message}"
        )
        if fix:
            click.echo(f"{indent}   → {fix}")


def _print_status(status: CrisisStatus, *, texts: bool, zone: str) -> None:
    def at(moment: datetime | None) -> str:
        return _local(moment, zone)

    title = status.title + (f" [{t('status.exercise')}]" if status.exercise else "")
    click.echo(t("status.title", crisis=status.crisis_id, title=title))
    click.echo(t("status.state", state=t(f"state.{status.state}")))
    click.echo(t("status.detected", at=at(status.detected_at)))
    if status.phase is not None and status.revision is not None:
        click.echo(
            t(
                "status.phase",
                phase=phase_label(status.phase, status.sequence),
                revision=status.revision,
                author=status.author_name or status.author,
            )
        )
    elif status.phase is not None:
        click.echo(t("status.phase_only", phase=phase_label(status.phase, status.sequence)))
    if status.pending:
        who = "; ".join(
            f"{p.role} ({', '.join(p.names or p.people) or '-'})" for p in status.pending
        )
        click.echo(t("status.pending", who=who))
    if status.change_comment:
        click.echo(t("status.change_comment", comment=status.change_comment))
    if status.deadline is not None:
        late = t("status.late") if status.deadline_missed else ""
        click.echo(t("status.deadline", at=at(status.deadline), late=late))
    if status.next_reminder_at is not None:
        click.echo(t("status.reminder", at=at(status.next_reminder_at)))
    if status.next_escalation_at is not None:
        click.echo(t("status.escalation", at=at(status.next_escalation_at)))
    if status.next_update_at is not None and status.state not in ("closed", "cancelled"):
        click.echo(t("status.next_update", at=at(status.next_update_at)))
    if status.resolved:
        click.echo(t("status.resolved"))
    if status.review_at is not None:
        click.echo(t("review.at", at=at(status.review_at)))
    if status.notices_pending:
        click.echo(t("status.notices_pending", count=status.notices_pending))
    if texts and status.draft is not None:
        click.echo("")
        click.echo(t("status.texts", revision=status.draft.revision))
        for item in status.draft.texts:
            click.echo(f"  [{item.channel.value}:{item.language}] ({len(item.text)})")
            for line in item.text.splitlines():
                click.echo(f"    {line}")
            _print_findings(
                [
                    f
                    for f in status.draft.findings
                    if f.channel == item.channel and f.language == item.language
                ]
            )
    if status.draft is not None and status.draft.findings:
        blocking = len(status.draft.blocking())
        click.echo(
            t(
                "status.findings",
                blocking=blocking,
                warnings=len(status.draft.findings) - blocking,
            )
        )
    if status.facts:
        click.echo("")
        click.echo(t("status.facts"))
        for fact in status.facts:
            click.echo(f"  {at(fact.added_at)}  {fact.text}  ({fact.person})")
    if status.decisions:
        click.echo("")
        click.echo(t("status.decisions"))
        for d in status.decisions:
            comment = f" : {d.comment}" if d.comment else ""
            click.echo(
                f"  {at(d.decided_at)}  {phase_label(d.phase, d.sequence)} r{d.revision}  "
                f"{d.person_name} — {t('action.' + d.action.value)}{comment}"
            )
            if d.override is not None:
                click.echo(
                    t(
                        "status.override",
                        rules=", ".join(d.override.rules),
                        reason=d.override.justification,
                    )
                )
    click.echo("")
    click.echo(t("status.publications", count=len(status.publications)))
    if status.runs > 1:
        click.echo(t("status.runs", runs=status.runs))


@cli.command(help=t("help.status"))
@click.argument("crisis")
@click.option("--texts/--no-texts", default=True, help=t("help.texts"))
@click.option("--events", is_flag=True, help=t("status.timeline"))
@json_option
@friendly
def status(crisis: str, texts: bool, events: bool, as_json: bool) -> None:
    settings = _settings()
    found = run(
        _with_client(settings, lambda c: crises.status(c, crisis, events=events or as_json))
    )
    if as_json:
        click.echo(found.model_dump_json(indent=2))
        return
    _print_status(found, texts=texts, zone=found.timezone)
    if events:
        click.echo("")
        click.echo(t("status.timeline"))
        for event in found.events:
            where = phase_label(event.phase, event.sequence) if event.phase else ""
            rev = f" r{event.revision}" if event.revision else ""
            who = f" {event.person}" if event.person else ""
            detail = f" — {event.detail}" if event.detail else ""
            when = _local(event.at, found.timezone)
            click.echo(f"  {when}  {event.kind.value:<18} {where}{rev}{who}{detail}")


ENDED = ("closed", "cancelled")  # CrisisStatus.state of a crisis that is over


def _decide(
    crisis: str,
    person: str | None,
    revision: int | None,
    yes: bool,
    action: DecisionAction,
    comment: str,
    edits: list[TextEdit],
    override: str = "",
) -> None:
    settings = _settings()
    who = _person(person)

    async def main(client: Client) -> None:
        rev = revision
        if rev is None:
            current = await crises.status(client, crisis, events=False)
            if current.state in ENDED:
                raise crises.Refused("Ended", {}, "crisis ended")
            if current.revision is None or current.draft is None:
                raise UserError(t("err.no_gate"))
            if not yes:
                if not sys.stdin.isatty():
                    raise UserError(t("err.need_revision"))
                _print_status(current, texts=True, zone=current.timezone)
                question = t(
                    "confirm.decide",
                    action=t(f"action.{action.value}"),
                    revision=current.revision,
                    phase=current.phase.value if current.phase else "-",
                )
                if not click.confirm(question, default=False):
                    raise UserError(t("confirm.aborted"))
            rev = current.revision
        decision = await crises.decide(
            client,
            crisis,
            DecisionRequest(
                person=who,
                revision=rev,
                action=action,
                comment=comment,
                edits=edits,
                via="cli",
                override=override,
            ),
        )
        click.echo(
            t(
                "decision.recorded",
                action=t(f"action.{decision.action.value}"),
                person=decision.person_name,
                revision=decision.revision,
            )
        )

    run(_with_client(settings, main))


revision_option = click.option("--revision", "-r", type=int, help=t("help.revision"))
yes_option = click.option("--yes", "-y", is_flag=True, help=t("help.yes"))


@cli.command(help=t("help.approve"))
@click.argument("crisis")
@as_option
@revision_option
@yes_option
@click.option(
    "--edit", "-e", "edits", multiple=True, metavar="CANAL:LANGUE=TEXTE", help=t("help.edit")
)
@click.option("--comment", "-m", default="", help=t("help.comment"))
@click.option("--override", default="", metavar="JUSTIFICATION", help=t("help.override"))
@friendly
def approve(
    crisis: str,
    person: str | None,
    revision: int | None,
    yes: bool,
    edits: tuple[str, ...],
    comment: str,
    override: str,
) -> None:
    parsed = _edits(edits)
    action = DecisionAction.APPROVE_WITH_EDITS if parsed else DecisionAction.APPROVE
    _decide(crisis, person, revision, yes, action, comment, parsed, override)


@cli.command(help=t("help.reject"))
@click.argument("crisis")
@as_option
@revision_option
@yes_option
@click.option("--reason", required=True, help=t("help.reason"))
@friendly
def reject(crisis: str, person: str | None, revision: int | None, yes: bool, reason: str) -> None:
    if not reason.strip():
        raise UserError(t("err.cli_usage", problem="--reason"))
    _decide(crisis, person, revision, yes, DecisionAction.REJECT, reason, [])


@cli.command("request-changes", help=t("help.request_changes"))
@click.argument("crisis")
@as_option
@revision_option
@yes_option
@click.option("--comment", "-m", required=True, help=t("help.comment"))
@friendly
def request_changes(
    crisis: str, person: str | None, revision: int | None, yes: bool, comment: str
) -> None:
    if not comment.strip():
        raise UserError(t("err.cli_usage", problem="--comment"))
    _decide(crisis, person, revision, yes, DecisionAction.REQUEST_CHANGES, comment, [])


@cli.command(help=t("help.revise"))
@click.argument("crisis")
@as_option
@revision_option
@click.option(
    "--edit", "-e", "edits", multiple=True, metavar="CANAL:LANGUE=TEXTE", help=t("help.edit")
)
@click.option("--note", "-m", default="", help=t("help.note"))
@friendly
def revise(
    crisis: str, person: str | None, revision: int | None, edits: tuple[str, ...], note: str
) -> None:
    settings = _settings()
    who = _person(person)
    parsed = _edits(edits)

    async def main(client: Client) -> None:
        base = revision
        if base is None:
            current = await crises.status(client, crisis, events=False)
            if current.state in ENDED:
                raise crises.Refused("Ended", {}, "crisis ended")
            if current.revision is None:
                raise crises.Refused("NotAwaitingRevision", {}, "not awaiting revision")
            base = current.revision
        result = await crises.revise(
            client,
            crisis,
            RevisionRequest(person=who, base_revision=base, edits=parsed, note=note),
        )
        click.echo(t("revise.recorded", revision=result.revision))

    run(_with_client(settings, main))


@cli.command(help=t("help.fact"))
@click.argument("crisis")
@click.argument("text")
@as_option
@friendly
def fact(crisis: str, text: str, person: str | None) -> None:
    settings = _settings()
    who = _person(person)
    if not text.strip():
        raise UserError(t("err.cli_usage", problem="TEXT"))
    request = FactRequest(person=who, text=text)  # checked before anything is sent
    run(_with_client(settings, lambda c: crises.add_fact(c, crisis, request)))
    click.echo(t("fact.recorded"))


@cli.command(help=t("help.resolve"))
@click.argument("crisis")
@as_option
@click.option("--summary", "-m", default="", help=t("help.summary"))
@friendly
def resolve(crisis: str, person: str | None, summary: str) -> None:
    settings = _settings()
    who = _person(person)
    run(
        _with_client(
            settings,
            lambda c: crises.resolve(c, crisis, ResolveRequest(person=who, summary=summary)),
        )
    )
    click.echo(t("resolve.recorded"))


@cli.command(help=t("help.cancel"))
@click.argument("crisis")
@as_option
@click.option("--reason", required=True, help=t("help.reason"))
@friendly
def cancel(crisis: str, person: str | None, reason: str) -> None:
    settings = _settings()
    who = _person(person)
    if not reason.strip():
        raise UserError(t("err.cli_usage", problem="--reason"))
    run(
        _with_client(
            settings, lambda c: crises.cancel(c, crisis, CancelRequest(person=who, reason=reason))
        )
    )
    click.echo(t("cancel.recorded"))


# --------------------------------------------------------------------------- playbooks


@cli.group(help=t("help.playbooks"))
def playbooks() -> None:
    pass


@playbooks.command("list", help=t("help.playbooks_list"))
@friendly
def playbooks_list() -> None:
    settings = _settings()
    library = _library(settings)
    files = library.files()
    if not files:
        click.echo(t("playbooks.none"))
        return
    for name, file in files.items():
        try:
            loaded = library.load(name)
        except PlaybookError:
            click.echo(f"{name}\t{t('playbooks.broken')}\t{file}")
            continue
        pb = loaded.playbook
        channels = ", ".join(c.value for c in pb.channels)
        click.echo(f"{name}\t{pb.title}\t{'/'.join(pb.languages)}\t{channels}")


@playbooks.command("lint", help=t("help.playbooks_lint"))
@click.argument(
    "folder", required=False, type=click.Path(exists=True, path_type=Path), metavar="[DOSSIER]"
)
@friendly
def playbooks_lint(folder: Path | None) -> None:
    settings = _settings()
    library = _library(settings)
    where = folder or settings.playbook_folders[0]
    count, problems = library.lint(folder)
    if count == 0:
        raise UserError(t("lint.empty", folder=where))
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        files = len({p.file for p in problems})
        raise UserError(t("lint.failed", errors=len(problems), files=files))
    click.echo(
        t("lint.ok", count=count, folder=folder or ", ".join(map(str, library.playbook_folders)))
    )


@playbooks.command("show", help=t("help.playbooks_show"))
@click.argument("playbook")
@json_option
@friendly
def playbooks_show(playbook: str, as_json: bool) -> None:
    settings = _settings()
    library = _library(settings)
    if library.find(playbook) is None:
        raise UnknownPlaybook(playbook, list(library.files()))
    loaded = library.load(playbook)
    data = loaded.playbook.model_dump(mode="json", exclude_defaults=False)
    if as_json:
        _json(data)
        return
    click.echo(f"# {loaded.file}")
    click.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).rstrip())


# --------------------------------------------------------------------------- preview


@cli.command(help=t("help.preview"))
@click.argument("playbook")
@click.option(
    "--phase",
    "phases",
    multiple=True,
    type=click.Choice([p.value for p in PhaseName]),
    help=t("help.preview_phase"),
)
@click.option("--param", "-p", "params", multiple=True, metavar="NOM=VALEUR", help=t("help.param"))
@click.option("--fact", "facts", multiple=True, help=t("help.preview_fact"))
@click.option("--exercise", is_flag=True, help=t("help.exercise"))
@click.option(
    "--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), help=t("help.html")
)
@click.option("--texts/--no-texts", default=True, help=t("help.texts"))
@friendly
def preview(
    playbook: str,
    phases: tuple[str, ...],
    params: tuple[str, ...],
    facts: tuple[str, ...],
    exercise: bool,
    html_file: Path | None,
    texts: bool,
) -> None:
    from tocsin.preview import bar, html_page, preview_drafts, publishing_phases, summary

    settings = _settings()
    library = _library(settings)
    if library.find(playbook) is None:
        raise UnknownPlaybook(playbook, list(library.files()))
    loaded = library.load(playbook)
    chosen = [PhaseName(p) for p in phases] or publishing_phases(loaded)
    try:
        drafts = preview_drafts(
            loaded,
            library.template_folders,
            _params(params),
            chosen,
            exercise=exercise,
            facts=list(facts),
            guardrails=library.guardrail_settings(),
        )
    except ParameterProblems as exc:
        _param_problems(loaded.playbook.id, exc, [p.name for p in loaded.playbook.parameters])
    over = 0
    for draft in drafts:
        click.echo(click.style(f"== {draft.phase.value} ==", bold=True))
        for item in draft.texts:
            assert item.measure is not None
            shape, colour = bar(item.measure)
            variant = f" ({t('preview.short')})" if item.variant else ""
            click.echo(
                f"{item.channel.value:<15} {item.language}  {click.style(shape, fg=colour)}  "
                f"{summary(item.measure)}{variant}"
            )
            for problem in item.measure.problems:
                over += 1
                click.echo(click.style(f"    ! {problem}", fg="red"))
            if texts:
                click.echo("    " + item.text.replace("\n", "\n    "))
            _print_findings(
                [
                    f
                    for f in draft.findings
                    if f.channel == item.channel and f.language == item.language
                ]
            )
            if texts:
                click.echo()
        for lang, variant in draft.easy_read.items():
            click.echo(click.style(t("preview.easy_read", lang=lang), bold=True))
            click.echo("    " + variant.replace("\n", "\n    "))
            click.echo()
    if html_file is not None:
        html_file.write_text(html_page(loaded.playbook.title, drafts), encoding="utf-8")
        click.echo(t("preview.written", path=html_file))
    if over:
        raise UserError(t("preview.over", count=over))


# --------------------------------------------------------------------------- check


@cli.command(help=t("help.check"))
@click.argument("source", required=False, metavar="[FICHIER|-]")
@click.option(
    "--channel", "-c", type=click.Choice([c.value for c in Channel]), help=t("help.check_channel")
)
@click.option("--lang", "-l", "lang", default="fr", show_default=True, help=t("help.check_lang"))
@click.option("--date", "day", metavar="AAAA-MM-JJ", help=t("help.check_date"))
@click.option("--playbook", "-p", "playbook", help=t("help.check_playbook"))
@click.option(
    "--phase", type=click.Choice([p.value for p in PhaseName]), help=t("help.check_phase")
)
@click.option("--exercise", is_flag=True, help=t("help.exercise"))
@click.option("--rules", "list_rules", is_flag=True, help=t("help.check_rules"))
@json_option
@friendly
def check(
    source: str | None,
    channel: str | None,
    lang: str,
    day: str | None,
    playbook: str | None,
    phase: str | None,
    exercise: bool,
    list_rules: bool,
    as_json: bool,
) -> None:
    from tocsin.checking import check_command, print_rules

    if list_rules:
        print_rules(as_json=as_json)
        return
    if channel is None:
        raise UserError(t("err.cli_usage", problem="--channel"))
    settings = _settings()
    library = _library(settings)
    if playbook is not None and library.find(playbook) is None:
        raise UnknownPlaybook(playbook, list(library.files()))
    result = check_command(
        library,
        _read_source(source),
        channel=Channel(channel),
        language=lang,
        day=day,
        playbook=playbook,
        phase=PhaseName(phase) if phase else None,
        exercise=exercise,
    )
    if as_json:
        _json(result.as_json())
    else:
        result.show(_print_findings)
    raise click.exceptions.Exit(result.code)


MAX_CHECK_BYTES = 1_000_000


def _read_source(source: str | None) -> str:
    """The text to check, from a file or standard input, as UTF-8."""
    name = source or "-"
    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_CHECK_BYTES + 1)
        else:
            data = Path(name).read_bytes()[: MAX_CHECK_BYTES + 1]
    except OSError as exc:
        raise Unchecked(t("err.check_read", source=name, problem=exc.strerror or exc)) from exc
    if len(data) > MAX_CHECK_BYTES:
        raise Unchecked(t("err.check_size", source=name, limit=MAX_CHECK_BYTES))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unchecked(t("err.check_encoding", source=name, position=exc.start)) from exc
    if "\x00" in text:
        raise Unchecked(t("err.check_encoding", source=name, position=text.index("\x00")))
    if not text.strip():
        raise Unchecked(t("err.check_empty", source=name))
    return text.strip("\n")


# --------------------------------------------------------------------------- review


@cli.command(help=t("help.review"))
@click.argument("crisis", required=False)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("help.review_html"),
)
@click.option("--md", "md_file", metavar="FICHIER", help=t("help.review_md"))
@click.option(
    "--history",
    "history_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("help.review_history"),
)
@json_option
@friendly
def review(
    crisis: str | None,
    html_file: Path | None,
    md_file: str | None,
    history_files: tuple[Path, ...],
    as_json: bool,
) -> None:
    from tocsin.review import HistoryError, build_review, fetch_chain, load_chain
    from tocsin.review.history import UnknownCrisisHistory
    from tocsin.review.html import html
    from tocsin.review.report import markdown, summary

    if not crisis and not history_files:
        raise UserError(t("err.cli_usage", problem="CRISE / --history"))
    try:
        if history_files:
            runs = load_chain(list(history_files))
            built = build_review(runs)
        else:
            assert crisis is not None
            runs = run(_with_client(_settings(), lambda c: fetch_chain(c, crisis)))
            built = build_review(runs, now=datetime.now(UTC))
    except UnknownCrisisHistory as exc:
        raise UserError(t("err.unknown_crisis", crisis=exc.crisis)) from None
    except HistoryError as exc:
        raise UserError(t("err.history", problem=exc)) from None
    outputs: list[tuple[str, str]] = []
    if html_file is not None:
        outputs.append((str(html_file), html(built)))
    if md_file is not None:
        outputs.append((md_file, markdown(built)))
    for target, text in outputs:
        if target == "-":
            click.echo(text, nl=False)
            continue
        try:
            Path(target).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(t("err.write", path=target, problem=exc.strerror or exc)) from None
        click.echo(t("review.written", path=target), err=True)
    if as_json:
        click.echo(built.model_dump_json(indent=2))
    elif not any(target == "-" for target, _ in outputs):
        click.echo(summary(built))


# --------------------------------------------------------------------------- demo


@cli.command(help=t("help.demo"))
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Garder la base et l’outbox dans ce dossier / keep the database and outbox here.",
)
@friendly
def demo(keep: Path | None) -> None:
    from tocsin.demo import run_demo

    run(run_demo(_settings(), keep))


def main() -> None:
    """Console entry point.

    Exits through ``leave``: a success must not turn into a crash at the interpreter's
    shutdown.
    """
    try:
        returned = cli.main(standalone_mode=False)
        # Without standalone mode click returns an exit code (tocsin check's 0/1/2) instead of
        # exiting.
        code = returned if isinstance(returned, int) else 0
    except click.exceptions.Abort:
        click.echo(t("confirm.aborted"), err=True)
        code = 1
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    leave(code)


def leave(code: int) -> NoReturn:
    """Flush what was written and exit without the interpreter's teardown, where the Temporal
    core's threads can abort the process (temporalio issue #300). The benches end with it too."""
    tracing.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
