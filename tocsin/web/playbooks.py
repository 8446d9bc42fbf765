"""The library's playbooks as the console offers them: named by id, never by path, and only
to their people; and the form of a playbook's parameters, with its examples prefilled."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import structlog

from tocsin.models import ParameterType, Playbook
from tocsin.playbook import LoadedPlaybook, ParameterProblems, PlaybookError, PlaybookLibrary
from tocsin.playbook.library import load_playbook
from tocsin.web.words import Words

log = structlog.get_logger("tocsin.web")

PLAYBOOK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
MAX_VALUE = 2_000  # characters of one parameter's value

INPUTS = {
    ParameterType.TEXT: "textarea",
    ParameterType.INTEGER: "number",
    ParameterType.NUMBER: "number",
    ParameterType.BOOLEAN: "checkbox",
    ParameterType.DATETIME: "text",
    ParameterType.PHONE: "tel",
    ParameterType.URL: "url",
    ParameterType.EMAIL: "email",
}


def parsed_playbooks(library: PlaybookLibrary) -> list[LoadedPlaybook]:
    """Every playbook of the library that parses (templates not rendered: fast)."""
    found = []
    for name, file in library.files().items():
        try:
            found.append(load_playbook(file, library.template_folders, render=False))
        except PlaybookError as exc:
            log.warning("web.playbook_unloadable", playbook=name, problems=len(exc.problems))
    return found


def library_playbook(library: PlaybookLibrary, name: str) -> LoadedPlaybook | None:
    """The playbook ``name`` of the library, loaded as a trigger loads it; None when ``name``
    is no id of the library or its file does not load (logged for the operator)."""
    if not PLAYBOOK_ID.match(name):
        return None
    file = library.files().get(name)
    if file is None:
        return None
    try:
        return load_playbook(
            file, library.template_folders, organisation=library.channel_settings()
        )
    except PlaybookError as exc:
        log.warning("web.playbook_invalid", playbook=name, problems=len(exc.problems))
        return None


@dataclass
class ParamField:
    name: str
    label: str
    description: str
    kind: str
    required: bool
    value: str
    problem: str = ""


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else ""
    return str(value)


def parameter_fields(
    playbook: Playbook,
    given: Mapping[str, str] | None,
    words: Words,
    problems: ParameterProblems | None = None,
) -> list[ParamField]:
    """A field per parameter: what was typed, else the example, else the default."""
    missing = set(problems.missing) if problems else set()
    invalid = {name: kind for name, kind, _ in problems.invalid} if problems else {}
    fields = []
    for param in playbook.parameters:
        if given is not None:
            value = given.get(param.name, "")
        else:
            value = _shown(param.example if param.example is not None else param.default)
        problem = ""
        if param.name in missing:
            problem = words("web.param_required")
        elif param.name in invalid:
            problem = words(f"slack.parameter.{invalid[param.name]}")
        fields.append(
            ParamField(
                name=param.name,
                label=param.name.replace("_", " "),
                description=param.description,
                kind=INPUTS.get(param.type, "text"),
                required=param.required and param.default is None,
                value=value,
                problem=problem,
            )
        )
    return fields


def given_values(playbook: Playbook, form: Mapping[str, str]) -> dict[str, str]:
    """The parameters typed in the form (``p.NAME``), bounded; a box not ticked is false."""
    given: dict[str, str] = {}
    for param in playbook.parameters:
        raw = form.get(f"p.{param.name}", "")[:MAX_VALUE].strip()
        if param.type is ParameterType.BOOLEAN:
            given[param.name] = "true" if raw else "false"
        elif raw:
            given[param.name] = raw
    return given
