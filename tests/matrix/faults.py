"""A loopback proxy in front of the real Synapse that lets a test act at the worst moment: once
Synapse has accepted a card (its answer read), ``on_card`` runs (a test kills the worker there)
and the connection is dropped, so the sender never learns the card's id."""

from __future__ import annotations

import json
import socket
from collections.abc import Awaitable, Callable

from aiohttp import ClientSession, web

from tocsin.matrix.cards import CARD_TAG

HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class CardKiller:
    def __init__(self, upstream: str, on_card: Callable[[], Awaitable[None]]) -> None:
        self.upstream = upstream.rstrip("/")
        self.on_card = on_card
        self.armed = True
        self.cards_accepted: list[str] = []  # the event ids Synapse gave the cards
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
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        self._session = ClientSession(auto_decompress=False)
        return self.url

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP | {"host"}}
        async with self._session.request(
            request.method, self.upstream + request.path_qs, data=body, headers=headers
        ) as upstream:
            payload = await upstream.read()
            status = upstream.status
            answer_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP}
        is_card = (
            request.method == "PUT"
            and "/send/m.room.message/" in request.path
            and CARD_TAG.encode() in body
            and b"m.new_content" not in body
            and b'"m.thread"' not in body
        )
        if is_card and status == 200:
            self.cards_accepted.append(str(json.loads(payload)["event_id"]))
            if self.armed:
                self.armed = False
                await self.on_card()
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=599)  # never reaches the sender
        return web.Response(status=status, body=payload, headers=answer_headers)
