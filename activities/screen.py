"""R-PRIVACY at entry: what a person sends a crisis (a fact, a comment, a note) is screened for
personal data before it enters the crisis's state, its drafts, its notices and its review.

The rule is the guardrails' own (``tocsin.guardrails.privacy``), run as the organisation tunes
it (``TOCSIN_GUARDRAILS``: disabled, or its severity changed), in the crisis's official context
(its hotlines, domains and public names are not personal data).
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from tocsin.guardrails import official_context
from tocsin.guardrails.base import RULES, Text
from tocsin.models import Finding, Severity
from tocsin.models.workflow import ScreenRequest

RULE = "R-PRIVACY"


def personal_data(request: ScreenRequest) -> list[Finding]:
    """The blocking R-PRIVACY findings of every text of ``request``, in order."""
    settings = request.guardrails
    if RULE in settings.disable:
        return []
    playbook = request.playbook
    own = official_context(playbook, request.params, settings)
    ctx = own.context(
        language=playbook.languages[0] if playbook.languages else "fr",
        on=_day(request),
        timezone=playbook.timezone,
        policy=playbook.guardrails,
        settings=settings,
    )
    severity = settings.severity.get(RULE)
    found: list[Finding] = []
    for text in request.texts:
        for item in RULES[RULE].check(Text.of(text), ctx):
            if severity is not None:
                item = item.model_copy(update={"severity": severity})
            if item.severity is Severity.BLOCKING:
                found.append(item)
    return found


def _day(request: ScreenRequest) -> date:
    return request.now.astimezone(ZoneInfo(request.playbook.timezone)).date()
