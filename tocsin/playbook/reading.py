"""Reading a playbook's YAML: the first two layers of validation (YAML syntax, then the pydantic
model), and every problem reported at its file, line and column."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from tocsin.models import Playbook
from tocsin.yamlsource import PathKey, YamlDocument, YamlSyntaxError, load_yaml


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PlaybookError(Exception):
    """A playbook that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def problem(doc: YamlDocument, path: PathKey, message: str) -> Problem:
    pos = doc.position_of(path)
    return Problem(doc.file, pos.line if pos else 1, pos.column if pos else 1, message)


def _pydantic_message(error: Mapping[str, object]) -> str:
    kind = str(error.get("type", ""))
    loc = ".".join(str(part) for part in error.get("loc", ()))  # type: ignore[attr-defined]
    if kind == "missing":
        return f"champ obligatoire manquant « {loc} » / missing field '{loc}'"
    if kind == "extra_forbidden":
        return f"champ inconnu « {loc} » / unknown field '{loc}'"
    if kind == "enum":
        ctx = error.get("ctx") or {}
        expected = ctx.get("expected", "") if isinstance(ctx, dict) else ""
        value = error.get("input")
        if loc.startswith("phases.") and loc.endswith("[key]"):
            return f"phase inconnue « {value} » (attendues : {expected}) / unknown phase"
        return f"valeur inconnue « {value} » pour {loc} (attendues : {expected}) / unknown value"
    if kind == "string_type" and isinstance(error.get("input"), dict):
        return (
            f"{loc} : texte attendu ; « : » suivi d’une espace en fait une clé YAML, "
            "mettez le texte entre guillemets / a text was expected: a ': ' makes it a YAML "
            "key, put the text in quotes"
        )
    msg = str(error.get("msg", "invalide")).removeprefix("Value error, ")
    return f"{loc} : {msg}"


def parse_playbook(doc: YamlDocument) -> Playbook:
    """Validate the model; raise PlaybookError with one problem per pydantic error."""
    if doc.duplicate_keys:
        raise PlaybookError(
            [
                Problem(doc.file, pos.line, pos.column, f"clé en double « {key} » / duplicate key")
                for key, pos in doc.duplicate_keys
            ]
        )
    if not isinstance(doc.data, dict):
        raise PlaybookError(
            [
                problem(
                    doc, (), "un playbook est un dictionnaire YAML / a playbook is a YAML mapping"
                )
            ]
        )
    try:
        return Playbook.model_validate(doc.data)
    except ValidationError as exc:
        raise PlaybookError(validation_problems(doc, exc)) from exc


def read_yaml(file: Path) -> YamlDocument:
    """A YAML file with its positions, or PlaybookError at the line that does not parse."""
    try:
        return load_yaml(file)
    except YamlSyntaxError as exc:
        raise PlaybookError([Problem(file, exc.line, exc.column, exc.problem)]) from exc
    except OSError as exc:
        raise PlaybookError(
            [Problem(file, 1, 1, f"illisible / unreadable: {exc.strerror}")]
        ) from exc


def validation_problems(doc: YamlDocument, exc: ValidationError) -> list[Problem]:
    return [
        problem(doc, tuple(err["loc"]), _pydantic_message(err)) for err in _readable_errors(exc)
    ]


# pydantic names the member of a union it tried ("str", "list[str]") inside the location.
_UNION_TAGS = frozenset({"str", "list[str]", "int", "float", "bool"})


def _readable_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """One error per mistake: union member names are dropped from locations, and a type error
    on a value is dropped when a deeper error explains it (``consignes`` is a list, but its
    third item is not a text)."""
    errors: list[dict[str, Any]] = [
        {**error, "loc": tuple(part for part in error["loc"] if part not in _UNION_TAGS)}
        for error in exc.errors()
    ]
    kept: list[dict[str, Any]] = []
    for item in errors:
        loc = item["loc"]
        explained = str(item.get("type", "")).endswith("_type") and any(
            other["loc"][: len(loc)] == loc and len(other["loc"]) > len(loc) for other in errors
        )
        if not explained and all(k["loc"] != loc or k["type"] != item["type"] for k in kept):
            kept.append(item)
    return kept
