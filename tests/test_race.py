"""Race the network: the chart, and the page with AppTest, fed what the browser's player sends (AppTest runs no
JavaScript). The rules are tested without a page in tests/test_classroom_race.py."""

import base64
import json

import numpy as np
import pytest

from classroom import race
from model.config import ROWS
from views.encoding import base64_shades
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


def test_the_networks_row_is_said_to_be_where_its_answer_stopped_changing_with_how_sure_it_was():
    """The chart's "network: row 12" is not "sure at row 12": its answer was on top from there on, here only 45% sure."""
    probs = np.full((ROWS, 10), 0.02, np.float32)
    probs[:, 7] = np.linspace(0.1, 0.95, ROWS)
    probs[:11, 1] = 0.6  # the rival on top up to row 11: 7 from row 12 on
    sentence = race_figures.network_row_sentence(probs, 12, 7)
    assert "where its answer stopped changing, however sure it was then" in sentence
    assert f"After row 12 it said 7, and was {probs[11, 7]:.0%} sure." in sentence


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
    """What the player's callback keeps when the browser sends `name` (views/pages/race.py heard), and the run it starts."""
    app.session_state["race_inbox"] = [(name, payload)]
    return app.run()


def player_data(app: AppTest) -> dict:
    """What the race player was given: the data its component carries to the browser."""
    players = [e for e in app.get("bidi_component") if e.proto.component_name.endswith("race_player")]
    assert len(players) == 1
    return json.loads(players[0].proto.json)


def about(app: AppTest, **fields) -> dict:
    game = app.session_state["race_round"]
    return {"round": game.seed, "position": game.position, "seq": game.digit.heard + 1, **fields}


def release(app: AppTest, rows: int) -> AppTest:
    """The player asks for rows one at a time, as its clock makes them due."""
    for row in range(app.session_state["race_round"].digit.released + 1, rows + 1):
        send(app, "row", about(app, row=row))
    return app


def guess(app: AppTest, digit: int, row: int | None = None) -> AppTest:
    """A guess at the row the player shows (the rows released), or at `row`."""
    game = app.session_state["race_round"]
    return send(app, "guess", about(app, digit=digit, row=game.digit.released if row is None else row))


def finish(app: AppTest, guesses: list[list[int]]) -> AppTest:
    """Race the digit to the end: rows released up to each guess's row, then the guess."""
    for digit, row in guesses:
        guess(release(app, row), digit)
    return app


def next_digit(app: AppTest) -> AppTest:
    return send(app, "next", about(app))


def test_a_round_starts_with_ten_digits_and_needs_no_password(wall, monkeypatch):
    monkeypatch.setenv("ROW_READER_TRAINING_PASSWORD", "teacher-only")
    app = open_race()
    assert not app.exception
    assert app.title[0].value == "Race the network"
    game = app.session_state["race_round"]
    assert len(game.labels) == race.ROUND_LENGTH and game.step_probs.shape == (race.ROUND_LENGTH, ROWS, 10)
    assert not app.get("text_input"), "no password asked"
    assert "anonymously" in texts(app)


def test_the_browser_holds_only_the_rows_released_and_the_digit_only_once_guessed(wall):
    app = open_race()
    game = app.session_state["race_round"]
    label, image = game.labels[0], game.images[0]
    data = player_data(app)
    assert "label" not in data or data["label"] is None
    assert base64.b64decode(data["rows"]) == b"" and data["released"] == 0
    release(app, 5)
    data = player_data(app)
    assert data["released"] == 5 and data["label"] is None
    assert base64.b64decode(data["rows"]) == base64.b64decode(base64_shades(image[:5])), "rows 1 to 5, nothing below"
    send(app, "row", about(app, row=7))  # a row ahead of the next: not sent
    assert player_data(app)["released"] == 5
    wrong = (label + 1) % 10
    guess(app, wrong)
    data = player_data(app)
    assert data["guesses"] == [[wrong, 5, race.WRONG]] and data["label"] is None
    guess(release(app, 6), label)
    assert player_data(app)["label"] == label  # guessed: the whole digit and its label, beside the result
    assert len(base64.b64decode(player_data(app)["rows"])) == ROWS * ROWS


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
    sure = game.step_probs[0][network_row - 1, game.network_answer(0)]
    assert f"After row {network_row} it said {game.network_answer(0)}, and was {sure:.0%} sure." in texts(app)
    assert len(app.get("plotly_chart")) == 1 and app.get("plotly_chart")[0].proto.alt.strip()
    results = wall.race_results()
    assert [(r.label, r.student_row) for r in results] == [(label, 11)]
    send(app, "guess", {**about(app, digit=label, row=9), "seq": 1})  # the same message again (sent again): counted once
    assert len(wall.race_results()) == 1


