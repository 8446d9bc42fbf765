"""``tocsin check``: any text a communicator pastes, checked outside any crisis, against the
channel's limit and every guardrail rule; with ``--jsonl``, a whole content calendar or corpus,
one statement a line, in one process (the language models load once)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

import click
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    loaded: Playbook | None = None,
) -> CheckOutcome:
    """Check ``text`` as a statement for ``channel`` in ``language``. With a playbook, its
    hotlines and sites (its example values) are official, its tone and channel settings apply;
    ``loaded``: that playbook, when the caller has already read it."""
    settings = library.guardrail_settings()
    found: Playbook | None = loaded or (library.load(playbook).playbook if playbook else None)
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


# --------------------------------------------------------------------------- JSON Lines

MAX_LINES = 10_000  # a year of a content calendar, several times over
MAX_TEXT_CHARS = 100_000  # a statement, a press release included, is far shorter
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class CheckLine(BaseModel):
    """One line of ``tocsin check --jsonl``: a statement and what it is checked as. A field
    left out takes the command's option (``--channel``, ``--lang``, ``--date``, ``--playbook``,
    ``--phase``, ``--exercise``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(default=None, min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    channel: Channel | None = None
    lang: Literal["fr", "en", "de"] | None = None
    date: str | None = Field(default=None, pattern=_DAY.pattern)
    playbook: str | None = Field(default=None, min_length=1, max_length=100)
    phase: PhaseName | None = None
    exercise: bool | None = None


class LineProblem(ValueError):
    """A line of the input that cannot be checked: its number and what is wrong with it."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"{line}: {problem}")
        self.line = line
        self.problem = problem


def _problem(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in error['loc']) or '-'} : {error['msg']}"
        for error in exc.errors()[:3]
    )


def read_lines(
    data: str, playbooks: Iterable[str], channel: Channel | None
) -> list[tuple[int, CheckLine]]:
    """Every non-blank line of ``data`` as a statement to check, with its line number; the
    first line that is not a JSON object with the fields of :class:`CheckLine` raises
    :class:`LineProblem`, before anything is checked. ``playbooks``: the ids a line may name;
    ``channel``: the command's, for lines without one."""
    known = set(playbooks)
    found: list[tuple[int, CheckLine]] = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        if len(found) >= MAX_LINES:
            raise LineProblem(number, t("err.jsonl_too_many", limit=MAX_LINES))
        try:
            value = json.loads(raw)
        except json.JSONDecodeError as exc:
            problem = t("err.jsonl_json", problem=exc.msg, column=exc.colno)
            raise LineProblem(number, problem) from None
        if not isinstance(value, dict):
            raise LineProblem(number, t("err.jsonl_object"))
        try:
            line = CheckLine.model_validate(value)
        except ValidationError as exc:
            raise LineProblem(number, _problem(exc)) from None
        if not line.text.strip():
            raise LineProblem(number, t("err.jsonl_empty"))
        if line.channel is None and channel is None:
            raise LineProblem(number, t("err.jsonl_channel"))
        if line.date is not None:
            try:
                date.fromisoformat(line.date)
            except ValueError:
                raise LineProblem(number, t("err.check_date", value=line.date)) from None
        if line.playbook is not None and line.playbook not in known:
            raise LineProblem(
                number,
                t("err.unknown_playbook", name=line.playbook, available=", ".join(sorted(known))),
            )
        found.append((number, line))
    return found


@dataclass(frozen=True)
class Defaults:
    """The command's options, for the fields a line leaves out."""

    channel: Channel | None
    language: str
    day: str | None
    playbook: str | None
    phase: PhaseName | None
    exercise: bool


def check_lines(
    library: PlaybookLibrary, lines: list[tuple[int, CheckLine]], defaults: Defaults
) -> Iterator[tuple[int, CheckLine, CheckOutcome]]:
    """Each line checked as ``tocsin check`` would check it alone; each playbook read once."""
    loaded: dict[str, Playbook] = {}
    for number, line in lines:
        channel = line.channel or defaults.channel
        assert channel is not None  # read_lines refuses a line without one
        name = line.playbook or defaults.playbook
        if name is not None and name not in loaded:
            loaded[name] = library.load(name).playbook
        outcome = check_command(
            library,
            line.text,
            channel=channel,
            language=line.lang or defaults.language,
            day=line.date or defaults.day,
            playbook=name,
            phase=line.phase or defaults.phase,
            exercise=defaults.exercise if line.exercise is None else line.exercise,
            loaded=loaded[name] if name is not None else None,
        )
        yield number, line, outcome
