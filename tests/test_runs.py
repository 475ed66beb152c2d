"""The run manager behind the Train page: real tiny runs (`--limit`) in their own processes, and hand-made run folders.

Runs need MNIST_DIR and are skipped without it; each is a few hundred digits and a
16-unit network, so the file takes a minute or two on two CPU cores.
"""

import errno
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from harness.fuzz import problems_in
from harness.fuzz.disk_faults import faulty_disk, no_training_process
from harness.waiting import wait_until
from model.storage import ModelLoadError, load_model
from tests.training_runs import kinds, made_run, stand_in_process, temporaries_of_a_kill
from training import progress, run_folder
from training.cli import new_run_config, parse_args
from training.presets import PRESETS, preset
from training.registry import SHIPPED, ModelRegistry, RegistryError
from training.run_folder import REPO_ROOT
from training.runs import RunError, RunInProgress, RunManager

TINY = {"limit": 600, "epochs": 1, "units": 16}  # about 10 s, most of it importing Keras
LONG = {"limit": 3000, "epochs": 30, "units": 16}  # long enough to stop midway


@pytest.fixture
def manager(tmp_path, mnist_dir) -> RunManager:
    return RunManager(tmp_path / "runs", data_dir=str(mnist_dir))


WAIT_S = 300  # a run of this file takes seconds; the bound is for a machine that is busy with much else


def wait_until_stopped(manager: RunManager, run_id: str):
    return wait_until(lambda: (run := manager.run(run_id)).state != run_folder.RUNNING and run, WAIT_S, f"run {run_id} to stop")


def assert_whole_files(folder: Path) -> None:
    """Every file a reader looks at parses; a checkpoint, if any, loads."""
    assert run_folder.read_status(folder) is not None
    for name in ("status.json", "launch.json", "config.json"):
        if (folder / name).exists():
            json.loads((folder / name).read_text())
    if (folder / run_folder.CHECKPOINT_FILE).exists():
        load_model(folder / run_folder.CHECKPOINT_FILE)


# --- real runs -------------------------------------------------------------------------------------------------------


def test_a_run_starts_reports_progress_and_finishes_and_a_second_start_is_refused(manager):
    run = manager.start("qiita", TINY, name="Class 9B's model")
    assert run.state == run_folder.RUNNING and manager.active().id == run.id
    with pytest.raises(RunInProgress, match="in progress \\(Class 9B's model · qiita · ") as refused:
        manager.start("morvan", TINY)
    assert refused.value.run.id == run.id
    assert RunManager(manager.root).active().id == run.id  # another server process sees the same run

    finished = wait_until_stopped(manager, run.id)
    assert finished.state == run_folder.DONE, finished.log_tail()
    summary = progress.summarise(finished.progress())
    assert summary.step == summary.total_steps == 5 and summary.fraction == 1.0
    assert kinds(finished.progress())[0] == "start" and kinds(finished.progress())[-1] == "test"
    assert finished.preset == "qiita" and finished.config["model"]["units"] == 16
    assert finished.name == "Class 9B's model"  # kept when the training process wrote its settings again
    entry = manager.registry.model(run.id)
    assert entry is not None and entry.problem is None and entry.metadata["test_samples"] == 600
    assert entry.label == finished.label == run.label and entry.label.startswith("Class 9B's model · qiita · ")
    assert load_model(entry.path).weights.recurrent[0].units == 16
    assert manager.active() is None
    assert_whole_files(finished.folder)


def test_a_run_outlives_the_server_that_started_it(manager):
    """A server restart (here: the process that called start() exits at once) loses nothing: the run goes on."""
    script = f"from training.runs import RunManager; RunManager({str(manager.root)!r}, {manager.data_dir!r}).start('qiita', {TINY!r})"
    subprocess.run([sys.executable, "-c", script], check=True, cwd=REPO_ROOT, timeout=60)
    (run,) = manager.runs()
    assert run.state == run_folder.RUNNING
    assert wait_until_stopped(manager, run.id).state == run_folder.DONE


