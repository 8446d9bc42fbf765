"""Channel profiles: for each channel, its limit, how its platform counts, its markup.

Limits are data: a playbook (``channel_settings:``) or an organisation (``TOCSIN_CHANNELS``)
overrides them per channel.
"""

from __future__ import annotations

from collections.abc import Mapping

from tocsin.channels.base import ChannelProfile, Markup
from tocsin.channels.documents import POSTER, PRESS_RELEASE, WEBSITE, markdown_to_html
from tocsin.channels.messaging import CELL_BROADCAST, SMS
from tocsin.channels.social import BLUESKY, FACEBOOK, INSTAGRAM, LINKEDIN, MASTODON, X
from tocsin.channels.spoken import HOTLINE, RADIO
from tocsin.models import Channel, ChannelSettings, Measure

PROFILES: dict[Channel, ChannelProfile] = {
    profile.channel: profile
    for profile in (
        X,
        MASTODON,
        BLUESKY,
        FACEBOOK,
        INSTAGRAM,
        LINKEDIN,
        WEBSITE,
        PRESS_RELEASE,
        SMS,
        CELL_BROADCAST,
        HOTLINE,
        POSTER,
        RADIO,
    )
}
assert set(PROFILES) == set(Channel), "every channel needs a profile"

HTML_CHANNELS = frozenset(c for c, p in PROFILES.items() if p.markup is Markup.HTML)
SHORT_CHANNELS = frozenset(
    {Channel.X, Channel.MASTODON, Channel.BLUESKY, Channel.SMS, Channel.CELL_BROADCAST}
)


def profile(channel: Channel) -> ChannelProfile:
    return PROFILES[channel]


def measure(
    channel: Channel, text: str, overrides: Mapping[Channel, ChannelSettings] | None = None
) -> Measure:
    settings = (overrides or {}).get(channel) or ChannelSettings()
    return PROFILES[channel].measure(text, settings)


__all__ = [
    "HTML_CHANNELS",
    "PROFILES",
    "SHORT_CHANNELS",
    "ChannelProfile",
    "ChannelSettings",
    "Markup",
    "Measure",
    "markdown_to_html",
    "measure",
    "profile",
]
