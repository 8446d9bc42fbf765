"""The public status site as an account (``kind: status_site``): each request adds or changes
its crisis's statement in a small store beside the site, then the whole site is regenerated
atomically from the store (:mod:`tocsin.site`).

The store: one JSON file per crisis in ``.<name>-tocsin/crises/`` beside the site's ``path``
(``/var/www/.crise-tocsin/`` for ``/var/www/crise``). It is never served: the site's ``path`` is
a link to the generated version only, and the folder and its files are owner-only. Each file is
written whole to a temporary name, synced and renamed into place.

- **PUBLISH** adds the statement (one per phase, follow-up number, channel and language).
- **CORRECT** replaces its text and keeps the old one in its history: the page shows « Mis à
  jour le … : correction » with the earlier versions, the CAP feed sends an Update.
- **RETRACT** marks it retracted (a Cancel in the CAP feed when it was the alert shown).
- A **closing** context (the close phase) ends the crisis: ``closed_at``, a CAP Cancel.
- **CAP.** A statement is a CAP alert only when the playbook gives ``public.alert`` and its
  channel is an alert channel (:data:`ALERT_CHANNELS`: cell broadcast and SMS, the texts that
  alert phones; the CAP message is what the FR-Alert operator needs). A press release or a web
  page is not an alert. ``expires``: a day after the text, or later when the next update is
  later. A drill's messages have status Exercise.
- **Idempotent.** The crisis's file keeps each request's key and the publication it gave: the
  same request twice returns the same publication and changes nothing. The site is rewritten
  only when what it is built from changed (a digest of it is kept): a retry after a crash
  between the store and the site writes the site.
- **Concurrency.** One request at a time per site (a lock file in the store, ``flock``):
  two crises publishing at once each see the other's statement when they regenerate.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationError

from tocsin.models.base import Channel, Strict
from tocsin.outbox import make_folder
from tocsin.publish.accounts import StatusSiteAccount
from tocsin.publish.errors import NotRetryable, Retryable, detail
from tocsin.publish.models import (
    AccountKind,
    Action,
    Publication,
    PublicContext,
    PublishRequest,
)
from tocsin.publish.ratelimit import LIMITS, Limits
from tocsin.site import Crisis, Site, SiteError, Statement, atomic
from tocsin.site.models import LANGUAGES, Area, CapFields, Geocode, PreviousText, SiteLanguage
from tocsin.site.pages import crisis_path, last_change

ALERT_CHANNELS = frozenset({Channel.CELL_BROADCAST, Channel.SMS})
EXPIRES_AFTER = timedelta(days=1)
MAX_CRISES = 500  # shown on the site, the newest; the store keeps the others
_SITE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class Stored(Strict):
    """One crisis in the store: its id as the workflow says it, the crisis as the site shows
    it, the time zone its pages use, and each request done (key -> its publication)."""

    crisis_id: str = Field(min_length=1, max_length=200)
    zone: str = Field(default="Europe/Paris", max_length=64)
    crisis: Crisis
    done: dict[str, Publication] = Field(default_factory=dict)


def store_folder(path: Path) -> Path:
    """The store of the site at ``path``: a hidden folder beside it."""
    path = Path(path).absolute()
    return path.parent / f".{path.name}-tocsin"


def site_id(crisis_id: str) -> str:
    """The crisis's id on the site (its page's name): the workflow's id when it fits, else its
    letters cut short with a digest of the whole (ids are up to 200 characters)."""
    if _SITE_ID.fullmatch(crisis_id):
        return crisis_id
    slug = re.sub(r"[^a-z0-9_-]+", "-", crisis_id.lower()).strip("-_")[:50].strip("-_")
    digest = hashlib.sha256(crisis_id.encode()).hexdigest()[:12]
    return f"{slug}-{digest}" if slug else f"c-{digest}"


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, data: bytes) -> None:
    """``data`` at ``path`` in one step, owner-only, synced."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _load_all(name: str, folder: Path) -> dict[str, Stored]:
    """Every crisis of the store; a file that is not one (edited by hand, damaged) is named."""
    found: dict[str, Stored] = {}
    for file in sorted((folder / "crises").glob("*.json")):
        try:
            found[file.stem] = Stored.model_validate_json(file.read_bytes())
        except ValueError as exc:  # pydantic's ValidationError among them
            problem = detail(f"{file}: {type(exc).__name__}")
            raise NotRetryable(name, "publish.err.site_input", problem=problem) from None
    return found


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _crisis_fields(
    request: PublishRequest, context: PublicContext, base_url: str
) -> dict[str, object]:
    host = urlsplit(base_url).hostname or base_url
    return {
        "id": site_id(request.crisis_id),
        "title": context.title or request.crisis_id,
        "playbook": site_id(request.crisis_id),  # not in a request; the site does not show it
        "exercise": request.exercise,
        "area": Area(
            description=context.area or context.title or host,
            geocodes=[Geocode(value_name=k, value=v) for k, v in context.geocodes.items()],
        ),
        "sender_name": context.sender or host,
        "contact": context.contact or context.web or base_url,
        "web": context.web,
    }


