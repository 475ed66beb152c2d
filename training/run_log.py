"""What a run says, in words: its own lines (run.log), a log made fit for a page, and the disk's faults told plainly.

A training process's output goes to train.log whole: TensorFlow's and CUDA's start-up lines, warnings, Keras's
progress, tracebacks, errno texts, server paths. That is for whoever debugs on the server, with a command line. What
the Train page shows (students can see it) is only the run's own lines, which the process writes here as well as
printing them, and each of those is made readable once more before it is shown (readable_log).
"""

import errno
import os
import re
import sys
from pathlib import Path

from model.files import LinkRefused, open_to_append
from training.run_folder import DISK_FULL, RUN_LOG_FILE, read_log_tail, run_folder_to_write

LOG_TAIL_BYTES = 16 * 1024  # far more than the page's 25 lines of the run's own words


def say(run_dir: str | os.PathLike, line: str, to=None) -> None:
    """A line of the run's own: printed (to stdout, or `to`), as any command line prints, and kept in run.log."""
    print(line, file=to or sys.stdout, flush=True)
    note(run_dir, line)


def note(run_dir: str | os.PathLike, line: str) -> None:
    """Keep a line in run.log only, if the run folder is there: a full or read-only disk loses the line, nothing more."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        return  # a command line refused before its run folder exists writes nothing
    try:
        with open_to_append(run_folder_to_write(run_dir) / RUN_LOG_FILE) as log:
            log.write((" ".join(line.split()) + "\n").encode())
    except OSError:
        pass


def run_log_tail(run_dir: Path, lines: int) -> str:
    """The last lines of the run's own, as a page may show them; "" if it has said nothing (or is from before run.log)."""
    shown = readable_log(read_log_tail(run_dir, LOG_TAIL_BYTES, RUN_LOG_FILE)).rstrip().splitlines()
    return "\n".join(shown[-lines:])


# --- faults of the disk, in words -------------------------------------------------------------------------------------

FAULT_CAUSES = {
    errno.ENOSPC: "there is no room left on this computer's disk",
    errno.EDQUOT: "the room this server may use on the disk is used up",
    errno.EROFS: "the runs folder is on a disk that cannot be written to",
    errno.EACCES: "the server is not allowed to write in the runs folder",
    errno.EPERM: "the server is not allowed to write in the runs folder",
    errno.EIO: "the disk reported a fault",
    errno.ENOENT: "a file it needed is not there",
}
OTHER_FAULT = "a file could not be read or written"
DISK_FAULTS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO)  # the disk's, not the run's
NOT_WRITABLE = (errno.EROFS, errno.EACCES, errno.EPERM)
ERRNO_TEXT = re.compile(r"\[Errno (-?\d+)\] [^:\n]*(?:: '[^'\n]*'(?: -> '[^'\n]*')?)?")  # as str(OSError) says it


def fault_cause(error: OSError | int | None) -> str:
    """What went wrong with a file, as a clause in words: never a path, never an error number."""
    number = error.errno if isinstance(error, OSError) else error
    return FAULT_CAUSES.get(number, OTHER_FAULT)


def disk_fault(error: BaseException | None) -> int | None:
    """The number of the disk's fault behind an error, if there is one: an OSError's own, or one that a library names
    only in its words (TensorFlow's file writers: "...; No space left on device"), or one that caused it."""
    while error is not None:
        if isinstance(error, OSError) and error.errno in DISK_FAULTS:
            return error.errno
        named = [number for number in DISK_FAULTS if os.strerror(number) in str(error)]
        if named:
            return named[0]
        error = error.__cause__ or error.__context__
    return None


def disk_fault_words(error: OSError | int, outcome: str, again: str) -> str:
    """What a person is told: "There is no room left on this computer's disk, so the run could not start: free some
    space and press Start again." `outcome` says what did not happen, `again` how to try it again."""
    if isinstance(error, LinkRefused):  # already in words: a link planted in the runs folder
        return f"{outcome[0].upper()}{outcome[1:]}: {error}."
    number = error.errno if isinstance(error, OSError) else error
    if number in DISK_FULL:
        remedy = f"free some space and {again}"
    elif number == errno.EIO:
        remedy = f"ask whoever looks after the server to check the disk, then {again}"
    elif number in NOT_WRITABLE:
        remedy = f"ask whoever looks after the server to let it write there, then {again}"
    else:
        remedy = f"ask whoever looks after the server, then {again}"
    cause = fault_cause(number)
    return f"{cause[0].upper()}{cause[1:]}, so {outcome}: {remedy}."


# --- a log made fit for a page ----------------------------------------------------------------------------------------

TRACEBACK_FRAME = re.compile(r"^(Traceback \(most recent call last\):|  File \"|    |During handling of the above|The above exception)")
ERROR_LINE = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?([A-Z]\w*(?:Error|Exception|Interrupt)): ?")
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/<~])/(?:[^\s/:'\"()\[\],]+/)*([^\s/:'\"()\[\],]+)")


def readable_log(text: str) -> str:
    """A log as a page may show it: no traceback frames, no exception class names, an OS error's number and words as
    ours ("[Errno 28] No space left on device: '/x'" is "there is no room left on this computer's disk"), each path by
    its last name only."""
    lines = [line for line in text.splitlines() if not TRACEBACK_FRAME.match(line)]
    lines = [ERROR_LINE.sub("error: ", ERRNO_TEXT.sub(lambda found: fault_cause(int(found[1])), line)) for line in lines]
    return "\n".join(ABSOLUTE_PATH.sub(r"\1", line) for line in lines)
