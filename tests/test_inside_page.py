"""The Look inside page with AppTest: every view with the shipped model and no MNIST, the confusion matrix's
digits, reading one of them on the Read page, the digit carried over from the Read page, a model without a report,
presenter mode, and units numbered from 0 everywhere.
"""

import base64
import json
import re

import numpy as np
import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from model.report import read_report, report_path  # noqa: E402
from model.samples import load_samples  # noqa: E402
from model.storage import DEFAULT_MODEL_PATH, load_model  # noqa: E402
from model.xray import read_digit  # noqa: E402
from tests.app_pages import TRICKY, assert_shown_as_text, texts, tricky_labels  # noqa: E402
from tests.training_runs import finished_run  # noqa: E402
from views.words import INSIDE  # noqa: E402

INSIDE_PAGE = "views/pages/inside.py"
VIEWS = ("Model report", "How early", "Hidden-state map", "Units", "Row importance", "Compare")  # as the page names them
SHIPPED_REPORT = read_report(report_path(DEFAULT_MODEL_PATH))


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))
    return tmp_path


@pytest.fixture
def no_mnist(monkeypatch, tmp_path):
    """As on a classroom laptop without the data: MNIST_DIR names an empty folder (so nothing is ever downloaded)."""
    empty = tmp_path / "no-mnist"
    empty.mkdir()
    monkeypatch.setenv("MNIST_DIR", str(empty))


def open_inside(view: str | None = None, *, sample: int | None = None, model_id: str | None = None, present: bool = False) -> AppTest:
    """The app opened on the Read page (on a gallery sample if given, which it reads; in presenter mode by its link if
    `present`), then on Look inside."""
    app = AppTest.from_file("../app.py", default_timeout=180)
    if sample is not None:
        app.query_params["sample"] = str(sample)
    if present:
        app.query_params["present"] = "true"
    app.run()
    if model_id:
        app.session_state["model_id"] = model_id
    app.switch_page(INSIDE_PAGE).run()
    if view:
        app.segmented_control(key="view").set_value(view).run()
    return app


@pytest.mark.parametrize("view", VIEWS)
def test_every_view_opens_with_the_shipped_model_without_mnist(runs, no_mnist, view):
    app = open_inside(view)
    assert not app.exception, app.exception
    assert app.title[0].value == "Look inside"
    assert not app.error and not app.warning
    assert app.get("plotly_chart"), "every view has a chart"
    without_words = [img.url for image in app.get("image") for img in image.proto.imgs if not img.alt.strip()]
    without_words += [f"chart {n}" for n, chart in enumerate(app.get("plotly_chart")) if not chart.proto.alt.strip()]
    assert not without_words, f"every picture and chart has a text alternative: {without_words}"


def test_the_report_view_shows_the_stored_figures(runs, no_mnist):
    app = open_inside()
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Test accuracy"] == f"{SHIPPED_REPORT.test_accuracy:.2%}"
    assert metrics["Misread"] == str(len(SHIPPED_REPORT.misread))
    assert f"All {len(SHIPPED_REPORT.misread)} misread digits" in [h.value for h in app.header][-1]


def test_a_chosen_confusion_cell_shows_its_digits_and_one_can_be_read_on_the_read_page(runs, no_mnist):
    labels, predicted = SHIPPED_REPORT.labels, SHIPPED_REPORT.predicted
    wrong = SHIPPED_REPORT.misread[0]
    true_digit, answer = int(labels[wrong]), int(predicted[wrong])
    app = open_inside()
    app.session_state["inside_cell"] = (true_digit, answer)  # what a click on the cell sets (the browser test clicks)
    app.run()
    count = int(((labels == true_digit) & (predicted == answer)).sum())
    assert f"{true_digit}s read as {answer}: {count} test digits" in [h.value for h in app.header]

    app.button(key=f"read-test-cell-{wrong}").click().run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Row Reader"
    assert app.segmented_control(key="source").value == "Samples"
    assert app.selectbox(key="sample").value == wrong
    prediction = next(m for m in app.metric if m.label == "Prediction")
    assert prediction.value == str(answer) and f"true digit {true_digit}" in texts(app)


