"""Thousands of bad inputs of every kind issue 14 names, from harness/fuzz/: what each kind got.

    MNIST_DIR=../shared/mnist python bench/bench_fuzz.py [--count 1000] [--page-count 100] [--seed 14] [--kinds idx,keras]

For each kind: cases, clear messages, safe results, failures (a traceback, a Python internal or a server path
shown, an exception of another kind, a bad input accepted, a sound one refused, a hang) and skipped cases, then
the failures grouped by cause with the first few cases of each. The kinds that open pages in AppTest
(run_pages, query, canvas) take --page-count cases, the others --count. It asserts nothing:
tests/test_fuzz.py holds the app to no failures on hundreds of the same cases. Streamlit logs what AppTest's
pages raise on stderr; the figures are on stdout (add 2>/dev/null to see only them).
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("STREAMLIT_LOGGER_ENABLE_RICH", "false")  # a page's traceback to the log on stderr, not among the figures

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from harness import fuzz  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="cases of each kind that needs no page")
    parser.add_argument("--page-count", type=int, default=100, help="cases of each kind that opens pages in AppTest")
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--kinds", default=",".join(fuzz.KINDS), help=f"comma-separated, of {', '.join(fuzz.KINDS)}")
    parser.add_argument("--examples", type=int, default=3, help="cases shown for each cause of failure")
    return parser.parse_args(argv)


def summary(name: str, counts: dict[str, int], cases: int) -> str:
    return (f"{name:10} {cases:6} cases  {counts[fuzz.MESSAGE]:6} messages  {counts[fuzz.SAFE]:6} safe  "
            f"{counts[fuzz.FAILURE]:6} failures  {counts[fuzz.SKIPPED]:4} skipped")  # fmt: skip


def run(kind: str, seed: int, count: int, examples: int) -> dict[str, int]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"fuzz-{kind}-") as scratch:
        results = fuzz.run_kind(kind, seed, count, Path(scratch))
    counts = fuzz.tally(results)
    print(f"{summary(kind, counts, len(results))}  ({time.perf_counter() - started:.0f} s)", flush=True)
    if counts[fuzz.FAILURE]:
        print("    " + fuzz.describe_failures(results, examples).replace("\n", "\n    "), flush=True)
    if counts[fuzz.SKIPPED]:
        print(f"    skipped: {next(outcome.cause for _, outcome in results if outcome.verdict == fuzz.SKIPPED)}", flush=True)
    return counts | {"cases": len(results)}


def main(argv=None) -> None:
    args = parse_args(argv)
    totals: dict[str, int] = {}
    for kind in args.kinds.split(","):
        count = args.page_count if kind in fuzz.PAGE_KINDS else args.count
        for key, value in run(kind, args.seed, count, args.examples).items():
            totals[key] = totals.get(key, 0) + value
    print(summary("all", totals, totals.get("cases", 0)))


if __name__ == "__main__":
    main()
