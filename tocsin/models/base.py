"""What every tocsin record shares: the strict base, channels, phases, identifiers, severities."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    """A record that refuses unknown fields: a typo in a playbook or a payload is an error."""

    model_config = ConfigDict(extra="forbid", frozen=False)


class Channel(StrEnum):
    X = "x"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    LINKEDIN = "linkedin"
    WEBSITE = "website"
    PRESS_RELEASE = "press_release"
    SMS = "sms"
    CELL_BROADCAST = "cell_broadcast"
    HOTLINE = "hotline"
    POSTER = "poster"
    RADIO = "radio"


class PhaseName(StrEnum):
    DETECT = "detect"
    ACKNOWLEDGE = "acknowledge"
    EXPLAIN = "explain"
    SOLUTIONS = "solutions"
    FOLLOW_UP = "follow_up"
    CLOSE = "close"


PHASE_ORDER: tuple[PhaseName, ...] = tuple(PhaseName)

Language = Annotated[str, Field(pattern=r"^[a-z]{2}$")]
Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
RuleId = Annotated[str, Field(pattern=r"^R-[A-Z0-9]+$")]


class Severity(StrEnum):
    BLOCKING = "blocking"  # stops approval unless an allowed role overrides it, with a reason
    WARNING = "warning"  # shown to the approver; never stops anything
