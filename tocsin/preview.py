"""``tocsin preview``: every channel and language of a phase, rendered without Temporal.

The same rendering as the workflow's draft activity, from the same snapshot of templates, so
that what a communicator previews is what the director will be asked to approve.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from tocsin.channels import PROFILES
from tocsin.guardrails import checked_draft
from tocsin.models import PHASE_ORDER, Draft, DraftRequest, GuardrailSettings, Measure, PhaseName
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


def html_page(title: str, drafts: list[Draft]) -> str:
    """A self-contained page showing every text as it will go out, with its count."""
    rows = []
    for draft in drafts:
        rows.append(f"<h2>{html.escape(draft.phase.value)}</h2>")
        for item in draft.texts:
            found = item.measure
            assert found is not None
            share = ratio(found)
            width = 100 if share is None else min(100, round(share * 100))
            state = "over" if not found.fits else ("near" if share and share > 0.8 else "ok")
            label = PROFILES[item.channel].label
            problems = "".join(f"<li>{html.escape(p)}</li>" for p in found.problems)
            rows.append(
                f'<section class="{state}"><h3>{html.escape(label)} · {item.language}'
                f"{' · variante courte' if item.variant else ''}</h3>"
                f'<div class="bar"><span style="width:{width}%"></span></div>'
                f'<p class="count">{html.escape(summary(found))}</p>'
                f"<ul>{problems}</ul><pre>{html.escape(item.text)}</pre></section>"
            )
    body = "\n".join(rows)
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Aperçu – {html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; }}
section {{ border: 1px solid #ccc; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }}
section.over {{ border-color: #c00; }}
.bar {{ background: #eee; height: .6rem; border-radius: 3px; }}
.bar span {{ display: block; height: 100%; background: #2a7; border-radius: 3px; }}
.near .bar span {{ background: #e90; }} .over .bar span {{ background: #c00; }}
pre {{ white-space: pre-wrap; background: #fafafa; padding: .5rem; }}
</style></head><body><h1>Aperçu – {html.escape(title)}</h1>
{body}
</body></html>
"""
