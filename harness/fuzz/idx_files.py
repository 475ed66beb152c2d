"""Bad MNIST folders: the four IDX files damaged one at a time, gzipped or not, as load_mnist is given them."""

import functools
import gzip
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from harness.fuzz.case import ACCEPT, EITHER, REFUSE
from harness.fuzz.mutations import flipped, link, pick, truncated


def idx_bytes(array: np.ndarray, magic: int | None = None, shape: tuple | None = None) -> bytes:
    """An IDX file's bytes for a uint8 array; magic and shape may be overridden to make bad headers (tests/conftest.py too)."""
    array = np.asarray(array, np.uint8)
    shape = array.shape if shape is None else shape
    magic = 0x0800 + len(shape) if magic is None else magic
    return magic.to_bytes(4, "big") + b"".join(int(n % 2**32).to_bytes(4, "big") for n in shape) + array.tobytes()


def sound_idx_files(rng: np.random.Generator) -> dict[str, bytes]:
    """The four files, uncompressed: 30 training and 10 test images with labels covering 0..9."""
    from model.mnist import IDX_NAMES

    arrays = {
        "train_images": rng.integers(0, 256, (30, 28, 28), dtype=np.uint8), "train_labels": np.arange(30) % 10,
        "test_images": rng.integers(0, 256, (10, 28, 28), dtype=np.uint8), "test_labels": np.arange(10) % 10,
    }  # fmt: skip
    return {IDX_NAMES[key]: idx_bytes(array) for key, array in arrays.items()}


@functools.cache
def zeros_gzipped(megabytes: int) -> bytes:
    return gzip.compress(bytes(megabytes * 2**20), compresslevel=1)


def _idx_case(rng, what: str, change: Callable, expect: str = REFUSE) -> tuple[str, Callable, str]:
    """change(files, name, folder, rng) alters one of the four files (its bytes before gzip; None: not written) or the folder."""
    seed, gz = int(rng.integers(2**31)), bool(rng.integers(2))
    name = pick(rng, sorted(sound_idx_files(np.random.default_rng(0))))

    def make(folder: Path) -> str:
        files, data_dir = sound_idx_files(np.random.default_rng(seed)), folder / "mnist"
        data_dir.mkdir()
        change(files, name, data_dir, np.random.default_rng(seed))
        for file_name, data in files.items():
            if data is not None:
                (data_dir / (file_name + ".gz" if gz else file_name)).write_bytes(gzip.compress(data, 1) if gz else data)
        return str(data_dir)

    return f"{name}{'.gz' if gz else ''}: {what}", make, expect


def _header(ndim_of: str) -> int:
    return 4 + 4 * (3 if "images" in ndim_of else 1)


# --- one function per mutation: change(files, name, folder, rng), as _idx_case calls it ---------------------------------


def _truncate(files, name, folder, rng):
    files[name] = truncated(files[name], rng)


def _header_flip(files, name, folder, rng):
    files[name] = flipped(files[name], rng, 0, _header(name))


def _body_flip(files, name, folder, rng):
    files[name] = flipped(files[name], rng, _header(name))


def _huge_count(files, name, folder, rng):
    files[name] = files[name][:4] + int(pick(rng, [2**31 - 1, 2**32 - 1, 10**9])).to_bytes(4, "big") + files[name][8:]


def _huge_dims(files, name, folder, rng):
    side = int(pick(rng, [0, 1, 65_536, 2**32 - 1]))
    files[name] = idx_bytes(np.zeros(64), 2051, (pick(rng, [1, 2**32 - 1]), side, side))


def _no_items(files, name, folder, rng):
    for other in files:
        files[other] = idx_bytes(np.zeros(0), shape=(0, 28, 28) if "images" in other else (0,))


def _wrong_magic(files, name, folder, rng):
    own = 0x0803 if "images" in name else 0x0801
    magic = pick(rng, [other for other in (0x0801, 0x0803, 0x0804, 0x0D03, 0x0C01, 0, 0x1F8B0800) if other != own])
    files[name] = int(magic).to_bytes(4, "big") + files[name][4:]


def _trailing(files, name, folder, rng):
    files[name] += bytes(int(rng.integers(1, 2000)))


def _label_count(files, name, folder, rng):
    label_file = name.replace("images-idx3", "labels-idx1")
    count = len(files[label_file]) - _header(label_file)
    files[label_file] = idx_bytes(np.arange(pick(rng, [0, count - 1, count + 1, 2 * count])) % 10)


def _label_value(files, name, folder, rng):
    label_file = name.replace("images-idx3", "labels-idx1")
    labels = np.frombuffer(files[label_file], np.uint8, offset=8).copy()
    labels[int(rng.integers(len(labels)))] = int(rng.integers(10, 256))
    files[label_file] = idx_bytes(labels)


def _missing(files, name, folder, rng):
    files[name] = None


def _folder_instead(files, name, folder, rng):
    files[name] = None
    (folder / name).mkdir()
    (folder / (name + ".gz")).mkdir()


