"""The ``tocsin`` command line. Messages in French, or English or German with TOCSIN_LANG=en or de.

One module a group of commands: ``crisis`` (trigger, list, status, fact, resolve, cancel),
``decisions`` (approve, reject, request-changes, revise), ``playbooks``, ``texts`` (preview,
check), ``review``, ``servers`` (up, worker, slack, demo); ``common`` holds the errors, settings
and parsing they share, ``output`` how they show things. Here: the group and the entry point.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import click

from tocsin import tracing
from tocsin.cli import (
    accounts,
    crisis,
    decisions,
    keys,
    playbooks,
    preview,
    review,
    servers,
    texts,
)
from tocsin.i18n import t
from tocsin.i18n.catalogue import speak_to_click
from tocsin.logs import configure_logging


class Tocsin(click.Group):
    """The ``tocsin`` group: Click's own words ("Usage:", "Missing option") in the person's
    language, on every run (the console entry point and tests' ``CliRunner`` both call ``main``)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        speak_to_click()
        return super().main(*args, **kwargs)


@click.group(
    cls=Tocsin, help=t("app.help"), context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option("--verbose", "-v", is_flag=True, help=t("help.verbose"))
def cli(verbose: bool) -> None:
    configure_logging("debug" if verbose else os.environ.get("TOCSIN_LOG_LEVEL", "warning"))


for _module in (servers, crisis, decisions, playbooks, preview, texts, review, accounts, keys):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


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
