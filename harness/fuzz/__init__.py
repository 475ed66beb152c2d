"""Bad inputs of every kind a classroom server meets, from seeded generators, and the judging of what each one got.

Issue 14 asks that every bad input end in a clear message or a safe result: never a traceback, a Python
internal, a server path, a hang, or a page down for others. `cases(kind, seed, count)` makes `count` small,
named cases of one kind, mutations of a sound input (truncated, bit-flipped, of the wrong type, huge, NaN,
deeply nested, empty, unicode, Markdown and HTML, "../" and absolute paths, links where a file belongs), the
same ones for the same seed; `judge(case, folder)` feeds one to the entry point its kind goes through and says
what came of it. tests/test_fuzz.py runs hundreds, bench/bench_fuzz.py thousands.

Each kind of input has a module of its own that makes its cases (idx_files, keras_files, run_folders, images,
canvas, query, forms). The entry points are named in entry_points.py, and nowhere else; what no message or page
may show is judged in messages.py and pages.py.
"""

from harness.fuzz.case import ACCEPT, EITHER, FAILURE, FOREIGN_HOST, MESSAGE, REFUSE, SAFE, SKIPPED, Case, Outcome
from harness.fuzz.idx_files import idx_bytes
from harness.fuzz.messages import problems_in, within
from harness.fuzz.pages import page_outcome
from harness.fuzz.running import KINDS, PAGE_KINDS, cases, describe_failures, failures_by_cause, judge, run_kind, tally

__all__ = [
    "ACCEPT", "EITHER", "FAILURE", "FOREIGN_HOST", "KINDS", "MESSAGE", "PAGE_KINDS", "REFUSE", "SAFE", "SKIPPED", "Case", "Outcome",
    "cases", "describe_failures", "failures_by_cause", "idx_bytes", "judge", "page_outcome", "problems_in", "run_kind", "tally", "within",
]  # fmt: skip
