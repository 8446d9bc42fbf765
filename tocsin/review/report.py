"""The review as text people read: the summary (console, Slack) and Markdown (the wiki)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tocsin.i18n import t
from tocsin.review.model import Announcement, Event, Kind, PhaseReview, Review


def human(value: timedelta | None) -> str:
    """``timedelta(minutes=125)`` -> ``2 h 05``; ``45 s``; ``3 j 4 h``; ``-`` for none."""
    if value is None:
        return "-"
    sign = "-" if value < timedelta(0) else ""
    seconds = int(abs(value).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days} {t('unit.day')} {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes:02d}"
    if minutes:
        return f"{sign}{minutes} min" + (f" {secs:02d} s" if minutes < 10 and secs else "")
    return f"{sign}{secs} s"


def local(moment: datetime | None, zone: str, *, seconds: bool = False) -> str:
    if moment is None:
        return "-"
    shown = moment.astimezone(ZoneInfo(zone))
    return shown.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def status_line(review: Review) -> str:
    zone = review.timezone
    figures = review.figures
    if review.status == "closed":
        state = t("review.closed_at", at=local(review.closed_at, zone))
    elif review.status == "cancelled":
        state = t("review.cancelled", reason=review.cancel_reason or "-")
    elif review.status == "failed":
        state = t("review.failed")
    else:
        state = t("review.running", at=local(review.as_of, zone))
    return t(
        "review.state",
        state=state,
        detected=local(review.detected_at, zone),
        who=review.detected_by.name,
        duration=human(figures.duration),
    )


def cadence_line(review: Review) -> str:
    figures = review.figures
    if figures.cadence is None:
        return t("review.no_cadence")
    return t(
        "review.cadence",
        every=human(figures.cadence),
        kept=figures.cadence_kept,
        late=figures.cadence_late,
        missed=figures.cadence_missed,
        tolerance=human(figures.cadence_tolerance),
    )


def phase_line(phase: PhaseReview) -> str:
    outcome = t(f"review.outcome.{phase.outcome}")
    parts = [f"{phase.label:<14} {outcome}"]
    if phase.approved_revision is not None:
        parts.append(f"r{phase.approved_revision}")
    if phase.approver is not None:
        parts.append(
            t("review.approved_by", who=phase.approver.label(), wait=human(phase.approval_wait))
        )
    elif phase.asked_at is not None and phase.outcome == "open":
        parts.append(t("review.waiting", wait=human(phase.approval_wait)))
    extra = []
    if phase.change_requests:
        extra.append(t("review.n_changes", n=phase.change_requests))
    if phase.rejections:
        extra.append(t("review.n_rejections", n=phase.rejections))
    if phase.escalations:
        extra.append(t("review.n_escalations", n=phase.escalations))
    if phase.overrides:
        extra.append(t("review.n_overrides", n=phase.overrides))
    if phase.deadline_status in ("met", "missed", "open"):
        extra.append(t(f"review.deadline.{phase.deadline_status}"))
    if extra:
        parts.append("(" + ", ".join(extra) + ")")
    return "  ".join(parts)


def summary(review: Review) -> str:
    """What a director reads first: a dozen lines."""
    figures = review.figures
    title = review.title + (f" [{t('status.exercise')}]" if review.exercise else "")
    channels = ", ".join(f"{k} {v}" for k, v in figures.per_channel.items()) or "-"
    lines = [
        t("review.title", title=title, crisis=review.crisis_id),
        status_line(review),
        t(
            "review.first",
            approval=human(figures.to_first_approval),
            publication=human(figures.to_first_publication),
        ),
        t("review.published", statements=figures.statements, texts=figures.texts, per=channels),
        t(
            "review.counts",
            revisions=figures.revisions,
            changes=figures.change_requests,
            rejections=figures.rejections,
            escalations=figures.escalations,
            reminders=figures.reminders,
            overrides=figures.overrides,
        ),
        t(
            "review.deadlines",
            met=figures.deadlines_met,
            missed=figures.deadlines_missed,
            open=figures.deadlines_open,
        ),
        cadence_line(review),
        t(
            "review.waits",
            total=human(figures.approval_wait),
            longest=human(figures.longest_approval_wait),
            phase=figures.longest_wait_phase or "-",
            silence=human(figures.longest_silence),
        ),
        t("review.phases"),
        *(f"  {phase_line(p)}" for p in review.phases),
    ]
    for event in review.events:
        if event.kind is Kind.OVERRIDDEN and event.override is not None and event.who:
            lines.append(
                t(
                    "review.override_line",
                    label=event.label,
                    rules=", ".join(event.override.rules),
                    who=event.who.label(),
                    reason=event.override.justification,
                )
            )
    return "\n".join(lines)


def event_text(event: Event) -> str:
    """One timeline line's words, after its time."""
    parts = [t(f"review.kind.{event.kind.value}")]
    if event.label:
        parts.append(event.label + (f" r{event.revision}" if event.revision else ""))
    if event.who is not None:
        parts.append(event.who.label())
    if event.to:
        parts.append("→ " + ", ".join(w.label() for w in event.to))
    if event.role and event.kind is Kind.ESCALATED:
        parts.append(f"[{event.role}]")
    if event.channel is not None:
        parts.append(f"{event.channel.value}.{event.language}")
    if event.kind is Kind.PUBLISHED:
        return " · ".join(parts)
    if event.edits:
        parts.append(t("review.n_edits", n=len(event.edits)))
    if event.findings:
        blocking = sum(1 for f in event.findings if f.severity.value == "blocking")
        parts.append(t("review.n_findings", n=len(event.findings), blocking=blocking))
    if event.detail:
        parts.append(f"« {event.detail} »" if event.kind is not Kind.DETECTED else event.detail)
    return " · ".join(parts)


