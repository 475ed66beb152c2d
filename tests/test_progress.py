"""training/progress.py: records read back whole while the file grows, the records that led to the weights kept,
and what the people watching are shown: the progress bar's figures and the curves."""

import json

import pytest

from tests.training_runs import kinds
from training import progress


def test_read_progress_skips_bad_lines(tmp_path):
    log = progress.ProgressLog(tmp_path)
    log.write("start", total_steps=10)
    log.write("batch", step=1, loss=2.3, accuracy=0.1)
    with open(tmp_path / progress.PROGRESS_FILE, "ab") as file:
        file.write(b"not json at all\n")
        file.write(b"[1, 2, 3]\n")  # valid JSON, but not a record
        file.write(b"\xff\xfe garbled bytes \x00\n")
        file.write(b"\n")
    log.write("batch", step=2, loss=2.1, accuracy=0.2)
    with open(tmp_path / progress.PROGRESS_FILE, "a") as file:
        file.write('{"kind": "epoch", "epoch": 1, "lo')  # a line still being written
    records = progress.read_progress(tmp_path)
    assert kinds(records) == ["start", "batch", "batch"]
    assert [r.get("step") for r in records[1:]] == [1, 2]
    assert all("time" in r for r in records)


def test_a_line_nested_too_deep_for_the_parser_is_skipped(tmp_path):
    log = progress.ProgressLog(tmp_path)
    log.start(total_steps=10, epochs=1, train_samples=640, validation_samples=0, device={}, config={"batch_size": 64})
    with open(tmp_path / progress.PROGRESS_FILE, "a") as file:
        file.write("[" * 100_000 + "]" * 100_000 + "\n")  # json.loads raises RecursionError
        file.write('{"kind": "batch", "step": 1' + "0" * 5000 + "}\n")  # an integer past Python's 4,300 digits: ValueError
    log.batch(step=10, total_steps=10, epoch=1, loss=0.5, accuracy=0.8, samples_per_s=100.0)
    assert kinds(progress.read_progress(tmp_path)) == ["start", "batch"]


MALFORMED = [
    {"kind": "batch", "time": 1.7e9, "step": "long", "loss": 0.5, "accuracy": 0.5},
    {"kind": "batch", "time": 1.7e9, "step": 3, "loss": 0.5},  # no accuracy
    {"kind": "batch", "step": 3, "loss": 0.5, "accuracy": 0.5},  # no time
    {"kind": "batch", "time": "now", "step": 3, "loss": 0.5, "accuracy": 0.5},
    {"kind": "batch", "time": 1.7e9, "step": 10**400, "loss": 0.5, "accuracy": 0.5},
    {"kind": "batch", "time": 1.7e9, "step": 3, "loss": None, "accuracy": [0.5]},
    {"kind": "epoch", "time": 1.7e9, "step": 3, "val_loss": 0.4},  # no val_accuracy
    {"kind": "epoch", "time": 1.7e9, "step": True, "loss": 0.4},
    {"kind": "test", "time": 1.7e9, "test_accuracy": 0.9},  # no test_loss
    {"kind": "test", "time": 1.7e9, "test_accuracy": "high", "test_loss": 0.3},
    {"kind": "start", "time": 1.7e9, "total_steps": "many", "config": {"batch_size": 128}},
    {"kind": "start", "time": 1.7e9, "total_steps": 40, "config": "morvan"},
    {"kind": "resume", "time": 1.7e9, "total_steps": 40},  # no step
    {"kind": "Ω", "time": 1.7e9},
    {"kind": ["batch"], "time": 1.7e9},
]


@pytest.mark.parametrize("bad", MALFORMED, ids=lambda record: str(record)[:60])
def test_a_record_its_writer_never_wrote_is_dropped_and_the_rest_shown(tmp_path, bad):
    """The Train page's bar and curves read what is left, and never raise on a field missing or of the wrong type."""
    log = progress.ProgressLog(tmp_path)
    log.start(total_steps=40, epochs=2, train_samples=2560, validation_samples=256, device={}, config={"batch_size": 128})
    log.batch(step=10, total_steps=40, epoch=1, loss=1.0, accuracy=0.5, samples_per_s=900.0)
    with open(tmp_path / progress.PROGRESS_FILE, "a") as file:
        file.write(json.dumps(bad) + "\n")
    log.epoch(epoch=1, step=20, loss=0.9, accuracy=0.6, val_loss=0.8, val_accuracy=0.7)
    log.test(test_accuracy=0.9, test_loss=0.3, wall_time_s=10.0, segment_s=10.0)
    records = progress.current_records(progress.read_progress(tmp_path))
    assert kinds(records) == ["start", "batch", "epoch", "test"]
    curves = progress.training_curves(records)
    assert (curves.batches.epochs, curves.validation.accuracy, curves.test.loss) == ([0.5], [0.7], [0.3])
    assert progress.summarise(records).step == 10


def test_a_loss_that_diverged_is_still_shown(tmp_path):
    log = progress.ProgressLog(tmp_path)
    log.batch(step=10, total_steps=40, epoch=1, loss=float("nan"), accuracy=0.1, samples_per_s=900.0)
    assert progress.read_progress(tmp_path)[0]["step"] == 10


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


def test_a_run_smaller_than_one_batch_is_one_epoch_long_on_the_curves():
    start = {"kind": "start", "total_steps": 1, "train_samples": 18, "config": {"batch_size": 128}}  # 18 digits: one short batch
    batch = {"kind": "batch", "step": 1, "loss": 2.3, "accuracy": 0.1}
    epoch = {"kind": "epoch", "step": 1, "val_loss": 2.3, "val_accuracy": 0.0}
    curves = progress.training_curves([start, batch, epoch])
    assert curves.batches.epochs == [1.0] and curves.validation.epochs == [1.0]  # not 7 epochs for a 1-epoch run
