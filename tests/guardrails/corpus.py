"""The labelled corpora and the bundled playbooks' statements, run through the guardrails:
shared by tests/test_guardrails.py and bench/guardrails_corpus.py.

- corpus.yml: the developers' statements, labelled for every rule (tuning set);
- extra.yml: statements by a writer who had read only shared/DOMAIN.md (tuning set too);
- extra2.yml: a second batch by another writer who had read only shared/DOMAIN.md (tuning
  set; measured once with the rules as they were before they were tuned on it);
- extra3.yml: a third batch by an outside writer who had read only shared/DOMAIN.md (tuning
  set, the same way);
- heldout.yml: statements by the same writer, copied unread, which the rules are never tuned
  on (held-out set). Only its per-rule figures are ever looked at.

The writer labelled some rules only: on a writer's file, the findings of other rules are not
scored. A label naming a rule tocsin does not have is kept aside and reported, and an entry
that cannot be read (an unknown channel...) is reported as such, not a crash."""

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
EXTRA = Path(__file__).with_name("extra.yml")
EXTRA2 = Path(__file__).with_name("extra2.yml")
EXTRA3 = Path(__file__).with_name("extra3.yml")
HELDOUT = Path(__file__).with_name("heldout.yml")
# The rules the outside writer was asked to label; the others are not scored on its files.
WRITER_RULES = frozenset({"R-NEUTRAL", "R-ELECTION", "R-PRIVACY", "R-VOICE"})
RANK = {Severity.WARNING: 1, Severity.BLOCKING: 2}


@dataclass(frozen=True)
class Case:
    id: str
    text: str
    expect: dict[str, Severity]  # rule -> the most severe finding expected
    found: dict[str, Severity]  # rule -> the most severe finding found, in scope
    findings: list[Finding]
    scope: frozenset[str] = frozenset()  # the rules scored on it
    unknown: tuple[str, ...] = ()  # labelled rules tocsin does not have
    problem: str = ""  # why the entry could not be checked

    @property
    def blocking(self) -> bool:
        """Any blocking finding, of any rule, scored or not."""
        return any(f.severity is Severity.BLOCKING for f in self.findings)


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
    day = spec["date"]
    return own.context(
        language=str(spec["lang"]),
        on=day if isinstance(day, date) else date.fromisoformat(str(day)),
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
    """The developers' corpus: every rule scored, every label a rule tocsin has."""
    cases = load_cases(CORPUS, scope=frozenset(RULES))
    for case in cases:
        assert not case.unknown, (case.id, case.unknown)
        assert not case.problem, (case.id, case.problem)
    return cases


def writer_cases(path: Path) -> list[Case]:
    """A writer's file: the rules it was asked to label are scored, and those its labels name."""
    return load_cases(path, scope=None)


def load_cases(path: Path, *, scope: frozenset[str] | None) -> list[Case]:
    """Each entry checked; ``scope``: the rules scored (None: the writer's rules and those the
    file's labels name)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = [e for e in data.get("statements") or [] if isinstance(e, dict)]
    if scope is None:
        labelled = {str(r) for e in entries for r in (e.get("expect") or {})}
        scope = WRITER_RULES | (labelled & set(RULES))
    cases = []
    for number, entry in enumerate(entries, start=1):
        case_id = str(entry.get("id", f"{path.stem}-{number}"))
        text = str(entry.get("text", ""))
        labels = {str(r): str(v) for r, v in (entry.get("expect") or {}).items()}
        unknown = tuple(sorted(r for r in labels if r not in RULES))
        try:
            expect = {r: Severity(v) for r, v in labels.items() if r in RULES}
            findings = check_text(text, _context(entry, data.get("defaults") or {}))
        except (KeyError, ValueError, TypeError) as exc:
            cases.append(Case(case_id, text, {}, {}, [], scope, unknown, f"{exc!r}"[:200]))
            continue
        found = {r: v for r, v in worst(findings).items() if r in scope}
        cases.append(Case(case_id, text, expect, found, findings, scope, unknown))
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
