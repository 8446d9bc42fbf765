"""SMS and cell broadcast (FR-Alert, LU-Alert): counted in segments and pages, by encoding."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

from tocsin.channels.base import ChannelProfile, Markup
from tocsin.models import Channel, ChannelSettings, Measure

# Typography that would force UCS-2 (and halve what fits) for no gain in meaning on a phone.
PLAIN = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u202f": " ",
        "\u00a0": " ",
        "\u2009": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u0153": "oe",
        "\u0152": "OE",
    }
)


GUILLEMETS = re.compile(r"«\s*|\s*»")


def plain(text: str) -> str:
    """French typography to its plain GSM-7 equivalent; accented letters are kept."""
    return " ".join(GUILLEMETS.sub('"', text).translate(PLAIN).split())


def gsm7_septets(text: str) -> int | None:
    """Septets the text takes in GSM-7 (escaped characters such as € count 2), or None."""
    try:
        return len(text.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def ucs2_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def first_non_gsm(text: str) -> str:
    return next((ch for ch in text if gsm7_septets(ch) is None), "")


def outside_gsm7(text: str) -> list[str]:
    """The characters of ``text`` that GSM-7 lacks, each once, in the order they come."""
    return list(dict.fromkeys(ch for ch in text if gsm7_septets(ch) is None))


# French words that force UCS-2, and a wording that stays in GSM-7 and stays correct: an accent
# is never stripped into a misspelling (« fenetres »). Stems: « fenêtre » covers « fenêtres ».
REWORDING = {
    "°c": "« degrés » (« 38 degrés »)",
    "°": "« degrés »",
    "fenêtre": "« fermez tout » ou « fermez portes et volets »",
    "arrêt": "« coupez », « coupure »",
    "même": "« aussi »",
    "forêt": "« bois »",
    "âgé": "« de plus de 65 ans », « seniors »",
    "hôpita": "« centre hospitalier »",
    "hôtel de ville": "« mairie »",
    "contrôle": "« vérification »",
    "bientôt": "« sous peu »",
    "plutôt": "« de préférence »",
    "côté": "« près de »",
    "sûr": "« certain »",
    "ça": "« cela »",
    "reçu": "« obtenu »",
    "gêne": "« difficulté »",
    "gêné": "« incommodé »",
    "connaît": "« savoir »",
    "maîtris": "« contenu »",
    "coût": "« prix »",
    "enquête": "« investigation »",
    "fête": "l’adresse du lieu (son nom ne s’écrit pas sans « ê »)",
}


def gsm7_rewording(word: str) -> str:
    """A GSM-7 wording for ``word`` (« 38 °C », « fenêtres »), or an empty string."""
    key = word.lower()
    return next((said for stem, said in REWORDING.items() if stem in key), "")


@dataclass(frozen=True)
class SmsProfile(ChannelProfile):
    default_parts: int = 3

    def prepare(self, text: str) -> str:
        return plain(text)

    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        septets = gsm7_septets(text)
        if septets is not None:
            encoding, size, single, part = "GSM-7", septets, 160, 153
        else:
            encoding, size, single, part = "UCS-2", ucs2_units(text), 70, 67
            encoding += f" (« {first_non_gsm(text)} » l’impose)"
        segments = 1 if size <= single else math.ceil(size / part)
        per = single if segments == 1 else part
        detail = f"{encoding}, {size} caractères, {segments} segment(s) de {per}"
        return self.verdict(
            segments,
            settings.model_copy(
                update={"limit": settings.parts or settings.limit or self.default_parts}
            ),
            detail=detail,
        )


@dataclass(frozen=True)
class CellBroadcastProfile(ChannelProfile):
    default_pages: int = 4

    def prepare(self, text: str) -> str:
        # Letters outside GSM-7 are kept: « fenetres » would be a misspelling. The text then
        # counts in UCS-2 and the draft says which character imposes it, with a rewording.
        return plain(text)

    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        septets = gsm7_septets(text)
        if septets is not None:
            encoding, size, page = "GSM-7", septets, 93
        else:
            encoding, size, page = (
                f"UCS-2 (« {first_non_gsm(text)} » l’impose)",
                ucs2_units(text),
                41,
            )
        pages = max(1, math.ceil(size / page))
        detail = f"{encoding}, {size} caractères, {pages} page(s) de {page}"
        limit = settings.parts or settings.limit or self.default_pages
        return self.verdict(pages, settings.model_copy(update={"limit": limit}), detail=detail)


SMS = SmsProfile(
    Channel.SMS,
    "SMS",
    Markup.TEXT,
    3,
    "segments",
    "GSM-7 : 160 caractères, ou 153 par segment ; UCS-2 : 70, ou 67 par segment ; "
    "€ [ ] { } | ^ ~ \\ comptent 2",
)
CELL_BROADCAST = CellBroadcastProfile(
    Channel.CELL_BROADCAST,
    "Diffusion cellulaire (FR-Alert / LU-Alert)",
    Markup.TEXT,
    4,
    "pages",
    "93 caractères GSM-7 par page (41 en UCS-2), 15 pages au plus",
)