def test_cancel_keeps_a_loadable_checkpoint_and_resume_carries_on_from_it(manager):
    run = manager.start("qiita", LONG)
    wait_until(lambda: "epoch" in kinds(manager.run(run.id).progress()), WAIT_S, "the first epoch")
    manager.cancel(run.id)
    cancelled = wait_until_stopped(manager, run.id)
    assert cancelled.state == run_folder.CANCELLED, cancelled.log_tail()
    assert cancelled.resumable and cancelled.has_checkpoint
    stopped_at = cancelled.status["step"]
    assert 0 < stopped_at < cancelled.status["total_steps"]
    assert load_model(cancelled.folder / run_folder.CHECKPOINT_FILE).weights.recurrent[0].units == 16
    assert_whole_files(cancelled.folder)
    with pytest.raises(RunError, match="not running"):
        manager.cancel(run.id)

    resumed = manager.resume(run.id)
    assert resumed.state == run_folder.RUNNING
    wait_until(lambda: "resume" in kinds(manager.run(run.id).progress()), WAIT_S, "the resume record")
    manager.cancel(run.id)  # stop again: resuming twice must work as well as once
    again = wait_until_stopped(manager, run.id)
    assert again.state == run_folder.CANCELLED and again.status["step"] >= stopped_at
    steps = [record["step"] for record in again.progress() if record["kind"] == "batch"]
    assert steps == sorted(steps) and len(set(steps)) == len(steps), "steps must keep counting up over a resume"
    first_after_resume = next(r for r in again.progress() if r["kind"] == "resume")
    assert first_after_resume["step"] == stopped_at


def test_a_killed_run_is_marked_failed_on_the_next_read(manager):
    run = manager.start("qiita", LONG)
    wait_until(lambda: "batch" in kinds(manager.run(run.id).progress()), WAIT_S, "the first batch")
    os.kill(run.status["pid"], signal.SIGKILL)
    failed = wait_until_stopped(manager, run.id)
    assert failed.state == run_folder.FAILED and failed.status.get("interrupted")
    assert "killed" in failed.status["message"]
    assert_whole_files(failed.folder)
    assert run_folder.read_status(failed.folder)["state"] == run_folder.FAILED  # written back for everyone
    assert failed.resumable
    assert manager.active() is None  # the next run may start


# --- hand-made run folders -------------------------------------------------------------------------------------------


def test_a_running_status_whose_pid_is_someone_else_is_not_believed(tmp_path):
    manager = RunManager(tmp_path)
    made_run(tmp_path, "20260101-120000-morvan", run_folder.RUNNING, pid=os.getpid())  # alive, but not training this folder
    run = manager.run("20260101-120000-morvan")
    assert run.state == run_folder.FAILED and run.status["interrupted"]
    assert manager.active() is None


def test_a_truncated_last_progress_line_is_tolerated(tmp_path):
    manager = RunManager(tmp_path)
    records = [{"kind": "start", "total_steps": 100, "epochs": 2, "train_samples": 6400, "config": {"batch_size": 128}}]
    records += [{"kind": "batch", "step": step, "epoch": 1, "loss": 1.0, "accuracy": 0.5, "samples_per_s": 900.0} for step in (10, 20)]
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.CANCELLED, records=records)
    with open(folder / progress.PROGRESS_FILE, "a") as file:
        file.write('{"kind": "batch", "step": 30, "lo')
    summary = progress.summarise(manager.run(folder.name).progress())
    assert summary.step == 20 and summary.total_steps == 100 and summary.samples_per_s == 900.0
    assert summary.eta_s is not None and summary.eta_s > 0


