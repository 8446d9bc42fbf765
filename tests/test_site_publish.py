"""The status site as an account (``kind: status_site``), through
:func:`tocsin.publish.publisher.publish` into a real folder: statements added, corrected with
their history, retracted, a crisis closed; CAP only for alert channels, valid against the OASIS
schema, Exercise for drills; the same request twice changes nothing; two crises publishing at
once lose nothing; hostile text stays text; the store beside the site is private.
"""

from __future__ import annotations

import asyncio
import os
import stat
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.test_site import CAP, SCHEMA, parsed
from tocsin.models import Channel, PhaseName
from tocsin.models.playbook import AlertPolicy
from tocsin.publish import statussite
from tocsin.publish.accounts import Accounts, StatusSiteAccount
from tocsin.publish.errors import DrillRefused, NotRetryable, Retryable
from tocsin.publish.models import AccountKind, Action, Publication, PublicContext, PublishRequest
from tocsin.publish.publisher import publish
from tocsin.publish.ratelimit import Limits
from tocsin.site import atomic

T0 = datetime(2026, 12, 3, 7, 5, tzinfo=UTC)  # 8 h 05 in Metz
CRISIS = "crisis-inondation-moselle-2026"
BASE = "https://crise.example.fr/"
CHANNELS = [Channel.WEBSITE, Channel.CELL_BROADCAST, Channel.PRESS_RELEASE]


def accounts(root: Path, *, exercise: bool = False) -> Accounts:
    site = StatusSiteAccount.model_validate(
        {
            "kind": "status_site",
            "path": str(root / "www" / "crise"),
            "base_url": BASE,
            "exercise": exercise,
        }
    )
    return Accounts(None, {"site": site}, {channel: ["site"] for channel in CHANNELS})


def context(**changes: Any) -> PublicContext:
    values: dict[str, Any] = {
        "title": "Crue de la Moselle",
        "sender": "Mairie de Metz",
        "area": "Metz, bords de Moselle",
        "contact": "03 87 00 00 00",
        "geocodes": {"INSEE": "57463"},
        "alert": AlertPolicy(event="Crue", category="Met"),
        "next_update": T0 + timedelta(hours=2),
    }
    values.update(changes)
    return PublicContext.model_validate(values)


def request(channel: Channel = Channel.WEBSITE, minutes: int = 0, **changes: Any) -> PublishRequest:
    values: dict[str, Any] = {
        "crisis_id": CRISIS,
        "phase": PhaseName.ACKNOWLEDGE,
        "sequence": 0,
        "revision": 0,
        "channel": channel,
        "language": "fr",
        "account": "site",
        "text": "La Moselle déborde : évitez les berges.",
        "exercise": False,
        "context": context(),
        "at": T0 + timedelta(minutes=minutes),
    }
    values.update(changes)
    return PublishRequest.model_validate(values)


def follow(of: Publication, action: Action, minutes: int, **changes: Any) -> PublishRequest:
    base = request(minutes=minutes, **changes)
    return base.model_copy(update={"action": action, "previous": of, "revision": base.revision + 1})


async def send(root: Path, asked: PublishRequest, **kw: Any) -> Publication:
    return await publish(asked, accounts(root, **kw), env={}, limits=Limits())


def site_files(root: Path) -> dict[str, bytes]:
    site = (root / "www" / "crise").resolve()
    return {
        str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
    }


def cap_thread(files: dict[str, bytes]) -> list[ET.Element]:
    """The CAP messages in the order they were sent: each references every earlier one of its
    thread (two can share a second: a close's last Update and its Cancel)."""
    found = [ET.fromstring(d) for p, d in files.items() if p.startswith("cap/")]
    return sorted(
        found,
        key=lambda m: (
            m.findtext(f"{CAP}sent") or "",
            len((m.findtext(f"{CAP}references") or "").split()),
        ),
    )


