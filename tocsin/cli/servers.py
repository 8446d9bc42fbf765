"""Commands that run until stopped: ``up`` (embedded server, worker, Slack app, Matrix bot, the
web console and the status sites of TOCSIN_ACCOUNTS served on loopback), ``worker``, ``slack``,
``web`` (the console alone), and ``demo`` (a whole crisis on a throw-away server)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click
from temporalio.client import Client

from tocsin.cli.accounts import load_accounts_or_explain
from tocsin.cli.common import UserError, friendly, load_settings, playbook_library, run
from tocsin.config import QUEUES, Queues, Settings
from tocsin.i18n import language, t
from tocsin.logs import configure_logging
from tocsin.matrix.settings import MatrixSettings
from tocsin.metrics import bind_address
from tocsin.publish.accounts import StatusSiteAccount
from tocsin.publish.errors import PublishError
from tocsin.site import SiteError, serve
from tocsin.slack.settings import SlackSettings
from tocsin.temporal import address_for, connect, embedded_server, port_is_free
from tocsin.visibility import ensure_registered

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient
    from temporalio.worker import Worker

    from tocsin.matrix.client import MatrixClient
    from tocsin.web.identity import Link
    from tocsin.web.settings import WebSettings


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


def _matrix() -> MatrixSettings | None:
    """Matrix's settings when MATRIX_HOMESERVER is set; a clear error when one is wrong."""
    try:
        matrix = MatrixSettings.from_env()
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    if matrix is not None and matrix.problems():
        raise UserError(t("matrix.incomplete", problems="; ".join(matrix.problems())))
    return matrix


async def _with_matrix(
    matrix: MatrixSettings | None,
    client: Client,
    body: Callable[[], Awaitable[object]],
    settings: Settings,
) -> None:
    """Run ``body`` with the Matrix bot alongside it when Matrix is configured. A crisis room
    that is encrypted, or a homeserver that refuses the bot, stops the start with the reason."""
    if matrix is None:
        await body()
        return
    from tocsin.matrix.bot import EncryptedRoom, matrix_bot
    from tocsin.matrix.client import MatrixError

    async def temporal() -> Client:
        return client

    stack = contextlib.AsyncExitStack()
    bot = matrix_bot(
        matrix, temporal, settings.data_dir, settings=settings, library=playbook_library(settings)
    )
    try:
        await stack.enter_async_context(bot)
    except EncryptedRoom as exc:
        raise UserError(str(exc)) from None
    except (MatrixError, OSError) as exc:
        error = str(exc)[:300]
        raise UserError(t("matrix.unreachable", url=matrix.homeserver, error=error)) from None
    async with stack:
        click.echo(t("matrix.ready", user=matrix.user_id, room=matrix.room))
        await body()


@contextlib.asynccontextmanager
async def _matrix_api(matrix: MatrixSettings | None) -> AsyncIterator[MatrixClient | None]:
    """The workers' Matrix client, closed at the end; None without Matrix."""
    if matrix is None:
        yield None
        return
    from tocsin.matrix.client import MatrixClient

    async with MatrixClient(matrix.homeserver, matrix.token, matrix.user_id) as api:
        yield api


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
    from tocsin.slack.run import slack_app  # Bolt and its HTTP server: loaded only to serve Slack

    async with slack_app(
        slack, client, client=api, settings=settings, library=playbook_library(settings)
    ) as where:
        click.echo(t("slack.ready", where=where))
        await body()


@contextlib.asynccontextmanager
async def _slack_api(slack: SlackSettings | None) -> AsyncIterator[AsyncWebClient | None]:
    """One Web API client for the process, its connections kept alive; None without Slack."""
    if slack is None:
        yield None
        return
    from tocsin.slack.notifier import kept_alive

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


