"""Bluesky: a statement becomes an ``app.bsky.feed.post`` record, through the ``atproto`` SDK.

- **Idempotent.** The record key is a TID derived from the publication's idempotency key
  (:func:`record_key`): a second create with the same key fails (the PDS answers 500), and a
  failed create followed by a ``getRecord`` that finds the same text counts as published. A
  retry after a connection dropped once the PDS had accepted the post therefore posts nothing.
- **Rich text.** Links and hashtags become facets, indexed in UTF-8 *bytes* (:func:`facets`).
- **One thread per crisis.** The crisis's first post is the root; each next post replies to
  the root and to the previous post (:class:`Thread`).
- **Corrections** are a reply « Correction : … »; a **retraction** deletes the record.
- **Limits and errors** (``bluesky_client``): 5,000 points an hour, a create costing 3; 429
  with ``ratelimit-reset`` and 5xx are retryable, 401/403 is not and names the password's
  variable.

Inputs are explicit (the account, its app password's value and the variable it came from);
nothing here reads the environment or knows about workflows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import regex
from atproto import AsyncClient, models
from atproto_client.exceptions import RequestErrorBase

from tocsin.i18n import text_in
from tocsin.publish.bluesky_client import (
    CREATE_COST,
    DELETE_COST,
    FAILURES,
    Account,
    BlueskyError,
    PointsBucket,
    bucket_for,
    detail,
    error,
    with_session,
)

POST = "app.bsky.feed.post"
MAX_GRAPHEMES = 300  # Bluesky's limit on a post's text, and in UTF-8 bytes:
MAX_BYTES = 3000
MAX_TAG = 64  # graphemes in a hashtag, without its '#'
WEB = "https://bsky.app"

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

    @property
    def ref(self) -> Ref:
        return Ref(self.uri, self.cid)

    def thread(self, root: Ref | None = None) -> Thread:
        """The thread for the crisis's next post: under ``root`` (this post when it is the
        root), answering this post."""
        return Thread(root=root or self.ref, parent=self.ref)


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


def public_url(handle: str, uri: str, web: str = WEB) -> str:
    return f"{web}/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def _text_of(value: object) -> str | None:
    text = value.get("text") if isinstance(value, dict) else getattr(value, "text", None)
    return text if isinstance(text, str) else None


async def _existing(client: AsyncClient, did: str, rkey: str) -> tuple[str, str, str] | None:
    """The post at ``rkey``: (uri, cid, text), or None when there is none."""
    try:
        found = await client.com.atproto.repo.get_record(
            models.ComAtprotoRepoGetRecord.Params(repo=did, collection=POST, rkey=rkey)
        )
    except RequestErrorBase as exc:
        if exc.response is not None and exc.response.status_code in (400, 404):
            return None  # RecordNotFound
        raise
    return found.uri, found.cid or "", _text_of(found.value) or ""


_CID = regex.compile(r"[A-Za-z0-9]{8,200}")


def _posted(account: Account, did: str, rkey: str, uri: str, cid: str, web: str) -> Posted:
    """The PDS's answer, checked: the record is the one asked for (its answer is untrusted, and
    its id goes into history and the review)."""
    if uri != f"at://{did}/{POST}/{rkey}" or not _CID.fullmatch(cid):
        raise BlueskyError("bluesky.err.rejected", retryable=False, problem=detail(uri))
    return Posted(uri, cid, public_url(account.handle, uri, web))


async def publish_post(
    account: Account,
    text: str,
    language: str,
    idempotency_key: str,
    thread: Thread | None = None,
    *,
    created_at: datetime | None = None,
    bucket: PointsBucket | None = None,
    web: str = WEB,
) -> Posted:
    """Post ``text`` in ``language`` (a BCP 47 tag) as the record keyed by
    ``idempotency_key``; in ``thread`` when given. Calling it again with the same key returns
    the same post and posts nothing."""
    count = graphemes(text)
    if not text.strip() or count > MAX_GRAPHEMES or len(text.encode()) > MAX_BYTES:
        raise BlueskyError(
            "bluesky.err.too_long", retryable=False, count=count, limit=MAX_GRAPHEMES
        )
    rkey = record_key(idempotency_key)
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

    async def create(client: AsyncClient, did: str) -> Posted:
        await (bucket or bucket_for(account)).take(CREATE_COST)
        try:
            created = await client.com.atproto.repo.create_record(
                models.ComAtprotoRepoCreateRecord.Data(
                    repo=did, collection=POST, rkey=rkey, record=record
                )
            )
            return _posted(account, did, rkey, created.uri, created.cid, web)
        except FAILURES as exc:
            failure = error(account, exc)
            if failure.status in (401, 403, 429):
                raise failure from None
        # The create failed: a record already at this key (a duplicate rkey is a 500) with the
        # same text is this publication, made by an earlier try whose answer was lost.
        try:
            found = await _existing(client, did, rkey)
        except FAILURES as exc:
            raise error(account, exc) from None
        if found is None:
            raise failure
        uri, cid, existing = found
        if existing != text:
            raise BlueskyError(
                "bluesky.err.conflict", retryable=False, rkey=rkey, handle=account.handle
            )
        return _posted(account, did, rkey, uri, cid, web)

    return await with_session(account, create)


async def publish_correction(
    account: Account,
    text: str,
    language: str,
    idempotency_key: str,
    thread: Thread,
    **options: Any,
) -> Posted:
    """A correction: a reply « Correction : ``text`` » under the corrected post (``thread``'s
    parent), idempotent like :func:`publish_post`."""
    return await publish_post(
        account, correction_text(text, language), language, idempotency_key, thread, **options
    )


async def delete_post(account: Account, uri: str, *, bucket: PointsBucket | None = None) -> None:
    """A retraction: delete the post at ``uri`` (an at-uri of this account's). Deleting a post
    that is already gone succeeds: a retry is harmless."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != POST or not TID_PATTERN.match(parts[2]):
        raise BlueskyError("bluesky.err.rejected", retryable=False, problem=detail(uri))

    async def delete(client: AsyncClient, did: str) -> None:
        if parts[0] not in (did, account.handle):
            raise BlueskyError("bluesky.err.rejected", retryable=False, problem=detail(uri))
        await (bucket or bucket_for(account)).take(DELETE_COST)
        try:
            await client.com.atproto.repo.delete_record(
                models.ComAtprotoRepoDeleteRecord.Data(repo=did, collection=POST, rkey=parts[2])
            )
        except FAILURES as exc:
            raise error(account, exc) from None

    await with_session(account, delete)
