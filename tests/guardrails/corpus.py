"""The labelled corpus (corpus.yml) and the bundled playbooks' statements, run through the
guardrails: shared by tests/test_guardrails.py and bench/guardrails_corpus.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter

from tests.helpers import LIBRARY
from tocsin.channels import measure, profile
from tocsin.guardrails import RULES, CheckContext, check_text, official_context
from tocsin.models import (
    Channel,
    Finding,
    GuardrailSettings,
    GuardrailsPolicy,
    Media,
    PhaseName,
    Severity,
)
from tocsin.preview import preview_drafts, publishing_phases

CORPUS = Path(__file__).with_name("corpus.yml")
RANK = {Severity.WARNING: 1, Severity.BLOCKING: 2}


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    expect: dict[str, Severity]  # rule -> the most severe finding expected
    found: dict[str, Severity]  # rule -> the most severe finding found
    findings: list[Finding]


def worst(findings: list[Finding]) -> dict[str, Severity]:
    found: dict[str, Severity] = {}
    for item in findings:
        if item.rule not in found or RANK[item.severity] > RANK[found[item.rule]]:
            found[item.rule] = item.severity
    return found


def _context(entry: dict[str, Any], defaults: dict[str, Any]) -> CheckContext:
    spec = {**defaults, **entry}
    channel = Channel(spec["channel"])
    playbook = LIBRARY.load(spec["playbook"]).playbook if "playbook" in spec else None
    settings = GuardrailSettings()
    own = official_context(playbook, playbook.sample_parameters() if playbook else {}, settings)
    text = spec["text"]
    next_update = spec.get("next_update")
    return own.context(
        language=spec["lang"],
        on=date.fromisoformat(spec["date"]),
        channel=channel,
        phase=PhaseName(spec["phase"]) if "phase" in spec else None,
        exercise=bool(spec.get("exercise", False)),
        next_update_at=datetime.fromisoformat(next_update) if next_update else None,
        timezone=playbook.timezone if playbook else "Europe/Paris",
        measure=measure(channel, profile(channel).prepare(text)),
        media=tuple(TypeAdapter(list[Media]).validate_python(spec.get("media", []))),
        policy=playbook.guardrails if playbook else GuardrailsPolicy(),
        settings=settings,
    )


def corpus_cases() -> list[Case]:
    data = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    cases = []
    for entry in data["statements"]:
        findings = check_text(entry["text"], _context(entry, data["defaults"]))
        expect = {rule: Severity(sev) for rule, sev in entry["expect"].items()}
        assert set(expect) <= set(RULES), entry["id"]
        cases.append(Case(entry["id"], entry["text"], expect, worst(findings), findings))
    return cases


# Outside every electoral window, and inside the presidential one.
BUNDLED_DATES = (datetime(2026, 6, 15, 9, 0, tzinfo=UTC), datetime(2026, 11, 24, 9, 0, tzinfo=UTC))


def bundled_cases() -> list[Case]:
    """Every bundled playbook's statements, every phase, real and drill: all clean."""
    cases = []
    for name in LIBRARY.files():
        loaded = LIBRARY.load(name)
        for moment in BUNDLED_DATES:
            for exercise in (False, True):
                drafts = preview_drafts(
                    loaded,
                    LIBRARY.template_folders,
                    {},
                    publishing_phases(loaded),
                    exercise=exercise,
                    now=moment,
                )
                for draft in drafts:
                    for item in draft.texts:
                        mine = [
                            f
                            for f in draft.findings
                            if f.channel == item.channel and f.language == item.language
                        ]
                        case_id = (
                            f"{name}/{draft.phase.value}/{item.channel.value}.{item.language}"
                            f"/{moment:%Y-%m}{'/exercice' if exercise else ''}"
                        )
                        cases.append(Case(case_id, item.text, {}, worst(mine), mine))
    return cases
