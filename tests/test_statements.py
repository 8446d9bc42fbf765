"""Statements: every bundled playbook drafts every channel and language and fits; parameters and
facts can never become template code."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from html.parser import HTMLParser

import gsm0338  # noqa: F401  (registers the gsm03.38 codec)
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import LIBRARY
from tocsin.channels import HTML_CHANNELS, profile
from tocsin.models import PHASE_ORDER, Channel, PhaseName
from tocsin.playbook import LoadedPlaybook
from tocsin.preview import preview_drafts
from tocsin.sandbox import ENVIRONMENTS_KEPT, environments_for

PLAYBOOKS = sorted(LIBRARY.files())
NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def test_the_bundled_library_is_there() -> None:
    assert "eau-non-potable" in PLAYBOOKS


def test_a_snapshot_is_compiled_once_while_it_is_among_the_last_kept() -> None:
    """Found by content, not by the mapping that carries it; the oldest goes past the bound."""
    sources = {"sms/default.j2": "Eau non potable à {{ commune }}."}
    first = environments_for(sources)
    assert environments_for(dict(sources)) is first
    assert environments_for({**sources, "sms/default.j2": "Autre texte."}) is not first
    for n in range(ENVIRONMENTS_KEPT):
        environments_for({"sms/default.j2": f"Texte {n}"})
    assert environments_for(sources) is not first


@pytest.mark.parametrize("playbook_id", PLAYBOOKS)
@pytest.mark.parametrize("exercise", [False, True], ids=["real", "exercise"])
@pytest.mark.parametrize(
    "facts", [[], ["Les analyses de 14 h sont conformes."]], ids=["no-fact", "fact"]
)
def test_every_phase_channel_and_language_renders_and_fits(
    playbook_id: str, exercise: bool, facts: list[str]
) -> None:
    loaded = LIBRARY.load(playbook_id)
    playbook = loaded.playbook
    phases = [p for p in PHASE_ORDER if playbook.statement_templates(p)]
    drafts = preview_drafts(
        loaded,
        LIBRARY.template_folders,
        {},
        phases,
        exercise=exercise,
        now=NOW,
        facts=facts,
    )
    assert phases
    assert [d.phase for d in drafts] == phases
    for draft in drafts:
        expected = {
            (channel, language)
            for channel in playbook.statement_templates(draft.phase)
            for language in playbook.languages
        }
        assert {(t.channel, t.language) for t in draft.texts} == expected
        for item in draft.texts:
            assert item.measure is not None
            where = f"{playbook_id} {draft.phase.value} {item.channel.value}.{item.language}"
            assert item.measure.fits, (where, item.measure.problems, item.text)
            assert item.text.strip(), where
            assert "{{" not in item.text, where
            assert "{%" not in item.text, where
            if exercise:
                assert any(label in item.text for label in ("EXERCICE", "EXERCISE", "ÜBUNG"))
            if item.channel in (Channel.SMS, Channel.CELL_BROADCAST):
                # Typography (« – », « ’ », « » », the drill label's dash) is made GSM-7 so that
                # it never doubles the cost; a letter such as « ô » or a sign such as « ° » may
                # still need UCS-2 on SMS (the count then says so).
                outside = {c for c in item.text if not _gsm7(c)}
                assert not outside & set(TYPOGRAPHY), (where, outside)
                if item.channel is Channel.CELL_BROADCAST:
                    assert not any(c.isalpha() for c in outside), (where, outside)
            if draft.phase is not PhaseName.CLOSE and item.channel is not Channel.CELL_BROADCAST:
                # Every statement but the last announces when the next one comes.
                assert any(
                    word in item.text
                    for word in (
                        "Prochain point",
                        "nouveau point",
                        "Next update",
                        "new update",
                        "Nächste",
                        "erneut",
                    )
                ), where


TYPOGRAPHY = "\u2019\u2018\u201c\u201d\u00ab\u00bb\u202f\u00a0\u2009\u2013\u2014\u2026\u0153"


def _gsm7(char: str) -> bool:
    try:
        char.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True


def test_facts_appear_in_the_next_statements() -> None:
    loaded = LIBRARY.load("eau-non-potable")
    fact = "Les écoles rouvrent lundi."
    drafts = preview_drafts(
        loaded,
        LIBRARY.template_folders,
        {},
        [PhaseName.EXPLAIN, PhaseName.FOLLOW_UP],
        facts=[fact],
        now=NOW,
    )
    explain, follow_up = drafts
    assert fact in (explain.text_for(Channel.WEBSITE, "fr") or "")
    for channel in (Channel.X, Channel.SMS, Channel.WEBSITE, Channel.HOTLINE, Channel.RADIO):
        assert fact in (follow_up.text_for(channel, "fr") or ""), channel


def test_the_press_release_is_numbered_and_dated() -> None:
    loaded = LIBRARY.load("eau-non-potable")
    drafts = preview_drafts(
        loaded,
        LIBRARY.template_folders,
        {},
        [PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN],
        now=NOW,
    )
    first = drafts[0].text_for(Channel.PRESS_RELEASE, "fr") or ""
    second = drafts[1].text_for(Channel.PRESS_RELEASE, "fr") or ""
    assert first.startswith("# Communiqué de presse n°1 – ")
    assert second.startswith("# Communiqué de presse n°2 – ")
    # Dated, in the playbook's time zone, with French typography.
    assert "mardi 24 novembre 2026 à 9\u202fh\u202f00" in first


# --------------------------------------------------------------------------- injection

HOSTILE = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in range(10**9) %}x{% endfor %}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "{# commentaire #}",
    "&lt;déjà échappé&gt;",
]


@functools.cache
def _water() -> LoadedPlaybook:
    return LIBRARY.load("eau-non-potable")


def draft_with(value: str, fact: str) -> dict[tuple[Channel, str], str]:
    """A follow-up drafted with ``value`` as the commune and the sector, and ``fact`` added."""
    (draft,) = preview_drafts(
        _water(),
        LIBRARY.template_folders,
        {"commune": value, "secteur": value},
        [PhaseName.FOLLOW_UP],
        facts=[fact],
        now=NOW,
    )
    return {(t.channel, t.language): t.text for t in draft.texts}


class _Page(HTMLParser):
    """The tags and the visible text of an HTML fragment, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("hostile", HOSTILE)
