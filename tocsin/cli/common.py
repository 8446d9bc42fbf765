"""What every command shares: the errors a person reads, the settings and the playbook library,
the options and the parsing of what people type.

Every user mistake ends in one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click
from pydantic import ValidationError
from temporalio.client import Client, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError

from tocsin import crises
from tocsin.config import Settings, SettingsError
from tocsin.i18n import invalid_input, language, t
from tocsin.identity.keys import KeysError, MissingKey, operator
from tocsin.identity.signing import Credential
from tocsin.mailnotify import NoticeAccountError
from tocsin.metrics import MetricsAddressError
from tocsin.models import Channel, TextEdit
from tocsin.outbox import Modes
from tocsin.playbook import ParameterProblems, PlaybookError, PlaybookLibrary
from tocsin.publish.accounts import AccountsError
from tocsin.publish.errors import MissingSecret
from tocsin.smsnotify import ACCOUNT_VARIABLE as SMS_ACCOUNT_VARIABLE
from tocsin.temporal import BinaryMissing, ServerUnavailable, connect
from tocsin.tracing import TracingUnavailable

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


def translate(exc: BaseException) -> UserError | None:
    """The message a person reads for an error tocsin knows how to explain."""
    if isinstance(exc, ServerUnavailable):
        return UserError(t("err.no_server", address=exc.address))
    if isinstance(exc, crises.UnknownCrisis):
        return UserError(t("err.unknown_crisis", crisis=exc.crisis))
    if isinstance(exc, crises.Refused):
        return UserError(t("err.refused", reason=exc.localized()))
    if isinstance(exc, crises.DifferentParameters):
        return UserError(t("trigger.other_params", crisis=exc.crisis, names=", ".join(exc.names)))
    if isinstance(exc, crises.ClosedCrisisExists):
        return UserError(t("trigger.closed_exists", crisis=exc.crisis))
    if isinstance(exc, UnknownPlaybook):
        return UserError(
            t("err.unknown_playbook", name=exc.name, available=", ".join(exc.available) or "-")
        )
    if isinstance(exc, MissingKey):
        problem = f" ({exc.problem})" if exc.problem else ""
        return UserError(t("keys.missing", front=exc.front.value, variable=exc.variable) + problem)
    if isinstance(exc, KeysError):
        lines = [t("keys.invalid")] + [f"  {problem}" for problem in exc.problems]
        return UserError("\n".join(lines))
    if isinstance(exc, NoticeAccountError):
        known = ", ".join(exc.known) or "-"
        if exc.variable == SMS_ACCOUNT_VARIABLE:
            return UserError(t("sms.notice.bad_account", name=exc.name, known=known))
        return UserError(t("mail.notice.bad_account", name=exc.name, known=known))
    if isinstance(exc, MissingSecret):
        return UserError(exc.localized(language()))
    if isinstance(exc, AccountsError):
        lines = [t("accounts.invalid")] + [f"  {problem}" for problem in exc.problems]
        return UserError("\n".join(lines))
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
    """The command with the errors tocsin can explain turned into one clear line."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return func(*args, **kwargs)
        except KeyboardInterrupt:
            raise UserError(t("err.interrupted")) from None
        except click.ClickException:
            raise
        except Exception as exc:
            translated = translate(exc)
            if translated is None:
                raise
            raise translated from None

    return wrapper


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def load_settings() -> Settings:
    """The settings; and the umask that gives whatever this command and the servers it starts
    create (database, logs, outbox) the modes of TOCSIN_FILE_MODE: owner-only by default."""
    settings = Settings.from_env()
    os.umask(Modes(settings.file_mode).umask)
    return settings


def playbook_library(settings: Settings) -> PlaybookLibrary:
    return PlaybookLibrary(
        settings.playbook_folders,
        settings.template_folders,
        settings.channels_file,
        settings.guardrails_file,
    )


async def with_client(settings: Settings, action: Callable[[Client], Awaitable[T]]) -> T:
    client = await connect(settings)
    return await action(client)


# --------------------------------------------------------------------------- options


as_option = click.option("--as", "person", metavar="PERSONNE", help=t("help.as"))
json_option = click.option("--json", "as_json", is_flag=True, help=t("help.json"))


# --------------------------------------------------------------------------- what people type


def operator_of(settings: Settings) -> Credential:
    """What the command line signs with: the operator's key (``TOCSIN_OPERATOR_KEY``, or the
    data folder's when there is no key file), and why they act for someone else
    (``TOCSIN_OPERATOR_REASON``), both recorded with the change."""
    reason = " ".join(os.environ.get("TOCSIN_OPERATOR_REASON", "").split())[:500]
    return operator(settings.data_dir, reason)


def who_acts(value: str | None) -> str:
    """Who acts: ``--as``, else TOCSIN_USER."""
    who = value or os.environ.get("TOCSIN_USER")
    if not who:
        raise UserError(t("err.no_person"))
    return who


def parse_params(raw: tuple[str, ...]) -> dict[str, str]:
    """``--param NAME=VALUE`` options, as a mapping."""
    values: dict[str, str] = {}
    for item in raw:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UserError(t("err.bad_param", raw=item))
        values[name.strip()] = value
    return values


def parse_edits(raw: tuple[str, ...]) -> list[TextEdit]:
    """``--edit CHANNEL:LANGUAGE=TEXT`` options (``=@FILE`` reads the text from a file)."""
    found: list[TextEdit] = []
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
        found.append(
            TextEdit(channel=Channel(channel.strip()), language=language.strip(), text=text)
        )
    return found


def param_problems(playbook_id: str, exc: ParameterProblems, expected: list[str]) -> NoReturn:
    """What is wrong with the parameters given, one line a problem."""
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
