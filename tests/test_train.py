"""training/train.py: a tiny run through the CLI from start to finish (its model, report, metadata, records and
status), the split of the data, and the loss and accuracy each batch record carries.

The run is made once per session (conftest.finished_run): MNIST_DIR and a --limit of 600 digits.
"""

import json

import numpy as np
import pytest

from tests.training_runs import kinds
from training import progress, run_folder
from training.presets import PRESETS, TrainConfig, preset


def test_tiny_run_succeeds(finished_run):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Test accuracy" in result.stdout
    assert (run_dir / run_folder.MODEL_FILE).is_file()
    assert not list(run_dir.glob(".*.tmp*")), "temporary files were left behind"


def test_tiny_run_model_loads(finished_run):
    from model.storage import load_model

    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = load_model(run_dir / run_folder.MODEL_FILE)
    assert len(loaded.weights.recurrent) == PRESETS["default"].model.layers
    assert loaded.metadata["test_accuracy"] == pytest.approx(json.loads((run_dir / "model.json").read_text())["test_accuracy"])


def test_tiny_run_writes_the_look_inside_report_of_its_model(finished_run):
    from model.report import load_report
    from model.storage import load_model

    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    model_path = run_dir / run_folder.MODEL_FILE
    report = load_report(model_path, load_model(model_path).weights)  # None if missing or made from other weights
    assert report is not None and len(report.labels) == 600
    metadata = json.loads((run_dir / run_folder.METADATA_FILE).read_text())
    assert report.test_accuracy == pytest.approx(metadata["test_accuracy"], abs=1e-6)  # Keras's evaluate and the replay agree
    assert "report" in kinds(progress.read_progress(run_dir))


def test_tiny_run_metadata(finished_run, mnist_dir):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    metadata = json.loads((run_dir / run_folder.METADATA_FILE).read_text())
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
    record_kinds = kinds(records)
    assert record_kinds[0] == "start" and record_kinds[-1] == "test"
    assert {"start", "batch", "epoch", "test"} <= set(record_kinds)
    start = records[0]
    assert start["total_steps"] == 5 and start["train_samples"] == 540 and start["validation_samples"] == 60
    batch = next(r for r in records if r["kind"] == "batch")
    assert batch["samples_per_s"] > 0 and 0 <= batch["accuracy"] <= 1
    epoch = next(r for r in records if r["kind"] == "epoch")
    assert epoch["epoch"] == 1 and {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(epoch)
    status = run_folder.read_status(run_dir)
    assert status["state"] == run_folder.DONE
    assert status["step"] == status["total_steps"] == 5
    assert status["test_accuracy"] == pytest.approx(records[-1]["test_accuracy"])


def test_small_data_folder_keeps_training_images(tiny_idx_dir):
    """Without --limit, a folder smaller than the 5,000-image validation split still leaves images to train on."""
    from model.mnist import load_idx_folder
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


def test_a_warm_up_climbs_from_a_tenth_of_the_peak_to_the_peak_then_decays_to_one_percent():
    from model.network import build_model
    from training.train import compile_model

    config = preset("lesson", units=8)  # warm-up over 10% of the steps, peak 0.004
    model = build_model(config.model)
    compile_model(model, config, total_steps=1_000)
    rate = model.optimizer._learning_rate  # the schedule
    assert float(rate(0)) == pytest.approx(0.0004)
    assert float(rate(100)) == pytest.approx(0.004)
    assert float(rate(50)) == pytest.approx(0.0022, rel=0.01)
    assert float(rate(1_000)) == pytest.approx(0.00004, rel=0.01)


def test_each_epoch_swaps_its_share_of_digits_for_their_drawn_copies_and_keeps_the_labels():
    from training.train import AugmentedBatches

    images = np.zeros((2_000, 28, 28), np.float32)
    labels = np.arange(2_000) % 10
    drawn = images + np.arange(2_000, dtype=np.float32)[:, None, None] / 2_000 + 1  # each copy tells its digit
    batches = AugmentedBatches(images, labels, 100, seed=0, warp=False, drawn=drawn, drawn_share=0.3)
    swapped = batches.epoch_images[:, 0, 0] > 0
    assert 0.25 < swapped.mean() < 0.35
    digit = np.round((batches.epoch_images[swapped, 0, 0] - 1) * 2_000).astype(int)
    np.testing.assert_array_equal(batches.epoch_labels[swapped], labels[digit])  # a copy keeps its own label
    first = batches.epoch_images.copy()
    batches.on_epoch_end()
    assert not np.array_equal(first, batches.epoch_images)  # another share, in another order, each epoch
    none = AugmentedBatches(images, labels, 100, seed=0, warp=False, drawn=drawn, drawn_share=0.0)
    assert not none.epoch_images.any()
