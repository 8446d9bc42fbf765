"""The review as text people read: the summary (console, Slack) and Markdown (the wiki)."""

from __future__ import annotations

import textwrap

from tocsin.mdescape import fence, inline
from tocsin.review import reach, tables
from tocsin.review.model import Review
from tocsin.review.notes import Notes
from tocsin.review.prose import Summary, executive
from tocsin.review.words import Words

WRAP = 100
# The tables' columns, by their ``review.col.*`` words.
PHASE_COLUMNS = ["phase", "outcome", "approved", "approver", "wait", "deadline"]
DECISION_COLUMNS = ["at", "statement", "who", "action", "waited", "comment"]
CADENCE_COLUMNS = ["made_in", "announced", "next", "published", "delay", "status"]


def words_for(review: Review, lang: str | None) -> Words:
    return Words(lang, review.timezone)


def title(review: Review, words: Words) -> str:
    text = words("review.title", title=review.title)
    return f"{text} [{words('review.exercise')}]" if review.exercise else text


def status_line(review: Review, words: Words) -> str:
    figures = review.figures
    if review.status == "closed" and review.closed_at is not None:
        state = words("review.closed_at", at=words.at(review.closed_at, review.detected_at))
    elif review.status == "cancelled":
        state = words("review.cancelled", reason=review.cancel_reason or "-")
    elif review.status == "failed":
        state = words("review.failed")
    else:
        state = words("review.running", at=words.moment(review.as_of))
    return words(
        "review.state",
        state=state,
        detected=words.moment(review.detected_at),
        who=review.detected_by.name,
        duration=words.duration(figures.duration),
    )


def counts_line(review: Review, words: Words) -> str:
    f = review.figures
    return words(
        "review.counts",
        revisions=f.revisions,
        changes=f.change_requests,
        rejections=f.rejections,
        escalations=f.escalations,
        reminders=f.reminders,
        overrides=f.overrides,
    )


def summary(review: Review, *, lang: str | None = None) -> str:
    """What a director reads first, on a terminal or in Slack: the executive summary."""
    words = words_for(review, lang)
    said = executive(review, words)

    def wrap(text: str, indent: str = "", first: str = "") -> list[str]:
        return textwrap.wrap(text, WRAP, initial_indent=first or indent, subsequent_indent=indent)

    lines = [f"{title(review, words)} ({review.crisis_id})", status_line(review, words), ""]
    lines += wrap(" ".join(said.opening))
    lines += [line for sentence in said.phases for line in wrap(sentence, "    ", "  • ")]
    lines += wrap(" ".join(said.closing))
    lines += ["", counts_line(review, words)]
    return "\n".join(lines)


