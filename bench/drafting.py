"""Drafting throughput: the draft activity's work (render every channel in every language, then
every guardrail, spaCy included) for one phase of bundled playbooks, in one process.

Run: .venv/bin/python -m bench.drafting [--seconds 5]

The request is built once, as the workflow sends it; the phase is drafted once to warm up
(templates compiled, spaCy loaded), then again and again for the given time, twice: as new text
(spaCy's per-line cache emptied before each draft) and as a redraft of the same text (a retry,
or a revision that changes one channel). Figures: drafts and texts per second on one core.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from tocsin.config import BUNDLED_PLAYBOOKS, BUNDLED_TEMPLATES
from tocsin.guardrails import checked_draft
from tocsin.guardrails.names import forget_lines
from tocsin.models import PhaseName
from tocsin.playbook import PlaybookLibrary
from tocsin.preview import preview_requests

CASES = [
    ("eau-non-potable", PhaseName.ACKNOWLEDGE),
    ("panne-service-public", PhaseName.EXPLAIN),  # three languages
    ("rumeur-desinformation", PhaseName.FOLLOW_UP),
]
# A day outside every electoral window, so that R-ELECTION's checks run but stay quiet.
MOMENT = datetime(2026, 6, 15, 9, 0, tzinfo=UTC)


def main(seconds: float) -> None:
    library = PlaybookLibrary([BUNDLED_PLAYBOOKS], [BUNDLED_TEMPLATES])
    print(
        f"{'playbook':<24} {'phase':<12} {'case':<9} {'texts':>5} {'drafts/s':>9} "
        f"{'texts/s':>8} {'ms/draft':>9}"
    )
    for playbook_id, phase in CASES:
        loaded = library.load(playbook_id)
        # The request the workflow sends (templates snapshotted once, at trigger time).
        request = preview_requests(loaded, library.template_folders, {}, [phase], now=MOMENT)[0]
        warm = checked_draft(request)
        texts = len(warm.texts)
        for label, clear in (("new text", True), ("redraft", False)):
            count = 0
            started = time.perf_counter()
            while time.perf_counter() - started < seconds:
                if clear:  # nothing seen before: spaCy reads every line of every channel
                    forget_lines()
                checked_draft(request)
                count += 1
            rate = count / (time.perf_counter() - started)
            print(
                f"{playbook_id:<24} {phase.value:<12} {label:<9} {texts:>5} {rate:>9.1f} "
                f"{rate * texts:>8.0f} {1000 / rate:>9.1f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    main(parser.parse_args().seconds)
