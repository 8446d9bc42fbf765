"""Pure helpers over drafts: applying a person's edits and recording what changed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from tocsin.models import Draft, EditDiff, StatementText, TextEdit
from tocsin.sanitize import clean_edit


def unknown_edits(draft: Draft, edits: Sequence[TextEdit]) -> list[TextEdit]:
    """Edits that name a channel and language the draft does not have."""
    return [e for e in edits if draft.text_for(e.channel, e.language) is None]


def apply_edits(
    draft: Draft, edits: Sequence[TextEdit]
) -> tuple[list[StatementText], list[EditDiff]]:
    """The draft's texts with ``edits`` applied, and the diff of every text that changed. An
    edit of a document channel keeps only the markup its templates write (``tocsin.sanitize``)."""
    replacements = {(e.channel, e.language): e.text.strip() for e in edits}
    texts: list[StatementText] = []
    diffs: list[EditDiff] = []
    for item in draft.texts:
        new = replacements.get((item.channel, item.language))
        if new is not None:
            new = clean_edit(item.channel, new, item.text)
        if new is not None and new != item.text:
            diffs.append(
                EditDiff(channel=item.channel, language=item.language, before=item.text, after=new)
            )
            texts.append(item.model_copy(update={"text": new}))
        else:
            texts.append(item)
    return texts, diffs


def round_up(moment: datetime, step: timedelta = timedelta(minutes=5)) -> datetime:
    """Round up to the next step (a next update "at 14 h 35", not "at 14 h 32 min 17 s")."""
    step_s = int(step.total_seconds())
    epoch = int(moment.timestamp())
    rounded = -(-epoch // step_s) * step_s
    return moment + timedelta(seconds=rounded - moment.timestamp())
