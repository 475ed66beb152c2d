"""training/progress.py: records read back whole while the file grows, the records that led to the weights kept,
and what the people watching are shown: the progress bar's figures and the curves."""

import pytest

from tests.training_runs import kinds
from training import progress


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
    assert kinds(records) == ["start", "batch", "batch"]
    assert [r.get("step") for r in records[1:]] == [1, 2]
    assert all("time" in r for r in records)


def test_read_progress_of_missing_or_empty_file(tmp_path):
    assert progress.read_progress(tmp_path / "nothing-here") == []
    (tmp_path / progress.PROGRESS_FILE).write_text("")
    assert progress.read_progress(tmp_path) == []


def test_records_a_dead_process_wrote_after_its_checkpoint_are_dropped_on_resume():
    records = [{"kind": "start"}] + [{"kind": "batch", "step": step} for step in (10, 20, 30)]
    records += [{"kind": "resume", "step": 20}, {"kind": "batch", "step": 30}, {"kind": "batch", "step": 40}]
    assert [(r["kind"], r.get("step")) for r in progress.current_records(records)] == [
        ("start", None), ("batch", 10), ("batch", 20), ("resume", 20), ("batch", 30), ("batch", 40),
    ]  # fmt: skip
    assert progress.current_records(records + [{"kind": "start"}]) == [{"kind": "start"}]  # started again from scratch


def test_the_curves_count_epochs_and_put_the_test_at_the_last_step():
    start = {"kind": "start", "total_steps": 40, "train_samples": 2560, "config": {"batch_size": 128}}  # 20 steps an epoch
    batches = [{"kind": "batch", "step": step, "loss": 1.0 / step, "accuracy": step / 40} for step in (10, 20, 30, 40)]
    epochs = [{"kind": "epoch", "step": 20, "loss": 0.1}, {"kind": "epoch", "step": 40, "val_loss": 0.2, "val_accuracy": 0.9}]
    curves = progress.training_curves([start, *batches, *epochs, {"kind": "test", "test_loss": 0.3, "test_accuracy": 0.8}])
    assert curves.batches.epochs == [0.5, 1.0, 1.5, 2.0] and curves.batches.accuracy == [0.25, 0.5, 0.75, 1.0]
    assert (curves.validation.epochs, curves.validation.loss) == ([2.0], [0.2])  # only epochs with held-out digits
    assert (curves.test.epochs, curves.test.loss, curves.test.accuracy) == ([2.0], [0.3], [0.8])
    assert progress.training_curves([start]).test == progress.Curve()


def test_the_progress_bar_before_and_during_a_run():
    start = {"kind": "start", "time": 100.0, "total_steps": 100, "epochs": 2, "config": {"batch_size": 10}}
    assert progress.summarise([start]) == progress.RunProgress(0, 100, 0, 2, None, None)

    def batches(seconds_per_record: float) -> list[dict]:  # every 10 steps; the last one says 50 digits/s
        return [{"kind": "batch", "time": 100.0 + step / 10 * seconds_per_record, "step": step, "epoch": 1, "samples_per_s": 50.0}
                for step in (10, 20, 30)]  # fmt: skip

    summary = progress.summarise([start, *batches(1.0)])
    assert (summary.step, summary.fraction, summary.samples_per_s) == (30, 0.3, 50.0)
    assert summary.eta_s == pytest.approx(70 * 2.0 / 20)  # 20 steps in 2 s of records: the time left at that pace
    quick = progress.summarise([start, *batches(0.1)])  # records under a second apart: too short a span for a pace
    assert quick.eta_s == pytest.approx(70 * 10 / 50.0)  # so at the last record's speed


def test_a_progress_file_planted_as_a_link_is_never_appended_to(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("not the app's\n")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / progress.PROGRESS_FILE).symlink_to(outside)
    with pytest.raises(OSError):
        progress.ProgressLog(run_dir).write("batch", step=1, loss=2.3)
    assert outside.read_text() == "not the app's\n"