def test_the_digit_last_read_on_the_read_page_is_the_one_examined(runs, no_mnist):
    sample = next(s for s in load_samples().values() if s.label == 4)
    app = open_inside(sample=sample.index)
    examined = app.selectbox(key="inside_digit").value
    assert examined.startswith("Your last digit: test digit #" + str(sample.index))
    app.segmented_control(key="view").set_value("Row importance").run()
    assert next(m for m in app.metric if m.label == "Answer").value == str(sample.predicted)


def test_a_model_without_a_report_offers_to_build_one_and_says_why_it_cannot(runs, no_mnist):
    run_id = "20260101-120000-morvan"
    finished_run(runs, run_id, DEFAULT_MODEL_PATH.read_bytes())
    app = open_inside(model_id=run_id)
    assert "no report yet" in texts(app)
    app.button(key="build_report").click().run()
    assert not app.exception
    assert "could not be built" in texts(app) and "MNIST" in texts(app)  # no data here: the reason, not a traceback
    app.segmented_control(key="view").set_value("Row importance").run()  # the views that need no report still work
    assert not app.exception and app.get("plotly_chart")


def test_building_a_report_is_locked_with_the_training_controls(runs, no_mnist, monkeypatch):
    monkeypatch.setenv("ROW_READER_TRAINING_PASSWORD", "choose-one")
    run_id = "20260101-120000-morvan"
    folder = finished_run(runs, run_id, DEFAULT_MODEL_PATH.read_bytes())
    app = open_inside(model_id=run_id)
    button = app.button(key="build_report")
    assert button.disabled and "Train page" in button.help  # and the page says where to unlock it
    assert not app.exception and not list(folder.glob("*.report*"))


