"""Statements: every bundled playbook drafts every channel and language and fits; parameters and
facts can never become template code; and every bundled text is one a communication director
would sign (issue 23): who speaks, what happens and where, the contact kept to the last, the day
of the next update, correct GSM-7 French, scripts for the ear, the press contact, the fact before
the rumour, no capitals, French typography, and a plainer variant that keeps every fact."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import gsm0338  # noqa: F401  (registers the gsm03.38 codec)
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.helpers import LIBRARY
from tocsin import sandbox
from tocsin.channels import HTML_CHANNELS, ChannelSettings, markdown_to_html, profile
from tocsin.channels.messaging import gsm7_septets, outside_gsm7, plain
from tocsin.channels.spoken import for_the_ear
from tocsin.guardrails import CheckContext, check_text, checked_draft, easy_read
from tocsin.i18n.formats import DAYS, MONTHS
from tocsin.mdescape import visible
from tocsin.models import PHASE_ORDER, Channel, DraftRequest, PhaseName, Severity
from tocsin.models.playbook import PressContact
from tocsin.playbook import LoadedPlaybook
from tocsin.preview import preview_drafts, preview_requests, publishing_phases
from tocsin.render import SHORTER, draft_slots, prepared_text, render_draft
from tocsin.sandbox import ENVIRONMENTS_KEPT, SnapshotLoader, build_environment, environments_for
from tocsin.typography import NBSP, NNBSP, typeset

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
    assert first.startswith(f"# Communiqué de presse n°{NBSP}1 – ")
    assert second.startswith(f"# Communiqué de presse n°{NBSP}2 – ")
    # Dated, in the playbook's time zone, with French typography.
    assert "*mardi 24 novembre 2026 à 9\u202fh*" in first


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
        if channel in HTML_CHANNELS or channel is Channel.PRESS_RELEASE:
            # The press release is Markdown: read as its HTML rendering (tests/hostile too).
            shown = markdown_to_html(text) if channel is Channel.PRESS_RELEASE else text
            page = _Page()
            page.feed(shown)
            page.close()
            assert _words(hostile) in _words("".join(page.text)), channel
            assert not page.tags & {"script", "img"}, channel
            assert "<script>" not in shown
            assert "<img" not in shown
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
    # And the reader sees what was typed, as text, set in French typography (« 0» » is shown
    # « 0 » », with a narrow no-break space) and, on the hotline, written for the ear.
    # (HTML drops control characters: they are never words.)
    shown = _words("".join(page.text))
    assert _words(typeset(visible(fact.strip()), "fr")) in shown
    assert _words(typeset(visible(value.strip()), "fr")) in shown
    said = for_the_ear(typeset(fact.strip(), "fr"), "fr", "le site de la mairie")
    assert _words(said) in _words(texts[(Channel.HOTLINE, "fr")])


# --------------------------------------------------------------------------- every bundled text
#
# Every bundled playbook, phase, channel and language, drafted with the playbook's examples in
# the morning and late in the evening (so that most next updates fall on the next day), and for
# the short channels both variants: what a director signs must hold in each.

LATE = datetime(2026, 11, 24, 21, 47, tzinfo=UTC)  # 22 h 47 in Paris: odd minutes too
SHORT = (Channel.X, Channel.MASTODON, Channel.BLUESKY, Channel.SMS, Channel.CELL_BROADCAST)
GSM = (Channel.SMS, Channel.CELL_BROADCAST)
SPOKEN = (Channel.HOTLINE, Channel.RADIO)

# What happens, per playbook and language: words, or « $parameter » for a parameter's value;
# where it happens: the parameters that name the place (the sender counts: « Mairie de … »).
WHAT: dict[str, dict[str, tuple[str, ...]]] = {
    "accident-industriel": {"fr": ("incendie", "accident", "mise à l'abri", "$evenement")},
    "canicule": {"fr": ("canicule",)},
    "cyberattaque": {"fr": ("cyberattaque",)},
    "eau-non-potable": {"fr": ("eau du robinet", "l'eau")},
    "inondation": {"fr": ("inondation", "crue")},
    "panne-service-public": {
        "fr": ("indisponible", "panne", "fonctionne"),
        "de": ("nicht verfügbar", "Störung", "funktioniert"),
        "en": ("unavailable", "outage", "working"),
    },
    "rumeur-desinformation": {"fr": ("$fait_titre", "$verite")},
}
WHERE = {
    "accident-industriel": ("site_industriel", "zone"),
    "canicule": ("territoire",),
    "cyberattaque": ("commune",),
    "eau-non-potable": ("secteur", "commune"),
    "inondation": ("territoire", "quartiers"),
    "panne-service-public": ("service",),
    "rumeur-desinformation": ("commune",),
}
TOMORROW = {"fr": "demain", "en": "tomorrow", "de": "morgen"}
ANNOUNCE = {"fr": "Prochain point", "en": "Next update", "de": "Nächste Info"}
ANNOUNCE_SAID = {"fr": "nouveau point", "en": "new update", "de": "informieren Sie erneut"}
PRESS = {"fr": "Contact presse", "en": "Press contact", "de": "Pressekontakt"}


@dataclass(frozen=True)
class Walked:
    playbook: str
    request: DraftRequest
    channel: Channel
    language: str
    short: int  # the template's « court »: 0, 1 or 2
    text: str

    @property
    def where(self) -> str:
        variant = f" (court={self.short})" if self.short else ""
        moment = f"{self.request.now:%H:%M}"
        return (
            f"{self.playbook} {self.request.phase.value} {self.channel.value}.{self.language}"
            f"{variant} à {moment} UTC"
        )

    def param(self, name: str) -> str:
        return str(self.request.params[name])


@functools.cache
def walk() -> tuple[Walked, ...]:
    found = []
    for name in PLAYBOOKS:
        loaded = LIBRARY.load(name)
        for moment in (NOW, LATE):
            requests = preview_requests(
                loaded, LIBRARY.template_folders, {}, publishing_phases(loaded), now=moment
            )
            for request in requests:
                for slot in draft_slots(request):
                    for short in SHORTER if slot.channel in SHORT else (0,):
                        text = prepared_text(
                            slot.env,
                            slot.template,
                            slot.context,
                            slot.channel,
                            slot.language,
                            False,
                            short=short,
                        )
                        found.append(
                            Walked(name, request, slot.channel, slot.language, short, text)
                        )
    return tuple(found)


def test_the_walk_covers_every_playbook_phase_channel_language_and_both_variants() -> None:
    walked = walk()
    assert {w.playbook for w in walked} == set(PLAYBOOKS)
    assert {w.language for w in walked} == {"fr", "en", "de"}
    assert {w.channel for w in walked} == set(Channel)
    assert {w.request.phase for w in walked} == set(PHASE_ORDER) - {PhaseName.DETECT}
    assert {w.short for w in walked if w.channel in SHORT} == set(SHORTER)
    assert set(WHAT) == set(WHERE) == set(PLAYBOOKS)


def seen(text: str, channel: Channel) -> str:
    """The text as a reader sees it, spaces and apostrophes made plain for comparison."""
    if channel in HTML_CHANNELS:
        text = html.unescape(re.sub(r"<head\b.*?</head>|<[^>]+>", " ", text, flags=re.DOTALL))
    text = text.replace("\u2019", "'").replace(NNBSP, " ").replace(NBSP, " ")
    return " ".join(text.split())


def plain_value(value: str, channel: Channel) -> str:
    return seen(plain(value) if channel in GSM else value, channel)


def defects(check: Callable[[Walked], str | None]) -> list[tuple[str, str, str]]:
    """Every text the check finds at fault: where, why, and the text."""
    out = []
    for walked in walk():
        why = check(walked)
        if why:
            out.append((walked.where, why, walked.text))
    return out


def _who_what_where(w: Walked) -> str | None:
    shown = seen(w.text, w.channel).lower()
    if plain_value(w.param("emetteur"), w.channel).lower() not in shown:
        return "ne dit pas qui parle"
    what = [
        plain_value(w.param(word[1:]) if word.startswith("$") else word, w.channel).lower()
        for word in WHAT[w.playbook][w.language]
    ]
    if not any(word in shown for word in what):
        return f"ne dit pas ce qui se passe ({', '.join(what)})"
    places = [plain_value(w.param(name), w.channel).lower() for name in WHERE[w.playbook]]
    if not any(place in shown for place in places):
        return f"ne dit pas où ({', '.join(places)})"
    return None


def test_every_text_names_who_speaks_what_happens_and_where() -> None:
    assert defects(_who_what_where) == []


def _contact_kept(w: Walked) -> str | None:
    if w.channel not in SHORT:
        return None
    shown = seen(w.text, w.channel)
    contacts = [plain_value(w.param(name), w.channel) for name in ("hotline", "site")]
    return None if any(c in shown for c in contacts) else "ni numéro ni site"


def test_short_texts_keep_the_hotline_or_the_site_in_both_variants() -> None:
    assert defects(_contact_kept) == []


def _day_named(w: Walked) -> str | None:
    next_update = w.request.next_update_at
    if next_update is None or w.channel is Channel.CELL_BROADCAST:
        return None
    zone = ZoneInfo(w.request.playbook.timezone)
    now, then = w.request.now.astimezone(zone), next_update.astimezone(zone)
    days = (then.date() - now.date()).days
    if days == 0 and then - now <= timedelta(hours=12):
        return None
    shown = seen(w.text, w.channel)
    said = ANNOUNCE_SAID if w.channel in SPOKEN else ANNOUNCE
    at = shown.find(said[w.language])
    if at < 0:
        return "n’annonce pas le prochain point"
    window = shown[at : at + 60]
    # The weekday, or « demain » for the next day.
    days_named = [DAYS[w.language][then.weekday()]] + ([TOMORROW[w.language]] if days == 1 else [])
    if any(day in window for day in days_named):
        return None
    return f"prochain point sans « {' » ni « '.join(days_named)} » : {window}"


def test_a_next_update_on_another_day_names_the_day() -> None:
    walked = walk()
    # Both cases are met: next updates the same day and on the next day.
    assert any(w.request.next_update_at and w.request.now.hour == 21 for w in walked)
    assert defects(_day_named) == []


@pytest.mark.parametrize(
    ("now", "then", "court", "ecrit", "oral"),
    [
        ("2026-12-01T09:00", "2026-12-01T10:00", "à 10\u202fh", "mardi 1er décembre à 10\u202fh",
         "à 10 heures"),
        ("2026-12-01T22:30", "2026-12-02T08:25", "demain à 8\u202fh\u202f25",
         "mercredi 2 décembre à 8\u202fh\u202f25", "demain à 8 heures 25"),
        ("2026-12-01T08:00", "2026-12-03T08:00", "jeudi 3 décembre à 8\u202fh",
         "jeudi 3 décembre à 8\u202fh", "jeudi 3 décembre à 8 heures"),
        ("2026-12-01T00:30", "2026-12-01T13:00", "aujourd’hui à 13\u202fh",
         "mardi 1er décembre à 13\u202fh", "aujourd’hui à 13 heures"),
        ("2026-12-01T09:00", "2026-12-01T12:00", "à 12\u202fh", "mardi 1er décembre à 12\u202fh",
         "à midi"),
    ],
)  # fmt: skip
def test_when_the_next_update_comes_in_french(
    now: str, then: str, court: str, ecrit: str, oral: str
) -> None:
    env = build_environment(SnapshotLoader({}))
    zone = ZoneInfo("Europe/Paris")
    context = {"now": datetime.fromisoformat(now).replace(tzinfo=zone), "lang": "fr"}
    moment = datetime.fromisoformat(then).replace(tzinfo=zone)
    for style, expected in (("court", court), ("ecrit", ecrit), ("oral", oral)):
        source = "{{ t|quand('" + style + "') }}"
        assert env.from_string(source).render(t=moment, **context) == expected


def test_when_the_next_update_comes_in_english_and_german() -> None:
    env = build_environment(SnapshotLoader({}))
    zone = ZoneInfo("Europe/Luxembourg")
    now = datetime(2026, 12, 1, 8, 0, tzinfo=zone)
    later = datetime(2026, 12, 3, 8, 25, tzinfo=zone)
    render = env.from_string("{{ t|quand }} / {{ t|quand('oral') }}").render
    english = render(t=later, now=now, lang="en")
    assert english == "on Thursday 3 December at 08:25 / on Thursday 3 December at 8:25 a.m."
    german = render(t=later, now=now, lang="de")
    assert german == (
        "am Donnerstag, 3. Dezember, um 08:25 Uhr / am Donnerstag, 3. Dezember, um 8 Uhr 25"
    )


def _gsm(w: Walked) -> str | None:
    if w.channel not in GSM:
        return None
    if gsm7_septets(w.text) is None:
        return f"hors GSM-7 : {outside_gsm7(w.text)}"
    if NNBSP in w.text or NBSP in w.text:
        return "espace insécable dans un texte GSM"
    # No accent stripped into a misspelling (« fenetres »): every word of the text is a word
    # the playbook, its examples or the templates write that way.
    words = set(re.findall(r"[^\W\d_]+", w.text.lower()))
    unknown = words - vocabulary(w.playbook, w.language)
    return f"mots inconnus (accent retiré ?) : {sorted(unknown)}" if unknown else None


@functools.cache
def vocabulary(playbook_id: str, language: str) -> frozenset[str]:
    loaded = LIBRARY.load(playbook_id)
    sources = [loaded.file.read_text(encoding="utf-8")]
    for folder in LIBRARY.template_folders:
        sources += [f.read_text(encoding="utf-8") for f in folder.rglob("*.j2")]
    sources += [str(v) for v in loaded.playbook.sample_parameters().values()]
    sources.append(
        Path(sandbox.__file__).read_text(encoding="utf-8")
    )  # « demain », « aujourd’hui »
    sources += [" ".join(DAYS[language]), " ".join(MONTHS[language])]
    return frozenset(re.findall(r"[^\W\d_]+", plain(" ".join(sources)).lower()))


def test_sms_and_cell_broadcast_stay_in_correct_gsm7_french() -> None:
    assert any(w.channel is Channel.CELL_BROADCAST for w in walk())
    assert defects(_gsm) == []


def test_the_misspelling_check_sees_a_stripped_accent() -> None:
    assert "fenetres" not in vocabulary("accident-industriel", "fr")
    assert "fenêtres" in vocabulary("accident-industriel", "fr")


_URL_SAID = re.compile(r"https?://|www\.", re.IGNORECASE)
_WRITTEN = {
    "fr": re.compile(r"\d\s?h\b|\d:\d\d|°|\b(?:km|cm|min)\b|\bn°|\b(?:19|20)\d\d\b"),
    "en": re.compile(r"\d:\d\d(?!\s[ap]\.m\.)|\b(?:19|20)\d\d\b|°"),
    "de": re.compile(r"\d:\d\d|\b(?:19|20)\d\d\b|°"),
}


def _for_the_ear(w: Walked) -> str | None:
    if w.channel not in SPOKEN:
        return None
    if _URL_SAID.search(w.text):
        return "adresse web lue à voix haute"
    found = _WRITTEN[w.language].search(w.text)
    return f"écrit pour l’œil : « {found.group()} »" if found else None


def test_radio_and_hotline_scripts_are_written_for_the_ear() -> None:
    assert defects(_for_the_ear) == []


def _press_contact(w: Walked) -> str | None:
    if w.channel is not Channel.PRESS_RELEASE:
        return None
    press = w.request.playbook.press_contact
    assert press is not None, f"{w.playbook} n’a pas de contact presse"
    last = w.text.strip().splitlines()[-1]
    wanted = [PRESS[w.language], press.name, press.phone or "", press.email or ""]
    if not all(part in last for part in wanted):
        return f"contact presse attendu : {last}"
    return "le numéro du public donné comme contact presse" if w.param("hotline") in last else None


def test_the_press_release_gives_the_press_contact() -> None:
    assert defects(_press_contact) == []


def test_without_a_press_contact_the_press_release_falls_back_on_the_hotline() -> None:
    loaded = LIBRARY.load("eau-non-potable")
    bare = loaded.playbook.model_copy(update={"press_contact": None})
    (request,) = preview_requests(
        loaded, LIBRARY.template_folders, {}, [PhaseName.ACKNOWLEDGE], now=NOW
    )
    draft = render_draft(request.model_copy(update={"playbook": bare}))
    last = (draft.text_for(Channel.PRESS_RELEASE, "fr") or "").splitlines()[-1]
    assert last == f"Contact{NBSP}: Mairie de Saint-Aubin-sur-Loire – 0 800 123 456"


def test_a_press_contact_needs_a_way_to_reach_it() -> None:
    with pytest.raises(ValidationError, match="contact presse"):
        PressContact(name="Service de presse")


def _truth_first(w: Walked) -> str | None:
    if w.playbook != "rumeur-desinformation":
        return None
    shown = seen(w.text, w.channel).lower()
    rumour = w.param("rumeur").lower()
    facts = [w.param("fait_titre").lower(), w.param("verite").lower()]
    # The title of a long text: its first line, its <h2>, its « ## » heading.
    title = re.search(r"<h2>(.*?)</h2>|^##\s(.*)$", w.text, re.MULTILINE)
    titles = [seen(t, w.channel).lower() for t in (title.groups() if title else ()) if t]
    if w.channel not in SHORT:
        titles.append(seen(w.text.strip().splitlines()[0], w.channel).lower())
    if any(rumour in t or "rumeur" in t for t in titles):
        return "le titre reprend la rumeur"
    at = shown.find(rumour)
    fact_at = min((shown.find(f) for f in facts if f in shown), default=-1)
    if fact_at < 0:
        return "le fait vérifié n’y est pas"
    if at >= 0 and not (fact_at < at and any(f in shown[at + len(rumour) :] for f in facts)):
        return "la rumeur n’est pas entre deux énoncés du fait"
    return None


def test_the_rumour_playbook_puts_the_fact_first_and_last() -> None:
    rumour = LIBRARY.load("rumeur-desinformation").playbook.sample_parameters()["rumeur"]
    assert any(str(rumour) in w.text for w in walk())  # the sandwich is really checked
    assert defects(_truth_first) == []


_SHOUTED = re.compile(
    r"\b[^\W\d_a-zà-ÿ]{2,}(?:[\s’'-]+[^\W\d_a-zà-ÿ]{2,})+\b|\b[^\W\d_a-zà-ÿ]{6,}\b"
)


def _capitals(w: Walked) -> str | None:
    found = _SHOUTED.search(seen(w.text, w.channel))
    return f"en capitales : « {found.group()} »" if found else None


def test_no_title_nor_word_is_shouted_in_capitals() -> None:
    assert defects(_capitals) == []
    assert _SHOUTED.search("EAU NON POTABLE")
    assert not _SHOUTED.search("MyGuichet.lu (CTIE) SMS")


_PROSE_SKIP = re.compile(
    r"<head\b.*?</head>|<[^>]+>|&\w+;|&#\d+;|https?://\S+|www\.\S+|[\w.+-]+@[\w.-]+|\d:\d\d",
    re.DOTALL,
)


def _typography(w: Walked) -> str | None:
    prose = _PROSE_SKIP.sub("\ue000", w.text)
    if w.channel in GSM:
        bad = re.search(r"[^\s;:!?][;:!?]|[«»\u202f\u00a0]", prose) if w.language == "fr" else None
        return f"GSM : « {bad.group()} »" if bad else None
    if w.language != "fr":
        bad = re.search(r"\s[;:!?]", prose)
        return f"espace avant la ponctuation : « {bad.group()} »" if bad else None
    checks = (
        (rf"(?<![{NNBSP}!?])[;!?]", "espace fine insécable manquante avant ; ! ?"),
        (rf"(?<!{NBSP}):", "espace insécable manquante avant :"),
        (rf"«(?!{NNBSP})|(?<!{NNBSP})»", "espace fine insécable manquante dans « »"),
        (rf"n°(?!{NBSP}\d)", "« n° » sans espace insécable avant le nombre"),
    )
    for pattern, why in checks:
        found = re.search(pattern, prose)
        if found:
            return f"{why} : « {prose[max(0, found.start() - 20) : found.end() + 5]} »"
    return None


def test_french_typography_in_every_text() -> None:
    assert defects(_typography) == []


@functools.cache
def proper_words(playbook_id: str) -> frozenset[str]:
    """Words written with a capital where no sentence starts (Météo-France, Rouen), and the first
    word of a parameter's value."""
    texts = [seen(w.text, w.channel) for w in walk() if w.playbook == playbook_id]
    values = [str(v) for v in LIBRARY.load(playbook_id).playbook.sample_parameters().values()]
    texts += values
    # A parameter's value is written as the communicator typed it: « Guichet.lu, 11, rue … ».
    found = {v.split()[0].rstrip(",") for v in values if v[:1].isupper()}
    for text in texts:
        for m in re.finditer(r"(?<=[\w,’'] )([A-ZÀ-Ý][\w’'.-]*)", text):
            found.add(m.group(1))
    return frozenset(found)


