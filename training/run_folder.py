"""What a run folder holds, and whether the process that says it is training it still is.

    runs/<run id>/
        config.json      the settings ({"preset": ..., "config": TrainConfig.to_dict()}): all a process needs to start or resume,
                         and the name the teacher gave the run ("name", absent from older runs)
        launch.json      written by the run manager the moment it starts the process, before the process has said anything
        status.json      running, done, cancelled or failed, with the process's pid, the device and how far it got
        progress.jsonl   what the process reports as it goes (training/progress.py)
        train.log        its output, the libraries' lines and tracebacks included: for whoever debugs on the server
        run.log          the run's own lines, in words (say, note): all of its log that the Train page shows
        .reserve         a little room on the disk, kept while the process trains, so that a full disk can still be told
        checkpoint.keras, model.keras, with their .json metadata; model.report.npz; tensorboard/

Every file here but the growing ones (progress.jsonl, train.log, TensorBoard's
events) is replaced atomically, so a reader never sees half of one. Run ids are
made by the run manager and checked against RUN_ID, so nothing a user types
becomes a path. Nothing here follows a symbolic link inside a run folder, or a
run folder that is one: such a folder "cannot be used" (read_run_files says
why), and every write refuses it. Each JSON file is read against the shape its
writer gives it (below), so what a page shows of a run is there and of the
right type, or the run cannot be used.
"""

import errno
import fcntl
import os
import re
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import i18n
from i18n import _
from model.files import (
    FLAG,
    MOMENT,
    LinkRefused,
    atomic_write_json,
    list_of,
    number,
    one_of,
    open_to_append,
    optional,
    read_json_checked,
    record,
    stale_temporaries,
    text,
    whole,
)
from model.storage import DEVICE, shown_name
from training.presets import TrainConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RUNS_DIR = REPO_ROOT / "runs"
RUNS_ENV = "ROW_READER_RUNS"  # where runs go, if not runs/ in the project
RUN_ID = re.compile(r"^\d{8}-\d{6}-[a-z]+(-\d+)?$")  # 20260101-120000-morvan, -1, -2 ... when started in the same second
RUN_ID_TIME = "%Y%m%d-%H%M%S"  # the start of a run id: local time, so only a last resort for ordering runs
NAME_CHARS = 30  # a run's own name ("Class 9B's model"): with its recipe and time it still fits a phone's line or two
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # not the server's locale's

CONFIG_FILE = "config.json"
LAUNCH_FILE = "launch.json"
STATUS_FILE = "status.json"
LOG_FILE = "train.log"
RUN_LOG_FILE = "run.log"
RESERVE_FILE = ".reserve"
RESERVE_BYTES = 64 * 1024  # a status.json and a few lines of log, on any filesystem's blocks
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)  # the errors of a disk with no room left (for this user)
CHECKPOINT_FILE = "checkpoint.keras"
MODEL_FILE = "model.keras"
METADATA_FILE = "model.json"  # beside model.keras, as model/storage.py expects
TENSORBOARD_DIR = "tensorboard"  # event files for `tensorboard --logdir runs/`
LOCK_FILE = ".lock"  # in the runs root

RUNNING, DONE, CANCELLED, FAILED = "running", "done", "cancelled", "failed"

# The shapes of the files, as this module and training/train.py write them.
PID = whole(1, 2**31 - 1)
STATUS = record(
    ("state",),
    state=one_of(RUNNING, DONE, CANCELLED, FAILED),
    updated_at=MOMENT,
    pid=PID,
    started_at=MOMENT,
    resumed_at=MOMENT,
    device=DEVICE,
    total_steps=optional(whole(1, 10**12)),
    step=whole(0, 10**12),
    epoch=whole(0, 10**6),
    test_accuracy=number(0, 1),
    message=text(100_000),
    interrupted=FLAG,
)
PRESET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
CONFIG = record(("config",), preset=optional(text(40, PRESET_NAME)), name=optional(text(NAME_CHARS)), config=record())
LAUNCH = record(
    ("pid", "launched_at"),
    pid=PID,
    launched_at=MOMENT,
    started_at=MOMENT,
    cancel_requested_at=MOMENT,
    command=list_of(text(10_000), 100),
)
SHOWABLE_ENTRY = re.compile(r"^[A-Za-z0-9._/-]{1,120}$")  # a file's name inside a run folder, fit to quote


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


def run_folder_to_write(run_dir: str | os.PathLike) -> Path:
    """The run folder, if writing into it writes there: a folder that is a link (to anywhere) is refused."""
    run_dir = Path(run_dir)
    if run_dir.is_symlink():
        raise LinkRefused(f"the run folder {run_dir.name} is a link to another place; nothing is written through it")
    return run_dir


def write_status(run_dir: Path, state: str, **fields) -> None:
    atomic_write_json(run_folder_to_write(run_dir) / STATUS_FILE, {"state": state, "updated_at": time.time(), **fields})


