"""A webhook receiver on loopback that verifies Standard Webhooks signatures with the
reference implementation (the ``standardwebhooks`` package, not tocsin's code), and acts once
per ``webhook-id``, as the specification asks of receivers.

It can be told to take an event and cut the connection before answering (``drop_next``), or
to answer the next requests with given statuses and headers (``answers``), or to take
``delay`` seconds before it acts on a request (``arrived`` counts the requests received), or
to be ``down`` (503).
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tocsin.temporal import free_port

SECRET = "whsec_" + base64.b64encode(b"tocsin-test-secret-32-bytes-long").decode()


@dataclass
class Delivery:
    id: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Receiver:
    secret: str = SECRET
    deliveries: list[Delivery] = field(default_factory=list)  # every verified request
    events: dict[str, dict[str, Any]] = field(default_factory=dict)  # acted on, by id
    refused: int = 0  # requests whose signature did not verify
    drop_next: int = 0
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    delay: float = 0.0  # seconds before acting on a request (a slow gateway)
    down: bool = False  # every request answered 503
    arrived: int = 0  # requests received
    runner: web.AppRunner | None = None
    url: str = ""

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self._hook)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/hook"
        return self.url

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    async def _hook(self, request: web.Request) -> web.StreamResponse:
        self.arrived += 1
        data = await request.read()
        if self.delay:
            # Slow, and the event still acted on when the caller has gone (a worker killed).
            await asyncio.sleep(self.delay)
        if self.down:
            return web.Response(status=503, text="down")
        if self.answers:
            status, headers = self.answers.pop(0)
            return web.Response(status=status, headers=headers, text="busy")
        headers = dict(request.headers)
        try:
            body = Webhook(self.secret).verify(data, headers)
        except WebhookVerificationError:
            self.refused += 1
            return web.Response(status=401, text="bad signature")
        message_id = request.headers["webhook-id"]
        self.deliveries.append(Delivery(message_id, body, headers))
        self.events.setdefault(message_id, body)  # a known id: already acted on
        if self.drop_next > 0:
            self.drop_next -= 1
            assert request.transport is not None
            request.transport.abort()
        return web.json_response({"received": message_id})
