"""The Bluesky publisher against a real PDS and PLC directory on loopback (tests/bluesky/):
facets in UTF-8 bytes, one thread per crisis, the record key from the idempotency key (a
retry never posts twice, even when the connection dropped after the PDS accepted the post),
corrections, retractions, and the errors a crisis must get through."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest

from tests.bluesky.faults import FaultProxy
from tests.bluesky.server import LocalPds, start, stop_process
from tocsin.publish import bluesky_client
from tocsin.publish.bluesky import (
    MAX_GRAPHEMES,
    TID_ALPHABET,
    TID_PATTERN,
    delete_post,
    publish_correction,
    publish_post,
    record_key,
)
from tocsin.publish.bluesky_client import (
    Account,
    BlueskyError,
    PointsBucket,
    close_sessions,
    reset_seconds,
)

# The first test here may wait for the PDS's install that ``make test`` started in the
# background (minutes when the cache is cold: tests/bluesky/install.py): more than the suite's
# 300 s a test.
pytestmark = pytest.mark.timeout(1200)

_handles = itertools.count()


@pytest.fixture(scope="session")
def pds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPds]:
    server = start(tmp_path_factory.mktemp("pds") / "serve.log")
    try:
        yield server
    finally:
        stop_process(server.process)


@pytest.fixture
async def account(pds: LocalPds) -> AsyncIterator[tuple[Account, str]]:
    """A fresh account (nothing posted yet) and its DID, published to with an app password."""
    handle = f"mairie{next(_handles)}-{int(time.time() * 1000) % 10**6}.test"
    did = pds.create_account(handle, "mot-de-passe-principal")
    password = pds.app_password(handle, "mot-de-passe-principal", "tocsin")
    yield Account(pds.url, handle, password, "BSKY_APP_PASSWORD"), did
    await close_sessions()


@pytest.fixture
async def proxy(pds: LocalPds) -> AsyncIterator[FaultProxy]:
    faults = FaultProxy(pds.url)
    await faults.start()
    yield faults
    await close_sessions()
    await faults.stop()


def via(account: Account, proxy: FaultProxy) -> Account:
    return Account(proxy.url, account.handle, account.password, account.password_env)


# --- Record keys ----------------------------------------------------------------------------


def test_record_key_is_a_valid_tid_fixed_by_the_key() -> None:
    keys = [f"tocsin-{n:036x}" for n in range(2000)]
    tids = [record_key(k) for k in keys]
    assert all(TID_PATTERN.match(t) for t in tids)
    assert len(set(tids)) == len(keys)
    assert record_key(keys[0]) == tids[0]
    for tid in tids[:50]:
        value = 0
        for char in tid:
            value = value * 32 + TID_ALPHABET.index(char)
        assert value < 2**63  # the top bit of the 64 is 0: 53 bits of time, 10 of clock id
    # The first character spans what the 3 high bits of the timestamp allow, not one value.
    assert {t[0] for t in tids} == set("234567ab")


# --- Against the PDS ------------------------------------------------------------------------


def test_accounts_live_in_the_plc_directory(pds: LocalPds, account: tuple[Account, str]) -> None:
    """The PDS registered the account's DID in the loopback PLC directory, nowhere else."""
    _acct, did = account
    document = httpx.get(f"{pds.plc}/{did}", timeout=30).json()
    assert document["service"][0]["serviceEndpoint"].startswith("http://localhost:")
    assert pds.url.startswith("http://127.0.0.1:")


TEXT = (
    "Évacuation 🚒 de l’école Sainte-Thérèse : consignes sur "
    "https://crise.example.fr/inondation?phase=2. #Inondation #Sûreté2026 #123"
)


async def test_post_with_facets_in_utf8_bytes(pds: LocalPds, account: tuple[Account, str]) -> None:
    acct, did = account
    posted = await publish_post(acct, TEXT, "fr", "tocsin-facets")
    assert posted.uri == f"at://{did}/app.bsky.feed.post/{record_key('tocsin-facets')}"
    assert posted.url == (
        f"https://bsky.app/profile/{acct.handle}/post/{record_key('tocsin-facets')}"
    )
    record = pds.record(posted.uri)
    assert record is not None
    assert record["text"] == TEXT
    assert record["langs"] == ["fr"]
    data = record["text"].encode()
    selected = {}
    for facet in record["facets"]:
        feature = facet["features"][0]
        index = facet["index"]
        piece = data[index["byteStart"] : index["byteEnd"]].decode()
        selected[piece] = feature.get("uri") or feature.get("tag")
    assert selected == {
        "https://crise.example.fr/inondation?phase=2": (
            "https://crise.example.fr/inondation?phase=2"
        ),
        "#Inondation": "Inondation",
        "#Sûreté2026": "Sûreté2026",
    }
    # Accents and the emoji before the link: its offset in characters is not its offset in
    # bytes, so a character offset would select the wrong text.
    link = next(f for f in record["facets"] if "uri" in f["features"][0])
    assert TEXT.index("https://") != link["index"]["byteStart"]


