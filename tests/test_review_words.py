"""What the review says and how: the executive summary in prose, labels in place of codes, French
typography, the timeline's ticks, publications grouped by phase, the word diff, in fr, en and de,
over the recorded history of tests/histories/revue."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tocsin.models import Channel, DecisionAction, PhaseName
from tocsin.review import Review, build_review, load_chain
from tocsin.review.chart import chart, step_for, ticks
from tocsin.review.html import html
from tocsin.review.model import Kind
from tocsin.review.plain import plain
from tocsin.review.prose import executive
from tocsin.review.report import markdown, summary
from tocsin.review.tables import Cells, pieces, timeline
from tocsin.review.words import NBSP, NNBSP, Words, french_typography

CHAIN = sorted((Path(__file__).parent / "histories" / "revue").glob("run-*.json"))
LANGS = ("fr", "en", "de")
# Codes a person must never read in the review: roles, phases, actions, channels, events, keys.
CODES = re.compile(
    r"deputy_director|legal_adviser|communicator|follow_up|acknowledge|request_changes|"
    r"approve_with_edits|press_release|cell_broadcast|\b(?:event|review|action|refuse)\.\w+|"
    r"\bvia (?:cli|api)\b|approval_requested|changes_requested|phase_started|\bdetect\b"
)


@pytest.fixture(scope="module")
def review() -> Review:
    return build_review(load_chain(CHAIN))


class _Visible(HTMLParser):
    """The words a reader sees, without the published texts (kept as they were published)."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("pre", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "style", "title"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)


