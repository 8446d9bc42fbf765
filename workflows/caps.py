"""The bounds of a crisis's state, as plain functions: what people add is refused past its cap
(in the update validators, before it reaches history), what the state keeps is trimmed to the
latest, and a crisis started with an input too big fails at once.

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
    Gate,
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
from workflows.rules import cut, refuse

MAX_PARAM_CHARS = 2_000  # as tocsin.playbook.parameters takes them


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------------- what people send


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
