"""The console as an ASGI application (Starlette): its routes, its middleware (allowed hosts,
the signed session cookie, the security headers) and what a missing sign-in or a forged form
gets."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from tocsin.web import auth, pages
from tocsin.web.console import HERE, BadForm, Console, SignInNeeded
from tocsin.web.front import WebFront
from tocsin.web.identity import OneTimeLinks
from tocsin.web.live import Watch
from tocsin.web.session import COOKIE, Clock, SecurityHeaders, Sessions
from tocsin.web.settings import WebSettings


async def _sign_in_needed(request: Request, exc: Exception) -> Response:
    console: Console = request.app.state.console
    if request.method == "GET" and "text/event-stream" not in request.headers.get("accept", ""):
        return RedirectResponse("/entrer", status_code=303)
    words = console.words(request)
    return console.message(
        request,
        words("web.session_over_title"),
        words("web.session_over"),
        status=401,
        link=("/entrer", words("web.sign_in")),
    )


async def _bad_form(request: Request, exc: Exception) -> Response:
    console: Console = request.app.state.console
    words = console.words(request)
    return console.message(
        request,
        words("web.refused_title"),
        words("web.bad_form"),
        status=403,
        link=(request.url.path if request.method == "GET" else "/", words("web.reload")),
    )


def create_app(
    front: WebFront,
    web: WebSettings,
    *,
    links: OneTimeLinks | None = None,
    clock: Clock | None = None,
    watch_every: float = 2.0,
) -> Starlette:
    """The console over ``front``; ``links``: the one-time sign-in links (without OIDC);
    ``clock``: the sessions' clock (tests move it)."""
    sessions = Sessions(web.session_hours, clock) if clock else Sessions(web.session_hours)
    console = Console(
        front=front, web=web, sessions=sessions, links=links or OneTimeLinks(web.link_hours)
    )
    app = Starlette(
        routes=[
            *auth.ROUTES,
            *pages.ROUTES,
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(TrustedHostMiddleware, allowed_hosts=web.allowed_hosts),
            Middleware(
                SessionMiddleware,
                secret_key=web.session_key,
                session_cookie=COOKIE,
                max_age=web.session_hours * 3600,
                same_site="lax",
                https_only=True,
            ),
        ],
        exception_handlers={SignInNeeded: _sign_in_needed, BadForm: _bad_form},
    )
    app.state.console = console
    app.state.watch = Watch(front, every=watch_every)
    app.state.oauth = auth.oauth_for(web.oidc) if web.oidc else None
    return app