def visible(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join(parser.text)


def summary_section(page: str) -> str:
    found = re.search(r'<section id="summary">(.*?)</section>', page, re.S)
    assert found is not None
    return found.group(1)


# ---------------------------------------------------------------------- no code, every language


@pytest.mark.parametrize("lang", LANGS)
def test_no_code_or_key_reaches_the_reader(review: Review, lang: str) -> None:
    page = html(review, lang=lang)
    for shown in (visible(page), markdown(review, lang=lang), summary(review, lang=lang)):
        # The Markdown keeps the published texts in ```` blocks: those are the public's words.
        shown = re.sub(r"````text\n.*?\n````", "", shown, flags=re.S)
        assert CODES.findall(shown) == [], lang
    assert 'lang="' + lang + '"' in page


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_the_review_asks_for_is_missing(review: Review, lang: str) -> None:
    words = Words(lang, review.timezone)
    said = executive(review, words)
    cells = Cells(review, words)
    for line in timeline(review, cells):
        assert line.text
    chart(review, words, lambda e: "")
    for event in review.events:
        if event.phase is not None:
            words.phase(event.phase, event.sequence)
    for channel in Channel:
        words.channel(channel)
    for action in DecisionAction:
        words.action(action)
    assert said.phases
    assert words.missing == set()


def test_labels_in_place_of_codes() -> None:
    fr, en, de = (Words(lang) for lang in LANGS)
    assert fr.phase(PhaseName.FOLLOW_UP, 1) == f"Point de situation n°{NBSP}1"
    assert en.phase(PhaseName.FOLLOW_UP, 2) == "Update no. 2"
    assert de.phase(PhaseName.ACKNOWLEDGE) == "Erste Meldung"
    assert fr.role("deputy_director") == "direction adjointe"
    assert fr.role("press_officer") == "press officer"  # a role of its own, in words
    assert fr.action(DecisionAction.REQUEST_CHANGES) == "demande de modifications"
    assert fr.channel(Channel.PRESS_RELEASE) == "Communiqué de presse"
    assert fr.rule("R-PRIVACY") == "données personnelles (R-PRIVACY)"
    assert fr.via("cli") == "ligne de commande"


# ---------------------------------------------------------------------- French typography


def test_french_typography() -> None:
    assert french_typography("État : close ; « oui » ! n° 2 ?") == (
        f"État{NBSP}: close{NNBSP}; «{NNBSP}oui{NNBSP}»{NNBSP}! n°{NBSP}2{NNBSP}?"
    )
    nbsp = NBSP
    words = Words("fr")
    at = datetime(2026, 12, 2, 13, 43, 5, tzinfo=UTC)  # 14 h 43 in Paris
    assert words.clock(at) == f"14{nbsp}h{nbsp}43"
    assert words.clock(at.replace(minute=0)) == f"14{nbsp}h"
    assert words.clock(at, seconds=True) == f"14{nbsp}h{nbsp}43{nbsp}min{nbsp}05{nbsp}s"
    assert Words("de").moment(at) == f"am Mittwoch,{nbsp}2.{nbsp}Dezember{nbsp}2026 um 14:43 Uhr"


def test_the_french_page_has_french_spaces(review: Review) -> None:
    """No ordinary space before : ; ! ? nor inside « » in anything the review writes; no time or
    duration split over two lines (no-break spaces inside)."""
    text = visible(html(review, lang="fr"))
    assert re.findall(r" [:;!?]|« | »", text) == []
    assert re.findall(r"\d h \d|\d min\b", text) == []
    assert f"9{NBSP}h{NBSP}40" in text


# ---------------------------------------------------------------------- the executive summary


def test_the_summary_is_prose_with_the_facts(review: Review) -> None:
    page = html(review, lang="fr")
    section = summary_section(page)
    assert "<pre" not in section
    assert section.count("<li>") == sum(1 for p in review.phases if p.outcome != "internal")
    said = visible(section).replace(NBSP, " ").replace(NNBSP, " ")
    assert "détectée le jeudi 4 mars 2027 à 9 h 10 par Camille Martin" in said
    assert "Le premier message au public est parti à 9 h 40, 30 min après la détection" in said
    assert "Premier message : approuvé à 9 h 40 par Sacha Benali (direction adjointe)" in said
    assert "Échéance : 10 h 10 (1 h après la détection), tenue avec 30 min d’avance" in said
    assert "Explications : approuvé à 12 h 15" in said
    assert "Échéance : 12 h 10 (3 h après la détection), manquée de 5 min" in said
    assert "Solutions : rejeté à 12 h 15 par Dominique Lefèvre (direction)" in said
    assert "Point de situation n° 1 : approuvé à 12 h 16" in said
    assert "déclarée résolue à 14 h 17 par Camille Martin" in said
    assert "close à 14 h 17, 5 h 07 après la détection" in said


@pytest.mark.parametrize(
    ("lang", "facts"),
    [
        ("en", ["went out at 09:40, 30 min after detection", "missed by 5 min", "closed at 14:17"]),
        ("de", ["um 09:40 Uhr hinaus", "um 5 min verpasst", "um 14:17 Uhr abgeschlossen"]),
    ],
)
def test_the_summary_in_english_and_german(review: Review, lang: str, facts: list[str]) -> None:
    said = visible(summary_section(html(review, lang=lang))).replace(NBSP, " ")
    for fact in facts:
        assert fact in said, (lang, fact)


def test_a_cancelled_and_a_running_crisis_end_their_summary_honestly(review: Review) -> None:
    words = Words("fr", review.timezone)
    cancelled = review.model_copy(update={"status": "cancelled", "cancel_reason": "Fausse alerte."})
    assert executive(cancelled, words).closing[-1].startswith("La crise a été annulée")
    moment = review.detected_at + timedelta(minutes=100)
    running = build_review(load_chain(CHAIN), as_of=moment)
    said = executive(running, words)
    assert said.closing[-1].startswith("La crise est toujours en cours")
    assert any("en attente d’approbation depuis" in p for p in said.phases)


# ---------------------------------------------------------------------- the timeline chart


@pytest.mark.parametrize(
    ("span", "step"),
    [
        (timedelta(seconds=20), timedelta(seconds=5)),
        (timedelta(minutes=25), timedelta(minutes=5)),
        (timedelta(hours=5, minutes=8), timedelta(hours=1)),
        (timedelta(days=3), timedelta(hours=12)),
        (timedelta(days=12), timedelta(days=2)),
    ],
)
def test_ticks_fall_on_round_steps_for_the_crisis_s_span(span: timedelta, step: timedelta) -> None:
    assert step_for(span) == step
    start = datetime(2026, 12, 2, 13, 43, 7, tzinfo=UTC)
    found = ticks(start, start + span, Words("fr"))
    assert 3 <= len(found) <= 8
    for a, b in itertools.pairwise(found):
        assert b.at - a.at == step or step >= timedelta(days=1)
    assert all(start <= t.at <= start + span for t in found)


def test_ticks_are_in_the_crisis_s_time_zone() -> None:
    start = datetime(2026, 12, 2, 13, 43, tzinfo=UTC)
    paris = ticks(start, start + timedelta(hours=5), Words("fr", "Europe/Paris"))
    reunion = ticks(start, start + timedelta(hours=5), Words("fr", "Indian/Reunion"))
    assert [t.label for t in paris][:2] == [f"15{NBSP}h", f"16{NBSP}h"]
    assert [t.label for t in reunion][:2] == [f"18{NBSP}h", f"19{NBSP}h"]
    assert paris[0].day  # the first tick says the day
    days = ticks(start, start + timedelta(days=3), Words("en", "Europe/Paris"))
    shown = [t.day.replace(NBSP, " ") for t in days if t.day]
    assert shown == ["Thu 3 Dec", "Fri 4 Dec", "Sat 5 Dec"]


def test_the_chart_has_ticks_a_start_and_an_end(review: Review) -> None:
    svg = chart(review, Words("fr", review.timezone), lambda e: "")
    labels = re.findall(r'<text class="tick" [^>]*>([^<]+)</text>', svg)
    assert labels == [f"{h}{NBSP}h" for h in (10, 11, 12, 13, 14)]
    start = re.search(r'<g class="bound start">.*?<text[^>]*>([^<]+)</text>', svg)
    end = re.search(r'<g class="bound end">.*?<text[^>]*>([^<]+)</text>', svg)
    assert start is not None
    assert start.group(1) == f"Détection 9{NBSP}h{NBSP}10"
    assert end is not None
    assert end.group(1) == f"Clôture 14{NBSP}h{NBSP}17"


# ---------------------------------------------------------------------- texts and changes


def test_publications_are_grouped_per_phase(review: Review) -> None:
    page = html(review, lang="fr")
    texts = page[page.index('<section id="texts">') :]
    titles = re.findall(r'<section class="phase-texts">\s*<h3>([^<]+)</h3>', texts)
    published = [p for p in review.phases if p.outcome == "published"]
    words = Words("fr")
    assert titles == [words.phase(p.phase, p.sequence) for p in published]
    for group in texts.split('<section class="phase-texts">')[1:]:
        assert group.count("<article") == len(CHANNELS_OF_THE_PLAYBOOK)
    assert "&lt;!DOCTYPE" not in texts  # a poster or a web page shown by its words, not its source


CHANNELS_OF_THE_PLAYBOOK = (
    "x",
    "facebook",
    "sms",
    "website",
    "press_release",
    "hotline",
    "poster",
    "radio",
)


def test_a_change_shows_what_changed_word_by_word() -> None:
    before = "Laissez-la couler 2 min avant de la boire."
    after = before + " Merci à tous."
    assert pieces(before, after) == [("same", before), ("added", " Merci à tous.")]
    rewritten = pieces("Cause : une contamination.", "Eau non potable à Saint-Aubin.")
    assert rewritten[0] == ("removed", "Cause : une contamination.")
    assert rewritten[-1] == ("added", "Eau non potable à Saint-Aubin.")


def test_the_review_shows_each_rewrite(review: Review) -> None:
    page = html(review, lang="fr")
    changes = page[page.index('<section id="changes">') : page.index('<section id="cadence">')]
    assert changes.count('<div class="change">') == 2  # the author's revision, the close's edit
    assert "<ins> Merci à tous.</ins>" in changes
    assert "Camille Martin réécrit SMS (Premier message, révision" in changes


def test_an_html_text_is_shown_by_its_words() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head>"
        "<body><h1>Eau non potable</h1><ul><li>Ne buvez pas.</li><li>Infos : 0 800</li></ul>"
        "<p>Fin &amp; suite</p></body></html>"
    )
    assert plain(page) == "Eau non potable\n• Ne buvez pas.\n• Infos : 0 800\nFin & suite"
    assert plain("Un SMS : <pas du HTML>") == "Un SMS : <pas du HTML>"


def test_a_refusal_is_told_in_words(review: Review) -> None:
    """A decision the workflow refused after accepting it: its reason from the catalogue."""
    from tocsin.review.model import Event, Refusal, Who
    from tocsin.review.tables import describe

    event = Event(
        at=review.detected_at,
        kind=Kind.REFUSED,
        run=1,
        event_id=1,
        who=Who(id="camille", name="Camille Martin", roles=["communicator"]),
        update="decide",
        action=DecisionAction.APPROVE,
        refusal=Refusal(code="SelfApproval", params={"person": "camille", "revision": "1"}),
        detail="camille est l’auteur … / camille wrote …",
    )
    said = describe(event, Words("de"))
    assert "Vier-Augen-Prinzip" in said
    assert "Freigabe" in said
    assert " / " not in said
