"""What every channel profile knows: its limit, how the platform counts, its markup."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tocsin.models import Channel, ChannelSettings, Measure


class Markup(StrEnum):
    TEXT = "text"  # plain text as the platform shows it
    HTML = "html"  # an HTML fragment or page, autoescaped
    MARKDOWN = "markdown"  # Markdown source, published with its HTML rendering
    SPOKEN = "spoken"  # plain text meant to be read aloud


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
                f"{self.label} : {count} {self.unit} pour une limite de {limit} "
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