def test_building_a_missing_report_shows_it(runs, mnist_dir, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", str(mnist_dir))
    run_id = "20260101-120000-morvan"
    folder = finished_run(runs, run_id, DEFAULT_MODEL_PATH.read_bytes())
    (folder / "model.report.npz").write_bytes(b"half a file")  # damaged: treated as missing, and rebuilt
    app = open_inside(model_id=run_id)
    app.button(key="build_report").click().run()
    assert not app.exception, app.exception
    assert next(m for m in app.metric if m.label == "Test accuracy").value == f"{SHIPPED_REPORT.test_accuracy:.2%}"


def test_the_read_page_keeps_its_chosen_sample_while_one_looks_inside(runs, no_mnist):
    sample = next(s for s in load_samples().values() if s.label == 8)
    app = open_inside(sample=sample.index)
    app.switch_page("views/pages/read.py").run()
    assert app.segmented_control(key="source").value == "Samples"
    assert app.selectbox(key="sample").value == sample.index


def test_two_models_read_the_same_digit_side_by_side(runs, no_mnist):
    run_id = "20260101-120000-morvan"
    finished_run(runs, run_id, DEFAULT_MODEL_PATH.read_bytes(), accuracy=0.9123)
    app = open_inside("Compare")
    app.segmented_control(key="compare_mode").set_value("Two models, one digit").run()
    assert app.selectbox(key="compare_model_A").value == "shipped" and app.selectbox(key="compare_model_B").value == "shipped-gru"
    app.selectbox(key="compare_model_B").set_value(run_id).run()
    assert not app.exception, app.exception
    answers = [m.value for m in app.metric if m.label.endswith("reads")]
    assert len(answers) == 2 and answers[0] == answers[1]  # the same weights, copied: the same answer


def test_comparing_models_with_only_the_shipped_one_says_how_to_get_another(runs, no_mnist, monkeypatch):
    from model.storage import SHIPPED_MODELS

    for cell in ("gru", "rnn"):  # deleted from model/weights: the shipped LSTM alone
        monkeypatch.setitem(SHIPPED_MODELS, cell, runs / f"{cell}.keras")
    app = open_inside("Compare")
    app.segmented_control(key="compare_mode").set_value("Two models, one digit").run()
    assert not app.exception and "Train another" in texts(app)


@pytest.mark.parametrize("typed", [float("nan"), float("inf"), float("-inf"), 1e300, -5.0, 127.0], ids=str)
def test_a_unit_that_is_no_unit_falls_back_and_never_raises(runs, no_mnist, typed):
    """NaN, infinity or a unit out of range, forged over the websocket: the nearest unit, or the first."""
    app = open_inside("Units")
    app.number_input(key="inside_unit").set_value(typed).run()
    assert not app.exception, app.exception
    unit = app.number_input(key="inside_unit").value
    assert unit == (127 if typed == 127.0 else 0)
    assert f"The test digits that drive unit {int(unit)} highest" in texts(app)


def test_a_model_name_is_shown_as_text(runs, no_mnist, monkeypatch):
    tricky_labels(monkeypatch)
    finished_run(runs, "20260101-120000-morvan", DEFAULT_MODEL_PATH.read_bytes())
    app = open_inside(model_id="20260101-120000-morvan")
    assert not app.exception
    assert f"There is no report yet for {TRICKY}." in texts(app)
    assert_shown_as_text(app, 2)  # the tagline and the missing report's warning


def chart_fonts(app: AppTest) -> list[int]:
    """The type size of every chart on the page (the size each figure derives the rest of its text from)."""
    return [json.loads(chart.proto.spec)["layout"]["font"]["size"] for chart in app.get("plotly_chart")]


def explanations(app: AppTest) -> list[str]:
    """The page's explanations (its tagline and each view's) that are on the page; the technical detail in a closed
    "How is this made?" box (INSIDE's "..._how") aside: it stays there for the teacher in presenter mode too."""
    shown = texts(app)
    return [name for name, text in INSIDE.items() if not name.endswith("_how") and max(re.split(r"\{\w+\}", text), key=len)[:60] in shown]


@pytest.mark.parametrize("view", VIEWS)
def test_presenter_mode_by_link_gives_every_view_the_projectors_type_and_leaves_the_explaining_to_the_teacher(runs, no_mnist, view):
    standard, presenting = open_inside(view), open_inside(view, present=True)
    assert not presenting.exception, presenting.exception
    assert presenting.title[0].value == "Look inside"
    assert presenting.segmented_control(key="view").options == list(VIEWS)  # every view one click away
    assert set(chart_fonts(standard)) == {16} and set(chart_fonts(presenting)) == {20}  # smallest chart text: 12 px, then 16 px
    assert explanations(standard) and not explanations(presenting)


def test_presenter_mode_shows_the_report_in_a_sentence_and_asks_for_a_digit_only_where_a_view_uses_one(runs, no_mnist):
    app = open_inside(present=True)
    assert not app.metric and not app.selectbox  # the three numbers in one sentence, which leaves the charts in view
    sentence = f"It reads {SHIPPED_REPORT.test_accuracy:.2%} of the 10,000 test digits correctly and misreads {len(SHIPPED_REPORT.misread)}"
    assert sentence in texts(app).replace("**", "")
    asks = {}
    for view in VIEWS:
        app.segmented_control(key="view").set_value(view).run()
        asks[view] = any(box.key == "inside_digit" for box in app.selectbox)
    assert asks == {view: view not in ("Model report", "Compare") for view in VIEWS}
    app.segmented_control(key="compare_mode").set_value("Two models, one digit").run()  # compares one digit: asks for it
    assert any(box.key == "inside_digit" for box in app.selectbox)


def test_in_presenter_mode_the_digit_examined_is_kept_while_the_report_hides_its_box(runs, no_mnist):
    app = open_inside("How early", present=True)
    other = app.selectbox(key="inside_digit").options[3]
    app.selectbox(key="inside_digit").set_value(other).run()
    app.segmented_control(key="view").set_value("Model report").run()
    app.segmented_control(key="view").set_value("Row importance").run()
    assert app.selectbox(key="inside_digit").value == other


def examined_index(app: AppTest) -> int:
    """The gallery digit examined when nothing was read on the Read page: "Test digit #3: 0" is number 3."""
    return int(app.selectbox(key="inside_digit").value.split("#")[1].split(":")[0])


def unpacked(array) -> np.ndarray:
    """A figure's array as the page sends it (packed bytes, or a list) as numpy."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), array["dtype"])
    return np.asarray(array, np.float64)


@pytest.mark.parametrize("present", [False, True], ids=["standard", "presenter"])
def test_units_are_numbered_from_0_everywhere_as_keras_numbers_them(runs, no_mnist, present):
    """The box, the suggestions, the chart's title and text alternative, the heading over the digits that drive it:
    all say the same unit, counted from 0 as Keras indexes the LSTM's units (and as the Read page's state map counts),
    and the chart draws that unit's h (tests/test_xray.py holds the reading's units to Keras's own outputs)."""
    app = open_inside("Units", present=present)
    units = SHIPPED_REPORT.unit_mean.shape[-1]
    assert app.number_input(key="inside_unit").label == f"Unit (0 to {units - 1})"
    suggestions = [button for button in app.button if button.key.startswith("unit-")]
    assert suggestions and all(button.label == f"unit {button.key.removeprefix('unit-')}" for button in suggestions)
    unit = int(suggestions[-1].key.removeprefix("unit-"))
    suggestions[-1].click().run()
    assert app.number_input(key="inside_unit").value == unit

    chart = app.get("plotly_chart")[0]
    spec = json.loads(chart.proto.spec)
    top = SHIPPED_REPORT.unit_mean.shape[0] - 1
    assert spec["layout"]["title"]["text"].startswith(f"Layer {top + 1}, unit {unit}:")
    assert f"unit {unit} in layer {top + 1}" in chart.proto.alt
    assert f"The test digits that drive unit {unit} highest" in texts(app)
    means = [trace for trace in spec["data"] if trace.get("hovertemplate", "").startswith("0s after row")]
    assert np.allclose(unpacked(means[0]["y"]), SHIPPED_REPORT.unit_mean[top, 0, :, unit], atol=1e-6)
    examined = next(s for s in load_samples().values() if s.index == examined_index(app))
    amber = next(trace for trace in spec["data"] if trace.get("legendgroup") == "current")
    assert np.allclose(unpacked(amber["y"]), read_digit(load_model().weights, examined.image).hidden[top][:, unit], atol=1e-5)


