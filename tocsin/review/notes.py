"""The team's own retour d'expérience: a YAML file it edits after the crisis (what went well,
what to improve, the actions decided, each with an owner and a due date), merged into the review
by ``tocsin review --notes notes.yml``.

The file is read like a playbook: YAML with the position of every value, a strict pydantic
model, every problem reported at its file, line and column; sizes are bounded; the page escapes
every word of it.

```yaml
crisis: crisis-eau-non-potable-2026-12-02   # optional: refused when it names another crisis
held_on: 2026-12-09                          # the day the team met
participants: [Camille Martin, Dominique Lefèvre]
went_well:
  - Premier message publié 30 minutes après l’alerte.
to_improve:
  - L’adjoint n’avait pas Slack sur son téléphone.
actions:
  - action: Installer Slack sur les téléphones d’astreinte.
    owner: sacha                 # a person of the playbook (shown by name), or a name
    due: 2026-12-31
```
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from tocsin.playbook.reading import PlaybookError, Problem, problem, read_yaml, validation_problems

MAX_FILE = 200_000  # bytes: a few pages of notes
MAX_ITEMS = 50  # a list's items
MAX_TEXT = 1_000  # characters of one item
MAX_NAME = 120
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("texte vide / empty text")
    if _CONTROL.search(value):
        raise ValueError("caractère de contrôle interdit / control character not allowed")
    return value


def _day(value: object) -> object:
    """A YAML date (2026-12-31); a text that is not one gets a message that says the format."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return value.strip()
    raise ValueError("date attendue au format AAAA-MM-JJ / date expected as YYYY-MM-DD")


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_clean)]
Name = Annotated[str, Field(max_length=MAX_NAME), AfterValidator(_clean)]
Day = Annotated[date, BeforeValidator(_day)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)


class ActionItem(_Strict):
    action: Text
    owner: Name  # a person id of the playbook, or a name
    due: Day
    done: bool = False


class Notes(_Strict):
    crisis: Name | None = None
    held_on: Day | None = None
    participants: Annotated[list[Name], Field(max_length=MAX_ITEMS)] = []
    went_well: Annotated[list[Text], Field(max_length=MAX_ITEMS)] = []
    to_improve: Annotated[list[Text], Field(max_length=MAX_ITEMS)] = []
    actions: Annotated[list[ActionItem], Field(max_length=MAX_ITEMS)] = []


class NotesError(PlaybookError):
    """A notes file that cannot be used, with every problem at its file and line."""


def load_notes(file: Path, crisis_id: str | None = None) -> Notes:
    """The notes of ``file``, checked; for ``crisis_id``, refused when they name another."""
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise NotesError([Problem(file, 1, 1, f"illisible / unreadable: {exc.strerror}")]) from exc
    if size > MAX_FILE:
        raise NotesError(
            [Problem(file, 1, 1, f"fichier trop gros ({size} octets, {MAX_FILE} au plus)")]
        )
    try:
        doc = read_yaml(file)
    except PlaybookError as exc:
        raise NotesError(exc.problems) from exc
    if doc.duplicate_keys:
        raise NotesError(
            [
                Problem(file, pos.line, pos.column, f"clé en double « {key} » / duplicate key")
                for key, pos in doc.duplicate_keys
            ]
        )
    if not isinstance(doc.data, dict):
        raise NotesError(
            [problem(doc, (), "les notes sont un dictionnaire YAML / notes are a YAML mapping")]
        )
    try:
        notes = Notes.model_validate(doc.data)
    except ValidationError as exc:
        raise NotesError(validation_problems(doc, exc)) from exc
    if not (notes.went_well or notes.to_improve or notes.actions):
        raise NotesError(
            [
                problem(
                    doc,
                    (),
                    "ni went_well, ni to_improve, ni actions : rien à retenir / nothing to keep",
                )
            ]
        )
    if crisis_id is not None and notes.crisis is not None and notes.crisis != crisis_id:
        raise NotesError(
            [
                problem(
                    doc,
                    ("crisis",),
                    f"ces notes sont celles de « {notes.crisis} », pas de « {crisis_id} » / "
                    "these notes are another crisis's",
                )
            ]
        )
    return notes
