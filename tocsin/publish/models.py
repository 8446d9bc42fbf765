"""What a publisher is asked to do and what it answers: plain pydantic records, fit to be an
activity's input and result in a workflow's history (no secret in them, ever).

The idempotency key is derived from what identifies one publication of one text: the crisis,
the phase, the statement's sequence and revision, the channel, the language and the account.
Each publisher turns it into the platform's own deduplication handle: Mastodon's
``Idempotency-Key``, the e-mail's ``Message-ID``, the Standard Webhooks ``webhook-id``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field, field_validator

from tocsin.models.base import Channel, Identifier, Language, PhaseName, Strict
from tocsin.models.playbook import AlertPolicy

MAX_TEXT = 100_000  # a press release, with room; a post is far shorter
MAX_URL = 2_000
Url = Annotated[str, Field(max_length=MAX_URL, pattern=r"^https?://[^\s<>\"]+$")]
# A platform's id of a post: printable, one line (it goes into e-mail headers and URLs).
RemoteId = Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]+$")]


class AccountKind(StrEnum):
    MASTODON = "mastodon"
    BLUESKY = "bluesky"
    EMAIL = "email"
    WEBHOOK = "webhook"
    STATUS_SITE = "status_site"
    MATRIX = "matrix"


class Action(StrEnum):
    """What is done with a statement on an account: first publication, correction of what was
    published (a new revision of the same statement), retraction."""

    PUBLISH = "publish"
    CORRECT = "correct"
    RETRACT = "retract"


class Publication(Strict):
    """What a platform answered: its id of the post and where the public sees it."""

    remote_id: RemoteId
    url: Url | None = None
    published_at: AwareDatetime
    account: Identifier
    kind: AccountKind
    key: str = Field(min_length=1, max_length=200)
    action: Action = Action.PUBLISH


def idempotency_key(
    crisis_id: str,
    phase: PhaseName,
    sequence: int,
    revision: int,
    channel: Channel,
    language: str,
    account: str,
) -> str:
    """One publication's key: the same inputs always give the same key, different inputs (any
    of them) a different one. ASCII letters, digits and dashes, 43 characters: valid as an
    HTTP header value, a Message-ID's left part and a Standard Webhooks id."""
    canonical = json.dumps(
        [crisis_id, phase.value, sequence, revision, channel.value, language, account],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return "tocsin-" + hashlib.sha256(canonical.encode()).hexdigest()[:36]


PublicLine = Annotated[str, Field(max_length=300, pattern=r"^[^\r\n]*$")]


class PublicContext(Strict):
    """What the public pages and alert feeds say around a statement (the status site, CAP),
    from the playbook's ``public`` section rendered over the crisis's parameters."""

    title: PublicLine
    sender: PublicLine
    area: PublicLine
    contact: PublicLine
    web: Url | None = None
    geocodes: dict[str, PublicLine] = Field(default_factory=dict, max_length=50)
    alert: AlertPolicy | None = None
    timezone: str = Field(default="Europe/Paris", max_length=64)
    next_update: AwareDatetime | None = None
    closing: bool = False  # the close phase's statement: the end of the alert


class PublishRequest(Strict):
    """One approved text for one channel, language and account.

    ``thread``: the platform id of this crisis's previous post on the account, so that a
    crisis makes one thread; ``previous``: for a correction or a retraction, the publication it
    corrects or withdraws (a correction is a new ``revision`` of the same statement)."""

    crisis_id: str = Field(min_length=1, max_length=200, pattern=r"^[\w.:-]+$")
    phase: PhaseName
    sequence: int = Field(ge=0, le=1_000_000)
    revision: int = Field(ge=0, le=1_000_000)
    channel: Channel
    language: Language
    account: Identifier
    text: str = Field(min_length=1, max_length=MAX_TEXT)
    html: str | None = Field(default=None, max_length=4 * MAX_TEXT)
    subject: str | None = Field(default=None, max_length=300)
    exercise: bool
    statement_url: Url | None = None
    action: Action = Action.PUBLISH
    thread: RemoteId | None = None
    previous: Publication | None = None
    context: PublicContext | None = None
    at: datetime | None = None  # when the workflow asked (its clock), else the publisher's

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("texte vide / empty text")
        return value

    @property
    def key(self) -> str:
        """The idempotency key of this request: the publication's key, and for a correction or
        a retraction that key with the action, so that a retraction notice by e-mail or
        webhook is a message of its own."""
        base = idempotency_key(
            self.crisis_id,
            self.phase,
            self.sequence,
            self.revision,
            self.channel,
            self.language,
            self.account,
        )
        return base if self.action is Action.PUBLISH else f"{base}-{self.action.value}"
