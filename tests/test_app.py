"""Page logic with Streamlit's AppTest: inputs, shared links, presenter mode, bad input."""

import io

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from harness.drawn_digits import draw_seven  # noqa: E402
from model.samples import load_samples  # noqa: E402
from tests.app_pages import prediction, texts  # noqa: E402

SAMPLES = load_samples()
MISREAD = next(s for s in SAMPLES.values() if s.misread)
CORRECT = next(s for s in SAMPLES.values() if not s.misread and s.label == 3)


def open_app(**query) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=90)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def png_bytes(array) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def test_an_empty_canvas_invites_drawing_and_guesses_nothing():
    app = open_app()
    assert not app.exception
    assert app.title[0].value == "Row Reader"
    assert app.segmented_control(key="source").value == "Draw"
    assert any("Draw one digit" in info.value for info in app.info)
    assert prediction(app) is None
    assert app.button(key="clear")  # the clear button is there from the start


def test_a_shared_link_opens_that_sample_and_shows_the_truth_beside_the_prediction():
    app = open_app(sample=str(MISREAD.index))
    assert not app.exception
    assert app.segmented_control(key="source").value == "Samples"
    assert app.selectbox(key="sample").value == MISREAD.index
    assert prediction(app) == str(MISREAD.predicted)
    assert f"true digit {MISREAD.label}" in texts(app)


@pytest.mark.parametrize("present", [False, True], ids=["plain", "presenter"])
def test_the_answers_note_is_short_enough_to_be_read_whole(present):
    """A metric's note is cut short where it runs past one line ("100% sure · true d..." at a projector's type in
    presenter mode): it says how sure, and the true digit has a line of its own."""
    query = {"sample": str(MISREAD.index)} | ({"present": "true"} if present else {})
    app = open_app(**query)
    note = next(m for m in app.metric if m.label == "Prediction").delta
    assert note.endswith("% sure") and len(note) <= len("100% sure"), note
    assert f"true digit {MISREAD.label}" in texts(app).splitlines()


def test_choosing_another_sample_reads_it_and_updates_the_link():
    app = open_app(sample=str(MISREAD.index))
    app.selectbox(key="sample").set_value(CORRECT.index).run()
    assert prediction(app) == str(CORRECT.label)
    assert app.query_params["sample"] == str(CORRECT.index)


def test_a_gallery_button_loads_its_digit():
    app = open_app(sample=str(MISREAD.index))
    app.pills(key="gallery").set_value(str(CORRECT.label)).run()
    app.button(key=f"read-{CORRECT.index}").click().run()
    assert app.selectbox(key="sample").value == CORRECT.index
    assert prediction(app) == str(CORRECT.label)


@pytest.mark.parametrize(
    "wanted",
    ["99999", "²", "9" * 5000, "[click me](http://example.invalid/phish) ![t](http://example.invalid/track.png)"],
    ids=["absent", "superscript-two", "5000-digits", "markdown"],
)
def test_a_link_to_a_sample_not_in_the_gallery_says_so_and_falls_back(wanted):
    app = open_app(sample=wanted)
    assert not app.exception
    warnings = [warning.value for warning in app.warning]
    assert any("not in the gallery" in warning for warning in warnings)
    assert not any("http" in warning or "](" in warning for warning in warnings)  # what the link holds is never shown
    assert app.segmented_control(key="source").value == "Samples"  # the gallery, not an empty canvas
    first = app.selectbox(key="sample").value
    assert prediction(app) is not None
    app.run()  # a rerun (the page measuring its width) keeps saying why this sample is shown
    assert any("not in the gallery" in warning.value for warning in app.warning)
    app.selectbox(key="sample").set_value(CORRECT.index if first != CORRECT.index else MISREAD.index).run()
    assert not any("not in the gallery" in warning.value for warning in app.warning)  # another one chosen: said no more


def test_presenter_mode_by_link_hides_controls_and_captions_but_keeps_what_am_i_looking_at():
    app = open_app(present="true", sample=str(CORRECT.index))
    assert not app.exception
    assert app.toggle(key="present").value is True
    assert prediction(app) == str(CORRECT.label)
    assert [e.label for e in app.expander] == ["What am I looking at?"]  # kept, closed, for the teacher to open
    assert not app.caption  # the explanations under the reading are the teacher's to give
    assert not app.get("segmented_control") or all(c.key not in ("state", "layer") for c in app.segmented_control)
    assert all(pills.key != "gallery" for pills in app.get("pills"))  # nor the gallery


def test_presenter_mode_switched_in_the_page():
    app = open_app(sample=str(CORRECT.index))
    assert any(e.label == "What am I looking at?" for e in app.expander)
    app.toggle(key="present").set_value(True).run()
    assert not app.caption
    assert any(e.label == "What am I looking at?" for e in app.expander)
    app.toggle(key="present").set_value(False).run()
    assert any(e.label == "What am I looking at?" for e in app.expander)


