"""A playbook author's wait in ``tocsin preview --watch``: the first preview (the process
starts, the guardrails' language model loads) against the next ones (the playbook reloaded from
its file after a save, every phase drafted and checked again), in one process.

Run: .venv/bin/python -m bench.preview [--playbook eau-non-potable] [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from tocsin.cli.common import load_settings, playbook_library
from tocsin.preview import preview_drafts, publishing_phases


def one(playbook: str) -> float:
    started = time.perf_counter()
    library = playbook_library(load_settings())
    loaded = library.load(playbook)
    preview_drafts(
        loaded,
        library.template_folders,
        {},
        publishing_phases(loaded),
        guardrails=library.guardrail_settings(),
    )
    return time.perf_counter() - started


def main(playbook: str, rounds: int) -> None:
    first = one(playbook)
    later = [one(playbook) for _ in range(rounds)]
    print(f"{playbook}: every phase, every channel and language, drafted and checked")
    print(f"first preview (model loaded): {first:.2f} s")
    print(f"next previews, median of {rounds}: {statistics.median(later):.2f} s")
    print(f"ratio first / next: {first / statistics.median(later):.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playbook", default="eau-non-potable")
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    main(arguments.playbook, arguments.rounds)
