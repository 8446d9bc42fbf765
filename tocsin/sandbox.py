"""The Jinja2 sandbox statements are rendered in: ``StrictUndefined``, autoescaping for HTML
channels, the filters for dates and times in French, English and German, a loader over a
crisis's snapshot of templates, and the compiled environments kept per snapshot.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import (
    BaseLoader,
    Environment,
    StrictUndefined,
    Template,
    TemplateNotFound,
    pass_context,
)
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tocsin.channels import HTML_CHANNELS
from tocsin.models import Channel

ENVIRONMENTS_KEPT = 64

_DAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "de": ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"],
}
_MONTHS = {
    "fr": [
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ],
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "de": [
        "Januar", "Februar", "März", "April", "Mai", "Juni",
        "Juli", "August", "September", "Oktober", "November", "Dezember",
    ],
}  # fmt: skip


class SnapshotLoader(BaseLoader):
    """Templates from the crisis's snapshot, each named by its path so that an error inside a
    template, a macro or an import reports the right file and line."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = dict(sources)

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template not in self.sources:
            raise TemplateNotFound(template)
        return self.sources[template], template, lambda: True

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


def _local(value: datetime | str, ctx: Context) -> datetime:
    """A moment in the playbook's time zone. A ``datetime`` parameter arrives as its ISO text;
    without an offset it is read as the playbook's local time."""
    zone = ZoneInfo(str(ctx.get("timezone") or "Europe/Paris"))
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
    return value.astimezone(zone)


@pass_context
def _time_filter(ctx: Context, value: datetime | str) -> str:
    local = _local(value, ctx)
    lang = ctx.get("lang", "fr")
    if lang == "en":
        return local.strftime("%H:%M")
    if lang == "de":
        return f"{local:%H:%M} Uhr"
    return f"{local.hour}\u202fh\u202f{local.minute:02d}"


@pass_context
def _date_filter(ctx: Context, value: datetime | str) -> str:
    local = _local(value, ctx)
    lang = str(ctx.get("lang", "fr"))
    days = _DAYS.get(lang, _DAYS["fr"])
    months = _MONTHS.get(lang, _MONTHS["fr"])
    day, month = days[local.weekday()], months[local.month - 1]
    if lang == "en":
        return f"{day} {local.day} {month} {local.year}"
    if lang == "de":
        return f"{day}, {local.day}. {month} {local.year}"
    first = "1er" if local.day == 1 else str(local.day)
    return f"{day} {first} {month} {local.year}"


@pass_context
def _datetime_filter(ctx: Context, value: datetime | str) -> str:
    lang = ctx.get("lang", "fr")
    joiner = {"en": " at ", "de": " um "}.get(str(lang), " à ")
    return f"{_date_filter(ctx, value)}{joiner}{_time_filter(ctx, value)}"


def _first_upper(value: object) -> str:
    """« la Somme » -> « La Somme »: only the first letter (Jinja2's capitalize lowers the rest)."""
    text = str(value)
    return text[:1].upper() + text[1:]


def build_environment(loader: BaseLoader, *, html: bool = False) -> ImmutableSandboxedEnvironment:
    """The sandbox templates run in. For an HTML channel every template is autoescaped,
    the shared macros included: Jinja2 decides escaping when it compiles a template, so a
    macro compiled for plain text would hand raw parameters to an HTML page. Each kind of
    channel therefore gets its own environment (and its own compiled copies)."""
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
    )
    env.filters["majuscule"] = _first_upper
    env.filters["capfirst"] = _first_upper
    env.filters["heure"] = _time_filter
    env.filters["time"] = _time_filter
    env.filters["date_longue"] = _date_filter
    env.filters["long_date"] = _date_filter
    env.filters["jour_heure"] = _datetime_filter
    env.filters["datetime"] = _datetime_filter
    return env


class Environments:
    """The compiled templates of one snapshot: a plain-text and an HTML environment sharing one
    loader, and the playbook messages compiled once. Compiling is most of the cost of a draft,
    and a snapshot never changes, so they are kept for the next draft of the same crisis."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        loader = SnapshotLoader(sources)
        self.plain = build_environment(loader)
        self.html = build_environment(loader, html=True)
        self._messages: dict[str, Template] = {}
        self._lock = threading.Lock()

    def for_channel(self, channel: Channel) -> ImmutableSandboxedEnvironment:
        return self.html if channel in HTML_CHANNELS else self.plain

    def message(self, source: str) -> Template:
        with self._lock:
            found = self._messages.get(source)
            if found is None:
                found = self._messages[source] = self.plain.from_string(source)
            return found


def environments_for(sources: Mapping[str, str]) -> Environments:
    """The environments for a snapshot, found by its content: the last ``ENVIRONMENTS_KEPT``
    snapshots drafted stay compiled."""
    return _environments(frozenset(sources.items()))


@functools.lru_cache(maxsize=ENVIRONMENTS_KEPT)
def _environments(snapshot: frozenset[tuple[str, str]]) -> Environments:
    # Keyed by the (path, source) pairs themselves: the environments' loader holds the same
    # strings, so the key costs no second copy of the sources. Two threads drafting a new
    # snapshot at once may both compile it; one copy is kept.
    return Environments(dict(snapshot))
