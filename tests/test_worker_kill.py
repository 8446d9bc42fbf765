"""A worker killed with SIGKILL mid-crisis: another one carries the crisis to its end, and no
outbox file is written twice. On the real dev server, with tocsin workers as processes."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path

from tests.helpers import approve, crisis_input, files_per_phase, signed, wait_status
from tests.rig import running
from tocsin import crises
from tocsin.models import PhaseName, ResolveRequest
from tocsin.outbox import crisis_folder, read_journal, review_paths
from workflows.crisis import CrisisWorkflow


async def test_sigkill_worker_mid_crisis_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    # A worker's death is tested, not the guardrails: word lists alone (models=False).
    async with running(tmp_path, server="dev", queue="kill-test", models=False) as rig:
        client = rig.client
        (first,) = rig.workers()
        cid = await rig.trigger(crisis_input("kill"))
        folder = crisis_folder(rig.settings.outbox, cid, exercise=False)

        await approve(client, cid, "dominique", PhaseName.ACKNOWLEDGE)
        # Kill as soon as publication has begun, while the other channels may be in flight.
        for _ in range(6000):  # at most 30 s
            if read_journal(folder):
                break
            await asyncio.sleep(0.005)
        assert read_journal(folder), "the first worker never published"
        assert await first.stop(signal.SIGKILL) == -signal.SIGKILL
        before_kill = {str(entry["path"]) for entry in read_journal(folder)}

        await rig.worker()
        killed_at = time.monotonic()
        for phase in (PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
            await approve(client, cid, "dominique", phase)
        resumed_after = time.monotonic() - killed_at
        await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
        await crises.resolve(client, cid, ResolveRequest(person="camille"), signed())
        await approve(client, cid, "dominique", PhaseName.CLOSE)
        handle = client.get_workflow_handle_for(CrisisWorkflow.run, cid)
        outcome = await asyncio.wait_for(handle.result(), 60)

    assert outcome.status == "closed"
    journal = read_journal(folder)
    paths = Counter(str(entry["path"]) for entry in journal)
    assert all(count == 1 for count in paths.values()), paths.most_common(3)
    four = [PhaseName.ACKNOWLEDGE, PhaseName.EXPLAIN, PhaseName.SOLUTIONS, PhaseName.CLOSE]
    assert len(paths) == outcome.publications == sum(files_per_phase(p) for p in four)
    everything = sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    review = review_paths(folder.parent, cid).html.parent.relative_to(folder)
    reviews = [p for p in everything if p.parent == review]
    assert len(reviews) == 3  # the review after the close: HTML, Markdown, JSON
    # The statements, the journal and the review: nothing else, nothing twice.
    assert len(everything) == len(paths) + 1 + len(reviews), everything
    # What the first worker wrote was acknowledgement files, kept as they were, not rewritten.
    assert {Path(p).parent.name for p in before_kill} == {"2-acknowledge"}, before_kill
    assert before_kill <= set(paths)
    print(f"wrote {len(before_kill)} file(s) before the kill; resumed in {resumed_after:.1f}s")
