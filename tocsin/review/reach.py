"""What the public saw, where and when, as the review shows it: for each approved statement, a
table of its channels, languages and accounts (when the public could see it, how long after the
approval, the link or what the person said, the status, its corrections) and one sentence that
says the key fact (« Le public a été informé sur 4 canaux sur 9 en moins de 1 min après
l’approbation ; Radio à 10 h 05, à la main »).

A link is a link only when it is http(s); anything else from outside is words, escaped where it
is written (the page's template, ``inline`` in Markdown).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tocsin.models import Channel, PhaseName
from tocsin.review.model import BY_HAND, REACHED, Follow, Reach, ReachStatus, Review
from tocsin.review.tables import Cells, precise
from tocsin.review.words import NNBSP, Words

# The review's columns, by their ``review.reach.col.*`` words.
COLUMNS = ["channel", "account", "reached", "delay", "where", "by", "status", "after"]
HTTP = re.compile(r"^https?://[^\s<>\"'`\\]+$", re.IGNORECASE)
MAX_SHOWN = 200  # characters of a URL, an id or a note shown in a cell


@dataclass(frozen=True)
class Piece:
    """Some words of a cell, and the address they link to (empty: not a link)."""

    text: str
    href: str = ""


@dataclass(frozen=True)
class Line:
    """One row of a statement's table: words for its cells, pieces for its links."""

    status: ReachStatus
    cells: list[str]  # channel, account, reached, delay, (where), by, status
    where: list[Piece]
    after: list[list[Piece]]  # one line a correction or retraction


@dataclass(frozen=True)
class Group:
    title: str
    meta: str
    lines: list[Line]

    @property
    def corrected(self) -> bool:
        """Whether a row has a correction or a retraction: the column shows then."""
        return any(line.after for line in self.lines)


def link(url: str) -> Piece:
    """A URL as a link when it is http(s), else as words."""
    shown = _cut(url)
    return Piece(shown, url) if HTTP.match(url) else Piece(shown)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def groups(review: Review, cells: Cells) -> list[Group]:
    """One group a statement, in the order of the phases."""
    words = cells.words
    languages = {row.language for row in review.reach}
    found: list[Group] = []
    for phase in review.phases:
        rows = [r for r in review.reach if r.phase is phase.phase and r.sequence == phase.sequence]
        if not rows:
            continue
        parts = []
        if phase.approved_at is not None and phase.approver is not None:
            parts.append(
                words(
                    "review.reach.approved",
                    at=words.at(phase.approved_at, review.detected_at, seconds=precise(review)),
                    who=words.person(phase.approver.name, phase.approver.roles),
                )
            )
        said = sentence(review, rows, words)
        if said:
            parts.append(said)
        found.append(
            Group(
                title=words.phase(phase.phase, phase.sequence),
                meta=" ".join(parts),
                lines=[_line(row, cells, len(languages) > 1) for row in rows],
            )
        )
    return found


def _line(row: Reach, cells: Cells, several: bool) -> Line:
    words = cells.words
    channel = words.channel(row.channel) + (f" ({row.language})" if several else "")
    if row.kind == "manual":
        account = words("review.reach.manual")
    elif row.kind == "outbox":
        account = words("review.reach.outbox")
    else:
        account = f"{row.account} ({words(f'review.reach.kind.{row.kind}')})"
    return Line(
        status=row.status,
        cells=[
            channel,
            account,
            cells.when(row.reached_at, seconds=True),
            words.duration(row.delay),
            words.person(row.by.name, row.by.roles) if row.by else "-",
            words(f"review.reach.status.{row.status.value}"),
        ],
        where=_where(row, cells),
        after=[_follow(f, cells) for f in row.follows],
    )


def _where(row: Reach, cells: Cells) -> list[Piece]:
    words = cells.words
    pieces: list[Piece] = []
    if row.by_url:
        pieces.append(link(row.by_url))
    if row.note:
        pieces.append(Piece(words("review.quoted", text=_cut(row.note))))
    if row.url or row.remote_id:
        if pieces:  # the account published it too, after the person
            at = cells.when(row.acked_at, seconds=True)
            pieces.append(Piece(words("review.reach.account_too", at=at)))
        pieces.append(link(row.url) if row.url else Piece(_cut(row.remote_id)))
    if row.problem and row.status is not ReachStatus.PUBLISHED:
        pieces.append(Piece(said(row.problem, words)))
    if row.kind == "outbox" and row.outbox_at is not None:
        pieces.append(Piece(words("review.reach.written", at=cells.when(row.outbox_at))))
    if row.left_out:
        pieces.append(Piece(words("review.reach.left_out", accounts=", ".join(row.left_out))))
    if row.task and not pieces:
        pieces.append(Piece(words("review.reach.task", task=row.task)))
    return pieces


