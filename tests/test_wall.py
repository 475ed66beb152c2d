"""The class wall's pages: share on Read, look and clear on the wall, the tiles' words, the races one click from the
top, and the reading opened over the wall (its store: tests/test_classroom_wall.py)."""

import json

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from classroom.nicknames import NICKNAME_LIMIT  # noqa: E402
from harness.fuzz.case import FOREIGN_HOST  # noqa: E402
from harness.fuzz.pages import injected_in, unescaped  # noqa: E402
from model.samples import load_samples  # noqa: E402
from tests.app_pages import TRICKY, TRICKY_HTML, markdown_sources, rendered, texts  # noqa: E402
from tests.class_digits import picture, reading  # noqa: E402
from views.parts.class_wall import shared_wall  # noqa: E402
from views.parts.wall_tiles import DOUBTFUL, tile_words  # noqa: E402

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


def words_shown(app: AppTest) -> str:
    """The page's words as a person reads them: Markdown's bold marks and line breaks undone."""
    return texts(app).replace("**", "").replace("  \n", "\n")


def unlock(app: AppTest) -> AppTest:
    """Press Unlock under the typed password: by its key, or by its English label where it has none."""
    button = next(b for b in app.button if b.key in ("unlock_button", "FormSubmitter:unlock-Unlock"))
    return button.click().run()


def tile_keys(app: AppTest) -> list[str]:
    return [b.key for b in app.button if b.key.startswith("open-")]


def players(app: AppTest) -> list[dict]:
    """What each reading player on the page was handed (views/players/reading_spec.py)."""
    return [json.loads(element.proto.json) for element in app.get("bidi_component")]


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
    assert f"Read as {CORRECT.label}" in words_shown(teacher) and "by Ana" in words_shown(teacher)


def test_a_nickname_over_twenty_characters_is_refused_in_words_and_kept_in_its_box(wall):
    """The box cut a longer name without a word, so the "at most 20" message never appeared (issue 28)."""
    app = open_read_page(sample=str(CORRECT.index))
    app = share(app, "x" * (NICKNAME_LIMIT + 5))
    assert not app.exception and wall.digits() == []
    assert [e.value for e in app.error] == ["A nickname is at most 20 characters; this one has 25."]
    assert app.text_input(key="share_nickname").value == "x" * (NICKNAME_LIMIT + 5)
    assert not app.text_input(key="share_nickname").max_chars  # the browser cuts nothing short without a word


def test_sharing_again_at_once_is_refused_in_words(wall):
    """One client shared 296 drawings in 16 s (issue 28): one share per browser every few seconds."""
    app = share(open_read_page(sample=str(CORRECT.index)), "Ana")
    app.session_state["sample"] = MISREAD.index
    app = share(app.run(), "Ana")
    assert not app.exception and len(wall.digits()) == 1
    assert any("Please wait" in e.value and "before sharing the next one" in e.value for e in app.error)


@pytest.mark.parametrize("nickname", [f"www.{FOREIGN_HOST}", f"a@{FOREIGN_HOST}"])  # http:// is longer than a name
def test_a_nickname_that_a_browser_would_link_is_shown_as_text(wall, nickname):
    """`www.evil.example/x` on the wall became a link to that site, on the tile and in its reading (issue 28)."""
    wall.share(CORRECT.image, reading(CORRECT.label, 0.9), nickname=nickname)
    app = open_wall()
    app.button(key="open-1").click().run()
    assert not app.exception
    sources = markdown_sources(app)
    assert sum(nickname in unescaped(source) for source in sources) == 2  # under the tile and over its reading
    assert not [source for source in sources if injected_in(source)]


def test_a_nickname_is_shown_as_text_never_as_markdown_or_html(wall):
    tricky = TRICKY[:NICKNAME_LIMIT]  # "[x](http://h) ![t](h"
    wall.share(CORRECT.image, reading(CORRECT.label, 0.9), nickname=tricky)
    app = open_wall()
    app.button(key="open-1").click().run()
    assert not app.exception
    pages = rendered(app)
    assert not [page for page in pages if "<a " in page or "<img" in page], pages
    assert sum(page.count(TRICKY_HTML[:NICKNAME_LIMIT]) for page in pages) == 2  # under the tile and over its reading


def test_the_wall_counts_filters_and_sorts(wall):
    wall.share(CORRECT.image, reading(CORRECT.label, 0.99), drawn_as=CORRECT.label)
    wall.share(MISREAD.image, reading(MISREAD.predicted, 0.95), drawn_as=MISREAD.label)
    wall.share(picture(0), reading(5, 0.5))
    app = open_wall()
    assert app.header[0].value == "3 digits, 2 misread or unsure"
    assert tile_keys(app) == ["open-3", "open-2", "open-1"]  # newest first
    app.segmented_control(key="wall_order").set_value("Least sure").run()
    assert tile_keys(app) == ["open-3", "open-2", "open-1"]
    app.selectbox(key="wall_show").set_value(DOUBTFUL).run()
    assert tile_keys(app) == ["open-3", "open-2"]
    app.selectbox(key="wall_show").set_value(str(CORRECT.label)).run()
    assert tile_keys(app) == ["open-1"]


