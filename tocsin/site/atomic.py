"""Writing the site so that nobody ever reads half of it.

The site's path is a symbolic link to a complete folder beside it (``.crise.<time>-<random>``).
A new version is written in full into a new folder, each file synced, then a new link is put in
place of the old one by ``rename``, which is atomic: a reader sees the old site or the new one.
The folder a link no longer points to is removed once it has been replaced for ``grace``
seconds, so a reader who started on it can finish. One regeneration at a time (a lock file).

A web server serves the path as it is (links followed, the default of nginx and Apache); to copy
the site elsewhere, copy what the link points to: ``rsync -a --delete crise/ host:/var/www/``.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path

from tocsin.i18n import t
from tocsin.site.build import build
from tocsin.site.models import Site

GRACE = 60.0  # seconds a replaced version stays readable
PART = ".part"


class SiteError(Exception):
    """The site cannot be written where asked; the message says why, in one sentence."""


def _prefix(target: Path) -> str:
    return f".{target.name}."


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    with open(target.parent / f".{target.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _ours(target: Path) -> bool:
    """Whether ``target`` may be replaced: absent, an empty folder, or one of our links."""
    if target.is_symlink():
        pointed = os.readlink(target)
        return "/" not in pointed and pointed.startswith(_prefix(target))
    if not target.exists():
        return True
    return target.is_dir() and not any(target.iterdir())


def _sync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same(old: Path, data: bytes) -> bool:
    try:
        return old.stat().st_size == len(data) and old.read_bytes() == data
    except OSError:
        return False


def write_version(folder: Path, content: Mapping[str, bytes], previous: Path | None = None) -> None:
    """Every file of ``content`` under ``folder``, readable by a web server, synced to disk.

    A file the ``previous`` version holds as it is becomes a hard link to it (already on disk;
    most files do not change from one publication to the next); the others are written, then
    each synced."""
    folder.chmod(0o755)
    made = {folder}
    paths = []
    for relative, data in content.items():
        path = folder / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            made.add(path.parent)
        old = previous / relative if previous is not None else None
        if old is not None and _same(old, data):
            os.link(old, path)
            continue
        path.write_bytes(data)
        path.chmod(0o644)
        paths.append(path)
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for directory in made:
        _sync_dir(directory)


def swap(target: Path, content: Mapping[str, bytes], *, grace: float = GRACE) -> Path:
    """Put ``content`` at ``target`` in one step; returns the folder that now holds it."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        if not _ours(target):
            raise SiteError(t("site.err.taken", path=str(target)))
        previous = target.resolve() if target.is_symlink() else None
        stamp = f"{_prefix(target)}{time.time_ns():020d}-"
        part = Path(tempfile.mkdtemp(prefix=stamp, suffix=PART, dir=target.parent))
        try:
            write_version(part, content, previous)
            version = part.with_name(part.name.removesuffix(PART))
            part.rename(version)
        except BaseException:
            shutil.rmtree(part, ignore_errors=True)
            raise
        link = target.parent / f"{stamp}link"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        os.symlink(version.name, link)  # relative: the site moves with its folder
        if target.is_dir() and not target.is_symlink():
            target.rmdir()  # empty (checked above): the first version replaces it
        os.replace(link, target)
        _sync_dir(target.parent)
        _prune(target, version, grace)
    return version


def _prune(target: Path, current: Path, grace: float) -> None:
    """Remove the versions replaced more than ``grace`` seconds ago, and abandoned writes."""
    prefix = _prefix(target)
    versions = sorted(
        p
        for p in target.parent.iterdir()
        if p.name.startswith(prefix) and p.is_dir() and not p.is_symlink()
    )
    now = time.time()
    for older, newer in itertools.pairwise(versions):
        if older == current:
            continue
        abandoned = older.name.endswith(PART)  # a write that never finished
        replaced_at = older.stat().st_mtime if abandoned else newer.stat().st_mtime
        if now - replaced_at >= grace:
            shutil.rmtree(older, ignore_errors=True)


def publish(
    site: Site, target: Path, *, generated: datetime | None = None, grace: float = GRACE
) -> Path:
    """Regenerate the status site at ``target`` from ``site``, atomically."""
    return swap(Path(target), build(site, generated), grace=grace)
