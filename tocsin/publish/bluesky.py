"""Bluesky: a statement becomes an ``app.bsky.feed.post`` record, through the ``atproto`` SDK.

- **Idempotent.** The record key is a TID derived from the publication's idempotency key
  (:func:`record_key`): a second create with the same key fails (the PDS answers 500), and a
  failed create followed by a ``getRecord`` that finds the same text counts as published. A
  retry after a connection dropped once the PDS had accepted the post therefore posts nothing.
- **Rich text.** Links and hashtags become facets, indexed in UTF-8 *bytes* (:func:`facets`).
- **One thread per crisis.** The crisis's first post is the root; each next post replies to
  the root and to the previous post (:class:`Thread`).
- **Corrections** are a reply « Correction : … »; a **retraction** deletes the record.
- **Limits.** 5,000 points an hour, a create costing 3 (:class:`PointsBucket`); 429 with
  ``ratelimit-reset`` and 5xx are retryable, 401/403 is not and names the password's variable.

Inputs are explicit (the account, its app password's value and the variable it came from);
nothing here reads the environment or knows about workflows.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import regex
from atproto import AsyncClient, models
from atproto_client.exceptions import (
    InvokeTimeoutError,
    NetworkError,
    RateLimitExceededError,
    RequestErrorBase,
)
from atproto_client.request import AsyncRequest
from atproto_core.exceptions import AtProtocolError

from tocsin.i18n import both, text_in

POST = "app.bsky.feed.post"
MAX_GRAPHEMES = 300  # Bluesky's limit on a post's text, and in UTF-8 bytes:
MAX_BYTES = 3000
MAX_TAG = 64  # graphemes in a hashtag, without its '#'
HOUR_POINTS = 5_000  # Bluesky: points an account may spend in an hour
CREATE_COST = 3
DELETE_COST = 1
MAX_DETAIL = 300
MAX_WAIT = 30.0  # seconds a call waits for its points before handing the wait back
WEB = "https://bsky.app"
TIMEOUT = 30.0  # seconds for one request

TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable
TID_PATTERN = regex.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")


@dataclass(frozen=True)
class Account:
    """An account on a PDS. ``password``: the app password's value, never shown;
    ``password_env``: where it came from (a variable's or a file's name), named in errors."""

    service_url: str
    handle: str
    password: str = field(repr=False)
    password_env: str


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


class BlueskyError(Exception):
    """A publication that did not happen. ``retryable``: worth retrying with the same key;
    ``retry_after``: the seconds Bluesky asked to wait; ``status``: HTTP status, 0 when no
    answer came. The message is French and English (it may be kept in a workflow's history)."""

    def __init__(
        self,
        key: str,
        *,
        retryable: bool,
        status: int = 0,
        retry_after: float | None = None,
        **values: object,
    ) -> None:
        self.message_key = key
        # "HTTP 503"; "HTTP" alone when no answer came.
        self.values = {"status": f"HTTP {status}" if status else "HTTP", **values}
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after
        super().__init__(both(key, **self.values))

    def localized(self, lang: str) -> str:
        return text_in(lang, self.message_key, **self.values)


def _detail(text: object) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= MAX_DETAIL else flat[: MAX_DETAIL - 1] + "…"


def reset_seconds(headers: dict[str, Any], now: float | None = None) -> float | None:
    """Seconds until a 429's window resets: ``ratelimit-reset`` (Unix time, Bluesky's) else
    ``retry-after``; bounded to a day (the answer is untrusted), None when unreadable."""
    lower = {str(k).lower(): str(v) for k, v in headers.items()}
    current = time.time() if now is None else now
    seconds: float | None = None
    try:
        if "ratelimit-reset" in lower:
            seconds = float(lower["ratelimit-reset"]) - current
        elif "retry-after" in lower:
            seconds = float(lower["retry-after"])
    except ValueError:
        return None
    if seconds is None or not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), 86_400.0)


# What a call through the SDK may raise: its own errors, and transport errors of httpx that it
# lets through (a connection closed before the answer is a RemoteProtocolError).
FAILURES = (AtProtocolError, httpx.TransportError)


def _error(account: Account, exc: Exception) -> BlueskyError:
    """The SDK's exception as a :class:`BlueskyError`: 401/403 not retryable (naming the
    password's variable), 408/429/5xx and network failures retryable, other 4xx not."""
    response = exc.response if isinstance(exc, RequestErrorBase) else None
    if response is None:
        if isinstance(exc, NetworkError | InvokeTimeoutError | httpx.TransportError):
            return BlueskyError(
                "bluesky.err.unavailable",
                retryable=True,
                status=0,
                problem=_detail(type(exc).__name__),
            )
        return BlueskyError("bluesky.err.rejected", retryable=False, status=0, problem=_detail(exc))
    status = response.status_code
    problem = _detail(exc)
    if status in (401, 403):
        return BlueskyError(
            "bluesky.err.credentials",
            retryable=False,
            status=status,
            handle=account.handle,
            source=account.password_env,
        )
    if isinstance(exc, RateLimitExceededError) or status == 429:
        wait = reset_seconds(dict(response.headers))
        return BlueskyError(
            "bluesky.err.rate_limited",
            retryable=True,
            status=status,
            retry_after=wait,
            wait=round(wait) if wait is not None else "-",
        )
    if status in (408, 409, 425) or status >= 500:
        return BlueskyError(
            "bluesky.err.unavailable", retryable=True, status=status, problem=problem
        )
    return BlueskyError("bluesky.err.rejected", retryable=False, status=status, problem=problem)


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


