"""Channel counting against the rules in DOMAIN.md, French typography, and scripts written for
the ear."""

from __future__ import annotations

import pytest

from tocsin.channels import PROFILES, ChannelSettings, markdown_to_html, measure, profile
from tocsin.channels.messaging import gsm7_rewording, outside_gsm7
from tocsin.channels.spoken import for_the_ear
from tocsin.models import Channel
from tocsin.typography import typeset

NNBSP = "\u202f"


def test_every_channel_has_a_profile() -> None:
    assert set(PROFILES) == set(Channel)


# --------------------------------------------------------------------------- X


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("a" * 280, 280),
        ("é" * 10, 10),  # Latin-1 letters count 1
        (NNBSP * 10, 20),  # U+202F counts 2
        ("…", 2),
        ("€", 2),
        ("’«»", 3),  # curly apostrophe and guillemets count 1
        ("😀", 2),
        ("👩‍👩‍👧", 2),  # an emoji sequence counts 2
        ("https://www.saint-aubin-sur-loire.fr/eau/une/tres/longue/adresse", 23),
        ("Infos : https://a.fr", 8 + 23),
    ],
)
def test_x_weighted_count(text: str, weight: int) -> None:
    assert measure(Channel.X, text).count == weight


def test_x_french_typography_costs_more_than_it_looks() -> None:
    text = f"Eau non potable{NNBSP}: ne la buvez pas{NNBSP}! Point à 14{NNBSP}h{NNBSP}00…"
    found = measure(Channel.X, text)
    assert found.count == len(text) + 5  # four U+202F and one ellipsis weigh 2
    over = measure(Channel.X, "é" * 281)
    assert not over.fits
    assert over.problems[0].startswith("X : 281 caractères pondérés pour une limite de 280")


# --------------------------------------------------------------------------- SMS


def test_sms_gsm7_single_and_multipart() -> None:
    assert measure(Channel.SMS, "e" * 160).detail.startswith("GSM-7, 160 caractères, 1 segment")
    assert measure(Channel.SMS, "e" * 161).count == 2  # 153 a part once split
    assert measure(Channel.SMS, "e" * 306).count == 2
    assert measure(Channel.SMS, "e" * 307).count == 3


def test_sms_accents_that_stay_gsm7_and_escaped_characters() -> None:
    assert measure(Channel.SMS, "é è ù à É Ç").detail.startswith("GSM-7")
    # € and [ ] take two septets each: 80 euros signs fill one segment.
    assert measure(Channel.SMS, "€" * 80).count == 1
    assert measure(Channel.SMS, "€" * 81).count == 2


@pytest.mark.parametrize(
    "char", ["â", "ê", "î", "ô", "û", "ë", "ï", "ç", "œ", "À", "È", "’", "«", "…"]
)
def test_sms_characters_that_force_ucs2(char: str) -> None:
    found = measure(Channel.SMS, "a" * 69 + char)
    assert found.detail.startswith("UCS-2")
    assert found.count == 1
    assert measure(Channel.SMS, "a" * 70 + char).count == 2  # 71 > 70: 67 a part
    assert measure(Channel.SMS, "a" * 133 + char).count == 2
    assert measure(Channel.SMS, "a" * 134 + char).count == 3


def test_sms_preparation_keeps_accents_and_drops_typography() -> None:
    sms = profile(Channel.SMS)
    prepared = sms.prepare(f"L’eau « potable »{NNBSP}? Réponse… à 14{NNBSP}h – merci")
    assert prepared == 'L\'eau "potable" ? Réponse... à 14 h - merci'
    assert measure(Channel.SMS, prepared).detail.startswith("GSM-7")
    assert measure(Channel.SMS, sms.prepare("Fenêtres fermées")).detail.startswith("UCS-2")


def test_sms_segment_limit_is_data() -> None:
    long = "e" * 500  # 4 segments
    assert not measure(Channel.SMS, long).fits
    wider = {Channel.SMS: ChannelSettings(parts=4)}
    assert measure(Channel.SMS, long, wider).fits


# --------------------------------------------------------------------------- cell broadcast


