"""The Bluesky publisher, through :func:`tocsin.publish.publisher.publish`, against a real PDS
and PLC directory on loopback (tests/bluesky/): facets in UTF-8 bytes, one thread per crisis
from the previous post's at-uri alone, the record key from the idempotency key (a retry never
posts twice, even when the connection dropped after the PDS accepted the post), corrections,
retractions, the account's points, and the errors a crisis must get through."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.bluesky.faults import FaultProxy
from tests.bluesky.server import LocalPds
from tocsin.models import Channel, PhaseName
from tocsin.publish import bluesky_client
from tocsin.publish.accounts import Accounts, BlueskyAccount
from tocsin.publish.bluesky import MAX_GRAPHEMES, TID_ALPHABET, TID_PATTERN, record_key
from tocsin.publish.bluesky_client import close_sessions, reset_seconds
from tocsin.publish.errors import (
    BadCredentials,
    DrillRefused,
    NotRetryable,
    Rejected,
    Unavailable,
)
from tocsin.publish.models import AccountKind, Action, Publication, PublishRequest
from tocsin.publish.publisher import publish
from tocsin.publish.ratelimit import Limits

# The first test here may wait for the PDS's install that ``make test`` started in the
# background (minutes when the cache is cold: tests/bluesky/install.py): more than the suite's
# 300 s a test.
pytestmark = pytest.mark.timeout(1200)

_handles = itertools.count()
NAME = "mairie-bluesky"
VARIABLE = "BSKY_APP_PASSWORD"


@dataclass
class Rig:
    """A fresh account on the PDS (nothing posted yet) and how tocsin publishes to it."""

    pds: LocalPds
    did: str
    handle: str
    password: str
    url: str
    limits: Limits

    def accounts(self, **fields: Any) -> Accounts:
        spec = {
            "kind": "bluesky",
            "url": self.url,
            "handle": self.handle,
            "password_env": VARIABLE,
            **fields,
        }
        account = BlueskyAccount.model_validate(spec)
        return Accounts(None, {NAME: account}, {Channel.BLUESKY: [NAME]})

    async def publish(
        self, request: PublishRequest, *, password: str | None = None, **fields: Any
    ) -> Publication:
        env = {VARIABLE: self.password if password is None else password}
        return await publish(request, self.accounts(**fields), env=env, limits=self.limits)

    def posts(self) -> list[dict[str, Any]]:
        return self.pds.records(self.did)

    def uris(self) -> list[str]:
        return [r["uri"] for r in self.posts()]

    def cid(self, uri: str) -> str:
        return str(next(r["cid"] for r in self.posts() if r["uri"] == uri))


@pytest.fixture
async def rig(pds: LocalPds) -> AsyncIterator[Rig]:
    handle = f"mairie{next(_handles)}-{int(time.time() * 1000) % 10**6}.test"
    did = pds.create_account(handle, "mot-de-passe-principal")
    password = pds.app_password(handle, "mot-de-passe-principal", "tocsin")
    yield Rig(pds, did, handle, password, pds.url, Limits())
    await close_sessions()


@pytest.fixture
async def proxy(pds: LocalPds) -> AsyncIterator[FaultProxy]:
    faults = FaultProxy(pds.url)
    await faults.start()
    yield faults
    await close_sessions()
    await faults.stop()


def request(sequence: int = 1, **changes: Any) -> PublishRequest:
    values: dict[str, Any] = {
        "crisis_id": "crisis-inondation-moselle",
        "phase": PhaseName.FOLLOW_UP,
        "sequence": sequence,
        "revision": 0,
        "channel": Channel.BLUESKY,
        "language": "fr",
        "account": NAME,
        "text": f"Crue de la Moselle : point n° {sequence}.",
        "exercise": False,
    }
    values.update(changes)
    return PublishRequest.model_validate(values)


def correction(of: Publication, text: str, **changes: Any) -> PublishRequest:
    base = request(**changes)
    return base.model_copy(
        update={
            "revision": base.revision + 1,
            "action": Action.CORRECT,
            "previous": of,
            "text": text,
        }
    )


def retraction(of: Publication, sequence: int = 1) -> PublishRequest:
    return request(sequence).model_copy(update={"action": Action.RETRACT, "previous": of})


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


def test_accounts_live_in_the_plc_directory(pds: LocalPds, rig: Rig) -> None:
    """The PDS registered the account's DID in the loopback PLC directory, nowhere else."""
    document = httpx.get(f"{pds.plc}/{rig.did}", timeout=30).json()
    assert document["service"][0]["serviceEndpoint"].startswith("http://localhost:")
    assert pds.url.startswith("http://127.0.0.1:")


