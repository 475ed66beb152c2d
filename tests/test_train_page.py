"""The Train page with AppTest: the form's checks, the password, the model list, and choosing a model to read with."""

import errno
import json
import re
import shutil
import time

import pytest

import i18n

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from harness.waiting import wait_until  # noqa: E402
from model.storage import DEFAULT_MODEL_PATH  # noqa: E402
from tests.app_pages import TRICKY, assert_shown_as_text, rendered, texts, tricky_labels  # noqa: E402
from tests.training_runs import finished_run, made_run  # noqa: E402
from training.presets import PRESETS  # noqa: E402
from training.registry import ModelRegistry, RegistryError  # noqa: E402
from training.run_folder import CANCELLED, DONE, FAILED, RUNNING, readable_time, write_config, write_status  # noqa: E402
from training.runs import RunError, RunManager  # noqa: E402
from views import words  # noqa: E402
from views.parts import access  # noqa: E402
from views.parts.access import ENV_VARIABLE, PasswordSetting, WrongGuesses, password_setting  # noqa: E402

TRAIN_PAGE = "views/pages/train.py"
PROBE_TIMEOUT_S = 600  # a probe imports Keras in another process: slow on a busy machine, never wrong


@pytest.fixture
def runs(tmp_path, monkeypatch):
    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    return tmp_path


def open_train_page(**query) -> AppTest:
    app = AppTest.from_file("../app.py", default_timeout=90)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run().switch_page(TRAIN_PAGE).run()


def test_the_page_shows_the_device_the_form_and_the_shipped_model(runs):
    app = open_train_page()
    assert not app.exception
    assert app.title[0].value == "Train"
    assert "Training runs on:** CPU" in texts(app)
    assert app.button(key="start") and not app.button(key="start").disabled
    assert "Shipped LSTM" in texts(app) and "99.63% test accuracy" in texts(app)  # model/weights/default.json
    assert not [b for b in app.button if b.key == f"delete-{'shipped'}"]  # the shipped model cannot be deleted


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("train_epochs", "-3", "epochs must be a whole number from 1 to 1,000"),
        ("train_epochs", "99999999999999999999", "epochs must be a whole number from 1 to 1,000; got 99999999999999999999"),
        ("train_epochs", "1e3", "epochs must be a whole number from 1 to 1,000, such as 20; got '1e3'"),
        ("train_epochs", "2.5", "epochs must be a whole number from 1 to 1,000, such as 20; got '2.5'"),
        ("train_units", "1e30", "units must be a whole number from 1 to 1,024, such as 20; got '1e30'"),
        ("train_layers", "10000", "recurrent layers must be a whole number from 1 to 3; got 10000"),
        ("train_batch", "0", "batch size must be a whole number from 1 to 8,192; got 0"),
        ("train_limit", "nan", "the number of digits used must be a whole number of at least 20"),
        ("train_lr", "fast", "the learning rate must be a number above 0 and at most 1"),
        ("train_lr", "inf", "the learning rate must be a number above 0 and at most 1"),
    ],
)
def test_bad_settings_get_the_command_lines_message_and_start_nothing(runs, field, value, message):
    """Typed as text and parsed as the command line parses it: nothing rounded, clipped or replaced by the recipe's."""
    app = open_train_page()
    app.text_input(key=field).set_value(value)
    app.button(key="start").click().run()
    assert not app.exception
    assert f"Please check the settings: {message}" in texts(app), texts(app)
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
    app.switch_page("views/pages/read.py").run()
    assert not app.exception and app.title[0].value == "Row Reader"


