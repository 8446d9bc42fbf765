"""``tocsin review --redact``: the review of a real crisis (the recorded chain of
tests/histories/revue, whose acknowledgement carried a private person's mobile number, approved
over R-PRIVACY) made fit for an access-to-documents request. People of the playbook by role,
personal data in free texts marked « [occulté] », the archive of published texts whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.histories.record import PERSONAL
from tests.processes import tocsin, tocsin_env
from tocsin.guardrails import official_context
from tocsin.mdescape import inline
from tocsin.models import GuardrailSettings
from tocsin.review import Review, build_review, load_chain
from tocsin.review.notes import load_notes
from tocsin.review.redact import MARKER, redact
from tocsin.review.report import markdown

from .helpers import LIBRARY

CHAIN = sorted((Path(__file__).parent / "histories" / "revue").glob("run-*.json"))
PEOPLE = ("Camille Martin", "Dominique Lefèvre", "Sacha Benali", "Noor Haddad")
ROLES = {"communication", "direction", "direction adjointe", "conseil juridique"}
PRIVATE = "Appeler Mme Lucie Bernard au 06 12 34 56 78, 12 rue des Lilas."
NOTES = f"""\
crisis: crisis-eau-non-potable-revue
held_on: 2026-12-09
participants: [Camille Martin, Jean Dupuis]
went_well:
  - "Sacha Benali a pris le relais dès l’escalade."
to_improve:
  - "{PRIVATE}"
actions:
  - action: Installer Slack sur les téléphones d’astreinte.
    owner: sacha
    due: 2026-12-31
"""


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Review:
    notes_file = tmp_path_factory.mktemp("notes") / "notes.yml"
    notes_file.write_text(NOTES, encoding="utf-8")
    built = build_review(load_chain(CHAIN))
    return built.model_copy(update={"notes": load_notes(notes_file, built.crisis_id)})


@pytest.fixture(scope="module")
def redacted(review: Review) -> Review:
    playbook = LIBRARY.load(review.playbook_id).playbook
    official = official_context(playbook, review.params, GuardrailSettings())
    return redact(review, lang="fr", official=official)


def test_people_are_shown_by_role_and_private_data_is_marked(
    review: Review, redacted: Review
) -> None:
    before = review.model_dump_json()
    assert all(name in before for name in PEOPLE)  # the names were there
    assert PERSONAL in before
    published = {p.text for p in review.publications}
    # Everything but the archive of published texts.
    rest = redacted.model_copy(update={"publications": []}).model_dump_json()
    for name in (*PEOPLE, "Camille", "Sacha", "Dominique", "Jean Dupuis", "Bernard"):
        assert name not in rest, name
    assert "06 12 34 56 78" not in rest
    assert "Lilas" not in rest
    assert {w.name for w in redacted.people} == ROLES
    assert {w.id for w in redacted.people} == {f"personne-{n}" for n in range(1, 5)}
    assert redacted.params["lieu_distribution"] == MARKER["fr"]
    notes = redacted.notes
    assert notes is not None
    assert notes.participants == ["communication", MARKER["fr"]]
    assert notes.to_improve == [MARKER["fr"]]
    assert notes.went_well == ["direction adjointe a pris le relais dès l’escalade."]
    overrides = [e.override for e in redacted.events if e.override is not None]
    assert overrides
    excerpts = {f.excerpt for o in overrides for f in o.findings if f.rule == "R-PRIVACY"}
    assert excerpts == {MARKER["fr"]}
    # What carried no personal data stays as it was said.
    assert any(d.comment == "Retirer le numéro personnel du SMS." for d in redacted.decisions)
    # The archive: every published text whole, with its fingerprint.
    assert [p.text for p in redacted.publications] == [p.text for p in review.publications]
    assert [p.sha256 for p in redacted.publications] == [p.sha256 for p in review.publications]
    assert any(PERSONAL in text for text in published)
    page = markdown(redacted, lang="fr")
    assert "par direction adjointe" in page
    assert inline(MARKER["fr"]) in page  # « \[occulté\] »: Markdown reads it as the marker


def test_the_marker_is_in_the_reader_s_language(review: Review) -> None:
    playbook = LIBRARY.load(review.playbook_id).playbook
    official = official_context(playbook, review.params, GuardrailSettings())
    english = redact(review, lang="en", official=official)
    assert english.params["lieu_distribution"] == "[redacted]"
    assert len({w.name for w in english.people}) == len(PEOPLE)
    assert not {w.name for w in english.people} & (ROLES - {"communication"})


def test_the_command_writes_the_redacted_review(tmp_path: Path) -> None:
    notes_file = tmp_path / "notes.yml"
    notes_file.write_text(NOTES, encoding="utf-8")
    page, md = tmp_path / "retex.html", tmp_path / "retex.md"
    history = [arg for path in CHAIN for arg in ("--history", str(path))]
    env = tocsin_env(tmp_path / "data", TOCSIN_EMBEDDED_PORT="1")
    result = tocsin(
        env,
        *("review", *history, "--notes", str(notes_file), "--redact"),
        *("--html", str(page), "--md", str(md), "--json"),
        timeout=180,
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["notes"]["to_improve"] == ["[occulté]"]
    for written in (page.read_text(encoding="utf-8"), md.read_text(encoding="utf-8")):
        assert "[occulté]" in written.replace("\\", "")
        assert "Jean Dupuis" not in written
        for name in PEOPLE:
            assert name not in written
        assert "Mme Bernard au 06 12 34 56 78" in written  # as published, in the archive
