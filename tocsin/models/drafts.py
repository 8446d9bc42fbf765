"""What a phase drafts and what people decide on it: findings, measured texts, the draft, edits,
decisions and revisions."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from tocsin.models.base import (
    MAX_COMMENT_CHARS,
    MAX_EDIT_CHARS,
    Channel,
    Language,
    PhaseName,
    RuleId,
    Severity,
    Strict,
)
from tocsin.models.identity import Signature, Signer
from tocsin.models.playbook import Media


class Finding(Strict):
    """One guardrail finding: which rule, how serious, the exact span of text, what is wrong and
    how to fix it, in French and in English."""

    rule: RuleId
    severity: Severity
    channel: Channel | None = None
    language: str = ""
    start: int = 0  # character offsets in the text, end excluded
    end: int = 0
    excerpt: str = ""
    message: str
    message_en: str
    fix: str = ""
    fix_en: str = ""

    def text(self, lang: str) -> tuple[str, str]:
        """The message and the fix in ``lang`` (French unless English)."""
        if lang == "en":
            return self.message_en, self.fix_en
        return self.message, self.fix


class Measure(Strict):
    """A text's size as its platform counts it, against the limit that applies."""

    count: int
    limit: int | None
    unit: str  # "caractères pondérés", "segments", "pages", "graphèmes", "secondes"...
    counting: str  # how the platform counts, in words, for the person reading the draft
    detail: str = ""  # e.g. "UCS-2 (« ê » l’impose), 180 caractères, 3 segment(s) de 67"
    problems: list[str] = []  # each reason the text does not fit

    @property
    def fits(self) -> bool:
        return not self.problems


class StatementText(Strict):
    channel: Channel
    language: Language
    text: str
    measure: Measure | None = None
    variant: str = ""  # "court" when the template's shorter variant was used to fit


class Draft(Strict):
    """A rendered statement set for one phase: every channel in every language."""

    phase: PhaseName
    sequence: int = 0  # follow-up number, 0 for the other phases
    revision: int
    author: str
    drafted_at: datetime
    next_update_at: datetime | None = None
    texts: list[StatementText]
    note: str = ""
    media: list[Media] = []
    findings: list[Finding] = []
    # A FALC-friendly (easy-to-read) variant of the key message, per language, offered to the
    # communicator (R-A11Y); not published unless someone puts it in a statement.
    easy_read: dict[str, str] = {}
    # A correction's: the texts as the public was given them, beside the corrected ones.
    replaces: list[StatementText] = []

    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.BLOCKING]

    def over_limit(self) -> list[StatementText]:
        return [item for item in self.texts if item.measure is not None and not item.measure.fits]

    def text_for(self, channel: Channel, language: str) -> str | None:
        for item in self.texts:
            if item.channel == channel and item.language == language:
                return item.text
        return None


def phase_label(phase: PhaseName, sequence: int) -> str:
    """``follow_up`` #3 -> ``follow_up-03``; other phases keep their name."""
    return f"{phase.value}-{sequence:02d}" if phase is PhaseName.FOLLOW_UP else phase.value


class DecisionAction(StrEnum):
    APPROVE = "approve"
    APPROVE_WITH_EDITS = "approve_with_edits"
    REQUEST_CHANGES = "request_changes"
    REJECT = "reject"


class TextEdit(Strict):
    channel: Channel
    language: Language
    text: Annotated[str, Field(min_length=1, max_length=MAX_EDIT_CHARS)]


class DecisionRequest(Strict):
    person: str
    revision: int
    action: DecisionAction
    comment: Annotated[str, Field(max_length=MAX_COMMENT_CHARS)] = ""
    edits: list[TextEdit] = []
    # Written justification for approving despite blocking guardrail findings.
    override: Annotated[str, Field(max_length=MAX_COMMENT_CHARS)] = ""
    signature: Signature | None = None  # the front end's (tocsin.identity); refused without

    @model_validator(mode="after")
    def _consistent(self) -> DecisionRequest:
        if self.action is DecisionAction.REJECT and not self.comment.strip():
            raise ValueError("un refus doit être motivé / a rejection needs a reason")
        if self.action is DecisionAction.REQUEST_CHANGES and not self.comment.strip():
            raise ValueError(
                "une demande de modification doit dire quoi changer / "
                "a change request needs a comment"
            )
        if self.action is DecisionAction.APPROVE_WITH_EDITS and not self.edits:
            raise ValueError("aucune modification fournie / no edit given")
        if self.action is not DecisionAction.APPROVE_WITH_EDITS and self.edits:
            raise ValueError(
                "des modifications ne vont qu’avec approve_with_edits / "
                "edits need approve_with_edits"
            )
        if self.override.strip() and self.action not in (
            DecisionAction.APPROVE,
            DecisionAction.APPROVE_WITH_EDITS,
        ):
            raise ValueError(
                "une dérogation ne va qu’avec une approbation / an override goes with an approval"
            )
        return self


class EditDiff(Strict):
    channel: Channel
    language: str
    before: str
    after: str


class Override(Strict):
    """Blocking findings a person approved anyway, and why (in history and in the review)."""

    rules: list[str]
    findings: list[Finding]
    justification: str


class Decision(Strict):
    """A decision as recorded in the workflow's state (and so in its history)."""

    phase: PhaseName
    sequence: int
    revision: int
    person: str
    person_name: str
    roles: list[str]
    action: DecisionAction
    comment: str = ""
    edits: list[EditDiff] = []
    decided_at: datetime
    waited: timedelta
    level: int
    via: str = "cli"  # the front end whose key signed it
    signer: Signer | None = None  # who, as that front end authenticated them
    override: Override | None = None


class RevisionRequest(Strict):
    person: str
    base_revision: int
    edits: list[TextEdit] = []
    note: Annotated[str, Field(max_length=MAX_COMMENT_CHARS)] = ""
    signature: Signature | None = None


class RevisionResult(Strict):
    revision: int
    phase: PhaseName
    sequence: int
