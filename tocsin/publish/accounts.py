"""The organisation's publishing accounts (``TOCSIN_ACCOUNTS``, YAML), checked as a playbook is:
every problem at its file, line and column.

A secret is never in the file: an account names the environment variable (``token_env``) or the
file (``token_file``, relative to the accounts file) that holds it, and the value is read only
when used, as a :class:`pydantic.SecretStr` that no repr, log or error shows. A channel without
an account keeps the outbox. An exercise publishes only to ``exercise: true`` accounts.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, TypeAdapter, ValidationError, model_validator

from tocsin.durations import Duration
from tocsin.i18n import t
from tocsin.matrix.settings import ROOM_ID, USER_ID
from tocsin.models.base import Channel, Identifier, Strict
from tocsin.playbook.reading import Problem, problem
from tocsin.playbook.reading import _pydantic_message as pydantic_message
from tocsin.playbook.reading import _readable_errors as readable_errors
from tocsin.publish.errors import DrillRefused, MissingSecret, NotRetryable
from tocsin.publish.models import AccountKind, Url
from tocsin.yamlsource import YamlDocument, YamlSyntaxError, load_yaml

ENV_VARIABLE = "TOCSIN_ACCOUNTS"
EnvName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
# Keys that would hold a secret in the file itself: refused, with the way to do it instead.
SECRET_LITERALS = frozenset(
    {"token", "password", "secret", "access_token", "api_key", "app_password", "passwd"}
)
MAX_SECRET_BYTES = 64 * 1024
MAX_RECIPIENTS = 1_000
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
_ADDRESS = re.compile(r"^[^@\s<>\",;]{1,64}@[A-Za-z0-9.-]{1,253}$")


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _https_unless_loopback(url: str) -> str:
    """A credential never crosses the network in clear: http only to this machine."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValueError(t("accounts.err.userinfo"))
    if parts.scheme != "https" and not is_loopback(parts.hostname or ""):
        raise ValueError(t("accounts.err.https", url=url))
    return url.rstrip("/")


SecureUrl = Annotated[Url, AfterValidator(_https_unless_loopback)]


class Rate(Strict):
    """How many requests (or points) an account may spend in a window: a token bucket."""

    requests: int = Field(ge=1, le=1_000_000)
    per: Duration

    @model_validator(mode="after")
    def _window(self) -> Rate:
        if not timedelta(seconds=1) <= self.per <= timedelta(days=1):
            raise ValueError(t("accounts.err.rate_window"))
        return self


class AccountBase(Strict):
    """What every account has. ``secret_field``: the stem of its secret's keys (``token`` for
    ``token_env`` and ``token_file``), empty when it needs none."""

    secret_field: ClassVar[str] = ""
    secret_required: ClassVar[bool] = True
    default_rate: ClassVar[Rate]

    exercise: bool = False
    rate: Rate | None = None

    def secret_source(self) -> tuple[str | None, Path | None]:
        """The variable or the file that holds the secret (none for a kind without one)."""
        return None, None

    def source_name(self) -> str:
        """Where the secret comes from, for messages: the variable or the file, never the value."""
        env_name, file = self.secret_source()
        return env_name or (str(file) if file else "-")

    @model_validator(mode="after")
    def _one_secret_source(self) -> AccountBase:
        if not self.secret_field:
            return self
        env_name, file = self.secret_source()
        stem = self.secret_field
        if env_name and file:
            raise ValueError(t("accounts.err.two_sources", env=f"{stem}_env", file=f"{stem}_file"))
        if self.secret_required and not env_name and not file:
            raise ValueError(t("accounts.err.no_source", env=f"{stem}_env", file=f"{stem}_file"))
        return self

    def limit(self) -> Rate:
        return self.rate or self.default_rate


