"""The review made fit for publication under an access-to-documents request (CADA in France):
``tocsin review --redact``.

- People of the playbook are shown by their role (« direction adjointe »), never by name; their
  ids become « personne-1 », « personne-2 ». Anyone else named (a stranger refused, a
  participant of the debriefing who is not in the playbook) is a marker.
- Every free text (facts, comments, reasons, justifications, the resolution, edits, notes,
  refusals' details, findings' excerpts) first has the names of the playbook's people replaced by
  their role; then, if the guardrails' privacy rule (R-PRIVACY: a private person's name, a phone
  number, a personal e-mail address, an address, health or victim information) finds anything in
  it, the whole text is replaced by a visible marker: « [occulté] ». A text is never cut at a
  finding's span: what the rule misses next to what it finds would stay.
- The archive of published texts is what the public saw: kept whole, with its fingerprints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC

from tocsin.guardrails import RULES, Official, check_text
from tocsin.models import Decision, EditDiff, Fact, Finding, GuardrailSettings, Override
from tocsin.review.model import Event, Follow, Reach, Refusal, Review, Who
from tocsin.review.notes import ActionItem, Notes
from tocsin.review.words import Words

MARKER = {"fr": "[occulté]", "en": "[redacted]", "de": "[geschwärzt]"}
PRIVATE_RULES = frozenset({"R-PRIVACY", "R-IMAGE"})


def marker(lang: str) -> str:
    return MARKER.get(lang, MARKER["fr"])


class Redactor:
    """What one review's redaction knows: its people, their roles in words, the privacy check."""

    def __init__(
        self, review: Review, lang: str, official: Official, settings: GuardrailSettings
    ) -> None:
        self.lang = lang
        self.mark = marker(lang)
        self.official = official
        self.settings = settings.model_copy(
            update={"disable": sorted(set(RULES) - {"R-PRIVACY"}), "severity": {}}
        )
        self.day = (review.closed_at or review.as_of).astimezone(UTC).date()
        words = Words(lang, review.timezone)
        labels = [words.roles(who.roles) or self.mark for who in review.people]
        self.people: dict[str, Who] = {}
        for n, (who, label) in enumerate(zip(review.people, labels, strict=True), start=1):
            if labels.count(label) > 1:
                label = f"{label} {labels[: n - 1].count(label) + 1}"
            self.people[who.id] = Who(id=f"personne-{n}", name=label)
        self._full = {who.name.casefold(): self.people[who.id] for who in review.people}
        names = {who.name: self.people[who.id].name for who in review.people if who.name.strip()}
        for who in review.people:  # a first or a last name alone, after the full names
            for part in who.name.split():
                if len(part) > 2:
                    names.setdefault(part, self.people[who.id].name)
        self._names = sorted(names.items(), key=lambda pair: -len(pair[0]))

    # ------------------------------------------------------------------ texts

    def roles_for_names(self, text: str) -> str:
        for name, label in self._names:
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", label, text, flags=re.IGNORECASE)
        return text

    def private(self, text: str) -> bool:
        ctx = self.official.context(language=self.lang, on=self.day, settings=self.settings)
        return any(f.rule in PRIVATE_RULES for f in check_text(text, ctx))

    def text(self, text: str) -> str:
        """A free text as it may be published: names of the playbook's people as their roles;
        the whole text a marker when it still carries personal data."""
        if not text.strip():
            return text
        shown = self.roles_for_names(text)
        return self.mark if self.private(shown) else shown

    def who(self, who: Who) -> Who:
        return self.people.get(who.id) or Who(id="-", name=self.mark, roles=who.roles)

    def person(self, person: str) -> str:
        found = self.people.get(person)
        return found.id if found else "-"

    def named(self, name: str) -> Who | None:
        """A person named by an id or a full name of the playbook (a participant, an action's
        owner), or None."""
        return self.people.get(name) or self._full.get(name.strip().casefold())

    # ------------------------------------------------------------------ records

    def finding(self, found: Finding) -> Finding:
        excerpt = self.mark if found.rule in PRIVATE_RULES else self.text(found.excerpt)
        return found.model_copy(
            update={
                "excerpt": excerpt,
                "message": self.text(found.message),
                "message_en": self.text(found.message_en),
                "fix": self.text(found.fix),
                "fix_en": self.text(found.fix_en),
            }
        )

    def override(self, found: Override | None) -> Override | None:
        if found is None:
            return None
        return found.model_copy(
            update={
                "findings": [self.finding(f) for f in found.findings],
                "justification": self.text(found.justification),
            }
        )

    def edits(self, edits: Iterable[EditDiff]) -> list[EditDiff]:
        return [
            e.model_copy(update={"before": self.text(e.before), "after": self.text(e.after)})
            for e in edits
        ]

    def event(self, event: Event) -> Event:
        refusal = event.refusal
        if refusal is not None:
            refusal = Refusal(
                code=refusal.code, params={k: self.text(v) for k, v in refusal.params.items()}
            )
        return event.model_copy(
            update={
                "who": self.who(event.who) if event.who else None,
                "to": [self.who(w) for w in event.to],
                "detail": self.text(event.detail),
                "findings": [self.finding(f) for f in event.findings],
                "edits": self.edits(event.edits),
                "override": self.override(event.override),
                "refusal": refusal,
            }
        )

    def decision(self, decision: Decision) -> Decision:
        who = self.people.get(decision.person)
        return decision.model_copy(
            update={
                "person": who.id if who else "-",
                "person_name": who.name if who else self.mark,
                "roles": [] if who else decision.roles,
                "comment": self.text(decision.comment),
                "edits": self.edits(decision.edits),
                "override": self.override(decision.override),
            }
        )

    def reach(self, row: Reach) -> Reach:
        """Who published a text by hand, by role; what they said, checked like any text. The
        addresses stay: they are the public's."""
        return row.model_copy(
            update={
                "by": self.who(row.by) if row.by else None,
                "note": self.text(row.note),
                "problem": self.text(row.problem),
                "follows": [self.follow(f) for f in row.follows],
            }
        )

    def follow(self, follow: Follow) -> Follow:
        return follow.model_copy(
            update={
                "by": self.who(follow.by) if follow.by else None,
                "note": self.text(follow.note),
                "problem": self.text(follow.problem),
            }
        )

    def notes(self, notes: Notes | None) -> Notes | None:
        if notes is None:
            return None
        return notes.model_copy(
            update={
                "participants": [
                    found.name if (found := self.named(p)) else self.mark
                    for p in notes.participants
                ],
                "went_well": [self.text(t) for t in notes.went_well],
                "to_improve": [self.text(t) for t in notes.to_improve],
                "actions": [self.action(a) for a in notes.actions],
            }
        )

    def action(self, item: ActionItem) -> ActionItem:
        found = self.named(item.owner)
        return item.model_copy(
            update={"action": self.text(item.action), "owner": found.id if found else self.mark}
        )


