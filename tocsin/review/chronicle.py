"""What the review has read so far of a crisis's history, and the few ways to add to it: an
event, a phase, a person as the playbook names them. The readers (``build`` for the workflow and
its activities, ``updates`` for what people asked) fill it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from temporalio.api.history.v1 import HistoryEvent

from tocsin.models import CrisisInput, Decision, Draft, Fact, PhaseName, Playbook
from tocsin.review.history import HistoryError, event_time
from tocsin.review.model import Event, Kind, PhaseReview, PublishedText, RunInfo, Who
from tocsin.review.public import Ledger


@dataclass
class Chronicle:
    """The crisis as read up to ``as_of`` (everything, without it)."""

    as_of: datetime | None
    now: datetime | None = None
    crisis: CrisisInput | None = None
    detected_at: datetime | None = None
    events: list[Event] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    publications: list[PublishedText] = field(default_factory=list)
    drafts: dict[int, Draft] = field(default_factory=dict)  # revision -> its latest version
    phases: dict[tuple[PhaseName, int], PhaseReview] = field(default_factory=dict)
    runs: list[RunInfo] = field(default_factory=list)
    closed_at: datetime | None = None
    cancelled: bool = False
    failed: bool = False
    resolution: str = ""
    retraction: str = ""
    cancel_reason: str = ""
    last_seen: datetime | None = None
    ledger: Ledger = field(default_factory=lambda: Ledger(alert_after=timedelta(minutes=10)))

    @property
    def playbook(self) -> Playbook:
        if self.crisis is None:
            raise HistoryError("the history does not start with a crisis input")
        return self.crisis.playbook

    def who(self, person: str) -> Who:
        return Who(
            id=person,
            name=self.playbook.person_name(person),
            roles=self.playbook.roles_of(person),
        )

    def add(self, run: int, event: HistoryEvent, kind: Kind, **values: object) -> Event:
        values.setdefault("at", event_time(event))
        item = Event.model_validate(
            {"kind": kind, "run": run, "event_id": event.event_id, **values}
        )
        self.events.append(item)
        return item

    def phase(self, phase: PhaseName, sequence: int, at: datetime) -> PhaseReview:
        key = (phase, sequence)
        found = self.phases.get(key)
        if found is None:
            found = PhaseReview(phase=phase, sequence=sequence, started_at=at)
            self.phases[key] = found
        return found

    def started_phase(
        self,
        run: int,
        origin: HistoryEvent,
        phase: PhaseName,
        seq: int,
        at: datetime | None = None,
    ) -> None:
        if (phase, seq) not in self.phases:
            moment = at or event_time(origin)
            self.phase(phase, seq, moment)
            self.add(run, origin, Kind.PHASE_STARTED, at=moment, phase=phase, sequence=seq)
