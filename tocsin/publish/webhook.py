"""Webhooks for SMS gateways, CMS, sirens and road signs, signed as Standard Webhooks says
(https://www.standardwebhooks.com): ``webhook-id`` (the idempotency key: the same for every
retry of one publication, so a receiver that remembers ids acts once), ``webhook-timestamp``
(Unix seconds, at each attempt) and ``webhook-signature`` (``v1,`` then the base64 of
HMAC-SHA256 over ``id.timestamp.body``, keyed by the bytes of the base64 secret after
``whsec_``).

The body, one JSON object (UTF-8)::

    {
      "type": "statement.published",      // .corrected, .retracted, or "test"
      "timestamp": "2026-12-03T07:45:00+00:00",
      "data": {
        "crisis": "crise-eau-2026", "phase": "explain", "sequence": 3, "revision": 0,
        "channel": "sms", "language": "fr", "text": "…", "exercise": false,
        "url": "https://crise.example.fr/crise-eau-2026",   // or null
        "previous": null    // a correction's or retraction's: the webhook-id it replaces
      }
    }

A 2xx is a delivery; 401/403 a refused secret; 408, 429 (with ``Retry-After``) and 5xx are
retried; a redirect or any other 4xx is a refusal. Redirects are not followed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import aiohttp
from pydantic import SecretStr

from tocsin.publish.accounts import WebhookAccount
from tocsin.publish.errors import (
    NotRetryable,
    PublishError,
    Unavailable,
    detail,
    from_status,
    network_problem,
    retry_after_seconds,
)
from tocsin.publish.models import AccountKind, Action, Publication, PublishRequest
from tocsin.publish.ratelimit import LIMITS, Limits

TIMEOUT = 15.0
PREFIX = "whsec_"
TYPES = {
    Action.PUBLISH: "statement.published",
    Action.CORRECT: "statement.corrected",
    Action.RETRACT: "statement.retracted",
}


def secret_key(name: str, account: WebhookAccount, secret: SecretStr) -> bytes:
    """The HMAC key: the bytes of the base64 after ``whsec_`` (at least 16 of them)."""
    value = secret.get_secret_value()
    problem = NotRetryable(name, "publish.err.webhook_secret", source=account.source_name())
    if not value.startswith(PREFIX):
        raise problem
    try:
        key = base64.b64decode(value[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise problem from None
    if len(key) < 16:
        raise problem
    return key


def sign(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def body(request: PublishRequest) -> bytes:
    payload = {
        "type": TYPES[request.action],
        "timestamp": (request.at or datetime.now(UTC)).isoformat(),
        "data": {
            "crisis": request.crisis_id,
            "phase": request.phase.value,
            "sequence": request.sequence,
            "revision": request.revision,
            "channel": request.channel.value,
            "language": request.language,
            "text": request.text,
            "exercise": request.exercise,
            "url": request.statement_url,
            "previous": request.previous.remote_id if request.previous else None,
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


async def deliver(
    name: str, account: WebhookAccount, key: bytes, message_id: str, data: bytes
) -> int:
    """One signed POST; the status of a 2xx answer, else the error it means."""
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "tocsin",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(key, message_id, timestamp, data),
    }
    error: PublishError
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT)) as session,
            session.post(account.url, data=data, headers=headers, allow_redirects=False) as answer,
        ):
            if 200 <= answer.status < 300:
                return answer.status
            said = detail((await answer.content.read(2000)).decode("utf-8", "replace"))
            wait = retry_after_seconds(answer.headers.get("Retry-After"))
            error = from_status(name, answer.status, said, account.source_name(), wait)
    except (TimeoutError, aiohttp.ClientError) as exc:
        # Sent, perhaps received, answer lost: the retry carries the same webhook-id.
        raise Unavailable(name, 0, network_problem(exc)) from None
    raise error


async def publish_webhook(
    request: PublishRequest,
    account: WebhookAccount,
    secret: SecretStr,
    *,
    limits: Limits = LIMITS,
) -> Publication:
    key = secret_key(request.account, account, secret)
    rate = account.limit()
    await limits.take(request.account, rate.requests, rate.per.total_seconds())
    try:
        await deliver(request.account, account, key, request.key, body(request))
    except Unavailable as exc:
        if exc.retry_after:
            limits.pause(request.account, exc.retry_after)
        raise
    return Publication(
        remote_id=request.key,
        url=request.statement_url,
        published_at=datetime.now(UTC),
        account=request.account,
        kind=AccountKind.WEBHOOK,
        key=request.key,
        action=request.action,
    )


async def send_test(name: str, account: WebhookAccount, secret: SecretStr) -> int:
    """A signed event of type ``test`` (``tocsin accounts check``): the receiver's status."""
    key = secret_key(name, account, secret)
    payload: dict[str, Any] = {
        "type": "test",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {"account": name, "exercise": account.exercise},
    }
    data = json.dumps(payload, separators=(",", ":")).encode()
    return await deliver(name, account, key, f"tocsin-test-{uuid.uuid4().hex}", data)