def announcement_row(item: Announcement, zone: str) -> list[str]:
    return [
        item.made_in,
        local(item.announced_for, zone),
        item.next_statement or "-",
        local(item.published_at, zone),
        human(item.delay),
        t(f"review.cadence.{item.status}"),
    ]


def figure_rows(review: Review) -> list[tuple[str, str]]:
    f = review.figures
    cadence = human(f.cadence) if f.cadence is not None else "-"
    return [
        (t("review.fig.to_first_approval"), human(f.to_first_approval)),
        (t("review.fig.to_first_publication"), human(f.to_first_publication)),
        (t("review.fig.duration"), human(f.duration)),
        (t("review.fig.statements"), str(f.statements)),
        (t("review.fig.texts"), str(f.texts)),
        (t("review.fig.revisions"), str(f.revisions)),
        (t("review.fig.change_requests"), str(f.change_requests)),
        (t("review.fig.rejections"), str(f.rejections)),
        (t("review.fig.escalations"), str(f.escalations)),
        (t("review.fig.reminders"), str(f.reminders)),
        (t("review.fig.overrides"), str(f.overrides)),
        (t("review.fig.refusals"), str(f.refusals)),
        (t("review.fig.facts"), str(f.facts)),
        (
            t("review.fig.deadlines"),
            f"{f.deadlines_met} / {f.deadlines_missed} / {f.deadlines_open}",
        ),
        (t("review.fig.approval_wait"), human(f.approval_wait)),
        (
            t("review.fig.longest_wait"),
            f"{human(f.longest_approval_wait)} ({f.longest_wait_phase or '-'})",
        ),
        (t("review.fig.cadence"), cadence),
        (t("review.fig.cadence_kept"), f"{f.cadence_kept} / {f.cadence_late} / {f.cadence_missed}"),
        (t("review.fig.silence"), human(f.longest_silence)),
    ]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    def cell(value: str) -> str:
        return value.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return lines