@pytest.mark.parametrize(
    "answer, sure, meant, lines",
    [
        (7, 0.95, 7, ["Read as 7", "95% sure", "said 7 from row 14"]),
        (7, 0.95, None, ["Read as 7", "95% sure", "said 7 from row 14"]),
        (7, 0.37, None, ["Read as 7", "Unsure: only 37% sure", "a guess from row 14"]),
        (7, 0.37, 7, ["Read as 7", "Unsure: only 37% sure", "a guess from row 14"]),
        (4, 0.95, 9, ["Read as 4", "Misread: meant 9", "95% sure, but wrong"]),
        (4, 0.37, 9, ["Read as 4", "Misread: meant 9", "only 37% sure"]),
    ],
    ids=["sure-and-right", "sure", "unsure", "unsure-but-right", "misread", "misread-and-unsure"],
)
def test_a_tiles_words_agree_and_never_say_the_network_knew_a_doubtful_digit(answer, sure, meant, lines):
    from classroom.wall import ClassWall

    digit, _ = ClassWall().share(picture(0), reading(answer, sure, changes_at=14), drawn_as=meant)
    assert tile_words(digit) == lines
    assert not any("knew" in line for line in lines)


def test_every_tile_says_its_words_and_who_shared_it(wall):
    wall.share(picture(0), reading(7, 0.95, changes_at=14), drawn_as=7, nickname="Ana")
    wall.share(picture(1), reading(7, 0.37, changes_at=27))
    wall.share(picture(2), reading(4, 0.95, changes_at=20), drawn_as=9)
    shown = words_shown(open_wall())
    assert "Read as 7\n95% sure\nsaid 7 from row 14\nby Ana" in shown
    assert "Unsure: only 37% sure\na guess from row 27" in shown and "Misread: meant 9\n95% sure, but wrong" in shown
    assert "knew" not in shown


def test_the_race_results_are_one_click_from_the_top_and_stay_there_as_the_wall_redraws(wall):
    wall.share(picture(0), reading(1, 0.9))
    for label, student, network in [(3, 10, 14), (3, 14, 16)]:
        wall.record_race(label, student, network)
    app = open_wall()
    summary = "2 digits raced: the class knew after 12.0 rows on average, the network after 15.0."
    assert tile_keys(app) == ["open-1"] and summary not in texts(app)
    app.segmented_control(key="wall_view").set_value("Race results").run()
    assert summary in texts(app) and not tile_keys(app) and len(app.get("plotly_chart")) == 1
    assert not [box for box in app.selectbox if box.key == "wall_show"]  # the digits' choices go with the digits
    wall.share(picture(1), reading(2, 0.9))
    wall.record_race(3, 12, 15)
    app.run()  # the wall redrawn, as every REFRESH_S seconds: still the races, with the new one
    assert app.header[0].value == "2 digits, 0 misread or unsure" and "3 digits raced" in texts(app) and not tile_keys(app)
    app.segmented_control(key="wall_view").set_value("Digits").run()
    assert tile_keys(app) == ["open-2", "open-1"]


def test_no_races_yet_says_where_they_come_from(wall):
    app = open_wall()
    app.segmented_control(key="wall_view").set_value("Race results").run()
    assert "No races yet" in texts(app) and not app.get("plotly_chart")


def test_an_opened_digit_shows_its_reading_first_playing_and_back_closes_it(wall, monkeypatch):
    """AppTest reruns the whole script for every click, where a browser reruns only the dialog a button is in and
    leaves it open: so Back must ask for the whole page (tests/test_browser_wall.py sees the dialog go)."""
    import streamlit

    wall.share(MISREAD.image, reading(MISREAD.predicted, 0.95), drawn_as=MISREAD.label, nickname="Ana")
    app = open_wall()
    assert not players(app)
    app.button(key="open-1").click().run()
    assert not app.exception and not app.metric  # no separate answer: the reading says it
    (player,) = players(app)
    assert player["mode"] == "reading" and player["autoplay"] is True
    assert f"Shared by Ana · Meant: {MISREAD.label}" in texts(app)
    scopes = []
    rerun = streamlit.rerun
    monkeypatch.setattr(streamlit, "rerun", lambda *args, **kwargs: scopes.append(kwargs.get("scope")) or rerun(*args, **kwargs))
    app.button(key="wall_close").click().run()
    assert scopes == ["app"]
    assert not players(app) and not [b for b in app.button if b.key == "wall_close"] and "wall_open" not in app.session_state
    assert tile_keys(app) == ["open-1"]  # the wall, under no dialog


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
    unlock(student)
    assert any("not the training password" in e.value for e in student.error)
    assert not [b for b in student.button if b.key == "wall_clear"] and len(wall.digits()) == 1

    teacher = open_wall()
    teacher.text_input(key="typed_password").input("owl")
    unlock(teacher)
    teacher.button(key="wall_clear").click().run()
    teacher.button(key="wall_clear_yes").click().run()
    assert wall.digits() == []


