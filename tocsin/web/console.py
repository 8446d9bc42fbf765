"""What every route of the console reaches: the front, the sessions, the one-time links, the
pages' templates, and the person's words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from tocsin.web.front import WebFront
from tocsin.web.identity import Identity, OneTimeLinks
from tocsin.web.session import Sessions, csrf_ok, csrf_token
from tocsin.web.settings import WebSettings
from tocsin.web.words import CONSOLE_LANGUAGES, Words, negotiate

HERE = Path(__file__).resolve().parent
MAX_FORM_BYTES = 512 * 1024  # every text of a draft edited at its cap, with room to spare

PAGES = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=True,  # every template, whatever its name: people's input is escaped
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


class SignInNeeded(Exception):
    """A page that needs a signed-in person, asked by nobody (or an expired session)."""


class BadForm(Exception):
    """A form without the session's CSRF token, or from another origin."""


@dataclass
class Console:
    front: WebFront
    web: WebSettings
    sessions: Sessions
    links: OneTimeLinks

    def words(self, request: HTTPConnection) -> Words:
        """The person's words: ``?lang=en`` on any page chooses, for the session."""
        asked = request.query_params.get("lang")
        if asked in CONSOLE_LANGUAGES:
            request.session["lang"] = asked
        chosen = request.session.get("lang")
        return Words(negotiate(chosen, request.headers.get("accept-language", "")))

    def who(self, request: HTTPConnection) -> Identity:
        found = self.sessions.who(request)
        if found is None:
            raise SignInNeeded
        return found

    async def form(self, request: Request) -> dict[str, str]:
        """The posted form's text fields, once its CSRF token is checked (``BadForm``)."""
        length = request.headers.get("content-length", "")
        if not length.isdigit() or int(length) > MAX_FORM_BYTES:
            raise BadForm  # browsers say how long a form is; none of ours is longer
        form = await request.form(max_files=0, max_fields=200, max_part_size=64 * 1024)
        if not csrf_ok(request, form, self.web.public_url):
            raise BadForm
        return {k: v for k, v in form.items() if isinstance(v, str)}

    def render(
        self, request: HTTPConnection, template: str, *, status: int = 200, **context: Any
    ) -> HTMLResponse:
        words = self.words(request)
        who = self.sessions.who(request)
        flash = request.session.pop("flash", None)
        page = PAGES.get_template(template).render(
            w=words,
            who=who,
            csrf=csrf_token(request) if who is not None else "",
            flash=flash if isinstance(flash, str) else "",
            error=context.pop("error", ""),
            here=context.pop("here", ""),
            values=context.pop("values", {}),
            **context,
        )
        return HTMLResponse(page, status_code=status)

    def message(
        self,
        request: HTTPConnection,
        heading: str,
        text: str,
        *,
        status: int,
        link: tuple[str, str] | None = None,
    ) -> HTMLResponse:
        return self.render(
            request,
            "message.html.j2",
            status=status,
            heading=heading,
            text=text,
            link={"href": link[0], "label": link[1]} if link else None,
        )

    @staticmethod
    def back(request: HTTPConnection, path: str, flash: str = "") -> Response:
        """After a form: to ``path`` (303, so that a reload does not post again)."""
        if flash:
            request.session["flash"] = flash[:500]
        return RedirectResponse(path, status_code=303)
