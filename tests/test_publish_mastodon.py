"""The Mastodon publisher (Mastodon.py) against a stateful fake of Mastodon's API on loopback:
a public post in its language, one thread per crisis, the same post for the same key after a
lost answer, an edit for a correction, a delete for a retraction, 429 and 401 told apart."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr

from tests.fakemastodon import TOKEN, FakeMastodon
from tocsin.models import Channel, PhaseName
from tocsin.publish import mastodon
from tocsin.publish.accounts import MastodonAccount, load_accounts
from tocsin.publish.errors import (
    BadCredentials,
    DrillRefused,
    MissingSecret,
    NotRetryable,
    Rejected,
    Unavailable,
)
from tocsin.publish.mastodon import publish_mastodon, verify
from tocsin.publish.models import Action, Publication, PublishRequest
from tocsin.publish.publisher import publish
from tocsin.publish.ratelimit import Limits


@pytest.fixture
async def server() -> AsyncIterator[FakeMastodon]:
    fake = FakeMastodon()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


def _account(server: FakeMastodon) -> MastodonAccount:
    return MastodonAccount.model_validate(
        {"kind": "mastodon", "url": server.url, "token_env": "MASTODON_TOKEN"}
    )


def _request(sequence: int = 1, **changes: object) -> PublishRequest:
    values: dict[str, object] = {
        "crisis_id": "crise-eau-2026",
        "phase": PhaseName.ACKNOWLEDGE,
        "sequence": sequence,
        "revision": 0,
        "channel": Channel.MASTODON,
        "language": "fr",
        "account": "mairie-mastodon",
        "text": f"Coupure d’eau rue des Lilas : point n° {sequence}.",
        "exercise": False,
    }
    values.update(changes)
    return PublishRequest.model_validate(values)


async def _post(server: FakeMastodon, request: PublishRequest, **kw: object) -> Publication:
    limits = kw.pop("limits", None) or Limits()
    token = kw.pop("token", TOKEN)
    assert isinstance(limits, Limits)
    return await publish_mastodon(request, _account(server), SecretStr(str(token)), limits=limits)


async def test_a_post_is_public_in_its_language_and_a_crisis_is_one_thread(
    server: FakeMastodon,
) -> None:
    first = await _post(server, _request(1))
    second = await _post(
        server, _request(2, language="de", text="Wasser: Stand 2.", thread=first.remote_id)
    )
    posts = server.posts()
    assert [p.text for p in posts] == [
        "Coupure d’eau rue des Lilas : point n° 1.",
        "Wasser: Stand 2.",
    ]
    assert [p.visibility for p in posts] == ["public", "public"]
    assert [p.language for p in posts] == ["fr", "de"]
    assert posts[1].in_reply_to_id == first.remote_id
    assert second.url == f"{server.url}/@crise/{second.remote_id}"
    assert first.key == _request(1).key
    assert first.published_at.tzinfo is not None


async def test_a_lost_answer_then_a_retry_posts_once(server: FakeMastodon) -> None:
    server.drop_next = 1
    with pytest.raises(Unavailable) as lost:
        await _post(server, _request(1))
    assert lost.value.retryable
    assert len(server.posts()) == 1  # made, though the answer was lost
    again = await _post(server, _request(1))  # the activity's retry: same key
    assert len(server.posts()) == 1
    assert again.remote_id == server.posts()[0].id
    # Another statement is another key: a post of its own.
    await _post(server, _request(2))
    assert len(server.posts()) == 2


async def test_a_correction_edits_and_a_retraction_deletes(server: FakeMastodon) -> None:
    first = await _post(server, _request(1))
    corrected = await _post(
        server,
        _request(
            1, revision=1, action=Action.CORRECT, previous=first, text="Correction : rue des Roses."
        ),
    )
    status = server.statuses[first.remote_id]
    assert corrected.remote_id == first.remote_id
    assert status.text == "Correction : rue des Roses."
    assert status.history == ["Coupure d’eau rue des Lilas : point n° 1."]
    assert corrected.action is Action.CORRECT
    retracted = await _post(server, _request(1, revision=1, action=Action.RETRACT, previous=first))
    assert first.remote_id in server.deleted
    assert not server.posts()
    # A retried delete (its answer lost) finds the post gone, and counts as done.
    again = await _post(server, _request(1, revision=1, action=Action.RETRACT, previous=first))
    assert again.remote_id == retracted.remote_id


async def test_429_is_retryable_with_retry_after_and_pauses_the_bucket(
    server: FakeMastodon,
) -> None:
    server.budget = 1
    server.retry_after = 42
    limits = Limits()
    await _post(server, _request(1), limits=limits)
    with pytest.raises(Unavailable) as limited:
        await _post(server, _request(2), limits=limits)
    assert limited.value.status == 429
    assert limited.value.retry_after == 42
    assert "42" in limited.value.localized("fr")
    # The bucket is paused: the next try does not reach the server, it hands the wait back.
    calls = len(server.calls)
    with pytest.raises(Unavailable) as paused:
        await _post(server, _request(3), limits=limits)
    assert paused.value.retry_after is not None
    assert 30 < paused.value.retry_after <= 42
    assert len(server.calls) == calls


async def test_mastodon_s_own_429_waits_until_its_rate_window_ends(server: FakeMastodon) -> None:
    """Mastodon answers 429 with ``X-RateLimit-Reset`` (the window's end) and no
    ``Retry-After``: the wait is read from it all the same."""
    server.budget, server.retry_after, server.retry_after_header = 1, 120, False
    limits = Limits()
    await _post(server, _request(1), limits=limits)
    with pytest.raises(Unavailable) as limited:
        await _post(server, _request(2), limits=limits)
    assert limited.value.retry_after is not None
    assert 100 < limited.value.retry_after <= 120


async def test_300_statuses_in_3_hours_then_the_wait_is_handed_back(
    server: FakeMastodon,
) -> None:
    """Mastodon's second limit: 300 new statuses an account per 3 hours. Spent, a new post
    waits (handed back as a retry delay, about 36 s for the next one); an edit does not."""
    limits = Limits()
    first = await _post(server, _request(1), limits=limits)
    limits.bucket("mairie-mastodon/statuses", *mastodon.STATUSES).tokens = 0
    calls = len(server.calls)
    with pytest.raises(Unavailable) as spent:
        await _post(server, _request(2), limits=limits)
    assert spent.value.retry_after is not None
    assert 30 < spent.value.retry_after <= 36.1
    assert len(server.calls) == calls
    previous = first.model_copy()
    edited = await _post(
        server,
        _request(1, revision=1, action=Action.CORRECT, previous=previous),
        limits=limits,
    )
    assert edited.remote_id == first.remote_id


async def test_a_platform_down_is_retryable(server: FakeMastodon) -> None:
    server.down = True
    with pytest.raises(Unavailable) as down:
        await _post(server, _request(1))
    assert down.value.status == 503
    server.down = False
    assert (await _post(server, _request(1))).remote_id


async def test_a_revoked_token_is_not_retryable_and_names_its_variable(
    server: FakeMastodon,
) -> None:
    await _post(server, _request(1))
    server.revoke(TOKEN)
    with pytest.raises(BadCredentials) as refused:
        await _post(server, _request(2))
    assert not refused.value.retryable
    assert "MASTODON_TOKEN" in str(refused.value)
    assert "401" in str(refused.value)
    assert TOKEN not in str(refused.value)
    with pytest.raises(BadCredentials):
        await asyncio.to_thread(verify, "mairie-mastodon", _account(server), SecretStr(TOKEN))


async def test_an_invalid_post_is_refused_for_good(server: FakeMastodon) -> None:
    with pytest.raises(Rejected) as rejected:
        await _post(server, _request(1, text="x" * 501))
    assert rejected.value.status == 422
    assert "too long" in str(rejected.value)


async def test_the_bucket_paces_posts_at_the_accounts_rate(server: FakeMastodon) -> None:
    account = MastodonAccount.model_validate(
        {
            "kind": "mastodon",
            "url": server.url,
            "token_env": "T",
            "rate": {"requests": 3, "per": "1s"},
        }
    )
    limits = Limits()
    started = time.monotonic()
    for sequence in range(1, 7):
        await publish_mastodon(_request(sequence), account, SecretStr(TOKEN), limits=limits)
    elapsed = time.monotonic() - started
    # 3 at once, then one each third of a second: 6 posts take about 1 s, not less.
    assert elapsed >= 0.95
    assert len(server.posts()) == 6


async def test_a_drill_never_reaches_a_real_account(server: FakeMastodon, tmp_path: Path) -> None:
    file = tmp_path / "accounts.yaml"
    file.write_text(
        "accounts:\n"
        f"  mairie-mastodon: {{kind: mastodon, url: '{server.url}', token_env: MASTODON_TOKEN}}\n"
        f"  drill-mastodon: {{kind: mastodon, url: '{server.url}', token_env: DRILL_TOKEN,"
        " exercise: true}\n"
        "channels:\n"
        "  mastodon: [mairie-mastodon, drill-mastodon]\n",
        encoding="utf-8",
    )
    server.tokens["drill-token-abc"] = "exercice"
    accounts = load_accounts(file)
    env = {"MASTODON_TOKEN": TOKEN, "DRILL_TOKEN": "drill-token-abc"}
    with pytest.raises(DrillRefused):
        await publish(_request(1, exercise=True), accounts, env=env, limits=Limits())
    assert server.calls == []  # refused before any request
    [name] = accounts.for_channel(Channel.MASTODON, exercise=True).accounts
    drill = await publish(
        _request(1, exercise=True, account=name), accounts, env=env, limits=Limits()
    )
    assert [s.id for s in server.posts("exercice")] == [drill.remote_id]
    assert server.posts("crise") == []
    real = await publish(_request(2), accounts, env=env, limits=Limits())
    assert [s.id for s in server.posts("crise")] == [real.remote_id]
    with pytest.raises(NotRetryable, match="channel sms"):
        await publish(_request(3, channel=Channel.SMS), accounts, env=env, limits=Limits())
    with pytest.raises(MissingSecret, match="MASTODON_TOKEN"):
        await publish(_request(4), accounts, env={}, limits=Limits())


async def test_a_hostile_answer_is_not_kept(server: FakeMastodon) -> None:
    server.tamper = {"url": "javascript:alert(1)"}
    publication = await _post(server, _request(1))
    assert publication.url is None  # the post stands, without a link nobody should follow
    server.tamper = {"id": "1\r\nX-Injected: yes"}
    with pytest.raises(NotRetryable, match="unusable"):
        await _post(server, _request(2))


async def test_a_key_is_remembered_for_an_hour(server: FakeMastodon) -> None:
    moment = [0.0]
    server.clock = lambda: moment[0]
    await _post(server, _request(1))
    moment[0] = 3599.0
    await _post(server, _request(1))
    assert len(server.posts()) == 1
    moment[0] = 3601.0  # Mastodon forgets the key after an hour: the same request posts again
    await _post(server, _request(1))
    assert len(server.posts()) == 2


async def test_a_post_whose_key_is_forgotten_is_found_not_made_again(
    server: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taken, its answer lost, then retried after Mastodon forgot the key (an outage of more
    than an hour): the post is found among the account's statuses, not made again."""
    moment = [0.0]
    server.clock = lambda: moment[0]
    asked_at = datetime.now(UTC)
    first = await _post(server, _request(1, at=asked_at))
    asked = _request(2, at=asked_at, thread=first.remote_id)
    server.drop_next = 1
    with pytest.raises(Unavailable):
        await _post(server, asked)
    calls = len(server.calls)
    moment[0] = 3700.0
    monkeypatch.setattr(mastodon, "now", lambda: asked_at + timedelta(minutes=70))
    again = await _post(server, asked)
    assert [s.id for s in server.posts()] == [first.remote_id, again.remote_id]
    assert ("GET", "/api/v1/accounts/1/statuses") in server.calls[calls:]
    # Not found (never made, or another text): it is posted.
    later = await _post(server, _request(3, at=asked_at, thread=again.remote_id))
    assert len(server.posts()) == 3
    assert later.remote_id == server.posts()[-1].id


async def test_a_recent_request_posts_without_searching(server: FakeMastodon) -> None:
    await _post(server, _request(1, at=datetime.now(UTC)))
    assert server.calls == [("POST", "/api/v1/statuses")]


async def test_the_fake_counts_its_budget_in_fixed_windows_as_mastodon_does(
    server: FakeMastodon,
) -> None:
    """The limit bench/publish_rate.py publishes against: a budget per window aligned on the
    clock, refused requests counted, the 429 saying when the window ends (and, as Mastodon
    answers, without ``Retry-After`` when told)."""
    moment = [1_000.0]
    server.clock = lambda: moment[0]
    server.budget, server.period = 2, 300.0
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session:

        async def create(number: int) -> tuple[int, dict[str, str]]:
            url = f"{server.url}/api/v1/statuses"
            async with session.post(url, data={"status": f"point {number}"}) as answer:
                return answer.status, dict(answer.headers)

        assert [(await create(n))[0] for n in (1, 2)] == [200, 200]
        status, said = await create(3)
        assert status == 429
        assert said["Retry-After"] == "200"  # the window 900–1200 ends in 200 s
        assert said["X-RateLimit-Remaining"] == "0"
        server.retry_after_header = False
        status, said = await create(4)
        assert status == 429
        assert "Retry-After" not in said
        assert "X-RateLimit-Reset" in said
        moment[0] = 1_200.0  # the next window
        assert (await create(5))[0] == 200
    assert server.refused == 2
    assert len(server.posts()) == 3