class MastodonAccount(AccountBase):
    secret_field: ClassVar[str] = "token"
    # Mastodon's published limit: 300 requests per 5 minutes per account.
    default_rate: ClassVar[Rate] = Rate(requests=300, per=timedelta(minutes=5))
    kind: Literal["mastodon"]
    url: SecureUrl
    token_env: EnvName | None = None
    token_file: Path | None = None

    def secret_source(self) -> tuple[str | None, Path | None]:
        return self.token_env, self.token_file


class BlueskyAccount(AccountBase):
    """An account on a PDS (``url``), posting with an app password; ``web``: where the public
    opens a post (``<web>/profile/<handle>/post/<rkey>``)."""

    secret_field: ClassVar[str] = "password"
    # Bluesky's published limit: 5,000 points an hour, a create costing 3.
    default_rate: ClassVar[Rate] = Rate(requests=5_000, per=timedelta(hours=1))
    kind: Literal["bluesky"]
    url: SecureUrl
    handle: str = Field(min_length=3, max_length=253, pattern=r"^[A-Za-z0-9.-]+$")
    web: Url = "https://bsky.app"
    password_env: EnvName | None = None
    password_file: Path | None = None

    def secret_source(self) -> tuple[str | None, Path | None]:
        return self.password_env, self.password_file


class EmailAccount(AccountBase):
    secret_field: ClassVar[str] = "password"
    secret_required: ClassVar[bool] = False  # no username: a relay that needs no AUTH
    default_rate: ClassVar[Rate] = Rate(requests=30, per=timedelta(minutes=1))
    kind: Literal["email"]
    host: str = Field(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.:\[\]-]+$")
    port: int = Field(default=587, ge=1, le=65535)
    # starttls: port 587's upgrade; tls: implicit TLS (465); none: only to this machine.
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = Field(default=None, min_length=1, max_length=320)
    password_env: EnvName | None = None
    password_file: Path | None = None

    def secret_source(self) -> tuple[str | None, Path | None]:
        return self.password_env, self.password_file

    from_: str = Field(alias="from", min_length=3, max_length=400)
    to: list[Annotated[str, Field(pattern=_ADDRESS.pattern)]] = Field(
        min_length=1, max_length=MAX_RECIPIENTS
    )
    # The List-Id header; by default "<account>.<domain of from>" made by the publisher.
    list_id: str | None = Field(default=None, max_length=200, pattern=r"^[^\r\n<>]+$")
    # The CA bundle that signs the server's certificate, when it is not a public CA (tests).
    ca_file: Path | None = None

    model_config = Strict.model_config | {"populate_by_name": True}

    @model_validator(mode="after")
    def _auth(self) -> EmailAccount:
        env_name, file = self.secret_source()
        if (env_name or file) and not self.username:
            raise ValueError(t("accounts.err.password_without_user"))
        if self.username and not (env_name or file):
            raise ValueError(t("accounts.err.no_source", env="password_env", file="password_file"))
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError(t("accounts.err.smtp_clear", host=self.host))
        if "\r" in self.from_ or "\n" in self.from_ or "@" not in self.from_:
            raise ValueError(t("accounts.err.from", value=self.from_[:80]))
        return self


class WebhookAccount(AccountBase):
    secret_field: ClassVar[str] = "secret"
    default_rate: ClassVar[Rate] = Rate(requests=60, per=timedelta(minutes=1))
    kind: Literal["webhook"]
    url: SecureUrl
    secret_env: EnvName | None = None
    secret_file: Path | None = None

    def secret_source(self) -> tuple[str | None, Path | None]:
        return self.secret_env, self.secret_file


class StatusSiteAccount(AccountBase):
    """The public status site: ``path``, the folder (a link to its current version) a web
    server serves at ``base_url``; tocsin/publish/statussite.py writes it."""

    default_rate: ClassVar[Rate] = Rate(requests=600, per=timedelta(minutes=1))
    kind: Literal["status_site"]
    path: Path
    base_url: Url


