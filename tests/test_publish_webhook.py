"""The webhook publisher against a loopback receiver that verifies Standard Webhooks
signatures with the reference implementation (standardwebhooks) and acts once per id."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from tests.webhook_receiver import SECRET, Receiver
from tocsin.models import Channel, PhaseName
from tocsin.publish.accounts import WebhookAccount
from tocsin.publish.errors import BadCredentials, NotRetryable, Rejected, Unavailable
from tocsin.publish.models import Action, PublishRequest
from tocsin.publish.ratelimit import Limits
from tocsin.publish.webhook import publish_webhook, send_test, sign


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _account(receiver: Receiver) -> WebhookAccount:
    return WebhookAccount.model_validate(
        {"kind": "webhook", "url": receiver.url, "secret_env": "GW_SECRET"}
    )


def _request(**changes: object) -> PublishRequest:
    values: dict[str, object] = {
        "crisis_id": "crise-eau-2026",
        "phase": PhaseName.EXPLAIN,
        "sequence": 3,
        "revision": 0,
        "channel": Channel.SMS,
        "language": "fr",
        "account": "sms-gateway",
        "text": "Mairie de Lilas : eau coupée jusqu’à 20 h. Infos : 01 23 45 67 89",
        "exercise": False,
        "statement_url": "https://crise.example.fr/crise-eau-2026",
    }
    values.update(changes)
    return PublishRequest.model_validate(values)


async def _send(receiver: Receiver, request: PublishRequest, secret: str = SECRET) -> str:
    publication = await publish_webhook(
        request, _account(receiver), SecretStr(secret), limits=Limits()
    )
    return publication.remote_id


async def test_the_documented_body_signed_verifies_with_the_reference_library(
    receiver: Receiver,
) -> None:
    request = _request()
    remote_id = await _send(receiver, request)
    [delivery] = receiver.deliveries
    assert delivery.id == request.key == remote_id
    assert delivery.body["type"] == "statement.published"
    assert delivery.body["data"] == {
        "crisis": "crise-eau-2026",
        "phase": "explain",
        "sequence": 3,
        "revision": 0,
        "channel": "sms",
        "language": "fr",
        "text": "Mairie de Lilas : eau coupée jusqu’à 20 h. Infos : 01 23 45 67 89",
        "exercise": False,
        "url": "https://crise.example.fr/crise-eau-2026",
        "previous": None,
    }
    assert delivery.headers["webhook-signature"].startswith("v1,")
    correction = _request(revision=1, action=Action.CORRECT, previous=None)
    assert correction.key != request.key


def test_the_signature_is_hmac_sha256_over_id_timestamp_body() -> None:
    """The construction written out by hand, as the specification states it."""
    key = b"0123456789abcdef0123456789abcdef"
    expected = hmac.new(key, b"msg_1.1700000000.{}", hashlib.sha256).digest()
    assert sign(key, "msg_1", 1_700_000_000, b"{}") == "v1," + base64.b64encode(expected).decode()


async def test_a_wrong_secret_is_refused_and_names_its_variable(receiver: Receiver) -> None:
    other = "whsec_" + base64.b64encode(b"another-secret-of-32-bytes-long!").decode()
    with pytest.raises(BadCredentials) as refused:
        await _send(receiver, _request(), secret=other)
    assert receiver.refused == 1
    assert "GW_SECRET" in str(refused.value)
    assert other not in str(refused.value)
    with pytest.raises(NotRetryable, match="whsec_"):
        await _send(receiver, _request(), secret="not-a-standard-secret")


async def test_a_drop_then_a_retry_is_one_event_for_the_receiver(receiver: Receiver) -> None:
    receiver.drop_next = 1
    request = _request()
    with pytest.raises(Unavailable) as dropped:
        await _send(receiver, request)
    assert dropped.value.retryable
    await _send(receiver, request)
    assert [d.id for d in receiver.deliveries] == [request.key, request.key]
    assert list(receiver.events) == [request.key]  # one event acted on


async def test_429_and_5xx_are_retried_other_4xx_are_not(receiver: Receiver) -> None:
    receiver.answers = [(429, {"Retry-After": "12"}), (503, {}), (404, {})]
    with pytest.raises(Unavailable) as limited:
        await _send(receiver, _request())
    assert limited.value.retry_after == 12
    with pytest.raises(Unavailable) as down:
        await _send(receiver, _request())
    assert down.value.status == 503
    with pytest.raises(Rejected) as missing:
        await _send(receiver, _request())
    assert missing.value.status == 404
    assert await _send(receiver, _request())
    assert len(receiver.events) == 1


async def test_the_check_sends_a_signed_test_event(receiver: Receiver) -> None:
    status = await send_test("sms-gateway", _account(receiver), SecretStr(SECRET))
    assert status == 200
    [delivery] = receiver.deliveries
    assert delivery.body["type"] == "test"
    assert delivery.id.startswith("tocsin-test-")
