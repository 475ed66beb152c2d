"""Wrong training passwords are slowed down without locking out the teacher (issue 14, item 4; issue 28, item 2).

The clock is the test's: it moves only when the test moves it, so a two-minute flood takes no time at all.
"""

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from views.parts import access  # noqa: E402
from views.parts.access import ENV_VARIABLE, WINDOW_S, WRONG_A_MINUTE, WrongGuesses  # noqa: E402

TOO_MANY = "Too many wrong passwords: try again in"


class Clock:
    """A clock that moves only when the test moves it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_after_three_wrong_passwords_a_session_waits_twice_as_long_up_to_30_s():
    clock = Clock()
    guesses = WrongGuesses(clock)
    student = {"session": "student", "address": "10.0.0.7"}
    assert [guesses.check("cat", "owl", **student) for _ in range(3)] == [False, False, False]
    waits = []
    for _ in range(8):
        waits.append(guesses.wait_s(**student))
        assert guesses.check("owl", "owl", **student) == waits[-1]  # while it waits, not even the right one is checked
        clock.now += waits[-1]
        assert guesses.check("cat", "owl", **student) is False
    assert waits == [1, 2, 4, 8, 16, 30, 30, 30]
    clock.now += guesses.wait_s(**student)
    assert guesses.check("owl", "owl", **student) is True and guesses.wait_s(**student) == 0
    assert [guesses.check("cat", "owl", **student) for _ in range(3)] == [False, False, False]  # the right one started afresh


def flood(guesses: WrongGuesses, clock: Clock, seconds: int, student, teacher) -> tuple[list, list]:
    """A wrong password every second from student(t) -> (session, address), and the right one every 7 s from
    teacher(t); the answers each got, (time, answer)."""
    wrong, right = [], []
    for second in range(seconds):
        clock.now = 1000.0 + second
        session, address = student(second)
        wrong.append((second, guesses.check(f"guess-{second}", "owl", session=session, address=address)))
        if second % 7 == 3:
            session, address = teacher(second)
            right.append((second, guesses.check("owl", "owl", session=session, address=address)))
    return wrong, right


def heard(answers: list) -> list[int]:
    """When a wrong password was checked (and found wrong), not told to wait."""
    return [second for second, answer in answers if answer is False]


def most_in_a_window(seconds: list[int]) -> int:
    return max((sum(start <= s < start + WINDOW_S for s in seconds) for start in seconds), default=0)


def test_the_teacher_is_let_in_at_once_while_one_session_floods_wrong_passwords_from_the_same_address():
    """The tester's case: one client, a wrong password every second; the teacher's 17 tries over two minutes, each
    from a fresh page (and, here, even from the student's own address) are every one accepted."""
    clock = Clock()
    guesses = WrongGuesses(clock)
    wrong, right = flood(guesses, clock, 120, lambda t: ("student", "10.0.0.7"), lambda t: (f"teacher-{t}", "10.0.0.7"))
    assert [answer for _, answer in right] == [True] * 17
    assert len(heard(wrong)) <= 11  # 3 free, then 1, 2, 4 ... 30 s apart: about ten in two minutes, not 120
    assert all(answer is False or answer > 0 for _, answer in wrong)


def test_fresh_sessions_cannot_multiply_guesses_past_the_server_wide_cap():
    """A script that opens a fresh session for every guess: the whole server hears at most WRONG_A_MINUTE of them a
    minute, and the teacher at another device is let in at once all along."""
    clock = Clock()
    guesses = WrongGuesses(clock)
    wrong, right = flood(guesses, clock, 300, lambda t: (f"fresh-{t}", "10.0.0.7"), lambda t: (f"teacher-{t}", "10.0.0.1"))
    assert [answer for _, answer in right] == [True] * len(right)
    assert most_in_a_window(heard(wrong)) <= WRONG_A_MINUTE
    assert len(heard(wrong)) <= 5 * WRONG_A_MINUTE + 1


def test_many_devices_guessing_together_get_one_guess_each_a_minute_past_the_cap():
    clock = Clock()
    guesses = WrongGuesses(clock)
    devices = 12
    wrong, right = flood(guesses, clock, 240, lambda t: (f"fresh-{t}", f"10.0.1.{t % devices}"), lambda t: (f"teacher-{t}", None))
    assert [answer for _, answer in right] == [True] * len(right)
    assert most_in_a_window(heard(wrong)) <= WRONG_A_MINUTE + devices


def test_a_teacher_at_the_flooding_address_waits_at_most_the_minute():
    """What the design gives up (see WrongGuesses): fresh sessions from the teacher's own address, past the cap."""
    clock = Clock()
    guesses = WrongGuesses(clock)
    flood(guesses, clock, 60, lambda t: (f"fresh-{t}", "10.0.0.7"), lambda t: (f"teacher-{t}", "10.0.0.1"))
    wait = guesses.check("owl", "owl", session="teacher-late", address="10.0.0.7")
    assert wait is not True and 0 < wait <= WINDOW_S
    clock.now += wait
    assert guesses.check("owl", "owl", session="teacher-late", address="10.0.0.7") is True


# --- the unlock form, two browser sessions at once ----------------------------------------------------------------------


def unlock_page():
    """A page with nothing but the password form, as the Train and wall pages show it."""
    import streamlit as st

    from views.parts import access

    st.session_state["may_change"] = access.password_box()


def unlock(app: AppTest, typed: str) -> AppTest:
    app.text_input(key="typed_password").set_value(typed)
    return app.button[[b.label for b in app.button].index("Unlock")].click().run()


def shown(app: AppTest) -> str:
    return " | ".join(element.value for element in [*app.error, *app.warning])


@pytest.fixture
def clock(monkeypatch) -> Clock:
    monkeypatch.setenv(ENV_VARIABLE, "owl")
    clock = Clock()
    monkeypatch.setattr(access, "GUESSES", WrongGuesses(clock))
    return clock


def test_the_teacher_unlocks_at_once_while_a_student_floods_the_form(clock):
    """Issue 28, item 2: one student's wrong passwords slowed the whole server, and the teacher was refused."""
    student = AppTest.from_function(unlock_page).run()
    for _ in range(6):
        unlock(student, "cat")
        clock.now += 1
    assert TOO_MANY in shown(student)
    teacher = AppTest.from_function(unlock_page).run()
    assert not teacher.warning  # the student's slow-down is not the teacher's
    unlock(teacher, "owl")
    assert not teacher.exception and teacher.session_state["may_change"] is True
    unlock(student, "owl")
    assert TOO_MANY in shown(student) and student.session_state["may_change"] is False  # still waiting: not checked


def test_fresh_pages_from_one_address_are_held_to_the_cap_and_the_teacher_elsewhere_is_not(clock, monkeypatch):
    """AppTest cannot seed a session's address, so device_address is stood in for, page by page."""
    said = []
    monkeypatch.setattr(access, "device_address", lambda: "10.0.0.7")
    for _ in range(WRONG_A_MINUTE + 5):
        said.append(shown(unlock(AppTest.from_function(unlock_page).run(), "cat")))
        clock.now += 1
    assert sum(words.startswith("That is not the training password.") for words in said) == WRONG_A_MINUTE
    assert all(words.startswith(TOO_MANY) for words in said[WRONG_A_MINUTE:]), said
    monkeypatch.setattr(access, "device_address", lambda: None)  # the teacher, at the server's own computer
    teacher = unlock(AppTest.from_function(unlock_page).run(), "owl")
    assert teacher.session_state["may_change"] is True


# --- the About page (issue 28, item 3) ------------------------------------------------------------------------------------


def test_about_tells_the_teacher_the_example_password_is_only_an_example(monkeypatch):
    """The example is public (here and in the README): a teacher who copies it has set no password at all."""
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    app = AppTest.from_file("../app.py", default_timeout=90).run().switch_page("views/pages/about.py").run()
    assert not app.exception
    said = " ".join(element.value for element in app.markdown)
    assert 'training_password = "choose-one"' in " ".join(element.value for element in app.code)
    assert "**Choose your own password**: *choose-one* is only an example" in said
