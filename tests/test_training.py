"""The training CLI end to end (a tiny run, a cancelled run and its resume), its run-folder readers, and its presets and checks.

The CLI runs in subprocesses with MNIST_DIR set (skipped without it) and a small --limit,
so the whole file takes a minute or two on two CPU cores.
"""

import json
import os
import shutil
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


def _scalars(run_dir: Path, split: str, tag: str) -> dict[int, float]:
    """{step: value} of one curve, as TensorBoard reads the run's event files."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(run_dir / progress.TENSORBOARD_DIR / split))
    events.Reload()
    return {event.step: event.value for event in events.Scalars(tag)}


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


def test_tiny_run_writes_the_look_inside_report_of_its_model(finished_run):
    from model.report import load_report
    from model.storage import load_model

    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    model_path = run_dir / progress.MODEL_FILE
    report = load_report(model_path, load_model(model_path).weights)  # None if missing or made from other weights
    assert report is not None and len(report.labels) == 600
    metadata = json.loads((run_dir / progress.METADATA_FILE).read_text())
    assert report.test_accuracy == pytest.approx(metadata["test_accuracy"], abs=1e-6)  # Keras's evaluate and the replay agree
    assert "report" in _kinds(progress.read_progress(run_dir))


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


def test_tiny_run_tensorboard_logs(finished_run):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    records = progress.read_progress(run_dir)
    batches = {r["step"]: r for r in records if r["kind"] == "batch"}
    train_loss, train_accuracy = _scalars(run_dir, "train", "loss"), _scalars(run_dir, "train", "accuracy")
    assert sorted(train_loss) == sorted(train_accuracy) == sorted(batches) == [5]  # the progress records' steps
    assert train_loss[5] == pytest.approx(batches[5]["loss"], rel=1e-5)
    epoch = next(r for r in records if r["kind"] == "epoch")
    assert _scalars(run_dir, "validation", "accuracy") == {5: pytest.approx(epoch["val_accuracy"], rel=1e-5)}
    assert _scalars(run_dir, "validation", "loss") == {5: pytest.approx(epoch["val_loss"], rel=1e-5)}
    assert _scalars(run_dir, "test", "accuracy") == {5: pytest.approx(records[-1]["test_accuracy"], rel=1e-5)}


def test_tensorboard_log_without_the_package(tmp_path, monkeypatch, capsys):
    from training import tensorboard_log

    monkeypatch.setattr(tensorboard_log, "EventFileWriter", None)
    log = tensorboard_log.open_log(tmp_path / "tb")
    log.add_scalar("train/loss", 1.0, 1)
    log.flush()
    log.close()
    assert capsys.readouterr().err.count("\n") == 1  # one line saying so
    assert not (tmp_path / "tb").exists()


# --- (b) a run stopped with SIGTERM, then resumed --------------------------------------------------------------------


CANCELLED_RUN = ("--preset", "default", "--limit", "1500", "--epochs", "4", "--units", "32")  # 11 steps an epoch, 44 in all


@pytest.fixture(scope="module")
def cancelled_run(tmp_path_factory):
    """A run stopped with SIGTERM once its first epoch is done: (run_dir, returncode, output)."""
    value = os.environ.get("MNIST_DIR")
    if not value:
        pytest.skip("MNIST_DIR is not set")
    folder = tmp_path_factory.mktemp("cancel")
    run_dir = folder / "run"
    log = open(folder / "output.txt", "w+")
    process = subprocess.Popen(
        _cli(*CANCELLED_RUN, "--out", str(run_dir)), cwd=REPO_ROOT, env=_env(Path(value)), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        while "epoch" not in _kinds(progress.read_progress(run_dir)):
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"training ended early with {process.returncode}:\n{log.read()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail("no epoch finished within 120 s")
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=60)
    finally:
        if process.poll() is None:  # only the process this fixture started
            process.kill()
            process.wait()
        log.seek(0)
        output = log.read()
        log.close()
    return run_dir, returncode, output


def test_sigterm_cancels_after_a_checkpoint(cancelled_run):
    from model.storage import load_model, read_metadata

    run_dir, returncode, output = cancelled_run
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
    assert 0 < meta["elapsed_s"] < time.time() - status["started_at"]


def test_checkpoint_keeps_the_optimizer_state(cancelled_run):
    """Adam's moments and its step count (which the cosine schedule follows) come back with the weights."""
    from training.resume import load_checkpoint

    run_dir, returncode, output = cancelled_run
    assert returncode == 0, output[-3000:]
    model, point = load_checkpoint(run_dir / progress.CHECKPOINT_FILE)
    saved = json.loads((run_dir / "checkpoint.json").read_text())
    assert int(model.optimizer.iterations) == point.step == saved["step"]
    assert point.epochs_done == saved["epochs_done"] and point.elapsed_s == saved["elapsed_s"]
    moments = [v.numpy() for v in model.optimizer.variables if "momentum" in v.path or "velocity" in v.path]
    assert moments and all(abs(m).max() > 0 for m in moments)


