"""Files that one process writes and others read: never seen half-written, read back whole or not at all.

Each write goes to a temporary file beside the target, is flushed to disk,
and is moved into place with os.replace, which is atomic on one filesystem.
A reader that finds a file missing, half-written or not what it expects gets
None, never an exception; and a file's stamp tells a cache whether what it
read from the file is still current.
"""

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> None:
    """Call write(temporary_path), then move the result onto path in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
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


def read_json_object(path: Path) -> dict | None:
    """A JSON object from a file, or None if it is missing, half-written or not an object."""
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):  # missing, a folder, unreadable
        return None
    return value if isinstance(value, dict) else None


def file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Inode, modification time and size of a file, None if it is missing: a replaced or rewritten file changes it.

    What every cache of something read from a file is keyed by.
    """
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size