def _cap(request: PublishRequest, context: PublicContext | None, at: datetime) -> CapFields | None:
    if context is None or context.alert is None or request.channel not in ALERT_CHANNELS:
        return None
    alert = context.alert
    expires = max(at + EXPIRES_AFTER, context.next_update or at)
    return CapFields(
        category=alert.category,
        event=alert.event,
        urgency=alert.urgency,
        severity=alert.severity,
        certainty=alert.certainty,
        headline=request.subject or context.title,
        expires=expires,
    )


def _apply(
    stored: Stored | None, request: PublishRequest, base_url: str, language: SiteLanguage
) -> Stored:
    """The crisis once ``request`` is done (``stored`` is not changed)."""
    at = _aware(request.at)
    context = request.context
    if context is not None:
        fields = _crisis_fields(request, context, base_url)
        old = stored.crisis.model_dump() if stored else {}
        crisis = Crisis.model_validate({**old, **fields, "statements": old.get("statements", [])})
    elif stored is not None:
        crisis = stored.crisis.model_copy(deep=True)
    else:
        raise NotRetryable(request.account, "publish.err.site_context")
    anchor = _anchor(request)
    statements = list(crisis.statements)
    index = next(
        (i for i, s in enumerate(statements) if (s.anchor, s.language) == (anchor, language)),
        None,
    )
    found = statements[index] if index is not None else None
    if request.action is Action.RETRACT:
        if found is not None and found.retracted_at is None:
            statements[index or 0] = found.model_copy(
                update={"retracted_at": max(at, found.published_at)}
            )
    else:
        history = []
        if found is not None:
            previous = PreviousText(text=found.text, published_at=found.published_at)
            history = [*found.history, previous][-49:]
            at = max(at, found.published_at + timedelta(seconds=1))
        statement = Statement(
            phase=request.phase,
            sequence=max(1, request.sequence),
            language=language,
            channel=request.channel,
            text=request.text,
            published_at=at,
            history=history,
            next_update=context.next_update if context else None,
            cap=_cap(request, context, at),
        )
        if index is None:
            statements.append(statement)
        else:
            statements[index] = statement
        if context is not None and context.closing and crisis.closed_at is None:
            crisis = crisis.model_copy(update={"closed_at": at})
    crisis = Crisis.model_validate({**crisis.model_dump(), "statements": statements})
    zone = context.timezone if context is not None else stored.zone if stored else "Europe/Paris"
    return Stored(
        crisis_id=request.crisis_id,
        zone=zone,
        crisis=crisis,
        done=dict(stored.done) if stored else {},
    )


def _anchor(request: PublishRequest) -> str:
    """The statement's anchor on its page, as :attr:`tocsin.site.Statement.anchor` makes it."""
    return f"{request.phase.value}-{max(1, request.sequence)}-{request.channel.value}"


def _publication(
    request: PublishRequest, base_url: str, stored: Stored, language: SiteLanguage
) -> Publication:
    """Where the public reads the statement: its crisis's page in its language, at its
    anchor (``crises/<id>.html#explain-1-website``)."""
    anchor = _anchor(request)
    mine = next(
        (s for s in stored.crisis.statements if (s.anchor, s.language) == (anchor, language)),
        None,
    )
    remote_id = f"{crisis_path(stored.crisis, language)}#{anchor}"
    published = _aware(request.at)
    if mine is not None and request.action is not Action.RETRACT:
        published = mine.published_at
    return Publication(
        remote_id=remote_id,
        url=f"{base_url.rstrip('/')}/{remote_id}",
        published_at=published,
        account=request.account,
        kind=AccountKind.STATUS_SITE,
        key=request.key,
        action=request.action,
    )


