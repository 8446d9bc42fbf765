"""An organisation's own settings files, checked like a playbook: its channels
(``TOCSIN_CHANNELS``) and its guardrails (``TOCSIN_GUARDRAILS``)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from tocsin.guardrails import RULES
from tocsin.guardrails.lexicon import check_words
from tocsin.models import Channel, ChannelSettings, GuardrailSettings
from tocsin.playbook.reading import PlaybookError, Problem, problem, read_yaml, validation_problems
from tocsin.yamlsource import PathKey


def load_channel_settings(file: Path) -> dict[Channel, ChannelSettings]:
    """An organisation's channel settings (``TOCSIN_CHANNELS``): its Mastodon instance's limit,
    the pages its FR-Alert or LU-Alert operator accepts... Checked like a playbook."""
    doc = read_yaml(file)
    if doc.data is None:
        return {}
    try:
        return _CHANNEL_SETTINGS.validate_python(doc.data)
    except ValidationError as exc:
        raise PlaybookError(validation_problems(doc, exc)) from exc


def load_guardrail_settings(file: Path) -> GuardrailSettings:
    """An organisation's guardrail settings (``TOCSIN_GUARDRAILS``): rules disabled or made
    stricter, its own words, its elections and périodes de réserve, its official numbers and
    domains. Checked like a playbook: every problem at its file and line."""
    doc = read_yaml(file)
    if doc.data is None:
        return GuardrailSettings()
    if not isinstance(doc.data, dict):
        raise PlaybookError(
            [problem(doc, (), "un dictionnaire YAML est attendu / a YAML mapping is expected")]
        )
    try:
        settings = GuardrailSettings.model_validate(doc.data)
    except ValidationError as exc:
        raise PlaybookError(validation_problems(doc, exc)) from exc
    problems: list[Problem] = []
    known = ", ".join(RULES)
    named: list[tuple[PathKey, str]] = [(("disable", i), r) for i, r in enumerate(settings.disable)]
    named += [(("severity", r), r) for r in settings.severity]
    named += [(("words", r), r) for r in settings.words]
    for path, rule_id in named:
        if rule_id not in RULES:
            problems.append(
                problem(
                    doc, path, f"règle inconnue « {rule_id} » (connues : {known}) / unknown rule"
                )
            )
    for rule_id, languages in settings.words.items():
        for language, words in languages.items():
            for message in check_words(rule_id, language, words):
                problems.append(problem(doc, ("words", rule_id, language), message))
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
