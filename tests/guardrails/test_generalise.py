"""Guardrails that reach past their word lists (issue 23, point 6): the outside writer's
statements, the held-out figures, the appraisal of public bodies in French, English and German,
a collectivité's record in an electoral window, functional mailboxes, first names, the familiar
register, and ``tocsin check --jsonl`` through the real command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.guardrails_corpus import figures
from tests.guardrails.corpus import EXTRA, EXTRA2, EXTRA3, HELDOUT, writer_cases
from tocsin.guardrails import CheckContext, appraisal, check_text, language, names
from tocsin.models import Channel, Severity

ROOT = Path(__file__).resolve().parents[2]
EXTRA_CASES = {case.id: case for case in writer_cases(EXTRA)}
EXTRA2_CASES = {case.id: case for case in writer_cases(EXTRA2)}
EXTRA3_CASES = {case.id: case for case in writer_cases(EXTRA3)}
# Where the rules and the writer disagree, said rather than hidden (strict: a fix must remove it).
KNOWN_MISSES = {
    "y-022": "an elected office mentioned in an electoral window is a warning (corpus.yml "
    "election-09: check the mention is factual); the writer did not count it",
    "y-042": "the same: « la maire de Nancy » mentioned in the window, a warning",
    "y-038": "« personnellement, je trouve » is a personal opinion, R-NEUTRAL's warning as well as "
    "R-VOICE's (corpus.yml neutral-10); the writer counted R-VOICE only",
    "y-111": "a private person's name with their street address is blocking (issue 23: a name in "
    "an address is personal data); the writer gave a warning",
    "y-162": "the same: a name with « domicilié 5 rue du Moulin », blocking",
    "y-135": "a private person's mobile number is blocking (corpus.yml privacy-01); the writer "
    "gave a warning",
    # The third batch (extra3.yml).
    "z-013": "« la majorité municipale » is partisan wording (corpus.yml, lexicon); the writer "
    "counted R-ELECTION only",
    "z-091": "praise of an office holder (« the mayor's vision ») is R-NEUTRAL's too, as the "
    "second writer has it (y-079, y-178); the third writer counted R-ELECTION only",
    "z-157": "the same: « les choix courageux de votre maire », praise of an office holder",
    "z-158": "a private person's landline is a warning (a switchboard may be named, privacy-01); "
    "the writer gave a block",
    "z-186": "a list of relocated families is a warning (names, no address, health or case); the "
    "writer gave a block",
    "z-198": "a miss of the rules: a named resident's case of legionellosis in the same sentence "
    "is only a warning",
}
# Reached on the held-out set on 2026-12-03, the only time it was run with these rules (the
# third round, bench/RESULTS.md): a floor, so that a change that loses what was reached fails.
# Not the target (recall 0.9 per rule, no false blocking): what was reached.
HELD_OUT_RECALL = {"R-ELECTION": 0.86, "R-NEUTRAL": 0.76, "R-PRIVACY": 0.85, "R-VOICE": 0.83}
HELD_OUT_PRECISION = {"R-ELECTION": 0.95, "R-NEUTRAL": 0.95, "R-PRIVACY": 0.94, "R-VOICE": 0.86}
HELD_OUT_FALSE_BLOCKING = 2
# The tuning set's writers' files together (extra, extra2, extra3), known disagreements in.
TUNING_PRECISION = {"R-ELECTION": 0.97, "R-NEUTRAL": 0.95, "R-PRIVACY": 1.0, "R-VOICE": 1.0}


def test_the_outside_writer_s_statements_are_many_and_labelled_for_the_four_rules() -> None:
    assert len(EXTRA_CASES) == 120
    labelled = {rule for case in EXTRA_CASES.values() for rule in case.expect}
    assert labelled == {"R-NEUTRAL", "R-ELECTION", "R-PRIVACY", "R-VOICE"}
    assert sum(1 for case in EXTRA_CASES.values() if not case.expect) >= 50
    assert not [case.id for case in EXTRA_CASES.values() if case.problem]


@pytest.mark.parametrize(
    "case_id",
    [
        pytest.param(i, marks=pytest.mark.xfail(reason=KNOWN_MISSES[i], strict=True))
        if i in KNOWN_MISSES
        else i
        for i in sorted(EXTRA_CASES)
    ],
)
def test_extra_statement(case_id: str) -> None:
    case = EXTRA_CASES[case_id]
    assert case.found == case.expect, [(f.rule, f.severity.value, f.excerpt) for f in case.findings]


def test_the_second_writer_s_statements_are_many_and_labelled_for_the_four_rules() -> None:
    assert len(EXTRA2_CASES) == 180
    labelled = {rule for case in EXTRA2_CASES.values() for rule in case.expect}
    assert labelled == {"R-NEUTRAL", "R-ELECTION", "R-PRIVACY", "R-VOICE"}
    assert sum(1 for case in EXTRA2_CASES.values() if not case.expect) >= 60
    assert not [case.id for case in EXTRA2_CASES.values() if case.problem]


@pytest.mark.parametrize(
    "case_id",
    [
        pytest.param(i, marks=pytest.mark.xfail(reason=KNOWN_MISSES[i], strict=True))
        if i in KNOWN_MISSES
        else i
        for i in sorted(EXTRA2_CASES)
    ],
)
def test_extra2_statement(case_id: str) -> None:
    case = EXTRA2_CASES[case_id]
    assert case.found == case.expect, [(f.rule, f.severity.value, f.excerpt) for f in case.findings]


def test_the_third_batch_is_many_and_labelled_for_the_four_rules() -> None:
    assert len(EXTRA3_CASES) == 200
    labelled = {rule for case in EXTRA3_CASES.values() for rule in case.expect}
    assert labelled == {"R-NEUTRAL", "R-ELECTION", "R-PRIVACY", "R-VOICE"}
    assert sum(1 for case in EXTRA3_CASES.values() if not case.expect) >= 80
    assert not [case.id for case in EXTRA3_CASES.values() if case.problem]


@pytest.mark.parametrize(
    "case_id",
    [
        pytest.param(i, marks=pytest.mark.xfail(reason=KNOWN_MISSES[i], strict=True))
        if i in KNOWN_MISSES
        else i
        for i in sorted(EXTRA3_CASES)
    ],
)
def test_extra3_statement(case_id: str) -> None:
    case = EXTRA3_CASES[case_id]
    assert case.found == case.expect, [(f.rule, f.severity.value, f.excerpt) for f in case.findings]


def test_no_false_blocking_on_the_writers_clean_statements() -> None:
    """Known disagreements aside, no clean statement of any writer is blocked."""
    for cases in (EXTRA_CASES, EXTRA2_CASES, EXTRA3_CASES):
        found = figures(list(cases.values()))
        assert found.false_blocking == []
        assert found.any_blocking == []


def test_the_writers_figures_hold() -> None:
    """Every labelled statement of the three writers found (recall 1.00 per rule), precision
    at its floor, no clean statement blocked."""
    found = figures([*EXTRA_CASES.values(), *EXTRA2_CASES.values(), *EXTRA3_CASES.values()])
    assert found.statements == 500
    for row in found.rows:
        assert row.recall == 1.0, (row.rule, row.recall)
        assert row.precision is not None, row.rule
        assert row.precision >= TUNING_PRECISION[row.rule], (row.rule, row.precision)
    assert found.false_blocking == []


def test_held_out_figures_hold() -> None:
    """The held-out set's per-rule figures, never its statements: the floor reached."""
    found = figures(writer_cases(HELDOUT))
    assert found.statements == 150
    assert not found.problems
    for rule, floor in HELD_OUT_RECALL.items():
        recall = found.recall(rule)
        assert recall is not None, rule
        assert recall >= floor, (rule, recall)
    for row in found.rows:
        if row.rule in HELD_OUT_PRECISION:
            assert row.precision is not None, row.rule
            assert row.precision >= HELD_OUT_PRECISION[row.rule], (row.rule, row.precision)
    assert len(found.false_blocking) <= HELD_OUT_FALSE_BLOCKING
    assert len(found.any_blocking) <= HELD_OUT_FALSE_BLOCKING


