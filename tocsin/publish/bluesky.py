"""Bluesky: a statement becomes an ``app.bsky.feed.post`` record, through the ``atproto`` SDK;
:func:`publish_bluesky` is what :func:`tocsin.publish.publisher.publish` calls.

- **Idempotent.** The record key is a TID derived from the request's idempotency key
  (:func:`record_key`): a second create with the same key fails (the PDS answers 500), and a
  failed create followed by a ``getRecord`` that finds the same text counts as published. A
  retry after a connection dropped once the PDS had accepted the post therefore posts nothing.
- **Rich text.** Links and hashtags become facets, indexed in UTF-8 *bytes* (:func:`facets`).
- **One thread per crisis.** The request's ``thread`` is the at-uri of the crisis's previous
  post on the account. A reply needs strong references (at-uri and CID) to the thread's root
  and to its parent: they are read back with one ``getRecord`` of that post (its CID, and its
  own ``reply.root``, or itself when it is the root). The remote id stays the plain at-uri
  (what the public and the review can use), and a CID is never trusted from history. A
  previous post that is gone (retracted, deleted by hand) starts a new thread.
- **Corrections** are a reply « Correction : … » under the corrected post; a **retraction**
  deletes the record (deleting a record already gone succeeds).
- **Limits and errors**: the account's token bucket (:mod:`tocsin.publish.ratelimit`: 5,000
  points an hour, a create costing 3, a delete 1), the errors of :mod:`tocsin.publish.errors`
  (``bluesky_client``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import regex
from atproto import AsyncClient, models
from atproto_client.exceptions import RequestErrorBase
from pydantic import SecretStr

from tocsin.i18n import text_in
from tocsin.publish.accounts import BlueskyAccount
from tocsin.publish.bluesky_client import (
    DELETE_COST,
    FAILURES,
    Account,
    error,
    with_session,
)
from tocsin.publish.errors import NotRetryable, Rejected, Unavailable, detail
from tocsin.publish.models import AccountKind, Action, Publication, PublishRequest
from tocsin.publish.ratelimit import BLUESKY_CREATE_COST, LIMITS, Limits

POST = "app.bsky.feed.post"
MAX_GRAPHEMES = 300  # Bluesky's limit on a post's text, and in UTF-8 bytes:
MAX_BYTES = 3000
MAX_TAG = 64  # graphemes in a hashtag, without its '#'

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable
TID_PATTERN = regex.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


@dataclass(frozen=True)
class Ref:
    """A strong reference to a record: its at-uri and the CID of its content."""

    uri: str
    cid: str


@dataclass(frozen=True)
class Thread:
    """Where a reply goes: the crisis's first post and the post it answers."""

    root: Ref
    parent: Ref


@dataclass(frozen=True)
class Posted:
    """A published post: its at-uri, CID and the address the public opens."""

    uri: str
    cid: str
    url: str


def record_key(idempotency_key: str) -> str:
    """A valid TID (13 characters, base32-sortable, top bit 0) derived from ``idempotency_key``
    alone: 53 bits of timestamp and 10 of clock id taken from its SHA-256."""
    value = int.from_bytes(hashlib.sha256(idempotency_key.encode()).digest()[:8], "big")
    value &= (1 << 63) - 1
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def graphemes(text: str) -> int:
    return len(regex.findall(r"\X", text))


_URL = regex.compile(r"https?://[^\s<>\"«»]+", regex.IGNORECASE)
_TAG = regex.compile(r"(?<!\S)[#＃]([^\s#＃]+)")
_TRAILING = regex.compile(r"[\p{P}\p{S}&&[^/=_\-+#~)]]+$", regex.V1)


def _trim_url(url: str) -> str:
    url = _TRAILING.sub("", url)
    # A closing bracket belongs to the link only when the link opened one.
    while url.endswith(")") and url.count(")") > url.count("("):
        url = _TRAILING.sub("", url[:-1])
    return url


def _byte_slice(text: str, start: int, end: int) -> models.AppBskyRichtextFacet.ByteSlice:
    byte_start = len(text[:start].encode())
    return models.AppBskyRichtextFacet.ByteSlice(
        byte_start=byte_start, byte_end=byte_start + len(text[start:end].encode())
    )


