"""Training runs started on behalf of an app: one at a time, each in its own process and folder.

The run manager launches `python -m training` as a separate process (never a
thread of the web server), on every core but one and at a lower priority so
that the server stays quick for the students drawing meanwhile
(training/devices.py), with its own run folder under the runs root, and
reads everything back from the folders, so every browser, and a restarted
server, sees the same runs. A run whose process died without saying so
(killed, out of memory, machine restarted) is marked failed the next time
anyone looks. Run ids are made here and checked against the folder listing,
so nothing a user types becomes a path.
"""

import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from model.atomic import atomic_write_json
from model.storage import DEFAULT_MODEL_PATH, ModelLoadError, metadata_path, model_file_problem, read_metadata
from training import progress
from training.devices import beside_server_environment
from training.presets import PRESETS, TrainConfig, preset

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUNS_DIR = REPO_ROOT / "runs"
LAUNCH_FILE = "launch.json"  # written by the manager the moment the process starts, before it has said anything
DEFAULT_FILE = "default.json"  # in the runs root: which model reads digits for everyone
LOCK_FILE = ".lock"
SHIPPED = "shipped"  # the id of the model that ships in model/weights
RUN_ID = re.compile(r"^\d{8}-\d{6}-[a-z]+(-\d+)?$")
LOG_TAIL_LINES = 25

# Form fields and the command-line flags they become; anything left empty keeps the preset's value.
FLAGS = {
    "epochs": "--epochs",
    "lstm_layers": "--layers",
    "units": "--units",
    "batch_size": "--batch-size",
    "learning_rate": "--lr",
    "limit": "--limit",
    "seed": "--seed",
    "augment": "--augment",
}


class RunError(RuntimeError):
    """A request the manager refuses; the message says why, for a person to read."""


class RunInProgress(RunError):
    def __init__(self, run: "Run"):
        super().__init__(f"A training run is in progress ({run.id}). Watch it, or cancel it before starting another.")
        self.run = run


@dataclass(frozen=True)
class Run:
    id: str
    folder: Path
    state: str  # progress.RUNNING, DONE, CANCELLED or FAILED
    status: dict = field(repr=False)  # status.json as last written (plus what the manager found out)
    config: dict = field(repr=False)  # config.json's "config", {} before the process wrote it
    preset: str | None = None

    @property
    def model_path(self) -> Path:
        return self.folder / progress.MODEL_FILE

    @property
    def has_checkpoint(self) -> bool:
        return (self.folder / progress.CHECKPOINT_FILE).is_file()

    @property
    def resumable(self) -> bool:
        return self.state in (progress.CANCELLED, progress.FAILED) and bool(self.config)

    def progress(self) -> list[dict]:
        return progress.current_records(progress.read_progress(self.folder))

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            text = (self.folder / progress.LOG_FILE).read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])


@dataclass(frozen=True)
class ModelEntry:
    """A model that can read digits: the shipped one or a finished run's."""

    id: str
    path: Path
    metadata: dict
    problem: str | None = None  # why it cannot be used, found by a cheap check; None if it looks sound

    @property
    def shipped(self) -> bool:
        return self.id == SHIPPED

    @property
    def label(self) -> str:
        if self.shipped:
            return "Shipped model"
        name = (self.metadata.get("run") or {}).get("preset") or "run"
        return f"{name}, {self.id[:8]} {self.id[9:11]}:{self.id[11:13]}"