def test_choosing_a_model_makes_it_read_in_this_session(runs, tmp_path):
    run_id = "20260101-120000-morvan"
    finished_run(runs, run_id, DEFAULT_MODEL_PATH.read_bytes(), accuracy=0.9123)
    app = open_train_page()
    assert "91.23% test accuracy" in texts(app)
    app.button(key=f"use-{run_id}").click().run()
    assert app.session_state["model_id"] == run_id
    assert "reading in this browser" in texts(app)
    app.switch_page("views/pages/read.py").run()
    app.query_params["sample"] = "0"
    app.run()
    assert any("Reading with morvan" in caption.value for caption in app.caption)
    app.switch_page(TRAIN_PAGE).run()
    app.button(key=f"delete-{run_id}").click().run()
    assert not (runs / run_id).exists() and "model_id" not in app.session_state
    shutil.rmtree(runs, ignore_errors=True)


# --- a password that is configured but cannot be read locks everything (issue 14, item 3) ----------------------------


@pytest.fixture
def secrets_file(tmp_path):
    """The one secrets.toml Streamlit reads (config secrets.files), in tmp_path; empty until a test writes it."""
    import streamlit as st
    from streamlit import config

    path = tmp_path / "secrets.toml"
    before = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(path)])
    st.secrets._reset()  # Streamlit keeps what it parsed
    yield path
    config.set_option("secrets.files", before)
    st.secrets._reset()


LOCKED = 'put it in quotes, like training_password = "...". Until then training is locked.'


@pytest.mark.parametrize(
    ("secrets", "reason"),
    [
        ("training_password = choose-one\n", "the file is not valid TOML (line 1)"),
        ('training_password = "good"\n[broken\n', "the file is not valid TOML (line 2)"),
        ("training_password = 0\n", "it is not text"),
        ('training_password = ""\n', "it is empty"),
        ('[training_password]\nvalue = "x"\n', "it is not text"),
        (b'training_password = "\xff"\n', "the file cannot be read"),
    ],
    ids=["no-quotes", "broken-section", "number", "empty", "table", "not-utf8"],
)
def test_a_password_that_cannot_be_read_locks_and_says_why(tmp_path, secrets, reason):
    path = tmp_path / "secrets.toml"
    path.write_bytes(secrets if isinstance(secrets, bytes) else secrets.encode())
    setting = password_setting([str(tmp_path / "absent.toml"), str(path)], environ={ENV_VARIABLE: "owl"})
    assert setting.password is None
    assert setting.problem == f"The training password in secrets.toml cannot be read: {reason}; {LOCKED}"
    assert str(tmp_path) not in setting.problem


def test_no_secrets_file_is_open_and_a_good_one_or_the_environment_sets_the_password(tmp_path):
    absent, other, good = tmp_path / "absent.toml", tmp_path / "other.toml", tmp_path / "good.toml"
    other.write_text('some_other_secret = "x"\n')
    good.write_text('training_password = "choose-one"\n')
    assert password_setting([str(absent)], environ={}) == PasswordSetting(None)  # a personal laptop: open
    assert password_setting([str(absent), str(other)], environ={ENV_VARIABLE: "owl"}) == PasswordSetting("owl")
    assert password_setting([str(other), str(good)], environ={ENV_VARIABLE: "owl"}) == PasswordSetting("choose-one")


def test_the_train_page_is_locked_and_tells_the_teacher_why(runs, secrets_file):
    secrets_file.write_text("training_password = choose-one\n")
    app = open_train_page()
    assert not app.exception
    assert f"The training password in secrets.toml cannot be read: the file is not valid TOML (line 1); {LOCKED}" in texts(app)
    assert app.button(key="start").disabled
    assert not [box for box in app.text_input if box.key == "typed_password"]  # no password can open it
    app.switch_page("views/pages/about.py").run()
    assert "cannot be read" in texts(app) and "No training password is set" not in texts(app)


# --- wrong passwords slow down (issue 14, item 4; the slow-down itself in tests/test_access.py) ----------------------


