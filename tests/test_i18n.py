"""The message catalogues (tocsin/locale/<lang>/LC_MESSAGES/tocsin.po): every id in every
language with the same placeholders, nothing fuzzy or empty, each ``.mo`` compiled from its
``.po``, Click's own strings all there, every id used somewhere, and the ids built from a value
(``refuse.{code}``, ``review.kind.{kind}``...) exactly those values."""

from __future__ import annotations

import ast
import io
import re
import string
import typing
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tocsin.i18n import LANGUAGES, both, convert, formats, t, text_in
from tocsin.models import CrisisStatus, DecisionAction, EventKind, PhaseName
from tocsin.review import model as review_model
from tocsin.review import report

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("tocsin", "workflows", "activities")
# A literal key in a Jinja2 template: t("review.h.summary").
TEMPLATE_STRING = re.compile(r"""["']([\w.]+)["']""")


@cache
def _catalogue(lang: str) -> Catalog:
    return convert.load(lang)


def _ids(lang: str) -> dict[str, list[str]]:
    """Every message id of ``lang`` (a plural's singular), with its translations."""
    found: dict[str, list[str]] = {}
    for message in _catalogue(lang):
        if message.id:
            msgid = str(message.id[0] if isinstance(message.id, tuple) else message.id)
            string = message.string
            texts = [str(s) for s in string] if isinstance(string, tuple) else [str(string)]
            found[msgid] = texts if "fuzzy" not in message.flags else []
    return found


def _keys() -> set[str]:
    """tocsin's own (symbolic) ids, not Click's."""
    return {str(m.id) for m in _catalogue("fr") if m.id and convert.CLICK not in m.auto_comments}


_MESSAGES = _keys()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _sources() -> list[Path]:
    return [
        path
        for folder in SCANNED
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in (".py", ".j2")
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
    """The codes the workflow raises: ``refuse("StaleRevision", ...)``, and those of a
    signature it cannot verify (``Unverified("Unsigned")``, raised again as refusals)."""
    codes: set[str] = set()
    paths = [*sorted((ROOT / "workflows").rglob("*.py")), ROOT / "tocsin/identity/signing.py"]
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("refuse", "Unverified")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(str(node.args[0].value))
    return codes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_with_the_placeholders_of_its_id(lang: str) -> None:
    french = _ids("fr")
    for msgid, texts in _ids(lang).items():
        assert texts, f"{lang}: {msgid!r} is fuzzy: its French changed, reread the translation"
        assert all(text.strip() for text in texts), f"{lang}: {msgid!r} has no translation"
        # A symbolic id has the placeholders of its French; one of Click's, those of its English
        # (a plural's either form).
        if msgid in _MESSAGES:
            assert all(_fields(text) == _fields(french[msgid][0]) for text in texts), msgid
        else:
            forms = _click_forms()[msgid]
            allowed = set().union(*(_fields(form) for form in forms))
            assert all(_fields(text) <= allowed for text in texts), f"{lang}: {msgid!r}"


@cache
def _click_forms() -> dict[str, tuple[str, ...]]:
    return {
        (m[0] if isinstance(m, tuple) else m): (m if isinstance(m, tuple) else (m,))
        for m in convert.click_messages()
    }


def test_every_language_has_the_same_ids() -> None:
    french = set(_ids("fr"))
    for lang in LANGUAGES:
        assert set(_ids(lang)) == french, f"{lang}: ids missing or extra"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_compiled_catalogue_is_its_po(lang: str) -> None:
    """The ``.mo`` tocsin reads is the ``.po`` compiled: run ``python -m tocsin.i18n.convert``
    after editing a ``.po``."""
    po = convert.po_path(lang)
    compiled = io.BytesIO()
    with po.open("rb") as file:
        write_mo(compiled, read_po(file, locale=lang, domain=convert.DOMAIN))
    assert po.with_suffix(".mo").read_bytes() == compiled.getvalue(), f"{lang}: .mo out of date"
    assert convert.po_bytes(_catalogue(lang)) == po.read_bytes(), f"{lang}: run convert"


def test_no_message_dict_is_left_to_carry_over() -> None:
    """Messages live in the catalogues: a ``MESSAGES`` dict in tocsin/i18n (a merge brought
    one back) is carried over by ``python -m tocsin.i18n.convert``."""
    assert [path.name for path, _ in convert.dict_modules()] == []


def test_click_s_own_strings_are_all_in_the_catalogues() -> None:
    assert set(_ids("fr")) - _MESSAGES == set(_click_forms())


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
    assert "trigger.started" in _MESSAGES


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
    monkeypatch.setenv("TOCSIN_LANG", "de")
    assert t("trigger.started", crisis="c1") == "Krise ausgelöst: c1"
    assert text_in("de", "phase.follow_up", number=2) == "Lagebericht Nr. 2"
    monkeypatch.delenv("TOCSIN_LANG")
    monkeypatch.setenv("LANGUAGE", "de_LU:fr")
    assert t("fact.recorded") == "Tatsache hinzugefügt."


def test_dates_numbers_phases_and_roles_read_as_each_language_writes_them() -> None:
    at = datetime(2026, 6, 3, 12, 5, tzinfo=UTC)
    assert formats.moment(at, lang="fr") == "03/06/2026 14 h 05"
    assert formats.moment(at, lang="en") == "03/06/2026 14:05"
    assert formats.moment(at, lang="de") == "03.06.2026 14:05 Uhr"
    assert formats.time_of_day(at, "Europe/Luxembourg", "fr") == "14 h 05"
    assert formats.day(at, lang="de") == "Mittwoch, 3. Juni 2026"
    assert formats.number(1234.5, "fr") == "1\u202f234,5"
    assert formats.number(1234.5, "de") == "1.234,5"
    assert formats.phase_name(PhaseName.FOLLOW_UP, 2, "fr") == "Point de situation n° 2"
    assert formats.phase_name(PhaseName.CLOSE, 1, "de") == "Ende des Ereignisses"
    assert formats.phase_name(PhaseName.DETECT, 1, "en") == "Detection"
    assert formats.role_name("deputy_director", "fr") == "directeur adjoint"
    assert formats.role_name("deputy_director", "de") == "stellvertretende Leitung"
    assert formats.role_name("cellule_crise", "en") == "cellule crise"  # a playbook's own role