def names(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def page_text(files: dict[str, bytes], path: str) -> str:
    return "".join(parsed(files[path]).data)


def assert_cap_valid(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        if path.endswith(".xml"):
            errors = list(SCHEMA.iter_errors(data.decode()))
            assert errors == [], f"{path}: {errors[0] if errors else ''}"


async def test_a_crisis_published_corrected_retracted_and_closed(tmp_path: Path) -> None:
    page = f"crises/{CRISIS}.html"
    web = await send(tmp_path, request(Channel.WEBSITE))
    assert web.kind is AccountKind.STATUS_SITE
    assert web.remote_id == f"{page}#acknowledge-1-website"
    assert web.url == f"{BASE}{page}#acknowledge-1-website"
    assert web.published_at == T0
    files = site_files(tmp_path)
    assert "La Moselle déborde" in page_text(files, page)
    assert 'id="acknowledge-1-website"' in files[page].decode()
    assert not any(p.startswith("cap/") for p in files)  # a web page is not an alert

    alert = await send(tmp_path, request(Channel.CELL_BROADCAST, 5, text="Alerte crue : montez."))
    fixed = await send(
        tmp_path,
        follow(
            alert, Action.CORRECT, 20, channel=Channel.CELL_BROADCAST, text="Alerte crue : restez."
        ),
    )
    assert fixed.remote_id == alert.remote_id  # the same statement, its text changed
    assert fixed.published_at == T0 + timedelta(minutes=20)
    files = site_files(tmp_path)
    shown = page_text(files, page)
    assert "Alerte crue\u00a0: restez." in shown
    assert "Alerte crue\u00a0: montez." in shown  # the old text stays visible
    assert "correction" in shown
    messages = cap_thread(files)
    assert [m.findtext(f"{CAP}msgType") for m in messages] == ["Alert", "Update"]
    assert {m.findtext(f"{CAP}status") for m in messages} == {"Actual"}
    update = messages[1]
    first_id = messages[0].findtext(f"{CAP}identifier") or "-"
    assert first_id in (update.findtext(f"{CAP}references") or "")
    info = update.find(f"{CAP}info")
    assert info is not None
    assert info.findtext(f"{CAP}description") == "Alerte crue : restez."
    assert info.findtext(f"{CAP}event") == "Crue"
    assert info.findtext(f"{CAP}category") == "Met"
    assert info.findtext(f"{CAP}senderName") == "Mairie de Metz"
    assert info.findtext(f"{CAP}area/{CAP}areaDesc") == "Metz, bords de Moselle"
    assert info.findtext(f"{CAP}area/{CAP}geocode/{CAP}value") == "57463"
    assert (info.findtext(f"{CAP}expires") or "").endswith("+01:00")
    assert all("déborde" not in (m.findtext(f".//{CAP}description") or "") for m in messages)
    assert_cap_valid(files)

    gone = await send(tmp_path, follow(web, Action.RETRACT, 30))
    assert (gone.action, gone.remote_id) == (Action.RETRACT, web.remote_id)
    files = site_files(tmp_path)
    assert "Ce message a été retiré" in page_text(files, page)

    closing = context(closing=True, next_update=None)
    await send(
        tmp_path,
        request(
            Channel.CELL_BROADCAST,
            60,
            phase=PhaseName.CLOSE,
            text="Fin de l’alerte.",
            context=closing,
        ),
    )
    files = site_files(tmp_path)
    messages = cap_thread(files)
    assert [m.findtext(f"{CAP}msgType") for m in messages][-1] == "Cancel"
    assert_cap_valid(files)
    stored = statussite.Stored.model_validate_json(
        (tmp_path / "www" / ".crise-tocsin" / "crises" / f"{CRISIS}.json").read_bytes()
    )
    assert stored.crisis.closed_at == T0 + timedelta(minutes=60)
    assert "Fin de l’alerte" in page_text(files, page)


async def test_a_drill_is_marked_and_its_cap_is_an_exercise(tmp_path: Path) -> None:
    with pytest.raises(DrillRefused):
        await send(tmp_path, request(Channel.CELL_BROADCAST, exercise=True))
    assert not (tmp_path / "www" / "crise").exists()
    await send(tmp_path, request(Channel.CELL_BROADCAST, exercise=True), exercise=True)
    files = site_files(tmp_path)
    assert "EXERCICE" in page_text(files, f"crises/{CRISIS}.html")
    assert [m.findtext(f"{CAP}status") for m in cap_thread(files)] == ["Exercise"]
    assert_cap_valid(files)


async def test_no_cap_without_the_playbook_s_alert(tmp_path: Path) -> None:
    await send(tmp_path, request(Channel.CELL_BROADCAST, context=context(alert=None)))
    files = site_files(tmp_path)
    assert "La Moselle déborde" in page_text(files, f"crises/{CRISIS}.html")
    assert not any(p.startswith("cap/") for p in files)


async def test_the_same_request_twice_changes_nothing(tmp_path: Path) -> None:
    asked = request(Channel.CELL_BROADCAST)
    first = await send(tmp_path, asked)
    store = tmp_path / "www" / ".crise-tocsin" / "crises" / f"{CRISIS}.json"
    kept = store.read_bytes()
    version = os.readlink(tmp_path / "www" / "crise")
    again = await send(tmp_path, asked.model_copy(update={"at": T0 + timedelta(minutes=9)}))
    assert again == first
    assert store.read_bytes() == kept
    assert os.readlink(tmp_path / "www" / "crise") == version  # the site was not rewritten
    assert len(cap_thread(site_files(tmp_path))) == 1


async def test_a_crash_between_the_store_and_the_site_is_repaired_by_the_retry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = atomic.publish

    def full_disk(*args: Any, **kwargs: Any) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "publish", full_disk)
    with pytest.raises(Retryable) as failed:
        await send(tmp_path, request())
    assert "No space left on device" in str(failed.value)
    monkeypatch.setattr(atomic, "publish", real)
    await send(tmp_path, request())
    assert "La Moselle déborde" in page_text(site_files(tmp_path), f"crises/{CRISIS}.html")


async def test_two_crises_at_once_lose_no_statement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two activities on one site folder at once, each reading the store slowly: with the
    lock, the second to regenerate sees the first's statement."""
    real = statussite._load_all

    def slow(name: str, folder: Path) -> dict[str, statussite.Stored]:
        found = real(name, folder)
        time.sleep(0.5)  # a slow disk: the window where both would have read the old store
        return found

    monkeypatch.setattr(statussite, "_load_all", slow)
    other = "crisis-canicule-2026"
    await asyncio.gather(
        send(tmp_path, request()),
        send(
            tmp_path,
            request(
                crisis_id=other,
                text="Canicule : buvez de l’eau.",
                context=context(title="Canicule"),
            ),
        ),
    )
    files = site_files(tmp_path)
    assert "La Moselle déborde" in page_text(files, f"crises/{CRISIS}.html")
    assert "Canicule" in page_text(files, f"crises/{other}.html")
    index = page_text(files, "index.html")
    assert "Crue de la Moselle" in index
    assert "Canicule" in index


HOSTILE = "Restez chez vous ! <script>alert('x')</script> \"><img src=x onerror=alert(1)> & « fin »"


async def test_hostile_text_stays_text(tmp_path: Path) -> None:
    hostile = context(
        title="Crue <script>alert(1)</script>",
        sender="Mairie & <b>Metz</b>",
        contact="<a href='javascript:alert(1)'>appelez</a>",
    )
    long_id = "crisis-" + "x" * 120 + "-y"  # longer than a site id: cut, with a digest
    asked = request(Channel.CELL_BROADCAST, text=HOSTILE, context=hostile, crisis_id=long_id)
    posted = await send(tmp_path, asked)
    files = site_files(tmp_path)
    page = posted.remote_id.split("#")[0]
    assert page in files
    assert len(Path(page).name) <= 64 + len(".html")
    for path in (p for p in files if p.endswith(".html")):
        tags = parsed(files[path]).tags
        assert "script" not in tags, path
        assert "img" not in tags, path
        assert "b" not in tags, path
    shown = page_text(files, page)
    assert "<script>alert('x')</script>" in shown
    assert "<a href='javascript:alert(1)'>appelez</a>" in shown
    assert_cap_valid(files)
    description = cap_thread(files)[0].findtext(f".//{CAP}description")
    assert description == HOSTILE


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"text": "Alerte\x00 cachée"}, "U+0000"),
        ({"language": "it"}, "« it »"),
        ({"context": None}, "contexte public"),
        ({"context": context(timezone="Mars/Olympus")}, "Mars/Olympus"),
    ],
)
async def test_what_the_site_cannot_show_is_refused_saying_why(
    tmp_path: Path, changes: dict[str, Any], said: str
) -> None:
    with pytest.raises(NotRetryable) as refused:
        await send(tmp_path, request(**changes))
    assert said in str(refused.value).replace("\u202f", " ")
    assert not (tmp_path / "www" / "crise").exists()


