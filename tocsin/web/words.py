"""The console's words in the person's language: French first, English on request.

The language is the one the person chose (kept in the session), else the first of French and
English that the browser asks for, else French. Every message comes from tocsin's catalogues
(``text_in``); refusals of the workflow read as the CLI and Slack say them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from tocsin import crises
from tocsin.i18n import has, text_in
from tocsin.i18n.formats import moment, phase_name, role_name
from tocsin.models import PhaseName

CONSOLE_LANGUAGES = ("fr", "en")


def negotiate(chosen: object, accept: str) -> str:
    """``chosen`` when it is one of ours, else the first of ours in Accept-Language."""
    if isinstance(chosen, str) and chosen in CONSOLE_LANGUAGES:
        return chosen
    for part in accept.split(",")[:20]:
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in CONSOLE_LANGUAGES:
            return tag
    return "fr"


@dataclass(frozen=True)
class Words:
    """``t`` for one language, and the few formats the pages use."""

    lang: str

    def __call__(self, key: str, /, **values: object) -> str:
        return text_in(self.lang, key, **values)

    def at(self, value: object, zone: str) -> str:
        from datetime import datetime

        return moment(value if isinstance(value, datetime) else None, zone, self.lang)

    def phase(self, phase: PhaseName | None, sequence: int) -> str:
        return phase_name(phase, sequence, self.lang) if phase is not None else "–"

    def role(self, role: str) -> str:
        return role_name(role, self.lang)

    def refusal(self, exc: Exception) -> str:
        """What a refusal says, in this language: the workflow's (with its people by name and
        roles by label), an unknown crisis's, or a value the request model refused."""
        if isinstance(exc, crises.BadKey):
            return self(f"crisis_key.{exc.code}", **exc.params)
        if isinstance(exc, crises.Refused):
            return self._refused(exc)
        if isinstance(exc, crises.UnknownCrisis):
            return self("web.no_crisis")
        if isinstance(exc, ValidationError):
            problems = "; ".join(
                f"{'.'.join(str(p) for p in error['loc']) or '-'} : {error['msg']}"
                for error in exc.errors()[:5]
            )
            return self("err.invalid_input", problems=problems)
        raise exc

    def _refused(self, exc: crises.Refused) -> str:
        key = f"refuse.{exc.code}"
        if not has(key):
            return exc.message
        values: dict[str, object] = dict(exc.params)
        person = values.get("person")
        if isinstance(person, str):
            values["person"] = exc.names.get(person, person)
        roles = values.get("roles")
        if isinstance(roles, str) and roles.strip() not in ("", "-"):
            values["roles"] = ", ".join(self.role(r.strip()) for r in roles.split(","))
        try:
            return self(key, **values)
        except KeyError:
            return exc.message