def facets(text: str) -> list[models.AppBskyRichtextFacet.Main]:
    """Links and hashtags of ``text`` as facets, their positions in UTF-8 bytes."""
    found: list[models.AppBskyRichtextFacet.Main] = []
    taken: list[tuple[int, int]] = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group())
        if len(url) <= len("https://"):
            continue
        start, end = match.start(), match.start() + len(url)
        taken.append((start, end))
        found.append(
            models.AppBskyRichtextFacet.Main(
                index=_byte_slice(text, start, end),
                features=[models.AppBskyRichtextFacet.Link(uri=url)],
            )
        )
    for match in _TAG.finditer(text):
        tag = _TRAILING.sub("", match.group(1))
        start = match.start()
        if (
            not tag
            or tag.isdigit()
            or graphemes(tag) > MAX_TAG
            or any(a <= start < b for a, b in taken)
        ):
            continue
        found.append(
            models.AppBskyRichtextFacet.Main(
                index=_byte_slice(text, start, start + 1 + len(tag)),
                features=[models.AppBskyRichtextFacet.Tag(tag=tag)],
            )
        )
    found.sort(key=lambda facet: facet.index.byte_start)
    return found


def correction_text(text: str, language: str) -> str:
    """« Correction : … » in the post's language (French when not one of ours)."""
    return text_in(language, "bluesky.correction", text=text)


def public_url(handle: str, uri: str, web: str) -> str:
    return f"{web.rstrip('/')}/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _field(value: object, name: str) -> Any:
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)


def own_rkey(account: Account, uri: str, did: str | None = None) -> str:
    """The record key of ``uri``, a post of this account's (its DID, or its handle); any
    other at-uri is refused: a remote id from history is not trusted to point elsewhere."""
    parts = uri.removeprefix("at://").split("/")
    if (
        not uri.startswith("at://")
        or len(parts) != 3
        or parts[1] != POST
        or not TID_PATTERN.match(parts[2])
        or (did is not None and parts[0] != did and parts[0].lower() != account.handle.lower())
    ):
        raise Rejected(account.name, 0, detail(uri))
    return parts[2]


async def _existing(client: AsyncClient, did: str, rkey: str) -> tuple[str, str, Any] | None:
    """The post at ``rkey``: (uri, cid, its record), or None when there is none."""
    try:
        found = await client.com.atproto.repo.get_record(
            models.ComAtprotoRepoGetRecord.Params(repo=did, collection=POST, rkey=rkey)
        )
    except RequestErrorBase as exc:
        if exc.response is not None and exc.response.status_code in (400, 404):
            return None  # RecordNotFound
        raise
    return found.uri, found.cid or "", found.value


_CID = regex.compile(r"[A-Za-z0-9]{8,200}")


def _ref(uri: object, cid: object) -> Ref | None:
    if isinstance(uri, str) and isinstance(cid, str) and _CID.fullmatch(cid):
        return Ref(uri, cid)
    return None


async def thread_after(client: AsyncClient, did: str, account: Account, uri: str) -> Thread | None:
    """Where a reply to the post ``uri`` goes: under that post's root (itself when it is the
    root), answering it; None when the post is gone (a new thread starts)."""
    found = await _existing(client, did, own_rkey(account, uri, did))
    if found is None:
        return None
    parent = _ref(*found[:2])
    if parent is None:
        raise NotRetryable(account.name, "publish.err.bad_answer", problem=detail(found[1]))
    reply = _field(found[2], "reply")
    root_of = _field(reply, "root") if reply is not None else None
    root = _ref(_field(root_of, "uri"), _field(root_of, "cid")) if root_of is not None else None
    return Thread(root=root or parent, parent=parent)


def _posted(account: Account, did: str, rkey: str, uri: str, cid: str, web: str) -> Posted:
    """The PDS's answer, checked: the record is the one asked for (its answer is untrusted, and
    its id goes into history and the review)."""
    if uri != f"at://{did}/{POST}/{rkey}" or not _CID.fullmatch(cid):
        raise NotRetryable(account.name, "publish.err.bad_answer", problem=detail(uri))
    return Posted(uri, cid, public_url(account.handle, uri, web))


@dataclass(frozen=True)
class Budget:
    """The account's token bucket: which :class:`Limits`, and its rate from the accounts file."""

    limits: Limits
    points: int
    window: float

    async def take(self, account: Account, cost: int) -> None:
        await self.limits.take(account.name, self.points, self.window, cost=cost)

    def told(self, account: Account, failure: Exception) -> None:
        """Bluesky said 429: the bucket waits until its window resets."""
        if isinstance(failure, Unavailable) and failure.status == 429 and failure.retry_after:
            self.limits.pause(account.name, failure.retry_after)


