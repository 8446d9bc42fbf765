"""The e-mail publisher (aiosmtplib) against a real SMTP server in process (aiosmtpd) that
requires STARTTLS before AUTH, with a self-signed certificate made for the test."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from pydantic import SecretStr

from tocsin.models import Channel, PhaseName
from tocsin.publish.accounts import EmailAccount
from tocsin.publish.errors import BadCredentials, Unavailable
from tocsin.publish.mail import publish_email, try_login
from tocsin.publish.models import Action, PublishRequest
from tocsin.publish.ratelimit import Limits
from tocsin.temporal import free_port

USER, PASSWORD = "crise", "mot-de-passe-smtp-7f3a"


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    message: EmailMessage
    tls: bool
    authenticated: bool


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    drop_next: int = 0  # messages taken, then the connection cut before the 250
    logins: int = 0  # AUTH attempts, accepted or not
    down: bool = False  # every MAIL FROM answered 421: the relay out of service

    async def handle_MAIL(  # noqa: N802 (aiosmtpd's hook name)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        options: list[str],
    ) -> str:
        if self.down:
            return "421 4.3.2 Service not available"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(
            Received(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                parsed,
                session.ssl is not None,
                bool(session.authenticated),
            )
        )
        if self.drop_next > 0:
            self.drop_next -= 1
            assert isinstance(server.transport, asyncio.Transport)
            server.transport.abort()
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, _mechanism: str, auth_data: Any
    ) -> AuthResult:
        self.logins += 1
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USER.encode()
            and auth_data.password == PASSWORD.encode()
        )
        return AuthResult(success=ok, handled=False)


@dataclass
class Smtp:
    handler: Handler
    port: int
    cert: Path


@contextlib.contextmanager
def smtp_server(folder: Path) -> Iterator[Smtp]:
    """aiosmtpd on a free loopback port, STARTTLS required before AUTH, with a self-signed
    certificate for 127.0.0.1 made in ``folder`` (the client trusts it through ``ca_file``)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=handler.authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield Smtp(handler, port, cert)
    finally:
        controller.stop()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[Smtp]:
    with smtp_server(tmp_path) as server:
        yield server


def _account(smtp: Smtp, **changes: object) -> EmailAccount:
    values: dict[str, object] = {
        "kind": "email",
        "host": "127.0.0.1",
        "port": smtp.port,
        "username": USER,
        "password_env": "SMTP_PASSWORD",
        "from": "Mairie de Lilas <crise@example.fr>",
        "to": ["presse@example.fr", "prefecture@example.fr"],
        "list_id": "Communiqués de crise",
        "ca_file": str(smtp.cert),
    }
    values.update(changes)
    return EmailAccount.model_validate(values)


def _request(**changes: object) -> PublishRequest:
    values: dict[str, object] = {
        "crisis_id": "crise-eau-2026",
        "phase": PhaseName.EXPLAIN,
        "sequence": 3,
        "revision": 0,
        "channel": Channel.PRESS_RELEASE,
        "language": "fr",
        "account": "presse",
        "text": "Coupure d’eau à Lilas\n\nL’eau revient ce soir à 20 h.",
        "html": "<h1>Coupure d’eau à Lilas</h1><p>L’eau revient ce soir à 20 h.</p>",
        "exercise": False,
        "statement_url": "https://crise.example.fr/crise-eau-2026",
    }
    values.update(changes)
    return PublishRequest.model_validate(values)


async def test_a_statement_goes_to_every_recipient_in_bcc_over_starttls_and_auth(
    smtp: Smtp,
) -> None:
    request = _request()
    publication = await publish_email(request, _account(smtp), SecretStr(PASSWORD), limits=Limits())
    [got] = smtp.handler.received
    assert got.tls
    assert got.authenticated
    assert got.recipients == ["presse@example.fr", "prefecture@example.fr"]
    message = got.message
    headers = "\n".join(f"{k}: {v}" for k, v in message.items())
    assert "presse@example.fr" not in headers
    assert "prefecture@example.fr" not in headers
    assert message["Bcc"] is None
    assert message["Message-ID"] == f"<{request.key}@example.fr>"
    assert publication.remote_id == message["Message-ID"]
    assert message["List-Id"] == "Communiqués de crise <presse.example.fr>"
    assert message["Subject"] == "Coupure d’eau à Lilas"
    assert message["Content-Language"] == "fr"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    assert "L’eau revient ce soir" in text.get_content()
    assert "<h1>Coupure d’eau à Lilas</h1>" in html.get_content()


async def test_a_correction_answers_the_first_message(smtp: Smtp) -> None:
    account = _account(smtp)
    first = await publish_email(_request(), account, SecretStr(PASSWORD), limits=Limits())
    correction = _request(
        revision=1, action=Action.CORRECT, previous=first, text="L’eau revient à 22 h."
    )
    second = await publish_email(correction, account, SecretStr(PASSWORD), limits=Limits())
    message = smtp.handler.received[1].message
    assert message["In-Reply-To"] == first.remote_id
    assert message["References"] == first.remote_id
    assert message["Subject"] == "Correction\u00a0: L’eau revient à 22 h."
    assert second.remote_id != first.remote_id
    drill = await publish_email(
        _request(exercise=True, sequence=9), account, SecretStr(PASSWORD), limits=Limits()
    )
    assert smtp.handler.received[2].message["Subject"].startswith("[EXERCICE] ")
    assert drill.remote_id.startswith("<tocsin-")


async def test_a_refused_password_is_not_retryable_and_names_its_variable(smtp: Smtp) -> None:
    with pytest.raises(BadCredentials) as refused:
        await publish_email(_request(), _account(smtp), SecretStr("wrong"), limits=Limits())
    assert not refused.value.retryable
    assert "SMTP_PASSWORD" in str(refused.value)
    assert "SMTP 535" in str(refused.value)
    assert "wrong" not in str(refused.value)
    assert not smtp.handler.received
    step, error = await try_login("presse", _account(smtp), SecretStr("wrong"))
    assert step == "AUTH"
    assert isinstance(error, BadCredentials)
    assert await try_login("presse", _account(smtp), SecretStr(PASSWORD)) == ("QUIT", None)


async def test_an_untrusted_certificate_is_refused(smtp: Smtp, tmp_path: Path) -> None:
    account = _account(smtp, ca_file=None)  # the system's CAs do not know the test's
    with pytest.raises(Unavailable):
        await publish_email(_request(), account, SecretStr(PASSWORD), limits=Limits())
    step, error = await try_login("presse", account, SecretStr(PASSWORD))
    assert step == "STARTTLS"
    assert isinstance(error, Unavailable)
    assert "certificate" in str(error)
    assert not smtp.handler.received


async def test_a_drop_after_data_is_retried_with_the_same_message_id(smtp: Smtp) -> None:
    """SMTP has no idempotency: a retry after a lost 250 sends again. What tocsin guarantees is
    the same Message-ID, for the receivers that remove duplicates by it (see mail.py)."""
    smtp.handler.drop_next = 1
    request = _request()
    with pytest.raises(Unavailable) as dropped:
        await publish_email(request, _account(smtp), SecretStr(PASSWORD), limits=Limits())
    assert dropped.value.retryable
    again = await publish_email(request, _account(smtp), SecretStr(PASSWORD), limits=Limits())
    ids = [r.message["Message-ID"] for r in smtp.handler.received]
    assert ids == [again.remote_id, again.remote_id]
    assert len({r.message["Date"] for r in smtp.handler.received}) <= 2