def test_a_writer_s_label_for_a_rule_tocsin_lacks_is_kept_aside(tmp_path: Path) -> None:
    file = tmp_path / "writer.yml"
    file.write_text(
        "defaults: {lang: fr, channel: facebook, date: '2026-06-15'}\n"
        "statements:\n"
        "- {id: a, expect: {R-TYPO: warning, R-VOICE: warning}, text: 'Salut à tous.'}\n"
        "- {id: b, expect: {}, channel: fax, text: 'Texte.'}\n"
        "- {id: c, expect: {}, date: 2026-06-15, text: 'Eau potable.'}\n",
        encoding="utf-8",
    )
    cases = {case.id: case for case in writer_cases(file)}
    assert cases["a"].unknown == ("R-TYPO",)
    assert cases["a"].found == {"R-VOICE": Severity.WARNING}
    assert "fax" in cases["b"].problem
    assert cases["c"].found == {}
    assert not cases["c"].problem
    found = figures(list(cases.values()))
    assert found.unknown == {"R-TYPO": 1}
    assert len(found.problems) == 1


def ctx(lang: str = "fr", day: str = "2026-06-15", **values: Any) -> CheckContext:
    base: dict[str, Any] = {"language": lang, "on": date.fromisoformat(day), "channel": Channel.X}
    return CheckContext(**{**base, **values})