def _capital_after_colon(w: Walked) -> str | None:
    if w.language != "fr":
        return None
    blocks = re.split(r"<[^>]+>", w.text) if w.channel in HTML_CHANNELS else w.text.splitlines()
    for block in blocks:
        line = seen(block, w.channel)
        for m in re.finditer(r" : ([^\W\d_][\w'.-]*)", line):
            word, label = m.group(1), line[: m.start()]
            if not word[0].isupper() or word in proper_words(w.playbook):
                continue
            if len(label.split()) <= 3 and not re.search(r"[.!?]", label):
                continue  # « Contact presse : Service … »: a label, not a sentence
            return f"capitale après deux-points : « {line[max(0, m.start() - 25) : m.end()]} »"
    return None


def test_no_capital_after_a_colon_inside_a_sentence() -> None:
    assert defects(_capital_after_colon) == []


def test_the_capital_check_knows_names_from_common_words() -> None:
    assert "Météo-France" in proper_words("canicule")
    assert "Pas" not in proper_words("canicule")


# --------------------------------------------------------------------------- UCS-2 findings


def test_an_sms_that_goes_ucs2_says_which_character_and_how_to_reword() -> None:
    loaded = LIBRARY.load("canicule")
    # Six segments allowed: the text in UCS-2 still fits, so it is not replaced by a shorter
    # variant, and the director is told why it takes twice the segments.
    wide = {Channel.SMS: ChannelSettings(parts=6)}
    loaded = replace(loaded, playbook=loaded.playbook.model_copy(update={"channel_settings": wide}))
    (draft,) = preview_drafts(
        loaded,
        LIBRARY.template_folders,
        {"temperatures": "38 °C l’après-midi et 22 °C la nuit"},
        [PhaseName.ACKNOWLEDGE],
        now=NOW,
    )
    sms = draft.text_for(Channel.SMS, "fr") or ""
    (found,) = [f for f in draft.findings if f.channel is Channel.SMS]
    assert found.rule == "R-LIMIT"
    assert found.severity is Severity.WARNING
    assert "UCS-2" in found.message
    assert "« ° »" in found.message
    assert "38 degrés" in found.fix
    assert sms[found.start : found.end] == "38 °C"
    # The same text in GSM-7 French is clean.
    (request,) = preview_requests(
        loaded, LIBRARY.template_folders, {}, [PhaseName.ACKNOWLEDGE], now=NOW
    )
    assert [f for f in checked_draft(request).findings if f.channel is Channel.SMS] == []


