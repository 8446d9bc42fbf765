"""The review's tables as rows of words, for the page and for Markdown: phases, decisions,
cadence, figures, people, the timeline, and the published texts grouped by phase. Every code
(phase, role, channel, action, event, rule) is shown by its label."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime

from tocsin.models import Decision, EditDiff, PhaseName
from tocsin.review.model import Event, Kind, PhaseReview, PublishedText, Review
from tocsin.review.plain import is_html, plain
from tocsin.review.words import Words

# The lines of what reached the public: their channel says its language.
POSTS = frozenset(
    {Kind.POSTED, Kind.POST_CORRECTED, Kind.POST_WITHDRAWN, Kind.POST_FAILED, Kind.TASK_DONE}
)
REWRITTEN = 0.5  # below this share of words in common, a change shows both texts whole


def spans_days(review: Review, words: Words) -> bool:
    """Whether the crisis runs over more than one day in its zone: then cells show the day."""
    end = review.closed_at or review.as_of
    return words.local(review.detected_at).date() != words.local(end).date()


def precise(review: Review) -> bool:
    """Seconds matter in a crisis shorter than an hour (a drill, the demo)."""
    end = review.closed_at or review.as_of
    return (end - review.detected_at).total_seconds() < 3600


@dataclass(frozen=True)
class Cells:
    """How a review shows a moment in its tables."""

    review: Review
    words: Words

    def when(self, moment: datetime | None, *, seconds: bool = False) -> str:
        if moment is None:
            return "-"
        return self.words.when(
            moment,
            with_day=spans_days(self.review, self.words),
            seconds=seconds or precise(self.review),
        )


def statement(words: Words, phase: PhaseName, sequence: int, revision: int | None) -> str:
    label = words.phase(phase, sequence)
    return words("review.statement_rev", phase=label, revision=revision) if revision else label


def describe(event: Event, words: Words) -> str:
    """One timeline line's words, after its time."""
    parts = [words(f"review.kind.{event.kind.value}")]
    if event.phase is not None:
        parts.append(statement(words, event.phase, event.sequence, event.revision))
    if event.who is not None:
        parts.append(words.person(event.who.name, event.who.roles))
    if event.to:
        parts.append("→ " + ", ".join(words.person(w.name, w.roles) for w in event.to))
    if event.role and event.kind is Kind.ESCALATED:
        parts.append(words("review.to_role", role=words.role(event.role)))
    if event.channel is not None:
        channel = words.channel(event.channel)
        parts.append(f"{channel} ({event.language})" if event.kind in POSTS else channel)
    if event.account:
        parts.append(f"→ {event.account}")
    if event.kind is Kind.PUBLISHED:
        return " · ".join(parts)
    if event.edits:
        parts.append(words.count("review.n_edits.", len(event.edits)))
    if event.findings:
        blocking = sum(1 for f in event.findings if f.severity.value == "blocking")
        parts.append(words.count("review.n_findings.", len(event.findings), blocking=blocking))
    parts.extend(_detail(event, words))
    return " · ".join(parts)


@dataclass(frozen=True)
class Line:
    """A line of the detailed timeline: an event, or one publication on several channels."""

    kind: Kind
    at: str
    text: str


def timeline(review: Review, cells: Cells) -> list[Line]:
    """The events in order; a statement published on several channels at once is one line."""
    words = cells.words
    lines: list[Line] = []
    run: list[Event] = []

    def flush() -> None:
        if not run:
            return
        first = run[0]
        head = describe(first.model_copy(update={"channel": None}), words)
        channels = ", ".join(
            dict.fromkeys(words.channel(e.channel) for e in run if e.channel is not None)
        )
        lines.append(
            Line(Kind.PUBLISHED, cells.when(first.at, seconds=True), f"{head} · {channels}")
        )
        run.clear()

    for event in review.events:
        if event.kind is Kind.PUBLISHED:
            if run and (run[0].phase, run[0].sequence, run[0].revision) != (
                event.phase,
                event.sequence,
                event.revision,
            ):
                flush()
            run.append(event)
            continue
        flush()
        lines.append(Line(event.kind, cells.when(event.at, seconds=True), describe(event, words)))
    flush()
    return lines


