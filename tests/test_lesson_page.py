"""The Lesson page's logic, run with AppTest: Next and Back through every step, the step in the address, the digit
the class made offered first, and the teacher's notes closed on every screen."""

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from model.storage import load_model
from model.xray import read_digit
from views.lesson_steps import STEPS
from views.parts.class_wall import shared_wall

LESSON_PAGE = "views/pages/lesson.py"


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))  # no class run: How it learned shows the shipped one
    shared_wall().clear()
    yield tmp_path
    shared_wall().clear()


def open_lesson(step: str | None = None, present: bool = False) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=180)
    if step is not None:
        app.query_params["step"] = step
    if present:
        app.query_params["present"] = "true"
    app.run()
    app.switch_page(LESSON_PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def title(app: AppTest) -> str:
    return [h.value for h in (*app.title, *app.header) if h.value[:1].isdigit()][0]


def button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def test_next_goes_through_every_step_and_back_comes_back(runs):
    app = open_lesson()
    assert button(app, "Back").disabled
    for number, step in enumerate(STEPS, start=1):
        assert title(app) == f"{number}. {step.title}"
        assert app.query_params["step"] == str(number)
        assert step.question in " ".join(m.value for m in app.markdown)
        if number < len(STEPS):
            button(app, "Next").click().run()
            assert not app.exception, (number, [e.value for e in app.exception])
    assert button(app, "Next").disabled
    button(app, "Back").click().run()
    assert title(app) == f"{len(STEPS) - 1}. {STEPS[-2].title}"


@pytest.mark.parametrize(("named", "opens"), [("5", 5), ("0", 1), ("11", 1), ("five", 1), ("<b>2</b>", 1)])
def test_the_address_opens_its_step_and_anything_else_the_first(runs, named, opens):
    app = open_lesson(named)
    assert title(app) == f"{opens}. {STEPS[opens - 1].title}"


def test_the_step_box_jumps_to_a_step(runs):
    app = open_lesson()
    app.selectbox(key="lesson-step-1").set_value("8").run()
    assert title(app) == f"8. {STEPS[7].title}"
    button(app, "Next").click().run()
    assert title(app) == f"9. {STEPS[8].title}"


def test_a_digit_shared_to_the_wall_is_the_one_the_lesson_follows(runs):
    loaded = load_model()
    image = np.zeros((28, 28), np.float32)
    image[4:24, 13:16] = 1.0  # a 1
    shared_wall().share(image, read_digit(loaded.weights, image), nickname="", drawn_as=1)
    app = open_lesson()
    chosen = app.selectbox(key="lesson_digit")
    assert chosen.value.startswith("Class wall: digit #")
    assert any(option.startswith("Test digit") for option in chosen.options)  # the shipped digits, after the class's


def test_the_digit_chosen_is_kept_through_the_steps_that_do_not_ask_for_it(runs):
    app = open_lesson()
    second = app.selectbox(key="lesson_digit").options[1]
    app.selectbox(key="lesson_digit").set_value(second).run()
    app.selectbox(key="lesson-step-1").set_value("7").run()  # the race: no digit box
    assert not [box for box in app.selectbox if box.key == "lesson_digit"]
    for _ in range(3):
        button(app, "Next").click().run()
    assert title(app) == f"10. {STEPS[9].title}"
    assert app.selectbox(key="lesson_digit").value == second


@pytest.mark.parametrize("present", [False, True])
def test_the_teachers_notes_are_there_and_closed(runs, present):
    app = open_lesson("3", present=present)
    notes = [e for e in app.expander if e.label == "Teacher's notes"]
    assert len(notes) == 1 and not notes[0].proto.expanded
    assert STEPS[2].expect in " ".join(m.value for m in notes[0].markdown)
    if present:  # the page bar says Lesson: the step's title is the page's own
        assert [t.value for t in app.title] == [f"3. {STEPS[2].title}"]


def test_how_it_learned_shows_the_shipped_run_until_the_class_has_one(runs):
    app = open_lesson("8")
    assert "A short run made earlier" in " ".join(c.value for c in app.caption)
