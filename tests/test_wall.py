"""The class wall's pages: share on Read, look and clear on the wall (its store: tests/test_classroom_wall.py)."""

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from classroom.wall import NICKNAME_LIMIT  # noqa: E402
from model.samples import load_samples  # noqa: E402
from tests.app_pages import TRICKY, TRICKY_HTML, rendered, texts  # noqa: E402
from tests.class_digits import picture, reading  # noqa: E402
from views.parts.class_wall import shared_wall  # noqa: E402

WALL_PAGE = "views/pages/wall.py"
SAMPLES = load_samples()
CORRECT = next(s for s in SAMPLES.values() if not s.misread and s.label == 3)
MISREAD = next(s for s in SAMPLES.values() if s.misread)


@pytest.fixture
def wall():
    """A new wall for this server, numbered from 1, and forgotten after the test: nothing is left for another test."""
    shared_wall.clear()  # st.cache_resource's clear: the next call makes a new wall
    yield shared_wall()
    shared_wall.clear()


# --- the pages ----------------------------------------------------------------------------------------------------


def open_read_page(**query) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=90)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def share(app: AppTest, nickname: str = "") -> AppTest:
    app.text_input(key="share_nickname").input(nickname)
    return app.button(key="FormSubmitter:share-Share with the class").click().run()


def open_wall(app: AppTest | None = None) -> AppTest:
    app = app or AppTest.from_file("../app.py", default_timeout=90).run()
    return app.switch_page(WALL_PAGE).run()


def test_sharing_from_the_read_page_puts_the_digit_on_the_wall_with_its_answer(wall):
    app = share(open_read_page(sample=str(CORRECT.index)), "Ana")
    assert not app.exception
    assert any("number 1 on the class wall" in s.value for s in app.success)
    (digit,) = wall.digits()
    assert (digit.answer, digit.drawn_as, digit.nickname) == (CORRECT.label, CORRECT.label, "Ana")
    again = share(app, "Ana")
    assert any("already on the class wall" in i.value for i in again.info) and len(wall.digits()) == 1

    teacher = open_wall()
    assert not teacher.exception
    assert teacher.header[0].value == "1 digit, 0 misread or unsure"
    assert f"Read as {CORRECT.label}" in texts(teacher) and "Ana" in texts(teacher)


def test_a_nickname_never_reaches_the_wall_longer_than_twenty_characters(wall):
    """The box takes 20 characters (it counts them as one types); a forged longer value is cut to them by Streamlit."""
    app = open_read_page(sample=str(CORRECT.index))
    app.session_state["share_nickname"] = "x" * (NICKNAME_LIMIT + 5)
    app.button(key="FormSubmitter:share-Share with the class").click().run()
    assert not app.exception
    assert [len(digit.nickname) for digit in wall.digits()] in ([NICKNAME_LIMIT], [])


def test_a_nickname_is_shown_as_text_never_as_markdown_or_html(wall):
    tricky = TRICKY[:NICKNAME_LIMIT]  # "[x](http://h) ![t](h"
    wall.share(CORRECT.image, reading(CORRECT.label, 0.9), nickname=tricky)
    app = open_wall()
    app.button(key="open-1").click().run()
    assert not app.exception
    pages = rendered(app)
    assert not [page for page in pages if "<a " in page or "<img" in page], pages
    assert sum(page.count(TRICKY_HTML[:NICKNAME_LIMIT]) for page in pages) == 2  # under the tile and over its reading


def test_the_wall_counts_filters_sorts_and_opens_a_reading(wall):
    wall.share(CORRECT.image, reading(CORRECT.label, 0.99), drawn_as=CORRECT.label)
    wall.share(MISREAD.image, reading(MISREAD.predicted, 0.95), drawn_as=MISREAD.label)
    wall.share(picture(0), reading(5, 0.5))
    app = open_wall()
    assert app.header[0].value == "3 digits, 2 misread or unsure"
    assert [b.key for b in app.button if b.key.startswith("open-")] == ["open-3", "open-2", "open-1"]  # newest first
    app.segmented_control(key="wall_order").set_value("Least sure").run()
    assert [b.key for b in app.button if b.key.startswith("open-")] == ["open-3", "open-2", "open-1"]
    app.pills(key="wall_show").set_value("Misread or unsure").run()
    assert [b.key for b in app.button if b.key.startswith("open-")] == ["open-3", "open-2"]
    app.pills(key="wall_show").set_value(str(CORRECT.label)).run()
    assert [b.key for b in app.button if b.key.startswith("open-")] == ["open-1"]
    app.button(key="open-1").click().run()
    assert app.metric[0].value == str(CORRECT.label)  # its reading, in a dialog over the wall
    app.button(key="wall_close").click().run()
    assert not app.metric


def test_without_a_password_anyone_clears_the_wall_after_confirming(wall, monkeypatch):
    monkeypatch.delenv("ROW_READER_TRAINING_PASSWORD", raising=False)
    wall.share(picture(0), reading(1, 0.9))
    app = open_wall()
    app.button(key="wall_clear").click().run()
    assert len(wall.digits()) == 1  # not yet: a second click
    app.button(key="wall_clear_no").click().run()
    assert len(wall.digits()) == 1
    app.button(key="wall_clear").click().run()
    app.button(key="wall_clear_yes").click().run()
    assert wall.digits() == []
    assert any("1 digit taken off" in s.value for s in app.success)
    assert app.header[0].value == "0 digits, 0 misread or unsure"


def test_with_a_password_only_who_knows_it_clears_the_wall(wall, monkeypatch):
    monkeypatch.setenv("ROW_READER_TRAINING_PASSWORD", "owl")
    wall.share(picture(0), reading(1, 0.9))
    student = open_wall()
    assert not [b for b in student.button if b.key == "wall_clear"]
    student.text_input(key="typed_password").input("cat")
    student.button(key="FormSubmitter:unlock-Unlock").click().run()
    assert any("not the training password" in e.value for e in student.error)
    assert not [b for b in student.button if b.key == "wall_clear"] and len(wall.digits()) == 1

    teacher = open_wall()
    teacher.text_input(key="typed_password").input("owl")
    teacher.button(key="FormSubmitter:unlock-Unlock").click().run()
    teacher.button(key="wall_clear").click().run()
    teacher.button(key="wall_clear_yes").click().run()
    assert wall.digits() == []


def test_race_results_reach_the_wall_as_a_chart_and_a_sentence(wall):
    for label, student, network in [(3, 10, 14), (3, 14, 16)]:
        wall.record_race(label, student, network)
    app = open_wall()
    assert "2 digits raced: the class knew after 12.0 rows on average, the network after 15.0." in texts(app)


def test_the_race_chart_is_a_valid_figure_with_every_number_written_on_its_bar():
    import plotly.graph_objects as go

    from views.figures.wall import race_spec

    spec = race_spec({3: (2, 12.0, 15.0), 7: (1, 20.0, 9.0)}, presenter=True).to_dict()
    go.Figure(spec)  # plotly validates it as plotly.js would read it
    class_bars, network_bars = spec["data"]
    assert class_bars["text"] == ["12", "20"] and network_bars["text"] == ["15", "9"]
    assert class_bars["marker"]["color"] != network_bars["marker"]["color"]