def test_a_cell_broadcast_in_ucs2_is_flagged_not_misspelt() -> None:
    loaded = LIBRARY.load("inondation")
    (draft,) = preview_drafts(
        loaded,
        LIBRARY.template_folders,
        {"hebergement": "salle des fêtes, place du Marché"},
        [PhaseName.ACKNOWLEDGE],
        now=NOW,
    )
    cell = draft.text_for(Channel.CELL_BROADCAST, "fr") or ""
    assert "salle des fêtes" in cell
    found = [
        f for f in draft.findings if f.channel is Channel.CELL_BROADCAST and "UCS-2" in f.message
    ]
    assert [(f.rule, f.severity, f.excerpt) for f in found] == [
        ("R-LIMIT", Severity.WARNING, "fêtes")
    ]
    assert "« ê »" in found[0].message
    assert "41 caractères au lieu de 93" in found[0].message


# --------------------------------------------------------------------------- spoken times


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("Nous ferons un nouveau point demain à 8 heures 25.", (8, 25)),
        ("Nous ferons un nouveau point à midi.", (12, 0)),
        ("We will give a new update at 2:30 p.m.", (14, 30)),
        ("Wir informieren Sie erneut um 8 Uhr 25.", (8, 25)),
        ("Wir informieren Sie erneut um 12 Uhr 5.", (12, 5)),
        ("Nous ferons un nouveau point demain à minuit 30.", (0, 30)),
    ],
)
def test_the_cadence_rule_hears_a_time_said_aloud(said: str, expected: tuple[int, int]) -> None:
    zone = ZoneInfo("Europe/Paris")
    due = datetime(2026, 11, 24, *expected, tzinfo=zone)
    language = "en" if "We" in said else "de" if "Wir" in said else "fr"
    context = CheckContext(
        language=language,
        on=due.date(),
        channel=Channel.RADIO,
        phase=PhaseName.FOLLOW_UP,
        next_update_at=due,
    )
    assert [f.rule for f in check_text(said, context)] == []
    later = context.__class__(**{**context.__dict__, "next_update_at": due + timedelta(hours=1)})
    assert [f.rule for f in check_text(said, later)] == ["R-CADENCE"]


