"""The review built from recorded histories: every figure against what the recording script
(tests/histories/record.py, ``review_crisis``) did, minute by minute."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
from collections import Counter
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import LIBRARY
from tests.histories.record import OVERRIDE
from tocsin.models import Channel, DecisionAction, PhaseName
from tocsin.review import HistoryError, Review, build_review, load_chain
from tocsin.review.history import RunHistory, previous_run
from tocsin.review.html import html
from tocsin.review.model import Kind, PhaseReview
from tocsin.review.plain import plain
from tocsin.review.report import markdown, summary
from tocsin.review.words import Words

HISTORIES = Path(__file__).parent / "histories"
CHAIN = sorted((HISTORIES / "revue").glob("run-*.json"))
CHANNELS = LIBRARY.load("eau-non-potable").playbook.channels
# The recording script's own steps take real time while the time-skipping server jumps from
# timer to timer; a status query sent while the crisis's gate moves to a new run goes unanswered
# and is asked again after 5 s (tests.helpers.status), twice in this recording. Allow 15 s.
SLACK = timedelta(seconds=15)


def about(value: timedelta | None, expected: timedelta, slack: timedelta = SLACK) -> bool:
    """Equal within ``slack`` (see SLACK)."""
    return value is not None and abs(value - expected) <= slack


@pytest.fixture(scope="module")
def runs() -> list[RunHistory]:
    shuffled = list(CHAIN)
    random.Random(7).shuffle(shuffled)  # the chain is put back in order from its own links
    return load_chain(shuffled)


@pytest.fixture(scope="module")
def review(runs: list[RunHistory]) -> Review:
    return build_review(runs)


def phase(review: Review, name: PhaseName, sequence: int = 0) -> PhaseReview:
    return next(p for p in review.phases if p.phase is name and p.sequence == sequence)


def minutes(review: Review, moment: datetime | None) -> timedelta:
    assert moment is not None
    return moment - review.detected_at


def test_the_chain_is_its_runs_in_order(runs: list[RunHistory], review: Review) -> None:
    count = len(CHAIN)  # 4 or 5 as recorded: the history limit cuts where the events fall
    assert count >= 3
    assert [r.end for r in review.runs] == ["continued"] * (count - 1) + ["completed"]
    assert [r.run_id for r in review.runs] == [r.run_id for r in runs]
    assert sum(r.events for r in review.runs) == sum(len(r.events) for r in runs)
    # Each run names the one it continues (the server's own link).
    for before, after in itertools.pairwise(runs):
        assert previous_run(after.events) == before.run_id
    continued = [e for e in review.events if e.kind is Kind.CONTINUED]
    assert [e.run for e in continued] == list(range(1, count))


def test_who_detected_and_how_it_ended(review: Review) -> None:
    assert review.status == "closed"
    assert review.detected_by.name == "Camille Martin"
    assert review.events[0].kind is Kind.DETECTED
    assert review.resolution == "Eau de nouveau potable."
    close = phase(review, PhaseName.CLOSE)
    assert review.closed_at is not None
    assert close.published_at is not None
    assert close.published_at <= review.closed_at
    assert [e.kind for e in review.events][-2:] == [Kind.CLOSED, Kind.REVIEWED]
    reviewed = review.events[-1]
    assert about(reviewed.at - review.closed_at, timedelta(days=7))  # the playbook's default


def test_acknowledge_escalation_change_request_and_override(review: Review) -> None:
    ack = phase(review, PhaseName.ACKNOWLEDGE)
    assert ack.outcome == "published"
    assert ack.revisions == [1, 2]
    assert ack.reminders == 1  # at T+10 min
    assert ack.escalations == 1  # at T+20 min
    assert ack.escalated_to == ["deputy_director"]
    assert ack.change_requests == 1
    assert ack.rejections == 0
    assert ack.overrides == 1
    assert ack.approver is not None
    assert ack.approver.name == "Sacha Benali"
    assert ack.approver.roles == ["deputy_director"]
    assert ack.approved_revision == 2
    # r1 waited 21 min for a decision, r2 4 min; the author took 5 min to revise.
    assert about(ack.approval_wait, timedelta(minutes=25))
    assert about(ack.revision_wait, timedelta(minutes=5))
    assert about(minutes(review, ack.approved_at), timedelta(minutes=30))
    assert ack.deadline is not None
    assert about(minutes(review, ack.deadline), timedelta(hours=1))
    assert ack.deadline_status == "met"
    at = {e.kind: minutes(review, e.at) for e in review.events if e.label == "acknowledge"}
    assert about(at[Kind.REMINDER], timedelta(minutes=10))
    assert about(at[Kind.ESCALATED], timedelta(minutes=20))
    assert about(at[Kind.CHANGES_REQUESTED], timedelta(minutes=21))
    assert about(at[Kind.REVISED], timedelta(minutes=26))
    revised = next(e for e in review.events if e.kind is Kind.REVISED)
    assert revised.who is not None
    assert revised.who.name == "Camille Martin"
    assert revised.detail == "Numéro retiré du SMS."
    assert [(d.channel, d.language) for d in revised.edits] == [(Channel.SMS, "fr")]
    assert "ne buvez pas l'eau du robinet" in revised.edits[0].before  # the template's SMS
    assert "06 12 34 56 78" in revised.edits[0].before
    assert revised.edits[0].after.startswith("Eau non potable : ne la buvez pas.")
    # The revision's findings are on its approval request: the number is still blocking.
    asked = [
        e for e in review.events if e.label == "acknowledge" and e.kind is Kind.APPROVAL_REQUESTED
    ]
    assert [e.revision for e in asked] == [1, 2]
    assert all(any(f.rule == "R-PRIVACY" for f in e.findings) for e in asked)
    assert [w.name for w in asked[0].to] == ["Dominique Lefèvre"]
    assert [w.name for w in asked[1].to] == ["Sacha Benali"]
    override = next(e for e in review.events if e.kind is Kind.OVERRIDDEN)
    assert override.label == "acknowledge"
    assert override.override is not None
    assert override.override.rules == ["R-PRIVACY"]
    assert override.override.justification == OVERRIDE
    assert override.who is not None
    assert override.who.name == "Sacha Benali"


def test_explain_waits_past_its_deadline(review: Review) -> None:
    explain = phase(review, PhaseName.EXPLAIN)
    assert explain.outcome == "published"
    assert explain.escalations == 1  # 30 min after the gate opened at T+30
    assert explain.reminders == 9  # T+45, then every 15 min after the escalation to T+3h
    assert explain.deadline_status == "missed"
    assert explain.deadline is not None
    assert about(minutes(review, explain.deadline), timedelta(hours=3))
    missed = [e for e in review.events if e.kind is Kind.DEADLINE_MISSED]
    assert len(missed) == 1
    assert about(minutes(review, missed[0].at), timedelta(hours=3))
    assert about(minutes(review, explain.approved_at), timedelta(hours=3, minutes=5))
    assert about(explain.approval_wait, timedelta(hours=2, minutes=35))
    assert explain.approver is not None
    assert explain.approver.name == "Sacha Benali"


def test_solutions_rejected_publishes_nothing(review: Review) -> None:
    solutions = phase(review, PhaseName.SOLUTIONS)
    assert solutions.outcome == "rejected"
    assert solutions.rejections == 1
    assert solutions.published_at is None
    assert solutions.deadline_status == "void"
    assert not [p for p in review.publications if p.phase is PhaseName.SOLUTIONS]
    rejected = next(e for e in review.events if e.kind is Kind.REJECTED)
    assert rejected.who is not None
    assert rejected.who.name == "Dominique Lefèvre"
    assert rejected.detail == "Solutions pas encore confirmées par l’ARS."


def test_follow_ups_and_the_edited_close(review: Review) -> None:
    first = phase(review, PhaseName.FOLLOW_UP, 1)
    second = phase(review, PhaseName.FOLLOW_UP, 2)
    assert about(first.approval_wait, timedelta(minutes=1))
    assert about(second.approval_wait, timedelta(minutes=2))
    assert first.deadline_status == second.deadline_status == "met"
    # The second follow-up started at the time the first one announced.
    assert first.announced is not None
    assert about(second.started_at - first.announced, timedelta(0))
    close = next(d for d in review.decisions if d.phase is PhaseName.CLOSE)
    assert close.action is DecisionAction.APPROVE_WITH_EDITS
    assert [e.channel for e in close.edits] == [Channel.SMS]
    assert close.edits[0].after == close.edits[0].before + " Merci à tous."
    published = next(
        p
        for p in review.publications
        if p.phase is PhaseName.CLOSE and p.channel is Channel.SMS and p.language == "fr"
    )
    assert published.text == close.edits[0].after


def test_figures(review: Review) -> None:
    figures = review.figures
    assert about(figures.to_first_approval, timedelta(minutes=30))
    assert about(figures.to_first_publication, timedelta(minutes=30))
    assert figures.statements == 5  # acknowledge, explain, two follow-ups, close
    assert figures.texts == 5 * len(CHANNELS)
    assert figures.per_channel == {c.value: 5 for c in sorted(CHANNELS, key=lambda c: c.value)}
    assert figures.revisions == 7
    assert figures.change_requests == 1
    assert figures.rejections == 1
    assert figures.escalations == 2
    assert figures.reminders == 10
    assert figures.overrides == 4  # the number stays in every statement but the close
    assert figures.refusals == 0
    assert figures.facts == 1
    assert (figures.deadlines_met, figures.deadlines_missed, figures.deadlines_open) == (3, 1, 0)
    assert figures.longest_wait_phase == "explain"
    assert figures.cadence == timedelta(hours=2)
    # Acknowledge and explain announced times that passed while explain waited for approval;
    # follow_up-02 came 2 min after its time; the close came before the last one.
    statuses = [(a.made_in, a.next_statement, a.status) for a in figures.announcements]
    assert statuses == [
        ("acknowledge", "explain", "late"),
        ("explain", "follow_up-01", "late"),
        ("follow_up-01", "follow_up-02", "kept"),
        ("follow_up-02", "close", "kept"),
    ]
    assert about(figures.announcements[2].delay, timedelta(minutes=2), timedelta(seconds=40))
    assert (figures.cadence_kept, figures.cadence_late, figures.cadence_missed) == (2, 2, 0)
    assert figures.longest_silence is not None
    assert about(figures.longest_silence, timedelta(hours=2, minutes=35))


def test_figures_agree_with_the_raw_history(runs: list[RunHistory], review: Review) -> None:
    """Counted again straight from the protobuf events, without the review's code."""
    kinds: Counter[str] = Counter()
    for run in runs:
        for event in run.events:
            if event.HasField("workflow_execution_update_accepted_event_attributes"):
                attrs = event.workflow_execution_update_accepted_event_attributes
                kinds[attrs.accepted_request.input.name] += 1
            if event.HasField("activity_task_completed_event_attributes"):
                kinds["completed"] += 1
            if event.HasField("activity_task_scheduled_event_attributes"):
                kinds[event.activity_task_scheduled_event_attributes.activity_type.name] += 1
    assert kinds["decide"] == len(review.decisions) + review.figures.refusals
    assert kinds["revise"] == 1
    assert kinds["add_fact"] == review.figures.facts
    assert kinds["resolve"] == 1
    assert kinds["publish_statement"] == sum(len(p.channels) for p in review.phases)
    assert kinds["review_crisis"] == 1


