"""Who sent a change to a crisis, proven: the front ends' public keys a crisis trusts, the
signature every request carries, and the signer the workflow records once it has verified it.

A front end (the Slack app, the web console, the Matrix bot, the operator's command line)
authenticates a person its own way, then signs what it sends with its Ed25519 key. The
workflow verifies the signature against the keys snapshotted into the crisis at trigger time
(and checked by the worker against the organisation's key file): ``via`` and the identity come
from the key and the signature, never from the request itself (tocsin.identity).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field

from tocsin.models.base import Strict

KeyId = Annotated[str, Field(pattern=r"^k-[0-9a-f]{16}$")]
# An identity as the front end authenticated it: "slack:T0123/U0456", "oidc:<issuer>#<subject>",
# "matrix:@camille:example.fr", "operator:<key label>".
IdentityText = Annotated[
    str, Field(min_length=3, max_length=300, pattern=r"^[a-z]+:[^\x00-\x1f\x7f]+$")
]
MAX_KEYS = 32  # keys a crisis carries: several per front end while they rotate


class Front(StrEnum):
    """The front ends that may sign: the operator's command line, Slack, the web console,
    Matrix. A key belongs to one."""

    CLI = "cli"
    SLACK = "slack"
    WEB = "web"
    MATRIX = "matrix"


class FrontKey(Strict):
    """One public key a crisis trusts, the front end it belongs to, and a label for people."""

    key_id: KeyId
    front: Front
    public: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{43}$")]  # Ed25519, base64url
    label: Annotated[str, Field(min_length=1, max_length=80)]


class Keyring(Strict):
    keys: Annotated[list[FrontKey], Field(max_length=MAX_KEYS)] = []

    def find(self, key_id: str) -> FrontKey | None:
        return next((key for key in self.keys if key.key_id == key_id), None)


class Signature(Strict):
    """What a front end adds to a request it sends: who it authenticated, when, with which
    key, and the Ed25519 signature over the request, the crisis and the update's name."""

    key_id: KeyId
    identity: IdentityText
    # The command line is break-glass: the operator says why they act for someone else.
    reason: Annotated[str, Field(max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")] = ""
    signed_at: datetime
    nonce: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    value: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{86}$")]  # 64 bytes, base64url


class Signer(Strict):
    """A verified signature, as history keeps it: through which front end, which key, which
    identity (and, from the command line, the operator's reason)."""

    front: Front
    key_id: KeyId
    identity: str
    reason: str = ""
    signed_at: datetime
