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

from i18n import N_, _
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


# What a person is told when a file could not be written or read: whole sentences for each outcome (the words the
# caller passes) and each fault (None: any other). The training process writes them in English; the page translates.
DISK_FAULT_WORDS = {
    "the run could not start": {
        errno.ENOSPC: N_(
            "There is no room left on this computer's disk, so the run could not start: free some space and press Start again."
        ),
        errno.EDQUOT: N_(
            "The room this server may use on the disk is used up, so the run could not start: free some space and press Start again."
        ),
        errno.EROFS: N_(
            "The runs folder is on a disk that cannot be written to, so "
            "the run could not start: ask whoever looks after the server to let it write there, then press Start again."
        ),
        errno.EACCES: N_(
            "The server is not allowed to write in the runs folder, so "
            "the run could not start: ask whoever looks after the server to let it write there, then press Start again."
        ),
        errno.EIO: N_(
            "The disk reported a fault, so "
            "the run could not start: ask whoever looks after the server to check the disk, then press Start again."
        ),
        errno.ENOENT: N_(
            "A file it needed is not there, so the run could not start: ask whoever looks after the server, then press Start again."
        ),
        None: N_(
            "A file could not be read or written, so the run could not start: ask whoever looks after the server, then press Start again."
        ),
    },
    "the run could not be resumed": {
        errno.ENOSPC: N_(
            "There is no room left on this computer's disk, so the run could not be resumed: free some space and press Resume again."
        ),
        errno.EDQUOT: N_(
            "The room this server may use on the disk is used up, so the run could not be resumed: free some space and press Resume again."
        ),
        errno.EROFS: N_(
            "The runs folder is on a disk that cannot be written to, so "
            "the run could not be resumed: ask whoever looks after the server to let it write there, then press Resume again."
        ),
        errno.EACCES: N_(
            "The server is not allowed to write in the runs folder, so "
            "the run could not be resumed: ask whoever looks after the server to let it write there, then press Resume again."
        ),
        errno.EIO: N_(
            "The disk reported a fault, so "
            "the run could not be resumed: ask whoever looks after the server to check the disk, then press Resume again."
        ),
        errno.ENOENT: N_(
            "A file it needed is not there, so the run could not be resumed: ask whoever looks after the server, then press Resume again."
        ),
        None: N_(
            "A file could not be read or written, so "
            "the run could not be resumed: ask whoever looks after the server, then press Resume again."
        ),
    },
    "the run could not be deleted (completely)": {
        errno.ENOSPC: N_(
            "There is no room left on this computer's disk, so "
            "the run could not be deleted (completely): free some space and press Delete again."
        ),
        errno.EDQUOT: N_(
            "The room this server may use on the disk is used up, so "
            "the run could not be deleted (completely): free some space and press Delete again."
        ),
        errno.EROFS: N_(
            "The runs folder is on a disk that cannot be written to, so "
            "the run could not be deleted (completely): ask whoever looks after the server to let it write there, then press Delete again."
        ),
        errno.EACCES: N_(
            "The server is not allowed to write in the runs folder, so "
            "the run could not be deleted (completely): ask whoever looks after the server to let it write there, then press Delete again."
        ),
        errno.EIO: N_(
            "The disk reported a fault, so "
            "the run could not be deleted (completely): ask whoever looks after the server to check the disk, then press Delete again."
        ),
        errno.ENOENT: N_(
            "A file it needed is not there, so "
            "the run could not be deleted (completely): ask whoever looks after the server, then press Delete again."
        ),
        None: N_(
            "A file could not be read or written, so "
            "the run could not be deleted (completely): ask whoever looks after the server, then press Delete again."
        ),
    },
    "the run stopped": {
        errno.ENOSPC: N_(
            "There is no room left on this computer's disk, so the run stopped: free some space and resume it from its last checkpoint."
        ),
        errno.EDQUOT: N_(
            "The room this server may use on the disk is used up, so "
            "the run stopped: free some space and resume it from its last checkpoint."
        ),
        errno.EROFS: N_(
            "The runs folder is on a disk that cannot be written to, so "
            "the run stopped: ask whoever looks after the server to let it write there, then resume it from its last checkpoint."
        ),
        errno.EACCES: N_(
            "The server is not allowed to write in the runs folder, so "
            "the run stopped: ask whoever looks after the server to let it write there, then resume it from its last checkpoint."
        ),
        errno.EIO: N_(
            "The disk reported a fault, so "
            "the run stopped: ask whoever looks after the server to check the disk, then resume it from its last checkpoint."
        ),
        errno.ENOENT: N_(
            "A file it needed is not there, so "
            "the run stopped: ask whoever looks after the server, then resume it from its last checkpoint."
        ),
        None: N_(
            "A file could not be read or written, so "
            "the run stopped: ask whoever looks after the server, then resume it from its last checkpoint."
        ),
    },
    "the model could not be made the default": {
        errno.ENOSPC: N_(
            "There is no room left on this computer's disk, so "
            "the model could not be made the default: free some space and press Make default again."
        ),
        errno.EDQUOT: N_(
            "The room this server may use on the disk is used up, so "
            "the model could not be made the default: free some space and press Make default again."
        ),
        errno.EROFS: N_(
            "The runs folder is on a disk that cannot be written to, so "
            "the model could not be made the default: ask whoever looks after the server to let it write there, "
            "then press Make default again."
        ),
        errno.EACCES: N_(
            "The server is not allowed to write in the runs folder, so "
            "the model could not be made the default: ask whoever looks after the server to let it write there, "
            "then press Make default again."
        ),
        errno.EIO: N_(
            "The disk reported a fault, so "
            "the model could not be made the default: ask whoever looks after the server to check the disk, then press Make default again."
        ),
        errno.ENOENT: N_(
            "A file it needed is not there, so "
            "the model could not be made the default: ask whoever looks after the server, then press Make default again."
        ),
        None: N_(
            "A file could not be read or written, so "
            "the model could not be made the default: ask whoever looks after the server, then press Make default again."
        ),
    },
}
LINK_REFUSED_WORDS = {  # a link planted in the runs folder: its reason is already in words
    "the run could not start": N_("The run could not start: {reason}."),
    "the run could not be resumed": N_("The run could not be resumed: {reason}."),
    "the run could not be deleted (completely)": N_("The run could not be deleted (completely): {reason}."),
    "the run stopped": N_("The run stopped: {reason}."),
    "the model could not be made the default": N_("The model could not be made the default: {reason}."),
}


def disk_fault_words(error: OSError | int, outcome: str, again: str) -> str:
    """What a person is told: "There is no room left on this computer's disk, so the run could not start: free some
    space and press Start again." `outcome` says what did not happen, `again` how to try it again.

    In the reader's language: a whole sentence of DISK_FAULT_WORDS for each outcome the app has; the training process
    (no reader) writes it in English, and the page translates what it reads back (views/pages/train.py run_message).
    An outcome not in the table is told in English, built from its parts."""
    if isinstance(error, LinkRefused):  # already in words: a link planted in the runs folder
        if outcome in LINK_REFUSED_WORDS:
            return _(LINK_REFUSED_WORDS[outcome]).format(reason=error)
        return f"{outcome[0].upper()}{outcome[1:]}: {error}."
    number = error.errno if isinstance(error, OSError) else error
    number = errno.EACCES if number == errno.EPERM else number  # the same words
    if outcome in DISK_FAULT_WORDS:
        sentences = DISK_FAULT_WORDS[outcome]
        return _(sentences.get(number, sentences[None]))
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
