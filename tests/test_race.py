"""Race the network: the chart, and the page with AppTest, fed what the browser's player sends (AppTest runs no
JavaScript). The rules are tested without a page in tests/test_classroom_race.py."""

import numpy as np
import pytest

from classroom import race
from model.config import ROWS
from views.figures import race as race_figures
from views.figures.plotting import CLASS_COLOURS, MIN_TEXT_PX, TEXT

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.app_pages import texts  # noqa: E402
from tests.test_palette import LARGE_BOLD_PX, contrast_on_white, fonts  # noqa: E402

RACE_PAGE = "views/pages/race.py"


# --- the chart ----------------------------------------------------------------------------------------------------


def curves() -> np.ndarray:
    probs = np.full((ROWS, 10), 0.02, np.float32)
    probs[:, 7] = np.linspace(0.1, 0.95, ROWS)
    probs[:12, 1] = 0.6
    return probs


def test_the_chart_shows_the_true_digit_its_rival_and_both_rows_in_words():
    spec = race_figures.race_figure(curves(), 7, student_row=14, network_row=17).to_dict()
    lines = [trace for trace in spec["data"] if trace.get("mode") == "lines"]
    assert [trace["line"]["color"] for trace in lines] == [CLASS_COLOURS[7], CLASS_COLOURS[1]]
    assert lines[1]["line"]["dash"] == "dash"  # not by colour alone
    assert {trace["text"][0] for trace in spec["data"] if trace.get("mode") == "text"} == {"<b>7</b>", "<b>1</b>"}
    notes = [note["text"] for note in spec["layout"]["annotations"]]
    assert notes == ["<b>you: row 14</b>", "<b>network: row 17</b>"]
    assert all(note["font"]["color"] == TEXT for note in spec["layout"]["annotations"])
    assert spec["layout"]["dragmode"] is False
    alt = race_figures.race_figure_alt(curves(), 7, 14, 17)
    assert "You knew at row 14" in alt and "row 17" in alt


@pytest.mark.parametrize("presenter", [False, True])
def test_the_charts_words_are_dark_or_large_and_bold(presenter):
    spec = race_figures.race_figure(curves(), 7, student_row=14, network_row=17, presenter=presenter).to_dict()
    shown = {key: value for key, value in spec["layout"].items() if key != "template"}
    for font, owner in fonts([spec["data"], shown]):
        assert font.get("size", MIN_TEXT_PX) >= MIN_TEXT_PX, (font, owner.get("text"))
        if "color" in font and contrast_on_white(font["color"]) < 4.5:
            assert contrast_on_white(font["color"]) >= 3 and font.get("size", 0) >= LARGE_BOLD_PX, font


def test_rows_past_28_stretch_the_axis():
    spec = race_figures.race_figure(curves(), 7, student_row=34, network_row=17).to_dict()
    assert spec["layout"]["xaxis"]["range"][1] >= 34


# --- the page -----------------------------------------------------------------------------------------------------


@pytest.fixture
def wall():
    from views.parts.class_wall import shared_wall

    shared_wall().clear()
    yield shared_wall()
    shared_wall().clear()


def open_race() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=120).run()
    return app.switch_page(RACE_PAGE).run()


def send(app: AppTest, name: str, payload: dict) -> AppTest:
    """What the player's callback keeps when the browser sends `name` (views/race_page.heard), and the run it starts."""
    app.session_state["race_inbox"] = (name, payload)
    return app.run()


def finish(app: AppTest, guesses: list[list[int]]) -> AppTest:
    game = app.session_state["race_round"]
    return send(app, "finished", {"round": game.seed, "position": game.position, "guesses": guesses})


def next_digit(app: AppTest) -> AppTest:
    game = app.session_state["race_round"]
    return send(app, "next", {"round": game.seed, "position": game.position})


def test_a_round_starts_with_ten_digits_and_needs_no_password(wall, monkeypatch):
    monkeypatch.setenv("ROW_READER_TRAINING_PASSWORD", "teacher-only")
    app = open_race()
    assert not app.exception
    assert app.title[0].value == "Race the network"
    game = app.session_state["race_round"]
    assert len(game.labels) == race.ROUND_LENGTH and game.step_probs.shape == (race.ROUND_LENGTH, ROWS, 10)
    assert not app.get("text_input"), "no password asked"
    assert "anonymously" in texts(app)


def test_a_finished_digit_shows_who_knew_when_and_reaches_the_wall(wall):
    app = open_race()
    game = app.session_state["race_round"]
    label = game.labels[0]
    wrong = (label + 1) % 10
    finish(app, [[wrong, 6], [label, 9]])
    assert not app.exception
    verdict = app.header[0].value
    network_row = game.network_row(0)
    assert verdict.startswith(f"You knew at row 11 (row 9, +{race.PENALTY_ROWS} for a wrong guess)")
    if game.network_answer(0) == label:
        assert f"the network at row {network_row}." in verdict
    assert len(app.get("plotly_chart")) == 1 and app.get("plotly_chart")[0].proto.alt.strip()
    results = wall.race_results()
    assert [(r.label, r.student_row) for r in results] == [(label, 11)]
    finish(app, [[wrong, 6], [label, 9]])  # the same message again (a remounted player repeats it): counted once
    assert len(wall.race_results()) == 1


def test_guesses_that_do_not_end_the_digit_are_not_counted_and_the_digit_starts_again(wall):
    app = open_race()
    game = app.session_state["race_round"]
    attempt = game.attempt
    finish(app, [[(game.labels[0] + 1) % 10, 5]])
    assert any("could not be counted" in w.value for w in app.warning)
    assert game.attempt == attempt + 1 and not game.results and not wall.race_results()


def test_ten_digits_give_the_score_and_the_lesson(wall):
    app = open_race()
    game = app.session_state["race_round"]
    for position in range(race.ROUND_LENGTH):
        finish(app, [[game.labels[position], 1 + position]])
        assert app.header[0].value.startswith(f"You knew at row {1 + position}")
        next_digit(app)
    assert not app.exception
    assert [h.value for h in app.header] == ["Your score"]
    shown = texts(app)
    assert "You won" in shown and "rows on average" in shown and "rule the other digits out" in shown
    assert len(wall.race_results()) == race.ROUND_LENGTH
    assert [r.label for r in wall.race_results()] == game.labels
    app.button(key="race-new-round").click().run()
    assert app.session_state["race_round"] is not game and not app.header  # a new round, racing its first digit