def test_a_damaged_model_is_listed_with_its_problem_and_never_chosen(tmp_path):
    registry = ModelRegistry(tmp_path)
    broken = made_run(tmp_path, "20260101-120000-morvan", run_folder.DONE)
    (broken / run_folder.MODEL_FILE).write_bytes(b"this is not a keras file")
    not_keras = made_run(tmp_path, "20260101-130000-morvan", run_folder.DONE)
    with zipfile.ZipFile(not_keras / run_folder.MODEL_FILE, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a model")
    entries = {entry.id: entry for entry in registry.models()}
    assert entries[SHIPPED].problem is None and entries[SHIPPED].shipped
    assert "damaged" in entries[broken.name].problem
    with pytest.raises(RegistryError, match="cannot be used"):
        registry.set_default(broken.name)
    with pytest.raises(ModelLoadError):  # the deep check happens when it is loaded
        load_model(entries[not_keras.name].path)
    (tmp_path / "default.json").write_text(json.dumps({"model": broken.name}))
    assert registry.default_model_id() == SHIPPED


def test_default_and_delete(tmp_path):
    manager = RunManager(tmp_path)
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.DONE)
    (folder / run_folder.MODEL_FILE).write_bytes(Path(__file__).parent.parent.joinpath("model/weights/default.keras").read_bytes())
    assert manager.registry.default_model_id() == SHIPPED
    manager.registry.set_default(folder.name)
    assert ModelRegistry(tmp_path).default_model_id() == folder.name
    manager.delete(folder.name)
    assert not folder.exists() and manager.registry.default_model_id() == SHIPPED
    with pytest.raises(RunError, match="no run"):
        manager.delete(folder.name)
    with pytest.raises(RunError, match="no run"):
        manager.run("../../etc")  # ids are checked, never used as paths


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"epochs": -3}, "epochs must be 1 to 1000"),
        ({"layers": 10_000}, "layers must be 1 to 3"),
        ({"learning_rate": 5.0}, "learning rate must be in"),
        ({"limit": 5}, "limit must be at least 20"),
        ({"data_dir": "/etc"}, "unknown settings"),
    ],
)
def test_bad_settings_are_refused_before_anything_starts(tmp_path, overrides, message):
    with pytest.raises(ValueError, match=message):
        preset("morvan", **overrides)
    with pytest.raises(ValueError, match=message):
        RunManager(tmp_path).start("morvan", overrides)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("preset_name", sorted(PRESETS))
def test_every_setting_of_the_form_reaches_the_training_process(tmp_path, monkeypatch, preset_name):
    """The command a run is launched with, and the config.json it names, read back by the CLI, give the settings asked for."""
    base = PRESETS[preset_name]
    overrides = {"epochs": 2, "units": 16, "learning_rate": 0.0025, "limit": 500, "augment": not base.augment}
    launched = []
    monkeypatch.setattr(RunManager, "_launch", lambda manager, folder, command: launched.append(command))
    RunManager(tmp_path).start(preset_name, overrides)
    (command,) = launched
    assert command[:3] == [sys.executable, "-m", "training"]
    assert new_run_config(parse_args(command[3:])) == (preset_name, preset(preset_name, **overrides))
    assert new_run_config(parse_args(command[3:]))[1].augment is not base.augment


# --- links and damaged files in the runs folder (issue 14, items 6 and 8) ----------------------------------------------


def test_a_run_folder_that_is_a_link_cannot_be_used_and_deleting_it_removes_only_the_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    target = made_run(elsewhere, "20260101-120000-morvan", run_folder.CANCELLED)
    runs = tmp_path / "runs"
    runs.mkdir()
    (runs / target.name).symlink_to(target, target_is_directory=True)
    manager = RunManager(runs)
    (run,) = manager.runs()
    assert run.state == run_folder.FAILED and not run.resumable and "the run folder is a link" in run.status["message"]
    assert "cannot be used" in run.status["message"] and str(tmp_path) not in run.status["message"]
    with pytest.raises(RunError, match="cannot be used"):
        manager.resume(run.id)
    manager.delete(run.id)
    assert not (runs / target.name).is_symlink() and not (runs / target.name).exists()
    assert sorted(path.name for path in target.iterdir()) == sorted([run_folder.STATUS_FILE, run_folder.CONFIG_FILE])


def test_links_inside_a_run_folder_are_never_read_appended_to_or_resumed(tmp_path, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("a file of the server\n")
    runs = tmp_path / "runs"
    folder = made_run(runs, "20260101-120000-morvan", run_folder.CANCELLED)
    for name in (progress.PROGRESS_FILE, run_folder.LOG_FILE):
        (folder / name).symlink_to(secret)
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: pytest.fail("a process was started"))
    manager = RunManager(runs)
    run = manager.run(folder.name)
    assert run.state == run_folder.FAILED and "is a link to another file" in run.status["message"]
    assert run.progress() == [] and run.log_tail() == ""
    with pytest.raises(RunError, match="cannot be used"):
        manager.resume(run.id)
    with pytest.raises(RunError, match="cannot be used"):
        manager._launch(folder, ["python", "-m", "training"])
    assert secret.read_text() == "a file of the server\n"
    manager.delete(run.id)  # the links go with the folder; what they point at stays
    assert not folder.exists() and secret.read_text() == "a file of the server\n"


