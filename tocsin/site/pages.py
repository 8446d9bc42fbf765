"""The site's HTML pages: the index and one page per crisis, in French and in each language a
statement exists in. Jinja2 with autoescaping always on: every text from a statement or a
playbook is plain text and is escaped; no script, no resource from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from tocsin.i18n import formats, text_in
from tocsin.site.models import LANGUAGES, Crisis, Site, SiteLanguage, Statement
from tocsin.typography import typeset

NATIVE = {"fr": "Français", "en": "English", "de": "Deutsch"}

_ENV = Environment(
    loader=PackageLoader("tocsin.site", "templates"),
    autoescape=True,  # every statement text is untrusted plain text
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def suffix(lang: SiteLanguage) -> str:
    """``""`` for French (the site's first language), ``".en"`` for English."""
    return "" if lang == "fr" else f".{lang}"


def crisis_path(crisis: Crisis, lang: SiteLanguage) -> str:
    return f"crises/{crisis.id}{suffix(lang)}.html"


class Words:
    """The site's words in one language, with its typography, and its dates in the site's zone."""

    def __init__(self, lang: SiteLanguage, zone: str) -> None:
        self.lang = lang
        self.zone = ZoneInfo(zone)

    def __call__(self, key: str, /, **values: object) -> str:
        return typeset(text_in(self.lang, key, **values), self.lang)

    def when(self, moment: datetime) -> str:
        return text_in(
            self.lang,
            "site.when",
            day=formats.day(moment, self.zone, self.lang),
            time=formats.time_of_day(moment, self.zone, self.lang),
        )

    def phase(self, statement: Statement) -> str:
        """``Point de situation n° 2``."""
        name = formats.phase_name(statement.phase, statement.sequence, self.lang)
        return typeset(name, self.lang)

    def iso(self, moment: datetime) -> str:
        return moment.astimezone(self.zone).replace(microsecond=0).isoformat()


@dataclass
class Version:
    line: str
    text: str


@dataclass
class StatementView:
    anchor: str
    heading: str
    published: str
    published_iso: str
    text: str | None
    corrected: str | None = None
    retracted: str | None = None
    previous: list[Version] = field(default_factory=list)
    next_update: str | None = None


@dataclass
class Link:
    href: str
    text: str
    lang: SiteLanguage | None = None
    note: str = ""  # said after the link, outside it


def languages_of(crisis: Crisis) -> list[SiteLanguage]:
    """French always, then English and German when the crisis has statements in them."""
    present = {s.language for s in crisis.statements}
    return [lang for lang in LANGUAGES if lang == "fr" or lang in present]


def site_languages(site: Site) -> list[SiteLanguage]:
    present = {s.language for c in site.crises for s in c.statements}
    return [lang for lang in LANGUAGES if lang == "fr" or lang in present]


def _statement(statement: Statement, words: Words) -> StatementView:
    lang = words.lang
    view = StatementView(
        anchor=statement.anchor,
        heading=words.phase(statement),
        published=words("site.published", when=words.when(statement.first_published_at)),
        published_iso=words.iso(statement.first_published_at),
        text=typeset(statement.text, lang),
    )
    if statement.retracted_at is not None:
        view.text = None
        view.retracted = words("site.retracted", when=words.when(statement.retracted_at))
        return view
    if statement.history:
        view.corrected = words("site.corrected", when=words.when(statement.published_at))
        times = [p.published_at for p in statement.history] + [statement.published_at]
        view.previous = [
            Version(
                words(
                    "site.replaced",
                    published=words.when(old.published_at),
                    replaced=words.when(times[i + 1]),
                ),
                typeset(old.text, lang),
            )
            for i, old in enumerate(statement.history)
        ]
    if statement.next_update is not None:
        view.next_update = words("site.next_update", when=words.when(statement.next_update))
    return view


def _latest(crisis: Crisis, lang: SiteLanguage | None = None) -> Statement | None:
    shown = [s for s in crisis.statements if lang is None or s.language == lang]
    return max(shown, key=lambda s: s.published_at, default=None)


def last_change(crisis: Crisis) -> datetime | None:
    latest = _latest(crisis)
    times = [t for t in (latest.published_at if latest else None, crisis.closed_at) if t]
    times += [s.retracted_at for s in crisis.statements if s.retracted_at]
    return max(times, default=None)


def _base(site: Site, words: Words, depth: int, generated: datetime | None) -> dict[str, object]:
    """What every page shows; ``generated`` on the index only, so that a crisis's pages stay
    the same bytes until the crisis changes (the next version links them, unwritten)."""
    up = "../" * depth
    return {
        "lang": words.lang,
        "t": words,
        "org": typeset(site.name, words.lang),
        "css": f"{up}site.css",
        "home": Link(f"{up}index{suffix(words.lang)}.html", words("site.all")),
        "feed": Link(f"{up}feed{suffix(words.lang)}.atom", words("site.feed")),
        "cap": Link(f"{up}cap.atom", words("site.cap")),
        "generated": words("site.generated", when=words.when(generated)) if generated else "",
    }


def crisis_page(site: Site, crisis: Crisis, lang: SiteLanguage) -> str:
    words = Words(lang, site.zone)
    statements = sorted(
        (s for s in crisis.statements if s.language == lang),
        key=lambda s: (s.first_published_at, s.anchor),
        reverse=True,
    )
    standing = [s for s in statements if s.retracted_at is None]
    latest = max(standing, key=lambda s: s.published_at, default=None)
    status = None
    if crisis.closed_at is not None:
        status = words("site.closed", when=words.when(crisis.closed_at))
    elif latest is not None and latest.next_update is not None:
        status = words("site.next_update", when=words.when(latest.next_update))
    title = typeset(crisis.title, lang)
    return _ENV.get_template("crisis.html.j2").render(
        **_base(site, words, 1, None),
        title=title,
        page_title=f"{words('site.exercise_tag')} – {title}" if crisis.exercise else title,
        exercise=words("site.exercise") if crisis.exercise else None,
        area=words("site.area", area=crisis.area.description),
        sender=typeset(crisis.sender_name, lang),
        contact=words("site.contact", contact=crisis.contact),
        web=Link(str(crisis.web), words("site.more")) if crisis.web else None,
        status=status,
        statements=[_statement(s, words) for s in statements],
        alternates=[
            Link(f"{crisis.id}{suffix(other)}.html", NATIVE[other], other)
            for other in languages_of(crisis)
        ],
    )


def index_page(site: Site, lang: SiteLanguage, generated: datetime) -> str:
    words = Words(lang, site.zone)
    ongoing: list[Link] = []
    ended: list[Link] = []
    order = sorted(site.crises, key=lambda c: last_change(c) or generated, reverse=True)
    for crisis in order:
        page_lang = lang if lang in languages_of(crisis) else "fr"
        changed = last_change(crisis)
        label = typeset(crisis.title, page_lang)
        if crisis.exercise:
            label = f"{words('site.exercise_tag')} – {label}"
        note = words("site.last", when=words.when(changed)) if changed is not None else ""
        link = Link(
            crisis_path(crisis, page_lang), label, page_lang if page_lang != lang else None, note
        )
        (ended if crisis.closed_at else ongoing).append(link)
    return _ENV.get_template("index.html.j2").render(
        **_base(site, words, 0, generated),
        title=words("site.title", org=site.name),
        ongoing=ongoing,
        ended=ended,
        alternates=[
            Link(f"index{suffix(other)}.html", NATIVE[other], other)
            for other in site_languages(site)
        ],
    )
