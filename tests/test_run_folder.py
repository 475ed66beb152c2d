"""training/run_folder.py: status and settings files read back whole or not at all, and whether a run's process lives."""

import errno
import json
import os
import subprocess

import pytest

from harness.waiting import wait_until
from tests.training_runs import stand_in_process, temporaries_of_a_kill
from training import run_folder, run_log
from training.presets import preset


def test_read_status(tmp_path):
    assert run_folder.read_status(tmp_path) is None  # no file yet
    run_folder.write_status(tmp_path, run_folder.RUNNING, step=3)
    status = run_folder.read_status(tmp_path)
    assert status["state"] == "running" and status["step"] == 3 and "updated_at" in status
    path = tmp_path / run_folder.STATUS_FILE
    full = path.read_text()
    path.write_text(full[: len(full) // 2])  # half written
    assert run_folder.read_status(tmp_path) is None
    path.write_text("")
    assert run_folder.read_status(tmp_path) is None
    path.write_bytes(b"\xff\xfe\x00")
    assert run_folder.read_status(tmp_path) is None
    path.write_text("[1, 2]")
    assert run_folder.read_status(tmp_path) is None
    assert not list(tmp_path.glob(".*.tmp*"))


def test_settings_read_back_as_written_or_refused_with_the_file_named(tmp_path):
    config = preset("morvan", epochs=2, units=16)
    run_folder.write_config(tmp_path, "morvan", config.to_dict())
    assert run_folder.read_settings(tmp_path / run_folder.CONFIG_FILE) == ("morvan", config)
    for text in ("{not json", json.dumps({"preset": "morvan"}), json.dumps({"config": {"epochs": 0}})):
        (tmp_path / run_folder.CONFIG_FILE).write_text(text)
        with pytest.raises(ValueError, match=run_folder.CONFIG_FILE) as refused:
            run_folder.read_settings(tmp_path / run_folder.CONFIG_FILE)
        assert str(tmp_path) not in str(refused.value)  # named by its run folder and name, never by a server path


def test_process_alive(tmp_path):
    assert not run_folder.process_alive(os.getpid())  # a status naming this very process is stale
    assert run_folder.process_alive(os.getppid())
    assert not run_folder.process_alive(os.getppid(), tmp_path)  # alive, but not training this folder
    assert not run_folder.process_alive(None) and not run_folder.process_alive("123") and not run_folder.process_alive(-1)
    finished = subprocess.Popen(["true"])
    finished.wait()
    assert not run_folder.process_alive(finished.pid)
    zombie = subprocess.Popen(["true"])  # exits, but nobody has reaped it yet
    wait_until(lambda: not run_folder.process_alive(zombie.pid), 60, "the exited child to count as not alive")
    zombie.wait()


# --- links: nothing is read or written through one (issue 14, item 6) ---------------------------------------------


def test_nothing_is_written_or_appended_through_a_link(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("a file of the server")
    folder = tmp_path / "runs" / "20260101-120000-morvan"
    folder.mkdir(parents=True)
    for name in (run_folder.STATUS_FILE, run_folder.LOG_FILE):
        (folder / name).symlink_to(secret)
    with pytest.raises(OSError, match="link"):
        run_folder.write_status(folder, run_folder.FAILED, message="x")
    with pytest.raises(OSError):
        run_folder.open_log(folder)
    assert secret.read_text() == "a file of the server" and (folder / run_folder.STATUS_FILE).is_symlink()
    assert run_folder.read_status(folder) is None and run_folder.read_log_tail(folder) == ""  # nor read through one

    linked_folder = tmp_path / "runs" / "20260101-130000-morvan"
    linked_folder.symlink_to(outside, target_is_directory=True)
    with pytest.raises(OSError, match="link"):
        run_folder.write_status(linked_folder, run_folder.RUNNING)
    with pytest.raises(OSError, match="link"):
        run_folder.write_config(linked_folder, "morvan", {})
    with pytest.raises(OSError, match="link"):
        run_folder.open_log(linked_folder)
    assert sorted(path.name for path in outside.iterdir()) == ["secret.txt"]


def test_a_run_folder_that_is_or_holds_a_link_cannot_be_used(tmp_path):
    folder = tmp_path / "20260101-120000-morvan"
    (folder / run_folder.TENSORBOARD_DIR / "train").mkdir(parents=True)
    run_folder.write_status(folder, run_folder.DONE, pid=1)
    assert run_folder.read_run_files(folder).problem is None and run_folder.read_run_files(folder).status["state"] == "done"
    (folder / run_folder.TENSORBOARD_DIR / "train" / "events").symlink_to("/etc/hostname")
    assert "its tensorboard/train/events is a link" in run_folder.read_run_files(folder).problem
    linked = tmp_path / "20260101-130000-morvan"
    linked.symlink_to(folder)
    files = run_folder.read_run_files(linked)
    assert "the run folder is a link" in files.problem and files.status is None


# --- every JSON file held against its shape (issue 14, item 8) -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ('{"state": "done", "test_accuracy": null}', "test_accuracy must be a number from 0 to 1"),
        ('{"state": "done", "test_accuracy": "high"}', "test_accuracy must be a number"),
        ('{"state": "done", "test_accuracy": NaN}', "test_accuracy must be a number"),
        ('{"state": "done", "test_accuracy": 1e999}', "test_accuracy must be a number"),
        ('{"state": "running", "device": "GPU"}', "device must be a JSON object"),
        ('{"state": "running", "device": {"kind": "GPU", "count": "two"}}', "device.count must be a whole number"),
        ('{"state": "cancelled", "step": "x"}', "step must be a whole number"),
        ('{"state": "cancelled", "step": 1' + "0" * 5000 + "}", "not readable JSON"),
        ('{"state": "running", "pid": "1"}', "pid must be a whole number"),
        ('{"state": "running", "updated_at": "now"}', "updated_at must be a number"),
        ('{"state": "asleep"}', "state must be one of running, done, cancelled, failed"),
        ('{"step": 3}', "state is missing"),
        ("[" * 100_000 + "]" * 100_000, "not readable JSON"),
        ('["done"]', "must be a JSON object"),
    ],
    ids=lambda value: value[:40],
)
def test_a_status_of_the_wrong_shape_is_refused_with_the_field_named(tmp_path, text, wrong):
    (tmp_path / run_folder.STATUS_FILE).write_text(text)
    assert run_folder.read_status(tmp_path) is None  # never a value of the wrong type for a page to format
    problem = run_folder.read_run_files(tmp_path).problem
    assert problem.startswith("its status.json is damaged") and wrong in problem


@pytest.mark.parametrize(
    ("name", "value", "wrong"),
    [
        (run_folder.LAUNCH_FILE, {"pid": 5, "launched_at": "soon"}, "launched_at must be a number"),
        (run_folder.LAUNCH_FILE, {"launched_at": 5.0}, "pid is missing"),
        (run_folder.CONFIG_FILE, {"preset": "[click](http://example.com)", "config": {}}, "preset must be a name"),
        (run_folder.CONFIG_FILE, {"preset": "morvan", "config": [1]}, "config must be a JSON object"),
    ],
)
def test_launch_and_config_files_are_held_to_their_shapes_too(tmp_path, name, value, wrong):
    (tmp_path / name).write_text(json.dumps(value))
    problem = run_folder.read_run_files(tmp_path).problem
    assert problem.startswith(f"its {name} is damaged") and wrong in problem


HUGE = 10**400  # a JSON integer Python parses, and that overflows a float: math.isfinite(HUGE) raises OverflowError


def test_an_integer_too_large_for_a_float_is_refused_in_words_not_raised(tmp_path):
    from model.storage import ModelLoadError, read_metadata
    from training.registry import SHIPPED, ModelRegistry

    (tmp_path / run_folder.STATUS_FILE).write_text(json.dumps({"state": "cancelled", "step": HUGE, "updated_at": HUGE}))
    assert "updated_at must be a number" in run_folder.read_run_files(tmp_path).problem
    (tmp_path / "model.json").write_text(json.dumps({"test_accuracy": 0.9, "test_samples": HUGE}))
    with pytest.raises(ModelLoadError, match="its model.json is damaged: test_samples must be a whole number"):
        read_metadata(tmp_path / "model.keras")
    (tmp_path / "default.json").write_text(json.dumps({"model": SHIPPED, "set_at": HUGE}))
    assert ModelRegistry(tmp_path).default_model_id() == SHIPPED


def test_what_the_writers_write_reads_back(tmp_path):
    """The shapes hold every file as the run manager and training write it."""
    device = {"kind": "GPU", "name": "NVIDIA H100", "count": 2, "backend": "tensorflow"}
    status = run_folder.RunStatus(tmp_path, started_at=1.0e9, resumed_at=1.1e9)
    status.remember(device=device, total_steps=None)
    status.write(run_folder.DONE, epoch=2, step=44, test_accuracy=0.97, message="done")
    run_folder.write_config(tmp_path, None, preset("default").to_dict())
    run_folder.write_launch(tmp_path, 1234, ["-m", "training", "--out", str(tmp_path)])
    run_folder.record_cancel_request(tmp_path)
    files = run_folder.read_run_files(tmp_path)
    assert files.problem is None and files.status["device"] == device and "cancel_requested_at" in files.launch


# --- what killed processes leave (issue 14, item 17) ---------------------------------------------------------------


def test_stale_temporaries_are_cleared_but_never_while_a_live_process_trains_the_folder(tmp_path):
    folder = tmp_path / "20260101-120000-morvan"
    folder.mkdir()
    run_folder.write_config(folder, "morvan", {})
    (folder / run_folder.CHECKPOINT_FILE).write_bytes(b"the checkpoint")
    temporaries = temporaries_of_a_kill(folder)
    with stand_in_process(folder) as training:
        run_folder.write_status(folder, run_folder.RUNNING, pid=training.pid)
        assert run_folder.clear_stale_temporaries(folder) == []  # it may be writing them right now
        assert all(path.exists() for path in temporaries)
    run_folder.write_status(folder, run_folder.FAILED, pid=training.pid)
    assert sorted(run_folder.clear_stale_temporaries(folder)) == sorted(path.name for path in temporaries)
    assert not any(path.exists() for path in temporaries)
    assert sorted(p.name for p in folder.iterdir()) == [run_folder.CHECKPOINT_FILE, run_folder.CONFIG_FILE, run_folder.STATUS_FILE]


def test_a_log_shown_on_a_page_has_no_traceback_no_exception_names_and_no_server_paths():
    log = "\n".join([
        "Training preset 'lesson' on CPU (2 threads) into /srv/class/runs/20261124-101010-lesson",
        "430/430 - 20s - loss: 0.5",
        "Traceback (most recent call last):",
        '  File "/work/main/training/train.py", line 12, in <module>',
        "    main()",
        "ValueError: could not broadcast input array from shape (3,) into shape (4,)",
    ])  # fmt: skip
    shown = run_log.readable_log(log)
    assert "Traceback" not in shown and "File" not in shown and "ValueError" not in shown
    assert "/srv" not in shown and "/work" not in shown
    assert "430/430 - 20s - loss: 0.5" in shown
    assert "into 20261124-101010-lesson" in shown
    assert shown.endswith("error: could not broadcast input array from shape (3,) into shape (4,)")


# --- a disk that fills while the run trains (issue 28, item 6) -------------------------------------------------------


def test_a_run_keeps_room_to_say_that_the_disk_filled(tmp_path, monkeypatch):
    """While it trains, a run keeps a little room; a status the full disk refuses is written in that room."""
    status = run_folder.RunStatus(tmp_path)
    status.write(run_folder.RUNNING, step=1)
    reserve = tmp_path / run_folder.RESERVE_FILE
    assert reserve.stat().st_size == run_folder.RESERVE_BYTES

    writes = run_folder.atomic_write_json

    def full_unless_room_was_freed(path, value):  # a disk with no room at all, but the reserve's
        if reserve.exists():
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        writes(path, value)

    monkeypatch.setattr(run_folder, "atomic_write_json", full_unless_room_was_freed)
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "checkpoint.keras"))
    status.write(run_folder.FAILED, message=run_log.disk_fault_words(error, "the run stopped", "resume it from its last checkpoint"))
    assert run_folder.read_status(tmp_path)["message"] == (
        "There is no room left on this computer's disk, so the run stopped: free some space and resume it from its last checkpoint."
    )
    assert not reserve.exists()
    run_folder.RunStatus(tmp_path).write(run_folder.DONE)  # a run that ends gives its room back
    assert not reserve.exists()


@pytest.mark.parametrize(
    ("number", "cause"),
    [
        (errno.ENOSPC, "there is no room left on this computer's disk"),
        (errno.EDQUOT, "the room this server may use on the disk is used up"),
        (errno.EROFS, "the runs folder is on a disk that cannot be written to"),
        (errno.EACCES, "the server is not allowed to write in the runs folder"),
        (errno.EIO, "the disk reported a fault"),
    ],
)
def test_an_os_error_in_a_log_is_said_in_words(number, cause):
    line = f"no report for the Look inside page: [Errno {number}] {os.strerror(number)}: '/srv/runs/x/.model.report.ab12cd34.tmp.npz'"
    assert run_log.readable_log(line) == f"no report for the Look inside page: {cause}"
    assert run_log.readable_log(f"OSError: [Errno {number}] {os.strerror(number)}") == f"error: {cause}"
