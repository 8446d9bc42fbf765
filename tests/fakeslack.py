"""A local fake of Slack's Web API, on loopback, for the real slack_sdk and slack_bolt code.

It keeps messages per channel (post, update, history, replies, with metadata), records every
call, and can be told to fail a method with queued answers (429 with Retry-After, 500).
It also signs requests as Slack signs them, for the app's HTTP endpoint.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from tocsin.config import BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES
from tocsin.models import CrisisInput
from tocsin.playbook import PlaybookLibrary
from tocsin.slack.settings import SlackSettings
from tocsin.temporal import free_port

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
SLACK_IDS = {"camille": "UCAMILLE", "dominique": "UDOMINIQUE", "sacha": "USACHA", "noor": "UNOOR"}
APP_TOKEN = "xapp-test-token"
CHANNEL = "C0CRISE"  # the crisis channel of the Slack tests


@dataclass
class Failure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=lambda: {"ok": False, "error": "fatal_error"})


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.perf_counter)  # when the fake received it
    connection: int = 0  # which of the client's connections carried it (its port)


class FakeSlack:
    def __init__(self) -> None:
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.ephemeral: list[dict[str, Any]] = []
        self.views: list[dict[str, Any]] = []
        self.calls: list[Call] = []
        self.failures: dict[str, list[Failure]] = {}
        self.hold_card = 0.0  # seconds to sit on the answer to the next card posted, once
        self.down = False  # an outage: every Web API call answers 429, and one in five 500
        self.refused = 0  # calls answered so during outages
        self._ts = itertools.count(1)
        self.runner: web.AppRunner | None = None
        self.url = ""
        self.sockets: list[web.WebSocketResponse] = []
        self.acks: list[dict[str, Any]] = []
        self.responses: list[dict[str, Any]] = []  # what was posted to a response_url

    # ------------------------------------------------------------------ server

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("GET", "/socket", self._socket)
        app.router.add_route("POST", "/response", self._response)
        app.router.add_route("*", "/api/{method}", self._handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = int(self.runner.addresses[0][1])
        self.url = f"http://127.0.0.1:{port}/api/"
        return self.url

    def env(self, channel: str, *, app_port: int | None = None) -> dict[str, str]:
        """What a tocsin process reads to post to this fake in ``channel``; with ``app_port``,
        also to serve its Slack app over HTTP there, checking this fake's signatures."""
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "TOCSIN_SLACK_CHANNEL": channel,
            "SLACK_API_URL": self.url,
        }
        if app_port is not None:
            env.update(
                SLACK_SIGNING_SECRET=SECRET,
                TOCSIN_SLACK_MODE="http",
                TOCSIN_SLACK_PORT=str(app_port),
            )
        return env

    def settings(self, channel: str, *, http: bool = False, socket: bool = False) -> SlackSettings:
        """Slack settings against this fake; with ``http``, the app's on a free port; with
        ``socket``, the app's over a Socket Mode connection to this fake."""
        if socket:
            return SlackSettings(
                bot_token=BOT_TOKEN, app_token=APP_TOKEN, channel=channel, api_url=self.url
            )
        if not http:
            return SlackSettings(bot_token=BOT_TOKEN, channel=channel, api_url=self.url)
        return SlackSettings(
            bot_token=BOT_TOKEN,
            signing_secret=SECRET,
            channel=channel,
            api_url=self.url,
            mode="http",
            port=free_port(),
        )

    async def stop(self) -> None:
        for socket in self.sockets:
            await socket.close()
        if self.runner is not None:
            await self.runner.cleanup()

    async def _response(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    def response_url(self) -> str:
        return self.url.replace("/api/", "/response")

    # ------------------------------------------------------------------ Socket Mode

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}
        )
        async for message in socket:
            if message.type == web.WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
        return socket

    async def envelope(self, envelope_id: str, kind: str, payload: dict[str, Any]) -> None:
        """Deliver an event over the open Socket Mode connection, as Slack does."""
        await self.sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
            }
        )

    def fail(self, method: str, *failures: Failure) -> None:
        self.failures.setdefault(method, []).extend(failures)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        token = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if request.headers.get("Authorization") != f"Bearer {token}":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.text()
            if request.content_type == "application/json":
                args.update(json.loads(raw or "{}"))
            else:
                args.update(dict(urllib.parse.parse_qsl(raw)))
        for key in ("blocks", "metadata", "view"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.calls.append(Call(method, args, connection=peer[1] if peer else 0))
        if self.down:
            self.refused += 1
            if self.refused % 5 == 1:
                return web.json_response({"ok": False, "error": "fatal_error"}, status=500)
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "0"}
            )
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        handler = {
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.update": self.update,
            "chat.postEphemeral": self.post_ephemeral,
            "conversations.history": self.history,
            "conversations.replies": self.replies,
            "conversations.open": self.open_conversation,
            "views.open": self.open_view,
            "apps.connections.open": self.open_connection,
        }.get(method)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        answer = {"ok": True, **handler(args)}
        delay = 0.0
        card = (args.get("metadata") or {}).get("event_type") == "tocsin_card"
        if method == "chat.postMessage" and card and self.hold_card:
            delay, self.hold_card = self.hold_card, 0.0
        if delay:
            # Slack has done the work; the caller does not hear back in time (or dies waiting).
            await asyncio.sleep(delay)
        return web.json_response(answer)

    # ------------------------------------------------------------------ Web API methods

    def _new_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    def auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "tocsin"}

    def post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args["channel"])
        if channel.startswith("U"):
            channel = "D" + channel
        message = {
            "ts": self._new_ts(),
            "text": args.get("text", ""),
            "blocks": args.get("blocks") or [],
            "metadata": args.get("metadata"),
            "thread_ts": args.get("thread_ts"),
        }
        self.messages.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": message["ts"], "message": message}

    def update(self, args: dict[str, Any]) -> dict[str, Any]:
        message = self.message(str(args["channel"]), str(args["ts"]))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message["text"] = args.get("text", message["text"])
        if "blocks" in args:
            message["blocks"] = args["blocks"] or []
        message["edited"] = True
        return {"channel": args["channel"], "ts": args["ts"]}

    def post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        self.ephemeral.append(args)
        return {"message_ts": self._new_ts()}

    def history(self, args: dict[str, Any]) -> dict[str, Any]:
        found = [m for m in self.messages.get(str(args["channel"]), []) if not m["thread_ts"]]
        return self._page(list(reversed(found)), args)  # newest first, as Slack gives them

    def replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """The thread's parent, then its replies from ``oldest`` on (after it unless
        ``inclusive``), as Slack gives them."""
        channel, ts = str(args["channel"]), str(args["ts"])
        found = [m for m in self.messages.get(channel, []) if m["ts"] == ts or m["thread_ts"] == ts]
        if args.get("oldest"):
            oldest = float(args["oldest"])
            inclusive = str(args.get("inclusive")).lower() in ("1", "true")
            found = [
                m
                for m in found
                if m["ts"] == ts
                or float(m["ts"]) > oldest
                or (inclusive and float(m["ts"]) == oldest)
            ]
        return self._page(found, args)

    def _page(self, found: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
        """One page, as Slack pages: at most ``limit`` messages (100 unless asked, 999 at most),
        ``has_more`` and a cursor for the rest."""
        limit = min(int(args.get("limit") or 100), 999)
        start = int(args.get("cursor") or 0)
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {
            "messages": [self._shown(m, args) for m in page],
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def open_conversation(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"channel": {"id": "D" + str(args["users"])}}

    def open_view(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"]
        self.views.append(view)
        return {"view": {"id": f"V{len(self.views)}", **view}}

    def open_connection(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.url.replace("http://", "ws://").replace("/api/", "/socket")}

    @staticmethod
    def _shown(message: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
        shown = dict(message)
        if str(args.get("include_all_metadata")).lower() not in ("1", "true"):
            shown.pop("metadata", None)
        return shown

    # ------------------------------------------------------------------ looking

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)

    def cards(self, channel: str, crisis: str | None = None) -> list[dict[str, Any]]:
        """The approval cards in ``channel``, in order; with ``crisis``, that crisis's only
        (their metadata names it: one card a gate)."""
        return [
            m
            for m in self.messages.get(channel, [])
            if (meta := m.get("metadata") or {}).get("event_type") == "tocsin_card"
            and (crisis is None or meta.get("event_payload", {}).get("crisis") == crisis)
        ]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        return [m for m in self.messages.get(channel, []) if m["thread_ts"] == ts]

    def said_in_thread(self, channel: str, ts: str, words: str) -> list[dict[str, Any]]:
        return [m for m in self.thread(channel, ts) if words in m["text"]]

    def shown(self, *, markup: bool = False) -> Iterator[str]:
        """Every text a person can read of what the app sent: messages (their ``text`` and every
        text object of their blocks, as posted and as updated), ephemeral messages, answers to
        slash commands, and dialogs (titles, labels, hints, placeholders, options). With
        ``markup``, only the texts Slack reads as mrkdwn (a message's ``text``, ``mrkdwn``
        objects), where ``<!channel>`` would notify and ``<https://…|…>`` link."""
        for call in self.calls:
            if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
                yield str(call.args.get("text") or "")
                yield from texts_of(call.args.get("blocks") or [], markup=markup)
            elif call.method == "views.open":
                yield from texts_of(call.args.get("view") or {}, markup=markup)
        for answer in self.responses:
            yield str(answer.get("text") or "")
            yield from texts_of(answer.get("blocks") or [], markup=markup)
        for ack in self.acks:
            yield from texts_of(ack.get("payload") or {}, markup=markup)


# Keys of Block Kit objects that hold what a person reads (ids and values are the app's own).
_READ = ("text", "title", "label", "hint", "placeholder", "submit", "close", "confirm", "deny")


def texts_of(item: Any, *, markup: bool = False) -> Iterator[str]:
    """The texts a person reads in Block Kit (blocks, a view): every ``text`` object; with
    ``markup``, the ``mrkdwn`` ones only."""
    kinds = ("mrkdwn",) if markup else ("mrkdwn", "plain_text")
    if isinstance(item, list):
        for element in item:
            yield from texts_of(element, markup=markup)
    elif isinstance(item, dict):
        if item.get("type") in ("mrkdwn", "plain_text") and isinstance(item.get("text"), str):
            if item["type"] in kinds:
                yield item["text"]
            return
        for key, value in item.items():
            if isinstance(value, str) and key in _READ:
                if not markup:
                    yield value
            elif isinstance(value, (list, dict)):
                yield from texts_of(value, markup=markup)


def has_buttons(message: dict[str, Any]) -> bool:
    """Whether the message still asks for something: buttons other than « Corriger » (a
    published statement's card keeps that one)."""
    return any(
        block.get("type") == "actions" and block.get("block_id") != "tocsin_correct_actions"
        for block in message.get("blocks") or []
    )


def button_value(message: dict[str, Any], action_id: str) -> str:
    """The value of a card's button, as Slack sends it back when the button is clicked."""
    return str(
        next(
            element["value"]
            for block in message["blocks"]
            if block.get("block_id") == "tocsin_actions"
            for element in block["elements"]
            if element["action_id"] == action_id
        )
    )


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Headers as Slack sends them: v0 signature over ``v0:{timestamp}:{body}``."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": "v0=" + digest.hexdigest(),
        "Content-Type": "application/x-www-form-urlencoded",
    }


def form(payload: dict[str, Any]) -> str:
    return "payload=" + urllib.parse.quote(json.dumps(payload))


def _interaction(kind: str, user: str, what: str) -> dict[str, Any]:
    """What every interaction payload from Slack starts with."""
    return {
        "type": kind,
        "team": {"id": "T1", "domain": "prefecture"},
        "user": {"id": user, "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": f"trigger-{user}-{what}",
    }


def block_actions(
    user: str, action_id: str, value: str, channel: str, ts: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        **_interaction("block_actions", user, action_id),
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
        "channel": {"id": channel},
        "message": {"ts": ts, "blocks": blocks},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "tocsin_actions",
                "value": value,
                "action_ts": str(time.time()),
            }
        ],
    }


def view_submission(user: str, view: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A modal submitted: ``values`` maps block id to the typed text."""
    return {
        **_interaction("view_submission", user, "submit"),
        "view": {
            **view,
            "id": "V1",
            "state": {
                "values": {
                    block: {"value": {"type": "plain_text_input", "value": text}}
                    for block, text in values.items()
                }
            },
        },
    }


def slack_library(root: Path) -> PlaybookLibrary:
    """The bundled playbooks, the water one with each person's Slack id, as an organisation's
    folder would have them."""
    folder = root / "playbooks"
    folder.mkdir(exist_ok=True)
    bundled = PlaybookLibrary([BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES])
    text = (BUNDLED_PLAYBOOKS / "eau-non-potable.yml").read_text(encoding="utf-8")
    people = bundled.load("eau-non-potable").playbook.people
    for person, slack_id in SLACK_IDS.items():
        name = people[person].name
        text = text.replace(
            f"  {person}:\n    name: {name}\n",
            f"  {person}:\n    name: {name}\n    slack_user_id: {slack_id}\n",
        )
    (folder / "eau-non-potable.yml").write_text(text, encoding="utf-8")
    return PlaybookLibrary([folder, BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES])


def slash(text: str, user: str, channel: str, response_url: str) -> str:
    """A ``/tocsin`` command's body, as Slack posts it."""
    return urllib.parse.urlencode(
        {
            "command": "/tocsin",
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": "T1",
            "response_url": response_url,
            "trigger_id": f"trigger-{user}-slash",
        }
    )


def with_slack_people(crisis: CrisisInput) -> CrisisInput:
    """The crisis's playbook with each person's Slack member id, as an organisation sets it."""
    people = {
        pid: person.model_copy(update={"slack_user_id": SLACK_IDS.get(pid)})
        for pid, person in crisis.playbook.people.items()
    }
    return crisis.model_copy(
        update={"playbook": crisis.playbook.model_copy(update={"people": people})}
    )
