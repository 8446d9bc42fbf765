"""``tocsin check``: the guardrails over a text of one's own, with no server."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tocsin.cli.common import (
    Unchecked,
    UnknownPlaybook,
    UserError,
    friendly,
    json_option,
    load_settings,
    playbook_library,
)
from tocsin.cli.output import print_findings, print_json
from tocsin.i18n import t
from tocsin.models import Channel, PhaseName

MAX_CHECK_BYTES = 1_000_000


@click.command(help=t("help.check"))
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
    library = playbook_library(load_settings())
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
        print_json(result.as_json())
    else:
        result.show(print_findings)
    raise click.exceptions.Exit(result.code)


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


COMMANDS: tuple[click.Command, ...] = (check,)