class RunStatus:
    """Writes status.json; what is known once (pid, start time, device) goes into every later write."""

    def __init__(self, run_dir: Path, **known):
        self.run_dir = Path(run_dir)
        self.known = {"pid": os.getpid(), **known}

    def remember(self, **known) -> None:
        self.known.update(known)

    def write(self, state: str, **fields) -> None:
        """status.json; on a full disk, in the room the reserve kept, so that the run can still say why it stops.

        The reserve is made when the run first says it is running, and given back when it says it has ended."""
        try:
            write_status(self.run_dir, state, **{**self.known, **fields})
        except OSError as error:
            if error.errno not in DISK_FULL or not self._give_back_reserve():
                raise
            write_status(self.run_dir, state, **{**self.known, **fields})
        if state == RUNNING:
            self._keep_reserve()
        else:
            self._give_back_reserve()

    def _keep_reserve(self) -> None:
        path = self.run_dir / RESERVE_FILE
        if os.path.lexists(path):
            return
        try:
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644), "wb") as reserve:
                reserve.write(bytes(RESERVE_BYTES))  # written, not a hole: the blocks are the disk's to give back later
        except OSError:
            Path(path).unlink(missing_ok=True)  # no room even for that: the run goes on without a reserve

    def _give_back_reserve(self) -> bool:
        """Whether there was a reserve to free; a link of that name is removed too, never followed."""
        try:
            (self.run_dir / RESERVE_FILE).unlink()
            return True
        except OSError:
            return False


def read_status(run_dir: Path) -> dict | None:
    """status.json, or None when it is missing, unreadable or not as training writes it (read_run_files says why)."""
    return read_json_checked(Path(run_dir) / STATUS_FILE, STATUS)[0]


def write_config(run_dir: Path, preset_name: str | None, config: dict, name: str | None = None) -> None:
    """config is TrainConfig.to_dict(); preset_name is the recipe it started from, or None; name is the run's own
    (run_name), or None to keep the one config.json already holds: the training process writes its settings again."""
    name = run_name(name) or (read_config(run_dir) or {}).get("name")
    named = {"name": name} if name else {}
    atomic_write_json(run_folder_to_write(run_dir) / CONFIG_FILE, {"preset": preset_name, **named, "config": config})


def read_config(run_dir: Path) -> dict | None:
    """{"preset": ..., "config": {...}}, or None when the file is missing, unreadable or not of that shape."""
    return read_json_checked(Path(run_dir) / CONFIG_FILE, CONFIG)[0]


def run_name(typed) -> str | None:
    """A name typed for a run, as it is kept: on one line, without control characters, at most NAME_CHARS characters;
    None for no name (nothing typed, or only spaces)."""
    if not isinstance(typed, str):
        return None
    shown = "".join(char for char in typed if char.isspace() or unicodedata.category(char) not in ("Cc", "Cf"))  # nor bidi tricks
    return " ".join(shown.split())[:NAME_CHARS].rstrip() or None


def readable_time(moment: float, now: float | None = None) -> str:
    """A run's start as people say it, in the server's time: "7 Dec, 06:44", with the year when it is not this year's."""
    when, this_year = time.localtime(moment), time.localtime(now).tm_year
    if i18n.current() != i18n.DEFAULT:  # as the reader's language writes it: "3月5日 09:07"
        shown = i18n.day_and_time(datetime.fromtimestamp(moment))
        return shown if when.tm_year == this_year else _("{year}, {day_and_time}").format(year=when.tm_year, day_and_time=shown)
    day = f"{when.tm_mday} {MONTHS[when.tm_mon - 1]}" + (f" {when.tm_year}" if when.tm_year != this_year else "")
    return f"{day}, {when.tm_hour:02d}:{when.tm_min:02d}"


def run_label(run_id: str, name: str | None, preset_name: str | None, moment: float | None) -> str:
    """How a run is named to people: its own name if it has one, its recipe and when it started: "Class 9B's model ·
    lesson · 7 Dec, 06:44". What its files do not say is read from its id."""
    preset_name = preset_name or (run_id.split("-")[2] if RUN_ID.match(run_id) else "run")
    moment = moment or id_time(run_id)
    return " · ".join(part for part in (run_name(name), preset_name, readable_time(moment) if moment else None) if part)


def read_settings(config_path: Path) -> tuple[str | None, TrainConfig]:
    """The recipe name and the checked settings in a config.json; ValueError saying what is wrong with the file."""
    saved, problem = read_json_checked(config_path, CONFIG)
    if saved is None:
        raise ValueError(f"{shown_name(config_path)} is missing or unreadable" + (f" ({problem})" if problem else ""))
    try:
        config = TrainConfig.from_dict(saved["config"])
    except (TypeError, ValueError) as error:
        raise ValueError(f"{shown_name(config_path)} holds invalid settings ({error})") from None
    return saved.get("preset"), config


def write_launch(run_dir: Path, pid: int, command: list[str]) -> None:
    """What the run manager started; started_at stays the run's first start over resumes, so that runs keep their order."""
    now = time.time()
    files = read_run_files(Path(run_dir))
    first = started_at(Path(run_dir), files) if files.status or files.launch else now  # a resume keeps the first start
    atomic_write_json(run_folder_to_write(run_dir) / LAUNCH_FILE, {"pid": pid, "launched_at": now, "started_at": first, "command": command})