# --------------------------------------------------------------------------- plus simple

_FACTS = re.compile(
    r"https?://\S+?(?=[.,;:!?)]?(?:\s|$))|[\w.+-]+@[\w.-]+\w|\+?\d[\d \-]*\d|\d+"
    r"|\b[A-ZÀ-Ý][\w'-]*"
)


def _facts_of(text: str) -> set[str]:
    return {m.group().strip() for m in _FACTS.finditer(text)}


def _easy_read_keeps_facts(w: Walked) -> str | None:
    if w.short:
        return None
    source = seen(w.text, w.channel)
    offered = easy_read(w.text, markup=w.channel in HTML_CHANNELS, language=w.language)
    shown = " ".join(seen(offered, w.channel).split())
    lost = {f for f in _facts_of(source) if f not in shown and f.lower() not in shown.lower()}
    values = [seen(str(v), w.channel) for v in w.request.params.values()]
    lost |= {v for v in values if v in source and v not in shown}
    return f"perdus : {sorted(lost)}" if lost else None


def test_the_plainer_variant_keeps_every_fact_of_every_bundled_statement() -> None:
    assert defects(_easy_read_keeps_facts) == []


def test_the_plainer_variant_has_short_lines_and_plainer_words() -> None:
    source = (
        "<p>Les habitants doivent se mettre à l’abri afin de se protéger ; les résultats "
        "seront publiés sur https://www.x.fr/accident. Infos : 02 32 76 50 00.</p>"
    )
    offered = easy_read(source, markup=True).splitlines()
    assert offered == [
        "Les habitants doivent se mettre à l’abri pour se protéger.",
        "Les résultats seront publiés sur https://www.x.fr/accident.",
        f"Infos{NBSP}: 02 32 76 50 00.",
    ]
    listed = (
        "Les habitants de la zone suivante doivent se mettre à l’abri : Petit-Couronne, "
        "Grand-Couronne et le sud de Rouen, dans un rayon de 3 km autour du site."
    )
    assert easy_read(listed).splitlines() == [
        f"Les habitants de la zone suivante doivent se mettre à l’abri{NBSP}:",
        "– Petit-Couronne, Grand-Couronne et le sud de Rouen, dans un rayon de 3 km "
        "autour du site.",
    ]
    # A short sentence keeps its colon: no list follows it.
    assert easy_read("Suivez les consignes : elles vous protègent.") == (
        f"Suivez les consignes{NBSP}: elles vous protègent."
    )


