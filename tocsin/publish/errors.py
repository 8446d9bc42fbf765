"""What can go wrong when publishing, in two kinds a Temporal activity maps directly:

- :class:`Retryable`: the platform is busy or down, or the connection dropped (429, 5xx,
  network). Retrying with the same idempotency key is safe. ``retry_after``: the seconds the
  platform asked to wait (``Retry-After``), to become the activity's next retry delay.
- :class:`NotRetryable`: retrying cannot help (401/403 naming the variable or file holding the
  token, a refused input, a drill aimed at a real account). The crisis goes on; the person is
  told and offered the manual task.

Every message is French and English together (:func:`tocsin.i18n.both`), because it may be kept
in a workflow's history, and ``localized`` gives it in one language. No message holds a secret:
they name where a secret comes from, never its value.
"""

from __future__ import annotations

import os
import ssl
import time
from datetime import timedelta
from email.utils import parsedate_to_datetime

from temporalio.exceptions import ApplicationError

from tocsin.i18n import both, text_in

MAX_DETAIL = 300  # what a platform says about an error, cut: it is untrusted text


def code(protocol: str, status: int) -> str:
    """``HTTP 503``, ``SMTP 535``; the protocol alone when no answer came (status 0)."""
    return f"{protocol} {status}" if status else protocol


def network_problem(exc: BaseException) -> str:
    """What went wrong on the wire, in a few words: the certificate's problem, the system's
    words for a refused or reset connection, a timeout; else the error's class. Found along the
    chain of causes, since libraries wrap it (Mastodon.py, requests, urllib3, aiohttp)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return detail(current.verify_message or "certificate")
        if isinstance(current, TimeoutError):
            return "timeout"
        if isinstance(current, OSError) and (current.errno or current.strerror):
            return detail(os.strerror(current.errno) if current.errno else current.strerror)
        for inner in current.args:
            if isinstance(inner, BaseException):
                found = network_problem(inner)
                if found != type(inner).__name__:
                    return found
        current = current.__cause__ or current.__context__
    return type(exc).__name__


def detail(text: object) -> str:
    """A platform's words about an error, on one line and bounded."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= MAX_DETAIL else flat[: MAX_DETAIL - 1] + "…"


class PublishError(Exception):
    """A publication that did not happen; ``account``: the account's name."""

    retryable = False

    def __init__(self, account: str, key: str, /, **values: object) -> None:
        self.account = account
        self.message_key = key
        self.values = {"account": account, **values}
        super().__init__(both(key, **self.values))

    def localized(self, lang: str) -> str:
        return text_in(lang, self.message_key, **self.values)


class Retryable(PublishError):
    retryable = True

    def __init__(
        self, account: str, key: str, /, *, retry_after: float | None = None, **values: object
    ) -> None:
        super().__init__(account, key, **values)
        self.retry_after = retry_after


class NotRetryable(PublishError):
    pass


class BadCredentials(NotRetryable):
    """401 or 403: the token, password or secret was refused; ``source`` says where it comes
    from (``MASTODON_TOKEN``, ``/run/secrets/smtp``)."""

    def __init__(self, account: str, status: int, source: str, protocol: str = "HTTP") -> None:
        super().__init__(
            account, "publish.err.credentials", status=code(protocol, status), source=source
        )
        self.status = status
        self.source = source


class MissingSecret(NotRetryable):
    """The variable is unset or empty, or the file unreadable."""

    def __init__(self, account: str, source: str, key: str, problem: object) -> None:
        super().__init__(account, key, source=source, problem=problem)
        self.source = source


class DrillRefused(NotRetryable):
    """An exercise aimed at an account that reaches the real public."""

    def __init__(self, account: str) -> None:
        super().__init__(account, "publish.err.drill")


class Rejected(NotRetryable):
    """The platform refused the input itself (a 4xx other than 401, 403, 408 and 429)."""

    def __init__(self, account: str, status: int, problem: str, protocol: str = "HTTP") -> None:
        super().__init__(
            account, "publish.err.rejected", status=code(protocol, status), problem=detail(problem)
        )
        self.status = status


class Unavailable(Retryable):
    """The platform is down, busy or unreachable; ``status`` 0 for a network failure."""

    def __init__(
        self,
        account: str,
        status: int,
        problem: str,
        retry_after: float | None = None,
        protocol: str = "HTTP",
    ) -> None:
        key = "publish.err.rate_limited" if status == 429 else "publish.err.unavailable"
        super().__init__(
            account,
            key,
            retry_after=retry_after,
            status=code(protocol, status),
            problem=detail(problem),
            wait=round(retry_after) if retry_after is not None else "-",
        )
        self.status = status


def from_status(
    account: str, status: int, problem: str, source: str, retry_after: float | None = None
) -> PublishError:
    """The error an HTTP answer's status makes: 401/403 bad credentials, 408/429/5xx worth a
    retry, any other 4xx a refused input."""
    if status in (401, 403):
        return BadCredentials(account, status, source)
    if status in (408, 425, 429) or status >= 500:
        return Unavailable(account, status, problem, retry_after)
    return Rejected(account, status, problem)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` in seconds, from its two forms (a number of seconds or an HTTP date);
    None when absent or unreadable. Bounded to a day: a platform's answer is untrusted."""
    if not value:
        return None
    value = value.strip()
    seconds: float | None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            moment = parsedate_to_datetime(value).timestamp()
            seconds = moment - (now if now is not None else time.time())
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return min(max(seconds, 0.0), 86_400.0)


def as_application_error(error: PublishError) -> ApplicationError:
    """The error as a publishing activity raises it: its type is the class's name (what a
    workflow tells apart), its details the message key and values (to say it again in another
    language), not retried when retrying cannot help, and a platform's ``Retry-After`` as the
    next retry's delay."""
    delay = getattr(error, "retry_after", None)
    return ApplicationError(
        str(error),
        {"key": error.message_key, "values": {k: str(v) for k, v in error.values.items()}},
        type=type(error).__name__,
        non_retryable=not error.retryable,
        next_retry_delay=timedelta(seconds=delay) if delay else None,
    )
