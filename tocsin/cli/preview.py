"""``tocsin preview``: a playbook's statements drafted with no server, in the terminal, as a page
(``--html``), as JSON (``--json``), or redone at each save (``--watch``)."""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from tocsin.cli.common import (
    UnknownPlaybook,
    UserError,
    friendly,
    load_settings,
    param_problems,
    parse_params,
    playbook_library,
    translate,
)
from tocsin.cli.output import print_findings, print_json
from tocsin.i18n import t
from tocsin.models import Draft, PhaseName
from tocsin.playbook import ParameterProblems, PlaybookLibrary

WATCH_EVERY = 0.5  # seconds between two looks at the files


@click.command(help=t("help.preview"))
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
@click.option("--json", "as_json", is_flag=True, help=t("help.preview_json"))
@click.option("--watch", is_flag=True, help=t("help.watch"))
@click.option("--texts/--no-texts", default=True, help=t("help.texts"))
@friendly
def preview(
    playbook: str,
    phases: tuple[str, ...],
    params: tuple[str, ...],
    facts: tuple[str, ...],
    exercise: bool,
    html_file: Path | None,
    as_json: bool,
    watch: bool,
    texts: bool,
) -> None:
    library = playbook_library(load_settings())
    if library.find(playbook) is None:
        raise UnknownPlaybook(playbook, list(library.files()))
    chosen = [PhaseName(p) for p in phases]

    def once() -> int:
        """One preview, printed and written; the number of texts over their limit."""
        drafts = _drafts(library, playbook, chosen, params, facts, exercise)
        if as_json:
            from tocsin.preview import text_rows

            print_json(text_rows(drafts))
        else:
            _print(drafts, texts=texts)
        if html_file is not None:
            from tocsin.preview import html_page

            title = library.load(playbook).playbook.title
            html_file.write_text(html_page(title, drafts), encoding="utf-8")
            click.echo(t("preview.written", path=html_file), err=as_json)
        return sum(len(item.measure.problems) for d in drafts for item in d.texts if item.measure)

    over = once()
    if watch:
        _watch(library, playbook, once)
    if over:
        raise UserError(t("preview.over", count=over))


def _drafts(
    library: PlaybookLibrary,
    playbook: str,
    chosen: list[PhaseName],
    params: tuple[str, ...],
    facts: tuple[str, ...],
    exercise: bool,
) -> list[Draft]:
    from tocsin.preview import preview_drafts, publishing_phases

    loaded = library.load(playbook)
    try:
        return preview_drafts(
            loaded,
            library.template_folders,
            parse_params(params),
            chosen or publishing_phases(loaded),
            exercise=exercise,
            facts=list(facts),
            guardrails=library.guardrail_settings(),
        )
    except ParameterProblems as exc:
        param_problems(loaded.playbook.id, exc, [p.name for p in loaded.playbook.parameters])


def _print(drafts: list[Draft], *, texts: bool) -> None:
    from tocsin.preview import bar, phase_title, summary

    for draft in drafts:
        click.echo(click.style(f"== {phase_title(draft.phase, draft.sequence)} ==", bold=True))
        for item in draft.texts:
            assert item.measure is not None
            shape, colour = bar(item.measure)
            variant = f" ({t('preview.short')})" if item.variant else ""
            click.echo(
                f"{item.channel.value:<15} {item.language}  {click.style(shape, fg=colour)}  "
                f"{summary(item.measure)}{variant}"
            )
            for problem in item.measure.problems:
                click.echo(click.style(f"    ! {problem}", fg="red"))
            if texts:
                click.echo("    " + item.text.replace("\n", "\n    "))
            print_findings(
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


def _watched(library: PlaybookLibrary, playbook: str) -> Iterator[Path]:
    found = library.find(playbook)
    if found is not None:
        yield found
    for folder in library.template_folders:
        if folder.is_dir():
            yield from (p for p in folder.rglob("*.j2") if p.is_file())


def _fingerprint(library: PlaybookLibrary, playbook: str) -> frozenset[tuple[str, int, int]]:
    seen: set[tuple[str, int, int]] = set()
    for path in _watched(library, playbook):
        try:
            stat = path.stat()
        except OSError:  # removed between the listing and the look: the next look tells
            continue
        seen.add((str(path), stat.st_mtime_ns, stat.st_size))
    return frozenset(seen)


@contextlib.contextmanager
def _ctrl_c_stops() -> Iterator[None]:
    """Ctrl-C (SIGINT) raises KeyboardInterrupt while the block runs, even in a process started
    with SIGINT ignored (``cmd &`` in a script, ``nohup cmd &``, ``sh -c 'cmd &'``):
    Python then leaves it ignored, and the watch would go on until killed. (``tocsin up`` and
    ``tocsin worker`` have their own handler, which replaces an inherited ``ignore`` too.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # run in a thread, which cannot set a signal's handler
        return
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)


def _watch(library: PlaybookLibrary, playbook: str, once: Callable[[], int]) -> None:
    """Redo the preview each time the playbook or a template changes, in this process: the
    guardrails' language model stays loaded. A mistake in the files is said, and the watch goes
    on until the next save. Ends on Ctrl-C, however the process was started."""
    with _ctrl_c_stops(), contextlib.suppress(KeyboardInterrupt):
        _redo_at_each_save(library, playbook, once)


def _redo_at_each_save(library: PlaybookLibrary, playbook: str, once: Callable[[], int]) -> None:
    click.echo(t("preview.watching", path=library.find(playbook)), err=True)
    before = _fingerprint(library, playbook)
    while True:
        time.sleep(WATCH_EVERY)
        now = _fingerprint(library, playbook)
        if now == before:
            continue
        before = now
        started = time.perf_counter()
        try:
            once()
        except Exception as exc:
            problem = exc if isinstance(exc, click.ClickException) else translate(exc)
            if problem is None:
                raise
            click.echo(f"{t('err.prefix')} {problem.format_message()}", err=True)
            continue
        seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
        click.echo(t("preview.redone", seconds=seconds), err=True)


COMMANDS: tuple[click.Command, ...] = (preview,)