def _detail(event: Event, words: Words) -> list[str]:
    if event.kind is Kind.REFUSED:
        asked = words.action(event.action) if event.action else words.update(event.update)
        reason = event.detail
        if event.refusal is not None and words.has(f"refuse.{event.refusal.code}"):
            reason = words(f"refuse.{event.refusal.code}", **event.refusal.params)
        return [words("review.refused_what", what=asked), words("review.quoted", text=reason)]
    if event.kind in (Kind.DETECTED, Kind.INFORMED):
        return []  # the crisis key, the workflow's own notice: in the header and the history
    if event.kind is Kind.CONTINUED:
        return [words("review.run", n=event.run + 1)]
    if event.kind is Kind.REVIEWED:
        names = [path.rsplit("/", 1)[-1] for path in event.detail.split(", ") if path]
        return [", ".join(names)]
    if event.override is not None:
        rules = ", ".join(words.rule(r) for r in event.override.rules)
        return [rules, words("review.quoted", text=event.detail)]
    if event.detail:
        return [words("review.quoted", text=event.detail)]
    return []


def phase_row(phase: PhaseReview, cells: Cells) -> list[str]:
    words = cells.words
    deadline = "-"
    if phase.deadline is not None:
        status = words(f"review.deadline.{phase.deadline_status}")
        deadline = f"{cells.when(phase.deadline)} · {status}"
    return [
        words.phase(phase.phase, phase.sequence),
        words(f"review.outcome.{phase.outcome}"),
        cells.when(phase.approved_at),
        words.person(phase.approver.name, phase.approver.roles) if phase.approver else "-",
        words.duration(phase.approval_wait) if phase.asked_at else "-",
        deadline,
    ]


def decision_row(decision: Decision, cells: Cells) -> list[str]:
    words = cells.words
    action = words.action(decision.action)
    if decision.signer is not None:
        action = f"{action} ({words.signer(decision.signer)})"
    elif decision.via:
        action = f"{action} ({words.via(decision.via)})"
    return [
        cells.when(decision.decided_at),
        statement(words, decision.phase, decision.sequence, decision.revision),
        words.person(decision.person_name, decision.roles),
        action,
        words.duration(decision.waited),
        decision.comment or "-",
    ]


def cadence_rows(review: Review, cells: Cells) -> list[list[str]]:
    words = cells.words
    labels = {p.label: words.phase(p.phase, p.sequence) for p in review.phases}
    return [
        [
            labels.get(item.made_in, item.made_in),
            cells.when(item.announced_for),
            labels.get(item.next_statement, item.next_statement) or "-",
            cells.when(item.published_at),
            words.duration(item.delay),
            words(f"review.cadence.{item.status}"),
        ]
        for item in review.figures.announcements
    ]


def figure_rows(review: Review, words: Words) -> list[tuple[str, str]]:
    f = review.figures
    longest = words.duration(f.longest_approval_wait)
    phase = next((p for p in review.phases if p.label == f.longest_wait_phase), None)
    if phase is not None:
        longest += f" ({words.phase(phase.phase, phase.sequence)})"
    rows = [
        ("to_first_approval", words.duration(f.to_first_approval)),
        ("to_first_publication", words.duration(f.to_first_publication)),
        ("duration", words.duration(f.duration)),
        ("statements", str(f.statements)),
        ("texts", str(f.texts)),
        ("revisions", str(f.revisions)),
        ("change_requests", str(f.change_requests)),
        ("rejections", str(f.rejections)),
        ("escalations", str(f.escalations)),
        ("reminders", str(f.reminders)),
        ("overrides", str(f.overrides)),
        ("refusals", str(f.refusals)),
        ("facts", str(f.facts)),
        ("deadlines", f"{f.deadlines_met} / {f.deadlines_missed} / {f.deadlines_open}"),
        ("approval_wait", words.duration(f.approval_wait)),
        ("longest_wait", longest),
        ("cadence", words.duration(f.cadence)),
        ("cadence_kept", f"{f.cadence_kept} / {f.cadence_late} / {f.cadence_missed}"),
        ("silence", words.duration(f.longest_silence)),
    ]
    return [(words(f"review.fig.{key}"), value) for key, value in rows]