def test_reading_controls_switch_the_state_shown_without_errors():
    app = open_app(sample=str(CORRECT.index))
    for choice in ("c (cell)", "gates"):
        app.segmented_control(key="state").set_value(choice).run()
        assert not app.exception
    app.segmented_control(key="gate").set_value("Input gate").run()
    app.segmented_control(key="layer").set_value("1").run()
    assert not app.exception
    assert prediction(app) == str(CORRECT.label)


def test_an_uploaded_drawing_is_read():
    app = open_app()
    app.segmented_control(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload("seven.png", png_bytes(draw_seven()), "image/png").run()
    assert not app.exception
    assert prediction(app) == "7"


@pytest.mark.parametrize(
    "width, step",
    [(2, "2. thin strokes thickened to MNIST's pen width"), (40, None), (70, "2. thick strokes thinned to MNIST's pen width")],
)
def test_how_a_picture_became_28x28_shows_strokes_brought_to_mnists_pen(width, step):
    app = open_app()
    app.segmented_control(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload("seven.png", png_bytes(draw_seven(width=width)), "image/png").run()
    captions = [img.caption for image in app.get("image") for img in image.proto.imgs]
    steps = [caption for caption in captions if caption[:2] in ("1.", "2.", "3.", "4.")]
    assert steps[0] == "1. cropped to the ink" and steps[-1].endswith("centred in 28 x 28")
    assert steps[1:-2] == ([step] if step else [])
    assert prediction(app) == "7"


def test_a_non_image_upload_gets_a_clear_error_and_no_guess():
    app = open_app()
    app.segmented_control(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload("notes.png", b"these are lecture notes, not a picture", "image/png").run()
    assert not app.exception
    assert any("could not be read as an image" in error.value for error in app.error)
    assert prediction(app) is None


def test_a_blank_upload_says_nothing_is_there():
    app = open_app()
    app.segmented_control(key="source").set_value("Upload").run()
    blank = draw_seven(width=0, ink=255)  # white paper, no ink
    app.file_uploader(key="upload").upload("blank.png", png_bytes(blank), "image/png").run()
    assert prediction(app) is None
    assert app.info


def test_the_gallery_says_what_the_model_in_use_reads(tmp_path, monkeypatch):
    """With another model reading, "read as" and the Misread group describe that model, not the shipped one."""
    import keras

    from model.config import ModelConfig
    from model.network import build_model
    from model.storage import load_model, save_model
    from model.xray import step_probabilities
    from tests.training_runs import finished_run

    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))
    keras.utils.set_random_seed(3)
    untrained = tmp_path / "untrained.keras"
    save_model(build_model(ModelConfig(projection_units=None, layers=1, units=8)), untrained)
    run_id = "20260101-120000-qiita"
    finished_run(tmp_path, run_id, untrained.read_bytes(), accuracy=0.1)
    answers = step_probabilities(load_model(untrained).weights, [s.image for s in SAMPLES.values()])[:, -1].argmax(axis=1)
    expected = dict(zip(SAMPLES, answers.tolist(), strict=True))

    app = AppTest.from_file("../app.py", default_timeout=90)
    app.query_params["sample"] = str(CORRECT.index)
    app.session_state["model_id"] = run_id
    app.run()
    assert not app.exception, app.exception
    assert prediction(app) == str(expected[CORRECT.index])
    app.pills(key="gallery").set_value("Misread").run()
    shown = {int(b.key.removeprefix("read-")) for b in app.button if b.key and b.key.startswith("read-")}
    assert shown == {index for index, sample in SAMPLES.items() if expected[index] != sample.label}


# --- The Reader switch (issue 31): the shipped LSTM, GRU and plain RNN, and a trained run this browser chose ----------


def answer_of(model_path, image) -> str:
    """What a model file reads an image as, by the x-ray itself."""
    from model.storage import load_model
    from model.xray import step_probabilities

    return str(int(step_probabilities(load_model(model_path).weights, image[None])[0, -1].argmax()))


def uploaded_seven(runs) -> AppTest:
    app = open_app()
    app.segmented_control(key="source").set_value("Upload").run()
    return app.file_uploader(key="upload").upload("seven.png", png_bytes(draw_seven()), "image/png").run()


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))
    return tmp_path


def test_the_reader_switch_reads_the_same_digit_again_with_each_shipped_reader(runs):
    from model.storage import SHIPPED_MODELS

    app = uploaded_seven(runs)
    digit = app.session_state["recent_digits"][0]
    switch = app.segmented_control(key="reader")
    assert switch.label == "Reader" and switch.value == "shipped" and switch.options == ["LSTM", "GRU", "Plain RNN"]
    notes = {"shipped-gru": "A GRU has two gates", "shipped-rnn": "A plain RNN has no gates", "shipped": "An LSTM has four gates"}
    for model_id, cell in (("shipped-gru", "gru"), ("shipped-rnn", "rnn"), ("shipped", "lstm")):
        app.segmented_control(key="reader").set_value(model_id).run()
        assert not app.exception, app.exception
        assert app.session_state["model_id"] == model_id and app.segmented_control(key="reader").value == model_id
        assert np.array_equal(app.session_state["recent_digits"][0].image, digit.image)  # the same digit, read again
        assert prediction(app) == answer_of(SHIPPED_MODELS[cell], digit.image)
        assert notes[model_id] in texts(app) and sum(note in texts(app) for note in notes.values()) == 1
    assert not (runs / "default.json").exists()  # this browser's reader, never the server's default


