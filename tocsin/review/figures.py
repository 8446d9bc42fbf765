"""The review's figures, computed from its phases, publications and timeline."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from tocsin.review.model import (
    Announcement,
    CadenceStatus,
    Event,
    Figures,
    Kind,
    PhaseReview,
    PublishedText,
)


def figures(
    phases: Sequence[PhaseReview],
    publications: Sequence[PublishedText],
    events: Sequence[Event],
    *,
    detected_at: datetime,
    end: datetime,
    as_of: datetime,
    running: bool,
    cadence: timedelta | None,
    tolerance: timedelta,
    facts: int,
) -> Figures:
    approvals = [p.approved_at for p in phases if p.approved_at is not None]
    published = sorted(
        (p for p in phases if p.outcome == "published" and p.published_at is not None),
        key=lambda p: p.published_at or detected_at,
    )
    longest = max(phases, key=lambda p: p.approval_wait, default=None)
    per_channel: Counter[str] = Counter()
    for phase in published:
        per_channel.update(channel.value for channel in phase.channels)
    per_language = Counter(f"{p.channel.value}.{p.language}" for p in publications)
    announcements = _announcements(published, as_of, running, tolerance)
    statuses = Counter(a.status for a in announcements)
    moments = [detected_at, *(p.published_at for p in published if p.published_at)]
    if not running or len(moments) > 1:
        moments.append(end)
    gaps = [b - a for a, b in itertools.pairwise(moments)]
    return Figures(
        to_first_approval=min(approvals) - detected_at if approvals else None,
        to_first_publication=(
            min(p.published_at for p in publications) - detected_at if publications else None
        ),
        duration=end - detected_at,
        statements=len(published),
        texts=len(publications),
        per_channel=dict(sorted(per_channel.items())),
        per_language=dict(sorted(per_language.items())),
        revisions=sum(len(p.revisions) for p in phases),
        change_requests=sum(p.change_requests for p in phases),
        rejections=sum(p.rejections for p in phases),
        escalations=sum(p.escalations for p in phases),
        reminders=sum(p.reminders for p in phases),
        overrides=sum(p.overrides for p in phases),
        refusals=sum(1 for e in events if e.kind is Kind.REFUSED),
        facts=facts,
        deadlines_met=sum(1 for p in phases if p.deadline_status == "met"),
        deadlines_missed=sum(1 for p in phases if p.deadline_status == "missed"),
        deadlines_open=sum(1 for p in phases if p.deadline_status == "open"),
        approval_wait=sum((p.approval_wait for p in phases), timedelta(0)),
        longest_approval_wait=longest.approval_wait if longest else timedelta(0),
        longest_wait_phase=longest.label if longest and longest.approval_wait else "",
        cadence=cadence,
        cadence_tolerance=tolerance,
        announcements=announcements,
        cadence_kept=statuses["kept"],
        cadence_late=statuses["late"],
        cadence_missed=statuses["missed"],
        longest_silence=max(gaps) if gaps else None,
    )


def _announcements(
    published: Sequence[PhaseReview], as_of: datetime, running: bool, tolerance: timedelta
) -> list[Announcement]:
    """Each "next update at" a published statement made, against the statement that followed.

    A statement that repeats the time announced before carries the same promise on. Kept: the
    next statement went out by the announced time plus the playbook's tolerance (earlier is
    kept too: the public heard sooner).
    Late: it went out after that. Missed: nothing went out and the crisis ended (or the time
    has passed on a crisis still running). Pending: the time has not come yet.
    """
    found: list[Announcement] = []
    for index, phase in enumerate(published):
        if phase.announced is None:
            continue
        following = published[index + 1] if index + 1 < len(published) else None
        if following is not None and following.announced == phase.announced:
            continue  # the next statement repeats the same time: the promise is carried on
        status: CadenceStatus
        if following is not None and following.published_at is not None:
            late_by = following.published_at - phase.announced
            status = "kept" if late_by <= tolerance else "late"
            found.append(
                Announcement(
                    made_in=phase.label,
                    announced_for=phase.announced,
                    next_statement=following.label,
                    published_at=following.published_at,
                    delay=late_by,
                    status=status,
                )
            )
            continue
        due = phase.announced + tolerance
        delay: timedelta | None
        if running and as_of <= due:
            status, delay = "pending", None
        elif running:
            status, delay = "late", as_of - phase.announced  # still nothing out: late so far
        else:
            status, delay = "missed", None
        found.append(
            Announcement(
                made_in=phase.label, announced_for=phase.announced, delay=delay, status=status
            )
        )
    return found
