"""Loading playbooks: one file through the three layers of validation, and the library of
those tocsin can trigger (an organisation's folders first, then the bundled ones)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tocsin.models import Channel, ChannelSettings, GuardrailSettings, Playbook
from tocsin.playbook.checks import check_references
from tocsin.playbook.reading import PlaybookError, Problem, parse_playbook, problem, read_yaml
from tocsin.playbook.samples import trial_render
from tocsin.playbook.settings import (
    load_channel_settings,
    load_guardrail_settings,
    merge_channel_settings,
)
from tocsin.yamlsource import YamlDocument

PLAYBOOK_SUFFIXES = (".yml", ".yaml")


@dataclass
class LoadedPlaybook:
    playbook: Playbook
    file: Path
    doc: YamlDocument


def load_playbook(
    file: Path,
    template_folders: list[Path],
    *,
    render: bool = True,
    fit: bool = False,
    organisation: Mapping[Channel, ChannelSettings] | None = None,
) -> LoadedPlaybook:
    """Load one playbook file, or raise PlaybookError naming every problem found.

    ``organisation`` holds the organisation's channel settings; the playbook's own win."""
    doc = read_yaml(file)
    playbook = parse_playbook(doc)
    problems = check_references(playbook, doc, template_folders)
    if organisation:
        playbook = playbook.model_copy(
            update={
                "channel_settings": merge_channel_settings(organisation, playbook.channel_settings)
            }
        )
    if not problems and render:
        problems = trial_render(playbook, doc, template_folders, fit=fit)
    if problems:
        raise PlaybookError(problems)
    return LoadedPlaybook(playbook=playbook, file=file, doc=doc)


def playbook_files(folder: Path) -> list[Path]:
    if folder.is_file():
        return [folder]
    return sorted(p for p in folder.iterdir() if p.suffix in PLAYBOOK_SUFFIXES and p.is_file())


class PlaybookLibrary:
    """The playbooks tocsin can trigger: organisation folders first, then the bundled ones."""

    def __init__(
        self,
        playbook_folders: Iterable[Path],
        template_folders: Iterable[Path],
        channels_file: Path | None = None,
        guardrails_file: Path | None = None,
    ) -> None:
        self.playbook_folders = [f for f in playbook_folders if f.exists()]
        self.template_folders = list(template_folders)
        self.channels_file = channels_file
        self.guardrails_file = guardrails_file

    def guardrail_settings(self) -> GuardrailSettings:
        """The organisation's guardrail settings, or PlaybookError at their file and line."""
        if self.guardrails_file is None:
            return GuardrailSettings()
        return load_guardrail_settings(self.guardrails_file)

    def channel_settings(self) -> dict[Channel, ChannelSettings]:
        """The organisation's channel settings, or PlaybookError at their file and line."""
        return load_channel_settings(self.channels_file) if self.channels_file else {}

    def files(self) -> dict[str, Path]:
        """Playbook id (the file stem) -> file, earlier folders winning."""
        found: dict[str, Path] = {}
        for folder in reversed(self.playbook_folders):
            for file in playbook_files(folder):
                found[file.stem] = file
        return dict(sorted(found.items()))

    def find(self, name: str) -> Path | None:
        candidate = Path(name)
        if candidate.suffix in PLAYBOOK_SUFFIXES and candidate.is_file():
            return candidate
        return self.files().get(name)

    def load(self, name: str) -> LoadedPlaybook:
        file = self.find(name)
        if file is None:
            raise KeyError(name)
        return load_playbook(file, self.template_folders, organisation=self.channel_settings())

    def lint(self, folder: Path | None = None) -> tuple[int, list[Problem]]:
        files = playbook_files(folder) if folder else list(self.files().values())
        problems: list[Problem] = []
        try:
            organisation = self.channel_settings()
        except PlaybookError as exc:
            return len(files), exc.problems
        ids: dict[str, Path] = {}
        for file in files:
            try:
                loaded = load_playbook(
                    file, self.template_folders, fit=True, organisation=organisation
                )
            except PlaybookError as exc:
                problems.extend(exc.problems)
                continue
            if loaded.playbook.id in ids:
                problems.append(
                    problem(loaded.doc, ("id",), f"id déjà utilisé par {ids[loaded.playbook.id]}")
                )
            ids[loaded.playbook.id] = file
            if loaded.playbook.id != file.stem:
                problems.append(
                    problem(
                        loaded.doc,
                        ("id",),
                        f"l’id « {loaded.playbook.id} » doit être le nom du fichier "
                        f"« {file.stem} » / the id must match the file name",
                    )
                )
        return len(files), problems
