"""Files that one process writes and others read: never seen half-written, read back whole or not at all.

Each write goes to a temporary file beside the target, is flushed to disk,
and is moved into place with os.replace, which is atomic on one filesystem.
A reader that finds a file missing, half-written or not what it expects gets
None, never an exception; and a file's stamp tells a cache whether what it
read from the file is still current. No write or read here goes through a
symbolic link at the file's own name: a link in a folder of runs could send
it anywhere on the server.

A JSON file that parses can still hold what no writer wrote ("test_accuracy":
"high"); read_json_checked holds it against a shape, declared beside the code
that writes the file, and says what is wrong in words.
"""

import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from i18n import N_, _

MAX_JSON_BYTES = 2**20  # a status or metadata file is a few hundred bytes; more is not one of ours
# The temporaries of atomic_write: mkstemp's ".<stem>." + 8 random characters + ".tmp<suffix>".
TEMPORARY_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp(\.[A-Za-z0-9]+)?$")


class LinkRefused(OSError):
    """A file that is to be written is a symbolic link: writing would change whatever file it points at."""


def refuse_link(path: Path) -> None:
    if path.is_symlink():
        raise LinkRefused(_("{file} is a link to another file; nothing is written through it").format(file=path.name))


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> None:
    """Call write(temporary_path), then move the result onto path in one step; refuses a path that is a link."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    refuse_link(path)
    # Keep the suffix: some writers (Keras) insist on it.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}")
    os.close(handle)
    os.chmod(temporary, 0o644)  # mkstemp makes it private; these files are for other processes
    try:
        write(Path(temporary))
        with open(temporary, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def atomic_write_json(path: str | os.PathLike, value) -> None:
    atomic_write_text(path, json.dumps(value, indent=2, sort_keys=True) + "\n")


def open_to_append(path: str | os.PathLike):
    """A growing file (a log) opened to append bytes, created if missing; OSError if its name is a link."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644), "ab")


