"""``tocsin review``: the review of a crisis, from its history on the server or from files, with
the team's notes merged, as a summary, a page, Markdown, PDF or JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from tocsin.cli.common import (
    UserError,
    friendly,
    json_option,
    load_settings,
    playbook_library,
    run,
    with_client,
)
from tocsin.i18n import t
from tocsin.review.model import Review

OUTPUT = click.Path(dir_okay=False, path_type=Path)


@click.command(help=t("help.review"))
@click.argument("crisis", required=False)
@click.option("--html", "html_file", type=OUTPUT, help=t("help.review_html"))
@click.option("--md", "md_file", metavar="FICHIER", help=t("help.review_md"))
@click.option("--pdf", "pdf_file", type=OUTPUT, help=t("review.help.pdf"))
@click.option(
    "--notes",
    "notes_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=t("review.help.notes"),
)
@click.option(
    "--lang",
    "lang",
    type=click.Choice(["fr", "en", "de"]),
    default=None,
    help=t("review.help.lang"),
)
@click.option("--redact", "redacted", is_flag=True, help=t("review.help.redact"))
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
    pdf_file: Path | None,
    notes_file: Path | None,
    lang: str | None,
    history_files: tuple[Path, ...],
    redacted: bool,
    as_json: bool,
) -> None:
    from tocsin.review import HistoryError, build_review, fetch_chain, load_chain
    from tocsin.review.history import UnknownCrisisHistory
    from tocsin.review.html import html
    from tocsin.review.notes import NotesError, load_notes
    from tocsin.review.pdf import PdfUnavailable, pdf
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
    if notes_file is not None:
        try:
            notes = load_notes(notes_file, built.crisis_id)
        except NotesError as exc:
            lines = [t("review.notes_invalid")] + [f"  {problem}" for problem in exc.problems]
            raise UserError("\n".join(lines)) from None
        built = built.model_copy(update={"notes": notes})
    if redacted:
        built = _redacted(built, lang)
    outputs: list[tuple[str, str | bytes]] = []
    if html_file is not None:
        outputs.append((str(html_file), html(built, lang=lang)))
    if md_file is not None:
        outputs.append((md_file, markdown(built, lang=lang)))
    if pdf_file is not None:
        try:
            outputs.append((str(pdf_file), pdf(html(built, lang=lang))))
        except PdfUnavailable as exc:
            raise UserError(t("review.pdf_missing", problem=exc)) from None
    for target, content in outputs:
        if target == "-" and isinstance(content, str):
            click.echo(content, nl=False)
            continue
        try:
            if isinstance(content, bytes):
                Path(target).write_bytes(content)
            else:
                Path(target).write_text(content, encoding="utf-8")
        except OSError as exc:
            raise UserError(t("err.write", path=target, problem=exc.strerror or exc)) from None
        click.echo(t("review.written", path=target), err=True)
    if as_json:
        click.echo(built.model_dump_json(indent=2))
    elif not any(target == "-" for target, _ in outputs):
        click.echo(summary(built, lang=lang))


def _redacted(built: Review, lang: str | None) -> Review:
    """The review for publication (access-to-documents requests): people by role, personal data
    marked, the published texts whole. The playbook, when the library still has it, says what is
    the organisation's own (hotlines, domains)."""
    from tocsin.guardrails import official_context, warm_up
    from tocsin.i18n import language
    from tocsin.playbook import PlaybookError
    from tocsin.review.redact import redact

    settings = load_settings()
    library = playbook_library(settings)
    try:
        guardrails = library.guardrail_settings()
    except PlaybookError as exc:
        raise UserError(str(exc)) from None
    try:
        playbook = library.load(built.playbook_id).playbook
    except (KeyError, PlaybookError):
        playbook = None
    warm_up()
    official = official_context(playbook, built.params, guardrails)
    return redact(built, lang=lang or language(), official=official, settings=guardrails)


COMMANDS: tuple[click.Command, ...] = (review,)
