"""The codec endpoint the Web UI calls to show compressed payloads (tocsin/codec.py), over real
HTTP on loopback, as the UI's browser and `tocsin codec` use it."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from tests.processes import spawn, tocsin, tocsin_env
from tocsin.codec import BODY_AT_MOST, serving
from tocsin.payloads import ENCODING, pack
from tocsin.temporal import free_port

UI = "http://localhost:8233"
TEXT = "Eau non potable à Saint-Amand\u202f: ne buvez pas l’eau du robinet. " * 60


def plain(text: str) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps({"text": text}).encode())


def as_json(*payloads: Payload) -> str:
    return json_format.MessageToJson(Payloads(payloads=list(payloads)))


@pytest.fixture
async def endpoint() -> AsyncIterator[str]:
    async with serving("127.0.0.1", 0, [UI, "http://127.0.0.1:8233/"]) as url:
        yield url


async def post(
    session: aiohttp.ClientSession, url: str, body: str, origin: str = UI
) -> tuple[int, dict[str, str], str]:
    headers = {"Content-Type": "application/json", "X-Namespace": "default", "Origin": origin}
    async with session.post(url, data=io.BytesIO(body.encode()), headers=headers) as response:
        return response.status, dict(response.headers), await response.text()


async def test_the_ui_gets_back_the_payloads_tocsin_packed(endpoint: str) -> None:
    big, small = plain(TEXT), plain("court")
    packed = pack(big)
    assert packed.metadata["encoding"] == ENCODING
    async with aiohttp.ClientSession() as session:
        # The UI posts to <endpoint>/decode; the CLI templates the namespace into the path.
        for path in ("/decode", "/default/decode"):
            status, headers, body = await post(session, endpoint + path, as_json(packed, small))
            assert status == 200, body
            assert list(json_format.Parse(body, Payloads()).payloads) == [big, small]
            assert headers["Access-Control-Allow-Origin"] == UI
        # /encode packs as the workers do.
        status, _, body = await post(session, endpoint + "/encode", as_json(big, small))
        assert status == 200
        assert list(json_format.Parse(body, Payloads()).payloads) == [packed, small]


async def test_only_the_ui_origins_get_the_browser_s_permission(endpoint: str) -> None:
    async with aiohttp.ClientSession() as session:
        preflight = {
            "Origin": "http://127.0.0.1:8233",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        }
        async with session.options(endpoint + "/decode", headers=preflight) as response:
            assert response.status == 204
            assert response.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8233"
            assert "X-Namespace" in response.headers["Access-Control-Allow-Headers"]
            assert "POST" in response.headers["Access-Control-Allow-Methods"]
        stranger = {**preflight, "Origin": "https://ailleurs.example"}
        async with session.options(endpoint + "/decode", headers=stranger) as response:
            assert "Access-Control-Allow-Origin" not in response.headers
        status, headers, _ = await post(
            session, endpoint + "/decode", as_json(plain("x")), "https://ailleurs.example"
        )
        # Answered (it holds no secret: only what the caller read from Temporal), but without
        # the header a browser needs to hand the answer to another site's page.
        assert status == 200
        assert "Access-Control-Allow-Origin" not in headers


async def test_bad_requests_are_refused_by_name(endpoint: str) -> None:
    damaged = Payload(metadata={"encoding": ENCODING}, data=b"pas du zlib")
    async with aiohttp.ClientSession() as session:
        status, _, body = await post(session, endpoint + "/decode", "{ pas du json")
        assert status == 400
        assert "proto3 JSON" in json.loads(body)["error"]
        status, _, body = await post(session, endpoint + "/decode", as_json(damaged))
        assert status == 400
        assert "binary/zlib" in json.loads(body)["error"]
        status, _, body = await post(session, endpoint + "/decode", " " * (BODY_AT_MOST + 1))
        assert status == 413
        # Many small payloads that each open to 16 MB: refused before they all do.
        swelling = pack(plain(" " * (16 << 20)))
        status, _, body = await post(session, endpoint + "/decode", as_json(*[swelling] * 6))
        assert status == 413
        assert "64 MB" in json.loads(body)["error"]
        async with session.get(endpoint + "/decode") as response:
            assert response.status == 405
        status, _, _ = await post(session, endpoint + "/autre", as_json(plain("x")))
        assert status == 404
        async with session.get(endpoint + "/health") as response:
            assert response.status == 200
        # Still serving after all that.
        status, _, _ = await post(session, endpoint + "/decode", as_json(pack(plain(TEXT))))
        assert status == 200


async def test_tocsin_codec_serves_the_deployment_s_ui(tmp_path: Path) -> None:
    port = free_port()
    env = tocsin_env(tmp_path, TOCSIN_CODEC_PORT=str(port), TOCSIN_CODEC_ORIGINS=UI)
    process = await spawn(["codec"], env, tmp_path / "codec.log")
    try:
        await process.wait_for_output("Point codec prêt", within=30)
        async with aiohttp.ClientSession() as session:
            url = f"http://127.0.0.1:{port}/default/decode"
            status, headers, body = await post(session, url, as_json(pack(plain(TEXT))))
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == UI
        assert list(json_format.Parse(body, Payloads()).payloads) == [plain(TEXT)]
        # A second one on the same port says so, in one line (``tocsin`` checks: no traceback).
        busy = tocsin(env, "codec", timeout=30)
        assert busy.code == 1
        assert "TOCSIN_CODEC_PORT" in busy.err
    finally:
        assert await process.stop() == 0
    # Without the UI's address it refuses to start, and says which variable to set.
    refused = tocsin(tocsin_env(tmp_path), "codec", timeout=30)
    assert refused.code == 1
    assert "TOCSIN_CODEC_ORIGINS" in refused.err
