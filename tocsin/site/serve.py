"""The status site served on loopback, for ``tocsin up`` and for a look before it is copied to
a real web server: Python's HTTP server in a thread, files only (no listing), with the headers
a public page should carry.
"""

from __future__ import annotations

import ipaddress
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from tocsin.i18n import t
from tocsin.site.atomic import SiteError

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


class _Handler(SimpleHTTPRequestHandler):
    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return TYPES.get(Path(path).suffix.lower()) or super().guess_type(path)

    def end_headers(self) -> None:
        for name, value in HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def list_directory(self, path: Any) -> None:
        self.send_error(404)

    def log_message(self, format: str, *args: Any) -> None:
        return


class SiteServer:
    """A running server; ``url`` ends with ``/``. Stop it with ``close`` or ``with``."""

    def __init__(self, folder: Path, host: str, port: int) -> None:
        handler = partial(_Handler, directory=str(folder))
        self._server = ThreadingHTTPServer((host, port), handler)
        bound_port = self._server.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{bound_port}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="tocsin-site", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def serve(folder: Path, *, host: str = "127.0.0.1", port: int = 0) -> SiteServer:
    """Serve ``folder`` (the site's path: its link is followed on each request) on loopback;
    port 0 takes a free one."""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SiteError(t("site.err.not_loopback", host=host))
    return SiteServer(Path(folder), host, port)
