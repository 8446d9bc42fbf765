"""Who sent a change: the signature every update and the start carry, verified against the
keys the crisis trusts, as plain functions (tests/test_identity.py, tests/test_rules.py).

Workflow-safe: deterministic, no I/O; Ed25519 verification is pure.
"""

from __future__ import annotations

from pydantic import BaseModel

from tocsin.identity.signing import Unverified, verify
from tocsin.models import CrisisInput, CrisisState
from tocsin.models.base import KEPT_NONCES
from tocsin.models.identity import Front, Keyring, Signature, Signer
from workflows.rules import check_person, refuse


def check_signed(
    crisis: CrisisInput,
    keys: Keyring,
    state: CrisisState,
    update: str,
    request: BaseModel,
    person: str,
) -> Signer:
    """The front end that signed ``request`` for ``person``, or a refusal: unsigned, a key the
    crisis does not trust, a signature that does not fit (another crisis, update, revision or
    text), a nonce already accepted, or an identity that is not the person's."""
    try:
        signer = verify(keys, crisis.crisis_id, update, request)
    except Unverified as exc:
        raise refuse(exc.code, **exc.params) from None
    signature = getattr(request, "signature", None)
    assert isinstance(signature, Signature)  # verify() found it
    if signature.nonce in state.nonces:
        raise refuse("Replayed")
    check_person(crisis.playbook, person)
    who = crisis.playbook.people[person]
    # A front end maps who it authenticated to a person; the workflow checks what it can of
    # the mapping it signed: a Slack member or a Matrix id is the person's, a one-time link
    # the person's own, an OpenID subject the person's when the playbook gives one (else the
    # console matched a verified e-mail, which the workflow trusts the console for).
    identity = signer.identity
    mismatch = (
        (signer.front is Front.SLACK and identity != f"slack:{who.slack_user_id}")
        or (signer.front is Front.MATRIX and identity != f"matrix:{who.matrix_user_id}")
        or (
            signer.front is Front.WEB
            and identity.startswith("link:")
            and identity != f"link:{person}"
        )
        or (
            signer.front is Front.WEB
            and identity.startswith("oidc:")
            and who.oidc_subject is not None
            and identity.rpartition("#")[2] != who.oidc_subject
        )
    )
    if mismatch:
        raise refuse("NotTheirIdentity", person=person, identity=identity)
    return signer


def accept_signed(state: CrisisState, request: BaseModel) -> None:
    """Remember the signed change's nonce, the latest KEPT_NONCES: it is never accepted again."""
    signature = getattr(request, "signature", None)
    assert isinstance(signature, Signature)
    state.nonces.append(signature.nonce)
    del state.nonces[:-KEPT_NONCES]