def read_bytes_no_link(path: str | os.PathLike, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a file; OSError if it is missing, a folder, or a link."""
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb") as file:
        return file.read(limit + 1)


def stale_temporaries(folder: Path) -> list[Path]:
    """The temporaries of atomic_write in a folder: partial files of a process that was killed mid-write."""
    try:
        return [entry for entry in Path(folder).iterdir() if TEMPORARY_NAME.match(entry.name) and not entry.is_dir()]
    except OSError:
        return []


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Inode, modification time and size of a file, None if it is missing: a replaced or rewritten file changes it.

    What every cache of something read from a file is keyed by.
    """
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


# --- JSON read back, and held against the shape its writer gives it ----------------------------------------------


# What a field that is not its shape is told, whole sentences by the kind of shape: (the sentence, the sentence where
# null is allowed too). Shapes are made at import, in no reader's language: shape_problem translates when it tells.
SENTENCES = {
    "number": (N_("{field} must be a number from {low} to {high}"), N_("{field} must be a number from {low} to {high}, or null")),
    "whole": (
        N_("{field} must be a whole number from {low} to {high}"),
        N_("{field} must be a whole number from {low} to {high}, or null"),
    ),
    "name": (
        N_("{field} must be a name of the form Row Reader writes"),
        N_("{field} must be a name of the form Row Reader writes, or null"),
    ),
    "text": (N_("{field} must be text of at most {count} characters"), N_("{field} must be text of at most {count} characters, or null")),
    "one_of": (N_("{field} must be one of {choices}"), N_("{field} must be one of {choices}, or null")),
    "list": (N_("{field} must be a list of at most {count} items"), N_("{field} must be a list of at most {count} items, or null")),
    "object": (N_("{field} must be a JSON object"), N_("{field} must be a JSON object, or null")),
    "flag": (N_("{field} must be true or false"), N_("{field} must be true or false, or null")),
    "measurement": (N_("{field} must be a number"), N_("{field} must be a number, or null")),
    "anything": ("", ""),  # accepts all: never told
}


@dataclass(frozen=True)
class Shape:
    """What a JSON value must be: `accepts` says whether it is, `kind` (a key of SENTENCES) and `values` say so in
    words; `fields` for an object."""

    kind: str
    accepts: Callable[[object], bool]
    fields: dict = field(default_factory=dict)  # name: Shape, checked where present (absent is fine)
    required: tuple = ()  # names that must be present
    item: "Shape | None" = None  # for a list: what each item must be
    values: dict = field(default_factory=dict)  # the sentence's placeholders: {"low": "0", "high": "1"}
    nullable: bool = False

    def told(self, where: str) -> str:
        """The sentence that `where` (a field's name, "device.threads") is not this shape, in the reader's language."""
        if not where and self.kind == "object" and not self.nullable:
            return _("it must be a JSON object")
        return _(SENTENCES[self.kind][self.nullable]).format(field=where or "it", **self.values)


def finite_number(value) -> bool:
    """A number fit for float arithmetic, as JSON or a widget gives it: not a string, a flag, NaN or infinity, nor an
    integer past the largest float (JSON's 10**400 parses, and math.isfinite raises on it)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return abs(value) <= sys.float_info.max if isinstance(value, int) else math.isfinite(value)


def number(low: float, high: float) -> Shape:
    return Shape("number", lambda value: finite_number(value) and low <= value <= high, values={"low": f"{low:,g}", "high": f"{high:,g}"})


def whole(low: int, high: int) -> Shape:
    return Shape(
        "whole",
        lambda value: finite_number(value) and value == int(value) and low <= value <= high,
        values={"low": f"{low:,}", "high": f"{high:,}"},
    )


def text(max_chars: int = 500, pattern: re.Pattern | None = None) -> Shape:
    return Shape(
        "name" if pattern else "text",
        lambda value: isinstance(value, str) and len(value) <= max_chars and (pattern is None or bool(pattern.match(value))),
        values={} if pattern else {"count": f"{max_chars:,}"},  # never 1: no plural form needed
    )


def one_of(*choices) -> Shape:
    return Shape(
        "one_of",
        lambda value: any(value == c and type(value) is type(c) for c in choices),
        values={"choices": ", ".join(map(str, choices))},  # the file's own words, kept as written
    )


def optional(shape: Shape) -> Shape:
    """The shape, or null."""
    accepts = shape.accepts
    return replace(shape, accepts=lambda value: value is None or accepts(value), nullable=True)


def list_of(item: Shape, max_items: int = 1000) -> Shape:
    return Shape("list", lambda value: isinstance(value, list) and len(value) <= max_items, item=item, values={"count": f"{max_items:,}"})


def record(required: tuple = (), **fields: Shape) -> Shape:
    """A JSON object; the fields named are checked where present, and those in `required` must be."""
    return Shape("object", lambda value: isinstance(value, dict), fields, required)


ANYTHING = Shape("anything", lambda value: True)
FLAG = Shape("flag", lambda value: isinstance(value, bool))
MEASUREMENT = Shape("measurement", lambda value: isinstance(value, float) or finite_number(value))  # NaN too: a loss that diverged
MOMENT = number(0, 2**40)  # a time.time(), in seconds since 1970


def shape_problem(value, shape: Shape, where: str = "") -> str | None:
    """What is wrong with value, in words naming the field ("device.threads must be ..."), or None."""
    if not shape.accepts(value):
        return shape.told(where)
    if value is None:
        return None
    if isinstance(value, dict):
        for name in shape.required:
            if name not in value:
                return _("{field} is missing").format(field=f"{where}.{name}" if where else name)
        for name, inner in shape.fields.items():
            if name in value and (problem := shape_problem(value[name], inner, f"{where}.{name}" if where else name)):
                return problem
    if isinstance(value, list) and shape.item is not None:
        for index, item in enumerate(value):
            if problem := shape_problem(item, shape.item, f"{where or 'it'}[{index}]"):
                return problem
    return None


def read_json_checked(path: Path, shape: Shape) -> tuple[dict | None, str | None]:
    """(the object, None) when the file holds what `shape` says; (None, None) when it is missing; else (None, why).

    `why` names the file by its name only, and says what is wrong in plain words.
    """
    path = Path(path)
    try:
        data = read_bytes_no_link(path, MAX_JSON_BYTES)
    except FileNotFoundError:
        return None, None
    except OSError:
        if path.is_symlink():
            return None, _("its {file} is a link to another file").format(file=path.name)
        return None, _("its {file} is not a file that can be read").format(file=path.name)
    if len(data) > MAX_JSON_BYTES:
        return None, _("its {file} is damaged: it is far larger than Row Reader writes it").format(file=path.name)
    try:
        value = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, an integer of thousands of digits, nesting too deep
        return None, _("its {file} is damaged: it is not readable JSON").format(file=path.name)
    problem = shape_problem(value, shape)
    return (None, _("its {file} is damaged: {problem}").format(file=path.name, problem=problem)) if problem else (value, None)


def read_json_object(path: Path, shape: Shape | None = None) -> dict | None:
    """A JSON object from a file, or None if it is missing, half-written, a link or not what `shape` says."""
    return read_json_checked(path, shape or record())[0]
