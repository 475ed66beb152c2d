"""training/registry.py: a model is usable only if it reads as the app reads it, from files that are neither links nor damaged."""

import json
import time

import numpy as np
import pytest

import i18n
from model.storage import DEFAULT_MODEL_PATH, SHIPPED_MODELS
from tests.random_models import changed_model_file
from tests.training_runs import finished_run
from training import run_folder
from training.registry import SHIPPED, SHIPPED_CELLS, ModelRegistry, RegistryError

RUN_ID = "20260101-120000-morvan"


@pytest.fixture
def shipped_bytes() -> bytes:
    return DEFAULT_MODEL_PATH.read_bytes()


def assert_plain(problem: str, tmp_path) -> None:
    """A reason a teacher can read beside the model: no server path, no Python exception."""
    assert str(tmp_path) not in problem and "/" not in problem.split(":")[0], problem
    assert "Error" not in problem and "Traceback" not in problem and "<" not in problem, problem


def assert_unusable(registry: ModelRegistry, run_id: str, reason: str, tmp_path) -> None:
    entry = registry.model(run_id)
    assert entry is not None and entry.problem and reason in entry.problem, entry
    assert_plain(entry.problem, tmp_path)
    with pytest.raises(RegistryError, match="cannot be used"):
        registry.set_default(run_id)
    (tmp_path / "default.json").write_text(json.dumps({"model": run_id}))
    assert registry.default_model_id() == SHIPPED


def test_a_sound_run_model_is_usable(tmp_path, shipped_bytes):
    finished_run(tmp_path, RUN_ID, shipped_bytes)
    registry = ModelRegistry(tmp_path)
    entry = registry.model(RUN_ID)
    assert entry.problem is None and entry.metadata["test_accuracy"] == 0.91 and entry.label.startswith("morvan")
    registry.set_default(RUN_ID)
    assert registry.default_model_id() == RUN_ID


def _a_nan_in_a_kernel(h5) -> None:
    kernels = []
    h5.visititems(lambda name, item: kernels.append(item) if name.endswith("vars/0") else None)
    kernels[0][0, 0] = np.nan


def test_a_model_with_nan_weights_cannot_be_used(tmp_path, shipped_bytes):
    """Issue 14, item 15: listed with the reason, never the default, never loaded by the app."""
    folder = finished_run(tmp_path, RUN_ID, shipped_bytes)
    changed_model_file(DEFAULT_MODEL_PATH, folder / run_folder.MODEL_FILE, weights=_a_nan_in_a_kernel)
    assert_unusable(ModelRegistry(tmp_path), RUN_ID, "the model's weights contain NaN or infinite values", tmp_path)


@pytest.mark.parametrize(
    ("metadata", "wrong"),
    [
        ('{"test_accuracy": null}', "test_accuracy must be a number from 0 to 1"),
        ('{"test_accuracy": "high"}', "test_accuracy must be a number"),
        ('{"test_accuracy": NaN}', "test_accuracy must be a number"),
        ('{"test_accuracy": 7}', "test_accuracy must be a number from 0 to 1"),
        ('{"device": "GPU"}', "device must be a JSON object"),
        ('{"device": {"kind": "GPU", "name": ["a"]}}', "device.name must be text"),
        ('{"device": {"name": "GPU"}}', "device.kind is missing"),
        ('{"wall_time_s": "long"}', "wall_time_s must be a number"),
        ('{"wall_time_s": 1e999}', "wall_time_s must be a number"),
        ('{"wall_time_s": 1' + "0" * 5000 + "}", "it is not readable JSON"),
        ('[{"test_accuracy": 0.9}]', "it must be a JSON object"),
    ],
    ids=lambda value: value[:40],
)
def test_a_model_json_of_the_wrong_shape_makes_the_model_unusable(tmp_path, shipped_bytes, metadata, wrong):
    """Issue 14, item 8: the pages format test_accuracy, wall_time_s and device; each is of its type, or the model is not usable."""
    folder = finished_run(tmp_path, RUN_ID, shipped_bytes)
    (folder / run_folder.METADATA_FILE).write_text(metadata)
    assert_unusable(ModelRegistry(tmp_path), RUN_ID, f"its model.json is damaged: {wrong}", tmp_path)


def test_a_status_of_the_wrong_shape_makes_the_model_unusable(tmp_path, shipped_bytes):
    folder = finished_run(tmp_path, RUN_ID, shipped_bytes)
    (folder / run_folder.STATUS_FILE).write_text(json.dumps({"state": "done", "device": "GPU"}))
    assert_unusable(ModelRegistry(tmp_path), RUN_ID, "its status.json is damaged: device must be a JSON object", tmp_path)


