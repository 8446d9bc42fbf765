"""Rendering statements from Jinja2 templates, in the sandbox, with StrictUndefined.

For a channel and a phase, the first template found of
``<channel>/<phase>.<lang>.j2``, ``<channel>/<phase>.j2``, ``<channel>/default.<lang>.j2``,
``<channel>/default.j2`` is used (shared macros in ``templates/_shared/<lang>.j2``); see
``templates/README.md``. An organisation's folder is searched first, so it overrides one template
without copying the others. At trigger time the sources a playbook can use are snapshotted into
the workflow input, so that editing a template never changes a crisis already running.

The crisis's own words (``messages:`` in the playbook, per language) are rendered first with the
parameters, then handed to the channel templates as ``msg``.

Parameters and facts are data handed to the template, never template source: text like
``{{ ''.__class__ }}`` in a parameter comes out as that literal text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateNotFound
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tocsin.channels import HTML_CHANNELS, Markup, measure, profile
from tocsin.channels.spoken import for_the_ear
from tocsin.models import (
    Channel,
    ChannelSettings,
    Draft,
    DraftRequest,
    Fact,
    ParamValue,
    PhaseName,
    Playbook,
    StatementText,
)
from tocsin.sandbox import Environments, environments_for
from tocsin.typography import typeset

SHARED_FOLDER = "_shared"
DEFAULT_TEMPLATE = "default"
RESERVED_NAMES = frozenset(
    {
        "crisis",
        "phase",
        "sequence",
        "facts",
        "now",
        "detected_at",
        "next_update",
        "exercise",
        "resolution",
        "retraction",
        "lang",
        "channel",
        "playbook",
        "msg",
        "numero",
        "court",
        "limit",
        "timezone",
        "contact_presse",
    }
)

SHORTER = (0, 1, 2)  # the values of ``court``: as written, shorter, shortest
EXERCISE_LABEL = {"fr": "EXERCICE", "en": "EXERCISE", "de": "ÜBUNG"}


class RenderError(Exception):
    """A template could not be rendered: names the template, the line and the problem."""

    def __init__(self, template: str, line: int | None, problem: str) -> None:
        where = f"{template}:{line}" if line else template
        super().__init__(f"{where}: {problem}")
        self.template = template
        self.line = line
        self.problem = problem


def template_candidates(channel: Channel, name: str, language: str, phase: PhaseName) -> list[str]:
    """Where the template for ``name`` is looked for, most specific first. A template named
    after its phase falls back to the channel's ``default`` template; one named explicitly in
    the playbook does not."""
    names = [name, DEFAULT_TEMPLATE] if name == phase.value else [name]
    return [
        path
        for candidate in names
        for path in (
            f"{channel.value}/{candidate}.{language}.j2",
            f"{channel.value}/{candidate}.j2",
        )
    ]


def find_template(
    sources: Mapping[str, str], channel: Channel, name: str, language: str, phase: PhaseName
) -> str | None:
    return next(
        (p for p in template_candidates(channel, name, language, phase) if p in sources), None
    )


def snapshot_templates(playbook: Playbook, folders: Iterable[Path]) -> dict[str, str]:
    """Every template source the playbook may use, resolved through the override order."""
    wanted_channels = {c.value for c in playbook.channels}
    sources: dict[str, str] = {}
    for folder in reversed(list(folders)):  # later folders are overridden by earlier ones
        if not folder.is_dir():
            continue
        for file in sorted(folder.rglob("*.j2")):
            rel = file.relative_to(folder).as_posix()
            top = rel.split("/", 1)[0]
            language = _language_of(rel)
            if top == SHARED_FOLDER or (
                top in wanted_channels and (not language or language in playbook.languages)
            ):
                sources[rel] = file.read_text(encoding="utf-8")
    return sources


def _language_of(path: str) -> str:
    """``x/acknowledge.fr.j2`` is French; ``x/default.j2`` serves every language."""
    parts = path.rsplit("/", 1)[-1].split(".")
    return parts[-2] if len(parts) == 3 else ""


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", out)


def render_statement(
    env: ImmutableSandboxedEnvironment,
    template: str,
    context: Mapping[str, Any],
) -> str:
    try:
        tmpl = env.get_template(template)
        return _tidy(tmpl.render(**context))
    except TemplateNotFound as exc:
        raise RenderError(
            template, None, f"gabarit introuvable / template not found: {exc.name}"
        ) from exc
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        name = getattr(exc, "name", None) or getattr(exc, "filename", None) or template
        if line is None:
            name, line = _template_frame(exc, str(name))
        raise RenderError(str(name), line, str(exc.message or exc)) from exc
    except (ValueError, TypeError, ArithmeticError) as exc:
        # A filter given the wrong kind of value (« heure » on a text that is not a date).
        name, line = _template_frame(exc, template)
        raise RenderError(name, line, f"{type(exc).__name__}: {exc}") from exc


def _template_frame(exc: BaseException, default: str) -> tuple[str, int | None]:
    """Where a runtime error (an undefined variable) happened: Jinja2 rewrites the traceback so
    that template frames carry the template's name and line; the innermost one is the culprit."""
    found: tuple[str, int | None] = (default, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def statement_context(
    *,
    playbook: Playbook,
    params: Mapping[str, ParamValue],
    facts: list[Fact],
    phase: PhaseName,
    sequence: int,
    language: str,
    channel: Channel | None,
    now: datetime,
    detected_at: datetime,
    next_update_at: datetime | None,
    exercise: bool,
    resolution: str,
    number: int = 1,
    retraction: str = "",
) -> dict[str, Any]:
    context: dict[str, Any] = dict(params)
    context.update(
        crisis={"title": playbook.title, "id": playbook.id},
        playbook={"title": playbook.title, "id": playbook.id},
        phase=phase.value,
        sequence=sequence,
        facts=[fact.text for fact in facts],
        now=now,
        detected_at=detected_at,
        next_update=next_update_at,
        exercise=exercise,
        resolution=resolution,
        retraction=retraction,
        lang=language,
        channel=channel.value if channel else "",
        timezone=playbook.timezone,
        numero=number,
        court=False,
        contact_presse=_press_contact(playbook),
    )
    return context


def _press_contact(playbook: Playbook) -> dict[str, str] | None:
    """The press office for the press release (``contact_presse.nom``, ``.telephone``,
    ``.courriel``); none when the playbook gives none, and the release falls back on the
    hotline."""
    found = playbook.press_contact
    if found is None:
        return None
    return {"nom": found.name, "telephone": found.phone or "", "courriel": found.email or ""}


def render_messages(
    envs: Environments,
    playbook: Playbook,
    language: str,
    context: Mapping[str, Any],
) -> dict[str, Any]:
    """The playbook's own words for ``language``, with the parameters filled in.

    Each message is template source written by whoever maintains the playbook; parameters and
    facts are only values in it. Its errors are reported as ``messages.<lang>.<key>``.
    """
    rendered: dict[str, Any] = {}
    for key, value in playbook.messages.get(language, {}).items():
        name = f"messages.{language}.{key}"
        if isinstance(value, list):
            rendered[key] = [
                _render_source(envs, f"{name}.{i}", item, context) for i, item in enumerate(value)
            ]
        else:
            rendered[key] = _render_source(envs, name, value, context)
    return rendered


def _render_source(envs: Environments, name: str, source: str, context: Mapping[str, Any]) -> str:
    try:
        return " ".join(envs.message(source).render(**context).split())
    except TemplateError as exc:
        raise RenderError(name, None, str(exc.message or exc)) from exc
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise RenderError(name, None, f"{type(exc).__name__}: {exc}") from exc


def _with_exercise_label(text: str, language: str, channel: Channel) -> str:
    """Mark a drill's statement so that nobody can take it for a real alert."""
    label = EXERCISE_LABEL.get(language, "EXERCICE")
    if text.lstrip().upper().startswith(label):
        return text
    if channel in HTML_CHANNELS:
        if "<body>" in text:
            return text.replace(
                "<body>", f'<body>\n<p class="exercice"><strong>{label}</strong></p>', 1
            )
        return f"<p><strong>{label}</strong></p>\n{text}"
    if "\n" in text:
        return f"{label}\n\n{text}"
    return f"{label} – {text}"


def prepared_text(
    env: ImmutableSandboxedEnvironment,
    template: str,
    context: Mapping[str, Any],
    channel: Channel,
    language: str,
    exercise: bool,
    *,
    short: int,
) -> str:
    """One variant of a text as it will be sent: rendered, set in its language's typography
    (``tocsin.typography``), written for the ear when it is read aloud, labelled as a drill,
    and prepared for its channel.

    A script read aloud (hotline, radio) names the site as the playbook's ``site_oral`` message
    says it, never spells it out; dates, times and units are written as they are said. SMS and
    cell broadcast turn French spaces into plain ones (GSM-7)."""
    text = typeset(render_statement(env, template, {**context, "court": short}), language)
    if profile(channel).markup is Markup.SPOKEN:
        said = str(context.get("msg", {}).get("site_oral", ""))
        text = for_the_ear(text, language, said)
    if exercise:
        text = _with_exercise_label(text, language, channel)
    # Prepared after the label, so that the label's dash is GSM-7 too on SMS.
    return profile(channel).prepare(text)


def render_text(
    env: ImmutableSandboxedEnvironment,
    template: str,
    context: Mapping[str, Any],
    channel: Channel,
    language: str,
    exercise: bool,
    overrides: Mapping[Channel, ChannelSettings],
) -> StatementText:
    """One channel in one language, prepared as sent and measured as the platform counts.

    A text over its channel's limit is rendered again with ``court`` 1, then 2 (each level
    drops more: the bundled templates drop the hashtag and the explanation, then word the first
    message as the alert does); the variant that measures least is kept if it is shorter.
    Nothing is ever cut.
    """
    chosen: StatementText | None = None
    for short in SHORTER:
        text = prepared_text(env, template, context, channel, language, exercise, short=short)
        found = measure(channel, text, overrides)
        item = StatementText(
            channel=channel,
            language=language,
            text=text,
            measure=found,
            variant="court" if short else "",
        )
        if chosen is None or (
            item.text != chosen.text
            and chosen.measure is not None
            and found.count < chosen.measure.count
        ):
            chosen = item
        if found.fits:
            break
    assert chosen is not None
    return chosen


@dataclass(frozen=True)
class Slot:
    """One text of a draft before it is rendered: its channel and language, the compiled
    template and everything the template is given."""

    channel: Channel
    language: str
    env: ImmutableSandboxedEnvironment
    template: str
    context: dict[str, Any]


def draft_slots(request: DraftRequest) -> Iterator[Slot]:
    """Every channel in every language of a phase, ready to render."""
    envs = environments_for(request.templates)
    playbook = request.playbook
    for language in playbook.languages:
        base = statement_context(
            playbook=playbook,
            params=request.params,
            facts=request.facts,
            phase=request.phase,
            sequence=request.sequence,
            language=language,
            channel=None,
            now=request.now,
            detected_at=request.detected_at,
            next_update_at=request.next_update_at,
            exercise=request.exercise,
            resolution=request.resolution,
            number=request.number,
            retraction=request.retraction,
        )
        base["msg"] = render_messages(envs, playbook, language, base)
        for channel, name in playbook.statement_templates(request.phase).items():
            template = find_template(request.templates, channel, name, language, request.phase)
            if template is None:
                raise RenderError(
                    template_candidates(channel, name, language, request.phase)[0],
                    None,
                    "gabarit introuvable / template not found",
                )
            context = {**base, "channel": channel.value, "limit": profile(channel).limit}
            yield Slot(channel, language, envs.for_channel(channel), template, context)


def render_draft(request: DraftRequest) -> Draft:
    """Render every channel in every language for one phase. Pure: no clock, no I/O."""
    playbook = request.playbook
    texts = [
        render_text(
            slot.env,
            slot.template,
            slot.context,
            slot.channel,
            slot.language,
            request.exercise,
            playbook.channel_settings,
        )
        for slot in draft_slots(request)
    ]
    order = {channel: i for i, channel in enumerate(playbook.channels)}
    texts.sort(
        key=lambda item: (order.get(item.channel, 99), playbook.languages.index(item.language))
    )
    return Draft(
        phase=request.phase,
        sequence=request.sequence,
        revision=request.revision,
        author=request.author,
        drafted_at=request.now,
        next_update_at=request.next_update_at,
        texts=texts,
        note=request.note,
    )
