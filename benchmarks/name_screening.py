"""Time of screening a list of names against the persons of interest, and its precision and recall
(see benchmarks/README.md).

    .venv/bin/python benchmarks/name_screening.py [--runs 5] [--persons 50000] [--lines 2000] [--seed 1]

Builds a seeded sample of persons with register.matching_sample (names of six regions, aliases, names in
Cyrillic and Arabic script, years of birth) and a list of lines with known truth (each kind of variant of a
known name, and unrelated names), then times building register.matching.NameIndex and matching the whole list
with match_many, each in a fresh index per run (so no word cached by an earlier run): the median, min and max
of N runs. Prints the recall of each kind of line at "possible or certain" and at "certain", and the precision.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from register.matching import CERTAIN_SCORE, POSSIBLE_SCORE, NameIndex  # noqa: E402
from register.matching_sample import VARIANT_KINDS, Sample, evaluate, sample_lines  # noqa: E402


def _seconds(values: list[float]) -> str:
    return f"{statistics.median(values):8.2f} {min(values):6.2f}-{max(values):<6.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--lines", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()

    started = time.perf_counter()
    sample = Sample(arguments.persons, seed=arguments.seed)
    lines = sample_lines(sample, arguments.lines, seed=arguments.seed + 1)
    entries = [(p.key, p.names, p.birth_year) for p in sample.persons]
    names = sum(len(p.names) for p in sample.persons)
    print(f"sample: {len(entries):,} persons, {names:,} names, {len(lines):,} lines "
          f"(made in {time.perf_counter() - started:.1f} s)")

    builds, matches, results = [], [], None
    for _ in range(arguments.runs):
        started = time.perf_counter()
        index = NameIndex(entries)
        builds.append(time.perf_counter() - started)
        started = time.perf_counter()
        results = index.match_many((line.name, line.birth_year) for line in lines)
        matches.append(time.perf_counter() - started)

    print(f"\n{'step':28} {'median s':>8} {'min-max s':>13}")
    print(f"{'build the index':28} {_seconds(builds)}")
    print(f"{f'match {len(lines):,} lines':28} {_seconds(matches)}")
    print(f"{'per line (median)':28} {1000 * statistics.median(matches) / len(lines):8.2f} ms")

    figures = evaluate(lines, results)
    print(f"\nlevels: certain from {CERTAIN_SCORE}, possible from {POSSIBLE_SCORE}")
    print(f"{'kind of line':16} {'lines':>6} {'possible+':>10} {'certain':>8}   (recall: the person is among the matches)")
    for kind in [*VARIANT_KINDS, "year differs"]:
        if kind in figures.counts:
            print(f"{kind:16} {figures.counts[kind]:6} {figures.recall_any[kind]:10.3f} {figures.recall_certain[kind]:8.3f}")
    print(f"{'variant kinds':16} {'':6} {figures.variant_recall_any():10.3f} {figures.variant_recall_certain():8.3f}")
    print(f"\nunrelated lines: {figures.counts.get('unrelated', 0)}, flagged: {figures.unrelated_flagged:.3f}")
    print(f"precision, certain matches:             {figures.precision_certain:.3f}")
    print(f"precision, possible or certain matches: {figures.precision_any:.3f}")
    print(f"flagged lines whose matches hold the person: {figures.lines_flagged_correctly:.3f}")


if __name__ == "__main__":
    main()