async def test_the_store_is_private_and_not_in_the_served_folder(tmp_path: Path) -> None:
    await send(tmp_path, request())
    served = (tmp_path / "www" / "crise").resolve()
    store = tmp_path / "www" / ".crise-tocsin"
    assert not store.resolve().is_relative_to(served)
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    for file in (store / "crises").iterdir():
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert not any(".json" in p for p in site_files(tmp_path))


@pytest.mark.parametrize("crisis_id", ["..", "...", ".:-", "ÉTÉ-2026", "crisis-" + "a" * 190])
async def test_a_crisis_id_never_leads_outside_the_site_or_its_store(
    tmp_path: Path, crisis_id: str
) -> None:
    """The workflow's id is untrusted here: the page and the store file are named from it by
    letters and a digest, always inside their folders."""
    posted = await send(tmp_path, request(crisis_id=crisis_id))
    page = posted.remote_id.split("#")[0]
    assert page.startswith("crises/")
    assert page in site_files(tmp_path)
    assert names(tmp_path / "www" / ".crise-tocsin" / "crises") == {f"{Path(page).stem}.json"}
    assert names(tmp_path) == {"www"}
    written = {n for n in names(tmp_path / "www") if not n.startswith(".crise.")}
    assert written == {"crise", ".crise-tocsin"}  # beside them: the versions and the lock


