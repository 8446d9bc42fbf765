"""Notices by e-mail, for people who are not on Slack: the approval requests, reminders,
escalations, missed deadlines, changes asked and manual tasks reach each person told who has an
``email`` in the playbook, through an e-mail account of the accounts file
(``TOCSIN_NOTICE_ACCOUNT``), with a link to the crisis's page in the web console
(``TOCSIN_CONSOLE_URL``) and the texts that wait.

One notice, one e-mail: the message's ``Message-ID`` comes from the notice's idempotency key,
and the notify activity sends it only while no mark of an earlier sending is on disk
(activities/crisis.py). SMTP has no idempotency of its own: a connection dropped between the
server's acceptance and its answer sends it again, with the same ``Message-ID``
(tocsin/publish/mail.py says the same for publications).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import TypeVar

import aiosmtplib
from pydantic import SecretStr

from tocsin.i18n import t
from tocsin.models import NotifyKind, NotifyRequest
from tocsin.publish.accounts import AccountBase, Accounts, EmailAccount, read_secret
from tocsin.publish.mail import TIMEOUT, domain_of, smtp_error, tls_context
from tocsin.slack.words import text_name

ACCOUNT_VARIABLE = "TOCSIN_NOTICE_ACCOUNT"
CONSOLE_VARIABLE = "TOCSIN_CONSOLE_URL"
# What asks something of a person, or tells them they are late: worth an e-mail.
MAILED = frozenset(
    {
        NotifyKind.APPROVAL_REQUESTED,
        NotifyKind.REMINDER,
        NotifyKind.ESCALATION,
        NotifyKind.DEADLINE_MISSED,
        NotifyKind.CHANGES_REQUESTED,
        NotifyKind.TASK,
    }
)
MAX_TEXT = 2_000  # characters of one statement text in the e-mail
MAX_BODY = 40_000


class NoticeAccountError(Exception):
    """A notice setting (``variable``: TOCSIN_NOTICE_ACCOUNT, TOCSIN_SMS_NOTICE_ACCOUNT) names
    no account of the kind it needs in the accounts file; ``known``: those of that kind."""

    def __init__(self, variable: str, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.variable, self.name, self.known = variable, name, known


A = TypeVar("A", bound=AccountBase)


def notice_account(
    accounts: Accounts, env: Mapping[str, str], variable: str, kind: type[A]
) -> tuple[str, A] | None:
    """The account of ``kind`` the setting ``variable`` names; None when it names none."""
    name = env.get(variable, "").strip()
    if not name:
        return None
    account = accounts.accounts.get(name)
    if not isinstance(account, kind):
        known = sorted(n for n, a in accounts.accounts.items() if isinstance(a, kind))
        raise NoticeAccountError(variable, name, known)
    return name, account


def console_link(console_url: str, crisis_id: str) -> str:
    """The crisis's page in the web console; empty without the console's address."""
    return f"{console_url.rstrip('/')}/crises/{crisis_id}" if console_url else ""


@dataclass(frozen=True)
class MailNotifier:
    name: str
    account: EmailAccount
    password: SecretStr | None
    console_url: str = ""

    def wanted(self, request: NotifyRequest) -> bool:
        return request.kind in MAILED and bool(request.recipient_emails)

    def message(self, request: NotifyRequest) -> EmailMessage:
        drill = f"{t('slack.exercise')} – " if request.exercise else ""
        message = EmailMessage(policy=SMTP)
        message["From"] = self.account.from_
        message["To"] = ", ".join(request.recipient_emails)
        subject = " ".join(f"{drill}{request.message.splitlines()[0]}".split())
        message["Subject"] = subject[:200]
        message["Date"] = format_datetime(request.made_at or datetime.now(UTC))
        message["Message-ID"] = f"<notice-{request.idempotency_key}@{domain_of(self.account)}>"
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(self.body(request))
        return message

    def body(self, request: NotifyRequest) -> str:
        lines = [request.message.strip(), ""]
        if url := console_link(self.console_url, request.crisis_id):
            lines += [t("mail.notice.open", url=url), ""]
        if request.draft is not None and request.kind is not NotifyKind.TASK:
            lines.append(t("mail.notice.texts", revision=request.draft.revision))
            for item in request.draft.texts:
                text = item.text.strip()
                text = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
                lines += ["", f"— {text_name(item.channel, item.language)}", text]
            lines.append("")
        if request.revision is not None:
            lines.append(t("mail.notice.cli", crisis=request.crisis_id, revision=request.revision))
        return "\n".join(lines)[:MAX_BODY]

    async def send(self, request: NotifyRequest) -> str:
        """Send the notice's e-mail; its Message-ID."""
        message = self.message(request)
        try:
            await aiosmtplib.send(
                message,
                recipients=request.recipient_emails,
                hostname=self.account.host,
                port=self.account.port,
                username=self.account.username,
                password=self.password.get_secret_value() if self.password else None,
                use_tls=self.account.security == "tls",
                start_tls=self.account.security == "starttls",
                tls_context=tls_context(self.account) if self.account.security != "none" else None,
                timeout=TIMEOUT,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise smtp_error(self.name, self.account, exc) from None
        return str(message["Message-ID"])


def mail_notifier(accounts: Accounts, env: Mapping[str, str] | None = None) -> MailNotifier | None:
    """The e-mail notifier TOCSIN_NOTICE_ACCOUNT asks for; None without it."""
    env = os.environ if env is None else env
    found = notice_account(accounts, env, ACCOUNT_VARIABLE, EmailAccount)
    if found is None:
        return None
    name, account = found
    return MailNotifier(
        name=name,
        account=account,
        password=read_secret(name, account, env),
        console_url=env.get(CONSOLE_VARIABLE, "").strip(),
    )