def read_launch(run_dir: Path) -> dict | None:
    return read_json_checked(Path(run_dir) / LAUNCH_FILE, LAUNCH)[0]


def record_cancel_request(run_dir: Path) -> None:
    """Note in launch.json that a cancel was asked, so that a process that dies of it before it can say so reads as cancelled."""
    launch = read_launch(run_dir)
    if launch is not None:
        atomic_write_json(run_folder_to_write(run_dir) / LAUNCH_FILE, {**launch, "cancel_requested_at": time.time()})


def open_log(run_dir: Path):
    """train.log, to append the output of a process to; refused (OSError) if the folder or the log is a link."""
    return open_to_append(run_folder_to_write(run_dir) / LOG_FILE)


def read_log_tail(run_dir: Path, max_bytes: int = 64 * 1024, name: str = LOG_FILE) -> str:
    """The end of train.log (or of run.log), "" if there is none; never read through a link."""
    try:
        with open(os.open(Path(run_dir) / name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb") as log:
            log.seek(max(log.seek(0, os.SEEK_END) - max_bytes, 0))
            return log.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


# --- a whole run folder ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunFiles:
    """What a run folder's JSON files say, each checked; `problem` says why the run cannot be used, if it cannot."""

    status: dict | None
    launch: dict | None
    settings: dict | None  # config.json: {"preset": ..., "config": {...}}
    problem: str | None = None


def read_run_files(folder: Path) -> RunFiles:
    """status.json, launch.json and config.json, unless a link or a damaged file means the run cannot be used."""
    problem = link_problem(folder)
    if problem:
        return RunFiles(None, None, None, problem)
    status, status_problem = read_json_checked(folder / STATUS_FILE, STATUS)
    launch, launch_problem = read_json_checked(folder / LAUNCH_FILE, LAUNCH)
    settings, settings_problem = read_json_checked(folder / CONFIG_FILE, CONFIG)
    problem = status_problem or launch_problem or settings_problem
    return RunFiles(None, None, None, problem) if problem else RunFiles(status, launch, settings)


def link_problem(folder: Path) -> str | None:
    """Why a run folder must not be touched: it, or anything in it, is a symbolic link (to anywhere on the server)."""
    if folder.is_symlink():
        return "the run folder is a link to another place, and Row Reader follows no links in its runs folder"
    if not folder.is_dir():
        return "it is not a folder"
    for parent, folders, files in os.walk(folder):  # links to folders are listed, never entered
        for name in folders + files:
            path = Path(parent, name)
            if path.is_symlink():
                inside = path.relative_to(folder).as_posix()
                shown = inside if SHOWABLE_ENTRY.match(inside) else "one of its files"
                return f"its {shown} is a link to another file, and Row Reader follows no links in its runs folder"
    return None


def started_at(folder: Path, files: RunFiles) -> float:
    """When the run first started: from launch.json or status.json, else from its id (local time, so a last resort)."""
    for value in ((files.launch or {}).get("started_at"), (files.status or {}).get("started_at"), (files.launch or {}).get("launched_at")):
        if value is not None:
            return float(value)
    return id_time(folder.name)


def id_time(run_id: str) -> float:
    """When a run id says the run started (local time, to the second), 0.0 if it does not say."""
    try:
        return time.mktime(time.strptime(run_id[:15], RUN_ID_TIME))
    except (ValueError, OverflowError):
        return 0.0


def launched(folder: Path) -> bool:
    """Whether a run folder's run was ever launched (its status or launch record is there, sound or not): the run
    manager writes config.json first and launch.json last, so a start that failed between leaves neither."""
    return any(os.path.lexists(folder / name) for name in (STATUS_FILE, LAUNCH_FILE))


def claims_running(folder: Path) -> bool:
    """Whether a run folder's files say a process is (or is about to be) training it: two small reads, no more."""
    status, launch = read_status(folder) or {}, read_launch(folder) or {}
    return status.get("state") == RUNNING or launch.get("launched_at", 0) > status.get("updated_at", 0)


def clear_stale_temporaries(run_dir: Path) -> list[str]:
    """Remove the partial files of writes a killed process left (.model.x1y2z3a4.tmp.keras, .status.*.tmp.json ...).

    For a process taking the folder on (the run manager before it starts one,
    a training process as it begins): nothing is removed while another live
    process trains the folder, nor from a folder that cannot be used. Returns
    the names removed.
    """
    run_dir = Path(run_dir)
    files = read_run_files(run_dir)
    pids = {(files.status or {}).get("pid"), (files.launch or {}).get("pid")}
    if files.problem or any(process_alive(pid, run_dir.name) for pid in pids):  # by the run's id: --out may be relative
        return []
    removed = []
    for path in stale_temporaries(run_dir):
        path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def process_alive(pid, run_dir: Path | str | None = None) -> bool:
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
