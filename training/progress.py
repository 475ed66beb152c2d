"""A run folder's files, as the training process writes them and any other process reads them.

progress.jsonl grows by whole lines, each written with one call and flushed,
so a reader sees complete records and at worst one half-written last line,
which it skips (TensorBoard's event files under tensorboard/ grow the same way,
and TensorBoard skips a half-written last event). config.json, status.json and
everything else is replaced atomically.
"""

import json
import os
import time
from pathlib import Path

from model.atomic import atomic_write_json

PROGRESS_FILE = "progress.jsonl"
STATUS_FILE = "status.json"
CHECKPOINT_FILE = "checkpoint.keras"
MODEL_FILE = "model.keras"
METADATA_FILE = "model.json"  # beside model.keras, as model/storage.py expects
LOG_FILE = "train.log"
CONFIG_FILE = "config.json"  # how the run was set up, so that --resume needs nothing else
TENSORBOARD_DIR = "tensorboard"  # event files for `tensorboard --logdir runs/`

RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"


class ProgressLog:
    """Appends JSON records to a run's progress file."""

    def __init__(self, run_dir: Path):
        self.path = Path(run_dir) / PROGRESS_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, kind: str, **fields) -> None:
        record = {"kind": kind, "time": round(time.time(), 3), **fields}
        line = json.dumps(record) + "\n"
        with open(self.path, "a", encoding="utf-8") as file:
            file.write(line)
            file.flush()
            os.fsync(file.fileno())


def read_progress(run_dir: Path) -> list[dict]:
    """All complete records; a truncated or garbled line is skipped, not fatal."""
    path = Path(run_dir) / PROGRESS_FILE
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def current_records(records: list[dict]) -> list[dict]:
    """The records of the training that led to the weights now in the folder.

    A resume goes back to the checkpoint's step, so records a dead process wrote
    after its last checkpoint are dropped; a start from scratch drops all before it.
    """
    kept: list[dict] = []
    for record in records:
        kind = record.get("kind")
        if kind == "start":
            kept = []
        elif kind == "resume":
            kept = [r for r in kept if r.get("kind") == "start" or r.get("step", 0) <= record.get("step", 0)]
        kept.append(record)
    return kept


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


def read_json_object(path: Path) -> dict | None:
    """A JSON object from a file, or None if it is missing, half-written or not an object."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):  # missing, a folder, unreadable
        return None
    return value if isinstance(value, dict) else None
