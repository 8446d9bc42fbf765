"""``tocsin check``: any text a communicator pastes, checked outside any crisis, against the
channel's limit and every guardrail rule."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import click

from tocsin.channels import measure, profile
from tocsin.guardrails import RULES, check_text, exit_code, official_context
from tocsin.i18n import language, t
from tocsin.models import Channel, Finding, GuardrailsPolicy, Measure, PhaseName, Playbook
from tocsin.playbook import PlaybookLibrary
from tocsin.playbook.settings import merge_channel_settings
from tocsin.preview import bar, summary


@dataclass(frozen=True)
class CheckOutcome:
    channel: Channel
    language: str
    text: str
    measure: Measure
    findings: list[Finding]

    @property
    def code(self) -> int:
        return exit_code(self.findings)

    def as_json(self) -> dict[str, object]:
        lang = language()
        return {
            "channel": self.channel.value,
            "language": self.language,
            "count": self.measure.count,
            "limit": self.measure.limit,
            "unit": self.measure.unit,
            "findings": [
                {
                    "rule": f.rule,
                    "severity": f.severity.value,
                    "start": f.start,
                    "end": f.end,
                    "excerpt": f.excerpt,
                    "message": f.text(lang)[0],
                    "fix": f.text(lang)[1],
                }
                for f in self.findings
            ],
        }

    def show(self, print_findings: Callable[[list[Finding]], None]) -> None:
        shape, colour = bar(self.measure)
        click.echo(
            f"{self.channel.value} · {self.language}  {click.style(shape, fg=colour)}  "
            f"{summary(self.measure)}"
        )
        print_findings(self.findings)
        blocking = sum(1 for f in self.findings if f.severity.value == "blocking")
        key = "check.clean" if not self.findings else "check.summary"
        click.echo(t(key, blocking=blocking, warnings=len(self.findings) - blocking))


def _day(value: str | None, timezone: str) -> date:
    if value is None:
        return datetime.now(ZoneInfo(timezone)).date()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(t("err.check_date", value=value), param_hint="--date") from exc


def check_command(
    library: PlaybookLibrary,
    text: str,
    *,
    channel: Channel,
    language: str,
    day: str | None,
    playbook: str | None,
    phase: PhaseName | None,
    exercise: bool,
) -> CheckOutcome:
    """Check ``text`` as a statement for ``channel`` in ``language``. With a playbook, its
    hotlines and sites (its example values) are official, its tone and channel settings apply."""
    settings = library.guardrail_settings()
    found: Playbook | None = library.load(playbook).playbook if playbook else None
    timezone = found.timezone if found else "Europe/Paris"
    own = official_context(found, found.sample_parameters() if found else {}, settings)
    channel_settings = merge_channel_settings(
        library.channel_settings(), found.channel_settings if found else {}
    )
    prepared = profile(channel).prepare(text)
    measured = measure(channel, prepared, channel_settings)
    ctx = own.context(
        language=language,
        on=_day(day, timezone),
        channel=channel,
        phase=phase,
        exercise=exercise,
        timezone=timezone,
        measure=measured,
        policy=found.guardrails if found else GuardrailsPolicy(),
        settings=settings,
    )
    return CheckOutcome(channel, language, text, measured, check_text(text, ctx))


def print_rules(*, as_json: bool) -> None:
    """Every rule: its id, default severity, title, source and what it checks."""
    english = language() == "en"
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "rule": r.id,
                        "severity": r.severity.value,
                        "title": r.title_en if english else r.title,
                        "source": r.source,
                        "doc": r.doc,
                    }
                    for r in RULES.values()
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for item in sorted(RULES.values(), key=lambda r: r.id):
        title = item.title_en if english else item.title
        click.echo(click.style(f"{item.id}  {title}", bold=True) + f"  ({item.severity.value})")
        click.echo(f"    {item.doc}")
        click.echo(click.style(f"    {item.source}", dim=True))
