"""``tocsin check``: the guardrails over a text of one's own, with no server."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

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
from tocsin.playbook import PlaybookLibrary

if TYPE_CHECKING:
    from tocsin.checking import Defaults

MAX_CHECK_BYTES = 1_000_000
MAX_JSONL_BYTES = 20_000_000  # a corpus or a content calendar, one statement a line


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
@click.option("--jsonl", "jsonl", is_flag=True, help=t("help.check_jsonl"))
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
    jsonl: bool,
    as_json: bool,
) -> None:
    from tocsin.checking import Defaults, check_command, print_rules

    if list_rules:
        print_rules(as_json=as_json)
        return
    library = playbook_library(load_settings())
    if playbook is not None and library.find(playbook) is None:
        raise UnknownPlaybook(playbook, list(library.files()))
    if jsonl:
        defaults = Defaults(
            Channel(channel) if channel else None,
            lang,
            day,
            playbook,
            PhaseName(phase) if phase else None,
            exercise,
        )
        _check_jsonl(library, source, defaults)
        return
    if channel is None:
        raise UserError(t("err.cli_usage", problem="--channel"))
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


def _check_jsonl(library: PlaybookLibrary, source: str | None, defaults: Defaults) -> None:
    """One JSON result a line, in the order of the input; every line is read and validated
    before the first is checked. Exit code: the worst of the lines (0, 1, 2)."""
    from tocsin.checking import LineProblem, check_lines, read_lines

    name = source or "-"
    try:
        data = _read_source(source, MAX_JSONL_BYTES, keep_lines=True)
        lines = read_lines(data, library.files(), defaults.channel)
        worst = 0
        for number, line, outcome in check_lines(library, lines, defaults):
            result = {"line": number, **({"id": line.id} if line.id else {}), **outcome.as_json()}
            click.echo(json.dumps(result, ensure_ascii=False))
            worst = max(worst, outcome.code)
    except LineProblem as exc:
        problem = t("err.jsonl_line", source=name, line=exc.line, problem=exc.problem)
        raise Unchecked(problem) from None
    raise click.exceptions.Exit(worst)


def _read_source(
    source: str | None, limit: int = MAX_CHECK_BYTES, *, keep_lines: bool = False
) -> str:
    """The text to check, from a file or standard input, as UTF-8; ``keep_lines``: with its
    blank lines, so that line numbers are the file's."""
    name = source or "-"
    try:
        if name == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with Path(name).open("rb") as file:
                data = file.read(limit + 1)
    except OSError as exc:
        raise Unchecked(t("err.check_read", source=name, problem=exc.strerror or exc)) from exc
    if len(data) > limit:
        raise Unchecked(t("err.check_size", source=name, limit=limit))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Unchecked(t("err.check_encoding", source=name, position=exc.start)) from exc
    if "\x00" in text:
        raise Unchecked(t("err.check_encoding", source=name, position=text.index("\x00")))
    if not text.strip():
        raise Unchecked(t("err.check_empty", source=name))
    return text if keep_lines else text.strip("\n")


COMMANDS: tuple[click.Command, ...] = (check,)