async def _run_until_signal(worker: Worker) -> None:
    """Run the worker until Ctrl-C or SIGTERM; then let running tasks finish and stop."""
    with _stop_on_signal() as stop:
        running = asyncio.ensure_future(worker.run())
        waiter = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({running, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
    if running.done():
        running.result()  # a worker that stopped on its own: surface why
        return
    click.echo(t("up.stopping"))
    await worker.shutdown()
    with contextlib.suppress(asyncio.CancelledError):
        await running


def _queues(settings: Settings, queues: Queues) -> str:
    """The queues a worker polls: real crises, exercises, or both."""
    if queues == "real":
        return settings.task_queue
    if queues == "exercise":
        return settings.drill_task_queue
    return f"{settings.task_queue} + {settings.drill_task_queue}"


def _metrics_line(settings: Settings) -> None:
    if settings.metrics:
        click.echo(t("metrics.ready", address=bind_address(settings.metrics)))


async def _models() -> None:
    """The guardrails' language models, loaded before the worker takes work: the first
    crisis's first draft then does not wait for them."""
    from tocsin.guardrails import warm_up

    await asyncio.to_thread(warm_up)


async def _worker(settings: Settings, *, with_app: bool = True, queues: Queues = "both") -> None:
    slack = _slack(app=with_app)
    matrix = _matrix()
    client = await connect(settings, metrics=True)
    await ensure_registered(client)
    await _models()
    async with _slack_api(slack) as api, _matrix_api(matrix) as matrix_api:
        from tocsin.worker import (
            build_worker,  # the workflow and every activity: up and worker only
        )

        worker = build_worker(
            client,
            settings,
            slack=slack,
            slack_client=api,
            queues=queues,
            matrix=matrix,
            matrix_client=matrix_api,
        )

        async def ready() -> None:
            # Said once the Matrix room is checked: a refused room stops the start before it.
            click.echo(
                t("worker.ready", address=address_for(settings), queue=_queues(settings, queues))
            )
            _metrics_line(settings)
            await _with_slack(
                slack if with_app else None,
                client,
                lambda: _run_until_signal(worker),
                settings,
                api,
            )

        await _with_matrix(matrix if with_app else None, client, ready, settings)
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


def _web_settings(settings: Settings) -> WebSettings:
    """The web console's settings, or the user's error naming the variable."""
    from tocsin.web.settings import WebSettings, WebSettingsError

    try:
        web = WebSettings.from_env(settings)
    except WebSettingsError as exc:
        raise UserError(str(exc)) from None
    problems = web.problems()
    if problems:
        raise UserError("; ".join(problems))
    return web


def _tell_links(web: WebSettings) -> Callable[[str, list[Link]], None]:
    def tell(url: str, links: list[Link]) -> None:
        click.echo(t("web.ready", url=url))
        if web.oidc is not None:
            click.echo(t("web.ready_oidc", issuer=web.oidc.issuer))
        if links:
            click.echo(t("web.links", hours=web.link_hours))
            for link in links:
                click.echo(f"  {link.name} ({link.person}) → {link.token}")

    return tell


@contextlib.asynccontextmanager
async def _console(
    client: Client, settings: Settings, web: WebSettings | None, *, movable: bool = False
) -> AsyncIterator[None]:
    """The web console served while the block runs (``tocsin up`` on loopback, ``tocsin
    web``); nothing when ``web`` is None."""
    if web is None:
        yield
        return
    from tocsin.web.serve import console
    from tocsin.web.settings import WebSettingsError

    try:
        async with console(
            client,
            settings,
            playbook_library(settings),
            web,
            tell=_tell_links(web),
            movable=movable,
        ):
            yield
    except WebSettingsError as exc:
        raise UserError(str(exc)) from None


async def _web_alone(settings: Settings, web: WebSettings) -> None:
    client = await connect(settings)
    with _stop_on_signal() as stop:
        async with _console(client, settings, web):
            await stop.wait()
    click.echo(t("up.stopped"))


SITE_PORT = 8089  # the first status site's port when TOCSIN_SITE_PORT does not say, if free


def site_port(env: Mapping[str, str]) -> tuple[int, bool]:
    """The first status site's port, and whether it was asked for (then it must be free;
    else 8089, or any free port when 8089 is taken). ``0``: any free port."""
    value = env.get("TOCSIN_SITE_PORT", "").strip()
    if not value:
        return SITE_PORT, False
    if not value.isascii() or not value.isdigit() or int(value) > 65535:
        raise UserError(t("up.err.site_port", value=value[:20]))
    return int(value), True


@contextlib.contextmanager
def _status_sites(env: Mapping[str, str]) -> Iterator[None]:
    """Each status site of TOCSIN_ACCOUNTS (one per folder) written if it is not there yet and
    served on loopback while the block runs; its address printed."""
    from tocsin.publish.statussite import prepare

    loaded = load_accounts_or_explain()
    port, asked = site_port(env)
    with contextlib.ExitStack() as stack:
        seen: set[Path] = set()
        for name, account in loaded.accounts.items():
            if not isinstance(account, StatusSiteAccount) or account.path.absolute() in seen:
                continue
            path = account.path.absolute()
            if not seen and asked and port and not port_is_free(port):
                raise UserError(t("err.port_busy", port=port))
            chosen = port if not seen and (asked or port_is_free(port)) else 0
            seen.add(path)
            try:
                prepare(name, account)
                server = stack.enter_context(serve(path, port=chosen))
            except PublishError as exc:
                raise UserError(exc.localized(language())) from None
            except (SiteError, OSError) as exc:
                problem = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                raise UserError(f"{name}: {problem}") from None
            click.echo(t("up.site", account=name, url=server.url, path=path))
        yield


@click.command(help=t("help.up"))
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), help=t("help.db"))
@friendly
def up(db: Path | None) -> None:
    configure_logging(os.environ.get("TOCSIN_LOG_LEVEL", "info"))
    settings = load_settings()
    if settings.temporal_address:
        click.echo(t("worker.external", address=settings.temporal_address))
        with _status_sites(os.environ):
            run(_worker(settings))
        return
    for port in (settings.embedded_port, settings.ui_port):
        if not port_is_free(port):
            raise UserError(t("err.port_busy", port=port))

    slack = _slack()
    web = _web_settings(settings)
    if not web.loopback:  # `tocsin up` serves the console on loopback; `tocsin web` beyond
        web = web.model_copy(update={"host": "127.0.0.1"})
    if not os.environ.get("TOCSIN_WEB_PORT") and web.oidc is None and not port_is_free(web.port):
        # Another tocsin up holds 8090: any free port (the links printed say which).
        web = web.model_copy(update={"port": 0, "public_url": "http://127.0.0.1:0"})
    # Not asked for a port: taken between that look and the bind, any free one will do.
    movable = not os.environ.get("TOCSIN_WEB_PORT") and web.oidc is None
    matrix = _matrix()

    async def main() -> None:
        async with (
            embedded_server(settings, database=db, metrics=True) as server,
            _slack_api(slack) as api,
            _matrix_api(matrix) as matrix_api,
        ):
            from tocsin.worker import build_worker  # see _worker

            await _models()
            worker = build_worker(
                server.client,
                settings,
                slack=slack,
                slack_client=api,
                matrix=matrix,
                matrix_client=matrix_api,
            )

            async def ready() -> None:
                # Said once the Matrix room is checked: a refused room stops the start before.
                click.echo(t("up.ready", address=server.address, ui=server.ui, db=server.database))
                _metrics_line(settings)
                async with _console(server.client, settings, web, movable=movable):
                    await _with_slack(
                        slack, server.client, lambda: _run_until_signal(worker), settings, api
                    )

            await _with_matrix(matrix, server.client, ready, settings)
        click.echo(t("up.stopped"))

    with _status_sites(os.environ):
        run(main())


