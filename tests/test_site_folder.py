"""The status site's folder: regenerated atomically (a reader never sees half of it, two
writers take turns, a failed write leaves the old site), unchanged files linked, a folder tocsin
did not make never replaced, and served on loopback.
"""

from __future__ import annotations

import os
import re
import threading
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.test_site import SCHEMA, T0, crisis_data, drill_data, make_site
from tocsin.site import Site, SiteError, atomic, build, publish, serve

# Writing the folder


def _expected(files: dict[str, bytes]) -> set[str]:
    return set(files)


def _read_all(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_a_reader_never_sees_a_partial_site(tmp_path: Path) -> None:
    """One thread regenerates the site again and again, each time with a new text; another
    reads it meanwhile: every folder it reads is whole, one version throughout."""
    target = tmp_path / "crise"
    versions = 40

    def site_of(n: int) -> Site:
        data = crisis_data()
        data["statements"][3] = {**data["statements"][3], "text": f"Version {n:03d} du point."}
        return make_site([data, drill_data()])

    expected = _expected(build(site_of(0), T0))
    publish(site_of(0), target, generated=T0)
    problems: list[str] = []
    reads = 0
    done = threading.Event()

    def reader() -> None:
        nonlocal reads
        while not done.is_set():
            try:
                root = target.resolve(strict=True)
                seen = _read_all(root)
                (target / "index.html").read_bytes()  # by the site's own path, as a server does
            except OSError as exc:
                problems.append(f"read failed: {exc!r}")
                continue
            reads += 1
            if set(seen) != expected:
                problems.append(f"files: {sorted(set(seen) ^ expected)}")
            marks = {
                m
                for path, data in seen.items()
                for m in re.findall(rb"Version (\d{3}) du point", data)
            }
            if len(marks) != 1:
                problems.append(f"versions mixed: {sorted(marks)}")
            for path, data in seen.items():
                if path.endswith(".html") and not data.endswith(b"</html>\n"):
                    problems.append(f"{path}: cut")

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(1, versions):
            publish(site_of(n), target, generated=T0 + timedelta(seconds=n))
    finally:
        done.set()
        thread.join()
    assert problems == []
    assert reads >= 5
    assert b"Version 039 du point" in (target / "crises" / "crue-2026.html").read_bytes()


def test_replaced_versions_go_after_the_grace_and_a_failed_write_leaves_the_old_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "crise"
    site = make_site()
    for _ in range(3):
        publish(site, target, generated=T0, grace=3600)
    kept = [p for p in tmp_path.iterdir() if p.name.startswith(".crise.") and p.is_dir()]
    assert len(kept) == 3  # within the grace: a reader of a replaced version can finish
    current = publish(site, target, generated=T0, grace=0)
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".crise.") and p.is_dir()]
    assert left == [current]
    assert target.resolve() == current

    def broken(folder: Path, content: dict[str, bytes], previous: Path | None) -> None:
        (folder / "index.html").write_bytes(b"<!DOCTYPE html><html")
        raise OSError("disk full")

    monkeypatch.setattr(atomic, "write_version", broken)
    with pytest.raises(OSError, match="disk full"):
        publish(make_site([]), target, generated=T0)
    assert target.resolve() == current  # still the whole previous site
    assert (target / "index.html").read_bytes().endswith(b"</html>\n")
    names = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".crise."))
    assert names == sorted([".crise.lock", current.name])  # nothing half written left


def test_an_unchanged_file_is_linked_from_the_previous_version(tmp_path: Path) -> None:
    target = tmp_path / "crise"
    before = publish(make_site(), target, generated=T0)
    changed = crisis_data()
    changed["statements"][3] = {**changed["statements"][3], "text": "L’eau baisse encore."}
    after = publish(make_site([changed, drill_data()]), target, generated=T0 + timedelta(hours=1))
    page = "crises/crue-2026.html"
    drill = "crises/exercice-seveso.html"
    assert os.stat(after / drill).st_ino == os.stat(before / drill).st_ino  # one file, linked
    assert os.stat(after / page).st_ino != os.stat(before / page).st_ino
    assert b"L\xe2\x80\x99eau baisse encore." in (after / page).read_bytes()
    assert b"L\xe2\x80\x99eau baisse encore." not in (before / page).read_bytes()
    assert (after / drill).read_bytes() == build(make_site(), T0)[drill]


def test_two_writers_at_once_take_turns(tmp_path: Path) -> None:
    """Two publications at the same moment (two activities): one waits for the other's lock;
    the site is whole after, and it is the last one written."""
    target = tmp_path / "crise"
    errors: list[BaseException] = []
    written: list[Path] = []

    def writer(crises: list[dict[str, Any]]) -> None:
        try:
            for _ in range(5):
                written.append(publish(make_site(crises), target, generated=T0))
        except BaseException as exc:
            errors.append(exc)

    writers = [
        threading.Thread(target=writer, args=([crisis_data()],)),
        threading.Thread(target=writer, args=([drill_data()],)),
    ]
    for each in writers:
        each.start()
    for each in writers:
        each.join()
    assert errors == []
    assert len(set(written)) == 10
    assert target.resolve() == max(written)  # versions are named in the order they were made
    last = "crue-2026" if (target / "crises" / "crue-2026.html").exists() else "exercice-seveso"
    assert (
        _read_all(target.resolve()).keys()
        == build(make_site([crisis_data() if last == "crue-2026" else drill_data()]), T0).keys()
    )


def test_a_folder_not_made_by_tocsin_is_never_replaced(tmp_path: Path) -> None:
    taken = tmp_path / "www"
    taken.mkdir()
    (taken / "index.html").write_text("their site", encoding="utf-8")
    with pytest.raises(SiteError, match=r"www existe et n’a pas été produit par tocsin"):
        publish(make_site(), taken)
    assert (taken / "index.html").read_text(encoding="utf-8") == "their site"
    empty = tmp_path / "empty"
    empty.mkdir()
    publish(make_site(), empty)
    assert empty.is_symlink()
    assert (empty / "index.html").is_file()
    assert os.stat(empty / "index.html").st_mode & 0o044 == 0o044  # a web server may read it


# Serving


def test_served_on_loopback_with_types_and_headers_and_no_listing(tmp_path: Path) -> None:
    target = tmp_path / "crise"
    publish(make_site(), target, generated=T0)
    with pytest.raises(SiteError, match="boucle locale"):
        serve(target, host="0.0.0.0")
    with serve(target) as server:
        assert server.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(server.url + "crises/crue-2026.html", timeout=10) as answer:
            assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
            assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
            assert b"Crue de la Moselle" in answer.read()
        with urllib.request.urlopen(server.url + "feed.atom", timeout=10) as answer:
            assert answer.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
        with urllib.request.urlopen(server.url + "cap.xml", timeout=10) as answer:
            assert SCHEMA.is_valid(answer.read().decode())
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.url + "crises/", timeout=10)
        missing.value.close()
        assert missing.value.code == 404
        # Regenerated while served: the next request reads the new version.
        publish(make_site([drill_data()]), target, generated=T0)
        with urllib.request.urlopen(server.url + "index.html", timeout=10) as answer:
            assert b"crue-2026" not in answer.read()
