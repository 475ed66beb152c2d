"""Training runs started on behalf of an app: one at a time, each in its own process and folder.

The run manager owns every process the app starts: `python -m training` for a
run (never a thread of the web server), on every core but one and at a lower
priority so that the server stays quick for the students drawing meanwhile
(training/devices.py), and `python -m model.report` for a model's report. It
reads everything back from the run folders, so every browser, and a restarted
server, sees the same runs. A run whose process died without saying so
(killed, out of memory, machine restarted) is marked failed the next time
anyone looks, or cancelled if a cancel was asked before it could answer. A run
folder that is a link, holds one, or holds a damaged file is listed as one
that cannot be used, and is never written to, resumed or followed.

A disk that is full, read-only or failing is answered in words (RunError, from
run_log.disk_fault_words) and leaves nothing behind: a start that fails removes
its half-made folder, and a folder whose run was never launched is not listed.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from i18n import N_, _
from training import progress, run_folder, run_log
from training.devices import beside_server_environment
from training.presets import preset
from training.registry import DEFAULT_FILE, ModelRegistry
from training.run_folder import CANCELLED, FAILED, REPO_ROOT, RUNNING

LOG_TAIL_LINES = 25
REPORT_TIMEOUT_S = 600  # a report reads the 10,000 test digits once (bench/bench_report.py)


class RunError(RuntimeError):
    """A request the manager refuses; the message says why, for a person to read."""


class RunInProgress(RunError):
    def __init__(self, run: "Run"):
        super().__init__(_("A training run is in progress ({run}). Watch it, or cancel it before starting another.").format(run=run.label))
        self.run = run


@dataclass(frozen=True)
class Run:
    id: str
    folder: Path
    state: str  # RUNNING, DONE, CANCELLED or FAILED
    status: dict = field(repr=False)  # status.json as last written (plus what the manager found out)
    config: dict = field(repr=False)  # config.json's "config", {} before it was written
    preset: str | None = None
    started_at: float = 0.0  # when the run first started (seconds since 1970): runs are listed by it
    problem: str | None = None  # why the run cannot be used (a link, a damaged file); None for a sound run
    name: str | None = None  # the name the teacher gave it (config.json), if any

    @property
    def label(self) -> str:
        """How the run is named to people: "Class 9B's model · lesson · 7 Dec, 06:44"."""
        return run_folder.run_label(self.id, self.name, self.preset, self.started_at)

    @property
    def model_path(self) -> Path:
        return self.folder / run_folder.MODEL_FILE

    @property
    def has_checkpoint(self) -> bool:
        return (self.folder / run_folder.CHECKPOINT_FILE).is_file()

    @property
    def resumable(self) -> bool:
        return self.state in (CANCELLED, FAILED) and bool(self.config) and self.problem is None

    def progress(self) -> list[dict]:
        if self.problem is not None:
            return []  # its files may be links to anywhere
        return progress.current_records(progress.read_progress(self.folder))

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The end of the run's own lines, in words (training/run_log.py); the libraries' stay in train.log."""
        if self.problem is not None:
            return ""
        return run_log.run_log_tail(self.folder, lines)


def _ask(module: str, fallback: dict, *arguments: str) -> dict:
    """The JSON a short-lived `python -m <module>` prints last, so that the caller never imports Keras."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", module, *arguments], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **beside_server_environment()},  # as a run would be
        )  # fmt: skip
        answer = json.loads(result.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, json.JSONDecodeError, IndexError, OSError):
        return fallback
    return answer if isinstance(answer, dict) else fallback


def probe_device() -> dict:
    """What a run would train on."""
    return _ask("training.devices", {"kind": "unknown", "name": "unknown device", "backend": "?"})


def probe_pace(config: dict) -> dict:
    """How fast this machine trains a run's model (training/pace.py); {} if it could not be measured."""
    return _ask("training.pace", {}, json.dumps(config))


def training_command(folder: Path, data_dir: str | None, resume: bool = False) -> list[str]:
    """A new run trains from the config.json the manager wrote into its folder; a resumed one carries on from it."""
    command = [sys.executable, "-m", "training", "--out", str(folder)]
    command += ["--resume"] if resume else ["--config", str(folder / run_folder.CONFIG_FILE)]
    return command + (["--data-dir", data_dir] if data_dir else [])


def _start_process(command: list[str], env: dict, log) -> subprocess.Popen:
    """The training process, in a session of its own, writing into the log; RunError if the server cannot start one."""
    # A Cancel in the process's first milliseconds waits until its handler exists (training/__main__.py).
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        return subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # survives a restart of the server, and the server's Ctrl-C
        )  # fmt: skip
    except OSError:  # out of memory or processes: not the disk's doing
        raise RunError(_("The training process could not be started on this server: ask whoever looks after it.")) from None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


_children: dict[int, subprocess.Popen] = {}  # training processes this server started, polled so that they are reaped
_building_report = threading.Lock()  # one report build at a time per server, whoever asks