class MatrixAccount(AccountBase):
    """A public Matrix room (``room``, its id) where the bot account ``user_id`` of
    ``homeserver`` posts each statement (tocsin/publish/matrix.py)."""

    secret_field: ClassVar[str] = "token"
    # Synapse's default for messages: 0.2 a second, bursts of 10.
    default_rate: ClassVar[Rate] = Rate(requests=10, per=timedelta(seconds=50))
    kind: Literal["matrix"]
    homeserver: SecureUrl
    user_id: str = Field(pattern=USER_ID.pattern, max_length=255)
    room: str = Field(pattern=ROOM_ID.pattern, max_length=255)
    token_env: EnvName | None = None
    token_file: Path | None = None

    def secret_source(self) -> tuple[str | None, Path | None]:
        return self.token_env, self.token_file


Account = Annotated[
    MastodonAccount
    | BlueskyAccount
    | EmailAccount
    | WebhookAccount
    | StatusSiteAccount
    | MatrixAccount,
    Field(discriminator="kind"),
]


class AccountsFile(Strict):
    accounts: dict[Identifier, Account] = Field(default_factory=dict, max_length=500)
    channels: dict[Channel, list[Identifier]] = Field(default_factory=dict)


_FILE = TypeAdapter(AccountsFile)


@dataclass(frozen=True)
class Resolution:
    """Where one channel's statement goes for a crisis or a drill. ``accounts``: the names to
    publish to; ``left_out``: real accounts of the channel a drill does not touch; no account
    means the outbox."""

    accounts: list[str]
    left_out: list[str] = field(default_factory=list)

    @property
    def outbox(self) -> bool:
        return not self.accounts


@dataclass(frozen=True)
class Accounts:
    """The loaded file (or none: every channel keeps the outbox)."""

    file: Path | None = None
    accounts: Mapping[str, AccountBase] = field(default_factory=dict)
    channels: Mapping[Channel, list[str]] = field(default_factory=dict)

    def for_channel(self, channel: Channel, exercise: bool) -> Resolution:
        """The accounts a statement on ``channel`` goes to: for a real crisis the real accounts,
        for a drill the ``exercise: true`` ones only; none: the outbox."""
        names = self.channels.get(channel, [])
        chosen = [n for n in names if self.accounts[n].exercise == exercise]
        left_out = [n for n in names if exercise and not self.accounts[n].exercise]
        return Resolution(chosen, left_out)

    def kind(self, name: str) -> AccountKind:
        return AccountKind(str(getattr(self.accounts[name], "kind", "")))

    def account_for(self, name: str, exercise: bool) -> AccountBase:
        """The account ``name``, refused for a drill when it reaches the real public (and for a
        real crisis when it is a drill account, where the public would not see it)."""
        account = self.accounts.get(name)
        if account is None:
            raise NotRetryable(name, "publish.err.unknown_account")
        if exercise and not account.exercise:
            raise DrillRefused(name)
        if not exercise and account.exercise:
            raise NotRetryable(name, "publish.err.drill_account")
        return account