@pytest.mark.parametrize(
    "text",
    ['{"model": {"a": 1}}', '{"model": ["x"]}', '{"model": "../../etc"}', '{"model": null}', "[]", '{"model": "' + RUN_ID + '"', ""],
)
def test_a_default_json_of_the_wrong_shape_gives_the_shipped_model(tmp_path, shipped_bytes, text):
    finished_run(tmp_path, RUN_ID, shipped_bytes)
    (tmp_path / "default.json").write_text(text)
    registry = ModelRegistry(tmp_path)
    assert registry.default_choice() == SHIPPED and registry.default_model_id() == SHIPPED


def test_a_model_file_reached_through_a_link_cannot_be_used(tmp_path, shipped_bytes):
    """Issue 14, item 6: a link in a run folder, to a sound model or to anything else, is never followed."""
    folder = finished_run(tmp_path, RUN_ID, shipped_bytes)
    (folder / run_folder.MODEL_FILE).unlink()
    (folder / run_folder.MODEL_FILE).symlink_to(DEFAULT_MODEL_PATH)
    assert_unusable(ModelRegistry(tmp_path), RUN_ID, "its model.keras is a link to another file", tmp_path)


def test_model_json_reached_through_a_link_cannot_be_used(tmp_path, shipped_bytes):
    folder = finished_run(tmp_path, RUN_ID, shipped_bytes)
    (folder / run_folder.METADATA_FILE).unlink()
    (folder / run_folder.METADATA_FILE).symlink_to(DEFAULT_MODEL_PATH.with_suffix(".json"))
    assert_unusable(ModelRegistry(tmp_path), RUN_ID, "its model.json is a link to another file", tmp_path)


def test_a_run_folder_that_is_a_link_is_not_listed_as_usable(tmp_path, shipped_bytes):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    finished_run(elsewhere, RUN_ID, shipped_bytes)
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / RUN_ID).symlink_to(elsewhere / RUN_ID, target_is_directory=True)
    registry = ModelRegistry(runs)
    assert registry.model(RUN_ID) is None and [entry.id for entry in registry.models()] == list(SHIPPED_CELLS)
    with pytest.raises(RegistryError):
        registry.set_default(RUN_ID)


def test_a_link_made_after_a_model_was_listed_is_noticed(tmp_path, shipped_bytes):
    """Answers are kept while a run's files are unchanged; replacing one by a link is a change."""
    folder = finished_run(tmp_path, RUN_ID, shipped_bytes)
    registry = ModelRegistry(tmp_path)
    assert registry.model(RUN_ID).problem is None
    (folder / run_folder.CONFIG_FILE).unlink()
    (folder / run_folder.CONFIG_FILE).symlink_to(tmp_path / "elsewhere.json")
    assert "its config.json is a link" in registry.model(RUN_ID).problem


def test_a_run_model_is_named_by_its_recipe_and_when_it_started_and_by_the_name_it_was_given(tmp_path, shipped_bytes):
    """Issue 27: "lesson · 7 Dec, 06:44", not "lesson, 20261207 06:44"; a run from before names had none and keeps working."""
    folder = finished_run(tmp_path, RUN_ID, shipped_bytes)  # config.json without a name, status without a start time
    assert ModelRegistry(tmp_path).model(RUN_ID).label == "morvan · 1 Jan, 12:00"  # the time from the run's id
    started = time.mktime((2026, 12, 7, 6, 44, 39, 0, 0, -1))
    run_folder.write_status(folder, run_folder.DONE, pid=1, test_accuracy=0.91, started_at=started)
    assert ModelRegistry(tmp_path).model(RUN_ID).label.startswith("morvan · 7 Dec")
    assert ModelRegistry(tmp_path).model(RUN_ID).label.endswith(", 06:44")
    run_folder.write_config(folder, "morvan", {}, name="  Class 9B's\nmodel ")
    assert json.loads((folder / run_folder.CONFIG_FILE).read_text())["name"] == "Class 9B's model"
    label = ModelRegistry(tmp_path).model(RUN_ID).label
    assert label.startswith("Class 9B's model · morvan · 7 Dec") and label.endswith(", 06:44")


def test_a_name_too_long_for_a_run_makes_its_config_damaged(tmp_path, shipped_bytes):
    """Names are kept at most run_folder.NAME_CHARS long; a config.json that holds a longer one was not written by Row Reader."""
    folder = finished_run(tmp_path, RUN_ID, shipped_bytes)
    (folder / run_folder.CONFIG_FILE).write_text(json.dumps({"preset": "morvan", "name": "x" * 31, "config": {}}))
    assert_unusable(ModelRegistry(tmp_path), RUN_ID, "its config.json is damaged: name must be text of at most 30 characters", tmp_path)
    assert ModelRegistry(tmp_path).model(RUN_ID).label == "morvan · 1 Jan, 12:00"  # named from its id meanwhile


