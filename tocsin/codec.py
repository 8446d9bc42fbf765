"""The codec endpoint: lets Temporal's Web UI show the payloads tocsin writes zlib'd.

The Web UI shows a ``binary/zlib`` payload as base64. Given a codec endpoint, the operator's
browser posts the payloads it shows to ``<endpoint>/decode`` and displays what comes back
(Temporal's codec server protocol: a ``Payloads`` message as proto3 JSON both ways; only the
last part of the path says ``/decode`` or ``/encode``). This endpoint only opens what
``tocsin.payloads`` packed: it holds no key and sees nothing the caller has not already read
from Temporal.

- ``tocsin up`` serves it on a loopback port of its own and gives it to the embedded UI.
- ``tocsin codec`` serves it for a deployment's UI (``TOCSIN_CODEC_PORT``), answering the
  browsers of the origins in ``TOCSIN_CODEC_ORIGINS``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Sequence

import structlog
from aiohttp import web
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from tocsin.payloads import PayloadUnreadable, pack, unpack

log = structlog.get_logger("tocsin.codec")

# The UI posts the payloads of one page of history at a time; a page of large drafts is a few MB.
BODY_AT_MOST = 8 * 1024 * 1024
# What one request's payloads may open to, together (each also within tocsin.payloads' bound).
OPENED_AT_MOST = 64 * 1024 * 1024
ALLOWED_HEADERS = "Content-Type, X-Namespace, Authorization"


def _cors(request: web.Request, origins: frozenset[str], response: web.StreamResponse) -> None:
    origin = request.headers.get("Origin", "")
    if origin in origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
        response.headers["Vary"] = "Origin"


def _refused(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def codec_app(origins: Sequence[str]) -> web.Application:
    """The endpoint's aiohttp application; browsers of ``origins`` may call it."""
    allowed = frozenset(o.rstrip("/") for o in origins)

    async def handle(request: web.Request) -> web.StreamResponse:
        tail = request.path.rstrip("/").rsplit("/", 1)[-1]
        if request.method == "GET" and tail == "health":
            return web.json_response({"ok": True})
        if tail not in ("decode", "encode"):
            response: web.StreamResponse = _refused(404, f"{request.path}: not a codec path")
        elif request.method == "OPTIONS":
            response = web.Response(status=204)
        elif request.method != "POST":
            response = _refused(405, f"{request.method}: POST only")
        else:
            response = await _apply(request, unpack if tail == "decode" else pack)
        _cors(request, allowed, response)
        return response

    app = web.Application(client_max_size=BODY_AT_MOST)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def _apply(request: web.Request, each: Callable[[Payload], Payload]) -> web.Response:
    try:
        body = await request.text()
        given = json_format.Parse(body, Payloads())
        done, opened = Payloads(), 0
        for payload in given.payloads:
            done.payloads.append(each(payload))
            opened += done.payloads[-1].ByteSize()
            if opened > OPENED_AT_MOST:
                return _refused(413, f"payloads open to more than {OPENED_AT_MOST >> 20} MB")
    except web.HTTPRequestEntityTooLarge:
        return _refused(413, f"body over {BODY_AT_MOST >> 20} MB")
    except json_format.ParseError as exc:
        return _refused(400, f"not a Payloads message in proto3 JSON: {exc}")
    except (PayloadUnreadable, UnicodeDecodeError) as exc:
        return _refused(400, str(exc))
    log.debug("codec", path=request.path, payloads=len(done.payloads))
    return web.json_response(json_format.MessageToDict(done))


@contextlib.asynccontextmanager
async def serving(host: str, port: int, origins: Sequence[str]) -> AsyncIterator[str]:
    """Serve the endpoint for the duration of the block; yields its URL (port 0: any free)."""
    runner = web.AppRunner(codec_app(origins), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1]
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{bound}"
        log.debug("codec.listening", url=url)
        yield url
    finally:
        await runner.cleanup()