def rules(text: str, lang: str = "fr", day: str = "2026-06-15") -> dict[str, str]:
    found: dict[str, str] = {}
    for item in check_text(text, ctx(lang, day)):
        if item.rule not in found or item.severity is Severity.BLOCKING:
            found[item.rule] = item.severity.value
    return found


def test_a_judgement_is_found_where_the_parse_attaches_it_to_a_public_body() -> None:
    """A word no list holds, said of a public body, is found through the parse (attached),
    the lexicon (its sign) and the vectors (near a listed judgement); the same word said of
    something else is not."""
    assert appraisal.words("fr").judgements[-1]  # the lists are read
    word = "désastreuse"
    table = appraisal.words("fr")
    assert word not in {*table.judgements[-1], *table.evaluative[-1]}
    assert language.polarity("fr").get("désastreux") == -1.0
    found = appraisal.appraisals("La gestion désastreuse de la préfecture a aggravé la crue.", "fr")
    assert [(a.polarity, a.target) for a in found if a.start == 11] == [(-1, "gestion")]
    assert rules("La gestion désastreuse de la préfecture a aggravé la crue.") == {
        "R-NEUTRAL": "blocking"
    }
    assert rules("Une crue désastreuse a touché la vallée.") == {}
    assert rules("Nous restons en contact constant avec la préfecture.") == {}
    assert (
        rules("Ni la mairie ni la préfecture n'ont demandé de réserves : ce message est faux.")
        == {}
    )
    # A body that never did what it had to; and a promise, which is no blame.
    assert rules("Le maire de la commune voisine n'a jamais fait curer ses fossés.") == {
        "R-NEUTRAL": "blocking"
    }
    assert rules("La mairie ne vous demandera jamais vos coordonnées bancaires.") == {}


def test_without_the_parser_french_falls_back_to_the_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language, "PARSER", "fr_core_news_absent")
    language.french.cache_clear()
    language.forget()
    try:
        assert rules("La préfecture est incompétente.") == {"R-NEUTRAL": "blocking"}
    finally:
        monkeypatch.undo()
        language.french.cache_clear()
        language.forget()


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The county council's response has been painfully slow."),
        ("en", "The regional authority failed to warn residents in time."),
        ("de", "Die Landesregierung hat bei dieser Krise kläglich versagt."),
        ("de", "Die chaotische Kommunikation des Ministeriums hat die Lage verschlimmert."),
    ],
)
def test_denigration_in_english_and_german(lang: str, text: str) -> None:
    assert rules(text, lang) == {"R-NEUTRAL": "blocking"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The council has closed the bridge as a precaution."),
        ("en", "The Government has activated its crisis cell after a chemical leak."),
        ("de", "Die Gemeinde hat die Straße vorsorglich gesperrt."),
        ("de", "Das Ministerium informiert: Bei Hitze sind ältere Menschen gefährdet."),
        # A function word a propagated lexicon rated ("plus" +1) judges nothing.
        (
            "fr",
            "Nous annulons nos messages sur « Saint-Aubin : les services municipaux visés par une "
            "cyberattaque » : les consignes données ne s’appliquent plus.",
        ),
    ],
)
def test_facts_about_a_public_body_are_not_judgements(lang: str, text: str) -> None:
    assert rules(text, lang) == {}
    assert rules(text, lang, "2026-11-24") == {}


