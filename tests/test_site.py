"""The public status site (tocsin/site): its CAP 1.2 messages against the OASIS schema
(tests/schemas, vendored), its Atom feeds parsed, hostile statement texts kept as text in HTML,
Atom and CAP, French first with its typography, bad input refused. The folder (atomic
regeneration, serving) is in test_site_folder.py, the pages in Chromium in
test_site_browser.py; both build on the crises here.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from tocsin.site import Site, build
from tocsin.typography import typeset

HERE = Path(__file__).parent
SCHEMA = xmlschema.XMLSchema(HERE / "schemas" / "CAP-v1.2.xsd")
CAP = "{urn:oasis:names:tc:emergency:cap:1.2}"
ATOM = "{http://www.w3.org/2005/Atom}"
SENDER = "crise@metz.example.fr"

T0 = datetime(2026, 12, 3, 7, 5, tzinfo=UTC)  # 8 h 05 in Metz
SCRIPT = "<script>alert('x')</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = f"Restez chez vous ! {SCRIPT} {IMG} & « fin »"
ALERT = {
    "category": "Met",
    "event": "Crue",
    "urgency": "Immediate",
    "severity": "Severe",
    "certainty": "Observed",
    "headline": "Crue de la Moselle",
    "instruction": "Évitez les berges.",
    "expires": (T0 + timedelta(hours=12)).isoformat(),
}


def at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def crisis_data(**changes: Any) -> dict[str, Any]:
    """A flood: a first message in French (corrected once) and English, both alerts; a second
    alert, then retracted; a third point without CAP, in French."""
    data: dict[str, Any] = {
        "id": "crue-2026",
        "title": f"Crue de la Moselle {SCRIPT}",
        "playbook": "inondation",
        "area": {
            "description": "Metz, bords de Moselle",
            "geocodes": [{"value_name": "INSEE", "value": "57463"}],
        },
        "sender_name": "Mairie de Metz",
        "contact": "03 87 00 00 00",
        "statements": [
            {
                "phase": "acknowledge",
                "language": "fr",
                "channel": "website",
                "text": HOSTILE,
                "published_at": at(20),
                "history": [{"text": f"La Moselle deborde. {IMG}", "published_at": at(0)}],
                "next_update": at(120),
                "cap": ALERT,
            },
            {
                "phase": "acknowledge",
                "language": "en",
                "channel": "website",
                "text": f"The Moselle is flooding. {SCRIPT}",
                "published_at": at(0),
                "next_update": at(120),
                "cap": ALERT,
            },
            {
                "phase": "follow_up",
                "sequence": 2,
                "language": "fr",
                "channel": "website",
                "text": "Les écoles sont fermées.",
                "published_at": at(120),
                "retracted_at": at(150),
                "cap": ALERT,
            },
            {
                "phase": "follow_up",
                "sequence": 3,
                "language": "fr",
                "channel": "website",
                "text": "L'eau baisse : prochaine mise à jour à midi.",
                "published_at": at(180),
                "next_update": at(240),
            },
        ],
    }
    data.update(changes)
    return data


def drill_data() -> dict[str, Any]:
    """An exercise, ended: an Alert, then a Cancel at its close."""
    return {
        "id": "exercice-seveso",
        "title": "Exercice Seveso",
        "playbook": "industriel",
        "exercise": True,
        "area": {"description": "Zone industrielle nord"},
        "sender_name": "Préfecture de la Moselle",
        "contact": "crise@moselle.example.fr",
        "web": "https://www.moselle.example.fr/seveso",
        "closed_at": at(60),
        "statements": [
            {
                "phase": "acknowledge",
                "language": "fr",
                "channel": "cell_broadcast",
                "text": "Exercice : mettez-vous à l'abri.",
                "published_at": at(10),
                "cap": {**ALERT, "category": "CBRNE", "event": "Fuite de gaz"},
            }
        ],
    }


def make_site(crises: list[dict[str, Any]] | None = None, **changes: Any) -> Site:
    return Site.model_validate(
        {
            "name": "Mairie de Metz",
            "base_url": "https://crise.example.fr/",
            "sender": SENDER,
            "crises": [crisis_data(), drill_data()] if crises is None else crises,
            **changes,
        }
    )


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return build(make_site(), T0 + timedelta(hours=4))


def cap_files(files: dict[str, bytes]) -> dict[str, bytes]:
    return {p: d for p, d in files.items() if p.endswith(".xml")}


def thread(files: dict[str, bytes], crisis: str) -> list[ET.Element]:
    """A crisis's messages in cap/, in the order they were sent."""
    found = [
        ET.fromstring(d)
        for p, d in files.items()
        if p.startswith(f"cap/{crisis}-") and p.endswith(".xml")
    ]
    return sorted(found, key=lambda m: m.findtext(f"{CAP}identifier") or "")