def markdown(review: Review) -> str:
    """The whole report for a wiki: figures, phases, decisions, cadence, timeline, texts."""
    zone = review.timezone
    out = [f"# {t('review.title', title=review.title, crisis=review.crisis_id)}", ""]
    if review.exercise:
        out += [f"> **{t('status.exercise')}**", ""]
    out += [f"## {t('review.h.summary')}", "", "```", summary(review), "```", ""]
    out += [f"## {t('review.h.figures')}", ""]
    out += _table(
        [t("review.col.figure"), t("review.col.value")], [list(r) for r in figure_rows(review)]
    )
    out += [""]
    out += [f"## {t('review.h.phases')}", ""]
    out += _table(
        [t(f"review.col.{c}") for c in PHASE_COLUMNS],
        [phase_row(p, zone) for p in review.phases],
    )
    out += ["", f"## {t('review.h.decisions')}", ""]
    out += _table(
        [t(f"review.col.{c}") for c in DECISION_COLUMNS],
        [
            [
                local(d.decided_at, zone),
                f"{d.phase.value}{f'-{d.sequence:02d}' if d.sequence else ''} r{d.revision}",
                f"{d.person_name} ({', '.join(d.roles)})",
                t(f"action.{d.action.value}"),
                d.via,
                human(d.waited),
                d.comment or "-",
            ]
            for d in review.decisions
        ],
    )
    for d in review.decisions:
        for edit in d.edits:
            out += [
                "",
                t(
                    "review.edit_by",
                    who=d.person_name,
                    channel=edit.channel.value,
                    lang=edit.language,
                ),
                "",
                "```diff",
                *(f"- {line}" for line in edit.before.splitlines()),
                *(f"+ {line}" for line in edit.after.splitlines()),
                "```",
            ]
        if d.override is not None:
            out += [
                "",
                t(
                    "review.override_line",
                    label=f"{d.phase.value} r{d.revision}",
                    rules=", ".join(d.override.rules),
                    who=d.person_name,
                    reason=d.override.justification,
                ),
            ]
    out += ["", f"## {t('review.h.cadence')}", "", cadence_line(review), ""]
    if review.figures.announcements:
        out += _table(
            [t(f"review.col.{c}") for c in CADENCE_COLUMNS],
            [announcement_row(a, zone) for a in review.figures.announcements],
        )
    out += ["", f"## {t('review.h.timeline')}", ""]
    out += [f"- {local(e.at, zone, seconds=True)} — {event_text(e)}" for e in review.events]
    out += ["", f"## {t('review.h.texts')}", ""]
    for item in review.publications:
        out += [
            f"### {item.label} · {item.channel.value}.{item.language} · r{item.revision}",
            "",
            t(
                "review.text_meta",
                at=local(item.published_at, zone, seconds=True),
                who=item.approved_by.label(),
                sha=item.sha256[:16],
            ),
            "",
            "````text",
            item.text,
            "````",
            "",
        ]
    out += [
        t("review.source", runs=len(review.runs), as_of=local(review.as_of, zone, seconds=True))
    ]
    return "\n".join(out) + "\n"


PHASE_COLUMNS = [
    "phase",
    "outcome",
    "started",
    "approved",
    "approver",
    "wait",
    "revisions",
    "changes",
    "escalations",
    "deadline",
    "channels",
]
DECISION_COLUMNS = ["at", "statement", "who", "action", "via", "waited", "comment"]
CADENCE_COLUMNS = ["made_in", "announced", "next", "published", "delay", "status"]


def phase_row(phase: PhaseReview, zone: str) -> list[str]:
    deadline = "-"
    if phase.deadline is not None:
        deadline = (
            f"{local(phase.deadline, zone)} ({t(f'review.deadline.{phase.deadline_status}')})"
        )
    return [
        phase.label,
        t(f"review.outcome.{phase.outcome}"),
        local(phase.started_at, zone),
        local(phase.approved_at, zone),
        phase.approver.label() if phase.approver else "-",
        human(phase.approval_wait),
        str(len(phase.revisions)),
        str(phase.change_requests),
        ", ".join(phase.escalated_to) or "-",
        deadline,
        ", ".join(c.value for c in phase.channels) or "-",
    ]
