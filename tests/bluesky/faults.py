"""A loopback HTTP proxy in front of the real PDS that injects the faults a publisher must
survive: the connection dropped after the PDS accepted a post (the request is forwarded, its
answer never reaches the client, and the network stays down until ``heal``), and canned 429
or 5xx answers."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field

from aiohttp import ClientSession, web

CREATE = "/xrpc/com.atproto.repo.createRecord"
HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


@dataclass
class Faults:
    """What the proxy does to the next createRecord."""

    drop_create: bool = False  # forward it, then drop the connection; down until heal()
    answer_create: tuple[int, dict[str, str]] | None = None  # answer this instead of forwarding
    down: bool = False
    creates_forwarded: int = 0
    seen: list[str] = field(default_factory=list)

    def heal(self) -> None:
        self.down = False


class FaultProxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.faults = Faults()
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(self._runner, sock)
        await site.start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._session = ClientSession(auto_decompress=False)
        return self.url

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _drop(self, request: web.Request) -> web.StreamResponse:
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=599)  # never reaches the client: the connection is gone

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        faults = self.faults
        faults.seen.append(request.path)
        if faults.down:
            return self._drop(request)
        body = await request.read()
        if request.path == CREATE and faults.answer_create is not None:
            status, headers = faults.answer_create
            faults.answer_create = None
            return web.json_response(
                {"error": "Injected", "message": f"injected {status}"},
                status=status,
                headers=headers,
            )
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP | {"host"}}
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs,
            data=body,
            headers=headers,
        ) as upstream:
            payload = await upstream.read()
            if request.path == CREATE:
                faults.creates_forwarded += 1
                if faults.drop_create:
                    faults.drop_create = False
                    faults.down = True
                    return self._drop(request)
            return web.Response(
                status=upstream.status,
                body=payload,
                headers={k: v for k, v in upstream.headers.items() if k.lower() not in HOP},
            )
