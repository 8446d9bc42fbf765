"""Slack, as a stranger or a mistake drives it: the real slack_bolt app over HTTP on loopback,
requests signed as Slack signs them, against the stateful fake of tests/fakeslack.py.

Each test reproduces an attack of issue 24 (point 3): a playbook read from a server path, a
crisis's status given to a stranger, Slack markup published through a comment, malformed signed
values, the HTTP port open to every interface, a request replayed to a second app process.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakeslack import (
    FakeSlack,
    form,
    sign,
    slack_library,
    slash,
    view_submission,
    with_slack_people,
)
from tests.helpers import crisis_input, until, wait_status
from tests.rig import Rig, running
from tocsin import crises
from tocsin.config import BUNDLED_PLAYBOOKS
from tocsin.playbook.reading import read_yaml
from tocsin.slack.ids import ViewId

CHANNEL = "C0CRISE"


@pytest.fixture
async def rig(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Rig]:
    library = slack_library(tmp_path)
    async with running(
        tmp_path, server="test", fake=fake, channel=CHANNEL, app="http", library=library
    ) as started:
        yield started


async def command(rig: Rig, user: str, text: str) -> str:
    """``/tocsin TEXT`` typed by ``user``: acknowledged at once, and the one answer it gets."""
    seen = len(rig.fake.responses)
    body = slash(text, user, CHANNEL, rig.fake.response_url())
    assert (await rig.post_raw(body, sign(body)))[0] == 200
    await until(lambda: len(rig.fake.responses) > seen, 10, f"an answer to {text[:40]!r}")
    assert len(rig.fake.responses) == seen + 1
    return str(rig.fake.responses[seen]["text"])


def from_here(path: Path) -> str:
    """``path`` relative to the working directory: ``../../tmp/…``."""
    return os.path.relpath(path)


def spy_on_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file the playbook loader reads from now on."""
    read: list[Path] = []

    def spy(file: Path) -> Any:
        read.append(Path(file).resolve())
        return read_yaml(file)

    monkeypatch.setattr("tocsin.playbook.library.read_yaml", spy)
    return read


# --------------------------------------------------------------------------- /tocsin lancer


async def test_lancer_reads_the_library_only_and_only_for_its_people(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/tocsin lancer /any/path.yaml` parsed a file of the server and echoed its path and keys,
    for any member of the workspace; a stranger got the dialog of any playbook."""
    secret = tmp_path / "secret" / "passwords.yaml"
    secret.parent.mkdir()
    secret.write_text("db_password: hunter2\napi_key: sk-0123\n", encoding="utf-8")
    # A valid playbook outside the library, with the clicker as a person of it.
    elsewhere = tmp_path / "secret" / "ailleurs.yml"
    elsewhere.write_text(
        (tmp_path / "playbooks" / "eau-non-potable.yml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    read = spy_on_reads(monkeypatch)
    relative = from_here(secret)
    unknown = await command(rig, "UCAMILLE", "lancer inondation-martienne")
    for name in (str(secret), relative, str(elsewhere), "../secret/ailleurs", "../../etc/passwd"):
        answer = await command(rig, "UCAMILLE", f"lancer {name}")
        for leak in ("db_password", "hunter2", "api_key", str(tmp_path), "secret", "passwords"):
            assert leak not in answer, (name, answer)
        assert "identifiant" in answer  # a playbook is named by its id
    assert secret.resolve() not in read
    assert elsewhere.resolve() not in read
    assert rig.fake.views == []

    # A member of the workspace who is nobody in the playbook: no dialog, and the answer a
    # playbook that does not exist gets.
    nothing = await command(rig, "UNOBODY", "lancer inondation-martienne")
    stranger = await command(rig, "UNOBODY", "lancer eau-non-potable")
    assert stranger == nothing.replace("inondation-martienne", "eau-non-potable")
    assert "eau-non-potable" in unknown  # a person is told the playbooks that are theirs
    assert rig.fake.views == []
    # A person of the playbook gets its dialog.
    await command_opens_dialog(rig, "UCAMILLE", "lancer eau-non-potable")


async def command_opens_dialog(rig: Rig, user: str, text: str) -> None:
    body = slash(text, user, CHANNEL, rig.fake.response_url())
    assert (await rig.post_raw(body, sign(body)))[0] == 200
    views = await until(lambda: rig.fake.views, 10, "the start dialog")
    assert views[0]["callback_id"] == ViewId.START


async def test_a_start_dialog_forged_for_a_path_reads_nothing(
    rig: Rig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog's private metadata names the playbook: a submission naming a path is refused
    at the dialog, nothing read, nothing started."""
    read = spy_on_reads(monkeypatch)
    outside = BUNDLED_PLAYBOOKS / "eau-non-potable.yml"
    view = {
        "type": "modal",
        "callback_id": ViewId.START,
        "private_metadata": f'{{"playbook": "{outside}", "channel": "{CHANNEL}"}}',
        "blocks": [],
    }
    submit = view_submission("UCAMILLE", view, {"tocsin_param__commune": "Saint-Aubin"})
    code, text = await rig.post_raw(form(submit), sign(form(submit)))
    assert code == 200
    assert "errors" in text
    assert str(outside) not in text
    assert outside.resolve() not in read
    assert rig.fake.ephemeral == []


# --------------------------------------------------------------------------- /tocsin statut


async def test_statut_answers_only_the_people_of_the_crisis(rig: Rig) -> None:
    """`/tocsin statut` answered members who are nobody in the playbook: its title, state,
    phase and who it waits for."""
    cid = await rig.trigger(with_slack_people(crisis_input("statut")))
    await wait_status(rig.client, cid, lambda s: s.state == "awaiting_approval", what="gate")
    known = await command(rig, "UCAMILLE", f"statut {cid}")
    assert "Dominique Lefèvre" in known  # a person of the crisis is answered
    nothing = await command(rig, "UNOBODY", "statut inexistante-2026-01-01")
    for verb in ("statut", "fait", "resoudre"):
        text = f"{verb} {cid}" + (" Rumeur." if verb != "statut" else "")
        answer = await command(rig, "UNOBODY", text)
        # Word for word what a crisis that does not exist gets: not even its existence leaks.
        assert answer == nothing.replace("inexistante-2026-01-01", cid), answer
        for leak in ("Eau", "Dominique", "approb", "awaiting", "révision"):
            assert leak not in answer, answer
    current = await crises.status(rig.client, cid)
    assert current.facts == []
    assert not current.resolved
