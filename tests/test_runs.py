"""The run manager behind the Train page: real tiny runs (`--limit`) in their own processes, and hand-made run folders.

Runs need MNIST_DIR and are skipped without it; each is a few hundred digits and a
16-unit network, so the file takes a minute or two on two CPU cores.
"""

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from model.storage import ModelLoadError, load_model
from training import progress
from training.__main__ import new_run_config, parse_args
from training.presets import PRESETS
from training.runs import REPO_ROOT, SHIPPED, RunError, RunInProgress, RunManager, checked_config, summarise, training_command

TINY = {"limit": 600, "epochs": 1, "units": 16}  # about 10 s, most of it importing Keras
LONG = {"limit": 3000, "epochs": 30, "units": 16}  # long enough to stop midway


@pytest.fixture
def manager(tmp_path, mnist_dir) -> RunManager:
    return RunManager(tmp_path / "runs", data_dir=str(mnist_dir))


def wait_for(condition, timeout: float = 180, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def wait_until_stopped(manager: RunManager, run_id: str):
    return wait_for(lambda: (run := manager.run(run_id)).state != progress.RUNNING and run, what=f"run {run_id} to stop")


def kinds(run) -> list[str]:
    return [record["kind"] for record in run.progress()]


def assert_whole_files(folder: Path) -> None:
    """Every file a reader looks at parses; a checkpoint, if any, loads."""
    assert progress.read_status(folder) is not None
    for name in ("status.json", "launch.json", "config.json"):
        if (folder / name).exists():
            json.loads((folder / name).read_text())
    if (folder / progress.CHECKPOINT_FILE).exists():
        load_model(folder / progress.CHECKPOINT_FILE)


# --- real runs -------------------------------------------------------------------------------------------------------


def test_a_run_starts_reports_progress_and_finishes_and_a_second_start_is_refused(manager):
    run = manager.start("qiita", TINY)
    assert run.state == progress.RUNNING and manager.active().id == run.id
    with pytest.raises(RunInProgress, match="in progress") as refused:
        manager.start("morvan", TINY)
    assert refused.value.run.id == run.id
    assert RunManager(manager.root).active().id == run.id  # another server process sees the same run

    finished = wait_until_stopped(manager, run.id)
    assert finished.state == progress.DONE, finished.log_tail()
    summary = summarise(finished.progress())
    assert summary.step == summary.total_steps == 5 and summary.fraction == 1.0
    assert kinds(finished)[0] == "start" and kinds(finished)[-1] == "test"
    assert finished.preset == "qiita" and finished.config["model"]["units"] == 16
    entry = manager.model(run.id)
    assert entry is not None and entry.problem is None and entry.metadata["test_samples"] == 600
    assert load_model(entry.path).weights.lstm[0].units == 16
    assert manager.active() is None
    assert_whole_files(finished.folder)


def test_a_run_outlives_the_server_that_started_it(manager):
    """A server restart (here: the process that called start() exits at once) loses nothing: the run goes on."""
    script = f"from training.runs import RunManager; RunManager({str(manager.root)!r}, {manager.data_dir!r}).start('qiita', {TINY!r})"
    subprocess.run([sys.executable, "-c", script], check=True, cwd=REPO_ROOT, timeout=60)
    (run,) = manager.runs()
    assert run.state == progress.RUNNING
    assert wait_until_stopped(manager, run.id).state == progress.DONE


def test_cancel_keeps_a_loadable_checkpoint_and_resume_carries_on_from_it(manager):
    run = manager.start("qiita", LONG)
    wait_for(lambda: "epoch" in kinds(manager.run(run.id)), what="the first epoch")
    manager.cancel(run.id)
    cancelled = wait_until_stopped(manager, run.id)
    assert cancelled.state == progress.CANCELLED, cancelled.log_tail()
    assert cancelled.resumable and cancelled.has_checkpoint
    stopped_at = cancelled.status["step"]
    assert 0 < stopped_at < cancelled.status["total_steps"]
    assert load_model(cancelled.folder / progress.CHECKPOINT_FILE).weights.lstm[0].units == 16
    assert_whole_files(cancelled.folder)
    with pytest.raises(RunError, match="not running"):
        manager.cancel(run.id)

    resumed = manager.resume(run.id)
    assert resumed.state == progress.RUNNING
    wait_for(lambda: "resume" in kinds(manager.run(run.id)), what="the resume record")
    manager.cancel(run.id)  # stop again: resuming twice must work as well as once
    again = wait_until_stopped(manager, run.id)
    assert again.state == progress.CANCELLED and again.status["step"] >= stopped_at
    steps = [record["step"] for record in again.progress() if record["kind"] == "batch"]
    assert steps == sorted(steps) and len(set(steps)) == len(steps), "steps must keep counting up over a resume"
    first_after_resume = next(r for r in again.progress() if r["kind"] == "resume")
    assert first_after_resume["step"] == stopped_at


def test_a_killed_run_is_marked_failed_on_the_next_read(manager):
    run = manager.start("qiita", LONG)
    wait_for(lambda: "batch" in kinds(manager.run(run.id)), what="the first batch")
    os.kill(run.status["pid"], signal.SIGKILL)
    failed = wait_until_stopped(manager, run.id)
    assert failed.state == progress.FAILED and failed.status.get("interrupted")
    assert "killed" in failed.status["message"]
    assert_whole_files(failed.folder)
    assert progress.read_status(failed.folder)["state"] == progress.FAILED  # written back for everyone
    assert failed.resumable
    assert manager.active() is None  # the next run may start


# --- hand-made run folders -------------------------------------------------------------------------------------------


def make_run(root: Path, run_id: str, state: str, pid: int | None = None, records: list[dict] | None = None) -> Path:
    folder = root / run_id
    folder.mkdir(parents=True)
    progress.write_status(folder, state, pid=pid or 1, total_steps=100, step=40)
    (folder / progress.CONFIG_FILE).write_text(json.dumps({"preset": "morvan", "config": {"batch_size": 128}}))
    log = progress.ProgressLog(folder)
    for record in records or []:
        log.write(**record)
    return folder


def test_a_running_status_whose_pid_is_someone_else_is_not_believed(tmp_path):
    manager = RunManager(tmp_path)
    make_run(tmp_path, "20260101-120000-morvan", progress.RUNNING, pid=os.getpid())  # alive, but not training this folder
    run = manager.run("20260101-120000-morvan")
    assert run.state == progress.FAILED and run.status["interrupted"]
    assert manager.active() is None


def test_a_truncated_last_progress_line_is_tolerated(tmp_path):
    manager = RunManager(tmp_path)
    records = [{"kind": "start", "total_steps": 100, "epochs": 2, "train_samples": 6400, "config": {"batch_size": 128}}]
    records += [{"kind": "batch", "step": step, "epoch": 1, "loss": 1.0, "accuracy": 0.5, "samples_per_s": 900.0} for step in (10, 20)]
    folder = make_run(tmp_path, "20260101-120000-morvan", progress.CANCELLED, records=records)
    with open(folder / progress.PROGRESS_FILE, "a") as file:
        file.write('{"kind": "batch", "step": 30, "lo')
    summary = summarise(manager.run(folder.name).progress())
    assert summary.step == 20 and summary.total_steps == 100 and summary.samples_per_s == 900.0
    assert summary.eta_s is not None and summary.eta_s > 0


def test_records_a_dead_process_wrote_after_its_checkpoint_are_dropped_on_resume():
    records = [{"kind": "start"}] + [{"kind": "batch", "step": step} for step in (10, 20, 30)]
    records += [{"kind": "resume", "step": 20}, {"kind": "batch", "step": 30}, {"kind": "batch", "step": 40}]
    assert [(r["kind"], r.get("step")) for r in progress.current_records(records)] == [
        ("start", None), ("batch", 10), ("batch", 20), ("resume", 20), ("batch", 30), ("batch", 40),
    ]  # fmt: skip
    assert progress.current_records(records + [{"kind": "start"}]) == [{"kind": "start"}]  # started again from scratch


def test_a_damaged_model_is_listed_with_its_problem_and_never_chosen(tmp_path):
    manager = RunManager(tmp_path)
    broken = make_run(tmp_path, "20260101-120000-morvan", progress.DONE)
    (broken / progress.MODEL_FILE).write_bytes(b"this is not a keras file")
    not_keras = make_run(tmp_path, "20260101-130000-morvan", progress.DONE)
    with zipfile.ZipFile(not_keras / progress.MODEL_FILE, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a model")
    entries = {entry.id: entry for entry in manager.models()}
    assert entries[SHIPPED].problem is None and entries[SHIPPED].shipped
    assert "damaged" in entries[broken.name].problem
    with pytest.raises(RunError, match="cannot be used"):
        manager.set_default(broken.name)
    with pytest.raises(ModelLoadError):  # the deep check happens when it is loaded
        load_model(entries[not_keras.name].path)
    (tmp_path / "default.json").write_text(json.dumps({"model": broken.name}))
    assert manager.default_model_id() == SHIPPED


def test_default_and_delete(tmp_path):
    manager = RunManager(tmp_path)
    folder = make_run(tmp_path, "20260101-120000-morvan", progress.DONE)
    (folder / progress.MODEL_FILE).write_bytes(Path(__file__).parent.parent.joinpath("model/weights/default.keras").read_bytes())
    assert manager.default_model_id() == SHIPPED
    manager.set_default(folder.name)
    assert RunManager(tmp_path).default_model_id() == folder.name
    manager.delete(folder.name)
    assert not folder.exists() and manager.default_model_id() == SHIPPED
    with pytest.raises(RunError, match="no run"):
        manager.delete(folder.name)
    with pytest.raises(RunError, match="no run"):
        manager.run("../../etc")  # ids are checked, never used as paths


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"epochs": -3}, "epochs must be 1 to 1000"),
        ({"lstm_layers": 10_000}, "lstm_layers must be 1 to 3"),
        ({"learning_rate": 5.0}, "learning rate must be in"),
        ({"limit": 5}, "limit must be at least 20"),
        ({"data_dir": "/etc"}, "unknown settings"),
    ],
)
def test_bad_settings_are_refused_before_anything_starts(tmp_path, overrides, message):
    with pytest.raises(ValueError, match=message):
        checked_config("morvan", overrides)
    with pytest.raises(ValueError, match=message):
        RunManager(tmp_path).start("morvan", overrides)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("preset_name", sorted(PRESETS))
def test_every_setting_of_the_form_reaches_the_training_process(tmp_path, preset_name):
    """The command a run is launched with, read back by the CLI, gives the configuration the form asked for."""
    base = PRESETS[preset_name]
    overrides = {"epochs": 2, "units": 16, "learning_rate": 0.0025, "limit": 500, "augment": not base.augment}
    command = training_command(tmp_path, preset_name, overrides, data_dir=None, resume=False)
    assert command[:3] == [sys.executable, "-m", "training"]
    assert new_run_config(parse_args(command[3:])) == checked_config(preset_name, overrides)
    assert new_run_config(parse_args(command[3:])).augment is not base.augment