def test_the_teacher_takes_one_digit_off_from_its_reading_after_a_second_click(wall, monkeypatch):
    """There was no moderation: the teacher could only clear it all (issue 28)."""
    monkeypatch.setenv("ROW_READER_TRAINING_PASSWORD", "owl")
    wall.share(picture(0), reading(1, 0.9), nickname="you are all idiots")
    wall.share(picture(1), reading(2, 0.9), nickname="Ana")
    student = open_wall()
    student.button(key="open-1").click().run()
    assert not [b for b in student.button if b.key == "wall_take_off"]  # locked: a student cannot

    teacher = open_wall()
    teacher.text_input(key="typed_password").input("owl")
    unlock(teacher)
    teacher.button(key="open-1").click().run()
    teacher.button(key="wall_take_off").click().run()
    assert len(wall.digits()) == 2 and any("Take digit number 1 off the wall" in w.value for w in teacher.warning)
    teacher.button(key="wall_take_off_yes").click().run()
    assert [d.number for d in wall.digits()] == [2] and tile_keys(teacher) == ["open-2"]
    assert "wall_open" not in teacher.session_state and not players(teacher)  # back on the wall
    teacher.button(key="open-2").click().run()
    assert not [b for b in teacher.button if b.key == "wall_take_off_all"]  # one digit from its browser: nothing more


def test_the_teacher_hides_every_nickname_and_shows_them_again(wall, monkeypatch):
    monkeypatch.delenv("ROW_READER_TRAINING_PASSWORD", raising=False)
    wall.share(picture(0), reading(1, 0.9), nickname="Ana")
    teacher = open_wall()
    teacher.button(key="wall_names_hide").click().run()
    assert wall.names_hidden and "by Ana" not in words_shown(teacher)
    teacher.button(key="open-1").click().run()
    assert "Ana" not in texts(teacher)  # nor over its reading
    projector = open_wall()
    assert "Ana" not in texts(projector)  # on every wall
    teacher.button(key="wall_close").click().run()
    teacher.button(key="wall_names_show").click().run()
    assert not wall.names_hidden and "by Ana" in words_shown(teacher)


def test_an_unchanged_wall_is_not_drawn_again_and_a_changed_one_is(wall, monkeypatch):
    """Every open wall redrew all its tiles every 2 s, changed or not (issue 28): its fragment now only looks."""
    import streamlit

    from views.pages import wall as wall_page

    wall.share(picture(0), reading(1, 0.9))
    app = open_wall()
    assert app.session_state[wall_page.DRAWN_KEY] == wall.version
    reruns = []
    monkeypatch.setattr(streamlit, "rerun", lambda *args, **kwargs: reruns.append(kwargs.get("scope")))
    with monkeypatch.context() as page_state:
        page_state.setattr(streamlit, "session_state", {wall_page.DRAWN_KEY: wall.version})
        wall_page.wall_watch.__wrapped__()
        assert reruns == []  # unchanged: the look is all it costs
        wall.share(picture(1), reading(2, 0.9))
        wall_page.wall_watch.__wrapped__()
        assert reruns == ["app"]
        page_state.setattr(streamlit, "session_state", {wall_page.DRAWN_KEY: -1, "wall_open": 1})
        wall_page.wall_watch.__wrapped__()
        assert reruns == ["app"]  # a reading is open over the wall: it plays on, the wall waits


def test_the_race_chart_is_a_valid_figure_with_every_number_written_on_its_bar():
    import plotly.graph_objects as go

    from views.figures.wall import race_spec

    spec = race_spec({3: (2, 12.0, 15.0), 7: (1, 20.0, 9.0)}, presenter=True).to_dict()
    go.Figure(spec)  # plotly validates it as plotly.js would read it
    class_bars, network_bars = spec["data"]
    assert class_bars["text"] == ["12", "20"] and network_bars["text"] == ["15", "9"]
    assert class_bars["marker"]["color"] != network_bars["marker"]["color"]


def test_the_race_sentence_counts_one_digit_as_one_digit():
    from views.figures.wall import race_summary

    assert race_summary({3: (1, 17.0, 21.0)}).startswith("1 digit raced: the class knew after 17.0 rows")
