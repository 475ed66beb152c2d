"""A disk that fails under the Train page's buttons: full (ENOSPC, EDQUOT), read-only (EROFS), forbidden (EACCES), failing (EIO).

`faulty_disk` makes every change under a runs folder fail, from its `after`-th change on, as the operating system
would: the os functions the run manager writes through (and pathlib, tempfile and shutil with it) raise OSError with
the error's number, its words and the file's path, as real faults do. A full disk still lets files be removed, opened
to append and renamed, as one does; the others refuse every change. Each case presses one button of the Train page in
AppTest (Start, Resume, Delete, Make default, Cancel) on such a disk, and is judged by what a person would see (no
exception, a message in words, no path, no errno) and by what is left: a refused Start leaves no run folder and keeps
the form's settings, and whatever a button could not do it says.
"""

import builtins
import contextlib
import errno
import io
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

from harness.fuzz.case import APP, CASE_TIMEOUT_S, EITHER, FAILURE, SAFE, TRAIN_PAGE, Case, Outcome, short
from harness.fuzz.messages import message_outcome
from harness.fuzz.mutations import pick
from harness.fuzz.pages import page_outcome, page_texts, unescaped
from harness.fuzz.run_folders import CANCELLED_RUN, DONE_RUN, write_runs_root
from training.registry import DEFAULT_FILE
from training.run_folder import LOCK_FILE, RUNNING, RUNS_ENV, read_launch, write_status

FAULTS = (errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EDQUOT, errno.EIO)
FULL = (errno.ENOSPC, errno.EDQUOT)  # removing, appending to and renaming files still work on a full disk
CHANGING_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
TYPED = {"train_name": "Class 9B", "train_epochs": "2"}  # the form's settings, which a refused Start keeps


# --- the faulty disk ---------------------------------------------------------------------------------------------------


class _Disk:
    """Counts the changes under `root`, and refuses them with `number` from the `after`-th on."""

    def __init__(self, root: Path, number: int, after: int):
        self.root, self.number, self.after, self.changes = os.path.realpath(root), number, after, 0
        self.real = {name: getattr(os, name) for name in ("mkdir", "open", "replace", "rename", "unlink", "remove", "rmdir", "chmod")}
        self.real_open = builtins.open

    def inside(self, path, dir_fd=None) -> bool:
        if isinstance(path, int):
            return False
        path = os.fsdecode(path)
        if dir_fd is not None and not os.path.isabs(path):
            path = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
        path = os.path.abspath(path)
        path = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))  # the last name never followed
        return path == self.root or path.startswith(self.root + os.sep)

    def change(self, path, dir_fd=None, *, makes: bool = True) -> None:
        """A change to `path` is about to be made: raise as the disk would. `makes`: it takes room (a new file or folder)."""
        if not self.inside(path, dir_fd) or (self.number in FULL and not makes):
            return
        self.changes += 1
        if self.changes > self.after:
            raise OSError(self.number, os.strerror(self.number), os.fsdecode(path))

    def mkdir(self, path, mode=0o777, *, dir_fd=None):
        if not os.path.lexists(path if dir_fd is None else os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)):
            self.change(path, dir_fd)  # an existing folder is told as such (FileExistsError) by the real call
        return self.real["mkdir"](path, mode, dir_fd=dir_fd)

    def open(self, path, flags, mode=0o777, *, dir_fd=None):
        if flags & CHANGING_FLAGS:
            exists = os.path.lexists(path) if dir_fd is None else True
            self.change(path, dir_fd, makes=not exists and bool(flags & os.O_CREAT))
        return self.real["open"](path, flags, mode, dir_fd=dir_fd)

    def builtin_open(self, file, mode="r", *args, **kwargs):
        if any(letter in mode for letter in "wax+"):
            self.change(file, makes=not isinstance(file, int) and not os.path.lexists(file))
        return self.real_open(file, mode, *args, **kwargs)

    def moving(self, name: str) -> Callable:
        def move(src, dst, *, src_dir_fd=None, dst_dir_fd=None):
            self.change(dst, dst_dir_fd, makes=False)
            return self.real[name](src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)

        return move

    def removing(self, name: str) -> Callable:
        def remove(path, *, dir_fd=None):
            self.change(path, dir_fd, makes=False)
            return self.real[name](path, dir_fd=dir_fd)

        return remove

    def chmod(self, path, mode, *, dir_fd=None, follow_symlinks=True):
        self.change(path, dir_fd, makes=False)
        return self.real["chmod"](path, mode, dir_fd=dir_fd, follow_symlinks=follow_symlinks)


