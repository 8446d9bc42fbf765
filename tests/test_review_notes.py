"""The team's notes (``tocsin review --notes notes.yml``): read like a playbook, every problem at
its file and line, sizes bounded, merged into the review and escaped on the page."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from tocsin.review import Review, build_review, load_chain
from tocsin.review.html import html
from tocsin.review.notes import MAX_ITEMS, MAX_TEXT, NotesError, load_notes
from tocsin.review.report import markdown

CHAIN = sorted((Path(__file__).parent / "histories" / "revue").glob("run-*.json"))
CRISIS = "crisis-eau-non-potable-revue"
GOOD = """\
crisis: crisis-eau-non-potable-revue
held_on: 2026-12-09
participants: [Camille Martin, Dominique Lefèvre, Sacha Benali]
went_well:
  - Premier message publié 30 minutes après l’alerte de l’ARS.
  - "L’adjoint a pris le relais dès l’escalade."
to_improve:
  - La directrice n’avait pas Slack sur son téléphone.
actions:
  - action: Installer Slack sur les téléphones d’astreinte.
    owner: sacha
    due: 2026-12-31
  - action: Relire les échéances du playbook avec la préfecture.
    owner: Préfecture, service communication
    due: 2027-01-15
    done: true
"""


@pytest.fixture(scope="module")
def review() -> Review:
    return build_review(load_chain(CHAIN))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "notes.yml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str, crisis: str | None = CRISIS) -> list[str]:
    with pytest.raises(NotesError) as caught:
        load_notes(write(tmp_path, text), crisis)
    return [str(p) for p in caught.value.problems]


def test_good_notes_are_merged_into_the_page_and_escaped(tmp_path: Path, review: Review) -> None:
    hostile = GOOD.replace("téléphone.", "téléphone <script>alert(1)</script>.")
    notes = load_notes(write(tmp_path, hostile), CRISIS)
    assert notes.held_on == date(2026, 12, 9)
    assert notes.actions[0].due == date(2026, 12, 31)
    merged = review.model_copy(update={"notes": notes})
    page = html(merged, lang="fr")
    section = page[page.index('<section id="notes">') : page.index('<section id="chart-section">')]
    assert "Retour d’expérience de l’équipe" in section
    assert "Ce qui a bien fonctionné" in section
    assert section.count("<li>") == 3
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    # The owner named by the playbook's id is shown by name; the due date in words.
    assert "<td>Sacha Benali</td>" in section
    assert "Préfecture, service communication" in section
    assert "31\u00a0déc.\u00a02026" in section
    assert "mercredi\u00a09\u00a0décembre\u00a02026" in section
    md = markdown(merged, lang="en")
    assert "## The team's review" in md
    assert "| Installer Slack sur les téléphones d’astreinte. | Sacha Benali |" in md
    # The notes travel with the typed review (--json).
    assert Review.model_validate_json(merged.model_dump_json()).notes == notes


def test_a_page_without_notes_has_no_empty_section(review: Review) -> None:
    assert 'id="notes"' not in html(review, lang="fr")


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("went_well: [ok]\nsurprise: 1\n", ":2:", "champ inconnu « surprise »"),
        (
            "actions:\n  - action: Faire.\n    owner: sacha\n    due: 31/12/2026\n",
            ":4:",
            "AAAA-MM-JJ",
        ),
        ("actions:\n  - action: Faire.\n    due: 2026-12-31\n", ":2:", "« actions.0.owner »"),
        ("went_well:\n  - ok\n  - '   '\n", ":3:", "texte vide"),
        ('to_improve: ["a\\u0007b"]\n', ":1:", "caractère de contrôle"),
        ("went_well: [ok\n", ":1:", "YAML invalide"),
        ("went_well: [a]\nwent_well: [b]\n", ":2:", "clé en double"),
        ("- a\n- b\n", ":1:", "dictionnaire"),
        ("held_on: 2026-12-09\n", ":1:", "rien à retenir"),
        ("crisis: crisis-autre\nwent_well: [ok]\n", ":1:", "« crisis-autre »"),
        (f"went_well: ['{'x' * (MAX_TEXT + 1)}']\n", ":1:", f"{MAX_TEXT}"),
        ("went_well:\n" + "  - ok\n" * (MAX_ITEMS + 1), ":1:", f"{MAX_ITEMS}"),
    ],
)
def test_bad_notes_say_where_and_what(tmp_path: Path, text: str, where: str, says: str) -> None:
    found = problems(tmp_path, text)
    assert found
    assert found[0].startswith(f"{tmp_path / 'notes.yml'}{where}"), found
    assert says in found[0], found


def test_a_huge_notes_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    found = problems(tmp_path, "went_well:\n" + "  - ok\n" * 40_000)
    assert "fichier trop gros" in found[0]


def test_notes_for_any_crisis_when_they_name_none(tmp_path: Path) -> None:
    text = textwrap.dedent("""\
        to_improve:
          - Les rappels toutes les 15 minutes sont trop fréquents la nuit.
        """)
    assert load_notes(write(tmp_path, text), "crisis-x").to_improve