def test_the_reader_chosen_is_kept_from_page_to_page(runs):
    app = open_app(sample=str(CORRECT.index))
    app.segmented_control(key="reader").set_value("shipped-rnn").run()
    app.switch_page("views/pages/about.py").run()
    app.switch_page("views/pages/read.py").run()
    assert not app.exception, app.exception
    assert app.segmented_control(key="reader").value == "shipped-rnn" and app.session_state["model_id"] == "shipped-rnn"
    assert "A plain RNN has no gates: each row" in texts(app)
    assert "A plain RNN has no memory cell c. Its h is all it carries from row to row." in texts(app)  # What am I looking at?


def test_a_deleted_shipped_gru_leaves_the_switch_with_what_is_there(runs, monkeypatch):
    """A GRU chosen before its file went: the LSTM reads, with a warning, and the switch offers the LSTM and the RNN."""
    from model.storage import SHIPPED_MODELS

    app = open_app(sample=str(CORRECT.index))
    app.segmented_control(key="reader").set_value("shipped-gru").run()
    monkeypatch.setitem(SHIPPED_MODELS, "gru", runs / "gone" / "gru.keras")
    app.run()
    assert not app.exception, app.exception
    assert [w.value for w in app.warning] == ["The chosen model is no longer there, so the shipped LSTM reads instead."]
    switch = app.segmented_control(key="reader")
    assert switch.options == ["LSTM", "Plain RNN"] and switch.value == "shipped"
    assert prediction(app) == str(CORRECT.label)
    app.run()
    assert not app.warning  # said once: the choice is forgotten


def test_a_run_chosen_on_the_train_page_stays_offered_beside_the_shipped_readers(runs):
    from model.storage import DEFAULT_MODEL_PATH
    from tests.training_runs import finished_run

    run_id = "20260101-120000-qiita"
    finished_run(runs, run_id, DEFAULT_MODEL_PATH.read_bytes())
    app = open_app(sample=str(CORRECT.index)).switch_page("views/pages/train.py").run()
    app.button(key=f"use-{run_id}").click().run()
    app.switch_page("views/pages/read.py").run()
    assert not app.exception, app.exception
    switch = app.segmented_control(key="reader")
    assert switch.options == ["LSTM", "GRU", "Plain RNN", "Trained LSTM"] and switch.value == run_id
    assert any(c.value.startswith("Reading with morvan") for c in app.caption)
    switch.set_value("shipped-gru").run()
    assert app.segmented_control(key="reader").options[-1] == "Trained LSTM"  # still there to go back to
    app.segmented_control(key="reader").set_value(run_id).run()
    assert app.session_state["model_id"] == run_id and prediction(app) == str(CORRECT.label)


@pytest.mark.parametrize(("language", "names", "note"), [
    ("zh", ["LSTM", "GRU", "普通 RNN"], "普通 RNN 没有门"),
    ("ja", ["LSTM", "GRU", "単純な RNN"], "単純な RNN にはゲートがありません"),
])  # fmt: skip
def test_the_reader_switch_speaks_the_readers_language(runs, language, names, note):
    app = open_app(sample=str(CORRECT.index), lang=language)
    app.segmented_control(key="reader").set_value("shipped-rnn").run()
    switch = app.segmented_control(key="reader")
    assert switch.label == {"zh": "阅读者", "ja": "読み手"}[language] and switch.options == names
    assert note in texts(app)


def test_the_gallery_says_what_the_shipped_gru_reads(runs):
    """The gallery's stored answers are the shipped LSTM's: with the GRU reading, "Misread" is about the GRU."""
    from model.storage import SHIPPED_MODELS, load_model
    from model.xray import step_probabilities

    answers = step_probabilities(load_model(SHIPPED_MODELS["gru"]).weights, [s.image for s in SAMPLES.values()])[:, -1].argmax(axis=1)
    misread = {index for (index, sample), answer in zip(SAMPLES.items(), answers.tolist(), strict=True) if answer != sample.label}
    app = open_app(sample=str(CORRECT.index))
    app.segmented_control(key="reader").set_value("shipped-gru").run()
    app.pills(key="gallery").set_value("Misread").run()
    assert not app.exception, app.exception
    shown = {int(b.key.removeprefix("read-")) for b in app.button if b.key and b.key.startswith("read-")}
    assert shown == misread