TEXT = (
    "Évacuation 🚒 de l’école Sainte-Thérèse : consignes sur "
    "https://crise.example.fr/inondation?phase=2. #Inondation #Sûreté2026 #123"
)


async def test_post_with_facets_in_utf8_bytes(rig: Rig) -> None:
    asked = request(text=TEXT)
    posted = await rig.publish(asked)
    rkey = record_key(asked.key)
    assert posted.remote_id == f"at://{rig.did}/app.bsky.feed.post/{rkey}"
    assert posted.url == f"https://bsky.app/profile/{rig.handle}/post/{rkey}"
    assert (posted.kind, posted.account, posted.key) == (AccountKind.BLUESKY, NAME, asked.key)
    assert posted.action is Action.PUBLISH
    record = rig.pds.record(posted.remote_id)
    assert record is not None
    assert record["text"] == TEXT
    assert record["langs"] == ["fr"]
    assert "reply" not in record
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


async def test_the_account_s_web_makes_the_url(rig: Rig) -> None:
    posted = await rig.publish(request(), web="https://social.example.fr/")
    rkey = posted.remote_id.rsplit("/", 1)[-1]
    assert posted.url == f"https://social.example.fr/profile/{rig.handle}/post/{rkey}"


async def test_one_thread_per_crisis_from_the_previous_at_uri(rig: Rig) -> None:
    """The workflow knows only the previous post's remote id (its at-uri): the root and the
    parent, with their CIDs, are read back from the PDS."""
    first = await rig.publish(request(1, text="Alerte : crue de la Moselle."))
    second = await rig.publish(request(2, text="Point à 10 h.", thread=first.remote_id))
    third = await rig.publish(request(3, text="Fin de l’alerte.", thread=second.remote_id))
    record = rig.pds.record(third.remote_id)
    assert record is not None
    reply = {
        part: (record["reply"][part]["uri"], record["reply"][part]["cid"])
        for part in ("root", "parent")
    }
    assert reply == {
        "root": (first.remote_id, rig.cid(first.remote_id)),
        "parent": (second.remote_id, rig.cid(second.remote_id)),
    }
    root = rig.pds.record(first.remote_id)
    assert root is not None
    assert "reply" not in root


async def test_a_thread_whose_last_post_is_gone_starts_again(rig: Rig) -> None:
    gone = await rig.publish(request(1))
    await rig.publish(retraction(gone))
    next_one = await rig.publish(request(2, thread=gone.remote_id))
    record = rig.pds.record(next_one.remote_id)
    assert record is not None
    assert "reply" not in record
    assert rig.uris() == [next_one.remote_id]


async def test_a_thread_elsewhere_is_refused_before_posting(rig: Rig) -> None:
    """A remote id from history is not trusted to point at another account's post."""
    first = await rig.publish(request(1))
    elsewhere = first.remote_id.replace(rig.did, "did:plc:aaaaaaaaaaaaaaaaaaaaaaaa")
    with pytest.raises(Rejected):
        await rig.publish(request(2, thread=elsewhere))
    with pytest.raises(Rejected):
        await rig.publish(request(3, thread="at://" + rig.did + "/app.bsky.graph.follow/x"))
    assert rig.uris() == [first.remote_id]


async def test_same_key_twice_is_one_post(rig: Rig) -> None:
    once = await rig.publish(request(text="Coupure d’eau rue Haute."))
    again = await rig.publish(request(text="Coupure d’eau rue Haute."))
    assert again.remote_id == once.remote_id
    assert rig.uris() == [once.remote_id]


async def test_connection_dropped_after_the_pds_accepted(rig: Rig, proxy: FaultProxy) -> None:
    rig.url = proxy.url
    proxy.faults.drop_create = True
    asked = request(text="Route D1 fermée.")
    with pytest.raises(Unavailable) as lost:
        await rig.publish(asked)
    assert lost.value.retryable
    assert lost.value.status == 0
    assert proxy.faults.creates_forwarded == 1
    assert len(rig.posts()) == 1  # the PDS did take it

    proxy.faults.heal()
    retried = await rig.publish(asked)
    assert proxy.faults.creates_forwarded == 2  # the retry did try to create, and was refused
    assert rig.uris() == [retried.remote_id]
    assert retried.remote_id.endswith(record_key(asked.key))


