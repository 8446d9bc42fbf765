"""A crisis's parameters: each value checked and converted to its declared type, every problem
named (missing, unknown, invalid) before a crisis starts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tocsin.models import ParameterType, ParamValue, Playbook

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9 .\-()]{2,24}$")
_URL = re.compile(r"^(https?://)?[a-z0-9.-]+\.[a-z]{2,}(/\S*)?$", re.IGNORECASE)
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
    if kind is ParameterType.URL and not _URL.match(text):
        raise ValueError(f"adresse web attendue, pas « {text} »")
    if kind is ParameterType.STRING and text and text.splitlines() != [text]:
        raise ValueError("une seule ligne attendue / a single line expected")
    if not text and kind is not ParameterType.TEXT:
        raise ValueError("valeur vide / empty value")
    return text


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
