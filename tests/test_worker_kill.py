"""A worker killed with SIGKILL mid-crisis: another one carries the crisis to its end, and no
outbox file is written twice. On the real dev server, with tocsin workers as processes."""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from pathlib import Path

from tests.helpers import approve, crisis_input, files_per_phase, settings_for, wait_status
from tests.processes import Process, spawn, tocsin_env
from tocsin import crises
from tocsin.models import PhaseName, ResolveRequest
from tocsin.outbox import crisis_folder, read_journal, review_paths
from tocsin.temporal import embedded_server, free_port
from workflows.crisis import CrisisWorkflow


async def test_sigkill_worker_mid_crisis_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    queue = "kill-test"
    settings = settings_for(tmp_path, queue)
    async with embedded_server(settings, port=free_port(), ui=False, advertise=False) as server:
        env = tocsin_env(tmp_path, TEMPORAL_ADDRESS=server.address, TOCSIN_TASK_QUEUE=queue)
        workers: list[Process] = []
        try:
            workers.append(await spawn(["worker"], env, tmp_path / "worker-1.log"))
            await workers[0].wait_for_output("Worker prêt")
            client = server.client
            crisis = crisis_input("kill")
            await crises.trigger(client, settings, crisis)
            cid = crisis.crisis_id
            folder = crisis_folder(settings.outbox, cid, exercise=False)

            await approve(client, cid, "dominique", PhaseName.ACKNOWLEDGE)
            # Kill as soon as publication has begun, while the other channels may be in flight.
            for _ in range(6000):  # at most 30 s
                if read_journal(folder):
                    break
                await asyncio.sleep(0.005)
            assert read_journal(folder), "the first worker never published"
            assert await workers[0].stop(signal.SIGKILL) == -signal.SIGKILL
            written_before_kill = len(read_journal(folder))

            workers.append(await spawn(["worker"], env, tmp_path / "worker-2.log"))
            await workers[1].wait_for_output("Worker prêt")
            killed_at = time.monotonic()
            for phase in (PhaseName.EXPLAIN, PhaseName.SOLUTIONS):
                await approve(client, cid, "dominique", phase)
            resumed_after = time.monotonic() - killed_at
            await wait_status(client, cid, lambda s: s.state == "waiting_follow_up")
            await crises.resolve(client, cid, ResolveRequest(person="camille"))
            await approve(client, cid, "dominique", PhaseName.CLOSE)
            handle = client.get_workflow_handle_for(CrisisWorkflow.run, cid)
            outcome = await asyncio.wait_for(handle.result(), 60)
        finally:
            for worker in workers:
                await worker.stop()

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
    assert written_before_kill <= files_per_phase(PhaseName.ACKNOWLEDGE)
    print(f"wrote {written_before_kill} file(s) before the kill; resumed in {resumed_after:.1f}s")
