"""``tocsin review``: the review of a crisis, from its history on the server or from files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from tocsin.cli.common import UserError, friendly, json_option, load_settings, run, with_client
from tocsin.i18n import t


@click.command(help=t("help.review"))
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
            runs = run(with_client(load_settings(), lambda c: fetch_chain(c, crisis)))
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


COMMANDS: tuple[click.Command, ...] = (review,)
