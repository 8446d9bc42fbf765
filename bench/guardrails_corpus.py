"""Precision and recall of every guardrail rule over the labelled corpus
(tests/guardrails/corpus.yml) and every bundled playbook's statements (all clean), and the
false blocking findings on clean texts. Run: .venv/bin/python -m bench.guardrails_corpus
"""

from __future__ import annotations

import time

from tests.guardrails.corpus import Case, bundled_cases, corpus_cases
from tocsin.guardrails import RULES
from tocsin.models import Severity


def table(cases: list[Case]) -> list[tuple[str, int, int, int]]:
    rows = []
    for rule in sorted(RULES):
        tp = sum(1 for c in cases if rule in c.expect and rule in c.found)
        fp = sum(1 for c in cases if rule not in c.expect and rule in c.found)
        fn = sum(1 for c in cases if rule in c.expect and rule not in c.found)
        rows.append((rule, tp, fp, fn))
    return rows


def ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}" if den else "n/a"


def main() -> None:
    started = time.perf_counter()
    labelled = corpus_cases()
    corpus_s = time.perf_counter() - started
    started = time.perf_counter()
    bundled = bundled_cases()
    bundled_s = time.perf_counter() - started
    cases = labelled + bundled
    clean = [c for c in cases if not c.expect]
    print(
        f"corpus: {len(labelled)} labelled statements ({corpus_s:.1f} s), "
        f"{len(bundled)} bundled playbook statements ({bundled_s:.1f} s)"
    )
    header = ("positives", "TP", "FP", "FN", "precision", "recall")
    print(f"{'rule':<11} " + " ".join(f"{h:>9}" for h in header))
    for rule, tp, fp, fn in table(cases):
        cells = (tp + fn, tp, fp, fn, ratio(tp, tp + fp), ratio(tp, tp + fn))
        print(f"{rule:<11} " + " ".join(f"{c:>9}" for c in cells))
    severity_misses = sum(
        1
        for c in labelled
        for rule, sev in c.expect.items()
        if c.found.get(rule) not in (None, sev)
    )
    false_blocking = [
        c.id for c in clean if any(sev is Severity.BLOCKING for sev in c.found.values())
    ]
    flagged_clean = [c.id for c in clean if c.found]
    print(
        f"clean texts: {len(clean)}; flagged at all: {len(flagged_clean)}; "
        f"with a false blocking finding: {len(false_blocking)} {false_blocking[:10]}"
    )
    print(f"expected rule found with another severity: {severity_misses}")


if __name__ == "__main__":
    main()