@click.command(help=t("help.worker"))
@click.option(
    "--queues",
    type=click.Choice(QUEUES),
    default="both",
    show_default=True,
    help=t("help.worker_queues"),
)
@friendly
def worker(queues: Queues) -> None:
    configure_logging(os.environ.get("TOCSIN_LOG_LEVEL", "info"))
    # Workers post to Slack; the app that receives clicks runs in `tocsin up` or `tocsin slack`.
    run(_worker(load_settings(), with_app=False, queues=queues))


@click.command(name="slack", help=t("help.slack"))
@friendly
def slack_command() -> None:
    configure_logging(os.environ.get("TOCSIN_LOG_LEVEL", "info"))
    run(_slack_alone(load_settings()))


@click.command(name="web", help=t("help.web"))
@friendly
def web_command() -> None:
    configure_logging(os.environ.get("TOCSIN_LOG_LEVEL", "info"))
    settings = load_settings()
    run(_web_alone(settings, _web_settings(settings)))


@click.command(help=t("help.demo"))
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Garder la base et l’outbox dans ce dossier / keep the database and outbox here.",
)
@friendly
def demo(keep: Path | None) -> None:
    from tocsin.demo import run_demo

    run(run_demo(load_settings(), keep))


COMMANDS: tuple[click.Command, ...] = (up, worker, slack_command, web_command, demo)
