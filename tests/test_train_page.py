"""The Train page with AppTest: the form's checks, the password, the model list, and choosing a model to read with."""

import json
import shutil

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from model.storage import DEFAULT_MODEL_PATH  # noqa: E402
from tests.app_pages import texts  # noqa: E402
from tests.training_runs import finished_run  # noqa: E402
from views.access import ENV_VARIABLE  # noqa: E402

TRAIN_PAGE = "views/train_page.py"


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    return tmp_path


def open_train_page() -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=90).run()
    return app.switch_page(TRAIN_PAGE).run()


def test_the_page_shows_the_device_the_form_and_the_shipped_model(runs):
    app = open_train_page()
    assert not app.exception
    assert app.title[0].value == "Train"
    assert "Training runs on:** CPU" in texts(app)
    assert app.button(key="start") and not app.button(key="start").disabled
    assert "Shipped model" in texts(app) and "99.50% test accuracy" in texts(app)
    assert not [b for b in app.button if b.key == f"delete-{'shipped'}"]  # the shipped model cannot be deleted


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("train_epochs", -3, "epochs must be 1 to 1000"),
        ("train_layers", 10_000, "lstm_layers must be 1 to 3"),
        ("train_batch", 0, "batch size must be 1 to 8192"),
        ("train_lr", "fast", "learning rate must be a number"),
    ],
)
def test_bad_settings_get_a_clear_message_and_start_nothing(runs, field, value, message):
    app = open_train_page()
    widget = app.text_input(key=field) if field == "train_lr" else app.number_input(key=field)
    widget.set_value(value)
    app.button(key="start").click().run()
    assert not app.exception
    assert any(message in error.value for error in app.error), [e.value for e in app.error]
    assert not any(runs.iterdir())


def test_with_a_password_students_can_watch_but_not_start(runs, monkeypatch):
    monkeypatch.setenv(ENV_VARIABLE, "owl")
    app = open_train_page()
    assert app.button(key="start").disabled
    app.text_input(key="typed_password").set_value("cat")
    app.button[[b.label for b in app.button].index("Unlock")].click().run()
    assert any("not the training password" in error.value for error in app.error)
    assert app.button(key="start").disabled
    app.text_input(key="typed_password").set_value("owl")
    app.button[[b.label for b in app.button].index("Unlock")].click().run()
    assert not app.button(key="start").disabled


def test_a_damaged_model_is_reported_and_the_read_page_falls_back(runs):
    finished_run(runs, "20260101-120000-morvan", b"not a model at all")
    (runs / "default.json").write_text(json.dumps({"model": "20260101-120000-morvan"}))
    app = open_train_page()
    assert not app.exception
    assert "cannot be used" in texts(app) and "damaged" in texts(app)
    app.switch_page("views/read_page.py").run()
    assert not app.exception and app.title[0].value == "Row Reader"


def test_choosing_a_model_makes_it_read_in_this_session(runs, tmp_path):
    run_id = "20260101-120000-morvan"
    finished_run(runs, run_id, DEFAULT_MODEL_PATH.read_bytes(), accuracy=0.9123)
    app = open_train_page()
    assert "91.23% test accuracy" in texts(app)
    app.button(key=f"use-{run_id}").click().run()
    assert app.session_state["model_id"] == run_id
    assert "reading in this browser" in texts(app)
    app.switch_page("views/read_page.py").run()
    app.query_params["sample"] = "0"
    app.run()
    assert any("Reading with morvan" in caption.value for caption in app.caption)
    app.switch_page(TRAIN_PAGE).run()
    app.button(key=f"delete-{run_id}").click().run()
    assert not (runs / run_id).exists() and "model_id" not in app.session_state
    shutil.rmtree(runs, ignore_errors=True)
