"""What the status site is built from: the statements of each crisis as the public saw them.

Everything here comes from outside the site (the playbook, the statements' texts): it is
validated and bounded here, and the texts are plain text, escaped wherever they are written.
"""

from __future__ import annotations

import itertools
import re
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, AwareDatetime, Field, HttpUrl, field_validator, model_validator

from tocsin.models.base import Channel, Identifier, PhaseName, Strict
from tocsin.models.playbook import CapCategory, CapCertainty, CapSeverity, CapUrgency

SiteLanguage = Literal["fr", "en", "de"]
LANGUAGES: tuple[SiteLanguage, ...] = ("fr", "en", "de")  # French first

# XML 1.0 refuses these, and no reader wants them: refused, with where.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _printable(value: str) -> str:
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"control character U+{ord(found.group()):04X} at {found.start()}")
    return value


Line = Annotated[
    str,
    Field(min_length=1, max_length=300, pattern=r"^[^\r\n]*$"),
    AfterValidator(_printable),
]


def _newlines(value: str) -> str:
    """One kind of line end: XML readers turn « \r\n » and « \r » into « \n » anyway."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


Text = Annotated[
    str,
    Field(min_length=1, max_length=20_000),
    AfterValidator(_printable),
    AfterValidator(_newlines),
]
# CAP's sender and identifiers: no space, comma, « < » or « & » (CAP 1.2, 3.2.1).
CapId = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s,<&]+$")]


# CAP 1.2's words for an alert, as the schema spells them: the playbook's.
Category = CapCategory
Urgency = CapUrgency
Certainty = CapCertainty


class CapFields(Strict):
    """What makes a statement a CAP alert (an « info » block): the playbook's alert fields.

    The CAP description is the statement's text, as approved, unless ``description`` is given
    (a longer text for the alert than the channel allows); it then stands for the current text
    only, and earlier versions carry their own text.
    """

    category: Category
    event: Line
    urgency: Urgency
    severity: CapSeverity
    certainty: Certainty
    headline: Line
    description: Text | None = None
    instruction: Text | None = None
    expires: AwareDatetime | None = None


class Geocode(Strict):
    """A code of the area in a named system (« INSEE » 75056, « NUTS3 » LU000)."""

    value_name: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[^\s<&]+$")]
    value: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^<&\r\n]+$")]


class Area(Strict):
    description: Line
    geocodes: list[Geocode] = Field(default_factory=list, max_length=50)


class PreviousText(Strict):
    """A text the public saw before a correction replaced it, and when it was published."""

    text: Text
    published_at: AwareDatetime


class Statement(Strict):
    """One published statement in one language, as it stands now."""

    phase: PhaseName
    sequence: Annotated[int, Field(ge=1, le=999)] = 1
    language: SiteLanguage
    channel: Channel
    text: Text
    published_at: AwareDatetime  # when the current text was published (the correction's time)
    history: list[PreviousText] = Field(default_factory=list, max_length=50)  # oldest first
    retracted_at: AwareDatetime | None = None
    next_update: AwareDatetime | None = None
    cap: CapFields | None = None  # set for an alert statement: it becomes CAP messages

    @model_validator(mode="after")
    def _in_order(self) -> Statement:
        times = [p.published_at for p in self.history] + [self.published_at]
        if any(a >= b for a, b in itertools.pairwise(times)):
            raise ValueError("history: each version must be older than the next one")
        if self.retracted_at is not None and self.retracted_at < self.published_at:
            raise ValueError("retracted_at: before the text was published")
        return self

    @property
    def first_published_at(self) -> AwareDatetime:
        return self.history[0].published_at if self.history else self.published_at

    @property
    def anchor(self) -> str:
        return f"{self.phase.value}-{self.sequence}-{self.channel.value}"


class Crisis(Strict):
    id: Identifier
    title: Line
    playbook: Identifier
    exercise: bool = False
    area: Area
    sender_name: Line  # who speaks: « Préfecture de la Moselle »
    contact: Line  # where the public can call or write
    web: HttpUrl | None = None  # more information; the crisis's page on the site when not given
    closed_at: AwareDatetime | None = None
    statements: list[Statement] = Field(default_factory=list, max_length=2_000)

    @model_validator(mode="after")
    def _one_each(self) -> Crisis:
        seen: set[tuple[str, str]] = set()
        for s in self.statements:
            key = (s.anchor, s.language)
            if key in seen:
                raise ValueError(f"statements: {s.anchor} in {s.language} is given twice")
            seen.add(key)
        return self


class Site(Strict):
    """The whole site: who publishes it, where it is read, and every crisis it shows."""

    name: Line  # the organisation: « Mairie de Metz »
    base_url: HttpUrl  # where the folder is served: https://crise.example.fr/
    sender: CapId  # CAP sender: crise@example.fr
    zone: Annotated[str, Field(min_length=1, max_length=64)] = "Europe/Paris"
    crises: list[Crisis] = Field(default_factory=list, max_length=500)

    @field_validator("zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _unique(self) -> Site:
        ids = [c.id for c in self.crises]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"crises: {', '.join(twice)} given twice")
        return self
