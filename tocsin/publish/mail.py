"""E-mail to press and partner lists (aiosmtplib): a text part and, when the statement has one,
an HTML part; STARTTLS (or implicit TLS) and AUTH; every recipient in Bcc (no address in the
headers), ``List-Id``, ``Message-ID`` made from the idempotency key, ``In-Reply-To`` and
``References`` for a correction or a retraction.

SMTP has no idempotency. When the connection drops after the server took the message and
before its ``250`` arrives, tocsin cannot know whether the message left, and the retry sends it
again. Both copies carry the same ``Message-ID`` (derived from the crisis, phase, statement,
revision, channel, language and account, never from the attempt), so a list server or a
mailbox that removes duplicates by ``Message-ID`` keeps one; one that does not shows two. That
window is the few milliseconds between the end of DATA and the server's answer.
"""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr

import aiosmtplib
from pydantic import SecretStr

from tocsin.i18n import text_in
from tocsin.publish.accounts import EmailAccount
from tocsin.publish.errors import (
    BadCredentials,
    PublishError,
    Rejected,
    Unavailable,
    network_problem,
)
from tocsin.publish.models import AccountKind, Action, Publication, PublishRequest
from tocsin.publish.ratelimit import LIMITS, Limits

TIMEOUT = 30.0
SUBJECT_CHARS = 120


def domain_of(account: EmailAccount) -> str:
    address = parseaddr(account.from_)[1]
    return address.rpartition("@")[2] or "tocsin.invalid"


def message_id(key: str, account: EmailAccount) -> str:
    return f"<{key}@{domain_of(account)}>"


def _subject(request: PublishRequest) -> str:
    if request.subject:
        subject = request.subject
    else:
        first = request.text.strip().splitlines()[0]
        subject = first if len(first) <= SUBJECT_CHARS else first[: SUBJECT_CHARS - 1] + "…"
    prefixes = []
    if request.exercise:
        prefixes.append(text_in(request.language, "publish.mail.exercise"))
    if request.action is Action.CORRECT:
        prefixes.append(text_in(request.language, "publish.mail.correction"))
    elif request.action is Action.RETRACT:
        prefixes.append(text_in(request.language, "publish.mail.retraction"))
    return " ".join([*prefixes, " ".join(subject.split())])


def build_message(request: PublishRequest, name: str, account: EmailAccount) -> EmailMessage:
    """The message as it is sent; its recipients are the envelope's, not a header's."""
    message = EmailMessage(policy=SMTP)
    message["From"] = account.from_
    message["To"] = "undisclosed-recipients:;"
    message["Subject"] = _subject(request)
    message["Date"] = format_datetime(request.at or datetime.now(UTC))
    message["Message-ID"] = message_id(request.key, account)
    label = f"{name}.{domain_of(account)}"
    message["List-Id"] = f"{account.list_id} <{label}>" if account.list_id else f"<{label}>"
    if request.previous is not None:
        message["In-Reply-To"] = request.previous.remote_id
        message["References"] = request.previous.remote_id
    message.set_content(request.text)
    if request.html:
        message.add_alternative(request.html, subtype="html")
    # After the content: setting it clears every Content-* header.
    message["Content-Language"] = request.language
    if request.statement_url:
        message["Content-Location"] = request.statement_url
    return message


def tls_context(account: EmailAccount) -> ssl.SSLContext:
    context = ssl.create_default_context(
        cafile=str(account.ca_file) if account.ca_file is not None else None
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def smtp_error(name: str, account: EmailAccount, exc: Exception) -> PublishError:
    """What an SMTP failure means for a retry: AUTH refused is for good, a 4xx or a dropped or
    timed-out connection is worth a retry, any other 5xx is a refusal."""
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return BadCredentials(name, exc.code, account.source_name(), protocol="SMTP")
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = exc.recipients[0] if exc.recipients else None
        code = refused.code if refused is not None else 550
        return Rejected(name, code, refused.message if refused else "", protocol="SMTP")
    if isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500:
        return Rejected(name, exc.code, exc.message, protocol="SMTP")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return Unavailable(name, exc.code, exc.message, protocol="SMTP")
    return Unavailable(name, 0, network_problem(exc), protocol="SMTP")


async def publish_email(
    request: PublishRequest,
    account: EmailAccount,
    password: SecretStr | None,
    *,
    limits: Limits = LIMITS,
) -> Publication:
    """One message to every recipient of the account (one token of its bucket)."""
    rate = account.limit()
    await limits.take(request.account, rate.requests, rate.per.total_seconds())
    message = build_message(request, request.account, account)
    try:
        await aiosmtplib.send(
            message,
            recipients=account.to,
            hostname=account.host,
            port=account.port,
            username=account.username,
            password=password.get_secret_value() if password is not None else None,
            use_tls=account.security == "tls",
            start_tls=account.security == "starttls",
            tls_context=tls_context(account) if account.security != "none" else None,
            timeout=TIMEOUT,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise smtp_error(request.account, account, exc) from None
    return Publication(
        remote_id=str(message["Message-ID"]),
        url=request.statement_url,
        published_at=datetime.now(UTC),
        account=request.account,
        kind=AccountKind.EMAIL,
        key=request.key,
        action=request.action,
    )


async def try_login(
    name: str, account: EmailAccount, password: SecretStr | None
) -> tuple[str, PublishError | None]:
    """EHLO, STARTTLS (or TLS) and AUTH, then QUIT, for ``tocsin accounts check``: the last
    step tried and, when it failed, the publisher's error for it."""
    client = aiosmtplib.SMTP(
        hostname=account.host,
        port=account.port,
        use_tls=account.security == "tls",
        start_tls=False,
        tls_context=tls_context(account) if account.security != "none" else None,
        timeout=TIMEOUT,
    )
    step = "connect"
    try:
        await client.connect()
        step = "EHLO"
        await client.ehlo()
        if account.security == "starttls":
            step = "STARTTLS"
            await client.starttls()
        if account.username and password is not None:
            step = "AUTH"
            await client.login(account.username, password.get_secret_value())
        step = "QUIT"
        await client.quit()
    except (aiosmtplib.SMTPException, OSError) as exc:
        return step, smtp_error(name, account, exc)
    finally:
        client.close()
    return step, None
