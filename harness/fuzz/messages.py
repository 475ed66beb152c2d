"""What no message may show, and what an entry point's answer, error or hang comes to.

A message is clear only if it shows a person none of Python's or the server's insides: those are the failures a
fuzz of bad inputs finds, as raised errors' words passed through to a page.
"""

import re
import threading
from collections.abc import Callable

from harness.fuzz.case import CASE_TIMEOUT_S, FAILURE, MESSAGE, REFUSE, SAFE, Case, Outcome, short

SYSTEM_ROOTS = ("work", "tmp", "root", "home", "etc", "usr", "var", "proc", "dev", "opt", "mnt", "srv", "sys", "Users", "private")
INTERNALS = [
    ("a traceback", re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")),
    ("a server path", re.compile(r"(?<![\w.:/~-])/(?:" + "|".join(SYSTEM_ROOTS) + r")\b")),
    ("a memory address", re.compile(r"\b0x[0-9a-fA-F]{5,}")),
    ("an OS error number", re.compile(r"Errno")),
    ("a KeyError", re.compile(r"KeyError")),
    (
        "an OS's or a library's log words",
        re.compile(
            r"No space left on device|Read-only file system|Disk quota exceeded|Input/output error|Permission denied|"
            r"\b\w+\.cc:\d+\]|cuInit|absl::"
        ),
    ),
    ("a Python object", re.compile(r"object at |<_io\.|<\w+(?:\.\w+)+ object")),
    ("an exception's name", re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b|BadZipFile|BadGzipFile")),
    (
        "a library's own words",
        re.compile(
            r"Error -?\d+ while|end-of-stream marker|Unable to synchronously|Link iteration failed|"
            r"cannot identify image file|doesn't exist\)|invalid stored block|\(file signature"
        ),
    ),
]


def problems_in(text: str, allowed: tuple = ()) -> list[str]:
    """What a person must not be shown in `text`; `allowed` are strings the person typed, which may be echoed."""
    for own in sorted((a for a in allowed if a), key=len, reverse=True):
        text = text.replace(own, " ")
    return [name for name, pattern in INTERNALS if pattern.search(text)]


def message_outcome(text: str, allowed: tuple = ()) -> Outcome:
    if not text.strip():
        return Outcome(FAILURE, "an empty message")
    problems = problems_in(text, allowed)
    if problems:
        return Outcome(FAILURE, f"message shows {problems[0]}", short(text))
    return Outcome(MESSAGE, detail=short(text))


def result_outcome(case: Case, result) -> Outcome:
    if case.expect == REFUSE:
        return Outcome(FAILURE, "accepted a bad input", short(repr(result)))
    return Outcome(SAFE, detail=short(repr(result)))


def within(seconds: float, call: Callable[[], object]) -> tuple[str, object]:
    """call() on a thread of its own: ("returned", value), ("raised", error), or ("hung", None) after `seconds`.

    The watchdog: a hung case is reported and left behind (a daemon thread), and the next case goes on.
    """
    box = {}

    def target():
        try:
            box["returned"] = call()
        except BaseException as error:  # SystemExit included: argparse's way of refusing
            box["raised"] = error

    thread = threading.Thread(target=target, daemon=True, name="fuzz-case")
    thread.start()
    thread.join(seconds)
    return ("hung", None) if thread.is_alive() else next(iter(box.items()))


def guarded(case: Case, call: Callable[[], object], expected: tuple, allowed: tuple = ()) -> Outcome:
    """The outcome of call(): the expected error types are messages, any other is a failure, as is a hang."""
    how, value = within(CASE_TIMEOUT_S, call)
    if how == "hung":
        return Outcome(FAILURE, "a hang", f"no answer in {CASE_TIMEOUT_S} s")
    if how == "raised":
        if isinstance(value, expected):
            return message_outcome(str(value), allowed)
        return Outcome(FAILURE, f"raised {type(value).__name__}", short(f"{type(value).__name__}: {value}"))
    return value if isinstance(value, Outcome) else result_outcome(case, value)
