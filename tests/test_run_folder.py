"""training/run_folder.py: status and settings files read back whole or not at all, and whether a run's process lives."""

import json
import os
import subprocess

import pytest

from harness.waiting import wait_until
from training import run_folder
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
        with pytest.raises(ValueError, match=run_folder.CONFIG_FILE):
            run_folder.read_settings(tmp_path / run_folder.CONFIG_FILE)


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
