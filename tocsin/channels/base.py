"""What every channel profile knows: its limit, how the platform counts, its markup."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from tocsin.models import Channel


class Markup(StrEnum):
    TEXT = "text"  # plain text as the platform shows it
    HTML = "html"  # an HTML fragment or page, autoescaped
    MARKDOWN = "markdown"  # Markdown source, published with its HTML rendering
    SPOKEN = "spoken"  # plain text meant to be read aloud


class ChannelSettings(BaseModel):
    """What a playbook or an organisation may change for a channel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    limit: int | None = Field(default=None, ge=1)  # in the channel's own unit
    parts: int | None = Field(default=None, ge=1, le=15)  # SMS segments, cell broadcast pages
    url_length: int | None = Field(default=None, ge=1)  # Mastodon: what a link counts
    hashtags: int | None = Field(default=None, ge=0)  # Instagram: most hashtags allowed


class Measure(BaseModel):
    """A text's size as its platform counts it, against the limit that applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    count: int
    limit: int | None
    unit: str  # e.g. "weighted", "characters", "graphemes", "segments", "pages", "seconds"
    counting: str  # how the platform counts, in words, for the person reading the draft
    detail: str = ""  # e.g. "UCS-2 (’ forces it), 3 segments of 67"
    problems: list[str] = []  # each reason the text does not fit, in French / English

    @property
    def fits(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ChannelProfile:
    channel: Channel
    label: str
    markup: Markup
    limit: int | None
    unit: str
    counting: str

    def effective_limit(self, settings: ChannelSettings) -> int | None:
        return settings.limit if settings.limit is not None else self.limit

    def prepare(self, text: str) -> str:
        """The text as it will be sent (some channels normalise characters)."""
        return text

    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        count = len(text)
        return self.verdict(count, settings)

    def verdict(
        self,
        count: int,
        settings: ChannelSettings,
        *,
        detail: str = "",
        problems: list[str] | None = None,
    ) -> Measure:
        limit = self.effective_limit(settings)
        found = list(problems or [])
        if limit is not None and count > limit:
            found.insert(
                0,
                f"{self.label} : {count} {self.unit} pour une limite de {limit} ({self.counting}) "
                f"/ {count} over the limit of {limit}",
            )
        return Measure(
            count=count,
            limit=limit,
            unit=self.unit,
            counting=self.counting,
            detail=detail,
            problems=found,
        )
