"""Sign a request for a crisis, and verify it: pure functions over pydantic models, used by
the front ends (to sign) and by the workflow's update validators (to verify, deterministically).

What is signed is the request itself (every field but its signature: the person, the revision,
the action, the edited texts, the comment), the crisis's id and the update's name, with the
signer's identity, time and a random nonce. A signature therefore fits one request to one
crisis: replayed on another revision, another crisis or another update, it no longer verifies,
and the workflow refuses a nonce it has already accepted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pydantic import BaseModel

from tocsin.models.identity import Keyring, Signature, Signer

M = TypeVar("M", bound=BaseModel)
TRIGGER = "trigger"  # the "update" name a crisis's start is signed under


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return b64(public.public_bytes(Encoding.Raw, PublicFormat.Raw))


def key_id(public: str) -> str:
    """A key's id: the start of the SHA-256 of its raw public bytes."""
    return "k-" + hashlib.sha256(unb64(public)).hexdigest()[:16]


def signed_bytes(crisis_id: str, update: str, request: BaseModel, signature: Signature) -> bytes:
    """The exact bytes a signature covers: canonical JSON, keys sorted, no spaces. Fields at
    their default are left out, so that a field added to a model later (a playbook person's
    new optional id, say) changes nothing for what was signed before it: a running crisis's
    recorded start and changes still verify when its history is replayed."""
    claim = {
        "v": 1,
        "crisis": crisis_id,
        "update": update,
        "request": request.model_dump(mode="json", exclude={"signature"}, exclude_defaults=True),
        "signature": signature.model_dump(mode="json", exclude={"value"}),
    }
    return json.dumps(claim, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Credential:
    """What a front end signs with for one act: its key, and the person as it authenticated
    them (``slack:U0456``, ``oidc:<issuer>#<subject>``, ``operator:<label>``)."""

    key: Ed25519PrivateKey
    identity: str
    reason: str = ""  # the operator's, from the command line

    @property
    def key_id(self) -> str:
        return key_id(public_text(self.key))

    def sign(self, crisis_id: str, update: str, request: M, now: datetime) -> M:
        """The request with its signature (``request.signature`` must exist as a field)."""
        unsigned = Signature(
            key_id=self.key_id,
            identity=self.identity,
            reason=self.reason,
            signed_at=now,
            nonce=secrets.token_hex(16),
            value="A" * 86,
        )
        value = b64(self.key.sign(signed_bytes(crisis_id, update, request, unsigned)))
        signature = unsigned.model_copy(update={"value": value})
        return request.model_copy(update={"signature": signature})


class Unverified(Exception):
    """Why a request is not accepted as signed: a refusal code and its parameters."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def verify(keyring: Keyring, crisis_id: str, update: str, request: BaseModel) -> Signer:
    """The signer of ``request``, or ``Unverified``: unsigned, a key the crisis does not
    trust, or a signature that does not fit these bytes."""
    signature = getattr(request, "signature", None)
    if not isinstance(signature, Signature):
        raise Unverified("Unsigned")
    key = keyring.find(signature.key_id)
    if key is None:
        raise Unverified("UnknownKey", key=signature.key_id)
    try:
        Ed25519PublicKey.from_public_bytes(unb64(key.public)).verify(
            unb64(signature.value), signed_bytes(crisis_id, update, request, signature)
        )
    except (InvalidSignature, ValueError):
        raise Unverified("BadSignature", key=signature.key_id) from None
    return Signer(
        front=key.front,
        key_id=key.key_id,
        identity=signature.identity,
        reason=signature.reason,
        signed_at=signature.signed_at,
    )
