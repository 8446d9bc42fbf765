"""Playbooks: loading, validating and linting them, and a crisis's parameters.

A broken playbook is refused before any workflow starts, with the file, the line and the problem.
Validation happens in three layers: YAML syntax and the pydantic model (``reading``), then the
cross-references (``checks``: roles, people, channels, templates, parameters) and a trial render
of every template with the playbook's examples (``samples``). ``library`` loads a file through
them; ``settings`` reads an organisation's own channel and guardrail settings; ``parameters``
checks the values a crisis is triggered with.
"""

from __future__ import annotations

from tocsin.playbook.library import LoadedPlaybook, PlaybookLibrary
from tocsin.playbook.parameters import ParameterProblems, resolve_parameters
from tocsin.playbook.reading import PlaybookError, Problem

__all__ = [
    "LoadedPlaybook",
    "ParameterProblems",
    "PlaybookError",
    "PlaybookLibrary",
    "Problem",
    "resolve_parameters",
]
