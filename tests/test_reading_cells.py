"""Each cell's own states in the reading player and the guided lesson: an LSTM's h, c, gates and g; a GRU's h, update
and reset gates and candidate; a plain RNN's h alone, with a note that it has no gates. Their specs in en, zh and ja,
and the Read page and the lesson with a GRU and a plain RNN reading (small random readers in a runs folder)."""

import json

import keras
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import i18n
from model.config import ModelConfig
from model.network import build_model
from model.samples import load_samples
from model.storage import DEFAULT_MODEL_PATH, load_model, save_model
from model.xray import read_digit
from tests.random_models import randomised
from tests.training_runs import finished_run
from views import words
from views.lesson_steps import STEPS
from views.players.reading_spec import reading_spec, state_matrix

SAMPLE = next(iter(load_samples().values()))
CELLS = ("lstm", "gru", "rnn")
OWN_STATES = {
    "lstm": ["hidden", "cell", "gate:input", "gate:forget", "gate:output", "gate:candidate"],
    "gru": ["hidden", "gate:update", "gate:reset", "gate:candidate"],
    "rnn": ["hidden"],
}
SYMBOLS = {"hidden": "h", "cell": "c", "gate:input": "i", "gate:forget": "f", "gate:output": "o", "gate:update": "z", "gate:reset": "r"}
RUN_IDS = {"gru": "20260101-120000-gru", "rnn": "20260101-120000-rnn"}
LESSON_PAGE = "views/pages/lesson.py"


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    """A small random GRU and plain RNN of two layers, saved as .keras files; the shipped LSTM as it is."""
    folder = tmp_path_factory.mktemp("cells")
    files = {"lstm": DEFAULT_MODEL_PATH}
    for seed, cell in enumerate(("gru", "rnn")):
        keras.utils.set_random_seed(seed)
        files[cell] = folder / f"{cell}.keras"
        save_model(randomised(build_model(ModelConfig(projection_units=None, layers=2, units=12, cell=cell)), seed), files[cell])
    return files


@pytest.fixture(scope="module")
def readings(model_files):
    return {cell: read_digit(load_model(path).weights, SAMPLE.image) for cell, path in model_files.items()}


@pytest.fixture
def runs(tmp_path, monkeypatch, model_files):
    """A runs folder holding the GRU and the plain RNN as finished runs, for a session to choose."""
    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))
    for cell, run_id in RUN_IDS.items():
        finished_run(tmp_path, run_id, model_files[cell].read_bytes(), accuracy=0.1)
    return tmp_path


def spec_in(language: str, reading, state: str = "hidden") -> dict:
    i18n.use(language)
    try:
        return reading_spec(SAMPLE.image, reading, state=state, layer=0)
    finally:
        i18n.use(i18n.DEFAULT)


# --- the specs --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_each_cell_offers_its_own_states_with_their_own_letters_and_scales(readings, cell):
    reading = readings[cell]
    assert reading.kind == cell
    for state in OWN_STATES[cell]:
        spec = spec_in("en", reading, state)
        assert list(spec["states"]) == OWN_STATES[cell]
        shown = spec["map"]
        assert shown["state"] == state and shown["title"].startswith(words.CELL_STATES[cell][state][0])
        expected = SYMBOLS.get(state) or {"lstm": "g", "gru": "\u0125"}[cell]
        assert shown["name"] == expected, (state, shown["name"])
        if state != "cell":  # c runs as far as it goes; the gates from 0 to 1, h and the candidates from -1 to 1
            gate = state.startswith("gate:") and state != "gate:candidate"
            assert shown["ticks"] == (["0", "1"] if gate else ["-1", "1"]), state
        np.testing.assert_array_equal(state_matrix(reading, state, 0).shape, (reading.hidden.shape[-1], 28))


