"""training/tensorboard_log.py: a run's curves as TensorBoard reads them, over a resume too, and training without
the tensorboard package. The runs are conftest's, made once per session.
"""

import pytest

from tests.training_runs import scalars
from training import progress


def test_tiny_run_tensorboard_logs(finished_run):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    records = progress.read_progress(run_dir)
    batches = {r["step"]: r for r in records if r["kind"] == "batch"}
    train_loss, train_accuracy = scalars(run_dir, "train", "loss"), scalars(run_dir, "train", "accuracy")
    assert sorted(train_loss) == sorted(train_accuracy) == sorted(batches) == [5]  # the progress records' steps
    assert train_loss[5] == pytest.approx(batches[5]["loss"], rel=1e-5)
    epoch = next(r for r in records if r["kind"] == "epoch")
    assert scalars(run_dir, "validation", "accuracy") == {5: pytest.approx(epoch["val_accuracy"], rel=1e-5)}
    assert scalars(run_dir, "validation", "loss") == {5: pytest.approx(epoch["val_loss"], rel=1e-5)}
    assert scalars(run_dir, "test", "accuracy") == {5: pytest.approx(records[-1]["test_accuracy"], rel=1e-5)}


def test_resume_tensorboard_curves_continue(resumed_run):
    run_dir, before, result = resumed_run
    assert result.returncode == 0, result.stderr[-3000:]
    batches = {r["step"]: r["loss"] for r in progress.read_progress(run_dir) if r["kind"] == "batch"}
    train_loss = scalars(run_dir, "train", "loss")
    assert sorted(train_loss) == sorted(batches)  # both processes' event files, read as one curve
    assert all(train_loss[step] == pytest.approx(batches[step], rel=1e-5) for step in batches)


def test_tensorboard_log_without_the_package(tmp_path, monkeypatch, capsys):
    from training import tensorboard_log

    monkeypatch.setattr(tensorboard_log, "EventFileWriter", None)
    log = tensorboard_log.open_log(tmp_path / "tb")
    log.add_scalar("train/loss", 1.0, 1)
    log.flush()
    log.close()
    assert capsys.readouterr().err.count("\n") == 1  # one line saying so
    assert not (tmp_path / "tb").exists()
