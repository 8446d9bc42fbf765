"""How the commands show things: local times, JSON, guardrail findings, a crisis's status."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import click

from tocsin import crises
from tocsin.i18n import language, t
from tocsin.i18n.formats import moment as local
from tocsin.i18n.formats import phase_name, role_name
from tocsin.models import Channel, CrisisStatus, Finding, Severity
from tocsin.models.delivery import DeliveryStatus, TaskStatus
from tocsin.publish.models import Action

__all__ = ["local", "print_findings", "print_json", "print_status"]


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


SEVERITY_MARK = {Severity.BLOCKING: ("⛔", "red"), Severity.WARNING: ("⚠", "yellow")}


def print_findings(findings: list[Finding], indent: str = "    ") -> None:
    """Each finding: its rule, the words it points at, what is wrong and how to fix it."""
    lang = language()
    for item in findings:
        mark, colour = SEVERITY_MARK[item.severity]
        message, fix = item.text(lang)
        where = f" « {item.excerpt[:60]} »" if item.excerpt and item.end > item.start else ""
        click.echo(
            click.style(f"{indent}{mark} {item.rule}", fg=colour, bold=True)
            + click.style(f" [{item.start}-{item.end}]{where}", fg=colour)
            + f" {message}"
        )
        if fix:
            click.echo(f"{indent}   → {fix}")


def print_status(status: CrisisStatus, *, texts: bool, zone: str) -> None:
    """The crisis as ``tocsin status`` shows it (and a decision asks to confirm)."""

    def at(moment: datetime | None) -> str:
        return local(moment, zone)

    title = status.title + (f" [{t('status.exercise')}]" if status.exercise else "")
    click.echo(t("status.title", crisis=status.crisis_id, title=title))
    click.echo(t("status.state", state=t(f"state.{status.state}")))
    click.echo(t("status.detected", at=at(status.detected_at)))
    if status.phase is not None and status.revision is not None:
        click.echo(
            t(
                "status.phase",
                phase=phase_name(status.phase, status.sequence),
                revision=status.revision,
                author=status.author_name or status.author,
            )
        )
    elif status.phase is not None:
        click.echo(t("status.phase_only", phase=phase_name(status.phase, status.sequence)))
    if status.pending:
        who = "; ".join(
            f"{role_name(p.role)} ({', '.join(p.names or p.people) or '-'})" for p in status.pending
        )
        click.echo(t("status.pending", who=who))
    if status.correction:
        click.echo(
            t("status.correction", number=status.correction, reason=status.correction_reason)
        )
    if status.change_comment:
        click.echo(t("status.change_comment", comment=status.change_comment))
    if status.deadline is not None:
        late = t("status.late") if status.deadline_missed else ""
        click.echo(t("status.deadline", at=at(status.deadline), late=late))
    if status.next_reminder_at is not None:
        click.echo(t("status.reminder", at=at(status.next_reminder_at)))
    if status.next_escalation_at is not None:
        click.echo(t("status.escalation", at=at(status.next_escalation_at)))
    if status.next_update_at is not None and status.state not in crises.ENDED:
        click.echo(t("status.next_update", at=at(status.next_update_at)))
    if status.resolved:
        click.echo(t("status.resolved"))
    if status.review_at is not None:
        click.echo(t("review.at", at=at(status.review_at)))
    if status.notices_pending:
        click.echo(t("status.notices_pending", count=status.notices_pending))
    if texts and status.draft is not None:
        click.echo("")
        click.echo(t("status.texts", revision=status.draft.revision))
        for item in status.draft.texts:
            click.echo(f"  [{item.channel.value}:{item.language}] ({len(item.text)})")
            for line in item.text.splitlines():
                click.echo(f"    {line}")
            print_findings(
                [
                    f
                    for f in status.draft.findings
                    if f.channel == item.channel and f.language == item.language
                ]
            )
    if status.draft is not None and status.draft.findings:
        blocking = len(status.draft.blocking())
        click.echo(
            t(
                "status.findings",
                blocking=blocking,
                warnings=len(status.draft.findings) - blocking,
            )
        )
    if status.facts:
        click.echo("")
        click.echo(t("status.facts"))
        for fact in status.facts:
            click.echo(f"  {at(fact.added_at)}  {fact.text}  ({fact.person})")
    if status.decisions:
        click.echo("")
        click.echo(t("status.decisions"))
        for d in status.decisions:
            comment = f" : {d.comment}" if d.comment else ""
            click.echo(
                f"  {at(d.decided_at)}  {phase_name(d.phase, d.sequence)} r{d.revision}  "
                f"{d.person_name} — {t('action.' + d.action.value)}{comment}"
            )
            if d.override is not None:
                click.echo(
                    t(
                        "status.override",
                        rules=", ".join(d.override.rules),
                        reason=d.override.justification,
                    )
                )
    click.echo("")
    click.echo(t("status.publications", count=len(status.publications)))
    _posts(status, at)
    _tasks(status, at)
    if status.runs > 1:
        click.echo(t("status.runs", runs=status.runs))


def _posts(status: CrisisStatus, at: Callable[[datetime | None], str]) -> None:
    """Each post on a platform: where the public sees it, or why it is not there yet."""
    if not status.deliveries:
        return
    click.echo(t("status.posts"))
    for d in status.deliveries:
        where = (
            f"{phase_name(d.phase, d.sequence)}, {_text_name(d.channel, d.language)} → {d.account}"
        )
        if d.action is Action.CORRECT:
            where += f" ({t('status.post_correct')})"
        elif d.action is Action.RETRACT:
            where += f" ({t('status.post_retract')})"
        if d.status is DeliveryStatus.PUBLISHED and d.published_at is not None:
            said = t("status.post_published", at=at(d.published_at), url=d.url or d.remote_id)
        elif d.status is DeliveryStatus.FAILED:
            said = t("status.post_failed", problem=d.error, task=d.task or "-")
        elif d.status is DeliveryStatus.BY_HAND:
            said = t("status.post_by_hand", task=d.task or "-")
        elif d.status is DeliveryStatus.DELAYED:
            said = t("status.post_delayed", task=d.task or "-")
        else:
            said = t("status.post_pending")
        click.echo(f"  {where} : {said}")


def _tasks(status: CrisisStatus, at: Callable[[datetime | None], str]) -> None:
    """The texts to publish by hand: open first, with the command that closes them."""
    if not status.tasks:
        return
    open_tasks = [task for task in status.tasks if task.status is TaskStatus.OPEN]
    click.echo(t("status.tasks", open=len(open_tasks), count=len(status.tasks)))
    for task in sorted(status.tasks, key=lambda x: x.status is not TaskStatus.OPEN):
        where = (
            f"{task.id}  {phase_name(task.phase, task.sequence)}, "
            f"{_text_name(task.channel, task.language)}"
        )
        if task.status is TaskStatus.OPEN:
            said = t("status.task_open", since=at(task.opened_at))
        elif task.status is TaskStatus.DONE and task.done_at is not None:
            said = t(
                "status.task_done",
                at=at(task.done_at),
                person=_person_name(status, task.done_by),
                where=task.url or task.note,
            )
        elif task.replaced_by:
            said = t("status.task_replaced", task=task.replaced_by)
        else:
            said = t("status.task_superseded", account=task.account or "-")
        click.echo(f"  {where} : {said}")
    if open_tasks:
        click.echo(t("status.tasks_hint", crisis=status.crisis_id, task=open_tasks[0].id))


def _text_name(channel: Channel, lang: str) -> str:
    """« Radio (fr) »: the channel in the reader's words, never its code."""
    return f"{t(f'review.channel.{channel.value}')} ({lang})"


def _person_name(status: CrisisStatus, person: str | None) -> str:
    found = status.people.get(person or "")
    return found.name if found else (person or "-")