async def publish_post(
    account: Account,
    text: str,
    language: str,
    idempotency_key: str,
    reply_to: str | None,
    budget: Budget,
    *,
    created_at: datetime | None = None,
    web: str,
) -> Posted:
    """Post ``text`` in ``language`` (a BCP 47 tag) as the record keyed by
    ``idempotency_key``; a reply to the post ``reply_to`` (an at-uri of the account's) when
    given. Calling it again with the same key returns the same post and posts nothing."""
    count = graphemes(text)
    if not text.strip() or count > MAX_GRAPHEMES or len(text.encode()) > MAX_BYTES:
        raise NotRetryable(account.name, "bluesky.err.too_long", count=count, limit=MAX_GRAPHEMES)
    rkey = record_key(idempotency_key)
    if reply_to is not None:
        own_rkey(account, reply_to)

    async def create(client: AsyncClient, did: str) -> Posted:
        try:
            thread = await thread_after(client, did, account, reply_to) if reply_to else None
        except FAILURES as exc:
            raise error(account, exc) from None
        record = models.AppBskyFeedPost.Record(
            text=text,
            langs=[language],
            facets=facets(text) or None,
            created_at=(created_at or datetime.now(UTC)).isoformat(timespec="milliseconds"),
            reply=None
            if thread is None
            else models.AppBskyFeedPost.ReplyRef(
                root=models.ComAtprotoRepoStrongRef.Main(uri=thread.root.uri, cid=thread.root.cid),
                parent=models.ComAtprotoRepoStrongRef.Main(
                    uri=thread.parent.uri, cid=thread.parent.cid
                ),
            ),
        )
        await budget.take(account, BLUESKY_CREATE_COST)
        try:
            created = await client.com.atproto.repo.create_record(
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=did, collection=POST, rkey=rkey, record=record
                )
            )
            return _posted(account, did, rkey, created.uri, created.cid, web)
        except FAILURES as exc:
            failure = error(account, exc)
            budget.told(account, failure)
            if not isinstance(failure, Unavailable) or failure.status == 429:
                raise failure from None
        # The create failed: a record already at this key (a duplicate rkey is a 500) with the
        # same text is this publication, made by an earlier try whose answer was lost.
        try:
            found = await _existing(client, did, rkey)
        except FAILURES as exc:
            raise error(account, exc) from None
        if found is None:
            raise failure
        uri, cid, value = found
        if _field(value, "text") != text:
            raise NotRetryable(
                account.name, "bluesky.err.conflict", rkey=rkey, handle=account.handle
            )
        return _posted(account, did, rkey, uri, cid, web)

    return await with_session(account, create)


async def delete_post(account: Account, uri: str, budget: Budget) -> None:
    """A retraction: delete the post at ``uri`` (an at-uri of this account's). Deleting a post
    that is already gone succeeds: a retry is harmless."""
    own_rkey(account, uri)

    async def delete(client: AsyncClient, did: str) -> None:
        rkey = own_rkey(account, uri, did)
        await budget.take(account, DELETE_COST)
        try:
            await client.com.atproto.repo.delete_record(
                models.ComAtprotoRepoDeleteRecord.Data(repo=did, collection=POST, rkey=rkey)
            )
        except FAILURES as exc:
            failure = error(account, exc)
            budget.told(account, failure)
            raise failure from None

    await with_session(account, delete)


async def publish_bluesky(
    request: PublishRequest,
    account: BlueskyAccount,
    password: SecretStr,
    *,
    limits: Limits = LIMITS,
) -> Publication:
    """One request on a Bluesky account: a post (a reply in the crisis's thread when
    ``request.thread`` is set), a correction (a reply « Correction : … » under the corrected
    post), or a retraction (the corrected post deleted)."""
    login = Account(request.account, account.url, account.handle, password, account.source_name())
    rate = account.limit()
    budget = Budget(limits, rate.requests, rate.per.total_seconds())
    if request.action is Action.RETRACT:
        assert request.previous is not None
        await delete_post(login, request.previous.remote_id, budget)
        remote_id, url = request.previous.remote_id, request.previous.url
    else:
        text, reply_to = request.text, request.thread
        if request.action is Action.CORRECT:
            assert request.previous is not None
            text = correction_text(request.text, request.language)
            reply_to = request.previous.remote_id
        posted = await publish_post(
            login,
            text,
            request.language,
            request.key,
            reply_to,
            budget,
            created_at=request.at,
            web=account.web,
        )
        remote_id, url = posted.uri, posted.url
    return Publication(
        remote_id=remote_id,
        url=url,
        published_at=datetime.now(UTC),
        account=request.account,
        kind=AccountKind.BLUESKY,
        key=request.key,
        action=request.action,
    )