class Clock:
    """A clock that moves only when the test moves it."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def unlock(app: AppTest, typed: str) -> AppTest:
    app.text_input(key="typed_password").set_value(typed)
    return app.button[[b.label for b in app.button].index("Unlock")].click().run()


def test_the_unlock_form_says_how_long_to_wait_and_refuses_until_then(runs, monkeypatch):
    monkeypatch.setenv(ENV_VARIABLE, "owl")
    clock = Clock()
    monkeypatch.setattr(access, "GUESSES", WrongGuesses(clock), raising=False)
    app = open_train_page()
    for _ in range(3):
        unlock(app, "cat")
    assert "Too many wrong passwords: try again in 1 s." in texts(app)
    unlock(app, "owl")
    assert "Too many wrong passwords: try again in 1 s." in texts(app) and app.button(key="start").disabled
    clock.now += 1
    unlock(app, "owl")
    assert not app.exception and not app.button(key="start").disabled


# --- refusals are told, not lost in a rerun (issue 14, item 13); a running run is found wherever it is (item 12) ------


@pytest.fixture
def running(runs):
    """make(run_id): a run folder that is running: a live process whose command line names it, ended after the test."""
    import subprocess
    import sys

    processes = []

    def make(run_id: str):
        folder = runs / run_id
        process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()", str(folder)], stdin=subprocess.PIPE)
        processes.append(process)
        return made_run(runs, run_id, RUNNING, pid=process.pid)

    yield make
    for process in processes:
        process.stdin.close()
        process.wait()


def test_a_second_start_is_told_a_run_is_in_progress_and_shown_it(runs, running):
    app = open_train_page()
    running("20260101-120000-morvan")  # started from another browser after this page was drawn
    app.button(key="start").click().run()
    assert not app.exception
    assert "A training run is in progress (morvan · 1 Jan, 12:00)" in texts(app)
    assert app.button(key="cancel-20260101-120000-morvan")
    assert [p.name for p in runs.iterdir() if p.is_dir()] == ["20260101-120000-morvan"]
    app.run()
    assert "A training run is in progress" not in texts(app)  # told once


def test_a_refused_cancel_or_make_default_is_told(runs, running, monkeypatch):
    def refuse(*args):
        raise RunError("Run 20260101-120000-morvan is not running (it is failed).")

    def refuse_default(*args):
        raise RegistryError("There is no model '20260101-120000-qiita'.")

    running("20260101-120000-morvan")
    finished_run(runs, "20260101-110000-qiita", DEFAULT_MODEL_PATH.read_bytes())
    monkeypatch.setattr(RunManager, "cancel", refuse)
    monkeypatch.setattr(ModelRegistry, "set_default", refuse_default)
    app = open_train_page()
    app.button(key="cancel-20260101-120000-morvan").click().run()
    assert not app.exception and "is not running (it is failed)" in texts(app)
    app.button(key="default-20260101-110000-qiita").click().run()
    assert not app.exception and "There is no model" in texts(app)


def test_a_running_run_is_shown_when_a_newer_folder_has_finished(runs, running):
    running("20260101-120000-morvan")  # an older run, resumed
    finished_run(runs, "20260102-120000-qiita", DEFAULT_MODEL_PATH.read_bytes())
    app = open_train_page()
    assert not app.exception
    assert app.button(key="cancel-20260101-120000-morvan")
    assert "Running" in texts(app) and not [b for b in app.button if b.key == "start"]


# --- names and error texts from files are text, never Markdown (item 1); no server path on the page (item 18) -------


def test_run_and_model_names_device_names_and_error_texts_are_shown_as_text(runs, monkeypatch):
    tricky_labels(monkeypatch)
    device = {"kind": "GPU", "name": TRICKY}
    finished = finished_run(runs, "20260101-120000-morvan", DEFAULT_MODEL_PATH.read_bytes())
    (finished / "model.json").write_text(json.dumps({"test_accuracy": 0.9, "wall_time_s": 75, "device": device}))
    failed = made_run(runs, "20260101-110000-morvan", FAILED)
    write_status(failed, FAILED, pid=1, device=device, message=TRICKY)
    app = open_train_page()
    assert not app.exception
    assert_shown_as_text(app, 4)  # the model's name and device; the failed run's device and message
    app.button(key="use-20260101-120000-morvan").click().run()
    app.switch_page("views/pages/read.py").run()
    app.query_params["sample"] = "0"
    app.run()
    assert f"Reading with {TRICKY} (90.00% test accuracy)." in texts(app)
    assert_shown_as_text(app, 1)


def test_show_error_details_shows_no_traceback():
    import tomllib

    from training.run_folder import REPO_ROOT

    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_a_model_that_goes_missing_is_reported_without_a_server_path(runs):
    from training.registry import ModelEntry
    from views.parts.models_in_use import load_entry

    problem = load_entry(ModelEntry("20260101-120000-morvan", runs / "gone" / "model.keras", {}))
    assert problem == "The model file is missing: it was deleted or moved."


def test_the_form_opens_on_the_lesson_recipe_and_says_how_long_it_takes_here(runs):
    app = open_train_page()
    assert app.selectbox(key="train_preset").value == "lesson"
    estimate = r"About \d+ (s|min)[^.]* on this machine\*\*, from a short test of this model on this machine"
    # The probe runs beside the page, which says so meanwhile and shows the estimate once it is done.
    wait_until(lambda: re.search(estimate, texts(app.run())), PROBE_TIMEOUT_S, "the estimate from the probe")
    assert not app.exception


def test_the_estimate_comes_from_a_run_of_the_same_model_done_here(runs):
    records = [{"kind": "batch", "step": 10 * i, "loss": 0.1, "accuracy": 0.9, "samples_per_s": 2_750.0} for i in range(1, 40)]
    folder = made_run(runs, "20260101-120000-lesson", DONE, records=records)
    (folder / "config.json").write_text(json.dumps({"preset": "lesson", "config": PRESETS["lesson"].to_dict()}))
    write_status(folder, DONE, pid=1, started_at=time.time() - 70)  # 60 s of training, 10 s beside it
    app = open_train_page()
    assert "About 1 min 10 s on this machine**, from the run of" in texts(app), texts(app)  # 165,000 digits at 2,750 a second, and 10 s


def test_augment_follows_the_recipe_chosen(runs):
    app = open_train_page()
    for recipe in ("default", "qiita", "lesson", "default"):
        app.selectbox(key="train_preset").select(recipe).run()
        assert [box.value for box in app.checkbox] == [PRESETS[recipe].augment], recipe


def test_the_recipe_chosen_stays_while_the_form_is_gone(runs):
    app = open_train_page()
    app.selectbox(key="train_preset").select("qiita").run()
    app.switch_page("views/pages/read.py").run()  # the form's widgets are forgotten, as while a run is shown
    app.switch_page(TRAIN_PAGE).run()
    assert app.selectbox(key="train_preset").value == "qiita"


def test_a_run_too_small_to_learn_from_is_refused_before_it_starts(runs):
    app = open_train_page()
    app.text_input(key="train_limit").set_value("200").run()
    assert "200 digits are too few to learn from: use at least 1,000" in texts(app)  # said before Start
    app.button(key="start").click().run()
    assert "Please check the settings: 200 digits are too few to learn from" in texts(app)
    assert not any(runs.iterdir())
    app.text_input(key="train_limit").set_value("2000").run()
    app.text_input(key="train_batch").set_value("4096").run()
    assert "an epoch of 1,800 digits is shorter than one batch of 4,096" in texts(app)


def test_a_run_drawing_its_digits_before_the_first_batch_says_so(runs, running):
    """The shipped recipe draws 55,000 digits as on a canvas before its first batch: minutes with no batch to show."""
    folder = running("20260101-120000-default")
    start = {"kind": "start", "total_steps": 8600, "epochs": 20, "train_samples": 55000, "validation_samples": 5000,
             "device": {"kind": "CPU"}, "config": {"batch_size": 128, "drawn": 0.5}}  # fmt: skip
    (folder / "progress.jsonl").write_text(json.dumps({**start, "time": 1.0}) + "\n")
    (folder / "config.json").write_text(json.dumps({"preset": "default", "config": {"batch_size": 128, "drawn": 0.5}}))
    app = open_train_page()
    assert not app.exception
    bars = [bar.proto.text for bar in app.get("progress")]
    assert any("drawing the training digits as on a canvas" in text for text in bars), bars


# --- a lesson from the projector (issue 27): presenter mode, and runs with human names --------------------------------

CURVE_RECORDS = [{"kind": "batch", "step": 10 * i, "loss": 1 / i, "accuracy": 1 - 0.5 / i, "samples_per_s": 900.0} for i in range(1, 9)]


def curves_spec(app: AppTest) -> dict:
    (chart,) = app.get("plotly_chart")
    return json.loads(chart.proto.spec)


def test_presenter_mode_shows_the_run_big_and_leaves_out_the_explanations(runs):
    made_run(runs, "20260101-120000-lesson", DONE, records=CURVE_RECORDS)
    app = open_train_page(present="true")
    assert not app.exception and app.title[0].value == "Train"
    assert words.TRAIN_TAGLINE not in texts(app) and "The plain line:" not in texts(app)
    assert "Running" not in texts(app) and "Finished**: morvan · 1 Jan, 12:00" in texts(app)
    layout = curves_spec(app)["layout"]
    assert layout["font"]["size"] == 20 and layout["xaxis"]["tickfont"]["size"] == 18  # none under 14 px on a projector
    assert layout["height"] == 400  # taller, with the run's progress above it still on a 1280x720 screen
    assert "Leave a box empty" not in texts(app) and "Choose which one reads digits" not in texts(app)
    assert app.text_input(key="train_epochs") and app.button(key="start")
    app.toggle(key="present").set_value(False).run()
    assert words.TRAIN_TAGLINE in texts(app) and "The plain line:" in texts(app) and "Leave a box empty" in texts(app)
    assert curves_spec(app)["layout"]["font"]["size"] == 15 and curves_spec(app)["layout"]["height"] == 340


def test_a_name_typed_in_the_form_names_the_run_and_its_model(runs, monkeypatch):
    def launched(manager, folder, command):  # no process: the run is at once as a cancel before training leaves it
        write_status(folder, CANCELLED, pid=1, step=0, total_steps=10, message="Cancelled before training began")

    monkeypatch.setattr(RunManager, "_launch", launched)
    app = open_train_page()
    app.text_input(key="train_limit").set_value("2000")
    app.text_input(key="train_name").set_value("  Class 9B's model  ")
    app.button(key="start").click().run()
    assert not app.exception
    (folder,) = [path for path in runs.iterdir() if path.is_dir()]
    assert json.loads((folder / "config.json").read_text())["name"] == "Class 9B's model"
    started = RunManager(runs).run(folder.name).started_at
    assert f"Cancelled**: Class 9B's model · lesson · {readable_time(started)}" in texts(app), texts(app)
    assert not app.text_input(key="train_name").value  # the next run starts unnamed


@pytest.mark.parametrize("typed", ["   ", "\t\n", ""])
def test_a_name_of_only_spaces_is_no_name(runs, monkeypatch, typed):
    monkeypatch.setattr(RunManager, "_launch", lambda manager, folder, command: write_status(folder, CANCELLED, pid=1))
    app = open_train_page()
    app.text_input(key="train_name").set_value(typed)
    app.button(key="start").click().run()
    (folder,) = [path for path in runs.iterdir() if path.is_dir()]
    assert "name" not in json.loads((folder / "config.json").read_text())
    assert "Cancelled**: lesson · " in texts(app)


def test_the_name_box_takes_at_most_30_characters_and_a_longer_one_is_cut(runs, monkeypatch):
    monkeypatch.setattr(RunManager, "_launch", lambda manager, folder, command: write_status(folder, CANCELLED, pid=1))
    app = open_train_page()
    assert app.text_input(key="train_name").proto.max_chars == 30
    app.text_input(key="train_name").set_value("x" * 40)  # past the box's limit, as a forged message could
    app.button(key="start").click().run()
    (folder,) = [path for path in runs.iterdir() if path.is_dir()]
    assert json.loads((folder / "config.json").read_text())["name"] == "x" * 30


def test_a_run_name_is_shown_as_text_wherever_the_run_is_named(runs):
    tricky = "**9B** <b>x</b> [y](http://h)"  # 29 characters: a name the box takes
    finished = finished_run(runs, "20260101-120000-morvan", DEFAULT_MODEL_PATH.read_bytes())
    write_config(finished, "morvan", {}, name=tricky)
    app = open_train_page()
    assert not app.exception
    pages = rendered(app)
    assert not [page for page in pages if "<a " in page or "<b>" in page or "<strong>9B" in page], pages
    shown = "**9B** &lt;b&gt;x&lt;/b&gt; [y](http://h) · morvan · 1 Jan, 12:00"
    assert sum(page.count(shown) for page in pages) == 2, pages  # the latest run, and its model in the list
    app.button(key="use-20260101-120000-morvan").click().run()
    app.switch_page("views/pages/read.py").run()
    app.query_params["sample"] = "0"
    app.run()
    assert any(shown in page for page in rendered(app)) and not [page for page in rendered(app) if "<b>" in page]


def test_a_run_from_before_names_keeps_working(runs):
    finished_run(runs, "20260101-120000-morvan", DEFAULT_MODEL_PATH.read_bytes())  # config.json without "name"
    app = open_train_page()
    assert not app.exception
    assert "Finished**: morvan · 1 Jan, 12:00" in texts(app) and "**morvan · 1 Jan, 12:00**" in texts(app)


# --- a full or read-only disk is told in words, and leaves nothing behind (issue 28, item 6) -------------------------


@pytest.mark.parametrize(
    ("number", "after", "told"),
    [
        (errno.ENOSPC, 2, "There is no room left on this computer's disk, so the run could not start: free some space and press "
                          "Start again."),
        (errno.EROFS, 0, "The runs folder is on a disk that cannot be written to, so the run could not start: ask whoever looks after the "
                         "server to let it write there, then press Start again."),
    ],
    ids=["full disk, the run folder made and its settings not written", "read-only disk"],
)  # fmt: skip
def test_start_on_a_failing_disk_is_told_in_words_leaves_no_run_folder_and_keeps_the_settings(runs, monkeypatch, number, after, told):
    from harness.fuzz.disk_faults import faulty_disk, no_training_process
    from harness.fuzz.pages import unescaped

    monkeypatch.setattr("training.runs._start_process", no_training_process, raising=False)  # no training, should it get so far
    app = open_train_page()
    app.text_input(key="train_name").set_value("Class 9B")
    app.text_input(key="train_epochs").set_value("2")
    app.button(key="start").click()
    with faulty_disk(runs, number, after):
        app.run()
    assert not app.exception
    assert [unescaped(error.value) for error in app.error] == [told]
    assert "Errno" not in texts(app) and str(runs) not in texts(app)
    assert [path.name for path in runs.iterdir() if path.name != ".lock"] == []  # no half-made run folder
    assert app.text_input(key="train_name").value == "Class 9B" and app.text_input(key="train_epochs").value == "2"
    app.run()
    assert not app.error and "Failed" not in texts(app)  # told once; and no run listed


# --- the run's log shows the run's own lines, in words (issue 28, item 7) ---------------------------------------------

LIBRARY_NOISE = [
    "2026-12-07 13:37:10.123456: I external/local_xla/xla/tsl/cuda/cudart_stub.cc:31] Could not find cuda drivers on your "
    "machine, GPU will not be used.",
    "2026-12-07 13:37:12.500000: E external/local_xla/xla/stream_executor/cuda/cuda_driver.cc:152] failed call to cuInit: "
    "INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)",
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1765000000.000000   48213 cuda_executor.cc:1015] successful NUMA node read from SysFS had negative value (-1)",
    "Epoch 1/3",
    "47/47 - 5s - 100ms/step - accuracy: 0.5012 - loss: 1.2345",
    "Traceback (most recent call last):",
    '  File "/srv/row-reader/training/train.py", line 312, in _run_segment',
    "OSError: [Errno 28] No space left on device: '/srv/row-reader/runs/20260101-120000-morvan/.checkpoint.k3x9a0b_.tmp.keras'",
]  # fmt: skip
RUNS_OWN = [  # as training/__main__.py and training/train.py say them: printed into train.log, and kept in run.log
    "Training preset 'morvan' on CPU (2 threads) into /srv/row-reader/runs/20260101-120000-morvan",
    "Epoch 1 ended at step 47 of 141: 91.2% of the held-out digits read right",
    "no report for the Look inside page: [Errno 28] No space left on device: '/srv/row-reader/runs/20260101-120000-morvan/"
    ".model.report.zz00yy11.tmp.npz'",
]  # fmt: skip


def test_a_failed_runs_log_shows_only_its_own_lines_in_words_never_the_libraries_or_an_errno(runs):
    folder = made_run(runs, "20260101-120000-morvan", FAILED)
    message = "There is no room left on this computer's disk, so the run stopped: free some space and resume it from its last checkpoint."
    write_status(folder, FAILED, pid=1, step=47, total_steps=141, message=message)
    (folder / "train.log").write_text("\n".join(LIBRARY_NOISE[:6] + RUNS_OWN + LIBRARY_NOISE[6:]) + "\n")
    (folder / "run.log").write_text("\n".join(RUNS_OWN) + "\n")
    app = open_train_page()
    assert not app.exception
    (log,) = [element.value for element in app.code]
    assert app.code[0].proto.wrap_lines  # whole lines on a phone: no box to scroll sideways (axe: scrollable-region-focusable)
    assert log.splitlines() == [
        "Training preset 'morvan' on CPU (2 threads) into 20260101-120000-morvan",
        "Epoch 1 ended at step 47 of 141: 91.2% of the held-out digits read right",
        "no report for the Look inside page: there is no room left on this computer's disk",
    ]
    for internal in ("cudart_stub", "cuInit", "absl", "48213", "Epoch 1/3", "Errno", "No space left on device", "/srv", "OSError"):
        assert internal not in log and internal not in texts(app), internal
    from harness.fuzz import problems_in

    assert problems_in(log) == [] and problems_in(texts(app)) == []


# --- three cells, one reader (issue 31): the form chooses the cell for any recipe, and the lists name it ---------------


def started_folder(app: AppTest, runs) -> tuple:
    """Start pressed in `app`; the run's folder and the settings its config.json holds."""
    app.button(key="start").click().run()
    assert not app.exception
    (folder,) = [path for path in runs.iterdir() if path.is_dir()]
    return folder, json.loads((folder / "config.json").read_text())


