"""The message catalogues (tocsin/i18n): every key in every language with the same
placeholders, every key used somewhere, and the keys built from a value (``refuse.{code}``,
``review.kind.{kind}``...) exactly those values."""

from __future__ import annotations

import ast
import re
import string
import typing
from collections import Counter
from pathlib import Path

import pytest

from tocsin.i18n import _MESSAGES, CATALOGUES, LANGUAGES, both, t
from tocsin.models import CrisisStatus, DecisionAction, EventKind
from tocsin.review import model as review_model
from tocsin.review import report

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("tocsin", "workflows", "activities")
CATALOGUE_FILES = {Path(c.__file__ or "").resolve() for c in CATALOGUES}
# A literal key in a Jinja2 template: t("review.h.summary").
TEMPLATE_STRING = re.compile(r"""["']([\w.]+)["']""")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _sources() -> list[Path]:
    return [
        path
        for folder in SCANNED
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".j2") and path.resolve() not in CATALOGUE_FILES
    ]


def _strings() -> tuple[set[str], set[str]]:
    """Every string literal of the code and its templates, and the prefixes keys are built
    from: the text before the first ``{`` of an f-string (``f"refuse.{code}"``), or a literal
    ending with a dot (``t("event." + kind)``)."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        if path.suffix == ".j2":
            literals.update(TEMPLATE_STRING.findall(source))
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    prefixes.add(head.value)
    prefixes.update(literal for literal in literals if literal.endswith("."))
    return literals, {p for p in prefixes if p.endswith(".")}


def _family(prefix: str) -> set[str]:
    return {key.removeprefix(prefix) for key in _MESSAGES if key.startswith(prefix)}


def _refusal_codes() -> set[str]:
    """The codes the workflow raises: ``refuse("StaleRevision", ...)``."""
    codes: set[str] = set()
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "refuse"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(str(node.args[0].value))
    return codes


def test_every_message_is_in_every_language_with_the_same_placeholders() -> None:
    for catalogue in CATALOGUES:
        for key, texts in catalogue.MESSAGES.items():
            assert len(texts) == len(LANGUAGES), f"{key}: {len(texts)} languages"
            assert all(text.strip() for text in texts), f"{key}: an empty translation"
            french = _fields(texts[0])
            for language, text in zip(LANGUAGES[1:], texts[1:], strict=True):
                assert _fields(text) == french, f"{key}: placeholders differ in {language}"


def test_no_key_is_in_two_catalogues() -> None:
    counted = Counter(key for catalogue in CATALOGUES for key in catalogue.MESSAGES)
    assert [key for key, count in counted.items() if count > 1] == []


def test_every_key_is_used() -> None:
    literals, prefixes = _strings()
    unused = [
        key
        for key in _MESSAGES
        if key not in literals and not any(key.startswith(prefix) for prefix in prefixes)
    ]
    assert unused == [], "keys nobody uses: remove them, or use them"


def test_the_scan_sees_literal_and_built_keys() -> None:
    literals, prefixes = _strings()
    assert {"help.trigger", "review.title", "err.invalid_input"} <= literals
    assert {"refuse.", "event.", "review.kind.", "state."} <= prefixes
    assert "help.codec" not in _MESSAGES  # the command is gone, its words with it


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("action.", {a.value for a in DecisionAction}),
        ("event.", {k.value for k in EventKind}),
        ("review.kind.", {k.value for k in review_model.Kind}),
        ("review.outcome.", set(typing.get_args(review_model.PhaseOutcome))),
        ("review.deadline.", set(typing.get_args(review_model.DeadlineStatus))),
        ("review.cadence.", set(typing.get_args(review_model.CadenceStatus))),
        ("refuse.", _refusal_codes()),
    ],
)
def test_keys_built_from_a_value_are_those_values(prefix: str, values: set[str]) -> None:
    assert _family(prefix) == values


def test_every_state_and_column_has_its_words() -> None:
    states = set(typing.get_args(CrisisStatus.model_fields["state"].annotation))
    assert states <= _family("state.")
    columns = report.PHASE_COLUMNS + report.DECISION_COLUMNS + report.CADENCE_COLUMNS
    assert set(columns) <= _family("review.col.")


def test_t_speaks_the_person_s_language_and_both_speaks_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TOCSIN_LANG", "en")
    assert t("err.closed_exists", crisis="x") == "err.closed_exists"  # unknown: the key itself
    assert t("trigger.started", crisis="c1") == "Crisis triggered: c1"
    monkeypatch.setenv("TOCSIN_LANG", "fr")
    assert t("trigger.started", crisis="c1") == "Crise déclenchée : c1"
    assert both("refuse.NoRole", person="léa") == (
        "léa n’a aucun rôle dans cette crise / léa holds no role in this crisis"
    )
