"""``tocsin preview``: every channel and language of a phase, rendered without Temporal.

The same rendering as the workflow's draft activity, from the same snapshot of templates, so
that what a communicator previews is what the director will be asked to approve.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from tocsin.channels import PROFILES
from tocsin.channels.base import Markup
from tocsin.channels.documents import markdown_to_html
from tocsin.guardrails import checked_draft
from tocsin.i18n import language, t
from tocsin.models import (
    PHASE_ORDER,
    Channel,
    Draft,
    DraftRequest,
    GuardrailSettings,
    Measure,
    PhaseName,
)
from tocsin.playbook import LoadedPlaybook
from tocsin.playbook.samples import sample_request
from tocsin.render import snapshot_templates

BAR_WIDTH = 20


def publishing_phases(loaded: LoadedPlaybook) -> list[PhaseName]:
    return [p for p in PHASE_ORDER if loaded.playbook.statement_templates(p)]


def preview_drafts(
    loaded: LoadedPlaybook,
    template_folders: list[Path],
    given: Mapping[str, str],
    phases: list[PhaseName],
    *,
    exercise: bool = False,
    facts: list[str] | None = None,
    now: datetime | None = None,
    guardrails: GuardrailSettings | None = None,
) -> list[Draft]:
    """Drafts for ``phases``, checked by the guardrails; missing parameters take the
    playbook's examples."""
    requests = preview_requests(
        loaded,
        template_folders,
        given,
        phases,
        exercise=exercise,
        facts=facts,
        now=now,
        guardrails=guardrails,
    )
    return [checked_draft(request) for request in requests]


def preview_requests(
    loaded: LoadedPlaybook,
    template_folders: list[Path],
    given: Mapping[str, str],
    phases: list[PhaseName],
    *,
    exercise: bool = False,
    facts: list[str] | None = None,
    now: datetime | None = None,
    guardrails: GuardrailSettings | None = None,
) -> list[DraftRequest]:
    """What the draft activity would be given for ``phases``, as the workflow builds it."""
    templates = snapshot_templates(loaded.playbook, template_folders)
    moment = now or datetime.now(UTC)
    return [
        sample_request(
            loaded.playbook,
            templates,
            phase,
            now=moment,
            given=given,
            facts=facts or [],
            exercise=exercise,
            number=number,
            guardrails=guardrails,
        )
        for number, phase in enumerate(phases, 1)
    ]


def ratio(found: Measure) -> float | None:
    return None if found.limit is None else found.count / found.limit


def bar(found: Measure) -> tuple[str, str]:
    """A text bar of the count against the limit, and its colour."""
    share = ratio(found)
    if share is None:
        return "·" * BAR_WIDTH, "blue"
    filled = min(BAR_WIDTH, round(share * BAR_WIDTH))
    colour = "red" if share > 1 else ("yellow" if share > 0.8 else "green")
    return "█" * filled + "░" * (BAR_WIDTH - filled), colour


def summary(found: Measure) -> str:
    limit = f" / {found.limit}" if found.limit is not None else ""
    detail = f" — {found.detail}" if found.detail else ""
    return f"{found.count}{limit} {found.unit}{detail}"


def phase_title(phase: PhaseName, sequence: int) -> str:
    """The phase as people call it: « Premier message », « Point de situation n° 3 »."""
    return t(f"phase.{phase.value}", number=sequence)


def text_rows(drafts: list[Draft]) -> list[dict[str, object]]:
    """Every text with its phase, channel, language, count, limit, unit and findings: what
    ``tocsin preview --json`` prints."""
    rows: list[dict[str, object]] = []
    for draft in drafts:
        for item in draft.texts:
            found = item.measure
            assert found is not None
            rows.append(
                {
                    "phase": draft.phase.value,
                    "sequence": draft.sequence,
                    "channel": item.channel.value,
                    "language": item.language,
                    "variant": item.variant,
                    "text": item.text,
                    "count": found.count,
                    "limit": found.limit,
                    "unit": found.unit,
                    "fits": found.fits,
                    "problems": found.problems,
                    "findings": [
                        f.model_dump(mode="json")
                        for f in draft.findings
                        if f.channel == item.channel and f.language == item.language
                    ],
                }
            )
    return rows


_PAGES = Environment(
    loader=PackageLoader("tocsin", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    undefined=StrictUndefined,
)


def _page_of(channel: Channel, text: str) -> str | None:
    """What a browser shows of a document channel: the website's and the poster's HTML, the
    press release's Markdown rendered; None for the texts shown as they are."""
    markup = PROFILES[channel].markup
    if markup is Markup.HTML:
        return text
    if markup is Markup.MARKDOWN:
        return f'<!DOCTYPE html><meta charset="utf-8">{markdown_to_html(text)}'
    return None


def html_page(title: str, drafts: list[Draft]) -> str:
    """A self-contained page showing every text as the public will see it: the documents
    rendered (each in a sandboxed frame: no script runs), the posts as they read, each with its
    count against its limit and the guardrails' findings."""
    english = language() == "en"
    phases = []
    for draft in drafts:
        texts = []
        for item in draft.texts:
            found = item.measure
            assert found is not None
            share = ratio(found)
            texts.append(
                {
                    "channel": item.channel.value,
                    "language": item.language,
                    "label": PROFILES[item.channel].label,
                    "variant": item.variant,
                    "state": "over"
                    if not found.fits
                    else ("near" if share and share > 0.8 else "ok"),
                    "width": None if share is None else min(100, round(share * 100)),
                    "count": summary(found),
                    "problems": found.problems,
                    "findings": [
                        {
                            "rule": f.rule,
                            "severity": f.severity.value,
                            "severity_label": t(f"severity.{f.severity.value}"),
                            "message": f.message_en if english else f.message,
                            "fix": f.fix_en if english else f.fix,
                        }
                        for f in draft.findings
                        if f.channel == item.channel and f.language == item.language
                    ],
                    "page": _page_of(item.channel, item.text),
                    "spoken": PROFILES[item.channel].markup is Markup.SPOKEN,
                    "text": item.text,
                }
            )
        phases.append(
            {
                "label": phase_title(draft.phase, draft.sequence),
                "anchor": draft.phase.value,
                "texts": texts,
                "easy_read": sorted(draft.easy_read.items()),
            }
        )
    labels = {
        "title": t("preview.page_title"),
        "lead": t("preview.page_lead"),
        "short": t("preview.page_short"),
        "easy_read": t("preview.page_easy_read"),
    }
    return _PAGES.get_template("preview.html.j2").render(
        lang=language(), title=title, phases=phases, L=labels
    )
