"""The electoral calendar (R-ELECTION): France's general elections shipped with tocsin, the
organisation's own elections and declared périodes de réserve.

Code électoral L52-1 al. 2: from the first day of the sixth month before the month of a general
election, no campaign promoting the achievements or management of a collectivité. The window
ends with the last round; while the decree calling the election is not out (no rounds known), it
ends with the month after the election's month, where a second round may fall.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pydantic import TypeAdapter

from tocsin.models import Election, GuardrailSettings

ELECTIONS_FILE = Path(__file__).parent / "data" / "elections.yml"


@dataclass(frozen=True)
class Window:
    name: str
    start: date
    end: date
    reason: str  # "L52-1" or "période de réserve"

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


@functools.cache
def bundled_elections() -> tuple[Election, ...]:
    data = yaml.safe_load(ELECTIONS_FILE.read_text(encoding="utf-8")) or []
    return tuple(TypeAdapter(list[Election]).validate_python(data))


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def l52_1_window(election: Election) -> Window:
    """The L52-1 window of an election."""
    year, month = (int(part) for part in election.month.split("-"))
    start_year, start_month = _add_months(year, month, -6)
    if election.rounds:
        end = max(election.rounds)
    else:
        end_year, end_month = _add_months(year, month, 1)
        end = date(end_year, end_month, calendar.monthrange(end_year, end_month)[1])
    return Window(election.name, date(start_year, start_month, 1), end, "L52-1")


def windows(settings: GuardrailSettings) -> list[Window]:
    """Every window of the organisation's calendar, bundled elections included unless it says
    otherwise."""
    elections = list(settings.elections)
    if settings.bundled_elections:
        elections = [*bundled_elections(), *elections]
    found = [l52_1_window(e) for e in elections]
    found += [
        Window(p.name, p.start, p.end, "période de réserve") for p in settings.reserve_periods
    ]
    return found


def active_windows(settings: GuardrailSettings, day: date) -> list[Window]:
    return [w for w in windows(settings) if day in w]