async def test_a_refused_request_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """Checked whole before anything is kept: a time zone nobody knows does not poison the
    store for the publications after it."""
    await send(tmp_path, request())
    store = tmp_path / "www" / ".crise-tocsin" / "crises" / f"{CRISIS}.json"
    kept = store.read_bytes()
    with pytest.raises(NotRetryable):
        await send(
            tmp_path,
            request(
                minutes=1,
                phase=PhaseName.FOLLOW_UP,
                sequence=1,
                context=context(timezone="Mars/Olympus"),
            ),
        )
    assert store.read_bytes() == kept
    await send(
        tmp_path, request(minutes=2, phase=PhaseName.FOLLOW_UP, sequence=2, text="Deuxième point.")
    )
    assert "Deuxième point." in page_text(site_files(tmp_path), f"crises/{CRISIS}.html")


async def test_a_damaged_store_file_is_named(tmp_path: Path) -> None:
    await send(tmp_path, request())
    store = tmp_path / "www" / ".crise-tocsin" / "crises" / f"{CRISIS}.json"
    store.write_text("{not json")
    with pytest.raises(NotRetryable) as refused:
        await send(tmp_path, request(minutes=1, phase=PhaseName.FOLLOW_UP, sequence=1))
    assert str(store) in str(refused.value)