@pytest.fixture
def no_process(monkeypatch):
    """Start writes the run's folder and launches nothing: the run is at once as a cancel before training leaves it."""
    monkeypatch.setattr(RunManager, "_launch", lambda manager, folder, command: write_status(folder, CANCELLED, pid=1))


def test_every_recipe_is_said_in_words_and_starts_at_its_own_cell(runs):
    app = open_train_page()
    assert not app.exception
    options = app.selectbox(key="train_preset").options
    assert "gru: the shipped model's size with a GRU (2 x 128 units, 12 epochs," in " ".join(options), options
    assert any(option.startswith("rnn: the shipped model's size with a plain RNN, no gates") for option in options), options
    for recipe, cell in (("lesson", "lstm"), ("gru", "gru"), ("rnn", "rnn"), ("default", "lstm")):
        app.selectbox(key="train_preset").select(recipe).run()
        choice = app.radio(key=f"train_cell-{recipe}")
        assert choice.value == cell and choice.options == ["LSTM: a memory c, kept by four gates",
                                                           "GRU: two gates, no separate memory", "Plain RNN: no gates at all"]  # fmt: skip


@pytest.mark.parametrize(("cell", "shown"), [("lstm", None), ("gru", "GRU"), ("rnn", "plain RNN")])
def test_the_cell_chosen_is_the_runs_and_its_label_says_so(runs, no_process, cell, shown):
    app = open_train_page()
    app.text_input(key="train_limit").set_value("2000")
    app.radio(key="train_cell-lesson").set_value(cell).run()
    folder, saved = started_folder(app, runs)
    assert saved["preset"] == "lesson" and saved["config"]["model"]["cell"] == cell
    assert saved["config"]["model"]["units"] == 128 and saved["config"]["epochs"] == 3  # the rest is the lesson's
    started = RunManager(runs).run(folder.name).started_at
    label = " · ".join(part for part in (shown, "lesson", readable_time(started)) if part)
    assert f"Cancelled**: {label}" in texts(app), texts(app)


