"""Precision and recall of every guardrail rule, on the tuning set and on the held-out set
separately, and the false blocking findings on their clean statements; the time to check a
statement. Run: .venv/bin/python -m bench.guardrails_corpus [--no-bundled] [--no-heldout]

- tuning set: tests/guardrails/corpus.yml (the developers', every rule labelled),
  tests/guardrails/extra.yml, extra2.yml and extra3.yml (outside writers', four rules
  labelled), and every bundled playbook's statement (all clean);
- held-out set: tests/guardrails/heldout.yml, by the same outside writer, never tuned on: read
  only through these figures.

On a writer's file, only the rules it labels are scored ("scope"); "false blocking" counts the
clean statements with a blocking finding of a scored rule, and "any rule" those with a blocking
finding of any rule, scored or not.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass

from tests.guardrails.corpus import (
    EXTRA,
    EXTRA2,
    EXTRA3,
    HELDOUT,
    Case,
    bundled_cases,
    corpus_cases,
    writer_cases,
)
from tocsin.guardrails import RULES, language, names
from tocsin.models import Severity


@dataclass(frozen=True)
class Row:
    rule: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def table(cases: list[Case]) -> list[Row]:
    """Per rule, over the cases that score it: found where expected, found where not, missed."""
    rows = []
    for rule in sorted(RULES):
        scored = [c for c in cases if rule in c.scope and not c.problem]
        if not scored:
            continue
        tp = sum(1 for c in scored if rule in c.expect and rule in c.found)
        fp = sum(1 for c in scored if rule not in c.expect and rule in c.found)
        fn = sum(1 for c in scored if rule in c.expect and rule not in c.found)
        rows.append(Row(rule, tp, fp, fn))
    return rows


@dataclass(frozen=True)
class Figures:
    rows: list[Row]
    statements: int
    clean: int
    false_blocking: list[str]  # clean statements with a blocking finding of a scored rule
    any_blocking: list[str]  # clean statements with a blocking finding of any rule
    flagged_clean: int
    severity_misses: int
    unknown: dict[str, int]  # labelled rules tocsin does not have -> statements
    problems: list[str]

    def recall(self, rule: str) -> float | None:
        return next((r.recall for r in self.rows if r.rule == rule), None)


def figures(cases: list[Case]) -> Figures:
    usable = [c for c in cases if not c.problem]
    clean = [c for c in usable if not c.expect and not c.unknown]
    unknown: dict[str, int] = {}
    for case in cases:
        for rule in case.unknown:
            unknown[rule] = unknown.get(rule, 0) + 1
    return Figures(
        rows=table(cases),
        statements=len(cases),
        clean=len(clean),
        false_blocking=[
            c.id for c in clean if any(s is Severity.BLOCKING for s in c.found.values())
        ],
        any_blocking=[c.id for c in clean if c.blocking],
        flagged_clean=sum(1 for c in clean if c.found),
        severity_misses=sum(
            1
            for c in usable
            for rule, sev in c.expect.items()
            if c.found.get(rule) not in (None, sev)
        ),
        unknown=unknown,
        problems=[f"{c.id}: {c.problem}" for c in cases if c.problem],
    )


def ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def show(title: str, found: Figures, *, ids: bool = True) -> None:
    """The table as RESULTS.md holds it. ``ids``: list the statements falsely blocked (never
    for the held-out set, whose statements are not to be read)."""
    print(f"\n### {title}: {found.statements} statements, {found.clean} clean\n")
    print("| rule | positives | TP | FP | FN | precision | recall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in found.rows:
        cells = (row.tp + row.fn, row.tp, row.fp, row.fn, ratio(row.precision))
        print(f"| {row.rule} | " + " | ".join(str(c) for c in cells) + f" | {ratio(row.recall)} |")
    listed = f" {found.false_blocking[:10]}" if ids and found.false_blocking else ""
    print(
        f"\nclean statements flagged at all: {found.flagged_clean}; with a false blocking "
        f"finding: {len(found.false_blocking)}{listed} (any rule, scored or not: "
        f"{len(found.any_blocking)}); expected rule found with another severity: "
        f"{found.severity_misses}"
    )
    if found.unknown:
        print(f"labels naming a rule tocsin does not have (not scored): {found.unknown}")
    if found.problems:
        shown = found.problems if ids else [p.split(":", 1)[1] for p in found.problems]
        print(f"entries that could not be checked: {len(found.problems)} {shown[:5]}")


def timed(load: Callable[[], list[Case]]) -> tuple[list[Case], float]:
    """The cases and the check time per statement, models loaded (spaCy's per-line caches
    emptied: new text)."""
    load()  # warm: models and lexicons loaded once, as a worker has them
    names.forget_lines()
    language.forget()
    started = time.perf_counter()
    cases = load()
    return cases, (time.perf_counter() - started) / max(1, len(cases))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-bundled", action="store_true", help="skip the bundled playbooks")
    parser.add_argument(
        "--no-heldout",
        action="store_true",
        help="tuning figures only: the held-out set is not run (while rules are being tuned)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    language.french()
    names.line_persons(["Lucie Fontaine"])
    print(f"models loaded in {time.perf_counter() - started:.1f} s")
    corpus, corpus_s = timed(corpus_cases)
    extra, extra_s = timed(lambda: writer_cases(EXTRA))
    extra2, extra2_s = timed(lambda: writer_cases(EXTRA2))
    extra3, extra3_s = timed(lambda: writer_cases(EXTRA3))
    print(
        f"check time per statement (models loaded, new text): corpus.yml {corpus_s * 1000:.1f} "
        f"ms, extra.yml {extra_s * 1000:.1f} ms, extra2.yml {extra2_s * 1000:.1f} ms, "
        f"extra3.yml {extra3_s * 1000:.1f} ms"
    )
    tuning = corpus + extra + extra2 + extra3
    if not args.no_bundled:
        started = time.perf_counter()
        bundled = bundled_cases()
        print(
            f"bundled playbook statements: {len(bundled)} ({time.perf_counter() - started:.1f} s)"
        )
        tuning += bundled
    show(
        "Tuning set (corpus.yml, extra.yml, extra2.yml, extra3.yml, bundled playbooks)",
        figures(tuning),
    )
    show("of which extra.yml (the first outside writer's)", figures(extra))
    show("of which extra2.yml (the second outside writer's)", figures(extra2))
    show("of which extra3.yml (the third batch)", figures(extra3))
    if HELDOUT.is_file() and not args.no_heldout:
        show("Held-out set (heldout.yml)", figures(writer_cases(HELDOUT)), ids=False)


if __name__ == "__main__":
    main()