# CAP


def test_every_cap_message_is_valid_against_the_oasis_schema(files: dict[str, bytes]) -> None:
    found = cap_files(files)
    assert len([p for p in found if p.startswith("cap/")]) == 6  # 4 of the flood, 2 of the drill
    assert {"cap.xml", "crises/crue-2026.cap.xml", "crises/exercice-seveso.cap.xml"} <= set(found)
    for path, data in found.items():
        errors = list(SCHEMA.iter_errors(data.decode()))
        assert errors == [], f"{path}: {errors[0] if errors else ''}"


def test_alert_then_updates_with_references_then_cancel_at_retraction(
    files: dict[str, bytes],
) -> None:
    messages = thread(files, "crue-2026")
    kinds = [m.findtext(f"{CAP}msgType") for m in messages]
    assert kinds == ["Alert", "Update", "Update", "Cancel"]
    assert {m.findtext(f"{CAP}status") for m in messages} == {"Actual"}
    for n, message in enumerate(messages):
        references = (message.findtext(f"{CAP}references") or "").split()
        earlier = [
            f"{SENDER},{m.findtext(f'{CAP}identifier')},{m.findtext(f'{CAP}sent')}"
            for m in messages[:n]
        ]
        assert references == earlier  # every earlier message of the thread, the previous last
    first, corrected, second, cancel = messages
    assert first.findtext(f"{CAP}sent") == "2026-12-03T08:05:00+01:00"
    # One info per language, French first; the correction carries the new French text.
    assert [i.findtext(f"{CAP}language") for i in first.iter(f"{CAP}info")] == ["fr", "en"]
    assert "deborde" in (first.find(f"{CAP}info/{CAP}description").text or "")  # type: ignore[union-attr]
    texts = [i.findtext(f"{CAP}description") for i in corrected.iter(f"{CAP}info")]
    assert texts[0] is not None
    assert texts[0].startswith("Restez chez vous")
    assert [i.findtext(f"{CAP}language") for i in second.iter(f"{CAP}info")] == ["fr"]
    assert cancel.findtext(f"{CAP}note") == "retracted"
    assert cancel.findtext(f"{CAP}info/{CAP}headline") == "Annulé\u00a0: Crue de la Moselle"
    # The crisis's cap.xml is its latest message; the site's, the newest of all.
    assert ET.fromstring(files["crises/crue-2026.cap.xml"]).findtext(f"{CAP}msgType") == "Cancel"
    latest = ET.fromstring(files["cap.xml"])
    assert latest.findtext(f"{CAP}identifier") == cancel.findtext(f"{CAP}identifier")


def test_every_info_has_what_aggregators_read(files: dict[str, bytes]) -> None:
    info = thread(files, "crue-2026")[0].find(f"{CAP}info")
    assert info is not None
    got = {child.tag.removeprefix(CAP): (child.text or "").strip() for child in info}
    assert got["category"] == "Met"
    assert (got["event"], got["urgency"], got["severity"], got["certainty"]) == (
        "Crue",
        "Immediate",
        "Severe",
        "Observed",
    )
    assert got["expires"] == "2026-12-03T20:05:00+01:00"
    assert got["senderName"] == "Mairie de Metz"
    assert got["headline"] == "Crue de la Moselle"
    assert got["instruction"] == "Évitez les berges."
    assert got["web"] == "https://crise.example.fr/crises/crue-2026.html"
    assert got["contact"] == "03 87 00 00 00"
    assert info.findtext(f"{CAP}area/{CAP}areaDesc") == "Metz, bords de Moselle"
    assert info.findtext(f"{CAP}area/{CAP}geocode/{CAP}valueName") == "INSEE"
    assert info.findtext(f"{CAP}area/{CAP}geocode/{CAP}value") == "57463"
    english = thread(files, "crue-2026")[0].findall(f"{CAP}info")[1]
    assert english.findtext(f"{CAP}web") == "https://crise.example.fr/crises/crue-2026.en.html"


