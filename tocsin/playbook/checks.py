"""The third layer of validation: what a model alone cannot express (roles, people, channels,
templates, parameters referring to one another), each problem at its line in the YAML file."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tocsin.models import PHASE_ORDER, PhaseName, Playbook
from tocsin.playbook.parameters import coerce_value
from tocsin.playbook.reading import Problem, problem
from tocsin.render import RESERVED_NAMES, find_template, snapshot_templates, template_candidates
from tocsin.yamlsource import PathKey, YamlDocument


def check_references(
    playbook: Playbook, doc: YamlDocument, template_folders: list[Path]
) -> list[Problem]:
    """Cross-reference checks a model alone cannot express."""
    problems: list[Problem] = []
    sources = snapshot_templates(playbook, template_folders)

    def add(path: PathKey, message: str) -> None:
        problems.append(problem(doc, path, message))

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
    for action in ("resolve", "cancel"):
        for index, role in enumerate(getattr(playbook.ending, action)):
            if role not in playbook.roles:
                add(("ending", action, index), f"rôle inconnu « {role} » / unknown role '{role}'")

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