# ---------------------------------------------------------------------- Markdown
# Every text written into the Markdown goes through ``inline`` (or ``fence`` for a text that
# keeps its lines): names, comments, facts and edits are words, never Markdown.


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(inline(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(inline(c) for c in row) + " |" for row in rows]
    return lines


def _summary_md(said: Summary) -> list[str]:
    return [
        inline(" ".join(said.opening)),
        "",
        *(f"- {inline(p)}" for p in said.phases),
        "",
        inline(" ".join(said.closing)),
    ]


def _notes_md(notes: Notes, review: Review, words: Words) -> list[str]:
    out = [f"## {inline(words('review.h.notes'))}", ""]
    if notes.held_on or notes.participants:
        out += [inline(notes_meta(notes, words)), ""]
    for key, items in (
        ("review.notes.went_well", notes.went_well),
        ("review.notes.to_improve", notes.to_improve),
    ):
        if items:
            out += [f"### {inline(words(key))}", "", *(f"- {inline(item)}" for item in items), ""]
    if notes.actions:
        out += [f"### {inline(words('review.notes.actions'))}", ""]
        out += _table(
            [words(f"review.col.{c}") for c in ("to_do", "owner", "due", "done")],
            [list(row) for row in action_rows(notes, review, words)],
        )
        out += [""]
    return out


def notes_meta(notes: Notes, words: Words) -> str:
    parts = []
    if notes.held_on:
        parts.append(words("review.notes.held_on", day=words.day(notes.held_on, long=True)))
    if notes.participants:
        parts.append(words("review.notes.participants", people=", ".join(notes.participants)))
    return " ".join(parts)


def action_rows(notes: Notes, review: Review, words: Words) -> list[tuple[str, str, str, str]]:
    """Each action with its owner by name (a playbook person's id becomes their name)."""
    names = {who.id: who.name for who in review.people}
    return [
        (
            item.action,
            names.get(item.owner, item.owner),
            words.due(item.due),
            words("review.notes.done" if item.done else "review.notes.todo"),
        )
        for item in notes.actions
    ]


def markdown(review: Review, *, lang: str | None = None) -> str:
    """The whole report for a wiki, in the order of the page."""
    words = words_for(review, lang)
    cells = tables.Cells(review, words)
    out = [f"# {inline(title(review, words))}", "", inline(status_line(review, words)), ""]
    out += [_heading(2, words("review.h.summary")), *_summary_md(executive(review, words)), ""]
    if review.notes is not None:
        out += _notes_md(review.notes, review, words)
    out += [_heading(2, words("review.h.phases"))]
    out += _table(
        [words(f"review.col.{c}") for c in PHASE_COLUMNS],
        [tables.phase_row(p, cells) for p in review.phases],
    )
    out += ["", *_reach_md(review, cells)]
    out += ["", _heading(2, words("review.h.figures"))]
    out += _table(
        [words("review.col.figure"), words("review.col.value")],
        [list(r) for r in tables.figure_rows(review, words)],
    )
    out += ["", _heading(2, words("review.h.decisions"))]
    out += _table(
        [words(f"review.col.{c}") for c in DECISION_COLUMNS],
        [tables.decision_row(d, cells) for d in review.decisions],
    )
    found = tables.changes(review, cells)
    if found:
        out += ["", _heading(2, words("review.h.changes"))]
    for change in found:
        diff = [f"- {line}" for line in change.before.splitlines()]
        diff += [f"+ {line}" for line in change.after.splitlines()]
        out += [inline(f"{change.at} — {change.title}"), "", *fence("\n".join(diff), "diff"), ""]
    out += ["", _heading(2, words("review.h.cadence")), inline(cadence_line(review, words)), ""]
    if review.figures.announcements:
        out += _table(
            [words(f"review.col.{c}") for c in CADENCE_COLUMNS],
            tables.cadence_rows(review, cells),
        )
    out += ["", _heading(2, words("review.h.texts"))]
    for group in tables.publications_by_phase(review, cells):
        out += [_heading(3, group.title), inline(group.meta), ""]
        for shown in group.texts:
            out += [_heading(4, shown.channel), *fence(shown.text, "text"), ""]
            out += [inline(shown.fingerprint), ""]
    out += [_heading(2, words("review.h.timeline"))]
    out += [f"- {inline(f'{line.at} — {line.text}')}" for line in tables.timeline(review, cells)]
    out += ["", _heading(2, words("review.h.people"))]
    out += [f"- {inline(words.person(p.name, p.roles))}" for p in review.people]
    out += ["", inline(source_line(review, words))]
    return "\n".join(out) + "\n"


def _reach_md(review: Review, cells: tables.Cells) -> list[str]:
    """What the public saw, where and when: a table a statement; links as words."""
    words = cells.words
    out = [_heading(2, words("review.h.public"))]
    found = reach.groups(review, cells)
    if not found:
        return [*out, inline(words("review.reach.none")), ""]
    out += [inline(words("review.reach.intro")), ""]
    for group in found:
        out += [_heading(3, group.title), inline(group.meta), ""]
        rows = []
        for line in group.lines:
            where = " ".join(piece.text for piece in line.where) or "-"
            after = " / ".join(" · ".join(p.text for p in follow) for follow in line.after)
            row = [*line.cells[:4], where, *line.cells[4:]]
            rows.append([*row, after or "-"] if group.corrected else row)
        columns = reach.COLUMNS if group.corrected else reach.COLUMNS[:-1]
        out += _table([words(f"review.reach.col.{c}") for c in columns], rows)
        out += [""]
    return out


def _heading(level: int, text: str) -> str:
    return f"{'#' * level} {inline(text)}\n"


def cadence_line(review: Review, words: Words) -> str:
    figures = review.figures
    if figures.cadence is None:
        return words("review.no_cadence")
    return words(
        "review.cadence",
        every=words.duration(figures.cadence),
        kept=figures.cadence_kept,
        late=figures.cadence_late,
        missed=figures.cadence_missed,
        tolerance=words.duration(figures.cadence_tolerance),
    )


def source_line(review: Review, words: Words) -> str:
    return words(
        "review.source",
        crisis=review.crisis_id,
        runs=words.count("review.runs.", len(review.runs)),
        as_of=words.moment(review.as_of),
        zone=review.timezone,
    )
