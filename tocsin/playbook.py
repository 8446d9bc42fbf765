"""Loading, validating and linting playbooks.

A broken playbook is refused before any workflow starts, with the file, the line and the problem.
Validation happens in three layers: YAML syntax, the pydantic model, then the cross-references
(roles, people, channels, templates, parameters) and a trial render of every template.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import TypeAdapter, ValidationError

from tocsin.guardrails import RULES
from tocsin.guardrails.lexicon import check_words
from tocsin.models import (
    PHASE_ORDER,
    Channel,
    ChannelSettings,
    DraftRequest,
    Fact,
    GuardrailSettings,
    ParameterType,
    ParamValue,
    PhaseName,
    Playbook,
)
from tocsin.render import (
    RESERVED_NAMES,
    RenderError,
    find_template,
    render_draft,
    snapshot_templates,
    template_candidates,
)
from tocsin.sandbox import SnapshotLoader, build_environment
from tocsin.yamlsource import PathKey, YamlDocument, YamlSyntaxError, load_yaml

PLAYBOOK_SUFFIXES = (".yml", ".yaml")


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


@dataclass
class LoadedPlaybook:
    playbook: Playbook
    file: Path
    doc: YamlDocument


def _problem(doc: YamlDocument, path: PathKey, message: str) -> Problem:
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
                _problem(
                    doc, (), "un playbook est un dictionnaire YAML / a playbook is a YAML mapping"
                )
            ]
        )
    try:
        return Playbook.model_validate(doc.data)
    except ValidationError as exc:
        raise PlaybookError(_validation_problems(doc, exc)) from exc


def _read_yaml(file: Path) -> YamlDocument:
    """A YAML file with its positions, or PlaybookError at the line that does not parse."""
    try:
        return load_yaml(file)
    except YamlSyntaxError as exc:
        raise PlaybookError([Problem(file, exc.line, exc.column, exc.problem)]) from exc
    except OSError as exc:
        raise PlaybookError(
            [Problem(file, 1, 1, f"illisible / unreadable: {exc.strerror}")]
        ) from exc


def _validation_problems(doc: YamlDocument, exc: ValidationError) -> list[Problem]:
    return [
        _problem(doc, tuple(err["loc"]), _pydantic_message(err)) for err in _readable_errors(exc)
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


def check_references(
    playbook: Playbook, doc: YamlDocument, template_folders: list[Path]
) -> list[Problem]:
    """Cross-reference checks a model alone cannot express."""
    problems: list[Problem] = []
    sources = snapshot_templates(playbook, template_folders)

    def add(path: PathKey, message: str) -> None:
        problems.append(_problem(doc, path, message))

    try:
        ZoneInfo(playbook.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        add(("timezone",), f"fuseau horaire inconnu « {playbook.timezone} » / unknown timezone")

    for role, members in playbook.roles.items():
        for index, member in enumerate(members):
            if member not in playbook.people:
                add(
                    ("roles", role, index),
                    f"personne inconnue « {member} » dans le rôle {role} "
                    f"(déclarez-la sous people) / unknown person '{member}'",
                )
    for index, role in enumerate(playbook.guardrails.override_roles):
        if role not in playbook.roles:
            add(
                ("guardrails", "override_roles", index),
                f"rôle inconnu « {role} » / unknown role '{role}'",
            )
    for phase, spec in playbook.phases.items():
        for index, media in enumerate(spec.media):
            for language in media.alt:
                if language not in playbook.languages:
                    add(
                        ("phases", phase.value, "media", index, "alt", language),
                        f"langue « {language} » absente du playbook / language not in playbook",
                    )
    for index, role in enumerate(playbook.authors):
        if role not in playbook.roles:
            add(("authors", index), f"rôle inconnu « {role} » / unknown role '{role}'")

    seen_params: set[str] = set()
    for index, param in enumerate(playbook.parameters):
        if param.name in seen_params:
            add(("parameters", index, "name"), f"paramètre en double « {param.name} »")
        seen_params.add(param.name)
        if param.name in RESERVED_NAMES:
            add(
                ("parameters", index, "name"),
                f"« {param.name} » est un nom réservé aux gabarits / reserved name",
            )
        if param.required and param.example is None and param.default is None:
            add(
                ("parameters", index),
                f"paramètre « {param.name} » sans valeur : donnez un exemple (example:) "
                f"pour l’aperçu et les tests / parameter without value: give an example",
            )
        for key in ("example", "default"):
            value = getattr(param, key)
            if value is not None:
                try:
                    coerce_value(param.type, value)
                except ValueError as exc:
                    add(("parameters", index, key), f"{param.name} : {exc}")

    for phase in PHASE_ORDER:
        if phase not in playbook.phases:
            add(("phases",), f"phase manquante « {phase.value} » / missing phase")
    for phase, spec in playbook.phases.items():
        base: PathKey = ("phases", phase.value)
        statements = playbook.statement_templates(phase)
        if statements and spec.approval is None:
            add(
                base,
                "une phase qui publie doit avoir une approbation (approval:) : rien ne sort "
                "sans validation humaine / a publishing phase needs an approval policy",
            )
        if spec.approval is not None:
            for index, role in enumerate(spec.approval.approvers):
                if role not in playbook.roles:
                    add(
                        (*base, "approval", "approvers", index),
                        f"rôle inconnu « {role} » (rôles : {', '.join(playbook.roles)}) / "
                        f"unknown role '{role}'",
                    )
        if phase is PhaseName.FOLLOW_UP and spec.cadence is None:
            add(base, "le suivi doit avoir une cadence (cadence:) / follow_up needs a cadence")
        if phase is not PhaseName.FOLLOW_UP and (spec.cadence or spec.max_count):
            add(base, "cadence et max_count ne valent que pour follow_up / only for follow_up")
        for index, channel in enumerate(spec.channels or []):
            if channel not in playbook.channels:
                add(
                    (*base, "channels", index),
                    f"canal « {channel.value} » absent de la liste channels du playbook / "
                    f"channel not in the playbook's channels",
                )
        for channel, name in statements.items():
            where = (*base, "statements", channel.value) if spec.statements else base
            if spec.statements and channel not in playbook.channels:
                add(
                    where,
                    f"canal « {channel.value} » absent de la liste channels du playbook / "
                    f"channel not in the playbook's channels",
                )
            for language in playbook.languages:
                if find_template(sources, channel, name, language, phase) is None:
                    path = template_candidates(channel, name, language, phase)[0]
                    add(where, f"gabarit manquant « {path} » / missing template")
    for channel in playbook.channel_settings:
        if channel not in playbook.channels:
            add(
                ("channel_settings", channel.value),
                f"réglages pour « {channel.value} », absent de channels / channel not used",
            )
    for language in playbook.messages:
        if language not in playbook.languages:
            add(
                ("messages", language),
                f"messages en « {language} », langue absente de languages / language not listed",
            )
    return problems


def trial_render(
    playbook: Playbook, doc: YamlDocument, template_folders: list[Path], *, fit: bool = False
) -> list[Problem]:
    """Render every phase with the sample parameters: a missing variable fails here, not in a
    crisis."""
    problems: list[Problem] = []
    templates = snapshot_templates(playbook, template_folders)
    now = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    params = {
        p.name: coerce_value(p.type, v)
        for p in playbook.parameters
        if (v := p.example if p.example is not None else p.default) is not None
    }
    fact = Fact(text="(fait nouveau de test)", person="lint", added_at=now)
    variants = [([], False), ([fact], True)]  # plain, then with a fact and as an exercise
    for phase in playbook.phases:
        try:
            for facts, exercise in variants:
                draft = render_draft(
                    DraftRequest(
                        crisis_id="lint",
                        playbook=playbook,
                        templates=templates,
                        params=params,
                        facts=facts,
                        phase=phase,
                        sequence=1 if phase is PhaseName.FOLLOW_UP else 0,
                        revision=1,
                        author="lint",
                        exercise=exercise,
                        now=now,
                        detected_at=now,
                        next_update_at=now + timedelta(hours=2),
                        resolution="(résolution)",
                    )
                )
                for item in draft.over_limit() if fit else []:
                    assert item.measure is not None
                    problems.append(
                        _problem(
                            doc,
                            ("phases", phase.value),
                            f"{phase.value}, {item.channel.value}.{item.language} "
                            f"{'(exercice) ' if exercise else ''}avec les exemples : "
                            + "; ".join(item.measure.problems),
                        )
                    )
        except RenderError as exc:
            if exc.template.startswith("messages."):
                # A message of the playbook itself: point at its line in the YAML file.
                key = tuple(int(p) if p.isdigit() else p for p in exc.template.split("."))
                problems.append(_problem(doc, key, f"{exc.template} : {exc.problem}"))
                continue
            folder = next((f for f in template_folders if (f / exc.template).is_file()), None)
            file = folder / exc.template if folder else Path(exc.template)
            problems.append(
                Problem(
                    file,
                    exc.line or 1,
                    1,
                    f"{exc.problem} (playbook {playbook.id}, phase {phase.value})",
                )
            )
    # Syntax errors in shared pieces are caught by compiling everything once.
    env = build_environment(SnapshotLoader(templates))
    for name in templates:
        try:
            env.get_template(name)
        except RenderError:
            pass
        except Exception as exc:  # jinja2.TemplateSyntaxError and friends
            line = getattr(exc, "lineno", 1) or 1
            problems.append(Problem(Path(name), line, 1, str(exc)))
    return problems


def load_channel_settings(file: Path) -> dict[Channel, ChannelSettings]:
    """An organisation's channel settings (``TOCSIN_CHANNELS``): its Mastodon instance's limit,
    the pages its FR-Alert or LU-Alert operator accepts... Checked like a playbook."""
    doc = _read_yaml(file)
    if doc.data is None:
        return {}
    try:
        return _CHANNEL_SETTINGS.validate_python(doc.data)
    except ValidationError as exc:
        raise PlaybookError(_validation_problems(doc, exc)) from exc


def load_guardrail_settings(file: Path) -> GuardrailSettings:
    """An organisation's guardrail settings (``TOCSIN_GUARDRAILS``): rules disabled or made
    stricter, its own words, its elections and périodes de réserve, its official numbers and
    domains. Checked like a playbook: every problem at its file and line."""
    doc = _read_yaml(file)
    if doc.data is None:
        return GuardrailSettings()
    if not isinstance(doc.data, dict):
        raise PlaybookError(
            [_problem(doc, (), "un dictionnaire YAML est attendu / a YAML mapping is expected")]
        )
    try:
        settings = GuardrailSettings.model_validate(doc.data)
    except ValidationError as exc:
        raise PlaybookError(_validation_problems(doc, exc)) from exc
    problems: list[Problem] = []
    known = ", ".join(RULES)
    named: list[tuple[PathKey, str]] = [(("disable", i), r) for i, r in enumerate(settings.disable)]
    named += [(("severity", r), r) for r in settings.severity]
    named += [(("words", r), r) for r in settings.words]
    for path, rule_id in named:
        if rule_id not in RULES:
            problems.append(
                _problem(
                    doc, path, f"règle inconnue « {rule_id} » (connues : {known}) / unknown rule"
                )
            )
    for rule_id, languages in settings.words.items():
        for language, words in languages.items():
            for message in check_words(rule_id, language, words):
                problems.append(_problem(doc, ("words", rule_id, language), message))
    if problems:
        raise PlaybookError(problems)
    return settings


_CHANNEL_SETTINGS: TypeAdapter[dict[Channel, ChannelSettings]] = TypeAdapter(
    dict[Channel, ChannelSettings]
)


def merge_channel_settings(
    organisation: Mapping[Channel, ChannelSettings], playbook: Mapping[Channel, ChannelSettings]
) -> dict[Channel, ChannelSettings]:
    """The organisation's settings, then the playbook's on top, field by field."""
    merged = dict(organisation)
    for channel, own in playbook.items():
        base = merged.get(channel)
        merged[channel] = base.model_copy(update=own.model_dump(exclude_none=True)) if base else own
    return merged


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
    doc = _read_yaml(file)
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
                    _problem(loaded.doc, ("id",), f"id déjà utilisé par {ids[loaded.playbook.id]}")
                )
            ids[loaded.playbook.id] = file
            if loaded.playbook.id != file.stem:
                problems.append(
                    _problem(
                        loaded.doc,
                        ("id",),
                        f"l’id « {loaded.playbook.id} » doit être le nom du fichier "
                        f"« {file.stem} » / the id must match the file name",
                    )
                )
        return len(files), problems


# --------------------------------------------------------------------------- parameters

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{2,24}$")
_URL = re.compile(r"^(https?://)?[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
MAX_PARAM_LENGTH = 2_000


def coerce_value(kind: ParameterType, value: ParamValue) -> ParamValue:
    """Check and convert one parameter value; raise ValueError saying what is expected."""
    text = str(value).strip() if not isinstance(value, bool) else str(value).lower()
    if len(text) > MAX_PARAM_LENGTH:
        raise ValueError(f"trop long ({len(text)} caractères, max {MAX_PARAM_LENGTH})")
    if "\x00" in text:
        raise ValueError("contient un caractère nul / contains a NUL character")
    if kind is ParameterType.INTEGER:
        try:
            return int(text)
        except ValueError as exc:
            raise ValueError(f"nombre entier attendu, pas « {text} »") from exc
    if kind is ParameterType.NUMBER:
        try:
            return float(text.replace(",", "."))
        except ValueError as exc:
            raise ValueError(f"nombre attendu, pas « {text} »") from exc
    if kind is ParameterType.BOOLEAN:
        if text.lower() in ("true", "oui", "yes", "1"):
            return True
        if text.lower() in ("false", "non", "no", "0"):
            return False
        raise ValueError(f"oui/non attendu, pas « {text} »")
    if kind is ParameterType.DATETIME:
        try:
            datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"date ISO attendue (2026-11-23T14:30), pas « {text} »") from exc
        return text
    if kind is ParameterType.EMAIL and not _EMAIL.match(text):
        raise ValueError(f"adresse e-mail attendue, pas « {text} »")
    if kind is ParameterType.PHONE and not _PHONE.match(text):
        raise ValueError(f"numéro de téléphone attendu, pas « {text} »")
    if kind is ParameterType.URL and not _URL.match(text):
        raise ValueError(f"adresse web attendue, pas « {text} »")
    if kind is ParameterType.STRING and text and text.splitlines() != [text]:
        raise ValueError("une seule ligne attendue / a single line expected")
    if not text and kind is not ParameterType.TEXT:
        raise ValueError("valeur vide / empty value")
    return text


@dataclass
class ParameterProblems(Exception):
    missing: list[str]
    unknown: list[str]
    invalid: list[tuple[str, str, str]]  # name, type, problem


def resolve_parameters(playbook: Playbook, given: Mapping[str, str]) -> dict[str, ParamValue]:
    """Typed values for every parameter: given, else default; raise ParameterProblems."""
    values: dict[str, ParamValue] = {}
    missing: list[str] = []
    invalid: list[tuple[str, str, str]] = []
    known = {p.name for p in playbook.parameters}
    unknown = sorted(set(given) - known)
    for param in playbook.parameters:
        raw: ParamValue | None = given.get(param.name)
        if raw is None:
            raw = param.default
        if raw is None:
            if param.required:
                missing.append(param.name)
            continue
        try:
            values[param.name] = coerce_value(param.type, raw)
        except ValueError as exc:
            invalid.append((param.name, param.type.value, str(exc)))
    if missing or unknown or invalid:
        raise ParameterProblems(missing, unknown, invalid)
    return values