def test_praise_of_an_office_holder_is_partisan_and_of_the_body_electoral() -> None:
    assert rules("Merci à Mme la ministre, dont la compétence honore la République.") == {
        "R-NEUTRAL": "blocking"
    }
    praise = "Nos agents ont fait preuve d'un dévouement admirable cette nuit."
    assert rules(praise) == {}
    assert rules(praise, day="2026-11-24") == {"R-ELECTION": "blocking"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Depuis 2021, la commune a investi 3 millions d'euros dans ses digues."),
        ("fr", "Aucune autre ville du département n'a rétabli l'eau aussi vite que la nôtre."),
        ("en", "Thanks to years of investment by our council, no home was flooded."),
        ("de", "Dank unserer Investitionen seit 2020 blieb die Stadt trocken."),
    ],
)
def test_a_record_is_promoted_only_in_an_electoral_window(lang: str, text: str) -> None:
    assert "R-ELECTION" not in rules(text, lang, "2026-06-15")
    assert rules(text, lang, "2025-11-25").get("R-ELECTION") == "blocking"  # municipales 2026


def test_functional_mailboxes_and_landlines_are_no_one_s_personal_data() -> None:
    for text in (
        "Écrivez à crise@commune.fr ou à accueil@saint-aubin.fr.",
        "Contact : contact@mairie-exemple.fr, eau@vdl.lu, helpdesk@esch.lu.",
        "Standard de la mairie : 02 43 47 47 47.",
    ):
        assert rules(text) == {}, text
    assert rules("Écrivez à marie.durand@commune.fr.") == {"R-PRIVACY": "blocking"}
    assert rules("Écrivez à j.dupont@gmail.com.") == {"R-PRIVACY": "blocking"}
    official = check_text("Presse : jean.martin@isere.gouv.fr", ctx())
    assert [(f.rule, f.severity) for f in official] == [("R-PRIVACY", Severity.WARNING)]
    assert rules("Joignez Mme Roux au 02 43 47 47 47.") == {"R-PRIVACY": "warning"}
    assert rules("Joignez l'astreinte au 06 12 34 56 78.") == {"R-PRIVACY": "blocking"}


def test_persons_named_by_first_name_in_every_language() -> None:
    assert "Max" in names.first_names()
    assert "Des" not in names.first_names()
    assert rules("Der 8-jährige Max Schroeder wurde schwer verletzt.", "de") == {
        "R-PRIVACY": "blocking"
    }
    assert rules("Thanks to Kevin from Rue de Strasbourg.", "en") == {"R-PRIVACY": "warning"}
    assert rules("Mrs Anna Fischer, 4 Rue des Prés, saw the smoke.", "en") == {
        "R-PRIVACY": "blocking"
    }
    assert rules("L'école Jean-Moulin et le gymnase Paul-Bert sont fermés.") == {}
    assert names.by_first_name("Fermée : la rue Victor Hugo, lycée Jean Monnet.") == []
    assert rules("Le préfet du Var, M. Philippe Mahé, a pris un arrêté.") == {}
    assert rules("Un suspect a été interpellé et placé en garde à vue.") == {
        "R-PRIVACY": "blocking"
    }


@pytest.mark.parametrize(
    "text",
    [
        "On va pas se mentir, la matinée est compliquée.",
        "C'est la galère sur le réseau ce matin.",
        "Les équipes bossent au taquet.",
        "Le site est HS depuis ce matin.",
        "Coupure prolongée 😩",
    ],
)
def test_the_familiar_register(text: str) -> None:
    assert rules(text).get("R-VOICE") == "warning"


