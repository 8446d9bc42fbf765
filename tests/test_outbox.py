"""The outbox writes each statement once, records it once, and survives a writer's death."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tocsin.models import Channel, PhaseName
from tocsin.outbox import OutboxConflict, read_journal, statement_path, write_once

ENTRY: dict[str, object] = {"crisis": "c", "channel": "sms"}


def test_paths_name_phase_channel_and_language(tmp_path: Path) -> None:
    c = "crisis-p-c"  # paths are built from crisis ids only (test_bounds: the others)
    path = statement_path(tmp_path, c, PhaseName.FOLLOW_UP, 3, Channel.WEBSITE, "de")
    assert path == tmp_path / c / "5-follow_up-03" / "website.de.html"
    drill = statement_path(tmp_path, c, PhaseName.ACKNOWLEDGE, 0, Channel.SMS, "fr", True)
    assert drill == tmp_path / "exercices" / c / "2-acknowledge" / "sms.fr.txt"


def test_second_write_of_same_text_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "c" / "2-acknowledge" / "sms.fr.txt"
    assert write_once(path, "Bonjour", ENTRY) is True
    assert write_once(path, "Bonjour", ENTRY) is False
    assert path.read_text(encoding="utf-8") == "Bonjour\n"
    assert len(read_journal(tmp_path / "c")) == 1


def test_other_text_at_the_same_path_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c" / "2-acknowledge" / "sms.fr.txt"
    write_once(path, "Bonjour", ENTRY)
    with pytest.raises(OutboxConflict):
        write_once(path, "Bonsoir", ENTRY)
    assert path.read_text(encoding="utf-8") == "Bonjour\n"


def test_retry_after_a_death_between_file_and_journal(tmp_path: Path) -> None:
    """The file was linked, then the writer died: the retry records it, once."""
    path = tmp_path / "c" / "2-acknowledge" / "sms.fr.txt"
    write_once(path, "Bonjour")  # no journal entry, as if killed right after the link
    leftover = path.with_name(".sms.fr.txt.4242.deadbeef.tmp")
    leftover.write_text("Bonj", encoding="utf-8")
    assert write_once(path, "Bonjour", ENTRY) is False
    assert write_once(path, "Bonjour", ENTRY) is False
    journal = read_journal(tmp_path / "c")
    assert [e["path"] for e in journal] == [str(path)]
    assert not leftover.exists()


def test_a_torn_journal_line_is_skipped_and_not_glued_to_the_next(tmp_path: Path) -> None:
    first = tmp_path / "c" / "2-acknowledge" / "sms.fr.txt"
    write_once(first, "Bonjour", ENTRY)
    journal = tmp_path / "c" / "journal.jsonl"
    with journal.open("a", encoding="utf-8") as handle:
        handle.write('{"crisis": "c", "pa')  # a writer killed mid-line
    second = tmp_path / "c" / "2-acknowledge" / "x.fr.txt"
    write_once(second, "Bonjour", ENTRY)
    assert [e["path"] for e in read_journal(tmp_path / "c")] == [str(first), str(second)]
    last = journal.read_text(encoding="utf-8").splitlines()[-1]
    assert json.loads(last)["path"] == str(second)
