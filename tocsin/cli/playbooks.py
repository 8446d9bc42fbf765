"""``tocsin playbooks``: list the playbooks, lint a folder of them, show one."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from tocsin.cli.common import (
    UnknownPlaybook,
    UserError,
    friendly,
    json_option,
    load_settings,
    playbook_library,
)
from tocsin.cli.output import print_json
from tocsin.i18n import t
from tocsin.playbook import PlaybookError


@click.group(help=t("help.playbooks"))
def playbooks() -> None:
    pass


@playbooks.command("list", help=t("help.playbooks_list"))
@friendly
def playbooks_list() -> None:
    library = playbook_library(load_settings())
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
    settings = load_settings()
    library = playbook_library(settings)
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
    library = playbook_library(load_settings())
    if library.find(playbook) is None:
        raise UnknownPlaybook(playbook, list(library.files()))
    loaded = library.load(playbook)
    data = loaded.playbook.model_dump(mode="json", exclude_defaults=False)
    if as_json:
        print_json(data)
        return
    click.echo(f"# {loaded.file}")
    click.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False).rstrip())


COMMANDS: tuple[click.Command, ...] = (playbooks,)