def test_cell_broadcast_pages() -> None:
    assert measure(Channel.CELL_BROADCAST, "A" * 93).count == 1
    assert measure(Channel.CELL_BROADCAST, "A" * 94).count == 2
    assert measure(Channel.CELL_BROADCAST, "A" * 372).fits  # 4 pages by default
    assert not measure(Channel.CELL_BROADCAST, "A" * 373).fits
    fifteen = {Channel.CELL_BROADCAST: ChannelSettings(parts=15)}
    assert measure(Channel.CELL_BROADCAST, "A" * 1395, fifteen).fits
    with pytest.raises(ValueError, match="15"):
        ChannelSettings(parts=16)


# --------------------------------------------------------------------------- others


def test_mastodon_urls_and_mentions() -> None:
    url = "https://www.example.fr/" + "x" * 100
    assert measure(Channel.MASTODON, url).count == 23
    assert measure(Channel.MASTODON, "@prefecture@social.gouv.fr").count == len("@prefecture")
    assert measure(Channel.MASTODON, "a" * 501).problems
    instance = {Channel.MASTODON: ChannelSettings(limit=1000)}
    assert measure(Channel.MASTODON, "a" * 501, instance).fits


def test_bluesky_counts_graphemes() -> None:
    assert measure(Channel.BLUESKY, "👩‍👩‍👧").count == 1
    assert measure(Channel.BLUESKY, "e\u0301").count == 1  # e + combining acute
    assert measure(Channel.BLUESKY, "é" * 300).fits
    assert not measure(Channel.BLUESKY, "é" * 301).fits


def test_instagram_hashtags_and_length() -> None:
    five = " ".join(f"#Tag{i}" for i in range(5))
    assert measure(Channel.INSTAGRAM, five).fits
    six = measure(Channel.INSTAGRAM, five + " #Tag5")
    assert six.problems == ["Instagram : 6 hashtags, 5 au plus / 6 hashtags, at most 5"]
    assert not measure(Channel.INSTAGRAM, "a" * 2201).fits
    assert not measure(Channel.LINKEDIN, "a" * 3001).fits
    assert measure(Channel.FACEBOOK, "a" * 63_206).fits


def test_spoken_channels_measure_reading_time() -> None:
    script = " ".join(["mot"] * 150)
    assert measure(Channel.HOTLINE, script).count == 60
    assert measure(Channel.RADIO, script).fits
    assert not measure(Channel.RADIO, " ".join(["mot"] * 226)).fits  # 91 s


def test_press_release_markdown_to_html_escapes_raw_html() -> None:
    html = markdown_to_html("# Titre\n\nTexte <script>alert(1)</script> & **gras**")
    assert "<h1>Titre</h1>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>gras</strong>" in html


def test_cell_broadcast_never_strips_an_accent_into_a_misspelling() -> None:
    """FR-Alert practice: GSM-7 French that stays correct. Typography is made plain, letters
    are kept; a letter outside GSM-7 makes the text UCS-2 (41 a page), and the count says which
    letter (the draft's R-LIMIT finding offers a rewording, tests/test_statements.py)."""
    cell = profile(Channel.CELL_BROADCAST)
    text = cell.prepare("Abritez-vous, fermez les fenêtres, « ne sortez pas » ; même à côté.")
    assert text == 'Abritez-vous, fermez les fenêtres, "ne sortez pas" ; même à côté.'
    found = measure(Channel.CELL_BROADCAST, text)
    assert found.detail.startswith("UCS-2 (« ê » l’impose)")
    assert "41" in found.detail
    reworded = cell.prepare("Abritez-vous, fermez tout, « ne sortez pas » ; près de l’école.")
    assert measure(Channel.CELL_BROADCAST, reworded).detail.startswith("GSM-7")
    german = cell.prepare("Schließen Sie Fenster und Türen, bleiben Sie drinnen. Übung.")
    assert german == "Schließen Sie Fenster und Türen, bleiben Sie drinnen. Übung."
    assert measure(Channel.CELL_BROADCAST, german).detail.startswith("GSM-7")
    # SMS keeps its accents too: only typography is made plain there.
    assert "fenêtres" in profile(Channel.SMS).prepare("fermez les fenêtres")


@pytest.mark.parametrize(
    ("word", "rewording"),
    [("38 °C", "38 degrés"), ("fenêtres", "fermez tout"), ("Gêne", "difficulté")],
)
def test_gsm7_rewordings_are_correct_french(word: str, rewording: str) -> None:
    assert rewording in gsm7_rewording(word)
    assert outside_gsm7(rewording) == []
    assert gsm7_rewording("île") == ""  # none known: the finding asks for another word


