"""Public-sector guardrails: every statement checked against the rules public agents work under
(DOMAIN.md). Each rule is a small named function with an id, a default severity and a source:

R-NEUTRAL, R-ELECTION (neutrality.py), R-PRIVACY, R-IMAGE (privacy.py), R-VOICE (voice.py),
R-A11Y (accessibility.py), R-LIMIT, R-CADENCE, R-DRILL (delivery.py).

Pure functions over pydantic models: the draft activity calls ``checked_draft``, ``tocsin check``
calls ``check_text``; an organisation tunes them in its ``TOCSIN_GUARDRAILS`` file (config.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import phonenumbers

from tocsin.channels import HTML_CHANNELS
from tocsin.guardrails import accessibility, delivery, names, neutrality, privacy, voice
from tocsin.guardrails.accessibility import easy_read
from tocsin.guardrails.base import RULES, CheckContext, Rule, Text
from tocsin.models import (
    Channel,
    Draft,
    DraftRequest,
    Finding,
    GuardrailSettings,
    Measure,
    ParameterType,
    ParamValue,
    PhaseName,
    Playbook,
    Severity,
    StatementText,
)
from tocsin.render import render_draft

__all__ = [
    "RULES",
    "CheckContext",
    "Rule",
    "check_text",
    "checked_draft",
    "draft_context",
    "easy_read",
    "exit_code",
    "recheck",
    "warm_up",
]
_REGISTERED = (accessibility, delivery, neutrality, privacy, voice)  # each registers its rules

# Key messages get a plainer (« plus simple ») variant offered with the draft: every fact kept.
KEY_PHASES = frozenset({PhaseName.ACKNOWLEDGE, PhaseName.CLOSE})


def warm_up() -> None:
    """Load what the checks read once per process (spaCy's models, the polarity lexicons,
    textstat's word lists), so that the first draft a worker makes does not wait for them:
    about 8 s on two cores, more under load, against a draft activity's 15 s timeout."""
    from tocsin.guardrails import language

    language.french()
    names.warm_up()
    for lang in ("fr", "en", "de"):
        language.polarity(lang)
    importlib.import_module("textstat")  # its dictionaries load on import (about 0.5 s)


def check_text(text: str, ctx: CheckContext) -> list[Finding]:
    """Every finding of every enabled rule on one text, in the order of the text."""
    return _findings(Text.of(text, markup=ctx.channel in HTML_CHANNELS), ctx)


def _findings(read: Text, ctx: CheckContext) -> list[Finding]:
    found: dict[tuple[str, int, int, str], Finding] = {}
    for rule in RULES.values():
        if rule.id in ctx.settings.disable:
            continue
        severity = ctx.settings.severity.get(rule.id)
        for item in rule.check(read, ctx):
            if severity is not None:
                item = item.model_copy(update={"severity": severity})
            found.setdefault((item.rule, item.start, item.end, item.message), item)
    return sorted(found.values(), key=lambda f: (f.start, f.end, f.rule))


def exit_code(findings: Iterable[Finding]) -> int:
    """0 clean, 1 warnings only, 2 blocking."""
    severities = {f.severity for f in findings}
    if Severity.BLOCKING in severities:
        return 2
    return 1 if severities else 0


def _e164(number: str, region: str) -> str | None:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _domain(value: str) -> str:
    if "@" in value:
        return value.rsplit("@", 1)[1].lower()
    host = urlsplit(value if "://" in value else f"https://{value}").hostname or ""
    return host.lower().removeprefix("www.")


@dataclass(frozen=True)
class Official:
    hotlines: frozenset[str]
    domains: frozenset[str]
    names: frozenset[str]
    values: tuple[str, ...]

    def context(self, **values: Any) -> CheckContext:
        """A check context with what is the organisation's own filled in."""
        return CheckContext(
            hotlines=self.hotlines,
            official_domains=self.domains,
            allowed_names=self.names,
            known_values=self.values,
            **values,
        )


def official_context(
    playbook: Playbook | None, params: Mapping[str, ParamValue], settings: GuardrailSettings
) -> Official:
    """What is the organisation's own in a crisis: its hotlines and official numbers, its
    domains, the names that may appear, and the parameter values (never a person)."""
    timezone = playbook.timezone if playbook else "Europe/Paris"
    region = "LU" if timezone == "Europe/Luxembourg" else "FR"
    phones = list(settings.official_phones)
    domains = {d.lower().removeprefix("www.") for d in settings.official_domains}
    for name, value in params.items():
        param = playbook.parameter(name) if playbook else None
        kind = param.type if param else None
        if kind is ParameterType.PHONE:
            phones.append(str(value))
        elif kind in (ParameterType.URL, ParameterType.EMAIL):
            domains.add(_domain(str(value)))
    press = playbook.press_contact if playbook else None
    if press is not None:  # the press office is the organisation's own
        phones += [press.phone] if press.phone else []
        domains |= {_domain(press.email)} if press.email else set()
    hotlines = frozenset(filter(None, (_e164(p, region) for p in phones)))
    names = {n.lower() for n in settings.public_names}
    if playbook is not None:
        names |= {p.name.lower() for p in playbook.people.values()}
    known = tuple(str(v) for v in params.values() if isinstance(v, str) and 2 < len(v) < 200) + (
        (playbook.title,) if playbook else ()
    )
    return Official(hotlines, frozenset(d for d in domains if d), frozenset(names), known)


def draft_context(
    request: DraftRequest,
    channel: Channel,
    language: str,
    measure: Measure | None,
    own: Official | None = None,
) -> CheckContext:
    """The context of one text of a draft; ``own``: the draft's official context, when the
    caller already has it (it is the same for every text of a draft)."""
    playbook = request.playbook
    if own is None:
        own = official_context(playbook, request.params, request.guardrails)
    spec = playbook.phases.get(request.phase)
    return own.context(
        language=language,
        on=_local_day(request.now, playbook.timezone),
        channel=channel,
        phase=request.phase,
        exercise=request.exercise,
        next_update_at=request.next_update_at,
        timezone=playbook.timezone,
        measure=measure,
        media=tuple(spec.media) if spec else (),
        policy=playbook.guardrails,
        settings=request.guardrails,
    )


def _local_day(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def recheck(request: DraftRequest, texts: Iterable[StatementText]) -> list[Finding]:
    """The findings of ``texts`` as the draft of ``request`` would have them."""
    items = list(texts)
    own = official_context(request.playbook, request.params, request.guardrails)
    reads = [Text.of(item.text, markup=item.channel in HTML_CHANNELS) for item in items]
    if "R-PRIVACY" not in request.guardrails.disable:  # the rule that looks for persons
        french = zip(items, reads, strict=True)
        names.prime(read.plain for item, read in french if item.language == "fr")
    findings: list[Finding] = []
    for item, read in zip(items, reads, strict=True):
        ctx = draft_context(request, item.channel, item.language, item.measure, own)
        findings.extend(_findings(read, ctx))
    return findings


def checked_draft(request: DraftRequest) -> Draft:
    """The draft of a phase, every text checked, and the easy-to-read variant of a key
    message offered."""
    draft = render_draft(request)
    findings = recheck(request, draft.texts)
    offered: dict[str, str] = {}
    if request.phase in KEY_PHASES:
        for language in request.playbook.languages:
            texts = [t for t in draft.texts if t.language == language]
            source = next((t for t in texts if t.channel is Channel.WEBSITE), None) or max(
                texts, key=lambda t: len(t.text), default=None
            )
            if source is not None:
                offered[language] = easy_read(
                    source.text, markup=source.channel in HTML_CHANNELS, language=language
                )
    spec = request.playbook.phases.get(request.phase)
    return draft.model_copy(
        update={
            "findings": findings,
            "easy_read": offered,
            "media": list(spec.media) if spec else [],
        }
    )
