"""Playbook loading: every mistake is refused before any workflow starts, at its file and line."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import LIBRARY
from tocsin.config import BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES
from tocsin.models import Channel, PhaseName
from tocsin.playbook import ParameterProblems, PlaybookError, PlaybookLibrary, resolve_parameters
from tocsin.playbook.library import load_playbook
from tocsin.playbook.samples import sample_given, sample_request

SOURCE = (BUNDLED_PLAYBOOKS / "eau-non-potable.yml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def problems_for(tmp_path: Path, text: str, templates: Path = BUNDLED_TEMPLATES) -> list[str]:
    file = tmp_path / "pb.yml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(PlaybookError) as caught:
        load_playbook(file, [templates])
    return [str(problem) for problem in caught.value.problems]


def test_bundled_playbooks_load_and_lint_clean() -> None:
    library = PlaybookLibrary([BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES])
    count, problems = library.lint()
    assert count == len(list(BUNDLED_PLAYBOOKS.glob("*.yml"))) == 7
    assert problems == []
    playbook = library.load("eau-non-potable").playbook
    assert playbook.roles["director"] == ["dominique"]
    follow_up = playbook.phases[PhaseName.FOLLOW_UP]
    assert follow_up.cadence is not None
    assert follow_up.cadence.total_seconds() == 7200


@pytest.mark.parametrize(
    ("change", "needle", "expected"),
    [
        (
            ("channels: [x, facebook,", "channels: [x, fax, facebook,"),
            "fax",
            "valeur inconnue « fax »",
        ),
        (("cadence: 2h", "cadence: 0m"), "cadence: 0m", "cadence doit être positive"),
        (("cadence: 2h", "cadence: deux heures"), "cadence: deux", "durée"),
        (
            (
                "approvers: [director, deputy_director]\n      remind_every: 10m",
                "approvers: [director, prefet]\n      remind_every: 10m",
            ),
            "prefet",
            "rôle inconnu « prefet »",
        ),
        (("  director: [dominique]", "  director: [dominique, zoe]"), "zoe", "personne inconnue"),
        (("    example: 0 800 123 456\n", "\n"), "name: hotline", "sans valeur"),
        (("  explain:\n", "  expliquer:\n"), "expliquer", "phase inconnue « expliquer »"),
        (("timezone: Europe/Paris", "timezone: Europe/Lutece"), "timezone", "fuseau"),
        (("title: Eau non potable", "titre: Eau non potable"), "titre", "champ inconnu"),
    ],
    ids=[
        "channel",
        "zero-cadence",
        "bad-duration",
        "role",
        "person",
        "no-value",
        "phase",
        "tz",
        "field",
    ],
)
def test_each_mistake_at_its_line(
    tmp_path: Path, change: tuple[str, str], needle: str, expected: str
) -> None:
    old, new = change
    assert old in SOURCE
    text = SOURCE.replace(old, new, 1)
    found = problems_for(tmp_path, text)
    line = line_of(text, needle)
    assert any(f"pb.yml:{line}:" in p and expected in p for p in found), (line, found)


def test_an_unquoted_colon_in_a_list_item_is_one_clear_problem(tmp_path: Path) -> None:
    # "- Attention : prenez..." is a YAML mapping, not a text: one message, at the item.
    text = SOURCE.replace("- Prenez des nouvelles", "- Attention : prenez des nouvelles", 1)
    found = problems_for(tmp_path, text)
    line = line_of(text, "Attention : prenez")
    assert len(found) == 1, found
    assert f"pb.yml:{line}:" in found[0]
    assert "mettez le texte entre guillemets" in found[0]


def test_missing_template_names_the_template(tmp_path: Path) -> None:
    text = SOURCE.replace("  explain:\n", "  explain:\n    statements: {sms: inexistant}\n", 1)
    found = problems_for(tmp_path, text)
    line = line_of(text, "inexistant")
    expected = f"pb.yml:{line}:"
    assert any(expected in p and "gabarit manquant « sms/inexistant.fr.j2 »" in p for p in found)


def test_a_message_that_does_not_render_points_at_its_line(tmp_path: Path) -> None:
    text = SOURCE.replace("hashtag: EauPotable", "hashtag: Eau{{ quartier }}", 1)
    found = problems_for(tmp_path, text)
    line = line_of(text, "hashtag: Eau{{")
    assert any(f"pb.yml:{line}:" in p and "quartier" in p for p in found), found


def test_a_template_that_does_not_render_points_at_the_template(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    for source in BUNDLED_TEMPLATES.rglob("*.j2"):
        target = templates / source.relative_to(BUNDLED_TEMPLATES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    sms = templates / "sms" / "explain.fr.j2"
    sms.write_text("Ligne 1\n{{ parametre_absent }}\n", encoding="utf-8")
    found = problems_for(tmp_path, SOURCE, templates)
    assert any("sms/explain.fr.j2:2:" in p and "parametre_absent" in p for p in found), found


def test_a_sample_request_is_drafted_as_the_workflow_drafts() -> None:
    """The examples, with what is given on top; the next update announced after the cadence,
    rounded up to five minutes, and none at the close."""
    playbook = LIBRARY.load("eau-non-potable").playbook
    now = datetime(2026, 3, 2, 9, 58, tzinfo=UTC)
    ack = sample_request(
        playbook, {}, PhaseName.ACKNOWLEDGE, now=now, given={"commune": "Vire"}, facts=["Fuite."]
    )
    assert ack.params == {**resolve_parameters(playbook, sample_given(playbook)), "commune": "Vire"}
    assert ack.next_update_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # 2 h, rounded up
    assert [(f.text, f.person) for f in ack.facts] == [("Fuite.", "preview")]
    assert (ack.sequence, ack.revision, ack.author) == (0, 1, "preview")
    close = sample_request(playbook, {}, PhaseName.CLOSE, now=now, by="lint")
    assert close.next_update_at is None
    assert (close.crisis_id, close.author) == ("lint", "lint")
    follow = sample_request(playbook, {}, PhaseName.FOLLOW_UP, now=now)
    assert follow.sequence == 1
    with pytest.raises(ParameterProblems):
        sample_request(playbook, {}, PhaseName.EXPLAIN, now=now, given={"site": "pas une adresse"})


def test_parameters_are_checked_by_type() -> None:
    playbook = (
        PlaybookLibrary([BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES]).load("eau-non-potable").playbook
    )
    samples = sample_given(playbook)
    assert resolve_parameters(playbook, samples)["commune"] == "Saint-Aubin-sur-Loire"
    with pytest.raises(ParameterProblems) as caught:
        resolve_parameters(playbook, {**samples, "site": "pas une adresse", "x": "1"})
    assert [name for name, _, _ in caught.value.invalid] == ["site"]
    assert caught.value.unknown == ["x"]
    with pytest.raises(ParameterProblems) as missing:
        resolve_parameters(playbook, {"commune": "Vire"})
    assert "hotline" in missing.value.missing
    for broken in ("Vire\nNormandie", "Vire\rNormandie", "Vire\u2028Normandie"):
        with pytest.raises(ParameterProblems) as multi:
            resolve_parameters(playbook, {**samples, "commune": broken})
        assert multi.value.invalid == [
            ("commune", "string", "une seule ligne attendue / a single line expected")
        ]


def test_a_filter_given_the_wrong_value_is_a_lint_problem(tmp_path: Path) -> None:
    # « heure » wants a date; the commune is a name. A problem at the message, no traceback.
    added = "    hashtag: EauPotable\n    depuis: Depuis {{ commune|heure }}"
    text = SOURCE.replace("    hashtag: EauPotable", added, 1)
    found = problems_for(tmp_path, text)
    line = line_of(text, "commune|heure")
    assert any(f"pb.yml:{line}:" in p and "messages.fr.depuis" in p for p in found), found


def test_organisation_channel_settings_apply_under_the_playbook(tmp_path: Path) -> None:
    channels = tmp_path / "canaux.yml"
    channels.write_text("x:\n  limit: 100\nsms:\n  parts: 1\n", encoding="utf-8")
    library = PlaybookLibrary([BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES], channels)
    playbook = library.load("eau-non-potable").playbook
    assert playbook.channel_settings[Channel.X].limit == 100
    # The playbook's own settings win, field by field.
    text = SOURCE.replace("messages:\n", "channel_settings:\n  sms:\n    parts: 2\nmessages:\n", 1)
    own = tmp_path / "eau-non-potable.yml"
    own.write_text(text, encoding="utf-8")
    merged = load_playbook(
        own, [BUNDLED_TEMPLATES], render=False, organisation=library.channel_settings()
    ).playbook.channel_settings
    assert merged[Channel.SMS].parts == 2
    assert merged[Channel.X].limit == 100
    # An X limit of 100 makes the bundled texts too long: lint says so, at the phase.
    count, problems = library.lint()
    assert count == len(library.files())
    assert any("x.fr" in str(p) and "100" in str(p) for p in problems), problems


def test_organisation_channel_settings_mistakes_at_their_line(tmp_path: Path) -> None:
    channels = tmp_path / "canaux.yml"
    channels.write_text("mastodon:\n  limit: 1000\nfax:\n  parts: 2\nsms:\n  parts: 40\n")
    library = PlaybookLibrary([BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES], channels)
    _, problems = library.lint()
    found = [str(p) for p in problems]
    assert any("canaux.yml:3:" in p and "« fax »" in p for p in found), found
    assert any("canaux.yml:6:" in p and "15" in p for p in found), found
    with pytest.raises(PlaybookError):
        library.load("eau-non-potable")