def redact(
    review: Review,
    *,
    lang: str,
    official: Official,
    settings: GuardrailSettings | None = None,
) -> Review:
    """``review`` fit for publication: people by role, personal data marked; the published
    texts as they were."""
    r = Redactor(review, lang, official, settings or GuardrailSettings())
    shown: Callable[[Who], Who] = r.who
    people = list(r.people.values())
    return review.model_copy(
        update={
            "detected_by": shown(review.detected_by),
            "params": {k: r.text(v) if isinstance(v, str) else v for k, v in review.params.items()},
            "resolution": r.text(review.resolution),
            "retraction": r.text(review.retraction),
            "cancel_reason": r.text(review.cancel_reason),
            "people": people,
            "events": [r.event(e) for e in review.events],
            "phases": [
                p.model_copy(update={"approver": shown(p.approver) if p.approver else None})
                for p in review.phases
            ],
            "decisions": [r.decision(d) for d in review.decisions],
            "facts": [
                Fact(text=r.text(f.text), person=r.person(f.person), added_at=f.added_at)
                for f in review.facts
            ],
            "publications": [
                p.model_copy(update={"approved_by": shown(p.approved_by)})
                for p in review.publications
            ],
            "reach": [r.reach(row) for row in review.reach],
            "notes": r.notes(review.notes),
        }
    )