def test_a_cell_recipe_can_train_an_lstm_and_the_label_says_so(runs, no_process):
    app = open_train_page()
    app.selectbox(key="train_preset").select("rnn").run()
    app.text_input(key="train_limit").set_value("2000")
    _folder, saved = started_folder(app, runs)
    assert saved["config"]["model"]["cell"] == "rnn" and saved["config"]["learning_rate"] == 1e-3  # the recipe as it is
    assert "Cancelled**: rnn · " in texts(app) and "plain RNN · rnn" not in texts(app)
    shutil.rmtree(_folder)
    app.radio(key="train_cell-rnn").set_value("lstm").run()
    _folder, saved = started_folder(app, runs)
    assert saved["config"]["model"]["cell"] == "lstm" and saved["config"]["learning_rate"] == 1e-3
    assert "Cancelled**: LSTM · rnn · " in texts(app), texts(app)


def test_a_forged_cell_is_refused_before_anything_starts():
    from views.parts.run_form import chosen_run

    with pytest.raises(ValueError, match="choose a cell from the list"):
        chosen_run({"train_preset": "lesson", "train_cell-lesson": "transformer"})  # as a forged message could send
    assert chosen_run({"train_preset": "lesson", "train_cell-lesson": "gru"})[1] == {"cell": "gru"}
    assert chosen_run({"train_preset": "gru", "train_cell-gru": "gru"})[1] == {}  # the recipe's own cell changes nothing