def test_a_status_json_that_is_a_link_is_not_written_through(tmp_path):
    outside = tmp_path / "outside.json"
    outside.write_text(json.dumps({"state": "running", "pid": 1, "updated_at": 1.0}))
    folder = tmp_path / "runs" / "20260101-120000-morvan"
    folder.mkdir(parents=True)
    (folder / run_folder.STATUS_FILE).symlink_to(outside)
    run = RunManager(tmp_path / "runs").run(folder.name)  # a running status whose process is gone would be marked failed
    assert run.state == run_folder.FAILED and "status.json is a link" in run.problem
    assert (folder / run_folder.STATUS_FILE).is_symlink() and json.loads(outside.read_text())["state"] == "running"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        (run_folder.STATUS_FILE, '{"state": "done", "test_accuracy": "high"}'),
        (run_folder.STATUS_FILE, '{"state": "done", "test_accuracy": null}'),
        (run_folder.STATUS_FILE, '{"state": "running", "device": "GPU"}'),
        (run_folder.STATUS_FILE, '{"state": "cancelled", "step": "forty", "total_steps": 100}'),
        (run_folder.STATUS_FILE, '{"state": "running", "pid": [1]}'),
        (run_folder.LAUNCH_FILE, '{"pid": 12, "launched_at": "soon"}'),
        (run_folder.CONFIG_FILE, '{"preset": "**bold** [link](http://example.com)", "config": {}}'),
        (run_folder.CONFIG_FILE, '{"preset": "morvan", "config": "fast"}'),
    ],
)
def test_a_run_whose_files_are_damaged_is_listed_as_unusable_with_the_reason(tmp_path, name, text):
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.CANCELLED)
    (folder / name).write_text(text)
    manager = RunManager(tmp_path)
    (run,) = manager.runs()
    assert run.state == run_folder.FAILED and not run.resumable and f"its {name} is damaged" in run.problem
    assert run.status == {"state": run_folder.FAILED, "message": f"This run cannot be used: {run.problem}."}
    assert manager.active() is None and run.progress() == []
    with pytest.raises(RunError, match="cannot be used"):
        manager.resume(run.id)
    manager.delete(run.id)
    assert not folder.exists()


# --- runs in the order they started, and the running one wherever it is (issue 14, item 12) ------------------------


def test_runs_are_listed_by_when_they_started_not_by_their_names(tmp_path):
    """At the end of summer time the clock goes back an hour: a later run can get an earlier local-time name."""
    manager = RunManager(tmp_path)
    first = made_run(tmp_path, "20261025-024500-morvan", run_folder.DONE)  # 02:45 summer time
    second = made_run(tmp_path, "20261025-021500-qiita", run_folder.DONE)  # 02:15 winter time, half an hour later
    run_folder.write_status(first, run_folder.DONE, pid=1, started_at=1_793_000_000.0)
    run_folder.write_status(second, run_folder.DONE, pid=1, started_at=1_793_001_800.0)
    old = made_run(tmp_path, "20260101-120000-morvan", run_folder.CANCELLED)  # no recorded start: its name tells
    assert [run.id for run in manager.runs()] == [second.name, first.name, old.name]
    run_folder.write_launch(old, 1, ["-m", "training"])  # resumed now: it keeps its place, started long before
    assert [run.id for run in manager.runs()][-1] == old.name


def test_the_running_run_is_found_wherever_it_sits(tmp_path):
    manager = RunManager(tmp_path)
    older = made_run(tmp_path, "20260101-120000-morvan", run_folder.CANCELLED)
    made_run(tmp_path, "20260102-120000-qiita", run_folder.DONE)
    with stand_in_process(older) as training:
        run_folder.write_status(older, run_folder.RUNNING, pid=training.pid, started_at=1_767_261_600.0)
        assert manager.runs()[0].id != older.name
        assert manager.active().id == older.name and manager.active().state == run_folder.RUNNING
        with pytest.raises(RunInProgress) as refused:
            manager.start("qiita", {"limit": 600, "epochs": 1, "units": 16})
        assert refused.value.run.id == older.name


# --- a cancel before the process can answer it (issue 14, item 14) -------------------------------------------------


