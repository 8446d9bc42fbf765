"""Floods (issue 24, point 6): one person starting crises without end. Triggers are counted per
person and per playbook across processes, exercises are served on a queue of their own, and
`tocsin list` shows real crises first, a page at a time, filtered. Each test drives the real
command line against the dev server (SQLite), as an operator does."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from pathlib import Path

from tests.helpers import awaiting, crisis_input, notices, sample_params, signed, until, wait_status
from tests.processes import Result, tocsin
from tests.rig import WORKER_READY, Rig, running
from tocsin import crises
from tocsin.config import TriggerLimits
from tocsin.models import NotifyKind, PhaseName
from tocsin.visibility import CRISES

NBSP = "\u00a0"
ASKED = NotifyKind.APPROVAL_REQUESTED
RAISED = TriggerLimits(
    per_person=1000, per_playbook=1000, drills_per_person=1000, drills_per_playbook=1000
)
FORGED = "r." + base64.urlsafe_b64encode(b'{"CloseTime":"x"}').decode().rstrip("=") + ".0"


async def cli(rig: Rig, *args: str, env: dict[str, str] | None = None) -> Result:
    """`tocsin ARGS` as a process of its own, to its end (never a traceback)."""
    return await asyncio.to_thread(tocsin, {**rig.env, **(env or {})}, *args)


async def trigger(
    rig: Rig, key: str, *args: str, person: str = "camille", playbook: str = "eau-non-potable"
) -> Result:
    return await cli(rig, "trigger", playbook, "--as", person, "--key", key, *args,
                     *sample_params(playbook))  # fmt: skip


async def visible(rig: Rig, count: int) -> None:
    """Until the server's visibility store lists ``count`` crises (it lags a start a little)."""
    for _ in range(200):
        if (await rig.client.count_workflows(CRISES)).count >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} crises listed")


async def test_a_flood_of_triggers_is_refused_across_processes(tmp_path: Path) -> None:
    async with running(
        tmp_path,
        server="dev",
        workers=0,
        TOCSIN_TRIGGERS_PER_PERSON="2",
        TOCSIN_TRIGGERS_PER_PLAYBOOK="3",
        TOCSIN_DRILLS_PER_PERSON="1",
    ) as rig:
        # Two processes, a crisis each: the third process's trigger is one too many.
        for key in ("a", "b"):
            assert (await trigger(rig, key)).code == 0
        await visible(rig, 2)
        refused = await trigger(rig, "c")
        assert refused.code != 0
        assert (
            f"Camille Martin a déjà déclenché 2{NBSP}crises réelles dans les 60{NBSP}dernières "
            f"minutes (limite{NBSP}: 2). Prochain déclenchement possible à "
        ) in refused.err, refused.err
        assert re.search(r"possible à \d{1,2} h \d{2}\.", refused.err), refused.err
        english = await cli(
            rig,
            "trigger",
            "eau-non-potable",
            "--as",
            "camille",
            "--key",
            "c",
            *sample_params(),
            env={"TOCSIN_LANG": "en"},
        )
        assert "Camille Martin has already triggered 2 real crises" in english.err, english.err
        assert "(limit: 2). The next trigger is allowed at " in english.err
        # Triggering a running crisis again starts nothing: never refused.
        again = await trigger(rig, "a")
        assert again.code == 0, again.text
        assert "déjà en cours" in again.out
        # Exercises are counted apart, against their own (tighter) limit.
        assert (await trigger(rig, "exo-1", "--exercise")).code == 0
        await visible(rig, 3)
        drill = await trigger(rig, "exo-2", "--exercise")
        assert drill.code != 0
        assert f"1{NBSP}exercice dans les" in drill.err, drill.text
        # Another person may trigger, until the playbook's own limit.
        assert (await trigger(rig, "d", person="dominique")).code == 0
        await visible(rig, 4)
        playbook = await trigger(rig, "e", person="sacha")
        assert playbook.code != 0
        assert (
            f"le playbook «\u202fEau non potable\u202f» a déjà servi à déclencher "
            f"3{NBSP}crises réelles"
        ) in playbook.err, playbook.err
        # The refusals started nothing.
        await asyncio.sleep(0.5)
        assert (await rig.client.count_workflows(CRISES)).count == 4


