"""Playbook loading: every mistake is refused before any workflow starts, at its file and line."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.helpers import LIBRARY, crisis_input
from tocsin.config import BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES
from tocsin.models import (
    PACKED,
    Channel,
    CrisisRun,
    CrisisState,
    Draft,
    EventKind,
    Fact,
    Finding,
    Gate,
    HeldDraft,
    PhaseName,
    Publication,
    Severity,
    TimelineEvent,
)
from tocsin.playbook import ParameterProblems, PlaybookError, PlaybookLibrary, resolve_parameters
from tocsin.playbook.library import load_playbook
from tocsin.playbook.samples import sample_given, sample_request
from tocsin.preview import preview_drafts

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
    assert count >= 1
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


def test_crises_of_one_playbook_share_one_parsed_playbook() -> None:
    """A worker holding hundreds of crises of one playbook keeps one parsed copy of it: the
    crisis inputs read from their JSON payloads share it, a different playbook gets its own,
    and the shared copy cannot be changed by one crisis."""

    def read(run: CrisisRun) -> CrisisRun:
        return CrisisRun.model_validate_json(run.model_dump_json())

    first, second = (read(CrisisRun(crisis=crisis_input(f"c{n}"))) for n in (1, 2))
    assert first.crisis.crisis_id != second.crisis.crisis_id
    assert first.crisis.playbook is second.crisis.playbook
    assert first.crisis.playbook == crisis_input("c3").playbook
    other = read(CrisisRun(crisis=crisis_input("c4", playbook="inondation")))
    assert other.crisis.playbook is not first.crisis.playbook
    assert other.crisis.playbook.id == "inondation"
    slower = read(CrisisRun(crisis=crisis_input("c5", review_after=timedelta(days=7))))
    assert slower.crisis.playbook is not first.crisis.playbook  # same id, other content
    assert slower.crisis.playbook.review.after == timedelta(days=7)
    with pytest.raises(ValidationError, match="frozen"):
        first.crisis.playbook.title = "autre"  # type: ignore[misc]


def test_template_sources_travel_packed_in_a_crisis_input() -> None:
    """The sources snapshotted at trigger go into the workflow's input packed, come back the
    same, and an input recorded before (a plain mapping) still reads; a damaged snapshot is
    refused with the field named."""
    run = CrisisRun(crisis=crisis_input("packed"))
    sources = run.crisis.templates
    payload = json.loads(run.model_dump_json())
    packed = payload["crisis"]["templates"]
    assert isinstance(packed, str)
    assert packed.startswith(PACKED)
    assert len(packed) < len(json.dumps(sources, ensure_ascii=False)) / 2
    assert CrisisRun.model_validate_json(run.model_dump_json()).crisis.templates == sources
    assert payload["crisis"]["playbook"]["id"] == "eau-non-potable"  # the rest stays readable

    payload["crisis"]["templates"] = sources  # as recorded before the packing
    assert CrisisRun.model_validate(payload).crisis.templates == sources

    for damaged in (packed[:-40], PACKED + "pas du base64 !", "sans préfixe"):
        payload["crisis"]["templates"] = damaged
        with pytest.raises(ValidationError, match=r"crisis\.templates"):
            CrisisRun.model_validate(payload)


def test_the_state_a_run_hands_on_travels_packed() -> None:
    """The state carried into a new run (it grows with every follow-up) goes packed, comes back
    equal, and a state recorded before the packing (plain JSON) still reads."""
    moment = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    state = CrisisState(
        detected_at=moment,
        phase_index=4,
        follow_up_count=30,
        facts=[
            Fact(text=f"Point n°{n} : analyses en cours.", person="camille", added_at=moment)
            for n in range(30)
        ],
        events=[
            TimelineEvent(at=moment, kind=EventKind.PUBLISHED, detail=f"x.fr {n}")
            for n in range(200)
        ],
    )
    run = CrisisRun(crisis=crisis_input("carried"), state=state)
    payload = json.loads(run.model_dump_json())
    packed = payload["state"]
    assert isinstance(packed, str)
    assert packed.startswith(PACKED)
    assert len(packed) < len(state.model_dump_json()) / 4
    assert CrisisRun.model_validate_json(run.model_dump_json()).state == state

    payload["state"] = json.loads(state.model_dump_json())  # as recorded before the packing
    assert CrisisRun.model_validate(payload).state == state
    payload["state"] = packed[: len(packed) // 2]
    with pytest.raises(ValidationError, match=r"state"):
        CrisisRun.model_validate(payload)


def test_an_open_gate_holds_its_draft_packed() -> None:
    """A gate keeps its draft packed while it waits: a fraction of the parsed draft's memory,
    the fields every check reads at hand, the whole draft back equal on demand; its JSON (a
    gate carried into a new run) is the draft's own, as before the packing."""
    moment = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    (drafted,) = preview_drafts(
        LIBRARY.load("eau-non-potable"), LIBRARY.template_folders, {}, [PhaseName.ACKNOWLEDGE]
    )
    finding = Finding(
        rule="R-PII",
        severity=Severity.BLOCKING,
        channel=Channel.SMS,
        language="fr",
        message="numéro",
        message_en="number",
    )
    draft = Draft.model_validate_json(  # as the workflow receives it: from the activity's JSON
        drafted.model_copy(update={"findings": [finding]}).model_dump_json()
    )
    gate = Gate(
        phase=draft.phase,
        sequence=0,
        draft=draft,
        opened_at=moment,
        level_started_at=moment,
        last_reminder_at=moment,
    )
    held = gate.draft
    assert isinstance(held, HeldDraft)
    assert (held.phase, held.sequence, held.revision, held.author) == (
        draft.phase,
        draft.sequence,
        draft.revision,
        draft.author,
    )
    assert (held.drafted_at, held.next_update_at, held.findings) == (
        draft.drafted_at,
        draft.next_update_at,
        [finding],
    )
    opened = held.open()
    assert opened == draft
    assert opened.model_dump_json() == draft.model_dump_json()
    opened.texts.clear()  # a copy: the held draft does not change
    assert held.open() == draft

    # Memory: 50 held drafts against 50 parsed ones, each read from the same JSON.
    text = draft.model_dump_json()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        parsed = [Draft.model_validate_json(text) for _ in range(50)]
        parsed_size = tracemalloc.get_traced_memory()[0] - start
        del parsed
        start = tracemalloc.get_traced_memory()[0]
        kept = [HeldDraft(Draft.model_validate_json(text)) for _ in range(50)]
        held_size = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert len(kept) == 50
    assert held_size < parsed_size / 4, (held_size, parsed_size)

    payload = json.loads(gate.model_dump_json())
    assert payload["draft"] == json.loads(draft.model_dump_json())
    assert Gate.model_validate_json(gate.model_dump_json()) == gate
    state = CrisisState(detected_at=moment, open_gate=gate)
    run = CrisisRun(crisis=crisis_input("gate"), state=state)
    carried = CrisisRun.model_validate_json(run.model_dump_json()).state
    assert carried is not None
    assert carried.open_gate is not None
    assert carried.open_gate.draft.open() == draft
    plain = json.loads(state.model_dump_json())  # as a run recorded it before the packing
    assert CrisisState.model_validate(plain) == state