def test_a_claimed_row_the_browser_never_had_is_refused_and_nothing_recorded(wall):
    app = open_race()
    game = app.session_state["race_round"]
    label = game.labels[0]
    release(app, 5)
    send(app, "finished", {"round": game.seed, "position": 0, "guesses": [[label, 1]]})  # the old way of claiming row 1
    for row in (1, 2, 3, 6, 0, 29):
        guess(app, label, row)
    assert not game.digit.guesses and not game.results and not wall.race_results()
    assert not app.exception and player_data(app)["label"] is None
    guess(app, label, 4)  # one row less than released: a row asked for was on its way when the student guessed
    assert [(r.label, r.student_row) for r in wall.race_results()] == [(label, 4)]


def test_messages_about_another_digit_or_round_are_ignored(wall):
    app = open_race()
    game = app.session_state["race_round"]
    label = game.labels[0]
    release(app, 3)
    send(app, "guess", about(app, digit=label, row=3, position=1))
    send(app, "guess", about(app, digit=label, row=3, round=game.seed + 1))
    send(app, "row", about(app, row=4, position=2))
    send(app, "next", about(app, position=1))
    assert game.position == 0 and game.digit.released == 3 and not game.digit.guesses and not wall.race_results()
    assert not app.warning, "a message of this session's own round is not a lost round"


def test_a_round_lost_to_a_server_restart_is_said_in_words_and_a_new_one_starts(wall):
    app = open_race()  # a fresh session, as after a restart: the player names the round it was racing before
    game = app.session_state["race_round"]
    send(app, "resume", {"round": game.seed + 1, "position": 4})
    assert any("lost when the server restarted" in w.value for w in app.warning)
    assert app.session_state["race_round"] is game and game.position == 0 and not game.digit.released
    send(app, "guess", about(app, digit=3, row=2, round=game.seed + 2, position=4))  # its right guess, on its way
    assert any("lost when the server restarted" in w.value for w in app.warning)
    assert not wall.race_results()
    release(app, 1)
    assert not app.warning, "said once"


def test_a_browser_whose_results_fill_its_share_of_the_class_table_is_told_and_keeps_its_own(wall, monkeypatch):
    from classroom.wall import ClassWall

    seen = []

    def full(self, label, student_row, network_row, racer=""):
        seen.append(racer)
        return False

    monkeypatch.setattr(ClassWall, "record_race", full)
    app = open_race()
    game = app.session_state["race_round"]
    finish(app, [[game.labels[0], 7]])
    assert app.header[0].value.startswith("You knew at row 7")
    assert any("class table already holds all the results it takes from one browser" in i.value for i in app.info)
    finish(next_digit(app), [[game.labels[1], 8]])
    assert len(seen) == 2 and seen[0] and seen[0] == seen[1], "one racer, this browser session"


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


def test_a_misread_digits_chart_draws_the_networks_own_answer():
    """A 4 the network ends up reading as 6, after leaning to 1 early on more than it ever leans to 6."""
    probs = np.full((28, 10), 0.01, np.float32)
    probs[:10, 1] = 0.9  # a strong early lean to 1
    probs[20:, 6] = 0.6  # the answer at the end: 6, never as sure as the 1 was
    probs[20:, 4] = 0.3
    assert race_figures.strongest_rival(probs, 4) == 6
    probs[20:, 6], probs[20:, 4] = 0.3, 0.6  # read right: the rival is the strongest lean, 1
    assert race_figures.strongest_rival(probs, 4) == 1
