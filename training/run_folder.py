"""What a run folder holds, and whether the process that says it is training it still is.

    runs/<run id>/
        config.json      the settings ({"preset": ..., "config": TrainConfig.to_dict()}): all a process needs to start or resume
        launch.json      written by the run manager the moment it starts the process, before the process has said anything
        status.json      running, done, cancelled or failed, with the process's pid, the device and how far it got
        progress.jsonl   what the process reports as it goes (training/progress.py)
        train.log        its output
        checkpoint.keras, model.keras, with their .json metadata; model.report.npz; tensorboard/

Every file here but the growing ones (progress.jsonl, train.log, TensorBoard's
events) is replaced atomically, so a reader never sees half of one. Run ids are
made by the run manager and checked against RUN_ID, so nothing a user types
becomes a path.
"""

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from model.files import atomic_write_json, read_json_object
from training.presets import TrainConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUNS_DIR = REPO_ROOT / "runs"
RUNS_ENV = "ROW_READER_RUNS"  # where runs go, if not runs/ in the project
RUN_ID = re.compile(r"^\d{8}-\d{6}-[a-z]+(-\d+)?$")  # 20260101-120000-morvan, -1, -2 ... when started in the same second

CONFIG_FILE = "config.json"
LAUNCH_FILE = "launch.json"
STATUS_FILE = "status.json"
LOG_FILE = "train.log"
CHECKPOINT_FILE = "checkpoint.keras"
MODEL_FILE = "model.keras"
METADATA_FILE = "model.json"  # beside model.keras, as model/storage.py expects
TENSORBOARD_DIR = "tensorboard"  # event files for `tensorboard --logdir runs/`
LOCK_FILE = ".lock"  # in the runs root

RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"


def runs_root(root: str | os.PathLike | None = None) -> Path:
    """The folder of all runs: the one given, else $ROW_READER_RUNS, else runs/ in the project."""
    return Path(root or os.environ.get(RUNS_ENV) or DEFAULT_RUNS_DIR)


@contextmanager
def runs_locked(root: Path) -> Iterator[None]:
    """One critical section per runs root, for threads and processes alike: starting, resuming, deleting, the default."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_status(run_dir: Path, state: str, **fields) -> None:
    atomic_write_json(Path(run_dir) / STATUS_FILE, {"state": state, "updated_at": time.time(), **fields})


class RunStatus:
    """Writes status.json; what is known once (pid, start time, device) goes into every later write."""

    def __init__(self, run_dir: Path, **known):
        self.run_dir = Path(run_dir)
        self.known = {"pid": os.getpid(), **known}

    def remember(self, **known) -> None:
        self.known.update(known)

    def write(self, state: str, **fields) -> None:
        write_status(self.run_dir, state, **{**self.known, **fields})


def read_status(run_dir: Path) -> dict | None:
    return read_json_object(Path(run_dir) / STATUS_FILE)


def write_config(run_dir: Path, preset_name: str | None, config: dict) -> None:
    """config is TrainConfig.to_dict(); preset_name is the recipe it started from, or None."""
    atomic_write_json(Path(run_dir) / CONFIG_FILE, {"preset": preset_name, "config": config})


def read_config(run_dir: Path) -> dict | None:
    """{"preset": ..., "config": {...}}, or None when the file is missing or unreadable."""
    value = read_json_object(Path(run_dir) / CONFIG_FILE)
    return value if value is not None and isinstance(value.get("config"), dict) else None


def read_settings(config_path: Path) -> tuple[str | None, TrainConfig]:
    """The recipe name and the checked settings in a config.json; ValueError saying what is wrong with the file."""
    saved = read_json_object(config_path)
    if saved is None or not isinstance(saved.get("config"), dict):
        raise ValueError(f"{config_path} is missing or unreadable")
    try:
        config = TrainConfig.from_dict(saved["config"])
    except (TypeError, ValueError) as error:
        raise ValueError(f"{config_path} holds invalid settings ({error})") from None
    preset_name = saved.get("preset")
    return (preset_name if isinstance(preset_name, str) else None), config


def write_launch(run_dir: Path, pid: int, command: list[str]) -> None:
    atomic_write_json(Path(run_dir) / LAUNCH_FILE, {"pid": pid, "launched_at": time.time(), "command": command})


def read_launch(run_dir: Path) -> dict | None:
    return read_json_object(Path(run_dir) / LAUNCH_FILE)


def process_alive(pid, run_dir: Path | None = None) -> bool:
    """Whether pid names a live process other than this one and, given its run folder, one still training that folder.

    A zombie waiting to be reaped is not alive, and a pid reused by another
    process after the training process died does not name it (its command line
    names the folder).
    """
    if not isinstance(pid, int) or pid <= 0 or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    proc = Path(f"/proc/{pid}")
    if not proc.is_dir():
        return True  # no /proc here: that it exists is all one can tell
    try:
        if proc.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            return False
        return run_dir is None or str(run_dir) in proc.joinpath("cmdline").read_bytes().decode(errors="replace")
    except (OSError, IndexError):
        return False  # it ended while we looked
