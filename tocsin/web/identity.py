"""Who is signed in, and who that is in a crisis.

An identity is what the sign-in proved: the issuer and subject of an OpenID Connect ID token,
with the e-mail address when the provider says it is verified; or, without a provider, a
person id of the bundled playbooks, proved by a one-time link used on loopback
(``LOCAL_ISSUER``). A crisis's people were snapshotted at trigger time: the identity is matched
against them, by ``oidc_subject`` first, then by verified e-mail, never by name.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from tocsin.models import Person

LOCAL_ISSUER = "urn:tocsin:loopback-link"  # the issuer of the one-time links' identities
LINK_BYTES = 24


class Identity(BaseModel):
    """What a session holds about its person: enough to match and to sign, nothing secret."""

    model_config = ConfigDict(frozen=True)

    issuer: str = Field(max_length=500)
    subject: str = Field(max_length=255)
    email: str = Field(default="", max_length=320)  # only when the provider verified it
    name: str = Field(default="", max_length=200)

    @property
    def local(self) -> bool:
        return self.issuer == LOCAL_ISSUER

    def shown(self) -> str:
        return self.name or self.email or self.subject

    def signed_as(self) -> str:
        """The identity as the console's signature names it (``Signature.identity``)."""
        if self.local:
            return f"link:{self.subject}"[:300]
        return f"oidc:{self.issuer}#{self.subject}"[:300]


def person_in(people: Mapping[str, Person], who: Identity, issuer: str | None) -> str | None:
    """The person id ``who`` is among ``people``; None when nobody. ``issuer``: the
    configured provider's (a subject means something only from it)."""
    if who.local:
        return who.subject if who.subject in people else None
    if issuer is None or who.issuer != issuer:
        return None
    for person_id, person in people.items():
        if person.oidc_subject and person.oidc_subject == who.subject:
            return person_id
    if who.email:
        wanted = who.email.casefold()
        for person_id, person in people.items():
            if person.email and person.email.strip().casefold() == wanted:
                return person_id
    return None


def from_claims(issuer: str, claims: Mapping[str, object]) -> Identity | None:
    """The identity an ID token's (and the userinfo's) claims prove; None without a subject.
    The e-mail address is kept only when ``email_verified`` is true."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        return None
    email = claims.get("email")
    verified = claims.get("email_verified") is True
    name = claims.get("name")
    return Identity(
        issuer=issuer,
        subject=subject,
        email=email.strip()[:320] if verified and isinstance(email, str) else "",
        name=name.strip()[:200] if isinstance(name, str) else "",
    )


@dataclass(frozen=True)
class Link:
    person: str
    name: str
    token: str


class OneTimeLinks:
    """Sign-in links for the people of the bundled playbooks when there is no identity
    provider: each used once, within ``hours``, from loopback only (the route checks it).
    Only their hashes are kept."""

    def __init__(self, hours: int) -> None:
        self.seconds = hours * 3600
        self._waiting: dict[str, tuple[str, str, float]] = {}  # hash -> person, name, until

    @staticmethod
    def _hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def issue(self, people: Iterable[tuple[str, str]]) -> list[Link]:
        """A new link for each (person id, name); a person listed twice gets one."""
        links: list[Link] = []
        until = time.monotonic() + self.seconds
        for person, name in dict(people).items():
            token = secrets.token_urlsafe(LINK_BYTES)
            self._waiting[self._hash(token)] = (person, name, until)
            links.append(Link(person=person, name=name, token=token))
        return links

    def use(self, token: str) -> Identity | None:
        """The identity a link proves, once; None for an unknown, used or expired link."""
        if not token or len(token) > 100:
            return None
        found = self._waiting.pop(self._hash(token), None)
        if found is None:
            return None
        person, name, until = found
        if time.monotonic() > until:
            return None
        return Identity(issuer=LOCAL_ISSUER, subject=person, name=name)
