"""The outbox: one file per crisis, phase, channel and language, written once and never again.

A file is written to a temporary name, flushed to disk, then hard-linked into place: the link
fails if the file exists, so two workers (or a retry after a crash) can never write it twice.
Every real write appends one line to ``journal.jsonl`` beside the files, which audits count.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from tocsin.channels import Markup, profile
from tocsin.models import PHASE_ORDER, Channel, PhaseName, phase_label
from tocsin.models.workflow import CRISIS_ID, shown

SUFFIX = {Markup.HTML: "html", Markup.MARKDOWN: "md"}
LANGUAGE = re.compile(r"^[a-z]{2}$")


@dataclass(frozen=True)
class Modes:
    """The permissions of what tocsin writes: its files, and its folders (the same, with the
    right to enter where the right to read is). Owner-only unless TOCSIN_FILE_MODE says
    otherwise: statements, notices, journals and reviews hold personal data."""

    file: int = 0o600

    @property
    def folder(self) -> int:
        mode = self.file | 0o700
        for read, enter in ((0o040, 0o010), (0o004, 0o001)):
            if mode & read:
                mode |= enter
        return mode

    @property
    def umask(self) -> int:
        """The umask that gives files and folders these modes (for what others create: the
        local Temporal server's database and log, ``server.json``)."""
        return 0o777 & ~self.folder


PRIVATE = Modes()


def make_folder(path: Path, modes: Modes = PRIVATE) -> None:
    """``path`` and its missing parents, each created with the folder mode, whatever the
    umask (folders already there keep theirs)."""
    missing: list[Path] = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, modes.folder)
        except FileExistsError:
            continue
        os.chmod(folder, modes.folder)


class OutboxConflict(Exception):
    """The file exists with other content: something tried to publish a second version."""


class UnsafePath(ValueError):
    """A path built from input that is not a crisis's own: a crisis id outside the pattern
    (``../``, a control character), or a path that would leave its root."""


def inside(root: Path, *parts: str) -> Path:
    """``root / parts``, resolved, checked to stay under ``root`` (``UnsafePath`` otherwise)."""
    base = root.resolve()
    path = base.joinpath(*parts).resolve()
    if path == base or not path.is_relative_to(base):
        raise UnsafePath(f"{shown(str(path), 200)} sort de {base} / leaves {base}")
    return path


def crisis_folder(root: Path, crisis_id: str, exercise: bool) -> Path:
    """The crisis's folder under ``root``; ``UnsafePath`` unless ``crisis_id`` is a crisis
    id (``CRISIS_ID``)."""
    if not CRISIS_ID.fullmatch(crisis_id):
        raise UnsafePath(f"identifiant de crise invalide / bad crisis id: {shown(crisis_id)}")
    return inside(root, "exercices", crisis_id) if exercise else inside(root, crisis_id)


def statement_path(
    root: Path,
    crisis_id: str,
    phase: PhaseName,
    sequence: int,
    channel: Channel,
    language: str,
    exercise: bool = False,
    correction: int = 0,
) -> Path:
    """Where an approved text is archived: a folder a phase (``2-acknowledge/``), and one a
    correction of it beside (``2-acknowledge-correction-1/``)."""
    step = f"{PHASE_ORDER.index(phase) + 1}-{phase_label(phase, sequence)}"
    if correction:
        step += f"-correction-{correction}"
    suffix = SUFFIX.get(profile(channel).markup, "txt")
    if not LANGUAGE.fullmatch(language):
        raise UnsafePath(f"langue invalide / bad language: {shown(language)}")
    folder = crisis_folder(root, crisis_id, exercise)
    return inside(folder, step, f"{channel.value}.{language}.{suffix}")


@dataclass(frozen=True)
class ReviewPaths:
    html: Path
    markdown: Path
    json: Path


def review_paths(root: Path, crisis_id: str, exercise: bool = False) -> ReviewPaths:
    """The review beside the statements, after the last phase: ``7-retex/``."""
    folder = crisis_folder(root, crisis_id, exercise) / f"{len(PHASE_ORDER) + 1}-retex"
    return ReviewPaths(
        html=folder / "retex.html", markdown=folder / "retex.md", json=folder / "retex.json"
    )


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_once(
    path: Path,
    text: str,
    journal_entry: dict[str, object] | None = None,
    modes: Modes = PRIVATE,
) -> bool:
    """Write ``text`` at ``path`` unless it is already there. True if this call wrote it.

    With ``journal_entry``, the file is recorded in the crisis's journal exactly once, even when
    a worker died between writing the file and recording it (the retry records it).
    Raises OutboxConflict if the path holds different content. Files and folders are created
    with ``modes``, whatever the umask.
    """
    data = text if text.endswith("\n") else text + "\n"
    written = False
    if path.exists():
        _check_same(path, data)
    else:
        make_folder(path.parent, modes)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, modes.file)
            os.fchmod(fd, modes.file)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)
                written = True
            except FileExistsError:
                _check_same(path, data)
        finally:
            tmp.unlink(missing_ok=True)
    _sweep_leftovers(path)
    if journal_entry is not None:
        _record(path, journal_entry, modes)
    return written


def _check_same(path: Path, data: str) -> None:
    if path.read_text(encoding="utf-8") != data:
        raise OutboxConflict(f"{path} existe déjà avec un autre texte / exists with other text")


def _sweep_leftovers(path: Path) -> None:
    """Remove temporary files a killed writer left beside ``path``, now that it is in place."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        leftover.unlink(missing_ok=True)


def _record(path: Path, entry: dict[str, object], modes: Modes) -> None:
    """Append ``path`` to the journal unless it is there; the lock makes check and append one."""
    journal = _journal_for(path)
    line = json.dumps({**entry, "path": str(path)}, ensure_ascii=False, sort_keys=True) + "\n"
    fd = os.open(journal, os.O_RDWR | os.O_APPEND | os.O_CREAT, modes.file)
    try:
        os.fchmod(fd, modes.file)
        fcntl.flock(fd, fcntl.LOCK_EX)
        with os.fdopen(os.dup(fd), "r", encoding="utf-8") as reader:
            content = reader.read()
        if any(entry.get("path") == str(path) for entry in _entries(content)):
            return
        if content and not content.endswith("\n"):
            line = "\n" + line  # a writer died mid-line: keep that fragment on its own line
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock


def _journal_for(path: Path) -> Path:
    return path.parent.parent / "journal.jsonl"


def _entries(content: str) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    for line in content.splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # the fragment a killed writer left; the retry wrote the line whole
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def read_journal(crisis_dir: Path) -> list[dict[str, object]]:
    journal = crisis_dir / "journal.jsonl"
    if not journal.exists():
        return []
    return _entries(journal.read_text(encoding="utf-8"))
