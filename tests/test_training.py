"""The training CLI end to end (a tiny run, a cancelled run), its run-folder readers, and its presets and checks.

The CLI runs in subprocesses with MNIST_DIR set (skipped without it); they are kept small,
so the whole file takes a minute or so on two CPU cores.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from training import progress
from training.presets import PRESETS, TrainConfig, preset

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(mnist_dir: Path | None = None) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1")
    if mnist_dir is not None:
        env["MNIST_DIR"] = str(mnist_dir)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "training", *args]


def _kinds(records: list[dict]) -> list[str]:
    return [record["kind"] for record in records]


# --- (a) a tiny run, start to finish ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    value = os.environ.get("MNIST_DIR")
    if not value:
        pytest.skip("MNIST_DIR is not set")
    run_dir = tmp_path_factory.mktemp("runs") / "tiny"
    result = subprocess.run(
        _cli("--preset", "default", "--limit", "600", "--epochs", "1", "--out", str(run_dir)),
        cwd=REPO_ROOT, env=_env(Path(value)), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return run_dir, result


def test_tiny_run_succeeds(finished_run):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Test accuracy" in result.stdout
    assert (run_dir / progress.MODEL_FILE).is_file()
    assert not list(run_dir.glob(".*.tmp*")), "temporary files were left behind"


def test_tiny_run_model_loads(finished_run):
    from model.storage import load_model

    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = load_model(run_dir / progress.MODEL_FILE)
    assert len(loaded.weights.lstm) == PRESETS["default"].model.lstm_layers
    assert loaded.metadata["test_accuracy"] == pytest.approx(json.loads((run_dir / "model.json").read_text())["test_accuracy"])


def test_tiny_run_metadata(finished_run, mnist_dir):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    metadata = json.loads((run_dir / progress.METADATA_FILE).read_text())
    assert 0.0 <= metadata["test_accuracy"] <= 1.0
    assert metadata["test_samples"] == 600
    config = TrainConfig.from_dict(metadata["config"])
    assert config.limit == 600 and config.epochs == 1 and config.samples is None
    assert config.model == PRESETS["default"].model
    assert metadata["device"]["kind"] in ("CPU", "GPU") and metadata["device"]["backend"]
    assert {"python", "keras", "numpy"} <= set(metadata["versions"])
    assert str(mnist_dir) in metadata["data_source"]
    assert metadata["epochs"] == 1 and metadata["steps"] == 5  # 540 training images (60 held out) in batches of 128


def test_tiny_run_progress_and_status(finished_run):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    records = progress.read_progress(run_dir)
    kinds = _kinds(records)
    assert kinds[0] == "start" and kinds[-1] == "test"
    assert {"start", "batch", "epoch", "test"} <= set(kinds)
    start = records[0]
    assert start["total_steps"] == 5 and start["train_samples"] == 540 and start["validation_samples"] == 60
    batch = next(r for r in records if r["kind"] == "batch")
    assert batch["samples_per_s"] > 0 and 0 <= batch["accuracy"] <= 1
    epoch = next(r for r in records if r["kind"] == "epoch")
    assert epoch["epoch"] == 1 and {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(epoch)
    status = progress.read_status(run_dir)
    assert status["state"] == progress.DONE
    assert status["step"] == status["total_steps"] == 5
    assert status["test_accuracy"] == pytest.approx(records[-1]["test_accuracy"])


# --- (b) a run stopped with SIGTERM -----------------------------------------------------------------------------------


def test_sigterm_cancels_after_a_checkpoint(mnist_dir, tmp_path):
    from model.storage import load_model, read_metadata

    run_dir = tmp_path / "cancel"
    log = open(tmp_path / "output.txt", "w+")
    process = subprocess.Popen(
        _cli("--preset", "default", "--limit", "3000", "--epochs", "50", "--out", str(run_dir)),
        cwd=REPO_ROOT, env=_env(mnist_dir), stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while "epoch" not in _kinds(progress.read_progress(run_dir)):
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"training ended early with {process.returncode}:\n{log.read()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("no epoch finished within 120 s")
            time.sleep(0.5)
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=60)
    finally:
        if process.poll() is None:  # only the process this test started
            process.kill()
            process.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert returncode == 0, output[-3000:]
    assert "SIGTERM" in output and "Stopped" in output
    status = progress.read_status(run_dir)
    assert status["state"] == progress.CANCELLED, status
    assert 0 < status["step"] < status["total_steps"]
    records = progress.read_progress(run_dir)
    assert _kinds(records)[-1] == "cancelled" and "test" not in _kinds(records)
    assert not (run_dir / progress.MODEL_FILE).exists()
    checkpoint = run_dir / progress.CHECKPOINT_FILE
    loaded = load_model(checkpoint)
    assert len(loaded.weights.lstm) == 2
    meta = read_metadata(checkpoint)
    assert meta["step"] == status["step"] and meta["epochs_done"] >= 1


# --- (c) reading a run folder while it is written ------------------------------------------------------------------


def test_read_progress_skips_bad_lines(tmp_path):
    log = progress.ProgressLog(tmp_path)
    log.write("start", total_steps=10)
    log.write("batch", step=1, loss=2.3)
    with open(tmp_path / progress.PROGRESS_FILE, "ab") as file:
        file.write(b"not json at all\n")
        file.write(b"[1, 2, 3]\n")  # valid JSON, but not a record
        file.write(b"\xff\xfe garbled bytes \x00\n")
        file.write(b"\n")
    log.write("batch", step=2, loss=2.1)
    with open(tmp_path / progress.PROGRESS_FILE, "a") as file:
        file.write('{"kind": "epoch", "epoch": 1, "lo')  # a line still being written
    records = progress.read_progress(tmp_path)
    assert _kinds(records) == ["start", "batch", "batch"]
    assert [r.get("step") for r in records[1:]] == [1, 2]
    assert all("time" in r for r in records)


def test_read_progress_of_missing_or_empty_file(tmp_path):
    assert progress.read_progress(tmp_path / "nothing-here") == []
    (tmp_path / progress.PROGRESS_FILE).write_text("")
    assert progress.read_progress(tmp_path) == []


def test_read_status(tmp_path):
    assert progress.read_status(tmp_path) is None  # no file yet
    progress.write_status(tmp_path, progress.RUNNING, step=3)
    status = progress.read_status(tmp_path)
    assert status["state"] == "running" and status["step"] == 3 and "updated_at" in status
    path = tmp_path / progress.STATUS_FILE
    full = path.read_text()
    path.write_text(full[: len(full) // 2])  # half written
    assert progress.read_status(tmp_path) is None
    path.write_text("")
    assert progress.read_status(tmp_path) is None
    path.write_bytes(b"\xff\xfe\x00")
    assert progress.read_status(tmp_path) is None
    path.write_text("[1, 2]")
    assert progress.read_status(tmp_path) is None
    assert not list(tmp_path.glob(".*.tmp*"))


# --- (d) presets and checks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_builds(name):
    from model.network import build_model
    from model.xray import ReaderWeights

    config = PRESETS[name]
    model = build_model(config.model)
    lstm_layers = [layer for layer in model.layers if type(layer).__name__ == "LSTM"]
    assert len(lstm_layers) == config.model.lstm_layers
    assert all(layer.units == config.model.units for layer in lstm_layers)
    assert model.output_shape == (None, 10)
    assert len(ReaderWeights.from_keras(model).lstm) == config.model.lstm_layers  # the x-ray can replay it
    assert TrainConfig.from_dict(config.to_dict()) == config


def test_preset_overrides():
    config = preset("morvan", units=64, lstm_layers=2, epochs=3, samples=None, limit=500)
    assert config.model.units == 64 and config.model.lstm_layers == 2 and config.model.projection_units == 128
    assert config.epochs == 3 and config.samples is None and config.limit == 500
    assert PRESETS["morvan"].model.units == 128  # the preset itself is unchanged
    with pytest.raises(ValueError, match="unknown preset"):
        preset("nope")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "-1"], "must be a positive whole number"),
        (["--epochs", "0"], "must be a positive whole number"),
        (["--epochs", "5000"], "epochs must be 1 to 1000"),
        (["--layers", "10000"], "lstm_layers must be 1 to 3"),
        (["--units", "100000"], "units must be 1 to 1024"),
        (["--lr", "abc"], "invalid float value: 'abc'"),
        (["--lr", "5"], "learning rate must be in (0, 1]"),
        (["--lr", "nan"], "learning rate must be in (0, 1]"),
        (["--batch-size", "0"], "must be a positive whole number"),
        (["--limit", "5"], "limit must be at least 20"),
        (["--seed", "-1"], "seed must be"),
        (["--preset", "nope"], "invalid choice"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_invalid_values_exit_2(tmp_path, args, message):
    out = tmp_path / "X"
    result = subprocess.run(_cli(*args, "--out", str(out)), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()  # nothing is written for a run that never started


def test_out_is_required(tmp_path):
    result = subprocess.run(_cli("--epochs", "1"), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--out" in result.stderr


def test_small_data_folder_keeps_training_images(tiny_idx_dir):
    """Without --limit, a folder smaller than the 5,000-image validation split still leaves images to train on."""
    from training.data import load_idx_folder
    from training.train import split_data

    data = split_data(load_idx_folder(tiny_idx_dir), PRESETS["default"])
    assert len(data.x_train) == 90 and len(data.x_val) == 10 and len(data.x_test) == 50
    assert data.x_train.dtype.name == "float32" and 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    limited = split_data(load_idx_folder(tiny_idx_dir), preset("default", limit=50))
    assert (len(limited.x_train), len(limited.x_val), len(limited.x_test)) == (45, 5, 50)
