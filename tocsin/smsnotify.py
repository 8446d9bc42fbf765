"""Escalations by SMS, through the organisation's SMS gateway: when a phase's approval says so
(``sms_escalation: true``), an escalation also reaches the next approvers' ``phone`` as one
Standard Webhooks request (``notice.escalation``) to the webhook account
``TOCSIN_SMS_NOTICE_ACCOUNT`` names, signed as publications are (tocsin/publish/webhook.py),
with the notice's key as its ``webhook-id``: a gateway that removes duplicates by id sends one
SMS whatever the retries, and the notify activity sends it only while no mark of an earlier
sending is on disk.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import SecretStr

from tocsin.i18n import t
from tocsin.mailnotify import console_link, notice_account
from tocsin.models import NotifyRequest
from tocsin.publish.accounts import Accounts, WebhookAccount, read_secret
from tocsin.publish.webhook import deliver, secret_key

ACCOUNT_VARIABLE = "TOCSIN_SMS_NOTICE_ACCOUNT"
SMS_CHARS = 300  # two segments at most, a link included


@dataclass(frozen=True)
class SmsNotifier:
    name: str
    account: WebhookAccount
    secret: SecretStr
    console_url: str = ""

    def wanted(self, request: NotifyRequest) -> bool:
        return bool(request.recipient_phones)

    def text(self, request: NotifyRequest) -> str:
        drill = f"{t('slack.exercise')} – " if request.exercise else ""
        first = " ".join(request.message.splitlines()[0].split()) if request.message else ""
        url = console_link(self.console_url, request.crisis_id)
        link = f" {url}" if url else ""
        room = SMS_CHARS - len(link) - len(drill)
        said = first if len(first) <= room else first[: room - 1] + "…"
        return f"{drill}{said}{link}"

    async def send(self, request: NotifyRequest) -> str:
        """The gateway's request; the webhook-id it carried."""
        message_id = f"notice-{request.idempotency_key}"
        payload = {
            "type": "notice.escalation",
            "timestamp": (request.made_at or datetime.now(UTC)).isoformat(),
            "data": {
                "crisis": request.crisis_id,
                "to": request.recipient_phones,
                "text": self.text(request),
                "exercise": request.exercise,
            },
        }
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        key = secret_key(self.name, self.account, self.secret)
        await deliver(self.name, self.account, key, message_id, data)
        return message_id


def sms_notifier(accounts: Accounts, env: Mapping[str, str] | None = None) -> SmsNotifier | None:
    """The SMS notifier TOCSIN_SMS_NOTICE_ACCOUNT asks for; None without it."""
    env = os.environ if env is None else env
    found = notice_account(accounts, env, ACCOUNT_VARIABLE, WebhookAccount)
    if found is None:
        return None
    name, account = found
    secret = read_secret(name, account, env)
    assert secret is not None  # a webhook account needs its secret (checked at load)
    return SmsNotifier(name, account, secret, env.get("TOCSIN_CONSOLE_URL", "").strip())