@pytest.mark.parametrize("earlier", [None, run_folder.CANCELLED, run_folder.FAILED])
def test_a_cancel_while_the_process_is_still_starting_reads_as_cancelled(tmp_path, earlier):
    """The process dies of SIGTERM before its handler exists (Keras still importing): cancelled, not crashed."""
    manager = RunManager(tmp_path)
    folder = tmp_path / "20260101-120000-morvan"
    folder.mkdir()
    run_folder.write_config(folder, "morvan", preset("morvan", epochs=1).to_dict())
    if earlier:  # a resume of a run that had stopped before
        run_folder.write_status(folder, earlier, pid=1, step=40, total_steps=100, message="before")
    with stand_in_process(folder) as training:
        run_folder.write_launch(folder, training.pid, ["-m", "training", "--out", str(folder)])
        assert manager.run(folder.name).state == run_folder.RUNNING
        manager.cancel(folder.name)
        training.wait()  # it died of the signal, saying nothing
    run = manager.run(folder.name)
    assert run.state == run_folder.CANCELLED and run.status["message"] == "Cancelled before training began."
    assert not run.status.get("interrupted") and run.resumable
    assert run_folder.read_status(folder)["state"] == run_folder.CANCELLED  # written back for everyone


def test_a_process_killed_without_a_cancel_still_reads_as_failed(tmp_path):
    manager = RunManager(tmp_path)
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.CANCELLED)
    with stand_in_process(folder) as training:
        run_folder.write_launch(folder, training.pid, ["-m", "training", "--out", str(folder)])
        assert manager.run(folder.name).state == run_folder.RUNNING
    run = manager.run(folder.name)
    assert run.state == run_folder.FAILED and run.status["interrupted"] and "killed" in run.status["message"]


# --- partial files of a killed process (issue 14, item 17) ---------------------------------------------------------


def test_resume_clears_what_killed_processes_left_half_written(tmp_path, monkeypatch):
    manager = RunManager(tmp_path)
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.FAILED)
    (folder / run_folder.CHECKPOINT_FILE).write_bytes(b"the last checkpoint")
    temporaries = temporaries_of_a_kill(folder)
    launched = []
    monkeypatch.setattr(RunManager, "_launch", lambda manager, folder, command: launched.append(folder))
    manager.resume(folder.name)
    assert launched == [folder] and not any(path.exists() for path in temporaries)
    assert (folder / run_folder.CHECKPOINT_FILE).read_bytes() == b"the last checkpoint"


# --- names (issue 27) --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Class 9B's model ", "Class 9B's model"),
        ("Class\n9B's\tmodel", "Class 9B's model"),  # on one line
        ("9B\u202e ledom\x00", "9B ledom"),  # no control characters, no right-to-left override
        ("x" * 100, "x" * run_folder.NAME_CHARS),
        ("   \t\n ", None),  # only spaces: no name
        ("", None),
        (None, None),
    ],
)
def test_a_run_keeps_the_name_it_was_given_on_one_line_and_at_most_30_characters(tmp_path, monkeypatch, typed, kept):
    monkeypatch.setattr(RunManager, "_launch", lambda manager, folder, command: None)
    run = RunManager(tmp_path).start("lesson", {}, name=typed)
    saved = json.loads((run.folder / run_folder.CONFIG_FILE).read_text())
    assert saved.get("name") == kept and run.name == kept
    assert run.label == " · ".join(part for part in (kept, "lesson", run_folder.readable_time(run.started_at)) if part)
    run_folder.write_config(run.folder, "lesson", saved["config"])  # as the training process writes them again
    assert RunManager(tmp_path).run(run.id).name == kept


def test_a_run_from_before_names_is_named_by_its_recipe_and_its_time(tmp_path):
    made_run(tmp_path, "20261207-064439-lesson", run_folder.CANCELLED)  # a morvan config.json, without a name
    (run,) = RunManager(tmp_path).runs()
    assert run.name is None and run.label == f"morvan · {run_folder.readable_time(run.started_at)}"
    assert run.label.startswith("morvan · 7 Dec") and run.label.endswith(", 06:44")  # 7 Dec 2026 in another year
    with pytest.raises(RunError, match="^The run “morvan · 7 Dec"):
        RunManager(tmp_path).cancel(run.id)


def test_a_time_is_said_as_people_say_it():
    moment = time.mktime((2026, 3, 5, 9, 7, 0, 0, 0, -1))
    assert run_folder.readable_time(moment, now=moment + 86400) == "5 Mar, 09:07"
    assert run_folder.readable_time(moment, now=moment + 400 * 86400) == "5 Mar 2026, 09:07"  # not this year's