def test_published_texts_are_archived_whole(review: Review) -> None:
    assert len(review.publications) == review.figures.texts > 0
    for item in review.publications:
        assert item.text
        assert item.files
        assert item.sha256 == hashlib.sha256(item.text.encode("utf-8")).hexdigest()
        assert item.approved_by.name in ("Sacha Benali", "Dominique Lefèvre")


def test_a_crisis_still_running_is_reviewed_as_of_a_moment(runs: list[RunHistory]) -> None:
    whole = build_review(runs)
    moment = whole.detected_at + timedelta(minutes=100)
    partial = build_review(runs, as_of=moment)
    assert partial.status == "running"
    assert partial.as_of == moment
    assert all(e.at <= moment for e in partial.events)
    explain = phase(partial, PhaseName.EXPLAIN)
    assert explain.outcome == "open"
    assert explain.deadline_status == "open"
    assert about(explain.approval_wait, timedelta(minutes=70))  # since T+30, still counting
    assert [p.label for p in partial.phases if p.outcome == "published"] == ["acknowledge"]
    assert [a.status for a in partial.figures.announcements] == ["pending"]
    assert "toujours en cours" in summary(partial, lang="fr")
    assert "still running" in summary(partial, lang="en")


def test_an_older_history_without_the_review_timer(review: Review) -> None:
    older = build_review(load_chain([HISTORIES / "eau-non-potable-complete.json"]))
    assert older.status == "closed"
    assert len(older.runs) == 1
    ack = phase(older, PhaseName.ACKNOWLEDGE)
    # Notices recorded before they named the role asked: found from the recipient's roles.
    assert ack.escalated_to == ["deputy_director"]
    assert older.figures.change_requests == 1
    assert older.figures.statements == 5


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.ids: set[str] = set()
        self.external: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for name in ("src", "href"):
            if values.get(name):
                self.external.append(str(values[name]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_self_contained_and_complete(review: Review) -> None:
    page = _Page()
    page.feed(html(review, lang="fr"))
    assert page.external == []  # no script, no stylesheet, no image to fetch
    assert page.tags["script"] == 0
    assert {"summary", "timeline", "figures", "phases", "decisions", "cadence", "texts"} <= page.ids
    assert page.tags["article"] == len(review.publications) > 0
    body = "".join(page.text)
    for item in review.publications:
        assert plain(item.text) in body  # an HTML page by its words; any other text as it is
    assert OVERRIDE in body
    # People by their playbook name and role, never a Slack id: the review has no field for one.
    assert review.people
    assert {field for who in review.people for field in who.model_dump()} == {"id", "name", "roles"}
    assert "Sacha Benali (direction adjointe)" in body


def test_markdown_and_json(review: Review) -> None:
    text = markdown(review, lang="fr")
    assert text.startswith("# Retour d’expérience — Eau non potable")
    assert "| Phase | Issue |" in text
    assert len(re.findall(r"^`{3,}text$", text, re.MULTILINE)) == len(review.publications)
    assert "```diff" in text
    assert f"+ {review.decisions[-1].edits[0].after.splitlines()[0]}" in text
    again = Review.model_validate_json(review.model_dump_json())
    assert again == review
    data = json.loads(review.model_dump_json())
    assert data["figures"]["reminders"] == 10


def test_human_durations() -> None:
    words = Words("fr")
    nbsp = "\u00a0"
    assert words.duration(timedelta(minutes=125)) == f"2{nbsp}h{nbsp}05"
    assert words.duration(timedelta(hours=2)) == f"2{nbsp}h"
    assert words.duration(timedelta(minutes=59, seconds=40)) == f"1{nbsp}h"  # to the minute
    assert words.duration(timedelta(seconds=45)) == f"45{nbsp}s"
    assert words.duration(timedelta(minutes=3, seconds=4)) == f"3{nbsp}min{nbsp}04{nbsp}s"
    assert words.duration(-timedelta(minutes=90)) == f"-1{nbsp}h{nbsp}30"
    assert words.duration(timedelta(days=3, hours=4)) == f"3{nbsp}j{nbsp}4{nbsp}h"
    assert Words("de").duration(timedelta(days=3)) == f"3{nbsp}T."
    assert words.duration(None) == "-"


def test_bad_history_files_say_where(tmp_path: Path) -> None:
    broken = tmp_path / "run-1.json"
    broken.write_text('{"events": [\n  {"eventId": "1",\n  oops}\n]}', encoding="utf-8")
    with pytest.raises(HistoryError, match=r"run-1\.json:3:"):
        load_chain([broken])
    empty = tmp_path / "empty.json"
    empty.write_text('{"events": []}', encoding="utf-8")
    with pytest.raises(HistoryError, match="no events"):
        load_chain([empty])
    with pytest.raises(HistoryError, match="not one continue-as-new chain"):
        load_chain([CHAIN[0], CHAIN[2]])
