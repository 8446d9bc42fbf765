"""A crisis's parameters: each value checked and converted to its declared type, every problem
named (missing, unknown, invalid) before a crisis starts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from tocsin.i18n import t
from tocsin.models import ParameterType, ParamValue, Playbook

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{2,24}$")
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# A host name: labels of letters, digits and hyphens (accented letters too: IDN), ending in a
# top-level domain of letters; or an IPv4 address.
_HOST = re.compile(
    r"^(?:(?:(?!-)[^\W_](?:[^\W_]|-){0,62}\.)+[^\W\d_]{2,63}|\d{1,3}(?:\.\d{1,3}){3})$"
)
# Never in a web address as typed (RFC 3986): they end an HTML attribute or a Markdown link.
_NOT_IN_URL = frozenset('"<>\\^`{|}')
MAX_PARAM_LENGTH = 2_000


def coerce_value(kind: ParameterType, value: ParamValue) -> ParamValue:
    """Check and convert one parameter value; raise ValueError saying what is expected."""
    text = str(value).strip() if not isinstance(value, bool) else str(value).lower()
    if len(text) > MAX_PARAM_LENGTH:
        raise ValueError(f"trop long ({len(text)} caractères, max {MAX_PARAM_LENGTH})")
    if "\x00" in text:
        raise ValueError("contient un caractère nul / contains a NUL character")
    if kind is ParameterType.INTEGER:
        try:
            return int(text)
        except ValueError as exc:
            raise ValueError(f"nombre entier attendu, pas « {text} »") from exc
    if kind is ParameterType.NUMBER:
        try:
            return float(text.replace(",", "."))
        except ValueError as exc:
            raise ValueError(f"nombre attendu, pas « {text} »") from exc
    if kind is ParameterType.BOOLEAN:
        if text.lower() in ("true", "oui", "yes", "1"):
            return True
        if text.lower() in ("false", "non", "no", "0"):
            return False
        raise ValueError(f"oui/non attendu, pas « {text} »")
    if kind is ParameterType.DATETIME:
        try:
            datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(f"date ISO attendue (2026-11-23T14:30), pas « {text} »") from exc
        return text
    if kind is ParameterType.EMAIL and not _EMAIL.match(text):
        raise ValueError(f"adresse e-mail attendue, pas « {text} »")
    if kind is ParameterType.PHONE and not _PHONE.match(text):
        raise ValueError(f"numéro de téléphone attendu, pas « {text} »")
    if kind is ParameterType.URL:
        problem = url_problem(text)
        if problem:
            raise ValueError(problem)
    if kind is ParameterType.STRING and text and text.splitlines() != [text]:
        raise ValueError("une seule ligne attendue / a single line expected")
    if not text and kind is not ParameterType.TEXT:
        raise ValueError("valeur vide / empty value")
    return text


def url_problem(text: str) -> str | None:
    """What is wrong with a web address given as a parameter, or None: it must be ``http://`` or
    ``https://`` and a host, without spaces, control characters, quotes or angle brackets, and
    without a user name or password in it."""
    if not text:
        return None  # an empty value is refused below, as for every type
    if not _SCHEME.match(text):
        return t("param.url.scheme", value=_shown(text))
    if any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in text):
        return t("param.url.spaces", value=_shown(text))
    bad = sorted({c for c in text if c in _NOT_IN_URL})
    if bad:
        return t("param.url.character", value=_shown(text), chars=" ".join(bad))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return t("param.url.host", value=_shown(text))
    if "@" in parts.netloc:
        return t("param.url.credentials")
    if not parts.hostname or not _HOST.match(parts.hostname) or port == 0:
        return t("param.url.host", value=_shown(text))
    return None


def _shown(text: str) -> str:
    """A refused value as a message quotes it: control characters as their code, cut short."""
    out = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return out if len(out) <= 80 else out[:79] + "…"


@dataclass
class ParameterProblems(Exception):
    missing: list[str]
    unknown: list[str]
    invalid: list[tuple[str, str, str]]  # name, type, problem


def resolve_parameters(playbook: Playbook, given: Mapping[str, str]) -> dict[str, ParamValue]:
    """Typed values for every parameter: given, else default; raise ParameterProblems."""
    values: dict[str, ParamValue] = {}
    missing: list[str] = []
    invalid: list[tuple[str, str, str]] = []
    known = {p.name for p in playbook.parameters}
    unknown = sorted(set(given) - known)
    for param in playbook.parameters:
        raw: ParamValue | None = given.get(param.name)
        if raw is None:
            raw = param.default
        if raw is None:
            if param.required:
                missing.append(param.name)
            continue
        try:
            values[param.name] = coerce_value(param.type, raw)
        except ValueError as exc:
            invalid.append((param.name, param.type.value, str(exc)))
    if missing or unknown or invalid:
        raise ParameterProblems(missing, unknown, invalid)
    return values