RETRACTION = {
    "fr": ("L’analyse était erronée : il n’y a aucun danger.", "annul"),
    "en": ("The analysis was wrong: there is no danger.", "withdr"),
    "de": ("Die Analyse war falsch: es besteht keine Gefahr.", "widerruf"),
}


@pytest.mark.parametrize("name", sorted(LIBRARY.files()))
def test_a_retraction_close_says_so_on_every_channel(name: str) -> None:
    """The close of a retracted crisis withdraws what was published: never the playbook's
    « the danger is over », always that the alert is withdrawn, on every channel and language,
    with the person's reason in the long texts; every text still fits and raises nothing."""
    loaded = LIBRARY.load(name)
    [request] = preview_requests(loaded, LIBRARY.template_folders, {}, [PhaseName.CLOSE])
    normal = render_draft(request)
    languages = loaded.playbook.languages
    reasons = {lang: RETRACTION[lang][0] for lang in languages}
    retracted = checked_draft(
        request.model_copy(update={"retraction": " / ".join(reasons.values())})
    )
    assert {(t.channel, t.language) for t in retracted.texts} == {
        (t.channel, t.language) for t in normal.texts
    }
    for item in retracted.texts:
        before = normal.text_for(item.channel, item.language)
        assert before is not None
        assert item.text != before, (item.channel, item.language)
        word = RETRACTION.get(item.language, RETRACTION["fr"])[1]
        assert word in item.text.lower(), (item.channel, item.language, item.text)
        assert item.measure is not None
        assert item.measure.fits, (item.channel, item.language, item.measure.problems)
    long = [t for t in retracted.texts if t.channel in (Channel.FACEBOOK, Channel.WEBSITE)]
    assert long
    for item in long:
        plain_text = html.unescape(re.sub(r"<[^>]+>", " ", item.text))
        assert "L’analyse était erronée" in " ".join(plain_text.split()) or item.language != "fr"
    assert [f for f in retracted.findings if f.severity is Severity.BLOCKING] == []
