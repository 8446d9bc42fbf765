"""Social networks: X, Mastodon, Bluesky, Facebook, Instagram, LinkedIn."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from tocsin.channels.base import ChannelProfile, Markup
from tocsin.models import Channel, ChannelSettings, Measure

URL = regex.compile(r"https?://[^\s<>\"«»]+", regex.IGNORECASE)
MENTION = regex.compile(r"(?<![\w@])@(\w+)(?:@[\w.-]+\w)?")
HASHTAG = regex.compile(r"(?<![\w#])#(\w+)")


@dataclass(frozen=True)
class XProfile(ChannelProfile):
    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        # twitter-text v3: URLs 23, emoji 2, CJK and some punctuation (U+202F, …, €) 2. Imported
        # here: it compiles its expressions on import (0.9 s), which every command would pay.
        from twitter_text import parse_tweet

        return self.verdict(parse_tweet(text).weightedLength, settings)


@dataclass(frozen=True)
class MastodonProfile(ChannelProfile):
    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        url_length = settings.url_length or 23
        counted = URL.sub("x" * url_length, text)
        counted = MENTION.sub(lambda m: "@" + m.group(1), counted)  # the domain is not counted
        return self.verdict(len(counted), settings)


@dataclass(frozen=True)
class GraphemeProfile(ChannelProfile):
    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        graphemes = len(regex.findall(r"\X", text))
        problems = []
        if len(text.encode("utf-8")) > 3000:
            problems.append("Bluesky : plus de 3 000 octets / over 3,000 bytes")
        return self.verdict(graphemes, settings, problems=problems)


@dataclass(frozen=True)
class HashtagLimitedProfile(ChannelProfile):
    max_hashtags: int = 5

    def measure(self, text: str, settings: ChannelSettings) -> Measure:
        allowed = settings.hashtags if settings.hashtags is not None else self.max_hashtags
        tags = HASHTAG.findall(text)
        problems = []
        if len(tags) > allowed:
            problems.append(
                f"{self.label} : {len(tags)} hashtags, {allowed} au plus / "
                f"{len(tags)} hashtags, at most {allowed}"
            )
        return self.verdict(
            len(text), settings, detail=f"{len(tags)} hashtag(s)", problems=problems
        )


X = XProfile(
    Channel.X,
    "X",
    Markup.TEXT,
    280,
    "caractères pondérés",
    "twitter-text v3 : lien 23, émoji 2, U+202F « … » € 2",
)
MASTODON = MastodonProfile(
    Channel.MASTODON,
    "Mastodon",
    Markup.TEXT,
    500,
    "caractères",
    "lien 23, mention sans son domaine ; limite propre à chaque instance",
)
BLUESKY = GraphemeProfile(
    Channel.BLUESKY,
    "Bluesky",
    Markup.TEXT,
    300,
    "graphèmes",
    "graphèmes (un émoji composé compte 1), 3 000 octets au plus",
)
FACEBOOK = ChannelProfile(
    Channel.FACEBOOK, "Facebook", Markup.TEXT, 63_206, "caractères", "caractères"
)
INSTAGRAM = HashtagLimitedProfile(
    Channel.INSTAGRAM,
    "Instagram",
    Markup.TEXT,
    2_200,
    "caractères",
    "légende : caractères, 5 hashtags au plus",
)
LINKEDIN = ChannelProfile(
    Channel.LINKEDIN, "LinkedIn", Markup.TEXT, 3_000, "caractères", "caractères"
)