def test_a_models_cell_is_in_its_name_in_the_model_list(runs):
    folder = finished_run(runs, "20260101-120000-lesson", DEFAULT_MODEL_PATH.read_bytes())
    write_config(folder, "lesson", {})
    metadata = json.loads((folder / "model.json").read_text())
    (folder / "model.json").write_text(json.dumps({**metadata, "config": {"model": {"cell": "gru"}}}))
    app = open_train_page()
    assert not app.exception
    assert "**GRU · lesson · 1 Jan, 12:00**" in texts(app), texts(app)


@pytest.mark.parametrize(
    ("language", "recipe", "choices", "label"),
    [
        ("zh", "gru: 自带模型的大小，换成 GRU", ["LSTM：有一个记忆 c，由四个门看守", "GRU：两个门，没有单独的记忆",
                                                "普通 RNN：一个门也没有"], "普通 RNN · lesson · "),
        ("ja", "gru: 付属モデルと同じ大きさの GRU", ["LSTM：記憶 c を持ち、4 つのゲートで守る", "GRU：ゲートは 2 つ、別の記憶はない",
                                                  "単純な RNN：ゲートがまったくない"], "単純な RNN · lesson · "),
    ],
)  # fmt: skip
def test_the_cells_are_said_in_chinese_and_japanese(runs, no_process, language, recipe, choices, label):
    app = open_train_page(lang=language)
    i18n.use(language)  # AppTest formats the options it sends back in the test's language (English again after: conftest)
    assert any(option.startswith(recipe) for option in app.selectbox(key="train_preset").options)
    assert app.radio(key="train_cell-lesson").options == choices
    app.text_input(key="train_limit").set_value("2000")
    app.radio(key="train_cell-lesson").set_value("rnn").run()
    _folder, saved = started_folder(app, runs)
    assert saved["config"]["model"]["cell"] == "rnn" and label in texts(app), texts(app)
