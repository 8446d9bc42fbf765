"""Running the console: under uvicorn, in the process of ``tocsin up`` or alone (``tocsin web``).

It refuses to listen beyond loopback without an identity provider. Without one, it prints a
one-time sign-in link for each person of the library's playbooks (good once, from loopback).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
from collections.abc import AsyncIterator, Callable, Iterator

import uvicorn
from temporalio.client import Client

from tocsin.config import Settings
from tocsin.playbook import PlaybookLibrary
from tocsin.web.app import create_app
from tocsin.web.front import WebFront
from tocsin.web.identity import Link, OneTimeLinks
from tocsin.web.playbooks import parsed_playbooks
from tocsin.web.settings import WebSettings, WebSettingsError


class _Embedded(uvicorn.Server):
    """uvicorn without its own signal handlers: the command that runs it stops it."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def people_of(library: PlaybookLibrary) -> list[tuple[str, str]]:
    """Each person of the library's playbooks once: (id, name)."""
    found: dict[str, str] = {}
    for loaded in parsed_playbooks(library):
        for person_id, person in loaded.playbook.people.items():
            found.setdefault(person_id, person.name)
    return sorted(found.items())


@contextlib.asynccontextmanager
async def console(
    temporal: Client,
    settings: Settings,
    library: PlaybookLibrary,
    web: WebSettings,
    *,
    tell: Callable[[str, list[Link]], None] | None = None,
    movable: bool = False,
) -> AsyncIterator[str]:
    """The console served while the block runs; yields its URL. ``tell`` is given the URL and
    the one-time links (none with OIDC) once it listens. ``movable``: a port taken meanwhile
    (another ``tocsin up`` started at the same moment) moves it to any free port on loopback."""
    problems = web.problems()
    if problems:
        raise WebSettingsError("; ".join(problems))
    front = WebFront(temporal, settings, library, web.oidc.issuer if web.oidc else None)
    links = OneTimeLinks(web.link_hours)
    app = create_app(front, web, links=links)
    family = socket.AF_INET6 if ":" in web.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    moved = False
    try:
        sock.bind((web.host, web.port))
    except OSError as exc:
        if not (movable and exc.errno == errno.EADDRINUSE):
            sock.close()
            raise WebSettingsError(f"{web.host}:{web.port}: {exc.strerror or exc}") from None
        sock.bind((web.host, 0))
        moved = True
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=3,
    )
    server = _Embedded(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise WebSettingsError(f"{web.host}:{port}")
            await asyncio.sleep(0.05)
        if moved:
            public = f"http://{web.host}:{port}"
        else:
            public = web.public_url if web.port else web.public_url.replace(":0", f":{port}", 1)
        issued = [] if web.oidc else links.issue(people_of(library))
        if tell is not None:
            tell(public, [Link(x.person, x.name, f"{public}/lien/{x.token}") for x in issued])
        yield public
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()