def test_units_opens_on_a_unit_that_lights_up_for_the_digit_and_keeps_a_typed_one(runs, no_mnist):
    """Unit 0 means nothing for most models: the view opens on the first unit suggested for the examined digit's
    answer, follows the suggestions while none is chosen, and keeps a unit once one is typed."""
    from model.insight import selective_units

    app = open_inside("Units")
    top = SHIPPED_REPORT.unit_mean.shape[0] - 1
    answer = int(app.segmented_control(key="inside_hunt").value)
    first = int(selective_units(SHIPPED_REPORT.unit_mean[top], answer)[0])
    assert first != 0  # else this test could not tell the suggestion from the old unit 0
    assert app.number_input(key="inside_unit").value == first
    assert f"The test digits that drive unit {first} highest" in texts(app)
    other = (answer + 1) % 10
    app.segmented_control(key="inside_hunt").set_value(str(other)).run()
    suggested = int(selective_units(SHIPPED_REPORT.unit_mean[top], other)[0])
    assert app.number_input(key="inside_unit").value == suggested  # nothing chosen yet: it follows the suggestions
    typed = 3.0 if suggested != 3 else 4.0
    app.number_input(key="inside_unit").set_value(typed).run()
    app.segmented_control(key="inside_hunt").set_value(str(answer)).run()
    assert not app.exception, app.exception
    assert app.number_input(key="inside_unit").value == typed  # a typed unit is kept
    assert f"The test digits that drive unit {int(typed)} highest" in texts(app)


@pytest.fixture
def blank_four_run(runs):
    """A run whose model answers 4 on blank rows (the shipped one, its classifier's bias for 4 raised), with a report
    built from the 500 real test digits the shipped report keeps."""
    from model.report import build_report, save_report
    from tests.random_models import blank_guesser_file, shipped_map_digits

    run_id = "20260101-120000-morvan"
    folder = finished_run(runs, run_id, DEFAULT_MODEL_PATH.read_bytes())
    blank_guesser_file(DEFAULT_MODEL_PATH, folder / "model.keras", digit=4)
    weights = load_model(folder / "model.keras").weights
    save_report(build_report(weights, *shipped_map_digits()), report_path(folder / "model.keras"))
    return run_id, weights