@pytest.fixture(scope="module")
def resumed_run(cancelled_run, tmp_path_factory):
    """A copy of the cancelled run, resumed: (run_dir, the checkpoint's metadata before, completed process)."""
    cancelled_dir, returncode, output = cancelled_run
    assert returncode == 0, output[-3000:]
    run_dir = tmp_path_factory.mktemp("resume") / "run"
    shutil.copytree(cancelled_dir, run_dir)
    before = json.loads((run_dir / "checkpoint.json").read_text())
    result = subprocess.run(
        _cli("--resume", "--out", str(run_dir)),
        cwd=REPO_ROOT, env=_env(Path(os.environ["MNIST_DIR"])), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return run_dir, before, result


def test_resume_finishes_the_run(resumed_run, cancelled_run):
    from model.storage import load_model

    run_dir, before, result = resumed_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Resuming" in result.stdout and "Test accuracy" in result.stdout
    status = progress.read_status(run_dir)
    first = progress.read_status(cancelled_run[0])
    assert status["state"] == progress.DONE and status["step"] == status["total_steps"] == 44
    assert status["pid"] != first["pid"]  # the new process
    assert status["started_at"] == first["started_at"] and status["resumed_at"] > first["updated_at"]
    loaded = load_model(run_dir / progress.MODEL_FILE)
    assert loaded.metadata["steps"] == 44 and loaded.metadata["config"]["model"]["units"] == 32
    assert not list(run_dir.glob(".*.tmp*")), "temporary files were left behind"


def test_resume_carries_the_step_count_and_optimizer_on(resumed_run):
    import keras

    run_dir, before, result = resumed_run
    assert result.returncode == 0, result.stderr[-3000:]
    records = progress.read_progress(run_dir)
    resume = next(r for r in records if r["kind"] == "resume")
    assert resume["step"] == before["step"] and resume["epoch"] == before["epochs_done"] and resume["total_steps"] == 44
    assert resume["device"]["kind"] in ("CPU", "GPU")
    assert _kinds(records).count("start") == 1 and _kinds(records)[-1] == "test"
    steps = [r["step"] for r in records if r["kind"] == "batch"]
    assert steps == sorted(set(steps)) and steps[-1] == 44  # strictly increasing over both processes
    batches = [r for r in records if r["kind"] == "batch"]
    resumed = [r for r in batches if r["time"] > resume["time"]]
    assert resumed and resumed[0]["step"] > before["step"]
    assert resumed[0]["loss"] < batches[0]["loss"]  # carries on from trained weights, not from a fresh model's ~2.3
    final = keras.saving.load_model(run_dir / progress.MODEL_FILE, safe_mode=True)
    assert int(final.optimizer.iterations) == 44  # Adam's count went on from the checkpoint's, not from 0


def test_resume_counts_time_over_both_processes(resumed_run):
    run_dir, before, result = resumed_run
    assert result.returncode == 0, result.stderr[-3000:]
    records = progress.read_progress(run_dir)
    resume = next(r for r in records if r["kind"] == "resume")
    second = records[-1]["time"] - resume["time"]  # at least this much of the second process went into training
    wall_time = json.loads((run_dir / progress.METADATA_FILE).read_text())["wall_time_s"]
    assert wall_time >= before["elapsed_s"] + second - 0.2
    assert wall_time == records[-1]["wall_time_s"]


def test_resume_tensorboard_curves_continue(resumed_run):
    run_dir, before, result = resumed_run
    assert result.returncode == 0, result.stderr[-3000:]
    batches = {r["step"]: r["loss"] for r in progress.read_progress(run_dir) if r["kind"] == "batch"}
    train_loss = _scalars(run_dir, "train", "loss")
    assert sorted(train_loss) == sorted(batches)  # both processes' event files, read as one curve
    assert all(train_loss[step] == pytest.approx(batches[step], rel=1e-5) for step in batches)


def test_resume_refuses_a_done_run(finished_run):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    status_before = (run_dir / progress.STATUS_FILE).read_bytes()
    refused = subprocess.run(_cli("--resume", "--out", str(run_dir)), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    assert "already done" in refused.stderr and "Traceback" not in refused.stderr
    assert (run_dir / progress.STATUS_FILE).read_bytes() == status_before


def _saved_run(run_dir: Path, state: str, **status) -> Path:
    """A run folder as a tiny run leaves it before its first checkpoint: config, status, a start record."""
    config = preset("default", limit=600, epochs=1, units=16)
    progress.write_config(run_dir, "default", config.to_dict())
    progress.write_status(run_dir, state, **status)
    progress.ProgressLog(run_dir).write("start", total_steps=5, epochs=1, config=config.to_dict())
    return run_dir


def test_resume_refuses_a_run_still_training(tmp_path):
    run_dir = _saved_run(tmp_path / "run", progress.RUNNING, pid=os.getpid(), step=3)  # this test process is alive
    result = subprocess.run(_cli("--resume", "--out", str(run_dir)), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "still training" in result.stderr and str(os.getpid()) in result.stderr


@pytest.mark.parametrize("config_text", [None, "{not json", '{"preset": "default"}', '{"config": {"epochs": 0}}'])
def test_resume_without_a_usable_config_exits_2(tmp_path, config_text):
    run_dir = tmp_path / "run"
    if config_text is not None:
        run_dir.mkdir()
        (run_dir / progress.CONFIG_FILE).write_text(config_text)
    result = subprocess.run(_cli("--resume", "--out", str(run_dir)), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert progress.CONFIG_FILE in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in run_dir.glob("*")) == ([] if config_text is None else [progress.CONFIG_FILE])


@pytest.mark.parametrize("settings", [["--preset", "morvan"], ["--epochs", "2"], ["--limit", "100", "--lr", "0.1"], ["--no-augment"]])
def test_resume_with_settings_exits_2(tmp_path, settings):
    result = subprocess.run(
        _cli("--resume", *settings, "--out", str(tmp_path / "run")), cwd=REPO_ROOT, env=_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "--resume carries on with the run's saved settings" in result.stderr and settings[0] in result.stderr


def test_resume_with_a_corrupt_checkpoint_fails(tmp_path):
    """In this process, to spare a Keras start-up: the CLI turns CheckpointError into exit status 1."""
    from training.resume import CheckpointError
    from training.train import resume_training

    run_dir = _saved_run(tmp_path / "run", progress.CANCELLED, pid=1, step=3, started_at=123.0)
    (run_dir / progress.CHECKPOINT_FILE).write_bytes(b"PK\x03\x04 not really a zip")
    files_before = {p.name: p.read_bytes() for p in run_dir.iterdir() if p.name != progress.STATUS_FILE}
    with pytest.raises(CheckpointError, match=progress.CHECKPOINT_FILE):
        resume_training(run_dir, data_dir=str(tmp_path / "no-data-needed"))
    status = progress.read_status(run_dir)
    assert status["state"] == progress.FAILED and progress.CHECKPOINT_FILE in status["message"]
    assert status["pid"] == os.getpid() and status["started_at"] == 123.0
    assert {p.name: p.read_bytes() for p in run_dir.iterdir() if p.name != progress.STATUS_FILE} == files_before


def test_resume_without_a_checkpoint_starts_again(mnist_dir, tmp_path):
    run_dir = _saved_run(tmp_path / "run", progress.FAILED, pid=1, message="MemoryError: ")
    result = subprocess.run(
        _cli("--resume", "--out", str(run_dir)), cwd=REPO_ROOT, env=_env(mnist_dir), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "starts again from the beginning" in result.stdout
    assert progress.read_status(run_dir)["state"] == progress.DONE
    records = progress.read_progress(run_dir)
    assert _kinds(records).count("start") == 2 and "resume" not in _kinds(records)  # readers keep what follows the last start
    metadata = json.loads((run_dir / progress.METADATA_FILE).read_text())
    assert metadata["steps"] == 5 and metadata["config"]["model"]["units"] == 16


def test_process_alive():
    from training.resume import process_alive

    assert not process_alive(os.getpid())  # a status naming this very process is stale
    assert process_alive(os.getppid())
    assert not process_alive(None) and not process_alive("123") and not process_alive(-1)
    finished = subprocess.Popen(["true"])
    finished.wait()
    assert not process_alive(finished.pid)
    zombie = subprocess.Popen(["true"])  # exits, but nobody has reaped it yet
    deadline = time.monotonic() + 10
    while process_alive(zombie.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(zombie.pid)
    zombie.wait()


def test_a_resumed_segment_gets_its_own_seed():
    from training.resume import segment_seed

    assert segment_seed(7, 0) == 7  # a fresh run keeps its seed
    assert len({segment_seed(7, step) for step in (0, 11, 22, 30)}) == 4
    assert 0 <= segment_seed(2**32 - 1, 5) < 2**32


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


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_lstm_layers_keep_the_cudnn_kernel(name):
    """On a GPU the backend fuses an LSTM into one cuDNN kernel only with these arguments; any other is far slower."""
    import keras

    from model.network import build_model

    lstm_layers = [layer for layer in build_model(PRESETS[name].model).layers if isinstance(layer, keras.layers.LSTM)]
    assert lstm_layers
    for layer in lstm_layers:
        assert layer.cell.activation is keras.activations.tanh
        assert layer.cell.recurrent_activation is keras.activations.sigmoid
        assert layer.cell.recurrent_dropout == 0
        assert layer.unroll is False
        assert layer.cell.use_bias is True
        assert layer.use_cudnn in ("auto", True)


def test_preset_overrides():
    config = preset("morvan", units=64, lstm_layers=2, epochs=3, samples=None, limit=500)
    assert config.model.units == 64 and config.model.lstm_layers == 2 and config.model.projection_units == 128
    assert config.epochs == 3 and config.samples is None and config.limit == 500
    assert PRESETS["morvan"].model.units == 128  # the preset itself is unchanged
    assert preset("morvan", epochs=2).samples is None  # explicit epochs replace the sample budget...
    assert preset("morvan", epochs=2, samples=500).samples == 500  # ...unless a budget is given too
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


def test_batch_records_are_means_over_their_own_batches_not_keras_running_means():
    from training.train import RunRecorder

    recorder = RunRecorder.__new__(RunRecorder)  # only the arithmetic: no run folder needed
    losses, hits = [4.0, 2.0, 3.0, 1.0, 0.5], [0.0, 1.0, 1.0, 0.0, 1.0]
    recorder.on_epoch_begin(0)
    windows = []
    for batch, end in ((1, 2), (4, 5)):  # records after batches 2 and 5 of the epoch
        logs = {"loss": sum(losses[:end]) / end, "accuracy": sum(hits[:end]) / end}  # what Keras passes
        windows.append(recorder._window_means(batch, logs))
    assert windows[0] == pytest.approx((3.0, 0.5))
    assert windows[1] == pytest.approx((1.5, 2 / 3))
    recorder.on_epoch_begin(1)  # a new epoch starts a new window
    assert recorder._window_means(0, {"loss": 9.0, "accuracy": 1.0}) == pytest.approx((9.0, 1.0))