@contextlib.contextmanager
def faulty_disk(root: Path, number: int, after: int = 0) -> Iterator[_Disk]:
    """Under `root`, every change from the `after`-th on fails with OSError(number), for every thread of this process."""
    disk = _Disk(root, number, after)
    patches = {"mkdir": disk.mkdir, "open": disk.open, "chmod": disk.chmod, "replace": disk.moving("replace"),
               "rename": disk.moving("rename"), "unlink": disk.removing("unlink"), "remove": disk.removing("remove"),
               "rmdir": disk.removing("rmdir")}  # fmt: skip
    with contextlib.ExitStack() as stack:
        for name, patched in patches.items():
            stack.enter_context(mock.patch.object(os, name, patched))
        stack.enter_context(mock.patch.object(builtins, "open", disk.builtin_open))
        stack.enter_context(mock.patch.object(io, "open", disk.builtin_open))
        yield disk


class NoProcess:
    """In place of a training process: launched, it has ended at once without a word (this process's pid is no run's)."""

    pid = os.getpid()

    def poll(self):
        return 0

    def kill(self):
        pass

    def wait(self, timeout=None):
        return 0


def no_training_process(command, env, log) -> NoProcess:
    return NoProcess()


# --- the cases ---------------------------------------------------------------------------------------------------------


def _case(action: str, max_after: int) -> Callable:
    def family(rng):
        number, after = pick(rng, FAULTS), int(rng.integers(0, max_after + 1))

        def make(folder: Path) -> dict:
            root = folder / "runs"
            write_runs_root(root)  # a finished run, a cancelled one, and default.json
            (root / DEFAULT_FILE).unlink()  # the shipped model is the default: Make default may be pressed for the run
            return {"root": root, "action": action, "number": number, "after": after}

        return f"{action} on a disk failing with {errno.errorcode[number]} after {after} changes", make, EITHER

    return family


def families() -> list[Callable]:
    return [_case("start", 6), _case("resume", 4), _case("delete", 4), _case("default", 3), _case("cancel", 3)]


# --- pressing a button on the faulty disk, and judging what it left ------------------------------------------------------

BUTTONS = {"start": "start", "resume": f"resume-{CANCELLED_RUN}", "delete": f"delete-{DONE_RUN}", "default": f"default-{DONE_RUN}"}


def press_under_fault(case: Case, made: dict, folder: Path) -> Outcome:
    """The Train page opened on a sound disk; one button pressed as the disk fails; what the page says, and what is left."""
    from streamlit.testing.v1 import AppTest

    root, action = made["root"], made["action"]
    with _environment(root), _stand_in(root, action) as stand_in:
        app = AppTest.from_file(str(APP), default_timeout=CASE_TIMEOUT_S).run().switch_page(TRAIN_PAGE).run()
        if action == "start":
            for key, typed in TYPED.items():
                app.text_input(key=key).set_value(typed)
        before, entries = set(_said(app)), set(os.listdir(root))
        app.button(key=BUTTONS.get(action, f"cancel-{CANCELLED_RUN}")).click()
        with faulty_disk(root, made["number"], made["after"]), mock.patch("training.runs._start_process", no_training_process, create=True):
            outcome = page_outcome(app, case, (), title="Train")
        if outcome.verdict == FAILURE:
            return outcome
        told = [text for text in _said(app) if text not in before]
        if action == "cancel":
            return _judge_cancel(stand_in, told)
        return JUDGES[action](app, root, entries, told, made["number"])


