"""Guardrails past their word lists, third round (issue 23, point 6): paraphrases the developers
wrote for this round (paraphrases.yml, none of them a writer's), each found by a move rather than
by a listed phrase (a body's conduct judged, what it should have done, where it was, inaction, a
camp's side taken, praise without a judging word, a record that paid off, the familiar
register's syntax, personal mailboxes and mobiles), and statements that look like them and must
stay clean (a FAQ's questions, both sides named, a strike announced, a free information line)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from tocsin.guardrails import CheckContext, check_text
from tocsin.models import Channel, Severity

SCORED = ("R-NEUTRAL", "R-ELECTION", "R-PRIVACY", "R-VOICE")
ENTRIES: list[dict[str, Any]] = yaml.safe_load(
    Path(__file__).with_name("paraphrases.yml").read_text(encoding="utf-8")
)["statements"]


def rules(text: str, lang: str, day: str) -> dict[str, str]:
    ctx = CheckContext(language=lang, on=date.fromisoformat(day), channel=Channel.FACEBOOK)
    found: dict[str, str] = {}
    for item in check_text(text, ctx):
        if item.rule in SCORED and (item.rule not in found or item.severity is Severity.BLOCKING):
            found[item.rule] = item.severity.value
    return found


def test_there_are_paraphrases_and_look_alikes() -> None:
    assert sum(1 for e in ENTRIES if e["expect"]) >= 80
    assert sum(1 for e in ENTRIES if not e["expect"]) >= 40


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(e, id=e["id"], marks=pytest.mark.xfail(reason=e["miss"], strict=True))
        if "miss" in e
        else pytest.param(e, id=e["id"])
        for e in ENTRIES
    ],
)
def test_paraphrase(entry: dict[str, Any]) -> None:
    """An entry with ``miss`` is a known miss of the rules, said rather than hidden."""
    found = rules(entry["text"], entry.get("lang", "fr"), entry.get("date", "2026-06-15"))
    if entry["expect"]:
        for rule, severity in entry["expect"].items():
            assert found.get(rule) == severity, (entry["text"], found)
    else:
        assert found == {}, (entry["text"], found)
