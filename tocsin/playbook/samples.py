"""A playbook's examples at work: the draft request of a phase drafted with them (``tocsin
preview``, the trial render, tests and benchmarks), and the trial render itself, the last layer
of validation: every phase drafted, so that a missing variable fails here, not in a crisis."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tocsin.models import DraftRequest, Fact, GuardrailSettings, PhaseName, Playbook
from tocsin.playbook.parameters import resolve_parameters
from tocsin.playbook.reading import Problem, problem
from tocsin.render import RenderError, render_draft, snapshot_templates
from tocsin.sandbox import SnapshotLoader, build_environment
from tocsin.statements import round_up
from tocsin.yamlsource import YamlDocument

LINT_MOMENT = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
DEFAULT_CADENCE = timedelta(hours=2)  # a playbook without follow-ups still announces one
ANNOUNCE_STEP = timedelta(minutes=5)


def sample_given(playbook: Playbook) -> dict[str, str]:
    """The playbook's example parameters (else their defaults) as a person would type them."""
    return {name: str(value) for name, value in playbook.sample_parameters().items()}


def sample_request(
    playbook: Playbook,
    templates: dict[str, str],
    phase: PhaseName,
    *,
    now: datetime,
    given: Mapping[str, str] | None = None,
    facts: Sequence[str] = (),
    exercise: bool = False,
    number: int = 1,
    resolution: str = "",
    by: str = "preview",
    guardrails: GuardrailSettings | None = None,
) -> DraftRequest:
    """What the draft activity is given for the first revision of ``phase``, in a crisis of
    ``playbook`` detected at ``now`` with the playbook's examples as parameters (``given``
    replaces some; ParameterProblems when one is wrong). ``by`` stands for the crisis, the
    author and whoever added the ``facts``. The next update is announced as the workflow
    announces it: after the follow-up cadence, rounded up, and none at the close."""
    follow_up = playbook.phases.get(PhaseName.FOLLOW_UP)
    cadence = follow_up.cadence if follow_up and follow_up.cadence else DEFAULT_CADENCE
    return DraftRequest(
        crisis_id=by,
        playbook=playbook,
        templates=templates,
        params=resolve_parameters(playbook, {**sample_given(playbook), **(given or {})}),
        facts=[Fact(text=text, person=by, added_at=now) for text in facts],
        phase=phase,
        sequence=1 if phase is PhaseName.FOLLOW_UP else 0,
        revision=1,
        author=by,
        exercise=exercise,
        now=now,
        detected_at=now,
        next_update_at=None if phase is PhaseName.CLOSE else round_up(now + cadence, ANNOUNCE_STEP),
        resolution=resolution,
        number=number,
        guardrails=guardrails or GuardrailSettings(),
    )


def trial_render(
    playbook: Playbook, doc: YamlDocument, template_folders: list[Path], *, fit: bool = False
) -> list[Problem]:
    """Draft every phase with the examples, plainly, then with a fact and as an exercise; with
    ``fit``, a text over its channel's limit is a problem too."""
    problems: list[Problem] = []
    templates = snapshot_templates(playbook, template_folders)
    variants = [((), False), (("(fait nouveau de test)",), True)]
    for phase in playbook.phases:
        try:
            for facts, exercise in variants:
                draft = render_draft(
                    sample_request(
                        playbook,
                        templates,
                        phase,
                        now=LINT_MOMENT,
                        facts=facts,
                        exercise=exercise,
                        resolution="(résolution)",
                        by="lint",
                    )
                )
                for item in draft.over_limit() if fit else []:
                    assert item.measure is not None
                    problems.append(
                        problem(
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
                problems.append(problem(doc, key, f"{exc.template} : {exc.problem}"))
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
        except Exception as exc:  # jinja2.TemplateSyntaxError and friends
            line = getattr(exc, "lineno", 1) or 1
            problems.append(Problem(Path(name), line, 1, str(exc)))
    return problems