def _said(app) -> list[str]:
    return [unescaped(text) for text in page_texts(app, ("warning", "error", "info", "toast")) if text]


def _told(told: list[str], what: str) -> Outcome:
    """The button could not do what it does: it must say so, in words."""
    if not told:
        return Outcome(FAILURE, f"{what}, and the page said nothing")
    return message_outcome(told[0])


def _judge_start(app, root: Path, entries: set, told: list[str], number: int) -> Outcome:
    from training.runs import RunManager

    listed = {run.id for run in RunManager(root).runs()}
    new = set(os.listdir(root)) - entries - {LOCK_FILE}
    if new & listed:
        return Outcome(SAFE, detail="the run started")  # its process (none here) then ended, and the page says so
    if new and number in FULL:  # on a disk that cannot remove either, a leftover may stay, but never listed as a run
        return Outcome(FAILURE, "a refused start left something in the runs folder", short(", ".join(sorted(new))))
    kept = {key: app.text_input(key=key).value for key in TYPED}
    if kept != TYPED:
        return Outcome(FAILURE, "a refused start lost the form's settings", short(repr(kept)))
    return _told(told, "nothing started")


def _judge_resume(app, root: Path, entries: set, told: list[str], number: int) -> Outcome:
    from training.runs import RunManager

    run = RunManager(root).run(CANCELLED_RUN)
    if (read_launch(run.folder) or {}).get("pid") == NoProcess.pid:
        return Outcome(SAFE, detail="the run was resumed")  # its process (none here) ended at once
    if not run.resumable:
        return Outcome(FAILURE, "a refused resume left the run unable to resume", short(repr(run.status)))
    return _told(told, "the run was not resumed")


def _judge_delete(app, root: Path, entries: set, told: list[str], number: int) -> Outcome:
    if not (root / DONE_RUN).exists():
        return Outcome(SAFE, detail="the run was deleted")
    return _told(told, "the run is still there")


def _judge_default(app, root: Path, entries: set, told: list[str], number: int) -> Outcome:
    from training.registry import ModelRegistry

    if ModelRegistry(root).default_model_id() == DONE_RUN:
        return Outcome(SAFE, detail="the model is the default")
    return _told(told, "the default did not change")


JUDGES = {"start": _judge_start, "resume": _judge_resume, "delete": _judge_delete, "default": _judge_default}


def _judge_cancel(stand_in: subprocess.Popen, told: list[str]) -> Outcome:
    """A cancel must stop the run however the disk fails: the signal is what stops it, not the note of it."""
    try:
        stand_in.wait(timeout=CASE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return Outcome(FAILURE, "a cancel did not stop the run", " | ".join(told))
    if stand_in.returncode != -signal.SIGTERM:
        return Outcome(FAILURE, "the run's process ended otherwise than by the cancel", str(stand_in.returncode))
    return message_outcome(told[0]) if told else Outcome(SAFE, detail="the run was stopped")


@contextlib.contextmanager
def _environment(root: Path) -> Iterator[None]:
    """The page on this runs folder, with no training password, whatever the environment said; restored after."""
    from views.parts.access import ENV_VARIABLE

    saved = {name: os.environ.get(name) for name in (RUNS_ENV, ENV_VARIABLE)}
    os.environ[RUNS_ENV] = str(root)
    os.environ.pop(ENV_VARIABLE, None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def _stand_in(root: Path, action: str) -> Iterator[subprocess.Popen | None]:
    """For a cancel: the cancelled run made a running one, by a live process whose command line names its folder."""
    if action != "cancel":
        yield None
        return
    folder = root / CANCELLED_RUN
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()", str(folder)], stdin=subprocess.PIPE)
    try:
        write_status(folder, RUNNING, pid=process.pid, step=10, total_steps=20)
        yield process
    finally:
        process.kill()
        process.wait()
