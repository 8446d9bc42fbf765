"""The web console's settings, from the environment (listed in the README), never from YAML.

Without ``TOCSIN_OIDC_ISSUER`` the console has no identity provider: it listens on loopback
only and people sign in with the one-time links ``tocsin up`` / ``tocsin web`` print. With it,
the client id and secret (the secret from ``TOCSIN_OIDC_CLIENT_SECRET_FILE`` or
``TOCSIN_OIDC_CLIENT_SECRET``) are required, and the console may listen beyond loopback.

The session cookies are signed with a key read from ``TOCSIN_WEB_SESSION_KEY_FILE``, else
written once (owner-only) into the data folder: sessions then survive a restart.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from tocsin.config import Settings, whole_number
from tocsin.i18n import t
from tocsin.outbox import make_folder

DEFAULT_PORT = 8090
KEY_BYTES = 32
MIN_SECRET_CHARS = 16  # a session key or client secret shorter than this is a mistake


class WebSettingsError(Exception):
    """A web console setting tocsin cannot use; the message names the variable."""


class Oidc(BaseModel):
    """The identity provider: its issuer URL and the console's client there."""

    model_config = ConfigDict(frozen=True)

    issuer: str
    client_id: str
    client_secret: str

    def __repr__(self) -> str:  # never the secret, in a log or a traceback
        return f"Oidc(issuer={self.issuer!r}, client_id={self.client_id!r})"

    __str__ = __repr__


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1``, ``localhost``: an address only this machine reaches."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class WebSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    public_url: str  # where browsers reach the console: the OIDC redirect is built on it
    oidc: Oidc | None = None
    session_key: str
    session_hours: int = 8  # a session ends this long after its sign-in, whatever happens
    link_hours: int = 12  # a one-time sign-in link is good this long (loopback, no OIDC)

    def __repr__(self) -> str:
        return f"WebSettings(host={self.host!r}, port={self.port}, oidc={self.oidc!r})"

    __str__ = __repr__

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def redirect_uri(self) -> str:
        return self.public_url.rstrip("/") + "/auth/callback"

    @property
    def allowed_hosts(self) -> list[str]:
        """The Host headers the console answers: its public URL's host and the loopback names
        (a page of another site that rebinds its name to this machine gets nothing)."""
        host = urlsplit(self.public_url).hostname or ""
        loopback = ["127.0.0.1", "localhost", "[::1]", "::1"]  # and the health check
        return loopback if is_loopback(host) else [host, *loopback]

    def problems(self) -> list[str]:
        """Why the console must not start as set up: beyond loopback without OIDC."""
        if self.oidc is None and not self.loopback:
            return [t("web.err.no_oidc_beyond_loopback", host=self.host)]
        return []

    @classmethod
    def from_env(cls, settings: Settings, env: Mapping[str, str] | None = None) -> WebSettings:
        env = os.environ if env is None else env
        host = env.get("TOCSIN_WEB_HOST", "").strip() or "127.0.0.1"
        port = whole_number(env, "TOCSIN_WEB_PORT", DEFAULT_PORT, 0, 65535)
        oidc = _oidc(env)
        if oidc is None and not is_loopback(host):
            raise WebSettingsError(t("web.err.no_oidc_beyond_loopback", host=host[:100]))
        shown = f"[{host}]" if ":" in host else host
        public_url = env.get("TOCSIN_WEB_URL", "").strip() or f"http://{shown}:{port}"
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise WebSettingsError(t("web.err.bad_url", value=public_url[:200]))
        if parts.scheme == "http" and not is_loopback(parts.hostname):
            raise WebSettingsError(t("web.err.url_not_https", value=public_url[:200]))
        return cls(
            host=host,
            port=port,
            public_url=public_url.rstrip("/"),
            oidc=oidc,
            session_key=_session_key(env, settings.data_dir),
            session_hours=whole_number(env, "TOCSIN_WEB_SESSION_HOURS", 8, 1, 24),
            link_hours=whole_number(env, "TOCSIN_WEB_LINK_HOURS", 12, 1, 72),
        )


def _secret(env: Mapping[str, str], name: str) -> str:
    """``NAME_FILE``'s content (a secrets file, as compose mounts them), else ``NAME``."""
    file = env.get(f"{name}_FILE", "").strip()
    if file:
        try:
            return Path(file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise WebSettingsError(
                t("web.err.secret_file", name=f"{name}_FILE", problem=exc.strerror or exc)
            ) from None
    return env.get(name, "").strip()


def _oidc(env: Mapping[str, str]) -> Oidc | None:
    issuer = env.get("TOCSIN_OIDC_ISSUER", "").strip().rstrip("/")
    if not issuer:
        return None
    parts = urlsplit(issuer)
    local = parts.scheme == "http" and is_loopback(parts.hostname or "")
    if parts.scheme != "https" and not local:
        raise WebSettingsError(t("web.err.issuer", value=issuer[:200]))
    client_id = env.get("TOCSIN_OIDC_CLIENT_ID", "").strip()
    secret = _secret(env, "TOCSIN_OIDC_CLIENT_SECRET")
    missing = [
        name
        for name, value in (
            ("TOCSIN_OIDC_CLIENT_ID", client_id),
            ("TOCSIN_OIDC_CLIENT_SECRET", secret),
        )
        if not value
    ]
    if missing:
        raise WebSettingsError(t("web.err.oidc_missing", names=", ".join(missing)))
    return Oidc(issuer=issuer, client_id=client_id, client_secret=secret)


def _session_key(env: Mapping[str, str], data_dir: Path) -> str:
    given = _secret(env, "TOCSIN_WEB_SESSION_KEY")
    if given:
        if len(given) < MIN_SECRET_CHARS:
            raise WebSettingsError(t("web.err.short_key", chars=MIN_SECRET_CHARS))
        return given
    file = data_dir / "web-session.key"
    if file.is_file():
        return file.read_text(encoding="utf-8").strip()
    make_folder(data_dir)
    key = secrets.token_urlsafe(KEY_BYTES)
    try:
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process wrote it meanwhile
        return file.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(key + "\n")
    return key