def _reap_children() -> None:
    for pid, child in list(_children.items()):
        if child.poll() is not None:
            _children.pop(pid, None)


@contextmanager
def _told_in_words(outcome: str, again: str) -> Iterator[None]:
    """A fault of the disk (or any OSError) under this block becomes a RunError a person can read."""
    try:
        yield
    except OSError as error:
        raise RunError(run_log.disk_fault_words(error, outcome, again)) from None


class RunManager:
    def __init__(self, root: str | os.PathLike | None = None, data_dir: str | None = None):
        self.root = run_folder.runs_root(root)
        self.data_dir = data_dir
        self.registry = ModelRegistry(self.root)

    # --- reading ----------------------------------------------------------------------------------------------------

    def runs(self) -> list[Run]:
        """Every run, the latest started first (by the times its files record: names in local time misorder)."""
        return sorted(map(self._read, self._folders()), key=lambda run: (run.started_at, run.id), reverse=True)

    def run(self, run_id: str) -> Run:
        folder = self.root / run_id if isinstance(run_id, str) and run_folder.RUN_ID.match(run_id) else None
        if folder is None or not (folder.is_symlink() or folder.is_dir()):
            raise RunError(_("There is no run {run}.").format(run=repr(run_id)))
        return self._read(folder)

    def active(self) -> Run | None:
        """The run in progress, wherever it sits among the others; only folders whose files say so are read in full."""
        claiming = [self._read(folder) for folder in self._folders() if not folder.is_symlink() and run_folder.claims_running(folder)]
        return max((run for run in claiming if run.state == RUNNING), key=lambda run: (run.started_at, run.id), default=None)

    def _folders(self) -> list[Path]:
        """Every entry of the runs root named as a run, once launched: folders, and links posing as folders (listed,
        never followed). A folder whose run was never launched (a start that failed, or is under way) is no run yet."""
        if not self.root.is_dir():
            return []
        named = [path for path in self.root.iterdir() if run_folder.RUN_ID.match(path.name)]
        return [path for path in named if path.is_symlink() or (path.is_dir() and run_folder.launched(path))]

    def _read(self, folder: Path) -> Run:
        files = run_folder.read_run_files(folder)
        started_at = run_folder.started_at(folder, files)
        if files.problem:
            status = {"state": FAILED, "message": _("This run cannot be used: {problem}.").format(problem=files.problem)}
            return Run(folder.name, folder, FAILED, status, {}, None, started_at, files.problem)
        status, launch, settings = files.status, files.launch, files.settings or {}
        if launch and launch["launched_at"] > (status or {}).get("updated_at", 0):
            # Launched (or resumed) and not yet heard from: the process is still importing Keras.
            status = {**(status or {}), "state": RUNNING, "pid": launch["pid"], "message": "starting"}
        status = status or {"state": FAILED, "message": "the run folder has no status"}
        _reap_children()
        if status["state"] == RUNNING and not run_folder.process_alive(status.get("pid"), folder):
            status = self._mark_interrupted(folder, status, launch)
        state, config = status.get("state", FAILED), settings.get("config", {})
        return Run(folder.name, folder, state, status, config, settings.get("preset"), started_at, name=settings.get("name"))

    def _mark_interrupted(self, folder: Path, status: dict, launch: dict | None) -> dict:
        """The process is gone but never said so: record that, so everyone sees the same.

        Cancelled if a cancel was asked (the process may have died of the signal
        before it could answer it, while still importing Keras), else failed.
        """
        launched_at = (launch or {}).get("launched_at", 0)
        latest = run_folder.read_status(folder)
        if latest and latest.get("state") != RUNNING and latest.get("updated_at", 0) >= launched_at:
            return latest  # it finished between our two reads
        fields = {key: value for key, value in status.items() if key not in ("state", "updated_at", "message", "interrupted")}
        if launch and "cancel_requested_at" in launch:
            heard_from = (latest or {}).get("updated_at", 0) >= launched_at
            message = N_("Cancelled; the last checkpoint is kept.") if heard_from else N_("Cancelled before training began.")
            found = {"state": CANCELLED, "message": message, **fields}
        else:
            message = N_("The training process stopped without finishing: it was killed, ran out of memory, or the machine restarted.")
            found = {"state": FAILED, "message": message, "interrupted": True, **fields}
        try:
            run_folder.write_status(folder, **found)
        except OSError as error:  # told to this reader only; the next one tries to write it again
            if error.errno in run_folder.DISK_FULL:
                found["message"] = N_(
                    "The training process stopped without finishing, and the disk is full: free some space, then resume it."
                )
            return {**found, "updated_at": time.time()}
        return run_folder.read_status(folder) or found

    # --- starting and stopping --------------------------------------------------------------------------------------

    def start(self, preset_name: str, overrides: dict | None = None, name: str | None = None) -> Run:
        """Start a run; RunInProgress if one is going (from any browser), ValueError if the settings are wrong.

        The settings are checked here, once, and written to the run's config.json, which the process trains from,
        with the run's own name if one was typed (run_folder.run_name: whitespace alone is none).
        """
        overrides = {key: value for key, value in (overrides or {}).items() if value is not None}
        config = preset(preset_name, **overrides)
        folder = None
        try:
            with _told_in_words("the run could not start", "press Start again"), run_folder.runs_locked(self.root):
                self._refuse_if_busy()
                folder = self._new_folder(preset_name)
                run_folder.write_config(folder, preset_name, config.to_dict(), name=name)
                self._launch(folder, training_command(folder, self.data_dir))
        except RunError:
            if folder is not None:  # nothing is left of a start that failed (and were it left, it is not listed)
                shutil.rmtree(folder, ignore_errors=True)
            raise
        return self._read(folder)

    def resume(self, run_id: str) -> Run:
        """Carry a cancelled or failed run on; what its killed processes left half-written is cleared first."""
        run = self.run(run_id)
        if run.problem:
            raise RunError(_("The run “{run}” cannot be used: {problem}.").format(run=run.label, problem=run.problem))
        if not run.resumable:
            raise RunError(_("The run “{run}” cannot be resumed: only a cancelled or failed run can.").format(run=run.label))
        with _told_in_words("the run could not be resumed", "press Resume again"), run_folder.runs_locked(self.root):
            self._refuse_if_busy()  # so no process of this run lives: its partial files are stale
            run_folder.clear_stale_temporaries(run.folder)
            self._launch(run.folder, training_command(run.folder, self.data_dir, resume=True))
        return self._read(run.folder)

    def cancel(self, run_id: str) -> None:
        """Ask the run to stop after its current batch; it keeps its last checkpoint and says "cancelled".

        The request is noted in launch.json first: a process still importing Keras
        may die of the signal before it can answer, and is then read as cancelled.
        """
        run = self.run(run_id)
        if run.state != RUNNING:
            raise RunError(_("The run “{run}” is not running.").format(run=run.label))
        try:
            with run_folder.runs_locked(self.root):
                run_folder.record_cancel_request(run.folder)
        except OSError:
            pass  # a full or read-only disk: the signal is what stops the run, and it is sent all the same
        try:
            os.kill(run.status["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass  # it ended meanwhile; the next read says how
        except OSError:
            raise RunError(_("The run “{run}” could not be stopped: ask whoever looks after the server.").format(run=run.label)) from None

    def delete(self, run_id: str) -> None:
        """Delete a run's folder; a run folder that is a link loses the link, never what it points at."""
        run = self.run(run_id)
        with _told_in_words("the run could not be deleted (completely)", "press Delete again"), run_folder.runs_locked(self.root):
            if self._read(run.folder).state == RUNNING:
                raise RunError(_("The run “{run}” is still running; cancel it first.").format(run=run.label))
            if self.registry.default_choice() == run_id:  # no default.json is the shipped model: removing it takes no room
                (self.root / DEFAULT_FILE).unlink(missing_ok=True)
            if run.folder.is_symlink() or not run.folder.is_dir():
                run.folder.unlink()
            else:
                shutil.rmtree(run.folder)  # removes links inside, never follows them

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
        raise RunError(_("Could not make a run folder."))

    def _launch(self, folder: Path, command: list[str]) -> None:
        """Start the process on a run folder of this root; the log is appended to, never through a link.

        A process whose launch.json cannot be written is stopped at once: a run no reader could follow never starts."""
        if folder.parent.resolve() != self.root.resolve() or run_folder.link_problem(folder):
            raise RunError(f"Run {folder.name} cannot be used: {run_folder.link_problem(folder) or 'it is not in the runs folder'}.")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2", **beside_server_environment()}
        with run_folder.open_log(folder) as log:
            log.write(f"$ {' '.join(command[1:])}\n".encode())
            log.flush()
            process = _start_process(command, env, log)
        try:
            run_folder.write_launch(folder, process.pid, command[1:])
        except BaseException:
            process.kill()
            process.wait()
            raise
        _children[process.pid] = process

    # --- reports ----------------------------------------------------------------------------------------------------

    def build_report(self, model_path: Path) -> str | None:
        """Run `python -m model.report` for a model; None when it worked, else what went wrong, for a person to read."""
        if not _building_report.acquire(blocking=False):
            return "A report is being built for someone else right now; try again in a minute."
        try:
            command = [sys.executable, "-m", "model.report", "--model", str(model_path)]
            if self.data_dir:
                command += ["--data-dir", self.data_dir]
            result = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=REPORT_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as error:
            return f"the report could not be built: {error}"
        finally:
            _building_report.release()
        if result.returncode != 0:
            lines = (result.stderr or result.stdout).strip().splitlines()
            return lines[-1].removeprefix("error: ") if lines else f"python -m model.report exited with {result.returncode}"
        return None