def channel_rows(review: Review, words: Words) -> list[tuple[str, int]]:
    """Texts published per channel (and language, when the crisis speaks several)."""
    languages = {p.language for p in review.publications}
    counted: dict[str, int] = {}
    for item in review.publications:
        name = words.channel(item.channel)
        if len(languages) > 1:
            name = f"{name} ({item.language})"
        counted[name] = counted.get(name, 0) + 1
    return sorted(counted.items())


@dataclass(frozen=True)
class Shown:
    """A published text as the review shows it: an HTML page by its words."""

    channel: str  # the channel's label (and the language, when the crisis speaks several)
    item: PublishedText
    text: str
    fingerprint: str  # its SHA-256, said in words


def _shown(channel: str, item: PublishedText, words: Words) -> Shown:
    html = is_html(item.text)
    key = "review.sha_html" if html else "review.sha"
    return Shown(channel, item, plain(item.text), words(key, sha=item.sha256))


@dataclass(frozen=True)
class PhaseTexts:
    """A phase's published texts, with what the reader needs to know of their approval."""

    title: str
    meta: str
    texts: list[Shown]


def publications_by_phase(review: Review, cells: Cells) -> list[PhaseTexts]:
    words = cells.words
    languages = {p.language for p in review.publications}
    groups: list[PhaseTexts] = []
    for phase in review.phases:
        texts = [
            p
            for p in review.publications
            if p.phase is phase.phase and p.sequence == phase.sequence
        ]
        if not texts:
            continue
        texts.sort(key=lambda p: (words.channel(p.channel), p.language))
        first = texts[0]
        meta = words(
            "review.published_meta",
            revision=first.revision,
            who=words.person(first.approved_by.name, first.approved_by.roles),
            at=cells.when(max(p.published_at for p in texts)),
            n=len(texts),
        )
        groups.append(
            PhaseTexts(
                title=words.phase(phase.phase, phase.sequence),
                meta=meta,
                texts=[
                    _shown(
                        words.channel(p.channel)
                        + (f" ({p.language})" if len(languages) > 1 else ""),
                        p,
                        words,
                    )
                    for p in texts
                ],
            )
        )
    return groups


@dataclass(frozen=True)
class Change:
    """A text rewritten before publication: by its author (a revision) or by its approver."""

    title: str
    at: str
    before: str
    after: str
    pieces: list[tuple[str, str]]  # word by word: ("same" | "removed" | "added", text)


def pieces(before: str, after: str) -> list[tuple[str, str]]:
    """A rewrite word by word; a text rewritten through and through, as both texts whole."""
    old, new = _tokens(before), _tokens(after)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    if matcher.ratio() < REWRITTEN:
        return [("removed", before), ("same", "\n"), ("added", after)]
    found: list[tuple[str, str]] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            found.append(("same", "".join(old[a1:a2])))
            continue
        if a2 > a1:
            found.append(("removed", "".join(old[a1:a2])))
        if b2 > b1:
            found.append(("added", "".join(new[b1:b2])))
    return found


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def changes(review: Review, cells: Cells) -> list[Change]:
    """Every rewrite, in time order: revisions by their authors, edits by approvers."""
    words = cells.words
    found: list[tuple[datetime, Change]] = []

    def add(at: datetime, who: str, kind: str, where: str, edits: list[EditDiff]) -> None:
        for edit in edits:
            title = words(kind, who=who, channel=words.channel(edit.channel), statement=where)
            change = Change(
                title, cells.when(at), edit.before, edit.after, pieces(edit.before, edit.after)
            )
            found.append((at, change))

    for event in review.events:
        if event.kind is Kind.REVISED and event.who is not None and event.phase is not None:
            where = statement(words, event.phase, event.sequence, event.revision)
            add(event.at, event.who.name, "review.change.revised", where, event.edits)
    for decision in review.decisions:
        where = statement(words, decision.phase, decision.sequence, decision.revision)
        add(
            decision.decided_at,
            decision.person_name,
            "review.change.approver",
            where,
            decision.edits,
        )
    return [change for _, change in sorted(found, key=lambda pair: pair[0])]
