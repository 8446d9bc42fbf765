"""Mastodon, through Mastodon.py: a public post in the statement's language, one thread per
crisis (``in_reply_to`` the crisis's previous post), the idempotency key as Mastodon's
``Idempotency-Key`` (a second post with the same key within an hour returns the first one), an
edit for a correction, a delete for a retraction.

Mastodon remembers a key for an hour only, and a post is retried for longer (a platform down
for hours). A post asked for more than :data:`KEY_MEMORY` ago may have been made by an earlier
try whose answer was lost, its key since forgotten: before posting, the account's latest
statuses are searched for it (in the same thread, made since it was asked, the same text by
``status_source``), and one found is this publication.

Mastodon.py is synchronous (requests): each call runs in a thread. Its own rate limiting is off
(``throw``): the account's token bucket paces the calls, and a 429's ``Retry-After`` (or
``X-RateLimit-Reset``) pauses the bucket and becomes the retry delay.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonNotFoundError,
    MastodonRatelimitError,
)
from pydantic import SecretStr, TypeAdapter, ValidationError

from tocsin.publish.accounts import MastodonAccount
from tocsin.publish.errors import (
    NotRetryable,
    PublishError,
    Unavailable,
    detail,
    from_status,
    network_problem,
    retry_after_seconds,
)
from tocsin.publish.models import AccountKind, Action, Publication, PublishRequest, Url
from tocsin.publish.ratelimit import LIMITS, Limits

TIMEOUT = 30.0  # seconds for one request
KEY_MEMORY = timedelta(minutes=50)  # under Mastodon's hour for an Idempotency-Key
LOOKBACK = 40  # the account's latest statuses searched for a post whose key may be forgotten
STATUSES = (300, 3 * 3600.0)  # statuses an account may post, per seconds (rate_limiter.rb)
CLOCK_SKEW = timedelta(minutes=5)  # between the workflow's clock and the instance's
_URL: TypeAdapter[str] = TypeAdapter(Url)


class _Answers:
    """The headers of the last answer, for what Mastodon.py does not keep (``Retry-After``)."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}

    def hook(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        self.headers = dict(response.headers)


def _client(account: MastodonAccount, token: SecretStr, answers: _Answers) -> Mastodon:
    session = requests.Session()
    session.hooks["response"].append(answers.hook)
    return Mastodon(
        access_token=token.get_secret_value(),
        api_base_url=account.url,
        ratelimit_method="throw",
        request_timeout=TIMEOUT,
        session=session,
        version_check_mode="none",
    )


def _error(
    name: str, account: MastodonAccount, exc: MastodonError, answers: _Answers
) -> PublishError:
    source = account.source_name()
    if isinstance(exc, MastodonRatelimitError):
        return Unavailable(name, 429, "rate limit", retry_after=_wait(answers))
    if isinstance(exc, MastodonAPIError) and len(exc.args) >= 2 and isinstance(exc.args[1], int):
        said = exc.args[3] if len(exc.args) > 3 and exc.args[3] else exc.args[2]
        wait = _wait(answers)
        return from_status(name, exc.args[1], str(said), source, wait)
    if isinstance(exc, MastodonNetworkError):
        # The post may have been made and the answer lost: the retry's Idempotency-Key finds it.
        return Unavailable(name, 0, network_problem(exc))
    return Unavailable(name, 0, detail(exc))


def _wait(answers: _Answers) -> float | None:
    """How long the instance asked to wait: ``Retry-After`` (a proxy's), else Mastodon's own
    ``X-RateLimit-Reset`` (an ISO 8601 time: the end of the rate window). Bounded to a day."""
    wait = retry_after_seconds(answers.headers.get("Retry-After"))
    reset = answers.headers.get("X-RateLimit-Reset")
    if wait is not None or not reset:
        return wait
    try:
        moment = datetime.fromisoformat(reset.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return min(max((moment - now()).total_seconds(), 0.0), 86_400.0)


def _when(status: Any, *fields: str) -> datetime:
    for field in fields:
        value = status.get(field) if hasattr(status, "get") else None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.now(UTC)


def now() -> datetime:
    return datetime.now(UTC)


def _already_posted(api: Mastodon, request: PublishRequest) -> Any:
    """The status an earlier try made for ``request``, when its key may be forgotten; None
    when there is none (or the key is still remembered: the post's own call finds it)."""
    if request.at is None or now() - request.at < KEY_MEMORY:
        return None
    me = api.me()
    for status in api.account_statuses(me["id"], exclude_reblogs=True, limit=LOOKBACK):
        if _when(status, "created_at") < request.at - CLOCK_SKEW:
            break  # newest first: the rest were made before the post was asked for
        reply = status.get("in_reply_to_id")
        if (str(reply) if reply is not None else None) != request.thread:
            continue
        if api.status_source(status["id"]).get("text") == request.text:
            return status
    return None


def _call(
    request: PublishRequest, account: MastodonAccount, token: SecretStr
) -> tuple[Publication | None, PublishError | None, float | None]:
    answers = _Answers()
    api = _client(account, token, answers)
    try:
        if request.action is Action.PUBLISH:
            status = _already_posted(api, request) or api.status_post(
                request.text,
                in_reply_to_id=request.thread,
                visibility="public",
                language=request.language,
                idempotency_key=request.key,
            )
            when = _when(status, "created_at")
        elif request.action is Action.CORRECT:
            assert request.previous is not None
            status = api.status_update(request.previous.remote_id, request.text)
            when = _when(status, "edited_at", "created_at")
        else:
            assert request.previous is not None
            try:
                status = api.status_delete(request.previous.remote_id)
            except MastodonNotFoundError:
                # Already gone: a retry after a lost answer, or deleted by hand.
                status = {"id": request.previous.remote_id, "url": request.previous.url}
            when = datetime.now(UTC)
    except MastodonError as exc:
        error = _error(request.account, account, exc, answers)
        pause = error.retry_after if isinstance(error, Unavailable) else None
        return None, error, pause
    finally:
        api.session.close()
    url = status.get("url") if hasattr(status, "get") else None
    try:
        url = _URL.validate_python(url) if url else None
    except ValidationError:
        url = None  # a link the public would not be sent to: the post stands, without it
    try:
        publication = Publication(
            remote_id=str(status["id"]),
            url=url,
            published_at=when,
            account=request.account,
            kind=AccountKind.MASTODON,
            key=request.key,
            action=request.action,
        )
    except (ValidationError, KeyError, TypeError) as exc:
        # An answer from outside: an id or a URL that cannot be kept (too long, not http).
        problem = detail(type(exc).__name__)
        unusable = NotRetryable(request.account, "publish.err.bad_answer", problem=problem)
        return None, unusable, None
    return publication, None, None


async def publish_mastodon(
    request: PublishRequest,
    account: MastodonAccount,
    token: SecretStr,
    *,
    limits: Limits = LIMITS,
) -> Publication:
    rate = account.limit()
    await limits.take(request.account, rate.requests, rate.per.total_seconds())
    if request.action is Action.PUBLISH:
        # Mastodon's second limit, on new statuses only: 300 an account per 3 hours.
        await limits.take(f"{request.account}/statuses", *STATUSES)
    publication, error, pause = await asyncio.to_thread(_call, request, account, token)
    if error is not None:
        if pause:
            limits.pause(request.account, pause)
        raise error
    assert publication is not None
    return publication


def verify(name: str, account: MastodonAccount, token: SecretStr) -> str:
    """The account's ``acct`` if the token is accepted (``tocsin accounts check``); raises
    the publisher's errors otherwise. Synchronous: call it in a thread."""
    answers = _Answers()
    api = _client(account, token, answers)
    try:
        return str(api.account_verify_credentials()["acct"])
    except MastodonError as exc:
        raise _error(name, account, exc, answers) from None
    finally:
        api.session.close()