def said(problem: str, words: Words) -> str:
    """A publisher's refusal, written « français / English »: the half in the review's
    language (English for German)."""
    french, _, english = problem.partition(" / ")
    return _cut((french if words.lang == "fr" or not english else english).strip())


def _follow(follow: Follow, cells: Cells) -> list[Piece]:
    words = cells.words
    head = words(
        f"review.reach.{follow.action}.{follow.status}",
        at=cells.when(follow.at or follow.asked_at, seconds=True),
        revision=follow.revision,
        delay=words.duration(
            follow.at - follow.approved_at if follow.at and follow.approved_at else None
        ),
    )
    pieces = [Piece(head)]
    if follow.by is not None:
        pieces.append(Piece(words.person(follow.by.name, follow.by.roles)))
    if follow.url:
        pieces.append(link(follow.url))
    elif follow.remote_id:
        pieces.append(Piece(_cut(follow.remote_id)))
    if follow.note:
        pieces.append(Piece(words("review.quoted", text=_cut(follow.note))))
    if follow.problem:
        pieces.append(Piece(said(follow.problem, words)))
    return pieces


# ---------------------------------------------------------------------- the key fact


@dataclass(frozen=True)
class _Channel:
    channel: Channel
    reached: datetime | None  # every language and account reached, by then
    delay: timedelta | None
    by_hand: bool
    manual: bool  # no account: a person was to publish it


def _channels(rows: list[Reach]) -> list[_Channel]:
    """The statement's channels the review follows (an outbox-only channel is not one)."""
    found: list[_Channel] = []
    for channel in dict.fromkeys(r.channel for r in rows if r.kind != "outbox"):
        mine = [r for r in rows if r.channel is channel and r.kind != "outbox"]
        done = all(r.status in REACHED and r.reached_at is not None for r in mine)
        reached = max(r.reached_at for r in mine if r.reached_at) if done else None
        delays = [r.delay for r in mine if r.delay is not None]
        found.append(
            _Channel(
                channel,
                reached,
                max(delays) if done and delays else None,
                any(r.status in BY_HAND for r in mine),
                all(r.kind == "manual" for r in mine),
            )
        )
    return found


def sentence(review: Review, rows: list[Reach], words: Words) -> str:
    """« Le public a été informé sur 4 canaux sur 9 en moins de 1 min après l’approbation ;
    Radio à 10 h 05, à la main ; publication à la main non confirmée : X ; pas publié sur
    Mastodon. » Empty without a followed channel."""
    channels = _channels(rows)
    if not channels:
        return ""
    fast = [c for c in channels if c.reached is not None and not c.by_hand]
    hand = [c for c in channels if c.reached is not None and c.by_hand]
    missing = [c for c in channels if c.reached is None]
    parts = []
    if fast:
        slowest = max((c.delay for c in fast if c.delay is not None), default=timedelta(0))
        minutes = max(1, math.ceil(slowest.total_seconds() / 60))
        parts.append(
            words.count(
                "review.reach.sum.auto.",
                len(fast),
                total=len(channels),
                bound=words.duration(timedelta(minutes=minutes)),
            )
        )
    by_time: dict[str, list[str]] = {}  # channels published by hand in the same minute
    for item in sorted(hand, key=lambda c: c.reached or review.detected_at):
        assert item.reached is not None
        at = words.at(item.reached, review.detected_at)
        by_time.setdefault(at, []).append(words.channel(item.channel))
    for at, together in by_time.items():
        parts.append(words("review.reach.sum.hand", channel=words.join(together), at=at))
    unconfirmed = [c for c in missing if c.manual]
    failed = [c for c in missing if not c.manual]
    for key, items in (
        ("review.reach.sum.unconfirmed", unconfirmed),
        ("review.reach.sum.missing", failed),
    ):
        if items:
            listed = ", ".join(words.channel(c.channel) for c in items)
            parts.append(words(key, channels=listed))
    text = (f"{NNBSP}; " if words.lang == "fr" else "; ").join(parts) + "."
    return text[:1].upper() + text[1:]


def statement_sentence(review: Review, phase: PhaseName, sequence: int, words: Words) -> str:
    rows = [r for r in review.reach if r.phase is phase and r.sequence == sequence]
    return sentence(review, rows, words) if rows else ""