async def test_same_key_other_text_is_refused(rig: Rig) -> None:
    await rig.publish(request(text="Texte approuvé."))
    with pytest.raises(NotRetryable) as conflict:
        await rig.publish(request(text="Autre texte."))
    assert not conflict.value.retryable
    assert record_key(request().key) in str(conflict.value)
    assert [r["value"]["text"] for r in rig.posts()] == ["Texte approuvé."]


async def test_correction_is_a_reply_under_the_corrected_post(rig: Rig) -> None:
    root = await rig.publish(request(1, text="Crue : premier message."))
    wrong = await rig.publish(
        request(2, text="Gymnase ouvert jusqu’à 20 h.", thread=root.remote_id)
    )
    fixed = await rig.publish(correction(wrong, "Gymnase ouvert jusqu’à 22 h.", sequence=2))
    assert fixed.action is Action.CORRECT
    assert fixed.remote_id not in (wrong.remote_id, root.remote_id)
    record = rig.pds.record(fixed.remote_id)
    assert record is not None
    assert record["text"] == "Correction\u00a0: Gymnase ouvert jusqu’à 22 h."
    assert record["reply"]["parent"]["uri"] == wrong.remote_id
    assert record["reply"]["root"]["uri"] == root.remote_id  # still the crisis's thread
    english = await rig.publish(
        correction(wrong, "Gym open until 10 pm.", sequence=2, language="en")
    )
    assert (rig.pds.record(english.remote_id) or {})["text"] == "Correction: Gym open until 10 pm."
    again = await rig.publish(correction(wrong, "Gymnase ouvert jusqu’à 22 h.", sequence=2))
    assert again.remote_id == fixed.remote_id
    assert len(rig.posts()) == 4


async def test_retraction_deletes(rig: Rig) -> None:
    keep = await rig.publish(request(1, text="Consigne maintenue."))
    gone = await rig.publish(request(2, text="Consigne retirée."))
    withdrawn = await rig.publish(retraction(gone, 2))
    assert (withdrawn.action, withdrawn.remote_id) == (Action.RETRACT, gone.remote_id)
    assert rig.pds.record(gone.remote_id) is None
    await rig.publish(retraction(gone, 2))  # a retry of the retraction is harmless
    assert rig.uris() == [keep.remote_id]


async def test_a_drill_never_reaches_a_real_account(rig: Rig) -> None:
    with pytest.raises(DrillRefused):
        await rig.publish(request(exercise=True))
    drill = await rig.publish(request(exercise=True), exercise=True)
    assert rig.uris() == [drill.remote_id]


async def test_bad_password_is_not_retryable_and_names_the_variable(
    rig: Rig, tmp_path: Path
) -> None:
    with pytest.raises(BadCredentials) as refused:
        await rig.publish(request(), password="xxxx-xxxx-xxxx-xxxx")
    assert not refused.value.retryable
    assert refused.value.status == 401
    assert VARIABLE in str(refused.value)
    assert "xxxx-xxxx" not in str(refused.value)
    secret = tmp_path / "bsky-password"
    secret.write_text("yyyy-yyyy-yyyy-yyyy\n")
    spec = {"password_env": None, "password_file": str(secret)}
    with pytest.raises(BadCredentials) as from_file:
        await rig.publish(request(), **spec)
    assert str(secret) in str(from_file.value)
    assert "yyyy-yyyy" not in str(from_file.value)
    assert rig.posts() == []


