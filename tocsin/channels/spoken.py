"""Hotline and radio scripts: plain text read aloud, measured in speaking time."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from tocsin.channels.base import ChannelProfile, Markup
from tocsin.channels.documents import words
from tocsin.i18n.formats import MONTHS, spoken_clock
from tocsin.models import Channel, ChannelSettings, Measure

WORDS_PER_MINUTE = 150  # a clear, calm reading pace for the public


@dataclass(frozen=True)
class SpokenProfile(ChannelProfile):
    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        count = words(text)
        seconds = math.ceil(count * 60 / WORDS_PER_MINUTE)
        return self.verdict(seconds, settings, detail=f"{count} mots")


HOTLINE = SpokenProfile(
    Channel.HOTLINE,
    "Script de la cellule d’information",
    Markup.SPOKEN,
    None,
    "secondes",
    f"temps de lecture à {WORDS_PER_MINUTE} mots par minute",
)
RADIO = SpokenProfile(
    Channel.RADIO,
    "Message radio",
    Markup.SPOKEN,
    90,
    "secondes",
    f"temps de lecture à {WORDS_PER_MINUTE} mots par minute ; 90 s par défaut",
)


# --------------------------------------------------------------------------- for the ear

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"«»]*[^\s<>\"«».,;:!?)]", re.IGNORECASE)
_SP = "[ \u00a0\u202f]"
_FRENCH_TIME = re.compile(rf"(?<![\w,.])([01]?\d|2[0-3]){_SP}?h(?:{_SP}?([0-5]\d))?(?![\w])")
_ENGLISH_TIME = re.compile(r"(?<![\w:.])([01]?\d|2[0-3]):([0-5]\d)(?![\w:])(?!\s?[ap]\.?m)")
_GERMAN_TIME = re.compile(rf"(?<![\w:.])([01]?\d|2[0-3])[:.]([0-5]\d){_SP}?Uhr\b")
_YEAR = {
    lang: re.compile(rf"(\b(?:1er|\d{{1,2}})\.?{_SP}(?:{'|'.join(months)})){_SP}\d{{4}}\b")
    for lang, months in (
        ("fr", MONTHS["fr"]),
        ("en", MONTHS["en"]),
        ("de", MONTHS["de"]),
    )
}
# Units and signs as they are said (French; English and German below).
_SAID = {
    "fr": [
        (rf"(?<=\d){_SP}?°{_SP}?C\b", " degrés"),
        (rf"(?<=\d){_SP}?km/h\b", " kilomètres à l’heure"),
        (rf"(?<=\d){_SP}?km\b", " kilomètres"),
        (rf"(?<=\d){_SP}?cm\b", " centimètres"),
        (rf"(?<=\d){_SP}?mm\b", " millimètres"),
        (rf"(?<=\d){_SP}?min\b", " minutes"),
        (rf"(?<=\d){_SP}?%", " pour cent"),
        (rf"(?<=\d){_SP}?€", " euros"),
        (rf"\b[nN]°{_SP}?(?=\d)", "numéro "),
    ],
    "en": [
        (rf"(?<=\d){_SP}?°{_SP}?C\b", " degrees"),
        (rf"(?<=\d){_SP}?km\b", " kilometres"),
        (rf"(?<=\d){_SP}?min\b", " minutes"),
        (rf"(?<=\d){_SP}?%", " per cent"),
        (r"\bNo\.\s?(?=\d)", "number "),
    ],
    "de": [
        (rf"(?<=\d){_SP}?°{_SP}?C\b", " Grad"),
        (rf"(?<=\d){_SP}?km\b", " Kilometer"),
        (rf"(?<=\d){_SP}?Min\.", " Minuten"),
        (rf"(?<=\d){_SP}?%", " Prozent"),
        (r"\bNr\.\s?(?=\d)", "Nummer "),
    ],
}
SITE_SAID = {"fr": "notre site internet", "en": "our website", "de": "unserer Website"}


def for_the_ear(text: str, language: str, site_said: str = "") -> str:
    """A script as it is read aloud (DOMAIN.md): a web address becomes ``site_said`` (« le site
    de la préfecture »), dates lose their year, times and units are written as they are said
    (« 8 heures 25 », « 38 degrés », « 3 kilomètres »). Phone numbers stay in their groups of
    digits: that is how they are read."""
    lang = language if language in _SAID else "fr"
    text = _URL.sub(site_said or SITE_SAID[lang], text)
    text = _YEAR[lang].sub(r"\1", text)
    if lang == "fr":
        text = _FRENCH_TIME.sub(
            lambda m: spoken_clock(int(m.group(1)), int(m.group(2) or 0), "fr"), text
        )
    elif lang == "en":
        text = _ENGLISH_TIME.sub(
            lambda m: spoken_clock(int(m.group(1)), int(m.group(2)), "en"), text
        )
    else:
        text = _GERMAN_TIME.sub(
            lambda m: spoken_clock(int(m.group(1)), int(m.group(2)), "de"), text
        )
    for pattern, said in _SAID[lang]:
        text = re.sub(pattern, said, text)
    return re.sub(r"([ap]\.m\.)\.", r"\1", text)
