"""A public Matrix room as a channel: each approved text posted by the bot account, its event
id the remote id and a matrix.to link its URL.

The send is a ``PUT`` whose transaction id comes from the publication's idempotency key: a
retry after the homeserver accepted the post (the answer lost, the worker killed) gets the same
event, never a second post. A crisis's posts reply to its previous one; a correction edits the
post it corrects (``m.replace``); a retraction redacts it. Rate limits are waited out as the
homeserver asks, a few times (tocsin/matrix/client.py), then retried by Temporal.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import aiohttp
from pydantic import SecretStr

from tocsin.matrix.cards import KEY_TAG, replaced
from tocsin.matrix.client import API, MatrixClient, MatrixError, txn_id
from tocsin.publish.accounts import MatrixAccount
from tocsin.publish.errors import PublishError, Unavailable, detail, from_status, network_problem
from tocsin.publish.models import AccountKind, Action, Publication, PublishRequest
from tocsin.publish.ratelimit import LIMITS, Limits

MAX_BODY = 30_000  # characters of a post: a Matrix event is at most 64 KiB


def link(account: MatrixAccount, event_id: str) -> str:
    """Where the public opens the post: matrix.to, routed through the bot's server."""
    server = account.user_id.partition(":")[2]
    return (
        f"https://matrix.to/#/{quote(account.room, safe='')}/{quote(event_id, safe='')}"
        f"?via={quote(server, safe='')}"
    )


def content(request: PublishRequest) -> dict[str, Any]:
    text = request.text if len(request.text) <= MAX_BODY else request.text[:MAX_BODY] + " […]"
    if request.statement_url:
        text += f"\n\n{request.statement_url}"
    found: dict[str, Any] = {"msgtype": "m.text", "body": text, KEY_TAG: request.key}
    found["m.mentions"] = {}  # a statement notifies nobody by name, nor the whole room
    return found


def _error(name: str, account: MatrixAccount, exc: MatrixError) -> PublishError:
    problem = detail(f"{exc.errcode} {exc.error}")
    if exc.errcode == "M_UNKNOWN_TOKEN":
        return from_status(name, 401, problem, account.source_name())
    return from_status(name, exc.status, problem, account.source_name())


async def _send(client: MatrixClient, request: PublishRequest, account: MatrixAccount) -> str:
    previous = request.previous.remote_id if request.previous else ""
    if request.action is Action.RETRACT and previous:
        path = f"{API}/rooms/{quote(account.room, safe='')}/redact/{quote(previous, safe='')}"
        txn = txn_id(account.room + "\0" + request.key)
        answer = await client.call("PUT", f"{path}/{txn}", body={"reason": "retracted"})
        return str(answer.get("event_id") or previous)
    body = content(request)
    if request.action is Action.CORRECT and previous:
        body = replaced(previous, body)
    elif request.thread:
        body["m.relates_to"] = {"m.in_reply_to": {"event_id": request.thread}}
    return await client.send(account.room, "m.room.message", body, request.key)


async def publish_matrix(
    request: PublishRequest,
    account: MatrixAccount,
    token: SecretStr,
    *,
    limits: Limits = LIMITS,
) -> Publication:
    rate = account.limit()
    await limits.take(request.account, rate.requests, rate.per.total_seconds())
    client = MatrixClient(str(account.homeserver), token.get_secret_value(), account.user_id)
    try:
        event_id = await _send(client, request, account)
    except MatrixError as exc:
        raise _error(request.account, account, exc) from None
    except (TimeoutError, aiohttp.ClientError) as exc:
        # Sent, perhaps accepted, answer lost: the retry carries the same transaction id.
        raise Unavailable(request.account, 0, network_problem(exc)) from None
    finally:
        await client.close()
    return Publication(
        remote_id=event_id,
        url=link(account, event_id),
        published_at=datetime.now(UTC),
        account=request.account,
        kind=AccountKind.MATRIX,
        key=request.key,
        action=request.action,
    )


async def check_matrix(account: MatrixAccount, token: SecretStr) -> int:
    """How many members the room has, as the bot sees it (``tocsin accounts check``): its token
    is valid and it is in the room. :class:`MatrixError` otherwise."""
    async with MatrixClient(
        str(account.homeserver), token.get_secret_value(), account.user_id
    ) as client:
        path = f"{API}/rooms/{quote(account.room, safe='')}/joined_members"
        members = (await client.call("GET", path)).get("joined")
    return len(members) if isinstance(members, dict) else 0
