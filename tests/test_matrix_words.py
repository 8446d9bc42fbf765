"""The Matrix front end's plain parts, without a homeserver: its settings from the environment,
and how it reads what people type (untrusted: every field checked)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from tocsin.matrix import events
from tocsin.matrix.settings import MatrixSettings
from tocsin.models import Channel, Person


def test_settings_say_what_is_missing_and_never_show_the_token(tmp_path: Path) -> None:
    assert MatrixSettings.from_env({}) is None
    bad = MatrixSettings.from_env({"MATRIX_HOMESERVER": "matrix.example.org"})
    assert bad is not None
    problems = " | ".join(bad.problems())
    assert "MATRIX_HOMESERVER" in problems
    assert "MATRIX_USER_ID" in problems
    assert "MATRIX_ACCESS_TOKEN" in problems
    assert "TOCSIN_MATRIX_ROOM" in problems
    token = tmp_path / "token"
    token.write_text("syt_secret_value\n")
    good = MatrixSettings.from_env(
        {
            "MATRIX_HOMESERVER": "https://matrix.example.org/",
            "MATRIX_USER_ID": "@tocsin:example.org",
            "MATRIX_ACCESS_TOKEN_FILE": str(token),
            "TOCSIN_MATRIX_ROOM": "!abc123:example.org",
        }
    )
    assert good is not None
    assert good.problems() == []
    assert good.token == "syt_secret_value"
    assert good.homeserver == "https://matrix.example.org"
    assert "syt_secret_value" not in repr(good)
    # Room ids of room version 12 have no server part.
    assert good.model_copy(update={"room": "!Aj3_x-9Zq"}).problems() == []
    with pytest.raises(ValueError, match="ne se lit pas"):
        MatrixSettings.from_env(
            {"MATRIX_HOMESERVER": "https://m.example.org", "MATRIX_ACCESS_TOKEN_FILE": "/nope"}
        )


def test_a_person_s_matrix_id_is_checked() -> None:
    assert Person(name="D", matrix_user_id="@dominique.lefevre:agent.tchap.gouv.fr")
    for wrong in ("dominique", "@Dominique:x.org", "@d:", "@d:x.org/../", "@d:x.org\n"):
        with pytest.raises(ValidationError):
            Person(name="D", matrix_user_id=wrong)


def test_what_people_type_is_read_strictly() -> None:
    assert events.command("!tocsin approuver crisis-x-1") == ("approuver", "crisis-x-1")
    assert events.command("!TOCSIN Statut") == ("statut", "")
    assert events.command("!tocsinette approuver") is None
    assert events.command("bonjour !tocsin") is None
    assert events.changes("Modifications\u00a0: ajouter les horaires") == "ajouter les horaires"
    assert events.changes("modification: x") == "x"
    assert events.changes("Les modifications : plus tard") is None
    edits = events.edits("sms:fr=Eau non potable.\nsuite du texte\nx:fr=Autre")
    assert edits is not None
    assert [(e.channel, e.language, e.text) for e in edits] == [
        (Channel.SMS, "fr", "Eau non potable.\nsuite du texte"),
        (Channel.X, "fr", "Autre"),
    ]
    assert events.edits("Merci pour ce texte") is None
    with pytest.raises(events.BadEdits) as bad:
        events.edits("sms:fr=ok\ntelegram:fr=non")
    assert (bad.value.line, bad.value.text) == (2, "telegram")
    with pytest.raises(ValidationError):
        events.edits("sms:fr=" + "x" * 20_000)  # longer than an edit may be
    with pytest.raises(ValidationError):
        events.edits("sms:fr=")  # an empty text


def test_only_well_formed_events_are_read() -> None:
    reaction = {
        "type": "m.reaction",
        "content": {
            "m.relates_to": {"rel_type": "m.annotation", "event_id": "$abc", "key": "✅\ufe0f"}
        },
    }
    assert events.reaction(reaction) == events.Reaction("$abc", "✅")
    for content in ({}, {"m.relates_to": "x"}, {"m.relates_to": {"event_id": 3, "key": "✅"}}):
        assert events.reaction({"type": "m.reaction", "content": content}) is None
    reply: dict[str, Any] = {
        "type": "m.room.message",
        "content": {
            "msgtype": "m.text",
            "body": "> <@bot:x.org> la carte\n\nmodifications : plus court",
            "m.relates_to": {"m.in_reply_to": {"event_id": "$card"}},
        },
    }
    assert events.message(reply) == events.Message("modifications : plus court", "$card")
    edit = {**reply, "content": {**reply["content"], "m.new_content": {"body": "x"}}}
    assert events.message(edit) is None  # an edit is not a new decision
    notice = {"type": "m.room.message", "content": {"msgtype": "m.notice", "body": "x"}}
    assert events.message(notice) is None
