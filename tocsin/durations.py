"""Human durations as written in playbooks: ``90s``, ``15m``, ``2h``, ``1h30m``, ``1d``."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

_PART = re.compile(r"(\d+)\s*(d|h|min|m|s)", re.IGNORECASE)
_UNITS = {"d": 86400, "h": 3600, "m": 60, "min": 60, "s": 1}


def parse_duration(value: object) -> timedelta:
    """Parse ``1h30m`` style text (or seconds as a number) into a timedelta.

    Raises ValueError with a message that says what was expected.
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError(f"durée invalide / invalid duration: {value!r}")
    if isinstance(value, int | float):
        return timedelta(seconds=float(value))
    if not isinstance(value, str):
        raise ValueError(f"durée invalide / invalid duration: {value!r}")
    text = value.strip().replace(" ", "")
    pos = 0
    total = 0
    for match in _PART.finditer(text):
        if match.start() != pos:
            break
        total += int(match.group(1)) * _UNITS[match.group(2).lower()]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(
            f"durée invalide « {value} » (exemples : 90s, 15m, 2h, 1h30m, 1d) / "
            f"invalid duration '{value}' (e.g. 90s, 15m, 2h, 1h30m, 1d)"
        )
    return timedelta(seconds=total)


def format_duration(value: timedelta) -> str:
    """The inverse of :func:`parse_duration`: ``timedelta(minutes=90)`` -> ``1h30m``."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(format_duration, return_type=str),
]