def test_a_grus_states_are_its_gates_in_keras_order_and_its_words_say_which_way_they_go(readings):
    reading = readings["gru"]
    np.testing.assert_array_equal(state_matrix(reading, "gate:update", 0), reading.gates[0, :, 0].T)
    np.testing.assert_array_equal(state_matrix(reading, "gate:reset", 1), reading.gates[1, :, 1].T)
    np.testing.assert_array_equal(state_matrix(reading, "gate:candidate", 0), reading.gates[0, :, 2].T)
    # Keras's GRU: h = z * h_old + (1 - z) * candidate, so z = 1 keeps the old h: the words must say so.
    z, candidate = reading.gates[0, :, 0], reading.gates[0, :, 2]
    h_old = np.concatenate([np.zeros_like(reading.hidden[0, :1]), reading.hidden[0, :-1]])
    np.testing.assert_allclose(reading.hidden[0], z * h_old + (1 - z) * candidate, atol=1e-5)
    assert "1 = keep" in words.GRU_STATES["gate:update"][1]


@pytest.mark.parametrize("cell", ["gru", "rnn"])
@pytest.mark.parametrize("state", ["cell", "gate:forget", "gate:input"])
def test_a_state_the_reader_lacks_falls_back_to_h(readings, cell, state):
    spec = spec_in("en", readings[cell], state)
    assert spec["map"]["state"] == "hidden" and spec["map"]["name"] == "h"
    np.testing.assert_array_equal(state_matrix(readings[cell], state, 0), readings[cell].hidden[0].T)
    with pytest.raises(ValueError):
        reading_spec(SAMPLE.image, readings[cell], state="mood")


def test_only_a_gru_and_a_plain_rnn_carry_a_note_of_what_they_lack(readings):
    assert spec_in("en", readings["lstm"])["map"]["note"] is None
    assert "update gate" in spec_in("en", readings["gru"])["map"]["note"]
    assert "no gates and no separate memory" in spec_in("en", readings["rnn"])["map"]["note"]


@pytest.mark.parametrize("language", ["zh", "ja"])
@pytest.mark.parametrize("cell", CELLS)
def test_each_cells_states_and_note_are_in_the_readers_language(readings, cell, language):
    for state in OWN_STATES[cell]:
        english, translated = spec_in("en", readings[cell], state), spec_in(language, readings[cell], state)
        for key in ("title", "explain", "note"):
            if english["map"][key] is not None:
                assert translated["map"][key] != english["map"][key], (state, key)
                assert "gate" not in translated["map"][key] and "memory" not in translated["map"][key], translated["map"][key]
        assert all(translated["states"][s] != english["states"][s] for s in OWN_STATES[cell])


def test_what_a_gru_and_a_plain_rnn_are_is_said_in_plain_words():
    import textstat

    from views.parts.lesson_views import LSTM_INSTEAD, READER_IS

    said = [*words.CELL_NOTES.values(), *(hint for _title, hint in words.GRU_STATES.values()), *READER_IS.values(), *LSTM_INSTEAD.values()]
    said += [text for cell in CELLS for text in words.what_am_i_looking_at(cell).values()]
    for text in said:
        assert textstat.flesch_kincaid_grade(text) <= 9, text  # a school-year-8 reader, as tests/test_plain_words.py asks


def test_what_am_i_looking_at_speaks_of_each_cells_own_memory_and_gates():
    assert words.what_am_i_looking_at("lstm") == words.WHAT_AM_I_LOOKING_AT
    gru, rnn = words.what_am_i_looking_at("gru"), words.what_am_i_looking_at("rnn")
    assert list(gru) == list(rnn) == list(words.WHAT_AM_I_LOOKING_AT)  # the same questions, in the same order
    assert "update gate" in gru["Gates"] and "no memory cell c" in gru["Cell state c"]
    assert "no gates" in rnn["Gates"] and "no memory cell c" in rnn["Cell state c"]


# --- the Read page and the lesson with a GRU and a plain RNN reading --------------------------------------------------