def test_a_drill_is_an_exercise_and_its_close_a_cancel(files: dict[str, bytes]) -> None:
    messages = thread(files, "exercice-seveso")
    assert [m.findtext(f"{CAP}msgType") for m in messages] == ["Alert", "Cancel"]
    assert {m.findtext(f"{CAP}status") for m in messages} == {"Exercise"}
    assert messages[1].findtext(f"{CAP}note") == "closed"
    assert messages[1].findtext(f"{CAP}sent") == "2026-12-03T09:05:00+01:00"
    assert messages[0].find(f"{CAP}info/{CAP}area/{CAP}geocode") is None  # none given
    assert messages[0].findtext(f"{CAP}info/{CAP}web") == "https://www.moselle.example.fr/seveso"


def test_one_language_withdrawn_the_others_go_on_in_an_update() -> None:
    """The English translation of the first message is retracted, the French stands: an
    Update with the French alone, not a Cancel of the whole alert."""
    data = crisis_data()
    data["statements"] = data["statements"][:2]
    data["statements"][1] = {**data["statements"][1], "retracted_at": at(20)}
    built = build(make_site([data]), T0)
    messages = thread(built, "crue-2026")
    kinds = [(m.findtext(f"{CAP}msgType"), m.findtext(f"{CAP}note")) for m in messages]
    assert kinds == [("Alert", None), ("Update", None), ("Update", "retracted")]
    assert [i.findtext(f"{CAP}language") for i in messages[1].iter(f"{CAP}info")] == ["fr", "en"]
    assert [i.findtext(f"{CAP}language") for i in messages[2].iter(f"{CAP}info")] == ["fr"]
    identifiers = [m.findtext(f"{CAP}identifier") for m in messages]
    assert len(set(identifiers)) == 3  # the correction and the withdrawal share their second
    for data_ in cap_files(built).values():
        assert SCHEMA.is_valid(data_.decode())


DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([^,\s<]*)")


def test_dates_carry_an_offset_never_z() -> None:
    for zone, offset in (("Europe/Paris", "+01:00"), ("UTC", "+00:00")):
        built = build(make_site(zone=zone), T0)
        offsets = {
            m.group(1) for p, d in cap_files(built).items() for m in DATE.finditer(d.decode())
        }
        assert offsets == {offset}, zone
        for data in cap_files(built).values():
            assert SCHEMA.is_valid(data.decode())


def test_hostile_text_stays_text_in_cap(files: dict[str, bytes]) -> None:
    corrected = thread(files, "crue-2026")[1]
    assert corrected.findtext(f"{CAP}info/{CAP}description") == HOSTILE  # as approved
    for data in cap_files(files).values():
        assert b"<script" not in data
        assert b"<img" not in data


# Any text a person can type: no control character but tab and line ends (the model refuses
# the others, saying where).
TYPED = st.text(
    st.characters(
        exclude_categories=["Cs"],
        exclude_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
        "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f\ufffe\uffff",
    ),
    min_size=1,
    max_size=200,
).filter(lambda text: text.strip() != "")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TYPED)
def test_any_typed_text_keeps_cap_valid_and_comes_back_as_it_was(text: str) -> None:
    data = crisis_data()
    data["statements"][1] = {**data["statements"][1], "text": text}
    built = build(make_site([data]), T0)
    sent = text.replace("\r\n", "\n").replace("\r", "\n")
    alert = built[next(p for p in built if p.endswith("-alert.xml"))]
    assert SCHEMA.is_valid(alert.decode())
    first = ET.fromstring(alert)
    english = [i for i in first.iter(f"{CAP}info") if i.findtext(f"{CAP}language") == "en"]
    assert english[0].findtext(f"{CAP}description") == sent
    feed = ET.fromstring(built["feed.en.atom"])
    assert feed.findtext(f"{ATOM}entry/{ATOM}content") == typeset(sent, "en")
    shown = "".join(parsed(built["crises/crue-2026.en.html"]).data)
    assert typeset(sent, "en").strip() in shown


# Atom