def test_how_early_with_a_model_that_answers_4_on_blank_rows_says_it_is_guessing(blank_four_run, no_mnist):
    from model.insight import first_ink_rows

    run_id, weights = blank_four_run
    app = open_inside("How early", model_id=run_id)
    assert not app.exception, app.exception
    shown = texts(app).replace("**", "")
    assert "blank rows above your digit it answers 4, at most" in shown and "not counted as knowing" in shown
    assert INSIDE["early"][:60] in shown  # the one sentence that says what "known" means
    examined = next(s for s in load_samples().values() if s.index == examined_index(app))
    settled = int(re.search(r"settled on that answer after row (\d+)", shown).group(1))
    assert settled >= first_ink_rows(examined.image) + 1  # not "row 1": its blank rows do not count
    assert read_digit(weights, examined.image).step_probs[: first_ink_rows(examined.image)].argmax(axis=1).tolist().count(4) > 0


def test_the_map_with_a_model_that_answers_4_on_blank_rows_says_how_far_its_digits_overlap(blank_four_run, no_mnist):
    run_id, _ = blank_four_run
    app = open_inside("Hidden-state map", model_id=run_id)
    assert not app.exception, app.exception
    shown = texts(app)
    assert re.search(r"The digits (end in groups of their own|mostly end in groups of their own|overlap a lot) on this map: \d+% of", shown)
    assert "squeezes them into 2" in shown  # what the map cannot show
    (closed,) = [box for box in app.expander if box.label == "How is this made?"]
    assert not closed.proto.expanded and "PCA" in texts(closed)
    outside = shown.replace(texts(closed), "")
    assert "PCA" not in outside and "variation" not in outside  # the technical words only in the closed box
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    typical = [trace for trace in spec["data"] if trace.get("legendgroup", "").isdigit() and trace["line"]["width"] > 1]
    assert len(typical) == 10
    app.toggle(key="map_every_path").set_value(True).run()
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert {trace["opacity"] for trace in spec["data"] if trace.get("showlegend") is False} == {0.35}


def cell_run(runs, run_id: str, cell: str) -> str:
    """A finished run whose model is a small `cell` reader with random weights, its settings naming its cell."""
    from model.config import ModelConfig
    from model.network import build_model
    from model.storage import save_model
    from tests.random_models import randomised

    config = ModelConfig(projection_units=None, layers=1, units=16, cell=cell)
    made = runs / f"{run_id}.keras"
    save_model(randomised(build_model(config), seed=len(run_id) + len(cell)), made)
    folder = finished_run(runs, run_id, made.read_bytes())
    made.unlink()
    metadata = json.loads((folder / "model.json").read_text())
    (folder / "model.json").write_text(json.dumps({**metadata, "config": {"model": config.to_dict()}}))
    return run_id


@pytest.fixture
def gru_and_rnn_runs(runs):
    return cell_run(runs, "20260101-120000-morvan", "gru"), cell_run(runs, "20260102-120000-morvan", "rnn")


def test_compare_sets_any_two_models_side_by_side_whatever_their_cells(gru_and_rnn_runs, no_mnist):
    gru, rnn = gru_and_rnn_runs
    app = open_inside("Compare")
    app.segmented_control(key="compare_mode").set_value("Two models, one digit").run()
    for side, run_id in (("A", rnn), ("B", gru)):
        app.selectbox(key=f"compare_model_{side}").set_value(run_id).run()
    assert not app.exception, app.exception
    assert not app.error
    picker = app.selectbox(key="compare_model_A")
    assert "plain RNN" in picker.format_func(rnn) and "GRU" in picker.format_func(gru)
    assert len([m for m in app.metric if m.label.endswith("reads")]) == 2
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert any(trace.get("line", {}).get("dash") == "dot" for trace in spec["data"])  # reading B's lines
    app.selectbox(key="compare_model_A").set_value("shipped").run()  # an LSTM beside the plain RNN
    app.selectbox(key="compare_model_B").set_value(rnn).run()
    assert not app.exception and len([m for m in app.metric if m.label.endswith("reads")]) == 2