def test_the_three_shipped_models_come_first_each_named_by_its_cell(tmp_path, shipped_bytes):
    """Issue 31: the LSTM keeps its id "shipped" (saved default.json files and sessions name it); the GRU and the plain
    RNN beside it; then the runs."""
    finished_run(tmp_path, RUN_ID, shipped_bytes)
    models = ModelRegistry(tmp_path).models()
    assert [entry.id for entry in models] == ["shipped", "shipped-gru", "shipped-rnn", RUN_ID]
    assert [entry.label for entry in models[:3]] == ["Shipped LSTM", "Shipped GRU", "Shipped plain RNN"]
    assert [entry.path for entry in models[:3]] == [DEFAULT_MODEL_PATH, SHIPPED_MODELS["gru"], SHIPPED_MODELS["rnn"]]
    assert all(entry.shipped and entry.problem is None for entry in models[:3]) and not models[3].shipped
    i18n.use("zh")
    assert [entry.label for entry in ModelRegistry(tmp_path).models()[:3]] == ["自带的 LSTM", "自带的 GRU", "自带的普通 RNN"]
    i18n.use("ja")
    assert ModelRegistry(tmp_path).model("shipped-rnn").label == "付属の単純な RNN"


@pytest.mark.parametrize("model_id", ["shipped-gru", "shipped-rnn", SHIPPED])
def test_any_shipped_model_may_be_the_servers_default(tmp_path, model_id):
    registry = ModelRegistry(tmp_path)
    registry.set_default(model_id)
    assert json.loads((tmp_path / "default.json").read_text())["model"] == model_id
    assert registry.default_choice() == model_id and registry.default_model_id() == model_id


@pytest.mark.parametrize("text", ['{"model": "shipped-lstm"}', '{"model": "shipped-gru2"}', '{"model": "xshipped-rnn"}'])
def test_a_default_json_naming_no_shipped_model_gives_the_shipped_lstm(tmp_path, text):
    (tmp_path / "default.json").write_text(text)
    assert ModelRegistry(tmp_path).default_model_id() == SHIPPED


def test_a_deleted_shipped_gru_is_not_listed_and_the_lstm_reads_instead(tmp_path, monkeypatch):
    """A teacher may delete model/weights/gru.keras: it is no longer offered, and a default that named it falls back."""
    registry = ModelRegistry(tmp_path)
    registry.set_default("shipped-gru")
    monkeypatch.setitem(SHIPPED_MODELS, "gru", tmp_path / "deleted" / "gru.keras")
    assert [entry.id for entry in registry.models()] == ["shipped", "shipped-rnn"]
    assert [entry.id for entry in registry.shipped_models()] == ["shipped", "shipped-rnn"]
    assert registry.model("shipped-gru") is None and registry.default_model_id() == SHIPPED
    with pytest.raises(RegistryError, match="There is no model"):
        registry.set_default("shipped-gru")


def test_a_damaged_shipped_rnn_is_listed_with_the_reason(tmp_path, monkeypatch):
    damaged = tmp_path / "rnn.keras"
    damaged.write_bytes(b"not a zip")
    monkeypatch.setitem(SHIPPED_MODELS, "rnn", damaged)
    registry = ModelRegistry(tmp_path)
    assert "not a zip archive" in registry.model("shipped-rnn").problem
    with pytest.raises(RegistryError, match="cannot be used"):
        registry.set_default("shipped-rnn")


def test_a_missing_shipped_lstm_is_still_listed_with_the_reason(tmp_path, monkeypatch):
    """The LSTM is the fallback: it is always there to say why it cannot read, never silently gone."""
    monkeypatch.setitem(SHIPPED_MODELS, "lstm", tmp_path / "default.keras")
    entry = ModelRegistry(tmp_path).models()[0]
    assert entry.id == SHIPPED and entry.problem == "the model file is missing"


def test_a_models_cell_is_read_from_its_saved_settings(tmp_path):
    from pathlib import Path

    from training.registry import ModelEntry

    def entry(metadata) -> ModelEntry:
        return ModelEntry("20260101-120000-lesson", Path("model.keras"), metadata)

    assert [model.cell for model in ModelRegistry(tmp_path).shipped_models()] == ["lstm", "gru", "rnn"]
    assert entry({"config": {"model": {"units": 128, "lstm_layers": 1}}}).cell == "lstm"  # from before the cells
    assert entry({"config": {"model": {"cell": "gru"}}}).cell == "gru"
    assert entry({}).cell is None and entry({"config": {"model": {}}}).cell is None
    assert entry({"config": {"model": {"cell": "transformer"}}}).cell is None and entry({"config": "odd"}).cell is None
