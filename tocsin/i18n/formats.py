"""Dates, times, numbers and the names of phases and roles, as each language writes them.

One place for them, formatted by Babel (CLDR) for fr, en and de, with tocsin's choices where the
CLDR default reads worse: « 14 h 05 » in French, 14:05 in English (24-hour, as Luxembourg and
France read it), « 14:05 Uhr » in German. Statements (the template filters of tocsin/sandbox.py,
the spoken channels), the CLI, Slack and the review all take their dates and times from here.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, get_day_names, get_month_names
from babel.numbers import format_decimal

from tocsin.i18n import has, language, text_in
from tocsin.models import PhaseName

LOCALES = {"fr": "fr_FR", "en": "en_GB", "de": "de_LU"}
TIME = {"fr": "H' h 'mm", "en": "HH:mm", "de": "HH:mm' Uhr'"}
DAY = {"fr": "EEEE d MMMM y", "en": "EEEE d MMMM y", "de": "EEEE, d. MMMM y"}
DAY_SHORT = {"fr": "dd/MM/y", "en": "dd/MM/y", "de": "dd.MM.y"}
DEFAULT_ZONE = "Europe/Paris"


def _lang(lang: str | None) -> str:
    chosen = lang or language()
    return chosen if chosen in LOCALES else "fr"


def _local(moment: datetime, zone: str | tzinfo) -> datetime:
    return moment.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)


def _pattern(local: datetime, pattern: str, lang: str) -> str:
    return format_datetime(local, pattern, tzinfo=local.tzinfo, locale=LOCALES[lang])


def time_of_day(
    moment: datetime, zone: str | tzinfo = DEFAULT_ZONE, lang: str | None = None
) -> str:
    """``14 h 05`` / ``14:05`` / ``14:05 Uhr``."""
    chosen = _lang(lang)
    return _pattern(_local(moment, zone), TIME[chosen], chosen)


def day(moment: datetime, zone: str | tzinfo = DEFAULT_ZONE, lang: str | None = None) -> str:
    """``mardi 3 juin 2026`` / ``Tuesday 3 June 2026`` / ``Dienstag, 3. Juni 2026``."""
    chosen = _lang(lang)
    return _pattern(_local(moment, zone), DAY[chosen], chosen)


def moment(
    value: datetime | None, zone: str | tzinfo = DEFAULT_ZONE, lang: str | None = None
) -> str:
    """A date and time on one line, short: ``03/06/2026 14 h 05``; ``-`` for none."""
    if value is None:
        return "-"
    chosen = _lang(lang)
    local = _local(value, zone)
    on = _pattern(local, DAY_SHORT[chosen], chosen)
    return f"{on} {_pattern(local, TIME[chosen], chosen)}"


def number(value: float, lang: str | None = None) -> str:
    """``1 234,5`` / ``1,234.5`` / ``1.234,5``."""
    chosen = _lang(lang)
    return format_decimal(value, locale=LOCALES[chosen])


def phase_name(phase: PhaseName, sequence: int = 1, lang: str | None = None) -> str:
    """``Point de situation n° 2``, ``Premier message``: never ``follow_up-02``."""
    return text_in(_lang(lang), f"phase.{phase.value}", number=sequence)


def role_name(role: str, lang: str | None = None) -> str:
    """``directeur adjoint`` for ``deputy_director``; a role the catalogue does not name reads as
    its id with spaces (a playbook's own roles)."""
    key = f"role.{role}"
    return text_in(_lang(lang), key) if has(key) else role.replace("_", " ")


# --------------------------------------------------------------------------- in statements

NNBSP = "\u202f"  # espace fine insécable: « 8 h 25 » in a statement
# The month names of each language (CLDR's, lower case in French), for the patterns that find
# a date in a text: the spoken channels and the accessibility rule.
MONTHS = {
    lang: [get_month_names("wide", "format", LOCALES[lang])[month] for month in range(1, 13)]
    for lang in LOCALES
}
# The weekday names, Monday first (datetime.weekday()'s order).
DAYS = {
    lang: [get_day_names("wide", "format", LOCALES[lang])[weekday] for weekday in range(7)]
    for lang in LOCALES
}
_WRITTEN = {"en": "HH:mm", "de": "HH:mm' Uhr'"}
_DAY_AND_MONTH = {"fr": "EEEE d MMMM", "en": "EEEE d MMMM", "de": "EEEE, d. MMMM"}


def clock(local: datetime, lang: str) -> str:
    """A time as a statement writes it: ``9 h``, ``8 h 25`` (narrow no-break spaces) in French,
    ``09:00`` in English, ``09:00 Uhr`` in German."""
    chosen = lang if lang in LOCALES else "fr"
    if chosen == "fr":
        pattern = f"H'{NNBSP}h'" if local.minute == 0 else f"H'{NNBSP}h{NNBSP}'mm"
    else:
        pattern = _WRITTEN[chosen]
    return _pattern(local, pattern, chosen)


def day_and_month(local: datetime, lang: str) -> str:
    """``jeudi 3 décembre``, ``Thursday 3 December``, ``Donnerstag, 3. Dezember``: no year;
    « 1er » for the first of the month in French."""
    chosen = lang if lang in LOCALES else "fr"
    pattern = _DAY_AND_MONTH[chosen]
    if chosen == "fr" and local.day == 1:
        pattern = "EEEE '1er' MMMM"
    return _pattern(local, pattern, chosen)


def spoken_clock(hour: int, minute: int, lang: str) -> str:
    """A time as people say it: ``8 heures 25``, ``midi``; ``8:25 a.m.``, ``noon``;
    ``8 Uhr 25``. (CLDR has no spoken form: these are tocsin's, per language.)"""
    if lang == "en":
        if minute == 0 and hour in (0, 12):
            return "midnight" if hour == 0 else "noon"
        suffix = "a.m." if hour < 12 else "p.m."
        twelve = hour % 12 or 12
        return f"{twelve} {suffix}" if minute == 0 else f"{twelve}:{minute:02d} {suffix}"
    if lang == "de":
        return f"{hour} Uhr" if minute == 0 else f"{hour} Uhr {minute}"
    if minute == 0 and hour in (0, 12):
        return "minuit" if hour == 0 else "midi"
    if hour == 0:
        return f"minuit {minute:02d}"
    hours = "heure" if hour == 1 else "heures"
    return f"{hour} {hours}" if minute == 0 else f"{hour} {hours} {minute:02d}"
