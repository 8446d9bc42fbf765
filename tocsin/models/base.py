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


# What a crisis holds is bounded, so that no payload (2 MB, a warning past 512 KB) and no
# history (50 MB, 51,200 events) Temporal keeps can be reached by what people send: the update
# validators refuse the next item over a cap (workflows/caps.py), the models refuse what is too
# long before anything is sent. README « Limits » lists them.
MAX_FACTS = 100  # facts in a crisis
MAX_FACT_CHARS = 1_000  # characters of one fact
MAX_FACTS_BYTES = 64 * 1024  # the facts together, in UTF-8
MAX_COMMENT_CHARS = 2_000  # a comment, a note, a reason, a justification, a summary
MAX_EDIT_CHARS = 10_000  # one edited text
MAX_EDITS_CHARS = 40_000  # every text of one decision or revision together
MAX_REVISIONS_PER_GATE = 20  # revisions of one statement; then approve or reject it
MAX_PARAMS = 50  # parameters of a crisis
MAX_INPUT_BYTES = 256 * 1024  # the crisis as started: playbook, templates, parameters (JSON)
# What the crisis's state keeps (its status shows; the review reads every run's history):
KEPT_EVENTS = 300  # the latest timeline lines
KEPT_DETAIL_CHARS = 200  # of a timeline line's detail
KEPT_DECISIONS = 50  # the latest decisions, within KEPT_DECISIONS_BYTES
KEPT_DECISIONS_BYTES = 256 * 1024  # the decisions kept, in JSON
KEPT_PUBLICATIONS = 200  # the latest published files
KEPT_NONCES = 2_000  # the latest signed changes, against a replay (32 hex characters each)
MAX_FINDINGS = 100  # guardrail findings kept with a draft, the blocking ones first