# --- a disk that is full, read-only or failing (issue 28, item 6) -----------------------------------------------------

FAULTS = [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EIO]


@pytest.mark.parametrize("number", FAULTS, ids=errno.errorcode.get)
def test_a_start_the_disk_refuses_at_any_step_is_told_in_words_and_leaves_no_run(tmp_path, monkeypatch, number):
    """Wherever the start's writes begin to fail (the lock, the folder, its settings, the log, the launch record)."""
    monkeypatch.setattr("training.runs._start_process", no_training_process)
    for after in range(7):
        root = tmp_path / f"after-{after}"
        root.mkdir()
        try:
            with faulty_disk(root, number, after):
                RunManager(root).start("lesson", TINY)
        except RunError as refused:
            told = str(refused)
            assert ", so the run could not start: " in told and told.endswith("press Start again."), told
            assert "Errno" not in told and str(tmp_path) not in told and not problems_in(told), told
            assert RunManager(root).runs() == []
            left = [path.name for path in root.iterdir() if path.name != run_folder.LOCK_FILE]
            assert left == [] or number not in run_folder.DISK_FULL, left  # a full disk still removes what was begun
        else:
            assert len(RunManager(root).runs()) == 1, after  # the fault came after the start's last write


def test_a_resume_the_disk_refuses_leaves_the_run_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setattr("training.runs._start_process", no_training_process)
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.CANCELLED)
    status = (folder / run_folder.STATUS_FILE).read_text()
    with faulty_disk(tmp_path, errno.ENOSPC, after=1), pytest.raises(RunError) as refused:  # the lock taken, then full
        RunManager(tmp_path).resume(folder.name)
    assert str(refused.value) == (
        "There is no room left on this computer's disk, so the run could not be resumed: free some space and press Resume again."
    )
    run = RunManager(tmp_path).run(folder.name)
    assert run.state == run_folder.CANCELLED and run.resumable and (folder / run_folder.STATUS_FILE).read_text() == status
    assert not (folder / run_folder.LAUNCH_FILE).exists()


def test_deleting_the_default_run_works_on_a_full_disk_so_that_room_can_be_made(tmp_path):
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.DONE)
    (folder / run_folder.MODEL_FILE).write_bytes(Path(REPO_ROOT, "model/weights/default.keras").read_bytes())
    manager = RunManager(tmp_path)
    manager.registry.set_default(folder.name)
    (tmp_path / run_folder.LOCK_FILE).touch()
    with faulty_disk(tmp_path, errno.ENOSPC):
        manager.delete(folder.name)
    assert not folder.exists() and manager.registry.default_model_id() == SHIPPED


def test_a_cancel_on_a_read_only_disk_still_stops_the_run(tmp_path):
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.CANCELLED)
    with stand_in_process(folder) as training:
        run_folder.write_status(folder, run_folder.RUNNING, pid=training.pid)
        with faulty_disk(tmp_path, errno.EROFS):
            RunManager(tmp_path).cancel(folder.name)  # its note in launch.json cannot be written; the signal is sent
            assert training.wait(timeout=WAIT_S) == -signal.SIGTERM


def test_a_run_that_died_as_the_disk_filled_is_read_without_error_and_said_so(tmp_path):
    folder = made_run(tmp_path, "20260101-120000-morvan", run_folder.RUNNING, pid=os.getpid())  # gone without a word
    with faulty_disk(tmp_path, errno.ENOSPC):
        run = RunManager(tmp_path).run(folder.name)
    assert run.state == run_folder.FAILED and "the disk is full: free some space, then resume it" in run.status["message"]
    assert run_folder.read_status(folder)["state"] == run_folder.RUNNING  # not written: told to this reader only
    assert RunManager(tmp_path).run(folder.name).status["message"].startswith("The training process stopped without finishing")


def test_a_run_folder_never_launched_is_not_listed(tmp_path):
    """A start that failed after making its folder, where the disk would not even let it be removed."""
    (tmp_path / "20260101-120000-morvan").mkdir()
    run_folder.write_config(tmp_path / "20260101-120000-morvan", "morvan", {})
    assert RunManager(tmp_path).runs() == [] and RunManager(tmp_path).active() is None