# --------------------------------------------------------------------------- typography

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("raw", "french"),
    [
        ("Infos : 0 800 123 456", f"Infos{NBSP}: 0 800 123 456"),
        ("Infos: 0 800", f"Infos{NBSP}: 0 800"),
        ("Vraiment ? Oui ! Non ; peut-être", f"Vraiment{NNBSP}? Oui{NNBSP}! Non{NNBSP}; peut-être"),
        ("Vraiment?!", f"Vraiment{NNBSP}?!"),
        ("« vrai ou faux »", f"«{NNBSP}vrai ou faux{NNBSP}»"),
        ("«vrai»", f"«{NNBSP}vrai{NNBSP}»"),
        ("Communiqué n°1, point n° 12", f"Communiqué n°{NBSP}1, point n°{NBSP}12"),
        ("l'eau", "l’eau"),
        # Addresses, times written 07:45, tags, entities and style sheets are not prose.
        ("Voir https://a.fr/x?y=1 ?", f"Voir https://a.fr/x?y=1{NNBSP}?"),
        ("Écrivez à crise@ville.fr ; merci", f"Écrivez à crise@ville.fr{NNBSP}; merci"),
        ("Depuis 07:45.", "Depuis 07:45."),
        ('<p class="a">Titre : x</p>', f'<p class="a">Titre{NBSP}: x</p>'),
        ("&amp; &#39;", "&amp; &#39;"),
        ("<style>a { b: c; }</style>", "<style>a { b: c; }</style>"),
    ],
)
def test_french_typography(raw: str, french: str) -> None:
    assert typeset(raw, "fr") == french
    assert typeset(french, "fr") == french  # applied twice, the same


@pytest.mark.parametrize("language", ["en", "de"])
def test_english_and_german_take_no_space_before_punctuation(language: str) -> None:
    assert typeset("Urgent ? Info : x ; y !", language) == "Urgent? Info: x; y!"
    assert typeset("Info: x", language) == "Info: x"
    assert NNBSP not in typeset("« x »", language)


def test_gsm_channels_keep_the_french_spaces_as_plain_spaces() -> None:
    french = typeset("Infos : 0 800 123 456 ; « vrai » ? n°1", "fr")
    for channel in (Channel.SMS, Channel.CELL_BROADCAST):
        prepared = profile(channel).prepare(french)
        assert prepared == 'Infos : 0 800 123 456 ; "vrai" ? n° 1'
        assert NNBSP not in prepared
        assert NBSP not in prepared


# --------------------------------------------------------------------------- for the ear


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        (
            "fr",
            f"Mesures publiées sur https://www.x.fr/accident. Point mardi 24 novembre 2026 "
            f"à 10{NNBSP}h.",
            "Mesures publiées sur le site de la préfecture. Point mardi 24 novembre à 10 heures.",
        ),
        ("fr", f"De 8 h à 20 h, 7{NNBSP}h{NNBSP}45, 12 h, 1 h.", "De 8 heures à 20 heures, "
         "7 heures 45, midi, 1 heure."),
        ("fr", "38 °C, 3 km, 2 min, 30 cm, n° 1, 5 %", "38 degrés, 3 kilomètres, 2 minutes, "
         "30 centimètres, numéro 1, 5 pour cent"),
        ("en", "Since 07:45. Update on Tuesday 24 November 2026 at 14:30 on https://a.lu.",
         "Since 7:45 a.m. Update on Tuesday 24 November at 2:30 p.m. on the site."),
        ("de", "Seit 07:45 Uhr. Am Dienstag, 24. November 2026, um 11:00 Uhr.",
         "Seit 7 Uhr 45. Am Dienstag, 24. November, um 11 Uhr."),
    ],
)  # fmt: skip
def test_scripts_are_written_for_the_ear(language: str, written: str, said: str) -> None:
    site = {"fr": "le site de la préfecture", "en": "the site", "de": "der Website"}[language]
    assert for_the_ear(written, language, site) == said


def test_a_script_without_a_spoken_site_name_says_our_website() -> None:
    assert for_the_ear("Voir https://a.fr.", "fr") == "Voir notre site internet."