def probe_device() -> dict:
    """What a run would train on, asked of a short-lived process so that the caller never imports Keras."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "training.devices"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **beside_server_environment()},  # as a run would be
        )  # fmt: skip
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, json.JSONDecodeError, IndexError, OSError):
        return {"kind": "unknown", "name": "unknown device", "backend": "?"}


def training_command(run_folder: Path, preset_name: str | None, overrides: dict, data_dir: str | None, resume: bool) -> list[str]:
    command = [sys.executable, "-m", "training", "--out", str(run_folder)]
    if resume:
        command.append("--resume")
    else:
        command += ["--preset", preset_name]
        for key, value in overrides.items():
            if isinstance(value, bool):
                command.append(FLAGS[key] if value else FLAGS[key].replace("--", "--no-", 1))
            else:
                command += [FLAGS[key], repr(value) if isinstance(value, float) else str(value)]
    if data_dir:
        command += ["--data-dir", data_dir]
    return command


def checked_config(preset_name: str, overrides: dict) -> TrainConfig:
    """The configuration a form asks for, or ValueError saying what is wrong with it."""
    if preset_name not in PRESETS:
        raise ValueError(f"unknown preset {preset_name!r}")
    unknown = set(overrides) - set(FLAGS)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    return preset(preset_name, **overrides)


def _process_alive(pid: int, folder: Path) -> bool:
    """Is `pid` still the training process of `folder`? Guards against a pid reused after it died."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    child = _children.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        _children.pop(pid, None)
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process
    proc = Path(f"/proc/{pid}")
    if proc.is_dir():
        try:
            if proc.joinpath("stat").read_text().split(")")[-1].split()[0] == "Z":
                return False  # exited, waiting for a parent that is not us to reap it
            return str(folder) in proc.joinpath("cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return False
    return True


_children: dict[int, subprocess.Popen] = {}  # processes this server started, polled so that they are reaped


class RunManager:
    def __init__(self, root: str | os.PathLike | None = None, data_dir: str | None = None):
        self.root = Path(root or os.environ.get("ROW_READER_RUNS") or DEFAULT_RUNS_DIR)
        self.data_dir = data_dir

    # --- reading ----------------------------------------------------------------------------------------------------

    def runs(self) -> list[Run]:
        """Every run, newest first."""
        if not self.root.is_dir():
            return []
        folders = sorted((p for p in self.root.iterdir() if p.is_dir() and RUN_ID.match(p.name)), reverse=True)
        return [self._read(folder) for folder in folders]

    def run(self, run_id: str) -> Run:
        if not isinstance(run_id, str) or not RUN_ID.match(run_id) or not (self.root / run_id).is_dir():
            raise RunError(f"There is no run {run_id!r}.")
        return self._read(self.root / run_id)

    def active(self) -> Run | None:
        return next((run for run in self.runs() if run.state == progress.RUNNING), None)

    def _read(self, folder: Path) -> Run:
        status = progress.read_status(folder)
        launch = progress.read_json_object(folder / LAUNCH_FILE)
        settings = progress.read_config(folder) or {}
        if launch and launch.get("launched_at", 0) > (status or {}).get("updated_at", 0):
            # Launched (or resumed) and not yet heard from: the process is still importing Keras.
            status = {**(status or {}), "state": progress.RUNNING, "pid": launch.get("pid"), "message": "starting"}
        status = status or {"state": progress.FAILED, "message": "the run folder has no status"}
        if status.get("state") == progress.RUNNING and not _process_alive(status.get("pid"), folder):
            status = self._mark_interrupted(folder, status)
        config = settings.get("config") if isinstance(settings.get("config"), dict) else {}
        return Run(folder.name, folder, status.get("state", progress.FAILED), status, config, settings.get("preset"))

    def _mark_interrupted(self, folder: Path, status: dict) -> dict:
        """The process is gone but never said so: record that, so everyone sees the same."""
        latest = progress.read_status(folder)
        if latest and latest.get("state") != progress.RUNNING:
            return latest  # it finished between our two reads
        message = "The training process stopped without finishing: it was killed, ran out of memory, or the machine restarted."
        fields = {key: value for key, value in status.items() if key not in ("state", "updated_at", "message")}
        progress.write_status(folder, progress.FAILED, message=message, interrupted=True, **fields)
        return progress.read_status(folder) or {"state": progress.FAILED, "message": message}

    # --- starting and stopping --------------------------------------------------------------------------------------

    def start(self, preset_name: str, overrides: dict | None = None) -> Run:
        """Start a run; RunInProgress if one is going (from any browser), ValueError if the settings are wrong."""
        overrides = {key: value for key, value in (overrides or {}).items() if value is not None}
        checked_config(preset_name, overrides)
        with self._locked():
            self._refuse_if_busy()
            folder = self._new_folder(preset_name)
            self._launch(folder, training_command(folder, preset_name, overrides, self.data_dir, resume=False))
            return self._read(folder)

    def resume(self, run_id: str) -> Run:
        run = self.run(run_id)
        if not run.resumable:
            raise RunError(f"Run {run_id} is {run.state}; only a cancelled or failed run can be resumed.")
        with self._locked():
            self._refuse_if_busy()
            self._launch(run.folder, training_command(run.folder, None, {}, self.data_dir, resume=True))
            return self._read(run.folder)

    def cancel(self, run_id: str) -> None:
        """Ask the run to stop after its current batch; it keeps its last checkpoint and says "cancelled"."""
        run = self.run(run_id)
        if run.state != progress.RUNNING:
            raise RunError(f"Run {run_id} is not running (it is {run.state}).")
        try:
            os.kill(run.status["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass  # it ended meanwhile; the next read says how

    def delete(self, run_id: str) -> None:
        run = self.run(run_id)
        with self._locked():
            if self._read(run.folder).state == progress.RUNNING:
                raise RunError(f"Run {run_id} is still running; cancel it first.")
            if self.default_model_id() == run_id:
                self._write_default(SHIPPED)
            shutil.rmtree(run.folder)

    def _refuse_if_busy(self) -> None:
        active = self.active()
        if active is not None:
            raise RunInProgress(active)

    def _new_folder(self, preset_name: str) -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for attempt in range(100):
            name = f"{stamp}-{preset_name}" + (f"-{attempt}" if attempt else "")
            try:
                (self.root / name).mkdir(parents=True)
                return self.root / name
            except FileExistsError:
                continue
        raise RunError("Could not make a run folder.")

    def _launch(self, folder: Path, command: list[str]) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2", **beside_server_environment()}
        with open(folder / progress.LOG_FILE, "ab") as log:
            log.write(f"$ {' '.join(command[1:])}\n".encode())
            log.flush()
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # survives a restart of the server, and the server's Ctrl-C
            )  # fmt: skip
        _children[process.pid] = process
        atomic_write_json(folder / LAUNCH_FILE, {"pid": process.pid, "launched_at": time.time(), "command": command[1:]})

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One server-wide critical section for starting, resuming and deleting (threads and processes alike)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK_FILE, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # --- models -----------------------------------------------------------------------------------------------------

    def models(self) -> list[ModelEntry]:
        """The shipped model first, then every finished run's model, newest first."""
        entries = [_entry(SHIPPED, DEFAULT_MODEL_PATH)]
        return entries + [_run_entry(run) for run in self.runs() if run.state == progress.DONE]

    def model(self, model_id: str) -> ModelEntry | None:
        """One model by id, read from its own run folder only: the Read page asks on every stroke."""
        if model_id == SHIPPED:
            return _entry(SHIPPED, DEFAULT_MODEL_PATH)
        if not isinstance(model_id, str) or not RUN_ID.match(model_id) or not (self.root / model_id).is_dir():
            return None
        run = self._read(self.root / model_id)
        return _run_entry(run) if run.state == progress.DONE else None

    def model_files(self, model_id: str) -> list[Path]:
        """The files `model(model_id)` reads: an answer about the model is current while none of them changes."""
        if model_id == SHIPPED:
            return [DEFAULT_MODEL_PATH, metadata_path(DEFAULT_MODEL_PATH)]
        if not isinstance(model_id, str) or not RUN_ID.match(model_id):
            return []
        folder = self.root / model_id
        names = (progress.STATUS_FILE, LAUNCH_FILE, progress.CONFIG_FILE, progress.MODEL_FILE)
        return [folder / name for name in names] + [metadata_path(folder / progress.MODEL_FILE)]

    def default_choice(self) -> str:
        """The model id in the runs root's default.json, usable or not (see default_model_id)."""
        return (progress.read_json_object(self.root / DEFAULT_FILE) or {}).get("model", SHIPPED)

    def default_model_id(self) -> str:
        chosen = self.default_choice()
        entry = self.model(chosen) if chosen != SHIPPED else None
        return chosen if entry is not None and entry.problem is None else SHIPPED

    def set_default(self, model_id: str) -> None:
        entry = self.model(model_id)
        if entry is None:
            raise RunError(f"There is no model {model_id!r}.")
        if entry.problem:
            raise RunError(f"That model cannot be used: {entry.problem}")
        with self._locked():
            self._write_default(model_id)

    def _write_default(self, model_id: str) -> None:
        atomic_write_json(self.root / DEFAULT_FILE, {"model": model_id, "set_at": time.time()})


def _run_entry(run: Run) -> ModelEntry:
    entry = _entry(run.id, run.model_path)
    metadata = {**entry.metadata, "run": {"preset": run.preset, "device": run.status.get("device")}}
    return ModelEntry(entry.id, entry.path, metadata, entry.problem)


def _entry(model_id: str, path: Path) -> ModelEntry:
    """A cheap look at a model file: present, a zip archive, readable metadata. Loading it is the real test."""
    problem, metadata = model_file_problem(path), {}
    if problem is None:
        try:
            metadata = read_metadata(path)
        except ModelLoadError as error:
            problem = str(error)
    return ModelEntry(model_id, path, metadata, problem)


@dataclass(frozen=True)
class RunProgress:
    """A run's progress file summed up for a progress bar and curves."""

    records: list[dict] = field(repr=False)
    step: int
    total_steps: int | None
    epoch: int
    epochs: int | None
    samples_per_s: float | None
    eta_s: float | None  # at the recent pace; None until there is a pace

    @property
    def fraction(self) -> float:
        return min(self.step / self.total_steps, 1.0) if self.total_steps else 0.0


def summarise(records: list[dict]) -> RunProgress:
    start = next((r for r in reversed(records) if r.get("kind") in ("start", "resume")), {})
    batches = [r for r in records if r.get("kind") == "batch" and r.get("time", 0) >= start.get("time", 0)]
    total = start.get("total_steps")
    last = batches[-1] if batches else {}
    step = last.get("step", start.get("step", 0))
    remaining = (total - step) if total else None
    recent = batches[-6:]  # the wall-clock pace over the last few records includes validation and checkpoints
    span = recent[-1]["time"] - recent[0]["time"] if len(recent) >= 2 else 0.0
    batch_size = (start.get("config") or {}).get("batch_size")
    eta = None
    if remaining is not None and span >= 1.0 and recent[-1]["step"] > recent[0]["step"]:
        eta = remaining * span / (recent[-1]["step"] - recent[0]["step"])
    elif remaining is not None and batch_size and last.get("samples_per_s"):
        eta = remaining * batch_size / last["samples_per_s"]
    return RunProgress(records, step, total, last.get("epoch", start.get("epoch", 0)), start.get("epochs"), last.get("samples_per_s"), eta)