def test_compare_shows_why_an_lstm_with_what_was_measured(runs, no_mnist):
    from views.parts.contrast import CELLS_FILE, held_sentence, read_measurements

    measured, _ = read_measurements(CELLS_FILE)
    app = open_inside("Compare")
    assert "Why an LSTM?" in [h.value for h in app.header]
    assert held_sentence(measured["held"]) in texts(app)
    spec = json.loads(app.get("plotly_chart")[-1].proto.spec)
    assert {trace.get("legendgroup") for trace in spec["data"]} >= {"lstm", "gru", "rnn"}
    for shown in ("Early answers", "Each row's weight"):
        app.segmented_control(key="why_lstm").set_value(shown).run()
        assert not app.exception, app.exception
        assert "Read to the end, they get this many right" in texts(app)
    app.segmented_control(key="why_lstm").set_value("While they learned").run()
    assert not app.exception and re.search(r"after the first epoch the .+ was ahead; at the end, the .+\.", texts(app))


@pytest.mark.parametrize("content", ["{not json", '{"format": 1, "held": {"blank_rows": [0], "cells": {"lstm": [7]}}}'])
def test_a_damaged_measurements_file_is_refused_in_words_not_a_traceback(runs, no_mnist, tmp_path, monkeypatch, content):
    from views.parts import contrast

    bad = tmp_path / "cells.json"
    bad.write_text(content)
    monkeypatch.setattr(contrast, "CELLS_FILE", bad)
    app = open_inside("Compare")
    assert not app.exception, app.exception
    (warning,) = app.warning
    assert "cannot be shown" in warning.value and "cells.json is damaged" in warning.value and str(tmp_path) not in warning.value


def chart_labels(app: AppTest) -> list[str]:
    """The names written at the lines' ends in the view's first chart."""
    spec = json.loads(app.get("plotly_chart")[0].proto.spec)
    return [trace["text"][0] for trace in spec["data"] if trace.get("mode") == "text"]


def test_how_early_overlays_a_second_model_of_another_cell(gru_and_rnn_runs, runs, no_mnist):
    from model.report import build_report, save_report
    from tests.random_models import shipped_map_digits

    gru, rnn = gru_and_rnn_runs
    app = open_inside("How early")
    assert app.selectbox(key="early_second").value == ""  # none at first: the view as it was
    assert not any("B:" in label for label in chart_labels(app))
    app.selectbox(key="early_second").set_value(rnn).run()
    assert not app.exception, app.exception
    shown = texts(app).replace("**", "")
    assert "Dotted: B" in shown and "It has no report yet" in shown
    labels = chart_labels(app)
    assert "<b>B:<br>this</b>" in labels and "<b>B:<br>all</b>" not in labels  # its reading of the digit only

    model = runs / gru / "model.keras"
    save_report(build_report(load_model(model).weights, *shipped_map_digits()), report_path(model))
    app.selectbox(key="early_second").set_value(gru).run()
    assert not app.exception and "It has no report yet" not in texts(app)
    assert {"<b>B:<br>this</b>", "<b>B:<br>all</b>"} <= set(chart_labels(app))


@pytest.mark.parametrize("language", ["zh", "ja"])
def test_compare_and_how_early_with_two_cells_in_chinese_and_japanese(gru_and_rnn_runs, no_mnist, language):
    import i18n

    gru, _ = gru_and_rnn_runs
    i18n.use(language)  # the test's thread formats the choices as the browser shows them
    app = AppTest.from_file("../app.py", default_timeout=180)
    app.query_params["lang"] = language
    app.run()
    app.switch_page(INSIDE_PAGE).run()
    app.segmented_control(key="view").set_value("Compare").run()
    assert {"zh": "为什么用 LSTM？", "ja": "なぜ LSTM なのか？"}[language] in [h.value for h in app.header]
    app.segmented_control(key="view").set_value("How early").run()
    app.selectbox(key="early_second").set_value(gru).run()
    assert not app.exception, app.exception
    assert {"zh": "点线", "ja": "点線"}[language] in texts(app)
