"""The bounds of a crisis, as plain functions: the id it runs under, what people add (refused
past its cap, in the update validators, before it reaches history; refused when R-PRIVACY finds
personal data in it, unless an override role says why), what the state keeps (trimmed to the
latest), and a crisis started with an input too big (it fails at once).

The caps are in `tocsin.models.base` (README « Limits »). Chosen so that nothing a crisis
sends or keeps comes near Temporal's payload limit (2 MB; a warning past 512 KB), whatever
people add: tests/hostile/test_bounds.py drives a crisis to each and measures it.
"""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.exceptions import ApplicationError

from tocsin.models import (
    CrisisInput,
    CrisisState,
    Decision,
    FactRequest,
    Finding,
    Gate,
    Override,
    Playbook,
    Publication,
    TextEdit,
)
from tocsin.models.base import (
    KEPT_DECISIONS,
    KEPT_DECISIONS_BYTES,
    KEPT_PUBLICATIONS,
    MAX_COMMENT_CHARS,
    MAX_EDIT_CHARS,
    MAX_EDITS_CHARS,
    MAX_FACT_CHARS,
    MAX_FACTS,
    MAX_FACTS_BYTES,
    MAX_INPUT_BYTES,
    MAX_PARAMS,
    MAX_REVISIONS_PER_GATE,
)
from tocsin.models.workflow import crisis_id_problem, shown
from workflows.rules import MIN_OVERRIDE_REASON, cut, refuse

MAX_PARAM_CHARS = 2_000  # as tocsin.playbook.parameters takes them


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------- who the crisis is


def check_identity(crisis: CrisisInput, workflow_id: str) -> None:
    """The crisis runs under the id its playbook and key give, which is its input's: else it
    fails for good (``BadCrisisId``, ``CrisisIdMismatch``), before anything is written."""
    problem = crisis_id_problem(crisis, workflow_id)
    if problem is None:
        return
    if problem == "BadCrisisId":
        error = refuse("BadCrisisId", crisis=shown(crisis.crisis_id))
    else:
        error = refuse("CrisisIdMismatch", crisis=shown(crisis.crisis_id), id=shown(workflow_id))
    raise ApplicationError(error.message, *error.details, type=error.type, non_retryable=True)


# ---------------------------------------------------------------------- what people send


def check_personal_data(
    playbook: Playbook, person: str, justification: str, findings: list[Finding]
) -> Override | None:
    """Personal data R-PRIVACY found in what ``person`` sends (a fact, a comment, a note):
    refused, unless the person holds an override role and says why, which is recorded. None
    when nothing was found."""
    if not findings:
        return None
    reason = justification.strip()
    if not reason:
        found = "; ".join(dict.fromkeys(_unquoted(f) for f in findings[:3]))
        raise refuse("PersonalData", count=len(findings), found=found)
    allowed = playbook.guardrails.override_roles
    if not any(role in allowed for role in playbook.roles_of(person)):
        raise refuse("OverrideNotAllowed", person=person, roles=", ".join(allowed) or "-")
    if len(reason) < MIN_OVERRIDE_REASON:
        raise refuse("OverrideReason", minimum=MIN_OVERRIDE_REASON)
    return Override(
        rules=sorted({f.rule for f in findings}), findings=findings, justification=reason
    )


def _unquoted(finding: Finding) -> str:
    """A finding's message without the data it found: a refusal says why, not the data again."""
    message = finding.message.rstrip(".")
    return message.replace(finding.excerpt, "…") if finding.excerpt else message


def check_comment(field: str, text: str) -> None:
    """A comment, note, reason, summary or justification within its cap (the models refuse it
    too; a client that skips them meets this)."""
    if len(text) > MAX_COMMENT_CHARS:
        raise refuse("TooLong", field=field, maximum=MAX_COMMENT_CHARS)


