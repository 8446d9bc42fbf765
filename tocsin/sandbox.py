"""The Jinja2 sandbox statements are rendered in: ``StrictUndefined``, every value escaped for
its channel's markup (HTML for the website and the poster, Markdown for the press release), the
filters for dates and times in French, English and German, a loader over a
crisis's snapshot of templates, and the compiled environments kept per snapshot.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemBytecodeCache,
    StrictUndefined,
    Template,
    TemplateNotFound,
    pass_context,
)
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from tocsin.channels import Markup as Kind
from tocsin.channels import profile
from tocsin.i18n.formats import clock, day_and_month, spoken_clock
from tocsin.mdescape import inline, visible
from tocsin.models import Channel

ENVIRONMENTS_KEPT = 64


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
    return clock(_local(value, ctx), str(ctx.get("lang", "fr")))


@pass_context
def _date_filter(ctx: Context, value: datetime | str) -> str:
    local = _local(value, ctx)
    return f"{day_and_month(local, str(ctx.get('lang', 'fr')))} {local.year}"


_AT = {"fr": " à ", "en": " at ", "de": " um "}


@pass_context
def _datetime_filter(ctx: Context, value: datetime | str) -> str:
    lang = str(ctx.get("lang", "fr"))
    comma = "," if lang == "de" else ""  # « Dienstag, 24. November 2026, um 09:00 Uhr »
    return f"{_date_filter(ctx, value)}{comma}{_AT.get(lang, ' à ')}{_time_filter(ctx, value)}"


SOON = timedelta(hours=12)
_TODAY = {"fr": "aujourd’hui", "en": "today", "de": "heute"}
_TOMORROW = {"fr": "demain", "en": "tomorrow", "de": "morgen"}
_ON = {"fr": "", "en": "on ", "de": "am "}


@pass_context
def _when_filter(ctx: Context, value: datetime | str, style: str = "court") -> str:
    """When a coming moment is, said from ``now``, after « Prochain point » (DOMAIN.md: a next
    update more than 12 hours away, or on another day, names the day).

    ``court`` (short texts) and ``oral`` (read aloud): ``à 10 h`` the same day within 12 hours,
    ``aujourd’hui à 23 h`` beyond, ``demain à 8 h 25``, ``jeudi 3 décembre à 8 h`` later; ``oral``
    says the time as people say it (``8 heures 25``). ``ecrit`` (long texts, read later):
    always the day, without the year (``: mardi 24 novembre à 10 h``)."""
    local = _local(value, ctx)
    lang = str(ctx.get("lang", "fr"))
    at = _AT.get(lang, " à ")
    time = spoken_clock(local.hour, local.minute, lang) if style == "oral" else clock(local, lang)
    comma = "," if lang == "de" else ""
    if style == "ecrit":
        return f"{day_and_month(local, lang)}{comma}{at}{time}"
    now = _local(ctx.get("now") or local, ctx)
    days = (local.date() - now.date()).days
    if days == 0 and local - now <= SOON:
        return f"{at.strip()} {time}"
    if days == 0:
        return f"{_TODAY.get(lang, _TODAY['fr'])}{at}{time}"
    if days == 1:
        return f"{_TOMORROW.get(lang, _TOMORROW['fr'])}{at}{time}"
    return f"{_ON.get(lang, '')}{day_and_month(local, lang)}{comma}{at}{time}"


def _first_upper(value: object) -> str:
    """« la Somme » -> « La Somme »: only the first letter (Jinja2's capitalize lowers the rest).
    Text already escaped for HTML stays marked as such, so that it is not escaped twice."""
    text = str(value)
    upper = text[:1].upper() + text[1:]
    return Markup(upper) if isinstance(value, Markup) else upper


def _html_value(value: object) -> object:
    """What an HTML template prints: a text without its control characters (HTML forbids them;
    they can hide words), then autoescaped."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def _markdown_value(value: object) -> object:
    """What a Markdown template prints: a text as text (``tocsin.mdescape.inline``), marked as
    escaped so that it is not escaped again; a macro's output and anything already escaped as
    it is. The Markdown environment is an autoescaping one whose escape is this: template source
    is Markdown, values are words."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(inline(value))
    return value


# Compiled templates kept on disk between processes, keyed by each template's name and source
# (Jinja2's FileSystemBytecodeCache, in its own per-user folder that it checks is private): a
# CLI command or a worker that loads the playbooks compiles them once, not at every start.
# Plain, HTML and Markdown compile differently (autoescape and finalize are decided at compile
# time) and the cache key does not hold the environment, hence one file pattern each; change
# ``ESCAPING`` whenever what a kind does to values changes, or older compiled copies are used.
ESCAPED = (Kind.TEXT, Kind.HTML, Kind.MARKDOWN)
ESCAPING = "2"
_BYTECODE = {
    kind: FileSystemBytecodeCache(pattern=f"__tocsin_{kind.value}{ESCAPING}_%s.cache")
    for kind in ESCAPED
}


def build_environment(
    loader: BaseLoader, *, kind: Kind = Kind.TEXT
) -> ImmutableSandboxedEnvironment:
    """The sandbox templates run in. For an HTML channel every template is autoescaped, the
    shared macros included: Jinja2 decides escaping when it compiles a template, so a macro
    compiled for plain text would hand raw parameters to an HTML page. For a Markdown channel
    every printed value goes through ``tocsin.mdescape.inline`` the same way. Each kind of
    channel therefore gets its own environment (and its own compiled copies)."""
    kind = kind if kind in ESCAPED else Kind.TEXT
    env = ImmutableSandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=kind is not Kind.TEXT,
        finalize={Kind.HTML: _html_value, Kind.MARKDOWN: _markdown_value}.get(kind),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=False,
        bytecode_cache=_BYTECODE[kind],
    )
    env.filters["majuscule"] = _first_upper
    env.filters["capfirst"] = _first_upper
    env.filters["heure"] = _time_filter
    env.filters["time"] = _time_filter
    env.filters["date_longue"] = _date_filter
    env.filters["long_date"] = _date_filter
    env.filters["jour_heure"] = _datetime_filter
    env.filters["datetime"] = _datetime_filter
    env.filters["quand"] = _when_filter
    env.filters["when"] = _when_filter
    return env


class Environments:
    """The compiled templates of one snapshot: a plain-text, an HTML and a Markdown environment
    sharing one loader, and the playbook messages compiled once. Compiling is most of the cost
    of a draft, and a snapshot never changes, so they are kept for the next draft of the same
    crisis."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        loader = SnapshotLoader(sources)
        self.plain = build_environment(loader)
        self.by_kind = {kind: build_environment(loader, kind=kind) for kind in ESCAPED[1:]}
        self._messages: dict[str, Template] = {}
        self._lock = threading.Lock()

    def for_channel(self, channel: Channel) -> ImmutableSandboxedEnvironment:
        return self.by_kind.get(profile(channel).markup, self.plain)

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
