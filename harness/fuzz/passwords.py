"""Floods of wrong training passwords, with the teacher trying the right one from another browser (issue 28, item 2).

A case is a scenario on a clock of its own: a flood of wrong passwords (odd ones: Markdown, HTML, long, any code
point) from one browser session, from a fresh session for every try, or from fresh sessions on many devices,
and between them the teacher opening a fresh page and typing the right password. Each try goes through the
unlock form, as the Train and wall pages show it, in AppTest. Judged: every one of the teacher's tries is let in
at once, the flood is slowed (no more checked wrong passwords than the slow-down allows), and the words shown
are plain.
"""

import functools
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from unittest import mock

from harness.fuzz.case import CASE_TIMEOUT_S, EITHER, FAILURE, SAFE, Case, Outcome, short
from harness.fuzz.mutations import hostile_text, pick
from harness.fuzz.pages import page_texts, shown_problem

WRONG = "That is not the training password."
WAIT = re.compile(r"^Too many wrong passwords: try again in \d+ s\.$")
FLOODS = ("one session", "fresh sessions", "fresh sessions, many devices")


@dataclass(frozen=True)
class Flood:
    how: str  # one of FLOODS
    tries: int  # wrong passwords sent, every_s apart
    every_s: float  # the flood's pace, on the case's own clock
    teacher_every: int  # the teacher tries every this many of the flood's tries
    devices: int  # addresses the flood comes from
    teacher_at_flood: bool  # the teacher at the flooding device itself (only where one session floods)
    password: str
    wrong: tuple[str, ...]


def _flood(rng, how: str) -> Flood:
    one = how == "one session"
    tries = int(rng.integers(25, 45))
    password = pick(rng, ["owl", "choose-one", "Ünïcödé 密码", "a" * 200, "**not bold**"])
    wrong = tuple(text if text != password else text + "!" for text in (hostile_text(rng)[:300] for _ in range(tries)))
    return Flood(
        how, tries, float(pick(rng, [0.5, 1.0])), int(rng.integers(4, 9)),
        int(rng.integers(3, 8)) if how.endswith("devices") else 1, one and bool(rng.integers(2)), password, wrong,
    )  # fmt: skip


def _case(rng, how: str):
    flood = _flood(rng, how)
    where = ", the teacher at the same device" if flood.teacher_at_flood else ""
    return f"{flood.tries} wrong passwords from {how}{where}, {flood.every_s} s apart", lambda folder: flood, EITHER


def families() -> list[Callable]:
    return [functools.partial(_case, how=how) for how in FLOODS]


def unlock_page():
    """Runs inside AppTest, from its source: nothing but the unlock form."""
    import streamlit as st

    from views.parts import access

    st.session_state["may_change"] = access.password_box()


class _Browser:
    """One tab in AppTest at an address (which AppTest cannot seed: device_address is stood in for)."""

    def __init__(self, address: str | None):
        from streamlit.testing.v1 import AppTest

        self.address, self.app = address, AppTest.from_function(unlock_page, default_timeout=CASE_TIMEOUT_S)
        self._run(self.app.run)

    def _run(self, run) -> None:
        from views.parts import access

        with mock.patch.object(access, "device_address", return_value=self.address):
            run()

    def unlock(self, typed: str) -> tuple[bool, list[str]]:
        """(let in, the words the form said)."""
        self.app.text_input(key="typed_password").set_value(typed)
        button = self.app.button[[b.label for b in self.app.button].index("Unlock")]
        self._run(button.click().run)
        return self.app.session_state["may_change"] is True, page_texts(self.app, ("error", "warning"))


def _said_problem(flood: Flood, said: list[str], shown: list[str]) -> Outcome | None:
    for text in said:
        if text != WRONG and not WAIT.match(text):
            return Outcome(FAILURE, "the form said unexpected words", short(text))
    echoed = [typed for typed in (*flood.wrong, flood.password) if len(typed) > 3 and any(typed in text for text in shown)]
    if echoed:
        return Outcome(FAILURE, "a password is shown on the page", short(echoed[0], 80))
    return shown_problem(shown, [], ())


def _most_heard(flood: Flood) -> int:
    """The most wrong passwords the slow-down lets through for this flood."""
    from views.parts.access import FREE_TRIES, WINDOW_S, WRONG_A_MINUTE

    if flood.how == "one session":
        return FREE_TRIES + math.ceil(math.log2(flood.tries * flood.every_s + 1)) + 1
    windows = math.ceil(flood.tries * flood.every_s / WINDOW_S)
    return windows * (WRONG_A_MINUTE + flood.devices - 1)


def flood_outcome(case: Case, flood: Flood) -> Outcome:
    """Run the flood on a clock of its own through the unlock form; the teacher's tries, the slowing, the words."""
    from views.parts import access

    clock, before = [1000.0], os.environ.get(access.ENV_VARIABLE)
    os.environ[access.ENV_VARIABLE] = flood.password
    try:
        with mock.patch.object(access, "GUESSES", access.WrongGuesses(lambda: clock[0])):
            return _judged(flood, clock)
    except Exception as error:  # AppTest's own timeout is the watchdog here
        return Outcome(FAILURE, f"raised {type(error).__name__}", short(str(error)))
    finally:
        if before is None:
            os.environ.pop(access.ENV_VARIABLE, None)
        else:
            os.environ[access.ENV_VARIABLE] = before


def _judged(flood: Flood, clock: list[float]) -> Outcome:
    one = _Browser("10.0.0.7") if flood.how == "one session" else None
    heard, teacher_let_in, said, shown = [], [], [], []
    for index, typed in enumerate(flood.wrong):
        clock[0] = 1000.0 + index * flood.every_s
        browser = one or _Browser(f"10.0.0.{7 + index % flood.devices}")
        _, words = browser.unlock(typed)
        said += words
        shown += page_texts(browser.app)
        if words and words[0] == WRONG:
            heard.append(clock[0])
        if index % flood.teacher_every == flood.teacher_every - 1:
            teacher = _Browser("10.0.0.7" if flood.teacher_at_flood else None)
            let_in, words = teacher.unlock(flood.password)
            teacher_let_in.append(let_in)
            if not let_in:
                return Outcome(FAILURE, "the teacher's right password was refused", short(" | ".join(words) or "no words"))
    problem = _said_problem(flood, said, shown)
    if problem is not None:
        return problem
    if len(heard) > _most_heard(flood):
        return Outcome(FAILURE, "the flood was not slowed", f"{len(heard)} of {flood.tries} wrong passwords checked")
    let_in = f"the teacher let in {sum(teacher_let_in)} times of {len(teacher_let_in)}"
    return Outcome(SAFE, detail=f"{let_in}; {len(heard)} of {flood.tries} wrong passwords checked")