async def test_revoked_app_password_is_not_retryable(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Revoked while the worker holds a session: once the session is older than its reuse
    window (the session's access token outlives the revocation on the PDS), the next post
    logs in again, is refused, and is not retried."""
    first = await rig.publish(request(1, text="Avant la révocation."))
    rig.pds.revoke_app_password(rig.handle, "mot-de-passe-principal", "tocsin")
    monkeypatch.setattr(bluesky_client, "SESSION_MAX_AGE", 0.0)
    with pytest.raises(BadCredentials) as revoked:
        await rig.publish(request(2, text="Après la révocation."))
    assert not revoked.value.retryable
    assert revoked.value.status == 401
    assert VARIABLE in str(revoked.value)
    assert rig.uris() == [first.remote_id]


async def test_a_cached_session_refused_logs_in_again(rig: Rig, proxy: FaultProxy) -> None:
    """A 401 on a session the worker kept (the PDS's keys changed, say) is not the password's
    fault: one new login, then the post goes out."""
    rig.url = proxy.url
    await rig.publish(request(1, text="Premier."))
    proxy.faults.answer_create = (401, {})
    second = await rig.publish(request(2, text="Second."))
    logins = [p for p in proxy.faults.seen if p.endswith("com.atproto.server.createSession")]
    assert len(logins) == 2
    assert second.remote_id in rig.uris()
    assert len(rig.posts()) == 2


async def test_rate_limit_and_outage_are_retryable(rig: Rig, proxy: FaultProxy) -> None:
    rig.url = proxy.url
    reset = int(time.time()) + 120
    proxy.faults.answer_create = (
        429,
        {"ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": str(reset)},
    )
    asked = request(text="Message 1.")
    with pytest.raises(Unavailable) as limited:
        await rig.publish(asked)
    assert limited.value.retryable
    assert limited.value.status == 429
    assert limited.value.retry_after is not None
    assert 100 <= limited.value.retry_after <= 121
    # The account's bucket waits for the reset: the next try does not reach Bluesky.
    forwarded = len(proxy.faults.seen)
    with pytest.raises(Unavailable) as paused:
        await rig.publish(asked)
    assert paused.value.retry_after is not None
    assert 90 <= paused.value.retry_after <= 121
    assert not any(p.endswith("createRecord") for p in proxy.faults.seen[forwarded:])

    rig.limits = Limits()  # the wait is over (another worker, later)
    proxy.faults.answer_create = (503, {})
    with pytest.raises(Unavailable) as down:
        await rig.publish(asked)
    assert down.value.retryable
    assert down.value.status == 503
    assert rig.posts() == []
    posted = await rig.publish(asked)
    assert rig.uris() == [posted.remote_id]


async def test_a_create_costs_3_points_of_the_account_s_rate(rig: Rig) -> None:
    """The accounts file's rate (here 7 points an hour) is the account's bucket: two creates
    (6 points), then the third would wait; a delete costs 1 and still goes."""
    rate: dict[str, Any] = {"rate": {"requests": 7, "per": "1h"}}
    first = await rig.publish(request(1), **rate)
    await rig.publish(request(2), **rate)
    with pytest.raises(Unavailable) as later:
        await rig.publish(request(3), **rate)
    assert later.value.retry_after == pytest.approx(2 * 3600 / 7, rel=0.01)
    assert len(rig.posts()) == 2
    await rig.publish(retraction(first), **rate)
    assert len(rig.posts()) == 1


# --- Without the PDS ------------------------------------------------------------------------


async def test_too_long_is_refused_before_any_call() -> None:
    nowhere = Rig.__new__(Rig)
    nowhere.url, nowhere.handle, nowhere.password = "http://127.0.0.1:9", "x.test", "p"
    nowhere.limits = Limits()
    with pytest.raises(NotRetryable) as long:
        await nowhere.publish(request(text="é" * (MAX_GRAPHEMES + 1)))
    assert not long.value.retryable
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme, 18 bytes
    with pytest.raises(NotRetryable) as heavy:
        await nowhere.publish(request(text=family * 200))
    assert not heavy.value.retryable
    # 300 accented letters made of two code points each are 300 graphemes: not too long.
    with pytest.raises(Unavailable) as unreachable:
        await nowhere.publish(request(text="e\u0301" * MAX_GRAPHEMES))
    assert unreachable.value.status == 0  # it went as far as the (absent) server


def test_ratelimit_reset_is_read() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC).timestamp()
    assert reset_seconds({"RateLimit-Reset": str(int(now) + 42)}, now) == 42
    assert reset_seconds({"retry-after": "7"}, now) == 7
    assert reset_seconds({"ratelimit-reset": "1e400"}, now) is None
    assert reset_seconds({"ratelimit-reset": str(int(now) + 10**9)}, now) == 86_400
    assert reset_seconds({}, now) is None