def read_page(model_id: str | None) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=180)
    app.query_params["sample"] = str(SAMPLE.index)
    if model_id is not None:
        app.session_state["model_id"] = model_id
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def player(app: AppTest) -> dict:
    specs = [json.loads(e.proto.json) for e in app.get("bidi_component") if e.proto.json]
    return next(spec for spec in specs if spec.get("key") == "reading")


def test_the_read_page_offers_a_grus_own_states(runs):
    app = read_page(RUN_IDS["gru"])
    assert app.segmented_control(key="state").options == ["h (hidden)", "gates"]
    app.segmented_control(key="state").set_value("gates").run()
    assert app.segmented_control(key="gate").options == ["Update gate z", "Reset gate r", "Candidate: a new h"]
    assert app.segmented_control(key="gate").value == "Update gate z"
    assert player(app)["map"]["state"] == "gate:update"
    app.segmented_control(key="gate").set_value("Candidate: a new h").run()
    assert not app.exception and player(app)["map"]["state"] == "gate:candidate"
    assert any("candidate: the new h" in c.value for c in app.caption)
    assert app.segmented_control(key="layer").options == ["1", "2 (top)"]


def test_a_plain_rnn_has_nothing_to_choose_but_its_layer_and_says_why(runs):
    app = read_page(RUN_IDS["rnn"])
    assert not [c for c in app.segmented_control if c.key in ("state", "gate")]
    spec = player(app)
    assert spec["map"]["state"] == "hidden" and list(spec["states"]) == ["hidden"]
    assert "no gates" in spec["map"]["note"]


def test_a_state_chosen_for_the_lstm_falls_back_to_h_when_the_reader_changes(runs):
    app = read_page(None)
    app.segmented_control(key="state").set_value("c (cell)").run()
    assert player(app)["map"]["state"] == "cell"
    for model_id in (RUN_IDS["gru"], RUN_IDS["rnn"]):
        app.session_state["model_id"] = model_id
        app.run()
        assert not app.exception, [e.value for e in app.exception]
        assert not app.warning, [w.value for w in app.warning]
        assert player(app)["map"]["state"] == "hidden"
    app.session_state["model_id"] = "shipped"
    app.run()
    app.segmented_control(key="state").set_value("gates").run()
    app.segmented_control(key="gate").set_value("Input gate").run()
    app.session_state["model_id"] = RUN_IDS["gru"]
    app.run()
    assert not app.exception and player(app)["map"]["state"] == "gate:update"  # the GRU's gates open on its update gate


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_the_lesson_reads_with_a_gru_or_a_plain_rnn_and_shows_the_shipped_lstm_for_the_gates(runs, cell):
    app = AppTest.from_file("../app.py", default_timeout=180)
    app.session_state["model_id"] = RUN_IDS[cell]
    app.query_params["step"] = "2"
    app.run()
    app.switch_page(LESSON_PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    views = [step.view for step in STEPS]
    for view in ("gates", "reading", "memory"):  # the gates first: they once read the c a GRU lacks
        app.query_params["step"] = str(views.index(view) + 1)
        app.session_state["step"] = views.index(view) + 1
        app.run()
        assert not app.exception, (view, [e.value for e in app.exception])
        captions = " ".join(c.value for c in app.caption)
        if view == "reading":
            assert {"gru": "The reader in use is a GRU", "rnn": "The reader in use is a plain RNN"}[cell] in captions
        if view == "memory":
            assert player_in_lesson(app)["map"]["note"]
        if view == "gates":
            assert "shows the shipped LSTM" in captions
            assert app.get("plotly_chart"), "the gates step draws the shipped LSTM's unit"


def player_in_lesson(app: AppTest) -> dict:
    specs = [json.loads(e.proto.json) for e in app.get("bidi_component") if e.proto.json]
    return next(spec for spec in specs if spec.get("key") == "lesson-memory")
