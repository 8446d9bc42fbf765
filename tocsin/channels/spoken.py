"""Hotline and radio scripts: plain text read aloud, measured in speaking time."""

from __future__ import annotations

import math
from dataclasses import dataclass

from tocsin.channels.base import ChannelProfile, Markup
from tocsin.channels.documents import words
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
