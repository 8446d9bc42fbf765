"""Signing in and out.

With an identity provider: OpenID Connect's authorization code flow with PKCE (S256) and a
nonce, through authlib; the ID token is checked (signature, issuer, audience, nonce, times) and
the userinfo endpoint read for the e-mail address and whether it is verified. Without one: a
one-time link printed by ``tocsin up`` / ``tocsin web``, good once, from loopback only.

Either way the identity must be a person of a playbook of the library, or no session is opened.
"""

from __future__ import annotations

from typing import Any

import structlog
from authlib.integrations.base_client import OAuthError
from authlib.integrations.starlette_client import OAuth
from httpx2 import HTTPError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from tocsin.web.console import Console
from tocsin.web.identity import Identity, from_claims, person_in
from tocsin.web.playbooks import parsed_playbooks
from tocsin.web.settings import Oidc, is_loopback

log = structlog.get_logger("tocsin.web")

PROVIDER = "provider"


def oauth_for(oidc: Oidc) -> OAuth:
    oauth = OAuth()
    oauth.register(
        PROVIDER,
        client_id=oidc.client_id,
        client_secret=oidc.client_secret,
        server_metadata_url=f"{oidc.issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "timeout": 10.0,
        },
    )
    return oauth


def _console(request: Request) -> Console:
    found: Console = request.app.state.console
    return found


def known(console: Console, who: Identity) -> bool:
    """Whether ``who`` is a person of one of the library's playbooks."""
    issuer = console.web.oidc.issuer if console.web.oidc else None
    return any(
        person_in(loaded.playbook.people, who, issuer) is not None
        for loaded in parsed_playbooks(console.front.library)
    )


def _open(console: Console, request: Request, who: Identity, how: str) -> Response:
    words = console.words(request)
    if not known(console, who):
        log.warning("web.sign_in_refused", issuer=who.issuer, subject=who.subject, how=how)
        return console.message(
            request, words("web.refused_title"), words("web.not_a_person"), status=403
        )
    console.sessions.sign_in(request, who)
    log.info("web.signed_in", issuer=who.issuer, subject=who.subject, how=how)
    return RedirectResponse("/", status_code=303)


async def sign_in_page(request: Request) -> Response:
    console = _console(request)
    if console.sessions.who(request) is not None:
        return RedirectResponse("/", status_code=303)
    return console.render(request, "login.html.j2", oidc=console.web.oidc is not None)


async def oidc_login(request: Request) -> Response:
    console = _console(request)
    oauth: OAuth | None = request.app.state.oauth
    if oauth is None:
        return RedirectResponse("/entrer", status_code=303)
    client: Any = oauth.create_client(PROVIDER)
    try:
        redirect: Response = await client.authorize_redirect(request, console.web.redirect_uri)
    except (OAuthError, HTTPError, ValueError) as exc:
        log.warning("web.provider_unreachable", error=type(exc).__name__)
        words = console.words(request)
        return console.message(
            request, words("web.sign_in_failed"), words("web.provider_down"), status=502
        )
    return redirect


async def oidc_callback(request: Request) -> Response:
    console = _console(request)
    oauth: OAuth | None = request.app.state.oauth
    words = console.words(request)
    if oauth is None or console.web.oidc is None:
        return console.message(request, words("web.sign_in_failed"), "", status=404)
    client: Any = oauth.create_client(PROVIDER)
    try:
        token = await client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        more = await client.userinfo(token=token)
    except (OAuthError, HTTPError, ValueError, KeyError) as exc:
        log.warning("web.sign_in_failed", error=type(exc).__name__)
        return console.message(
            request,
            words("web.sign_in_failed"),
            words("web.sign_in_again"),
            status=400,
            link=("/auth/login", words("web.sign_in_button")),
        )
    if more.get("sub") == claims.get("sub"):  # the userinfo is the ID token's person's
        claims.update({k: v for k, v in more.items() if k in ("email", "email_verified", "name")})
    who = from_claims(console.web.oidc.issuer, claims)
    if who is None:
        return console.message(request, words("web.sign_in_failed"), "", status=400)
    return _open(console, request, who, "oidc")


async def one_time_link(request: Request) -> Response:
    console = _console(request)
    words = console.words(request)
    client = request.client.host if request.client else ""
    if console.web.oidc is not None or not is_loopback(client):
        return console.message(
            request, words("web.refused_title"), words("web.link_loopback"), status=403
        )
    who = console.links.use(request.path_params["token"])
    if who is None:
        return console.message(
            request, words("web.refused_title"), words("web.link_used"), status=403
        )
    return _open(console, request, who, "link")


async def sign_out(request: Request) -> Response:
    console = _console(request)
    await console.form(request)
    console.sessions.sign_out(request)
    return RedirectResponse("/entrer", status_code=303)


ROUTES = [
    Route("/entrer", sign_in_page),
    Route("/auth/login", oidc_login),
    Route("/auth/callback", oidc_callback),
    Route("/lien/{token}", one_time_link),
    Route("/sortir", sign_out, methods=["POST"]),
]