def test_records_alike_share_their_set_of_given_fields() -> None:
    """pydantic keeps on each instance the names of the fields it was given; a crisis's state
    gains about twenty records a phase. Records given the same fields share one set, and
    sharing never lets one instance's change show in another."""
    moment = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

    def publication(n: int) -> Publication:
        return Publication(
            phase=PhaseName.FOLLOW_UP,
            sequence=3,
            revision=7,
            channel=Channel.X,
            language="fr",
            path=f"crisis-eau-non-potable-commune-{n:04d}/5-follow_up-03/x.fr.txt",
            sha256=f"{n:064x}",
            published_at=moment,
            approved_by="dominique",
        )

    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        records = [publication(n) for n in range(1000)]
        events = [
            TimelineEvent(at=moment, kind=EventKind.PUBLISHED, detail="x.fr") for _ in range(1000)
        ]
        each = (tracemalloc.get_traced_memory()[0] - before) / 2000
    finally:
        tracemalloc.stop()
    # 1,310 and 1,090 bytes each with a set of their own (728 of it the set), 584 and 363 shared.
    assert each < 600
    assert len({id(r.model_fields_set) for r in records}) == 1
    assert len({id(e.model_fields_set) for e in events}) == 1
    assert events[0].model_fields_set == {"at", "kind", "detail"}
    # Read back from JSON (a carried state), they share it too.
    state = CrisisState(detected_at=moment, publications=records[:2], events=events[:2])
    again = CrisisState.model_validate_json(state.model_dump_json())
    assert again == state
    assert again.publications[1].model_fields_set is records[0].model_fields_set
    # Records are frozen: nothing can add to a shared set.
    with pytest.raises(ValidationError, match="frozen"):
        records[0].revision = 8  # type: ignore[misc]
    copied = events[0].model_copy(update={"person": "sacha"})
    assert copied.model_fields_set == {"at", "kind", "detail", "person"}
    assert events[1].model_fields_set == {"at", "kind", "detail"}
    # A model that can change shares only a set naming every field, which a change leaves whole.
    partial, other = CrisisState(detected_at=moment), CrisisState(detected_at=moment)
    assert partial.model_fields_set is not other.model_fields_set
    partial.phase_index = 2
    assert other.model_fields_set == {"detected_at"}
    assert (
        again.model_fields_set
        is CrisisState.model_validate_json(state.model_dump_json()).model_fields_set
    )
    again.phase_index = 3
    assert again.model_fields_set == set(CrisisState.model_fields)