def _linked(target_of: Callable[[Path], object]) -> Callable:
    """The file, gzipped or not, replaced by a link to target_of(its path)."""

    def make_link(files, name, folder, rng):
        files[name] = None
        for file_name in (name, name + ".gz"):
            link(folder / file_name, target_of(folder / name))

    return make_link


def _outside_empty(path: Path) -> Path:
    target = path.parent.parent / "elsewhere.bin"
    target.touch()
    return target


def _sound_link(files, name, folder, rng):
    target = folder.parent / f"copy-of-{name}"
    target.write_bytes(files[name])
    files[name] = None
    link(folder / name, target)


def _garbage(files, name, folder, rng):
    files[name] = pick(rng, [b"", b"\x00", os.urandom(100), b"hello", b'{"a": 1}', b"\x89PNG\r\n\x1a\n", "Ω".encode() * 30])


def _double_gzip(files, name, folder, rng):
    files[name] = gzip.compress(gzip.compress(files[name]))  # twice here, and a third time if the case writes .gz files


def _unchanged(files, name, folder, rng):
    pass


MUTATIONS = [
    ("truncated", _truncate, REFUSE), ("header bits flipped", _header_flip, REFUSE), ("body bits flipped", _body_flip, EITHER),
    ("a huge item count", _huge_count, REFUSE), ("huge dimensions", _huge_dims, REFUSE), ("no items at all", _no_items, REFUSE),
    ("a wrong magic number", _wrong_magic, REFUSE), ("trailing bytes", _trailing, REFUSE),
    ("labels fewer than images", _label_count, REFUSE), ("a label outside 0..9", _label_value, REFUSE),
    ("missing", _missing, REFUSE), ("a folder in its place", _folder_instead, REFUSE),
    ("a link to /etc/passwd", _linked(lambda path: "/etc/passwd"), REFUSE),
    ("a dangling link", _linked(lambda path: path.parent / "nowhere"), REFUSE),
    ("a link to itself", _linked(lambda path: path), REFUSE),
    ("a link to an empty file outside", _linked(_outside_empty), REFUSE), ("a link to a sound copy", _sound_link, ACCEPT),
    ("not IDX at all", _garbage, REFUSE), ("gzipped twice", _double_gzip, REFUSE),
]  # fmt: skip


# --- cases that damage the gzip stream or the folder itself --------------------------------------------------------------


def _gzip_damage(rng):
    seed, truncate = int(rng.integers(2**31)), bool(rng.integers(2))
    name = pick(rng, sorted(sound_idx_files(np.random.default_rng(0))))

    def make(folder: Path) -> str:
        data_dir = folder / "mnist"
        data_dir.mkdir()
        case_rng = np.random.default_rng(seed)
        for file_name, data in sound_idx_files(case_rng).items():
            packed = gzip.compress(data, 1)
            if file_name == name:
                packed = truncated(packed, case_rng) if truncate else flipped(packed, case_rng, 10)
            (data_dir / (file_name + ".gz")).write_bytes(packed)
        return str(data_dir)

    return f"{name}.gz: {'truncated' if truncate else 'bits flipped'} in the gzip stream", make, REFUSE


def _gzip_bomb(rng):
    """A small gzip that unpacks to 16 MB: trailing bytes after 10 images."""
    name = pick(rng, sorted(sound_idx_files(np.random.default_rng(0))))

    def make(folder: Path) -> str:
        data_dir = folder / "mnist"
        data_dir.mkdir()
        for file_name, data in sound_idx_files(np.random.default_rng(0)).items():
            packed = gzip.compress(data, 1) if file_name != name else gzip.compress(data[: _header(file_name)], 1) + zeros_gzipped(16)
            (data_dir / (file_name + ".gz")).write_bytes(packed)
        return str(data_dir)

    return f"{name}.gz: 16 MB of zeros after its header (a gzip bomb, bounded)", make, REFUSE


def _odd_folder(rng):
    sort = pick(rng, ["a file", "missing", "a link to itself", "../ back into itself", "a link to /etc"])

    def make(folder: Path) -> str:
        if sort == "a file":
            (folder / "mnist").write_bytes(b"not a folder")
        elif sort == "a link to itself":
            link(folder / "mnist", folder / "mnist")
        elif sort == "a link to /etc":
            link(folder / "mnist", "/etc")
        elif sort == "../ back into itself":
            (folder / "mnist").mkdir()
            return str(folder / "mnist" / ".." / "mnist" / ".." / "missing")
        return str(folder / "mnist")

    return f"the data folder is {sort}", make, REFUSE


def families() -> list[Callable]:
    """The makers of IDX cases, rng -> (what, make, expect), in the order cases() takes them round."""
    makers = [functools.partial(_idx_case, what=what, change=change, expect=expect) for what, change, expect in MUTATIONS]
    unchanged = functools.partial(_idx_case, what="unchanged", change=_unchanged, expect=ACCEPT)
    return makers + [_gzip_damage, _gzip_bomb, _odd_folder, unchanged]