def check_fact(state: CrisisState, request: FactRequest) -> None:
    """One more fact: within its length, the crisis's count and the facts' size together."""
    if len(request.text) > MAX_FACT_CHARS:
        raise refuse("TooLong", field="text", maximum=MAX_FACT_CHARS)
    check_comment("override", request.override)
    if len(state.facts) >= MAX_FACTS:
        raise refuse("TooManyFacts", maximum=MAX_FACTS)
    held = sum(_size(fact.text) for fact in state.facts)
    if held + _size(request.text.strip()) > MAX_FACTS_BYTES:
        raise refuse("FactsTooLarge", maximum=MAX_FACTS_BYTES // 1024)


def check_edits(edits: Sequence[TextEdit]) -> None:
    """Edits of one decision or revision: one a text, each and all together within caps."""
    seen: set[tuple[str, str]] = set()
    total = 0
    for edit in edits:
        where = (edit.channel.value, edit.language)
        if where in seen:
            raise refuse("DuplicateEdit", channel=where[0], language=where[1])
        seen.add(where)
        if len(edit.text) > MAX_EDIT_CHARS:
            raise refuse("TooLong", field=f"{where[0]}:{where[1]}", maximum=MAX_EDIT_CHARS)
        total += len(edit.text)
    if total > MAX_EDITS_CHARS:
        raise refuse("EditsTooLarge", maximum=MAX_EDITS_CHARS)


def check_revisions(gate: Gate) -> None:
    """Another revision of the gate's statement, or changes requested for one: past the cap,
    the statement is approved or rejected (a rejection lets the crisis go on)."""
    if gate.revisions >= MAX_REVISIONS_PER_GATE:
        raise refuse("TooManyRevisions", maximum=MAX_REVISIONS_PER_GATE)


def check_input(crisis: CrisisInput) -> None:
    """A crisis started with more than a crisis holds (through the raw API: `tocsin trigger`
    builds none) fails at once, for good, before anything is drafted."""
    problem: ApplicationError | None = None
    if len(crisis.params) > MAX_PARAMS:
        problem = refuse("InputTooLarge", what="params", maximum=MAX_PARAMS)
    elif any(len(str(v)) > MAX_PARAM_CHARS for v in crisis.params.values()):
        problem = refuse("InputTooLarge", what="params", maximum=MAX_PARAM_CHARS)
    elif _size(crisis.model_dump_json()) > MAX_INPUT_BYTES:
        problem = refuse("InputTooLarge", what="input", maximum=MAX_INPUT_BYTES)
    if problem is not None:
        raise ApplicationError(
            problem.message, *problem.details, type=problem.type, non_retryable=True
        )


# ---------------------------------------------------------------------- what the state keeps


def add_decision(state: CrisisState, decision: Decision) -> None:
    """A decision counted and kept. The ones before it keep their comments and their edits'
    texts cut (whole in history, where the review reads them); the oldest leave the state
    beyond the cap in count or in size."""
    state.decided += 1
    if state.decisions:
        state.decisions[-1] = _cut_decision(state.decisions[-1])
    state.decisions.append(decision)
    del state.decisions[:-KEPT_DECISIONS]
    while len(state.decisions) > 1 and _json_size(state.decisions) > KEPT_DECISIONS_BYTES:
        del state.decisions[0]


def _json_size(decisions: list[Decision]) -> int:
    return sum(_size(d.model_dump_json()) for d in decisions)


def _cut_decision(decision: Decision) -> Decision:
    override = decision.override
    if override is not None:
        override = override.model_copy(update={"justification": cut(override.justification)})
    return decision.model_copy(
        update={
            "comment": cut(decision.comment),
            "override": override,
            "edits": [
                diff.model_copy(update={"before": cut(diff.before), "after": cut(diff.after)})
                for diff in decision.edits
            ],
        }
    )


def add_publication(state: CrisisState, publication: Publication) -> None:
    state.published += 1
    state.publications.append(publication)
    del state.publications[:-KEPT_PUBLICATIONS]