async def test_a_drill_backlog_does_not_hold_a_real_crisis(tmp_path: Path) -> None:
    async with running(tmp_path, server="dev", workers=0, models=False) as rig:
        settings = rig.settings.model_copy(update={"trigger_limits": RAISED})
        drills = [
            (
                await crises.trigger(
                    rig.client, settings, crisis_input(f"exo-{n}", exercise=True), signed()
                )
            )
            for n in range(30)
        ]
        # The exercises' worker is down (or far behind): only the real crises' worker runs.
        await rig.process(["worker", "--queues", "real"], "worker-real", WORKER_READY)
        real = await rig.trigger(crisis_input("vraie"))
        await wait_status(rig.client, real, awaiting(PhaseName.ACKNOWLEDGE), within=60)
        await until(lambda: notices(rig.settings, real, ASKED), 30, "the real crisis's notice")
        # Not one drill has been taken meanwhile: their backlog was never ahead of it.
        assert not any(notices(rig.settings, d.crisis_id, NotifyKind.INFO) for d in drills)
        # The exercises' worker, once up, takes them from their own queue.
        await rig.process(["worker", "--queues", "exercise"], "worker-exercise", WORKER_READY)
        first = drills[0].crisis_id
        await wait_status(rig.client, first, awaiting(PhaseName.ACKNOWLEDGE), within=90)
        await until(lambda: notices(rig.settings, first, ASKED), 30, "a drill's notice")


def listed(result: Result) -> list[str]:
    assert result.code == 0, result.text
    return [line.split("\t")[0] for line in result.out.splitlines() if line.startswith("crisis-")]


def token(result: Result) -> str | None:
    found = re.search(r"--page-token (\S+)", result.text)
    return found.group(1) if found else None


async def test_list_shows_real_crises_first_a_page_at_a_time(tmp_path: Path) -> None:
    async with running(tmp_path, server="dev", workers=0) as rig:
        settings = rig.settings.model_copy(update={"trigger_limits": RAISED})
        real = [
            (await crises.trigger(rig.client, settings, crisis_input(key), signed())).crisis_id
            for key in ("vraie-1", "vraie-2")
        ]
        flood = crisis_input("crue", playbook="inondation")
        real.append((await crises.trigger(rig.client, settings, flood, signed())).crisis_id)
        # Then more drills than a page holds, all started after the real crises.
        drills = [
            (
                await crises.trigger(
                    rig.client, settings, crisis_input(f"exo-{n}", exercise=True), signed()
                )
            ).crisis_id
            for n in range(101)
        ]
        await visible(rig, len(real) + len(drills))

        # The default listing: the real crises first, none pushed out by the drills.
        first = await cli(rig, "list")
        ids = listed(first)
        assert len(ids) == 100
        assert ids[:3] == real[::-1], ids[:5]
        assert token(first) is not None

        # Page by page, each crisis once, real ones before any drill.
        seen: list[str] = []
        page_token: str | None = None
        for _ in range(5):
            more = ["--page-token", page_token] if page_token else []
            page = await cli(rig, "list", "--limit", "40", *more)
            seen += listed(page)
            page_token = token(page)
            if page_token is None:
                break
        assert sorted(seen) == sorted(real + drills)
        assert len(seen) == len(set(seen))
        assert set(seen[:3]) == set(real)

        # Filters.
        assert set(listed(await cli(rig, "list", "--real"))) == set(real)
        exercises = await cli(rig, "list", "--exercise", "--limit", "5", "--json")
        assert exercises.code == 0, exercises.text
        assert "--page-token" in exercises.err
        assert [item["exercise"] for item in json.loads(exercises.out)] == [True] * 5
        assert listed(await cli(rig, "list", "--playbook", "inondation")) == [real[2]]
        running_real = await cli(rig, "list", "--status", "running", "--real")
        assert set(listed(running_real)) == set(real)
        assert "Aucune crise." in (await cli(rig, "list", "--status", "closed")).out

        # Bad values: one clear line, no traceback.
        for option, value in (
            ("--page-token", "zz"),
            ("--page-token", "r.!!"),
            ("--page-token", FORGED),
            ("--playbook", "../x"),
        ):
            bad = await cli(rig, "list", option, value)
            assert bad.code != 0
            assert f"Valeur inutilisable pour {option}" in bad.err, bad.text