def test_the_atom_feeds_parse_and_keep_hostile_text_as_text(files: dict[str, bytes]) -> None:
    feed = ET.fromstring(files["feed.atom"])
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 4  # the French statements of both crises
    contents = {e.findtext(f"{ATOM}id"): e.find(f"{ATOM}content") for e in entries}
    for content in contents.values():
        assert content is not None
        assert content.get("type") == "text"
        assert list(content) == []  # no element inside: markup stays text
    first = contents["https://crise.example.fr/crises/crue-2026.html#acknowledge-1-website"]
    assert first is not None
    assert "<script>alert('x')</script>" in (first.text or "")
    assert '"><img src=x onerror=alert(1)>' in (first.text or "")
    assert (first.text or "").startswith("Mis à jour le jeudi 3 décembre 2026 à 8 h 25")
    retracted = contents["https://crise.example.fr/crises/crue-2026.html#follow_up-2-website"]
    assert retracted is not None
    assert (retracted.text or "").startswith("Ce message a été retiré le")
    english = ET.fromstring(files["feed.en.atom"])
    assert len(english.findall(f"{ATOM}entry")) == 1
    assert "feed.de.atom" not in files  # no statement in German


def test_the_cap_index_links_each_crisis_s_latest_message(files: dict[str, bytes]) -> None:
    index = ET.fromstring(files["cap.atom"])
    links = [
        (link.get("href"), link.get("type"))
        for entry in index.findall(f"{ATOM}entry")
        for link in entry.findall(f"{ATOM}link")
    ]
    assert sorted(links) == [
        (
            "https://crise.example.fr/cap/crue-2026-20261203T093500-cancel-retracted.xml",
            "application/cap+xml",
        ),
        (
            "https://crise.example.fr/cap/exercice-seveso-20261203T080500-cancel-closed.xml",
            "application/cap+xml",
        ),
    ]
    for href, _ in links:
        assert href is not None
        assert href.removeprefix("https://crise.example.fr/") in files


# HTML


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def parsed(html: bytes) -> _Tags:
    parser = _Tags()
    parser.feed(html.decode())
    return parser


def test_hostile_text_stays_text_in_the_pages(files: dict[str, bytes]) -> None:
    for path in (p for p in files if p.endswith(".html")):
        page = parsed(files[path])
        assert "script" not in page.tags, path
        assert "img" not in page.tags, path
    french = "".join(parsed(files["crises/crue-2026.html"]).data)
    assert "<script>alert('x')</script>" in french  # the title, shown as typed
    assert '"><img src=x onerror=alert(1)>' in french  # the old text, kept visible


def test_french_first_with_its_typography_and_the_other_languages_beside(
    files: dict[str, bytes],
) -> None:
    french = files["crises/crue-2026.html"].decode()
    assert '<html lang="fr">' in french
    assert "Restez chez vous\u202f!" in french
    assert "Zone\u00a0: Metz" in french
    assert "L’eau baisse\u00a0: prochaine" in french
    assert "Mis à jour le jeudi 3 décembre 2026 à 8 h 25\u00a0: correction" in french
    assert "Publié le jeudi 3 décembre 2026 à 8 h 05, remplacé le" in french
    assert "Ce message a été retiré le jeudi 3 décembre 2026 à 10 h 35." in french
    assert "Les écoles sont fermées" not in french  # retracted: its text is gone
    assert "Prochaine mise à jour\u00a0: jeudi 3 décembre 2026 à 12 h 05" in french
    english = files["crises/crue-2026.en.html"].decode()
    assert '<html lang="en">' in english
    assert "Next update: Thursday 3 December 2026 at 10:05" in english
    assert "crises/exercice-seveso.en.html" not in files  # French only
    assert "index.de.html" not in files
    drill = files["crises/exercice-seveso.html"].decode()
    assert "EXERCICE\u00a0: ceci n’est pas une alerte réelle." in drill
    assert "Crise terminée le jeudi 3 décembre 2026 à 9 h 05." in drill


# The input


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"title": "Crue\x07"}, "control character U+0007"),
        ({"id": "../etc"}, "crises.0.id"),
        (
            {
                "statements": [
                    {
                        **crisis_data()["statements"][0],
                        "history": [{"text": "x", "published_at": at(30)}],
                    }
                ]
            },
            "each version must be older",
        ),
    ],
)
def test_bad_input_is_refused_saying_where(change: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make_site([crisis_data(**change)])
    assert where in str(caught.value)