def _site(account: StatusSiteAccount, crises: dict[str, Stored]) -> tuple[Site, datetime]:
    """The site built from every crisis of the store (the newest :data:`MAX_CRISES`), and the
    time its index says it changed: the newest change, so that the same store always makes
    the same files."""
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    newest = sorted(crises.values(), key=lambda s: last_change(s.crisis) or epoch, reverse=True)[
        :MAX_CRISES
    ]
    host = urlsplit(account.base_url).hostname or "tocsin"
    site = Site.model_validate(
        {
            "name": newest[0].crisis.sender_name if newest else host,
            "base_url": account.base_url,
            "sender": host,
            "zone": newest[0].zone if newest else "Europe/Paris",
            "crises": [s.crisis for s in newest],
        }
    )
    changed = max((last_change(s.crisis) or epoch for s in newest), default=epoch)
    return site, changed


def publish_sync(request: PublishRequest, account: StatusSiteAccount) -> Publication:
    """What :func:`publish_status_site` does, in the calling thread."""
    name = request.account
    language = next((lang for lang in LANGUAGES if lang == request.language), None)
    if language is None:
        raise NotRetryable(name, "publish.err.site_language", language=request.language)
    folder = store_folder(account.path)
    try:
        make_folder(folder / "crises")
        with _locked(folder):
            crises = _load_all(name, folder)
            key = site_id(request.crisis_id)
            stored = crises.get(key)
            if stored is not None and stored.crisis_id != request.crisis_id:
                problem = f"{request.crisis_id} ~ {stored.crisis_id}"
                raise NotRetryable(name, "publish.err.site_input", problem=detail(problem))
            if stored is not None and request.key in stored.done:
                publication = stored.done[request.key]
                _regenerate(account, folder, *_site(account, crises))
            else:
                stored = _apply(stored, request, account.base_url, language)
                publication = _publication(request, account.base_url, stored, language)
                stored.done[request.key] = publication
                crises[key] = stored
                site = _site(account, crises)  # checked whole before anything is kept
                _write(folder / "crises" / f"{key}.json", stored.model_dump_json().encode())
                _regenerate(account, folder, *site)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise NotRetryable(
            name, "publish.err.site_input", problem=detail(f"{where}: {first['msg']}")
        ) from None
    except SiteError as exc:
        raise NotRetryable(name, "publish.err.site_input", problem=detail(exc)) from None
    except OSError as exc:
        raise Retryable(
            name,
            "publish.err.site_write",
            path=str(account.path),
            problem=detail(exc.strerror or type(exc).__name__),
        ) from None
    return publication


def _regenerate(account: StatusSiteAccount, folder: Path, site: Site, changed: datetime) -> None:
    """The site rewritten when what it is built from changed since it was last written."""
    digest = hashlib.sha256(site.model_dump_json().encode()).hexdigest()
    built = folder / "built"
    try:
        if built.read_text().strip() == digest and Path(account.path).exists():
            return
    except FileNotFoundError:
        pass
    atomic.publish(site, account.path, generated=changed)
    _write(built, digest.encode())


def prepare(name: str, account: StatusSiteAccount) -> None:
    """The site written from the store if it is not there yet (``tocsin up`` before any
    publication: an index that says there is no crisis). Raises ``SiteError``, ``OSError`` or
    :class:`NotRetryable` (a damaged store)."""
    folder = store_folder(account.path)
    make_folder(folder / "crises")
    with _locked(folder):
        _regenerate(account, folder, *_site(account, _load_all(name, folder)))


async def publish_status_site(
    request: PublishRequest, account: StatusSiteAccount, *, limits: Limits = LIMITS
) -> Publication:
    rate = account.limit()
    await limits.take(request.account, rate.requests, rate.per.total_seconds())
    return await asyncio.to_thread(publish_sync, request, account)