@pytest.mark.parametrize(
    "text",
    [
        "Il ne faut pas paniquer : la situation est maîtrisée.",
        "On ne connaît pas encore la cause de la panne.",
        "Évitez les balades en forêt jusqu'à dimanche.",
        "PREFECTURE 33: vigilance rouge canicule demain.",
    ],
)
def test_the_institutional_register_is_left_alone(text: str) -> None:
    assert "R-VOICE" not in rules(text)


def test_the_command_line_starts_without_loading_a_model() -> None:
    """The language models load on the first check, never at start: every command that checks
    nothing starts as fast as before."""
    code = (
        "import sys; import tocsin.cli; from tocsin.guardrails import check_text; "
        "print(*(name in sys.modules for name in ('spacy', 'numpy', 'thinc')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    ).stdout.split()
    assert out == ["False", "False", "False"]


def test_models_load_once_for_many_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    loads: list[str] = []
    real = spacy.load

    def counting(name: str, **kwargs: Any) -> Any:
        loads.append(name)
        return real(name, **kwargs)

    monkeypatch.setattr(spacy, "load", counting)
    language.french.cache_clear()
    language.forget()
    try:
        for n in range(3):
            check_text(f"La préfecture a été lamentable, jour {n}.", ctx())
        assert loads.count(language.PARSER) == 1
    finally:
        monkeypatch.undo()
        language.french.cache_clear()


def tocsin(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("tocsin")), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={
            "TOCSIN_LANG": "fr",
            "PATH": "/usr/bin:/bin",
            "TOCSIN_DATA_DIR": "/nonexistent",
            "PYTHONPATH": str(ROOT),
        },
    )


def test_check_jsonl_writes_one_result_a_line() -> None:
    lines = [
        {"id": "lundi", "text": "Ne buvez pas l’eau.", "channel": "x", "date": "2026-06-15"},
        {"text": "La préfecture est incompétente, comme d'hab.", "lang": "fr"},
        {"text": "Depuis 2021, la commune a investi 3 M€ dans ses digues.", "date": "2025-11-25"},
        {"text": "Eau non potable. Infos : 0 800 123 456.", "playbook": "eau-non-potable"},
    ]
    data = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n"
    result = tocsin("check", "--jsonl", "-c", "sms", "--date", "2026-11-24", stdin=data)
    assert result.returncode == 2, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["line"] for o in out] == [1, 2, 3, 4]
    assert (out[0]["id"], out[0]["channel"], out[0]["findings"]) == ("lundi", "x", [])
    assert out[1]["channel"] == "sms"
    assert {f["rule"] for f in out[1]["findings"]} >= {"R-NEUTRAL", "R-VOICE"}
    assert [f["rule"] for f in out[2]["findings"]] == ["R-ELECTION"]
    assert out[3]["findings"] == []  # the playbook's own hotline, in the window
    assert "id" not in out[1]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ('{"text": "a", "channel": "x"}\n{"text": "b", "channel": "fax"}\n', "ligne 2 : channel"),
        ('{"text": "a", "channel": "x"}\n[1]\n', "ligne 2 : attendu un objet JSON"),
        ('{"text": "a"\n', "ligne 1 : ce n’est pas du JSON"),
        ('{"text": "a", "channel": "x", "lang": "it"}\n', "ligne 1 : lang"),
        ('{"text": "a", "channel": "x", "extra": 1}\n', "ligne 1 : extra"),
        ('{"text": "a", "channel": "x", "date": "2026-02-30"}\n', "ligne 1 : date « 2026-02-30 »"),
        ('{"text": "a", "playbook": "../../etc/passwd", "channel": "x"}\n', "Playbook inconnu"),
        ('\n\n{"text": "a"}\n', "ligne 3 : pas de canal"),
        ('{"text": "   ", "channel": "x"}\n', "ligne 1 : le texte est vide"),
        ('{"text": "' + "a" * 100_001 + '", "channel": "x"}\n', "ligne 1 : text"),
    ],
)
def test_check_jsonl_refuses_a_bad_line_naming_it(data: str, expected: str) -> None:
    result = tocsin("check", "--jsonl", stdin=data)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert expected in result.stderr
    assert result.stdout == ""  # nothing checked before every line is read
    assert "Traceback" not in result.stderr
