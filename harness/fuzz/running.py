"""The cases of a kind, judging one, and running and summing up many: what tests/test_fuzz.py and bench/bench_fuzz.py call."""

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from harness.fuzz import canvas, disk_faults, forms, idx_files, images, keras_files, nicknames, passwords, query, race_messages, run_folders
from harness.fuzz.case import ACCEPT, FAILURE, MESSAGE, SAFE, SKIPPED, Case, Outcome, short
from harness.fuzz.entry_points import RUNNERS

FAMILIES = {
    "idx": idx_files.families, "keras": keras_files.families, "runs": run_folders.families, "run_pages": run_folders.families,
    "image": images.families, "canvas": canvas.families, "query": query.families, "form": forms.families,
    "password": passwords.families, "nickname": nicknames.families, "race": race_messages.families, "disk": disk_faults.families,
}  # fmt: skip
KINDS = tuple(FAMILIES)
PAGE_KINDS = ("run_pages", "query", "canvas", "password", "race", "disk")  # each case opens pages in AppTest: slower, so fewer of them


def cases(kind: str, seed: int, count: int) -> Iterator[Case]:
    """`count` cases of a kind, the same for the same seed; the i-th comes from family i mod their number."""
    families = FAMILIES[kind]()
    for index in range(count):
        rng = np.random.default_rng([seed, KINDS.index(kind), index])
        what, make, expect = families[index % len(families)](rng)
        yield Case(kind, f"{kind}#{index} {what}", make, expect)


def judge(case: Case, folder: Path) -> Outcome:
    """Feed the case, built in the empty `folder`, to its entry point; what came of it."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        made = case.make(folder)
    except Exception as error:  # a case the generator could not build is the generator's fault, not the app's
        return Outcome(SKIPPED, "the case could not be built", short(f"{type(error).__name__}: {error}"))
    outcome = RUNNERS[case.kind](case, made, folder)
    if case.expect == ACCEPT and outcome.verdict == MESSAGE:
        return Outcome(FAILURE, "refused a sound input", outcome.detail)
    return outcome


def run_kind(kind: str, seed: int, count: int, scratch: Path) -> list[tuple[Case, Outcome]]:
    """Every case of a kind, each in its own folder under `scratch`."""
    return [(case, judge(case, scratch / f"case-{index}")) for index, case in enumerate(cases(kind, seed, count))]


def tally(results: list[tuple[Case, Outcome]]) -> dict[str, int]:
    counts = {MESSAGE: 0, SAFE: 0, FAILURE: 0, SKIPPED: 0}
    for _, outcome in results:
        counts[outcome.verdict] += 1
    return counts


def failures_by_cause(results: list[tuple[Case, Outcome]]) -> dict[str, list[tuple[Case, Outcome]]]:
    grouped: dict[str, list] = {}
    for case, outcome in results:
        if outcome.verdict == FAILURE:
            grouped.setdefault(outcome.cause, []).append((case, outcome))
    return grouped


def describe_failures(results: list[tuple[Case, Outcome]], examples: int = 3) -> str:
    """The failures grouped by cause, with a few cases of each: what a test or a bench prints."""
    lines = []
    for cause, failed in sorted(failures_by_cause(results).items(), key=lambda item: -len(item[1])):
        lines.append(f"{len(failed)} x {cause}")
        lines += [f"    {case.name}\n        -> {outcome.detail}" for case, outcome in failed[:examples]]
    return "\n".join(lines)