class AccountsError(Exception):
    """An accounts file that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _problems(doc: YamlDocument, exc: ValidationError) -> list[Problem]:
    """pydantic's errors at their lines, as a playbook's are said; the union's tag left out of
    the place (``accounts.presse.email.port`` is ``accounts.presse.port``)."""
    kinds = {k.value for k in AccountKind}
    found: list[Problem] = []
    for error in readable_errors(exc):
        loc = tuple(error["loc"])
        if len(loc) > 2 and loc[0] == "accounts" and loc[2] in kinds:
            loc = (*loc[:2], *loc[3:])
        found.append(problem(doc, loc, pydantic_message({**error, "loc": loc})))
    return found


def parse_accounts(doc: YamlDocument) -> Accounts:
    problems: list[Problem] = [
        Problem(doc.file, pos.line, pos.column, t("accounts.err.duplicate", key=key))
        for key, pos in doc.duplicate_keys
    ]
    data: Any = doc.data
    if not isinstance(data, dict):
        raise AccountsError([problem(doc, (), t("accounts.err.mapping"))])
    accounts = data.get("accounts")
    cleaned = dict(data)
    if isinstance(accounts, dict):
        kept: dict[Any, Any] = {}
        for name, spec in accounts.items():
            if isinstance(spec, dict):
                for key in spec:
                    if str(key) in SECRET_LITERALS:
                        problems.append(
                            problem(
                                doc,
                                ("accounts", name, key),
                                t("accounts.err.literal_secret", key=key, account=name),
                            )
                        )
                spec = {k: v for k, v in spec.items() if str(k) not in SECRET_LITERALS}
            kept[name] = spec
        cleaned["accounts"] = kept
    try:
        parsed = _FILE.validate_python(cleaned)
    except ValidationError as exc:
        problems.extend(_problems(doc, exc))
        raise AccountsError(problems) from None
    for channel, names in parsed.channels.items():
        seen: set[str] = set()
        for index, name in enumerate(names):
            where = ("channels", channel.value, index)
            if name not in parsed.accounts:
                known = ", ".join(sorted(parsed.accounts)) or "-"
                problems.append(
                    problem(doc, where, t("accounts.err.unknown", name=name, known=known))
                )
            elif name in seen:
                problems.append(problem(doc, where, t("accounts.err.twice", name=name)))
            seen.add(name)
    if problems:
        raise AccountsError(problems)
    folder = doc.file.parent
    resolved: dict[str, AccountBase] = {}
    for name, account in parsed.accounts.items():
        updates: dict[str, Path] = {}
        for key in ("token_file", "password_file", "secret_file", "ca_file"):
            value = getattr(account, key, None)
            if isinstance(value, Path) and not value.is_absolute():
                updates[key] = folder / value.expanduser()
        resolved[name] = account.model_copy(update=updates) if updates else account
    return Accounts(doc.file, resolved, dict(parsed.channels))


def load_accounts(file: Path) -> Accounts:
    """The accounts file, or :class:`AccountsError` naming each problem's line."""
    try:
        doc = load_yaml(file)
    except YamlSyntaxError as exc:
        raise AccountsError([Problem(file, exc.line, exc.column, exc.problem)]) from None
    except OSError as exc:
        raise AccountsError(
            [Problem(file, 1, 1, t("accounts.err.unreadable", problem=exc.strerror or exc))]
        ) from None
    return parse_accounts(doc)


def accounts_from_env(env: Mapping[str, str] | None = None) -> Accounts:
    """The file ``TOCSIN_ACCOUNTS`` names; without it, no account (every channel: the outbox)."""
    env = os.environ if env is None else env
    value = env.get(ENV_VARIABLE, "").strip()
    return load_accounts(Path(value).expanduser()) if value else Accounts()


def read_secret(
    name: str, account: AccountBase, env: Mapping[str, str] | None = None
) -> SecretStr | None:
    """The account's secret, read now from its variable or file; None when it needs none."""
    env = os.environ if env is None else env
    env_name, file = account.secret_source()
    if env_name:
        value = env.get(env_name, "")
        if not value.strip():
            raise MissingSecret(name, env_name, "publish.err.secret_env", problem="")
        return SecretStr(value.strip())
    if file is None:
        return None
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_SECRET_BYTES + 1)
    except OSError as exc:
        raise MissingSecret(
            name, str(file), "publish.err.secret_file", problem=exc.strerror
        ) from None
    if len(raw) > MAX_SECRET_BYTES:
        raise MissingSecret(name, str(file), "publish.err.secret_file", problem="> 64 KiB")
    try:
        value = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise MissingSecret(name, str(file), "publish.err.secret_file", problem="UTF-8") from None
    if not value:
        raise MissingSecret(name, str(file), "publish.err.secret_file", problem="∅")
    return SecretStr(value)