async def test_one_thread_per_crisis(pds: LocalPds, account: tuple[Account, str]) -> None:
    acct, _did = account
    first = await publish_post(acct, "Alerte : crue de la Moselle.", "fr", "crisis-1-seq-0")
    second = await publish_post(
        acct, "Point de situation à 10 h.", "fr", "crisis-1-seq-1", first.thread()
    )
    third = await publish_post(
        acct, "Fin de l’alerte.", "fr", "crisis-1-seq-2", second.thread(first.ref)
    )
    record = pds.record(third.uri)
    assert record is not None
    reply = {
        part: (record["reply"][part]["uri"], record["reply"][part]["cid"])
        for part in ("root", "parent")
    }
    assert reply == {"root": (first.uri, first.cid), "parent": (second.uri, second.cid)}
    root = pds.record(first.uri)
    assert root is not None
    assert "reply" not in root


async def test_same_key_twice_is_one_post(pds: LocalPds, account: tuple[Account, str]) -> None:
    acct, did = account
    once = await publish_post(acct, "Coupure d’eau rue Haute.", "fr", "tocsin-same")
    again = await publish_post(acct, "Coupure d’eau rue Haute.", "fr", "tocsin-same")
    assert again == once
    assert [r["uri"] for r in pds.records(did)] == [once.uri]


async def test_connection_dropped_after_the_pds_accepted(
    pds: LocalPds, account: tuple[Account, str], proxy: FaultProxy
) -> None:
    acct, did = account
    through = via(acct, proxy)
    proxy.faults.drop_create = True
    with pytest.raises(BlueskyError) as lost:
        await publish_post(through, "Route D1 fermée.", "fr", "tocsin-drop")
    assert lost.value.retryable
    assert proxy.faults.creates_forwarded == 1
    assert len(pds.records(did)) == 1  # the PDS did take it

    proxy.faults.heal()
    retried = await publish_post(through, "Route D1 fermée.", "fr", "tocsin-drop")
    assert proxy.faults.creates_forwarded == 2  # the retry did try to create, and was refused
    assert [r["uri"] for r in pds.records(did)] == [retried.uri]
    assert retried.uri.endswith(record_key("tocsin-drop"))


async def test_same_key_other_text_is_refused(pds: LocalPds, account: tuple[Account, str]) -> None:
    acct, did = account
    await publish_post(acct, "Texte approuvé.", "fr", "tocsin-conflict")
    with pytest.raises(BlueskyError) as conflict:
        await publish_post(acct, "Autre texte.", "fr", "tocsin-conflict")
    assert not conflict.value.retryable
    assert record_key("tocsin-conflict") in str(conflict.value)
    assert [r["value"]["text"] for r in pds.records(did)] == ["Texte approuvé."]


async def test_correction_is_a_reply(pds: LocalPds, account: tuple[Account, str]) -> None:
    acct, _did = account
    wrong = await publish_post(acct, "Gymnase ouvert jusqu’à 20 h.", "fr", "tocsin-c0")
    fixed = await publish_correction(
        acct, "Gymnase ouvert jusqu’à 22 h.", "fr", "tocsin-c1", wrong.thread()
    )
    record = pds.record(fixed.uri)
    assert record is not None
    assert record["text"] == "Correction\u00a0: Gymnase ouvert jusqu’à 22 h."
    assert record["reply"]["parent"]["uri"] == wrong.uri
    english = await publish_correction(
        acct, "Gym open until 10 pm.", "en", "tocsin-c2", wrong.thread()
    )
    assert (pds.record(english.uri) or {})["text"] == "Correction: Gym open until 10 pm."


async def test_retraction_deletes(pds: LocalPds, account: tuple[Account, str]) -> None:
    acct, did = account
    keep = await publish_post(acct, "Consigne maintenue.", "fr", "tocsin-keep")
    gone = await publish_post(acct, "Consigne retirée.", "fr", "tocsin-gone")
    await delete_post(acct, gone.uri)
    assert pds.record(gone.uri) is None
    await delete_post(acct, gone.uri)  # a retry of the retraction is harmless
    assert [r["uri"] for r in pds.records(did)] == [keep.uri]


async def test_bad_password_is_not_retryable_and_names_the_variable(
    pds: LocalPds, account: tuple[Account, str]
) -> None:
    acct, did = account
    wrong = Account(acct.service_url, acct.handle, "xxxx-xxxx-xxxx-xxxx", "BSKY_APP_PASSWORD")
    with pytest.raises(BlueskyError) as refused:
        await publish_post(wrong, "Ne doit pas partir.", "fr", "tocsin-bad")
    assert not refused.value.retryable
    assert refused.value.status == 401
    assert "BSKY_APP_PASSWORD" in str(refused.value)
    assert "xxxx-xxxx" not in str(refused.value)
    assert pds.records(did) == []


