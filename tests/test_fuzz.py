"""Bad inputs of every kind issue 14 names, from harness/fuzz/: each ends in a clear message or a safe result.

Hundreds of cases from one fixed seed (bench/bench_fuzz.py runs thousands): IDX files, .keras files, run folders
read by the run manager and the registry and shown on the Read and Train pages, images, canvas values, the Read
page's query parameters, the Train page's boxes and the command line. One test per kind gathers every failure of
that kind and lists them by cause, so that one run shows all that is left to fix.
"""

import pytest

from harness import fuzz

SEED = 14
COUNTS = {
    "idx": 60, "keras": 90, "runs": 96, "run_pages": 12, "image": 80, "canvas": 40, "query": 30, "form": 120, "password": 3,
    "nickname": 42, "race": 18, "disk": 15,
}  # fmt: skip


@pytest.mark.parametrize("kind", fuzz.KINDS)
def test_every_bad_input_gets_a_clear_message_or_a_safe_result(kind, tmp_path):
    results = fuzz.run_kind(kind, SEED, COUNTS[kind], tmp_path)
    counts = fuzz.tally(results)
    if counts[fuzz.SKIPPED] == len(results):
        pytest.skip(results[0][1].cause)
    assert counts[fuzz.FAILURE] == 0, f"{kind}: {counts}\n{fuzz.describe_failures(results, examples=len(results))}"
    assert counts[fuzz.SKIPPED] == 0, [(case.name, outcome.detail) for case, outcome in results if outcome.verdict == fuzz.SKIPPED]


def test_the_same_seed_makes_the_same_cases():
    for kind in fuzz.KINDS:
        assert [case.name for case in fuzz.cases(kind, SEED, 30)] == [case.name for case in fuzz.cases(kind, SEED, 30)]
    assert [case.name for case in fuzz.cases("form", SEED, 30)] != [case.name for case in fuzz.cases("form", SEED + 1, 30)]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('Traceback (most recent call last):\n  File "x.py", line 3', "a traceback"),
        ("/tmp/pytest-of-root/x/model.keras: damaged", "a server path"),
        ("the file /work/main/runs/x is gone", "a server path"),
        ("cannot identify image file <_io.BytesIO object at 0x7f3a2b1c0>", "a memory address"),
        ("damaged or truncated ([Errno 2] No such file)", "an OS error number"),
        ("its weights do not match (KeyError: 'name')", "a KeyError"),
        ("not readable (JSONDecodeError: Expecting value)", "an exception's name"),
    ],
)
def test_the_judge_sees_what_a_person_must_not_be_shown(text, problem):
    assert problem in fuzz.problems_in(text)


def test_the_judge_passes_a_plain_message_and_what_the_person_typed():
    assert fuzz.problems_in("The image is 100000x100000 pixels, larger than we accept. Try a smaller picture.") == []
    assert fuzz.problems_in("no such file: /etc/passwd", allowed=("/etc/passwd",)) == []
    assert fuzz.problems_in("http://example.invalid/x and digits/s") == []


def _warning_page(markdown: str):
    """Runs inside AppTest: a page titled as the app's, with one warning of the given Markdown."""
    import streamlit as st

    st.title("Row Reader")
    st.warning(markdown)


@pytest.mark.parametrize(
    ("markdown", "cause"),
    [
        ("damaged: Traceback \\(most recent call last\\)", "the page shows a traceback"),
        ("not a complete gzip file \\(Error \\-3 while decompressing data\\)", "the page shows a library's own words"),
        ("its content: \\<\\_io\\.BytesIO\\>", "the page shows a Python object"),
        (f"[click me](http:\\/\\/{fuzz.FOREIGN_HOST}\\/phish)", "a link or image rendered from the input"),
        (f"![t](https\\://{fuzz.FOREIGN_HOST}/t.png)", "a link or image rendered from the input"),
        # Bare addresses: escaped or not, Streamlit's Markdown (GFM) links them once the escapes are undone (issue 28).
        (f"Shared by www\\.{fuzz.FOREIGN_HOST}\\/x", "a link or image rendered from the input"),
        (f"Shared by http\\:\\/\\/{fuzz.FOREIGN_HOST}", "a link or image rendered from the input"),
        (f"Shared by a\\@{fuzz.FOREIGN_HOST}", "a link or image rendered from the input"),
    ],
)
def test_the_judge_reads_a_page_as_a_person_does_escapes_undone(markdown, cause):
    """views/words.plain escapes punctuation: what the escapes hide from a pattern, the person still reads, or clicks."""
    from streamlit.testing.v1 import AppTest

    case = fuzz.Case("query", "a page", lambda folder: None, fuzz.EITHER)
    outcome = fuzz.page_outcome(AppTest.from_function(_warning_page, args=(markdown,)), case, ())
    assert (outcome.verdict, outcome.cause) == (fuzz.FAILURE, cause), outcome


def test_the_judge_passes_input_shown_escaped_as_text():
    from streamlit.testing.v1 import AppTest

    from views.words import plain

    case = fuzz.Case("query", "a page", lambda folder: None, fuzz.EITHER)
    typed = (
        f"[click me](http://{fuzz.FOREIGN_HOST}/phish) <img src=http://{fuzz.FOREIGN_HOST}/x.png> <script>alert(1)</script>"
        f" www.{fuzz.FOREIGN_HOST}/x a@{fuzz.FOREIGN_HOST} https://{fuzz.FOREIGN_HOST}"
    )
    outcome = fuzz.page_outcome(AppTest.from_function(_warning_page, args=(f"No sample {plain(typed)}.",)), case, ())
    assert outcome.verdict == fuzz.MESSAGE and outcome.detail == f"No sample {typed}.", outcome


def test_a_hang_is_caught_by_the_watchdog_not_waited_out():
    import threading

    never = threading.Event()
    assert fuzz.within(0.2, never.wait) == ("hung", None)  # a bound on the wait, not a measure of speed
    never.set()
