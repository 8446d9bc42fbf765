"""The outbox: one file per crisis, phase, channel and language, written once and never again.

A file is written to a temporary name, flushed to disk, then hard-linked into place: the link
fails if the file exists, so two workers (or a retry after a crash) can never write it twice.
Every real write appends one line to ``journal.jsonl`` beside the files, which audits count.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tocsin.models import PHASE_ORDER, Channel, PhaseName, phase_label

TEXT_SUFFIX = {Channel.WEBSITE: "html", Channel.POSTER: "html"}


class OutboxConflict(Exception):
    """The file exists with other content: something tried to publish a second version."""


def crisis_folder(root: Path, crisis_id: str, exercise: bool) -> Path:
    return root / "exercices" / crisis_id if exercise else root / crisis_id


def statement_path(
    root: Path,
    crisis_id: str,
    phase: PhaseName,
    sequence: int,
    channel: Channel,
    language: str,
    exercise: bool = False,
) -> Path:
    step = f"{PHASE_ORDER.index(phase) + 1}-{phase_label(phase, sequence)}"
    suffix = TEXT_SUFFIX.get(channel, "txt")
    return crisis_folder(root, crisis_id, exercise) / step / f"{channel.value}.{language}.{suffix}"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_once(path: Path, text: str, journal_entry: dict[str, object] | None = None) -> bool:
    """Write ``text`` at ``path`` unless it is already there. True if this call wrote it.

    With ``journal_entry``, a real write is also recorded in the crisis's journal.
    Raises OutboxConflict if the path holds different content.
    """
    data = text if text.endswith("\n") else text + "\n"
    if path.exists():
        return _check_same(path, data)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return _check_same(path, data)
    finally:
        tmp.unlink(missing_ok=True)
    if journal_entry is not None:
        _append_journal(path, journal_entry)
    return True


def _check_same(path: Path, data: str) -> bool:
    if path.read_text(encoding="utf-8") != data:
        raise OutboxConflict(f"{path} existe déjà avec un autre texte / exists with other text")
    return False


def _append_journal(path: Path, entry: dict[str, object]) -> None:
    journal = _journal_for(path)
    line = json.dumps({**entry, "path": str(path)}, ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _journal_for(path: Path) -> Path:
    return path.parent.parent / "journal.jsonl"


def read_journal(crisis_dir: Path) -> list[dict[str, object]]:
    journal = crisis_dir / "journal.jsonl"
    if not journal.exists():
        return []
    return [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines() if line]