async def test_revoked_app_password_is_not_retryable(
    pds: LocalPds, account: tuple[Account, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Revoked while the worker holds a session: once the session is older than its reuse
    window (the session's access token outlives the revocation on the PDS), the next post
    logs in again, is refused, and is not retried."""
    acct, did = account
    first = await publish_post(acct, "Avant la révocation.", "fr", "tocsin-rev-0")
    pds.revoke_app_password(acct.handle, "mot-de-passe-principal", "tocsin")
    monkeypatch.setattr(bluesky_client, "SESSION_MAX_AGE", 0.0)
    with pytest.raises(BlueskyError) as revoked:
        await publish_post(acct, "Après la révocation.", "fr", "tocsin-rev-1")
    assert not revoked.value.retryable
    assert revoked.value.status == 401
    assert "BSKY_APP_PASSWORD" in str(revoked.value)
    assert [r["uri"] for r in pds.records(did)] == [first.uri]


async def test_a_cached_session_refused_logs_in_again(
    pds: LocalPds, account: tuple[Account, str], proxy: FaultProxy
) -> None:
    """A 401 on a session the worker kept (the PDS's keys changed, say) is not the password's
    fault: one new login, then the post goes out."""
    acct, did = account
    through = via(acct, proxy)
    await publish_post(through, "Premier.", "fr", "tocsin-relog-0")
    proxy.faults.answer_create = (401, {})
    second = await publish_post(through, "Second.", "fr", "tocsin-relog-1")
    logins = [p for p in proxy.faults.seen if p.endswith("com.atproto.server.createSession")]
    assert len(logins) == 2
    assert second.uri in [r["uri"] for r in pds.records(did)]
    assert len(pds.records(did)) == 2


async def test_rate_limit_and_outage_are_retryable(
    pds: LocalPds, account: tuple[Account, str], proxy: FaultProxy
) -> None:
    acct, did = account
    through = via(acct, proxy)
    reset = int(time.time()) + 120
    proxy.faults.answer_create = (
        429,
        {"ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": str(reset)},
    )
    with pytest.raises(BlueskyError) as limited:
        await publish_post(through, "Message 1.", "fr", "tocsin-429")
    assert limited.value.retryable
    assert limited.value.retry_after is not None
    assert 100 <= limited.value.retry_after <= 121
    proxy.faults.answer_create = (503, {})
    with pytest.raises(BlueskyError) as down:
        await publish_post(through, "Message 1.", "fr", "tocsin-429")
    assert down.value.retryable
    assert down.value.status == 503
    assert pds.records(did) == []
    posted = await publish_post(through, "Message 1.", "fr", "tocsin-429")
    assert [r["uri"] for r in pds.records(did)] == [posted.uri]


# --- Without the PDS ------------------------------------------------------------------------


async def test_too_long_is_refused_before_any_call() -> None:
    nowhere = Account("http://127.0.0.1:9", "x.test", "p", "BSKY_APP_PASSWORD")
    with pytest.raises(BlueskyError) as long:
        await publish_post(nowhere, "é" * (MAX_GRAPHEMES + 1), "fr", "k")
    assert not long.value.retryable
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme, 18 bytes
    with pytest.raises(BlueskyError) as heavy:
        await publish_post(nowhere, family * 200, "fr", "k")
    assert not heavy.value.retryable
    # 300 accented letters made of two code points each are 300 graphemes: not too long.
    with pytest.raises(BlueskyError) as unreachable:
        await publish_post(nowhere, "e\u0301" * MAX_GRAPHEMES, "fr", "k")
    assert unreachable.value.retryable  # it went as far as the (absent) server


def test_ratelimit_reset_is_read() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC).timestamp()
    assert reset_seconds({"RateLimit-Reset": str(int(now) + 42)}, now) == 42
    assert reset_seconds({"retry-after": "7"}, now) == 7
    assert reset_seconds({"ratelimit-reset": "1e400"}, now) is None
    assert reset_seconds({"ratelimit-reset": str(int(now) + 10**9)}, now) == 86_400
    assert reset_seconds({}, now) is None


async def test_points_bucket_hands_a_long_wait_back() -> None:
    clock = [0.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    bucket = PointsBucket(clock=lambda: clock[0], sleep=sleep)
    for _ in range(5000 // 3):
        await bucket.take(3)
    assert slept == []
    await bucket.take(3)  # 2 points left, 1 missing: 0.72 s at 5,000 points an hour
    assert slept == [pytest.approx(3600 / 5000)]
    for _ in range(20):
        await bucket.take(3)
    with pytest.raises(BlueskyError) as later:
        await bucket.take(3, max_wait=1.0)
    assert later.value.retryable
    assert later.value.retry_after == pytest.approx(3 * 3600 / 5000)