class PointsBucket:
    """Bluesky's budget of an account: ``capacity`` points refilled evenly over an hour.
    A wait longer than ``max_wait`` is not taken: it becomes a retryable error whose
    ``retry_after`` a Temporal activity turns into its next retry delay."""

    def __init__(
        self,
        capacity: float = HOUR_POINTS,
        window: float = 3600.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.capacity = capacity
        self.rate = capacity / window
        self.points = capacity
        self._clock = clock
        self._sleep = sleep
        self._at = clock()
        self._lock = asyncio.Lock()

    async def take(self, cost: float, max_wait: float = MAX_WAIT) -> None:
        async with self._lock:
            now = self._clock()
            self.points = min(self.capacity, self.points + (now - self._at) * self.rate)
            self._at = now
            wait = max(0.0, (cost - self.points) / self.rate)
            if wait > max_wait:
                raise BlueskyError(
                    "bluesky.err.rate_limited", retryable=True, retry_after=wait, wait=round(wait)
                )
            if wait > 0:
                await self._sleep(wait)
                self.points += wait * self.rate
                self._at = self._clock()
            self.points -= cost


_buckets: dict[tuple[str, str], PointsBucket] = {}


def bucket_for(account: Account) -> PointsBucket:
    """The process's bucket of an account (one per PDS and handle)."""
    key = (account.service_url, account.handle.lower())
    if key not in _buckets:
        _buckets[key] = PointsBucket()
    return _buckets[key]


# One logged-in client per account and password: createSession is limited far more tightly
# than posting (30 per 5 minutes on bsky.social), so a session is reused while it lasts (the SDK
# refreshes its tokens). A changed password gives a new entry.
_clients: dict[tuple[str, str, str], tuple[AsyncClient, str]] = {}


async def _client(account: Account) -> tuple[AsyncClient, str]:
    """A logged-in client for ``account`` and the account's DID."""
    secret = hashlib.sha256(account.password.encode()).hexdigest()
    key = (account.service_url, account.handle.lower(), secret)
    found = _clients.get(key)
    if found is not None:
        return found
    client = AsyncClient(
        base_url=account.service_url.rstrip("/") + "/xrpc",
        request=AsyncRequest(timeout=httpx.Timeout(TIMEOUT)),
    )
    try:
        await client.login(account.handle, account.password, fetch_bsky_profile=False)
    except FAILURES as exc:
        await client.request.close()
        raise _error(account, exc) from None
    did = client.me.did if client.me is not None else _session_did(client)
    _clients[key] = (client, did)
    return client, did


def _session_did(client: AsyncClient) -> str:
    session = client._session  # the SDK keeps the session's DID there
    if session is None:
        raise BlueskyError("bluesky.err.rejected", retryable=False, problem="no session")
    return str(session.did)


async def close_sessions() -> None:
    """Close and forget the cached sessions (a worker's shutdown, tests)."""
    clients = list(_clients.values())
    _clients.clear()
    for client, _did in clients:
        await client.request.close()


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
        raise BlueskyError("bluesky.err.rejected", retryable=False, problem=_detail(uri))
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
    client, did = await _client(account)
    await (bucket or bucket_for(account)).take(CREATE_COST)
    try:
        created = await client.com.atproto.repo.create_record(
            models.ComAtprotoRepoCreateRecord.Data(
                repo=did, collection=POST, rkey=rkey, record=record
            )
        )
        return _posted(account, did, rkey, created.uri, created.cid, web)
    except FAILURES as exc:
        failure = _error(account, exc)
        if failure.status in (401, 403, 429):
            raise failure from None
    # The create failed: a record already at this key (a duplicate rkey is a 500) with the same
    # text is this publication, made by an earlier try whose answer was lost.
    try:
        found = await _existing(client, did, rkey)
    except FAILURES as exc:
        raise _error(account, exc) from None
    if found is None:
        raise failure
    uri, cid, existing = found
    if existing != text:
        raise BlueskyError(
            "bluesky.err.conflict", retryable=False, rkey=rkey, handle=account.handle
        )
    return _posted(account, did, rkey, uri, cid, web)


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
        raise BlueskyError("bluesky.err.rejected", retryable=False, problem=_detail(uri))
    client, did = await _client(account)
    if parts[0] not in (did, account.handle):
        raise BlueskyError("bluesky.err.rejected", retryable=False, problem=_detail(uri))
    await (bucket or bucket_for(account)).take(DELETE_COST)
    try:
        await client.com.atproto.repo.delete_record(
            models.ComAtprotoRepoDeleteRecord.Data(repo=did, collection=POST, rkey=parts[2])
        )
    except FAILURES as exc:
        raise _error(account, exc) from None
