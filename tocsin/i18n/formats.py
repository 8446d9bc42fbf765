"""Dates, times, numbers and the names of phases and roles, as each language writes them.

One place for them, formatted by Babel (CLDR) for fr, en and de, with tocsin's choices where the
CLDR default reads worse: « 14 h 05 » in French, 14:05 in English (24-hour, as Luxembourg and
France read it), « 14:05 Uhr » in German.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
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