def test_template_syntax_in_parameters_and_facts_is_inert_text(hostile: str) -> None:
    texts = draft_with(hostile, hostile)
    # Both kinds are checked: HTML channels (website, press release) and plain ones.
    assert {channel for channel, _ in texts} & HTML_CHANNELS
    assert {channel for channel, _ in texts} - HTML_CHANNELS
    for (channel, _), text in texts.items():
        if channel in HTML_CHANNELS:
            page = _Page()
            page.feed(text)
            page.close()
            assert _words(hostile) in _words("".join(page.text)), channel
            assert not page.tags & {"script", "img"}, channel
            assert "<script>" not in text
            assert "<img" not in text
        else:
            # Plain channels show it as written (SMS turns typography plain, nothing more).
            assert profile(channel).prepare(hostile) in text, channel
        assert "uid=" not in text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    # A parameter is one line (a multi-line one is refused with a clear message, tested in
    # test_playbooks); a fact may be several.
    value=st.text(min_size=1, max_size=80).filter(
        lambda s: s.strip() and s.strip().splitlines() == [s.strip()] and "\x00" not in s
    ),
    fact=st.text(min_size=1, max_size=80).filter(lambda s: s.strip() and "\x00" not in s),
)
def test_any_parameter_text_renders_without_crash_or_code(value: str, fact: str) -> None:
    texts = draft_with(value.strip(), fact.strip())
    page = _Page()
    page.feed(texts[(Channel.WEBSITE, "fr")])
    page.close()
    # No tag that a parameter or a fact brought: only the template's own.
    assert page.tags <= {"article", "h2", "h3", "p", "ul", "li"}, page.tags
    # And the reader sees exactly what was typed, as text.
    shown = _words("".join(page.text))
    assert _words(fact) in shown
    assert _words(value) in shown
    assert _words(fact) in _words(texts[(Channel.HOTLINE, "fr")])
