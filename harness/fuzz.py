"""Bad inputs of every kind a classroom server meets, from seeded generators, and the judging of what each one got.

Issue 14 asks that every bad input end in a clear message or a safe result: never a traceback, a Python
internal, a server path, a hang, or a page down for others. `cases(kind, seed, count)` makes `count` small,
named cases of one kind, mutations of a sound input (truncated, bit-flipped, of the wrong type, huge, NaN,
deeply nested, empty, unicode, Markdown and HTML, "../" and absolute paths, links where a file belongs), the
same ones for the same seed; `judge(case, folder)` feeds one to the entry point its kind goes through and says
what came of it. tests/test_fuzz.py runs hundreds, bench/bench_fuzz.py thousands.

The entry points are named in the runners' section at the end, and nowhere else.
"""

import contextlib
import functools
import gzip
import io
import json
import os
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.files import finite_number

REPO_ROOT = Path(__file__).resolve().parent.parent
APP = REPO_ROOT / "app.py"
TRAIN_PAGE = "views/pages/train.py"
CASE_TIMEOUT_S = 120  # bounds a hang, far above any case's own time; never a measure of speed
FOREIGN_HOST = "example.invalid"  # where injected links point: they must never reach a page as links
MESSAGE, SAFE, FAILURE, SKIPPED = "message", "safe", "failure", "skipped"
REFUSE, EITHER, ACCEPT = "refuse", "either", "accept"  # what a case must get: a message, either, or a result


@dataclass(frozen=True)
class Case:
    kind: str
    name: str  # says what was done to the sound input, enough to make it again
    make: Callable[[Path], object]  # builds the input in an empty scratch folder; returns what the entry point takes
    expect: str = REFUSE  # REFUSE: bad for certain, so a result is a failure too; EITHER; ACCEPT: a sound input


@dataclass(frozen=True)
class Outcome:
    verdict: str  # MESSAGE, SAFE, FAILURE or SKIPPED
    cause: str = ""  # a failure's kind, to group by ("raised RecursionError", "message shows a server path")
    detail: str = ""  # what was seen: the message, the exception, the result


# --- what no message may show ----------------------------------------------------------------------------------------

SYSTEM_ROOTS = ("work", "tmp", "root", "home", "etc", "usr", "var", "proc", "dev", "opt", "mnt", "srv", "sys", "Users", "private")
INTERNALS = [
    ("a traceback", re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+")),
    ("a server path", re.compile(r"(?<![\w.:/~-])/(?:" + "|".join(SYSTEM_ROOTS) + r")\b")),
    ("a memory address", re.compile(r"\b0x[0-9a-fA-F]{5,}")),
    ("an OS error number", re.compile(r"Errno")),
    ("a KeyError", re.compile(r"KeyError")),
    ("a Python object", re.compile(r"object at |<_io\.|<\w+(?:\.\w+)+ object")),
    ("an exception's name", re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b|BadZipFile|BadGzipFile")),
    (
        "a library's own words",
        re.compile(
            r"Error -?\d+ while|end-of-stream marker|Unable to synchronously|Link iteration failed|"
            r"cannot identify image file|doesn't exist\)|invalid stored block|\(file signature"
        ),
    ),
]


def problems_in(text: str, allowed: tuple = ()) -> list[str]:
    """What a person must not be shown in `text`; `allowed` are strings the person typed, which may be echoed."""
    for own in sorted((a for a in allowed if a), key=len, reverse=True):
        text = text.replace(own, " ")
    return [name for name, pattern in INTERNALS if pattern.search(text)]


def _short(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def message_outcome(text: str, allowed: tuple = ()) -> Outcome:
    if not text.strip():
        return Outcome(FAILURE, "an empty message")
    problems = problems_in(text, allowed)
    if problems:
        return Outcome(FAILURE, f"message shows {problems[0]}", _short(text))
    return Outcome(MESSAGE, detail=_short(text))


def result_outcome(case: Case, result) -> Outcome:
    if case.expect == REFUSE:
        return Outcome(FAILURE, "accepted a bad input", _short(repr(result)))
    return Outcome(SAFE, detail=_short(repr(result)))


def within(seconds: float, call: Callable[[], object]) -> tuple[str, object]:
    """call() on a thread of its own: ("returned", value), ("raised", error), or ("hung", None) after `seconds`.

    The watchdog: a hung case is reported and left behind (a daemon thread), and the next case goes on.
    """
    box = {}

    def target():
        try:
            box["returned"] = call()
        except BaseException as error:  # SystemExit included: argparse's way of refusing
            box["raised"] = error

    thread = threading.Thread(target=target, daemon=True, name="fuzz-case")
    thread.start()
    thread.join(seconds)
    return ("hung", None) if thread.is_alive() else next(iter(box.items()))


def guarded(case: Case, call: Callable[[], object], expected: tuple, allowed: tuple = ()) -> Outcome:
    """The outcome of call(): the expected error types are messages, any other is a failure, as is a hang."""
    how, value = within(CASE_TIMEOUT_S, call)
    if how == "hung":
        return Outcome(FAILURE, "a hang", f"no answer in {CASE_TIMEOUT_S} s")
    if how == "raised":
        if isinstance(value, expected):
            return message_outcome(str(value), allowed)
        return Outcome(FAILURE, f"raised {type(value).__name__}", _short(f"{type(value).__name__}: {value}"))
    if isinstance(value, Outcome):
        return value
    if case.expect == REFUSE:
        return result_outcome(case, value)
    return Outcome(SAFE, detail=_short(repr(value)))


# --- mutations shared by the kinds -----------------------------------------------------------------------------------

HOSTILE_TEXTS = [
    "", " ", "\t\n", "0", "-1", "+4", "1e3", "2.5", "1,000", "0x10", "nan", "NaN", "inf", "-inf", "1e309", "Infinity",
    "99999999999999999999", "²", "٣", "１２", "٧", "7\x00", "\u202e7", "😀", "Ω" * 80, "%s%n", "{0}", "${HOME}", "null",
    "true", "[]", "{}", " 7 ", "7\n8", "../../etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "~/x",
    f"[click me](http://{FOREIGN_HOST}/phish)", f"![t](http://{FOREIGN_HOST}/track.png)",
    f"<img src=http://{FOREIGN_HOST}/x.png>", "<script>alert(1)</script>", "**bold** _it_ `code`", ":red[alarm]", "$x^2$",
]  # fmt: skip
HOSTILE_JSON_VALUES = [
    None, True, False, 0, -1, 1.5, 1e308, float("nan"), float("inf"), float("-inf"), 10**400, "", "high", "GPU", "long",
    [], {}, {"a": 1}, [1, 2], {"model": {"a": 1}}, f"[x](http://{FOREIGN_HOST}/p)", f"<img src=http://{FOREIGN_HOST}/i>",
    "../../etc/passwd", "/etc/passwd", "x" * 20_000, "😀\u202e", -(2**63), 2**64,
]  # fmt: skip


def pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


def generated_text(rng: np.random.Generator) -> str:
    """A text of a random sort: long digits, unicode digits, random printable or random code points."""
    sort = int(rng.integers(4))
    length = int(rng.integers(1, 6000 if sort == 0 else 60))
    if sort == 0:
        return "".join(str(d) for d in rng.integers(0, 10, length))
    if sort == 1:
        return "".join(chr(pick(rng, [0x0660, 0x06F0, 0x0966, 0xFF10, 0x1D7CE]) + int(rng.integers(10))) for _ in range(length))
    if sort == 2:
        return "".join(chr(c) for c in rng.integers(32, 127, length))
    return "".join(chr(c) for c in rng.integers(1, 0xD7FF, length))


def hostile_text(rng: np.random.Generator) -> str:
    return pick(rng, HOSTILE_TEXTS) if rng.random() < 0.7 else generated_text(rng)


def truncated(data: bytes, rng: np.random.Generator) -> tuple[bytes, str]:
    cut = int(rng.integers(0, max(len(data), 1)))
    return data[:cut], f"cut to {cut} of {len(data)} bytes"


def flipped(data: bytes, rng: np.random.Generator, low: int = 0, high: int | None = None) -> tuple[bytes, str]:
    high = len(data) if high is None else min(high, len(data))
    data, places = bytearray(data), sorted(int(p) for p in rng.integers(low, max(high, low + 1), int(rng.integers(1, 6))))
    for place in places:
        if place < len(data):
            data[place] ^= 1 << int(rng.integers(8))
    return bytes(data), f"bits flipped at {places}"


def deep_json(depth: int = 100_000) -> str:
    return "[" * depth + "]" * depth


def link(path: Path, target) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


@functools.cache
def zeros_gzipped(megabytes: int) -> bytes:
    return gzip.compress(bytes(megabytes * 2**20), compresslevel=1)


# --- IDX files (MNIST) -----------------------------------------------------------------------------------------------


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


def _idx_families():
    def truncate(files, name, folder, rng):
        files[name] = truncated(files[name], rng)[0]

    def header_flip(files, name, folder, rng):
        files[name] = flipped(files[name], rng, 0, _header(name))[0]

    def body_flip(files, name, folder, rng):
        files[name] = flipped(files[name], rng, _header(name))[0]

    def huge_count(files, name, folder, rng):
        files[name] = files[name][:4] + int(pick(rng, [2**31 - 1, 2**32 - 1, 10**9])).to_bytes(4, "big") + files[name][8:]

    def huge_dims(files, name, folder, rng):
        side = int(pick(rng, [0, 1, 65_536, 2**32 - 1]))
        files[name] = idx_bytes(np.zeros(64), 2051, (pick(rng, [1, 2**32 - 1]), side, side))

    def no_items(files, name, folder, rng):
        for other in files:
            files[other] = idx_bytes(np.zeros(0), shape=(0, 28, 28) if "images" in other else (0,))

    def wrong_magic(files, name, folder, rng):
        own = 0x0803 if "images" in name else 0x0801
        magic = pick(rng, [other for other in (0x0801, 0x0803, 0x0804, 0x0D03, 0x0C01, 0, 0x1F8B0800) if other != own])
        files[name] = int(magic).to_bytes(4, "big") + files[name][4:]

    def trailing(files, name, folder, rng):
        files[name] += bytes(int(rng.integers(1, 2000)))

    def label_count(files, name, folder, rng):
        label_file = name.replace("images-idx3", "labels-idx1")
        count = len(files[label_file]) - _header(label_file)
        files[label_file] = idx_bytes(np.arange(pick(rng, [0, count - 1, count + 1, 2 * count])) % 10)

    def label_value(files, name, folder, rng):
        label_file = name.replace("images-idx3", "labels-idx1")
        labels = np.frombuffer(files[label_file], np.uint8, offset=8).copy()
        labels[int(rng.integers(len(labels)))] = int(rng.integers(10, 256))
        files[label_file] = idx_bytes(labels)

    def missing(files, name, folder, rng):
        files[name] = None

    def folder_instead(files, name, folder, rng):
        files[name] = None
        (folder / name).mkdir()
        (folder / (name + ".gz")).mkdir()

    def linked(target_of):
        def make_link(files, name, folder, rng):
            files[name] = None
            for file_name in (name, name + ".gz"):
                link(folder / file_name, target_of(folder / name))

        return make_link

    def outside_empty(path):
        target = path.parent.parent / "elsewhere.bin"
        target.touch()
        return target

    def sound_link(files, name, folder, rng):
        target = folder.parent / f"copy-of-{name}"
        target.write_bytes(files[name])
        files[name] = None
        link(folder / name, target)

    def garbage(files, name, folder, rng):
        files[name] = pick(rng, [b"", b"\x00", os.urandom(100), b"hello", b'{"a": 1}', b"\x89PNG\r\n\x1a\n", "Ω".encode() * 30])

    def double_gzip(files, name, folder, rng):
        files[name] = gzip.compress(gzip.compress(files[name]))  # twice here, and a third time if the case writes .gz files

    families = [
        ("truncated", truncate, REFUSE), ("header bits flipped", header_flip, REFUSE), ("body bits flipped", body_flip, EITHER),
        ("a huge item count", huge_count, REFUSE), ("huge dimensions", huge_dims, REFUSE), ("no items at all", no_items, REFUSE),
        ("a wrong magic number", wrong_magic, REFUSE), ("trailing bytes", trailing, REFUSE),
        ("labels fewer than images", label_count, REFUSE), ("a label outside 0..9", label_value, REFUSE),
        ("missing", missing, REFUSE), ("a folder in its place", folder_instead, REFUSE),
        ("a link to /etc/passwd", linked(lambda path: "/etc/passwd"), REFUSE),
        ("a dangling link", linked(lambda path: path.parent / "nowhere"), REFUSE),
        ("a link to itself", linked(lambda path: path), REFUSE),
        ("a link to an empty file outside", linked(outside_empty), REFUSE), ("a link to a sound copy", sound_link, ACCEPT),
        ("not IDX at all", garbage, REFUSE), ("gzipped twice", double_gzip, REFUSE),
    ]  # fmt: skip
    makers = [lambda rng, f=f: _idx_case(rng, f[0], f[1], f[2]) for f in families]
    makers += [_idx_gzip_damage, _idx_gzip_bomb, _idx_odd_folder, lambda rng: _idx_case(rng, "unchanged", lambda *a: None, ACCEPT)]
    return makers


def _idx_gzip_damage(rng):
    seed, truncate = int(rng.integers(2**31)), bool(rng.integers(2))
    name = pick(rng, sorted(sound_idx_files(np.random.default_rng(0))))

    def make(folder: Path) -> str:
        data_dir = folder / "mnist"
        data_dir.mkdir()
        case_rng = np.random.default_rng(seed)
        for file_name, data in sound_idx_files(case_rng).items():
            packed = gzip.compress(data, 1)
            if file_name == name:
                packed = truncated(packed, case_rng)[0] if truncate else flipped(packed, case_rng, 10)[0]
            (data_dir / (file_name + ".gz")).write_bytes(packed)
        return str(data_dir)

    return f"{name}.gz: {'truncated' if truncate else 'bits flipped'} in the gzip stream", make, REFUSE


def _idx_gzip_bomb(rng):
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


def _idx_odd_folder(rng):
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


# --- .keras files ----------------------------------------------------------------------------------------------------

TINY_ARRAYS = {  # a reader of 4 units with an 8-wide projection, laid out as Keras 3 saves the shipped model
    "layers/dense/vars": [(28, 8), (8,)],
    "layers/lstm/cell/vars": [(8, 16), (4, 16), (16,)],
    "layers/lstm_1/cell/vars": [(4, 16), (4, 16), (16,)],
    "layers/dense_1/vars": [(4, 10), (10,)],
}
EMPTY_GROUPS = ("layers/input_layer/vars", "layers/dropout/vars", "layers/dropout_1/vars", "layers/lstm/vars", "layers/lstm_1/vars")


@functools.cache
def sound_model_entries() -> tuple[tuple[str, bytes], ...]:
    """A small sound `.keras`'s entries: the shipped model's config and metadata, with the arrays of a tiny reader."""
    import h5py

    from model.storage import DEFAULT_MODEL_PATH

    with zipfile.ZipFile(DEFAULT_MODEL_PATH) as archive:
        config, metadata = json.loads(archive.read("config.json")), archive.read("metadata.json")
    for layer in config["config"]["layers"]:
        if "units" in layer["config"]:
            layer["config"]["units"] = {"input_projection": 8, "classifier": 10}.get(layer["config"]["name"], 4)
    rng, buffer = np.random.default_rng(0), io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        for group_name, shapes in TINY_ARRAYS.items():
            group = h5.require_group(group_name)
            for index, shape in enumerate(shapes):
                group[str(index)] = rng.normal(0, 0.3, shape).astype(np.float32)
        for group_name in EMPTY_GROUPS:
            h5.require_group(group_name)
    return ("metadata.json", metadata), ("config.json", json.dumps(config).encode()), ("model.weights.h5", buffer.getvalue())


def zipped(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def sound_model_bytes() -> bytes:
    return zipped(sound_model_entries())


def edited_weights(edit: Callable) -> bytes:
    """The tiny reader's weights file after edit(h5, rng) changed it."""
    import h5py

    buffer = io.BytesIO(dict(sound_model_entries())["model.weights.h5"])
    with h5py.File(buffer, "r+") as h5:
        edit(h5)
    return buffer.getvalue()


def with_entries(**replaced) -> bytes:
    """The sound model's zip with some entries replaced (bytes) or left out (None)."""
    entries = dict(sound_model_entries()) | replaced
    return zipped((name, data) for name, data in entries.items() if data is not None)


def _model_case(what: str, build: Callable[[np.random.Generator], bytes], rng, expect: str = REFUSE):
    seed = int(rng.integers(2**31))

    def make(folder: Path) -> str:
        path = folder / "model.keras"
        path.write_bytes(build(np.random.default_rng(seed)))
        return str(path)

    return what, make, expect


def _config_with(change: Callable[[dict, np.random.Generator], None]) -> Callable[[np.random.Generator], bytes]:
    def build(rng):
        config = json.loads(dict(sound_model_entries())["config.json"])
        change(config, rng)
        entries = dict(sound_model_entries())
        entries["config.json"] = json.dumps(config).encode()
        return zipped(entries.items())

    return build


def _weights_with(edit: Callable) -> Callable[[np.random.Generator], bytes]:
    def build(rng):
        entries = dict(sound_model_entries())
        entries["model.weights.h5"] = edited_weights(lambda h5: edit(h5, rng))
        return zipped(entries.items())

    return build


def _raw_entry(entry: str, change: Callable[[bytes, np.random.Generator], bytes]) -> Callable[[np.random.Generator], bytes]:
    def build(rng):
        entries = dict(sound_model_entries())
        entries[entry] = change(entries[entry], rng)
        return zipped(entries.items())

    return build


def _dataset_paths() -> list[str]:
    return [f"{group}/{index}" for group, shapes in TINY_ARRAYS.items() for index in range(len(shapes))]


def _replace_dataset(h5, path: str, **create) -> None:
    del h5[path]
    h5.create_dataset(path, **create)


def _keras_families():
    def layers_of(config):
        return config["config"]["layers"]

    def random_layer(config, rng):
        return pick(rng, layers_of(config))

    def class_name(config, rng):
        random_layer(config, rng)["class_name"] = pick(rng, ["Lambda", "TFOpLambda", "MyCustomLayer", "Conv1D", "GRU", None, 7, "lstm"])

    def activation(config, rng):
        layer = pick(rng, [layer for layer in layers_of(config) if "activation" in layer["config"]])
        layer["config"][pick(rng, ["activation", "recurrent_activation"] if layer["class_name"] == "LSTM" else ["activation"])] = pick(
            rng, ["relu", None, 123, [], "exec", {"class_name": "Lambda"}, "Softmax", "tanh " * 3]
        )

    def lstm_setting(config, rng):
        layer = pick(rng, [layer for layer in layers_of(config) if layer["class_name"] == "LSTM"])
        key, value = pick(rng, [("go_backwards", True), ("use_bias", False), ("go_backwards", "yes")])
        layer["config"][key] = value

    def model_kind(config, rng):
        config["class_name"] = pick(rng, ["Model", "Lambda", None, 0, "Functional\u202e", "Sequential\n"])

    def structure(config, rng):
        sort = int(rng.integers(6))
        if sort == 0:
            config["config"]["layers"] = pick(rng, [[], None, "layers", {"a": 1}, [1, 2], [[]]])
        elif sort == 1:
            del random_layer(config, rng)["config"]
        elif sort == 2:
            pick(rng, layers_of(config)[1:])["inbound_nodes"] = pick(rng, [None, "x", [{"args": []}], [[["nowhere", 0, 0]]], 5])
        elif sort == 3:
            layers_of(config).reverse()
        elif sort == 4:
            config["config"] = pick(rng, [None, [], "config", 3])
        else:
            layers_of(config).append(json.loads(json.dumps(layers_of(config)[1])))

    def layer_name(config, rng):
        layer = random_layer(config, rng)
        layer["config"]["name"] = pick(rng, HOSTILE_JSON_VALUES)

    def whole_config(data, rng):
        return pick(rng, [b"", b"{", b"[]", b"3", b"null", b'"model"', b"\xff\xfe\x00", "\ufeff{}".encode(), deep_json().encode(),
                          data[: int(rng.integers(len(data)))], b'{"class_name": NaN}'])  # fmt: skip

    def h5_truncate(data, rng):
        return truncated(data, rng)[0]

    def h5_flip(data, rng):
        return flipped(data, rng)[0]

    def h5_garbage(data, rng):
        return pick(rng, [b"", os.urandom(int(rng.integers(1, 5000))), b"\x89HDF\r\n\x1a\n" + bytes(100), sound_model_bytes()])

    def wrong_shape(h5, rng):
        path = pick(rng, _dataset_paths())
        shape = h5[path].shape
        other_shapes = [other for other in (shape[::-1], shape + (1,), (), (0,), (1, 1, 1), (3,)) if other != shape]
        _replace_dataset(h5, path, data=np.zeros(pick(rng, other_shapes), np.float32))

    def wrong_dtype(h5, rng):
        import h5py

        path = pick(rng, _dataset_paths())
        values = np.zeros(h5[path].shape, np.float32)
        sort = int(rng.integers(4))
        if sort == 0:
            _replace_dataset(h5, path, data=np.full(h5[path].shape, b"tanh", "S4"))
        elif sort == 1:
            _replace_dataset(h5, path, data=values.astype(np.complex64))
        elif sort == 2:
            _replace_dataset(h5, path, data=np.zeros(h5[path].shape, [("a", "f4"), ("b", "i4")]))
        else:
            _replace_dataset(h5, path, shape=h5[path].shape, dtype=h5py.string_dtype())

    def number_dtype(h5, rng):
        path = pick(rng, _dataset_paths())
        _replace_dataset(h5, path, data=h5[path][()].astype(pick(rng, [np.float64, np.float16, np.int8, np.bool_])))

    def not_finite(h5, rng):
        path = pick(rng, _dataset_paths())
        values = h5[path][()]
        values.flat[int(rng.integers(values.size))] = pick(rng, [np.nan, np.inf, -np.inf])
        h5[path][...] = values

    def large_finite(h5, rng):
        path = pick(rng, _dataset_paths())
        h5[path][...] = h5[path][()] * pick(rng, [1e30, 3e38, -3e38, 0.0])

    def external_storage(h5, rng):
        path = pick(rng, _dataset_paths())
        shape = h5[path].shape
        target = pick(rng, ["/etc/passwd", "/etc/hostname", "../../../etc/passwd", "/proc/self/environ"])
        _replace_dataset(h5, path, shape=shape, dtype="f4", external=[(target, 0, int(np.prod(shape)) * 4)])

    def virtual(h5, rng):
        import h5py

        path = pick(rng, _dataset_paths())
        shape = h5[path].shape
        layout = h5py.VirtualLayout(shape=shape, dtype="f4")
        layout[...] = h5py.VirtualSource(pick(rng, ["/etc/passwd", "other.h5", "."]), "data", shape=shape)
        del h5[path]
        h5.create_virtual_dataset(path, layout, fillvalue=0)

    def soft_link(h5, rng):
        import h5py

        path = pick(rng, _dataset_paths())
        del h5[path]
        h5[path] = pick(rng, [h5py.SoftLink(pick(rng, _dataset_paths())), h5py.SoftLink("/nowhere"), h5py.ExternalLink("/etc/passwd", "/x"),
                              h5py.ExternalLink("other.h5", "/layers")])  # fmt: skip

    def missing_member(h5, rng):
        del h5[pick(rng, _dataset_paths() + list(TINY_ARRAYS) + ["layers"])]

    def group_instead(h5, rng):
        path = pick(rng, _dataset_paths())
        del h5[path]
        h5.create_group(path)

    def extra_member(h5, rng):
        group = h5[pick(rng, list(TINY_ARRAYS))]
        group[str(len(group))] = np.zeros(3, np.float32)

    def sparse_huge(h5, rng):
        path = pick(rng, _dataset_paths())
        _replace_dataset(h5, path, shape=(2**24,), dtype="f4", chunks=(2**16,), compression="gzip")

    def lacking(rng):
        return with_entries(**{pick(rng, ["config.json", "model.weights.h5"]): None})

    def extra_entries(rng):
        entries = list(sound_model_entries()) + [(pick(rng, ["../evil.txt", "/abs/evil.txt", "a/../../b", "Ω.json", "x" * 200]), b"x")]
        return zipped(entries)

    def bomb(rng):
        entries = dict(sound_model_entries())
        entries["model.weights.h5"] = bytes(32 * 2**20)
        return zipped(entries.items())

    def forged_size(rng):
        data = bytearray(sound_model_bytes())
        position = data.find(b"PK\x01\x02")
        while position >= 0:
            name_length = int.from_bytes(data[position + 28 : position + 30], "little")
            if data[position + 46 : position + 46 + name_length] == b"model.weights.h5":
                data[position + 24 : position + 28] = (2**32 - 1).to_bytes(4, "little")
            position = data.find(b"PK\x01\x02", position + 4)
        return bytes(data)

    def not_a_zip(rng):
        return pick(
            rng, [b"", os.urandom(int(rng.integers(1, 3000))), b"PK\x03\x04", b"PK\x05\x06" + bytes(18), gzip.compress(b"x"), b"{}"]
        )

    def zip_truncate(rng):
        return truncated(sound_model_bytes(), rng)[0]

    def zip_flip(rng):
        return flipped(sound_model_bytes(), rng)[0]

    builders = [
        ("not a zip", not_a_zip, REFUSE),
        ("the zip truncated", zip_truncate, REFUSE),
        ("zip bits flipped", zip_flip, EITHER),
        ("an entry left out", lacking, REFUSE),
        ("an extra entry with a path trick", extra_entries, ACCEPT),
        ("32 MB of zeros for weights (a zip bomb, bounded)", bomb, REFUSE),
        ("a forged 4 GB weights size", forged_size, REFUSE),
        ("config.json not a model's JSON", _raw_entry("config.json", whole_config), REFUSE),
        ("a layer of another class", _config_with(class_name), REFUSE),
        ("another activation", _config_with(activation), REFUSE),
        ("an LSTM that reads backwards or without bias", _config_with(lstm_setting), EITHER),
        ("another model class", _config_with(model_kind), REFUSE),
        ("a broken layer list", _config_with(structure), REFUSE),
        ("a hostile layer name", _config_with(layer_name), EITHER),
        ("weights truncated", _raw_entry("model.weights.h5", h5_truncate), REFUSE),
        ("weights bits flipped", _raw_entry("model.weights.h5", h5_flip), EITHER),
        ("weights not HDF5", _raw_entry("model.weights.h5", h5_garbage), REFUSE),
        ("an array of the wrong shape", _weights_with(wrong_shape), REFUSE),
        ("an array of text or records", _weights_with(wrong_dtype), REFUSE),
        ("an array of another number type", _weights_with(number_dtype), EITHER),
        ("NaN or infinite weights", _weights_with(not_finite), REFUSE),
        ("huge or zero weights", _weights_with(large_finite), EITHER),
        ("an array stored in another file", _weights_with(external_storage), REFUSE),
        ("a virtual dataset", _weights_with(virtual), REFUSE),
        ("a soft or external link", _weights_with(soft_link), REFUSE),
        ("a member left out", _weights_with(missing_member), REFUSE),
        ("a group where an array belongs", _weights_with(group_instead), REFUSE),
        ("an extra array", _weights_with(extra_member), EITHER),
        ("a 64 MB unwritten array", _weights_with(sparse_huge), REFUSE),
        ("unchanged", lambda rng: sound_model_bytes(), ACCEPT),
    ]
    makers = [lambda rng, b=b: _model_case(b[0], b[1], rng, b[2]) for b in builders]
    return makers + [_model_path_case]


def _model_path_case(rng):
    sort = pick(rng, ["a folder", "missing", "a link to /etc/passwd", "a link to itself", "a link to a sound model"])

    def make(folder: Path) -> str:
        path = folder / "model.keras"
        if sort == "a folder":
            path.mkdir()
        elif sort == "a link to /etc/passwd":
            link(path, "/etc/passwd")
        elif sort == "a link to itself":
            link(path, path)
        elif sort == "a link to a sound model":
            (folder / "elsewhere.keras").write_bytes(sound_model_bytes())
            link(path, folder / "elsewhere.keras")
        return str(path)

    return f"the model path is {sort}", make, EITHER if sort == "a link to a sound model" else REFUSE


# --- images ----------------------------------------------------------------------------------------------------------


def digit_pixels(size: int = 64) -> np.ndarray:
    """A dark 7 on white, as a canvas or a photo gives it."""
    pixels = np.full((size, size), 255, np.uint8)
    stroke = max(size // 12, 1)
    pixels[size // 5 : size // 5 + stroke, size // 4 : 3 * size // 4] = 0
    for row in range(size // 5, 4 * size // 5):
        column = 3 * size // 4 - (row - size // 5) * size // (2 * size)
        pixels[row, max(column - stroke, 0) : column] = 0
    return pixels


def encoded(pixels: np.ndarray, image_format: str, mode: str | None = None, **options) -> bytes:
    from PIL import Image

    image = Image.fromarray(pixels)
    if mode:
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width: int, height: int, colour_type: int = 0) -> bytes:
    """A PNG whose header claims width x height pixels, with a body of 64 bytes: cheap to make, costly to believe."""
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(bytes(64))) + _png_chunk(b"IEND", b"")


def claiming(image_format: str, width: int, height: int) -> bytes:
    """A small image of the format whose header is rewritten to claim width x height."""
    if image_format == "PNG":
        return png_claiming(width, height)
    data = bytearray(encoded(digit_pixels(32), image_format))
    if image_format == "JPEG":
        place = data.find(b"\xff\xc0")
        data[place + 5 : place + 9] = struct.pack(">HH", min(height, 65535), min(width, 65535))
    elif image_format == "GIF":
        data[6:10] = struct.pack("<HH", min(width, 65535), min(height, 65535))
        place = data.find(b"\x2c", 13)
        data[place + 5 : place + 9] = struct.pack("<HH", min(width, 65535), min(height, 65535))
    elif image_format == "BMP":
        data[18:26] = struct.pack("<ii", min(width, 2**31 - 1), min(height, 2**31 - 1))
    return bytes(data)


FORMATS = ["PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP"]


def _image_case(what: str, build: Callable[[np.random.Generator], bytes], rng, expect: str = REFUSE):
    seed = int(rng.integers(2**31))
    return what, lambda folder: build(np.random.default_rng(seed)), expect


def _image_families():
    def truncate(rng):
        return truncated(encoded(digit_pixels(), pick(rng, FORMATS)), rng)[0]

    def flip(rng):
        return flipped(encoded(digit_pixels(), pick(rng, FORMATS)), rng)[0]

    def huge(rng):
        sides = pick(rng, [(100_000, 100_000), (30_000, 30_000), (1, 30_000_000), (65_535, 65_535), (2**31 - 1, 1), (5001, 5001)])
        return claiming(pick(rng, ["PNG", "PNG", "JPEG", "GIF", "BMP"]), *sides)

    def under_cap(rng):
        return png_claiming(int(pick(rng, [4999, 5000])), 5000)

    def not_an_image(rng):
        return pick(rng, [b"", b"\x00", os.urandom(int(rng.integers(1, 4000))), b"hello", b'{"a": 1}', b"%PDF-1.4\n",
                          f'<svg xmlns="http://www.w3.org/2000/svg"><image href="http://{FOREIGN_HOST}/x.png"/></svg>'.encode(),
                          b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n", sound_model_bytes()[:5000],
                          b"GIF89a", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"BM" + bytes(60)])  # fmt: skip

    def float_nan(rng):
        from PIL import Image

        pixels = digit_pixels(28).astype(np.float32)
        pixels.flat[rng.integers(0, pixels.size, 20)] = pick(rng, [np.nan, np.inf, -np.inf, 1e30])
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="TIFF")
        return buffer.getvalue()

    def odd_ink(rng):
        size = pick(rng, [(1, 1), (2, 2000), (2000, 2), (28, 28), (3, 3)])
        fill = pick(rng, ["black", "white", "grey", "noise", "one dot"])
        pixels = np.full(size, {"black": 0, "white": 255, "grey": 128}.get(fill, 255), np.uint8)
        if fill == "noise":
            pixels = rng.integers(0, 256, size, dtype=np.uint8)
        elif fill == "one dot":
            pixels[size[0] // 2, size[1] // 2] = 0
        return encoded(pixels, "PNG")

    def transparent(rng):
        rgba = np.zeros((64, 64, 4), np.uint8)
        rgba[..., 3] = pick(rng, [0, 1, 254])
        return encoded(rgba, "PNG")

    def large(rng):
        side = int(rng.integers(1000, 2500))
        return encoded(digit_pixels(side), "PNG", optimize=False)

    def animated(rng):
        from PIL import Image

        frames = [Image.fromarray(digit_pixels(40)), Image.fromarray(255 - digit_pixels(40))]
        buffer = io.BytesIO()
        frames[0].save(buffer, format=pick(rng, ["GIF", "PNG"]), save_all=True, append_images=frames[1:])
        return buffer.getvalue()

    builders = [
        ("truncated", truncate, EITHER),
        ("bits flipped", flip, EITHER),
        ("a header claiming huge dimensions", huge, REFUSE),
        ("a 25-megapixel header with a 64-byte body", under_cap, REFUSE),
        ("not an image", not_an_image, REFUSE),
        ("float pixels with NaN or infinity", float_nan, EITHER),
        ("odd ink or size", odd_ink, ACCEPT),
        ("a transparent image", transparent, ACCEPT),
        ("large, 1000 to 2500 px a side", large, ACCEPT),
        ("animated", animated, ACCEPT),
        ("unchanged", lambda rng: encoded(digit_pixels(), pick(rng, ["PNG", "JPEG"])), ACCEPT),
    ]
    return [lambda rng, b=b: _image_case(b[0], b[1], rng, b[2]) for b in builders] + [_image_mode_case, _image_mode_case, _image_path_case]


def _image_mode_case(rng):
    """A sound digit in another colour mode or format: a PNG or JPEG must be read, any other may be refused."""
    mode, image_format = pick(rng, [("1", "PNG"), ("P", "PNG"), ("LA", "PNG"), ("I;16", "PNG"), ("I", "TIFF"), ("RGBA", "PNG"),
                                    ("CMYK", "JPEG"), ("YCbCr", "JPEG"), ("RGB", "JPEG"), ("L", "GIF"), ("L", "BMP"),
                                    ("F", "TIFF"), ("RGB", "WEBP"), ("L", "ICO"), ("L", "PPM")])  # fmt: skip
    size = int(rng.integers(8, 80))
    expect = ACCEPT if image_format in ("PNG", "JPEG") else EITHER
    return f"a {image_format} in mode {mode}", lambda folder: encoded(digit_pixels(size), image_format, mode), expect


def _image_path_case(rng):
    """Paths, as `python -m model.predict` is given them."""
    sort = pick(rng, ["missing", "a folder", "/etc/passwd", "/dev/null", "/dev/zero", "a dangling link", "a link to a sound PNG"])

    def make(folder: Path) -> str:
        path = folder / "digit.png"
        if sort == "a folder":
            path.mkdir()
        elif sort == "a dangling link":
            link(path, folder / "nowhere.png")
        elif sort == "a link to a sound PNG":
            (folder / "real.png").write_bytes(encoded(digit_pixels(), "PNG"))
            link(path, folder / "real.png")
        elif sort in ("/etc/passwd", "/dev/null", "/dev/zero"):
            return sort
        return str(path)

    return f"the image path is {sort}", make, ACCEPT if sort == "a link to a sound PNG" else REFUSE


# --- canvas values ---------------------------------------------------------------------------------------------------


def _canvas_families():
    def data_url(rng) -> str:
        sort = int(rng.integers(8))
        if sort == 0:
            return "data:image/png," + hostile_text(rng)
        if sort == 1:
            return "data:image/png;base64," + pick(rng, ["", "====", "!!!", "aGVsbG8=", "ZGF0YQ", hostile_text(rng)])
        if sort == 2:
            import base64

            return (
                "data:image/png;base64,"
                + base64.b64encode(png_claiming(*pick(rng, [(100_000, 100_000), (8000, 8000), (5000, 5000)]))).decode()
            )
        if sort == 3:
            return "data:image/png;base64,////" + "A" * int(rng.integers(0, 50))
        if sort == 4:
            return pick(rng, [f"http://{FOREIGN_HOST}/x.png", "file:///etc/passwd", "javascript:alert(1)", "data:text/html,<b>x</b>"])
        if sort == 5:
            return "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="
        if sort == 6:
            return "data:;base64," + "A" * int(rng.integers(1, 100_000))
        return hostile_text(rng)

    def value(rng):
        return pick(rng, [None, 0, 7, -1, 1e308, float("nan"), True, [], {}, {"data": None}, [[0] * 4] * 4, b"\x89PNG", data_url(rng)])

    def damaged(rng):
        import base64

        return "data:image/png;base64," + base64.b64encode(pick(rng, [truncated, flipped])(encoded(digit_pixels(), "PNG"), rng)[0]).decode()

    def sound(rng):
        import base64

        return "data:image/png;base64," + base64.b64encode(encoded(digit_pixels(int(rng.integers(16, 400))), "PNG")).decode()

    builders = [
        ("a forged data URL", data_url, REFUSE),
        ("a value of another type", value, REFUSE),
        ("a forged data URL", data_url, REFUSE),
        ("a truncated or bit-flipped PNG", damaged, EITHER),
        ("a drawn digit", sound, ACCEPT),
    ]
    makers = []
    for what, build, expect in builders:

        def maker(rng, what=what, build=build, expect=expect):
            made = build(rng)
            return f"{what}: {_short(repr(made), 80)}", lambda folder: made, expect

        makers.append(maker)
    return makers


# --- query parameters ------------------------------------------------------------------------------------------------


def _query_families():
    def sample(rng):
        wanted = hostile_text(rng) if rng.random() < 0.85 else str(int(rng.integers(0, 10_000)))
        return {"sample": wanted}

    def present(rng):
        return {"present": hostile_text(rng)}

    def both(rng):
        return {
            "sample": hostile_text(rng),
            "present": pick(rng, ["true", "1", "yes", hostile_text(rng)]),
            hostile_text(rng)[:40] or "x": "y",
        }

    makers = []
    for build in (sample, sample, sample, present, both):

        def maker(rng, build=build):
            query = build(rng)
            return f"?{_short(repr(query), 100)}", lambda folder: query, EITHER

        makers.append(maker)
    return makers


# --- form values and the command line --------------------------------------------------------------------------------

WHOLE_NAMES = ("epochs", "samples", "units", "lstm_layers", "batch_size", "limit", "seed")
CLI_OPTIONS = {"epochs": "--epochs", "samples": "--samples", "units": "--units", "lstm_layers": "--layers",
               "batch_size": "--batch-size", "limit": "--limit", "seed": "--seed"}  # fmt: skip


def _whole_is_sound(name: str, text: str) -> bool:
    from training.presets import WHOLE_SETTINGS

    low, high = WHOLE_SETTINGS[name]
    text = text.strip()
    return text.isascii() and text.isdigit() and len(text) < 30 and low <= int(text) <= (high or 10**30)


def _rate_is_sound(text: str) -> bool:
    try:
        return 0 < float(text) <= 1 and len(text.strip()) <= 64
    except ValueError:
        return False


def _form_text(rng, name: str) -> str:
    return pick(rng, ["3", "128", "20", "0.001", "1", "1000", "4294967295"]) if rng.random() < 0.15 else hostile_text(rng)


def _form_families():
    def whole_box(rng):
        name, text = pick(rng, WHOLE_NAMES), None
        text = _form_text(rng, name)
        return (
            f"{name} box: {_short(repr(text), 60)}",
            lambda folder: ("whole", name, text),
            ACCEPT if _whole_is_sound(name, text) else REFUSE,
        )

    def rate_box(rng):
        text = _form_text(rng, "learning_rate")
        return f"learning rate box: {_short(repr(text), 60)}", lambda folder: ("rate", text), ACCEPT if _rate_is_sound(text) else REFUSE

    def command_line(rng):
        sort = int(rng.integers(6))
        if sort <= 2:
            name = pick(rng, WHOLE_NAMES + ("learning_rate",))
            text = _form_text(rng, name)
            option = CLI_OPTIONS.get(name, "--lr")
            sound = _rate_is_sound(text) if name == "learning_rate" else _whole_is_sound(name, text)
            arguments, expect = [option, text], EITHER if sound else REFUSE
        elif sort == 3:
            arguments, expect = (
                pick(
                    rng,
                    [
                        ["--preset", hostile_text(rng)],
                        ["--resume", "--epochs", "3"],
                        ["--config", "x", "--units", "4"],
                        ["--bogus"],
                        ["--epochs"],
                        ["--augment=maybe"],
                        ["--resume", "--config", "x"],
                    ],
                ),
                REFUSE,
            )
        elif sort == 4:
            return _cli_config_case(rng)
        else:
            arguments, expect = [], EITHER
        out = pick(rng, ["run", "../../escape", "/etc", "runs/Ω", "--x"]) if sort == 5 else "run"
        without_out = sort == 5 and rng.random() < 0.3
        words = " ".join(arguments) + ("" if without_out else f" --out {out}")
        return (
            f"python -m training {_short(words, 80)}",
            lambda folder: ("cli", [*arguments, *([] if without_out else ["--out", out])]),
            expect,
        )

    return [whole_box, rate_box, command_line, command_line]


def _cli_config_case(rng):
    content = pick(rng, ["", "{", "[]", deep_json(), '{"config": null}', '{"config": {"epochs": "many"}}', '{"config": {"epochs": 1e400}}',
                         '{"preset": 7, "config": {"model": {"units": -4}}}', '{"config": {"learning_rate": NaN}}',
                         '{"config": {"model": "x"}}', '{"config": {"epochs": 3, "bogus": 1}}', '{"config": {}}'])  # fmt: skip
    link_to = pick(rng, [None, None, "/etc/passwd", "/nonexistent.json", "folder"])

    def make(folder: Path):
        path = folder / "config.json"
        if link_to == "folder":
            path.mkdir()
        elif link_to:
            link(path, link_to)
        else:
            path.write_text(content, encoding="utf-8")
        return "cli", ["--config", str(path), "--out", str(folder / "run")]

    sound = content in ('{"config": {}}', '{"config": {"epochs": 3, "bogus": 1}}') and link_to is None  # unknown keys: either
    return f"python -m training --config <{link_to or _short(repr(content), 50)}>", make, EITHER if sound else REFUSE


# --- run folders -----------------------------------------------------------------------------------------------------

DONE_RUN, CANCELLED_RUN = "20260101-120000-default", "20260101-110000-morvan"
RUN_FILES = ("status.json", "config.json", "model.json", "launch.json", "default.json", "progress.jsonl", "train.log")
FIELDS = {
    "status.json": ("state", "pid", "updated_at", "device", "test_accuracy", "step", "total_steps", "message", "interrupted"),
    "config.json": ("preset", "config", "config.epochs", "config.model", "config.model.units", "config.learning_rate"),
    "model.json": ("test_accuracy", "wall_time_s", "device", "run", "created_at", "config", "test_samples", "device.name"),
    "launch.json": ("pid", "launched_at", "command"),
    "default.json": ("model", "set_at"),
}


def write_runs_root(root: Path) -> None:
    """A runs root with a finished run, the server's default, and a cancelled one: all sound."""
    from training.presets import PRESETS

    device = {"backend": "tensorflow", "kind": "CPU", "name": "CPU", "threads": 2}
    for run_id, state, preset_name in ((DONE_RUN, "done", "default"), (CANCELLED_RUN, "cancelled", "morvan")):
        folder = root / run_id
        folder.mkdir(parents=True)
        status = {"state": state, "pid": 999_999, "updated_at": 1.8e9, "device": device, "step": 10, "total_steps": 20}
        write_json(folder / "status.json", status | ({"test_accuracy": 0.91} if state == "done" else {}))
        write_json(folder / "config.json", {"preset": preset_name, "config": PRESETS[preset_name].to_dict()})
        write_json(folder / "launch.json", {"pid": 999_999, "launched_at": 1.7e9, "command": ["-m", "training"]})
        records = [{"kind": "batch", "step": step, "total_steps": 20, "epoch": 1, "loss": 1.0 / step, "accuracy": 0.5, "time": 1.7e9 + step}
                   for step in (1, 2)]  # fmt: skip
        (folder / "progress.jsonl").write_text("".join(json.dumps(record) + "\n" for record in records))
        (folder / "train.log").write_text("Epoch 1/1\n")
        if state == "done":
            (folder / "model.keras").write_bytes(sound_model_bytes())
            metadata = {"test_accuracy": 0.91, "wall_time_s": 12.5, "device": device, "created_at": "2026-01-01T12:00:00Z"}
            write_json(folder / "model.json", metadata | {"config": PRESETS[preset_name].to_dict(), "test_samples": 10_000})
    write_json(root / "default.json", {"model": DONE_RUN, "set_at": 1.8e9})


def write_json(path: Path, value) -> None:
    path.write_text(json.dumps(value), encoding="utf-8")


def _file_path(root: Path, file_name: str, run_id: str) -> Path:
    return root / file_name if file_name == "default.json" else root / run_id / file_name


def _set_field(value: dict, dotted: str, new) -> None:
    """value["a"]["b"] = new for "a.b", making "a" an object if it is not one."""
    *parents, last = dotted.split(".")
    for parent in parents:
        if not isinstance(value.get(parent), dict):
            value[parent] = {}
        value = value[parent]
    value[last] = new


def _runs_case(what: str, damage: Callable[[Path, np.random.Generator], None], rng, target: str = DONE_RUN, expect: str = EITHER):
    seed = int(rng.integers(2**31))

    def make(folder: Path) -> tuple[Path, str]:
        root = folder / "runs"
        write_runs_root(root)
        damage(root, np.random.default_rng(seed))
        return root, target

    return what, make, expect


def _runs_families():
    def field_value(rng):
        file_name = pick(rng, list(FIELDS))
        field_name, value = pick(rng, FIELDS[file_name]), pick(rng, HOSTILE_JSON_VALUES)
        run_id = pick(rng, [DONE_RUN, DONE_RUN, CANCELLED_RUN])

        def damage(root, case_rng):
            path = _file_path(root, file_name, run_id)
            content = json.loads(path.read_text()) if path.exists() else {}
            _set_field(content, field_name, value)
            path.write_text(json.dumps(content), encoding="utf-8")

        return _runs_case(f"{file_name} of {run_id}: {field_name} = {_short(repr(value), 50)}", damage, rng, run_id)

    def field_gone(rng):
        file_name = pick(rng, list(FIELDS))
        field_name = pick(rng, FIELDS[file_name]).split(".")[0]

        def damage(root, case_rng):
            path = _file_path(root, file_name, DONE_RUN)
            content = json.loads(path.read_text())
            content.pop(field_name, None)
            write_json(path, content)

        return _runs_case(f"{file_name}: no {field_name}", damage, rng)

    def whole_file(rng):
        file_name = pick(rng, list(FIELDS) + ["progress.jsonl"])
        text = pick(rng, ["", "{", "[]", '"x"', "3", "null", "NaN", '{"state": NaN}', "\ufeff{}", deep_json(), " " * 2**21 + "{}",
                          '{"state": "done", "state": "running"}', "\xff\xfe", "{}\n{}"])  # fmt: skip

        def damage(root, case_rng):
            _file_path(root, file_name, DONE_RUN).write_bytes(text.encode("utf-8", "surrogatepass") if text != "\xff\xfe" else b"\xff\xfe")

        return _runs_case(f"{file_name} is {_short(repr(text), 40)}", damage, rng)

    def linked_file(rng):
        file_name = pick(rng, RUN_FILES + ("model.keras",))
        target_sort = pick(rng, ["/etc/passwd", "outside", "dangling", "itself", "a folder"])

        def damage(root, case_rng):
            path = _file_path(root, file_name, DONE_RUN)
            outside = root.parent / f"outside-{file_name}"
            if target_sort == "outside":
                outside.write_bytes(path.read_bytes())
            path.unlink()
            target = {"/etc/passwd": Path("/etc/passwd"), "outside": outside, "dangling": root.parent / "nowhere",
                      "itself": path, "a folder": root.parent}[target_sort]  # fmt: skip
            link(path, target)

        model_depends_on = ("status.json", "config.json", "model.json", "model.keras")  # a link among these: the model cannot be used
        return _runs_case(
            f"{file_name} is a link to {target_sort}", damage, rng, expect=REFUSE if file_name in model_depends_on else EITHER
        )

    def linked_folder(rng):
        def damage(root, case_rng):
            outside = root.parent / "outside-run"
            (root / DONE_RUN).rename(outside)
            link(root / DONE_RUN, outside)

        return _runs_case("the default run's folder is a link to a folder outside runs/", damage, rng, expect=REFUSE)

    def odd_entries(rng):
        sort = pick(rng, ["a file named like a run", "a run id in other digits", "a run id with a newline", "an empty run folder",
                          "a folder with no status", "a run folder that is a link to /etc"])  # fmt: skip

        def damage(root, case_rng):
            if sort == "a file named like a run":
                (root / "20260102-120000-default").write_text("x")
            elif sort == "a run id in other digits":
                (root / "２０２６０１０２-１２００００-default").mkdir()
            elif sort == "a run id with a newline":
                (root / "20260102-120000-default\n").mkdir()
            elif sort == "an empty run folder":
                (root / "20260102-120000-default").mkdir()
            elif sort == "a folder with no status":
                (root / DONE_RUN / "status.json").unlink()
            else:
                link(root / "20260102-120000-default", "/etc")

        return _runs_case(f"runs/ holds {sort}", damage, rng)

    def progress_records(rng):
        lines = [json.dumps(pick(rng, HOSTILE_JSON_VALUES)) for _ in range(3)] + [
            json.dumps({"kind": "batch", "step": pick(rng, HOSTILE_JSON_VALUES), "total_steps": pick(rng, HOSTILE_JSON_VALUES),
                        "loss": pick(rng, HOSTILE_JSON_VALUES), "accuracy": pick(rng, HOSTILE_JSON_VALUES), "epoch": 1, "time": 1.7e9}),
            json.dumps({"kind": pick(rng, ["epoch", "test", "batch", "Ω"]), "val_loss": pick(rng, HOSTILE_JSON_VALUES), "step": 3}),
        ]  # fmt: skip

        def damage(root, case_rng):
            with open(root / DONE_RUN / "progress.jsonl", "a", encoding="utf-8") as file:
                file.write("\n".join(lines) + "\n")

        return _runs_case(f"progress.jsonl gains {_short(' | '.join(lines), 60)}", damage, rng)

    def log_text(rng):
        text = pick(rng, [f"[x](http://{FOREIGN_HOST}/p)\n", "\x1b[31mred\x1b[0m\n", "Traceback (most recent call last):\n", "\x00" * 100,
                          "line\n" * 200_000])  # fmt: skip

        def damage(root, case_rng):
            (root / DONE_RUN / "train.log").write_text(text)
            status = json.loads((root / DONE_RUN / "status.json").read_text())
            write_json(root / DONE_RUN / "status.json", status | {"state": "failed", "message": text[:200]})

        return _runs_case(f"a failed run whose log and message are {_short(repr(text), 40)}", damage, rng)

    def running(rng):
        pid = pick(rng, [1, os.getpid(), -5, 0, 2**31, "1", None])

        def damage(root, case_rng):
            status = json.loads((root / CANCELLED_RUN / "status.json").read_text())
            write_json(root / CANCELLED_RUN / "status.json", status | {"state": "running", "pid": pid, "updated_at": 1.9e9})

        return _runs_case(f"a run said to be running under pid {pid!r}", damage, rng, CANCELLED_RUN)

    def hostile_id(rng):
        run_id = pick(rng, ["../x", "/etc", "..", ".", "", f"{DONE_RUN}/../..", f"{DONE_RUN}\n", "２０２６０１０１-１２００００-default",
                            "20260101-120000-default/model.keras", None, 7, ["x"], "shipped", "shipped/../..", "Ω" * 300])  # fmt: skip
        return _runs_case(f"a request for run id {_short(repr(run_id), 40)}", lambda root, case_rng: None, rng, run_id)

    return [field_value, field_value, field_value, field_gone, whole_file, linked_file, linked_folder, odd_entries, progress_records,
            log_text, running, hostile_id]  # fmt: skip


# --- the cases of a kind ---------------------------------------------------------------------------------------------

FAMILIES = {
    "idx": _idx_families, "keras": _keras_families, "runs": _runs_families, "run_pages": _runs_families, "image": _image_families,
    "canvas": _canvas_families, "query": _query_families, "form": _form_families,
}  # fmt: skip
KINDS = tuple(FAMILIES)
PAGE_KINDS = ("run_pages", "query", "canvas")  # each case opens pages in AppTest: slower, so fewer of them


def cases(kind: str, seed: int, count: int) -> Iterator[Case]:
    """`count` cases of a kind, the same for the same seed; the i-th comes from family i mod their number."""
    families = FAMILIES[kind]()
    for index in range(count):
        rng = np.random.default_rng([seed, KINDS.index(kind), index])
        what, make, expect = families[index % len(families)](rng)
        yield Case(kind, f"{kind}#{index} {what}", make, expect)


def judge(case: Case, folder: Path) -> Outcome:
    """Feed the case, built in the empty `folder`, to its entry point; what came of it."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        made = case.make(folder)
    except Exception as error:  # a case the generator could not build is the generator's fault, not the app's
        return Outcome(SKIPPED, "the case could not be built", _short(f"{type(error).__name__}: {error}"))
    outcome = RUNNERS[case.kind](case, made, folder)
    if case.expect == ACCEPT and outcome.verdict == MESSAGE:
        return Outcome(FAILURE, "refused a sound input", outcome.detail)
    return outcome


# --- the runners: each kind's entry point, and nowhere else ----------------------------------------------------------


def _run_idx(case: Case, data_dir: str, folder: Path) -> Outcome:
    from model.mnist import MnistDataError, load_mnist

    return guarded(case, lambda: load_mnist(data_dir), (MnistDataError,))


def _run_keras(case: Case, path: str, folder: Path) -> Outcome:
    from model.storage import ModelLoadError, load_model

    return guarded(case, lambda: load_model(path), (ModelLoadError,))


def _run_image(case: Case, source, folder: Path) -> Outcome:
    from model.preprocess import ImageError, load_image, preprocess

    allowed = (source,) if isinstance(source, str) else ()  # a path given on the command line may be named back
    return guarded(case, lambda: preprocess(load_image(source)), (ImageError,), allowed)


def _run_form(case: Case, made: tuple, folder: Path) -> Outcome:
    from training.presets import learning_rate_setting, whole_setting

    if made[0] == "whole":
        return guarded(case, lambda: whole_setting(made[1], made[2]), (ValueError,), (made[2], made[2].strip()))
    if made[0] == "rate":
        return guarded(case, lambda: learning_rate_setting(made[1]), (ValueError,), (made[1], made[1].strip()))
    return _run_command_line(case, made[1])


def _run_command_line(case: Case, argv: list[str]) -> Outcome:
    """`python -m training` as far as its arguments and settings go, in-process: nothing trains."""
    from training.__main__ import new_run_config, parse_args

    stderr = io.StringIO()

    def parse():
        with contextlib.redirect_stderr(stderr):
            args = parse_args(argv)
        return args if args.resume else new_run_config(args)

    allowed = tuple(argv) + tuple(argument.strip() for argument in argv)
    outcome = guarded(case, parse, (ValueError,), allowed)
    if outcome.cause == "raised SystemExit":
        code = outcome.detail.removeprefix("SystemExit: ")
        return message_outcome(stderr.getvalue(), allowed) if code == "2" else Outcome(FAILURE, f"exit status {code}", stderr.getvalue())
    return outcome


def _run_canvas(case: Case, value, folder: Path) -> Outcome:
    """views/parts/inputs.py's reading of the canvas component's value (its `drawing.data`), then preprocessing, as draw() does."""
    from streamlit.testing.v1 import AppTest

    entry = canvas_entry_point()
    if entry is None:
        return Outcome(SKIPPED, "views/parts/inputs.py has no function yet that turns a canvas value into pixels or a message")
    app = AppTest.from_function(_canvas_script, args=(entry, value), default_timeout=CASE_TIMEOUT_S)
    outcome = _page_outcome(app, case, (), title=None)
    if outcome.verdict == FAILURE:
        return outcome
    verdict, text = app.session_state["fuzz"] if "fuzz" in app.session_state else (FAILURE, "the script stopped early")
    if verdict == MESSAGE:
        return message_outcome(text)
    if verdict == SAFE:
        return (
            Outcome(FAILURE, "accepted a bad input", text)
            if case.expect == REFUSE and text != "nothing drawn"
            else Outcome(SAFE, detail=text)
        )
    return Outcome(FAILURE, text.split(":")[0], _short(text))


def canvas_entry_point() -> str | None:
    """The name of views/parts/inputs.py's function from a canvas result to pixels, when it has one."""
    source = (REPO_ROOT / "views" / "parts" / "inputs.py").read_text(encoding="utf-8")
    names = ("canvas_image", "image_from_canvas", "canvas_pixels", "read_canvas")
    return next((name for name in names if re.search(rf"^def {name}\(", source, re.MULTILINE)), None)


def _canvas_script(entry, value):
    """Runs inside AppTest, from its source: views/parts/inputs.py imports the canvas component, which needs a Streamlit script."""
    import streamlit as st
    from streamlit_drawable_canvas import CanvasResult

    from model.preprocess import ImageError, preprocess
    from views.parts import inputs

    try:
        pixels = getattr(inputs, entry)(CanvasResult(json_data=None, image_data_url=value, return_image_data=True))
        if pixels is not None:
            preprocess(pixels)
        st.session_state["fuzz"] = ("safe", "nothing drawn" if pixels is None else f"pixels of shape {pixels.shape}")
    except ImageError as error:
        st.session_state["fuzz"] = ("message", str(error))
    except Exception as error:  # what the fuzz is looking for
        st.session_state["fuzz"] = ("failure", f"raised {type(error).__name__}: {error}")


def _run_query(case: Case, query: dict, folder: Path) -> Outcome:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(APP), default_timeout=CASE_TIMEOUT_S)
    for key, value in query.items():
        app.query_params[key] = value
    return _page_outcome(app, case, ())


def _run_runs(case: Case, made: tuple[Path, object], folder: Path) -> Outcome:
    root, target = made
    return guarded(case, lambda: _look_at_runs(root, target, case), ())


def _run_run_pages(case: Case, made: tuple[Path, object], folder: Path) -> Outcome:
    """The Read page (reading with the server's default) and the Train page, on the damaged runs root."""
    from streamlit.testing.v1 import AppTest

    before = os.environ.get("ROW_READER_RUNS")
    os.environ["ROW_READER_RUNS"] = str(made[0])
    try:
        app = AppTest.from_file(str(APP), default_timeout=CASE_TIMEOUT_S)
        app.query_params["sample"] = "0"
        outcome = _page_outcome(app, case, ())
        if outcome.verdict == FAILURE:
            return Outcome(FAILURE, f"Read page: {outcome.cause}", outcome.detail)
        outcome = _page_outcome(app.switch_page(TRAIN_PAGE), case, (), title="Train")
        return Outcome(FAILURE, f"Train page: {outcome.cause}", outcome.detail) if outcome.verdict == FAILURE else outcome
    finally:
        if before is None:
            os.environ.pop("ROW_READER_RUNS", None)
        else:
            os.environ["ROW_READER_RUNS"] = before


RUNNERS = {
    "idx": _run_idx, "keras": _run_keras, "runs": _run_runs, "run_pages": _run_run_pages, "image": _run_image, "canvas": _run_canvas,
    "query": _run_query, "form": _run_form,
}  # fmt: skip


# --- judging pages ---------------------------------------------------------------------------------------------------

MARKDOWN_ELEMENTS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "success", "info", "toast")
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # a backslash-escaped punctuation character, as views/explain.plain writes it
# In the HTML CommonMark makes of a page's Markdown: a link to, or an image from, the foreign host, or a script.
INJECTED = re.compile(rf"<\w+[^>]*\s(?:href|src)=[\"']?(?:https?:)?//{re.escape(FOREIGN_HOST)}|<script", re.IGNORECASE)


def page_texts(app, kinds=MARKDOWN_ELEMENTS) -> list[str]:
    texts = []
    for kind in kinds:
        with contextlib.suppress(Exception):
            texts += [str(element.value) for element in getattr(app, kind)]
    return texts


def unescaped(markdown: str) -> str:
    """The text a person reads in a piece of Markdown: its backslash escapes undone ("\\/work" is "/work" on screen)."""
    return ESCAPED.sub(r"\1", markdown)


@functools.cache
def _commonmark():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")  # raw HTML passed through: the most any renderer does


def injected_in(markdown: str) -> bool:
    """Whether Markdown, rendered, links to or loads from the foreign host: escaped or not, as a renderer reads it."""
    return bool(INJECTED.search(_commonmark().render(markdown)))


def shown_problem(markdown: list[str], verbatim: list[str], allowed: tuple) -> Outcome | None:
    """The failure in what a page shows, or None: internals in the text a person reads, or a link made of the input."""
    for text in [unescaped(text) for text in markdown] + verbatim:
        problems = problems_in(text, allowed)
        if problems:
            return Outcome(FAILURE, f"the page shows {problems[0]}", _short(text))
    injected = [text for text in markdown if injected_in(text)]
    return Outcome(FAILURE, "a link or image rendered from the input", _short(injected[0])) if injected else None


def _page_outcome(app, case: Case, allowed: tuple, title: str | None = "Row Reader") -> Outcome:
    """Run the page: no exception element, no internals in what it shows, no injected Markdown, and the page there.

    Text shown verbatim (st.text, st.code) is held to the same, except a run's log, which is its process's own output.
    """
    try:
        app.run()
    except Exception as error:  # AppTest's own timeout is the watchdog here
        hang = "timed out" in str(error)
        return Outcome(FAILURE, "a hang" if hang else f"raised {type(error).__name__}", _short(str(error)))
    if app.exception:
        return Outcome(FAILURE, "an exception on the page", _short(str(app.exception[0].value)))
    shown = page_texts(app)
    problem = shown_problem(shown, page_texts(app, ("text", "code")) if case.kind != "run_pages" else [], allowed)
    if problem is not None:
        return problem
    if title and not any(title in text for text in page_texts(app, ("title",))):
        return Outcome(FAILURE, "the page is not there", _short(" | ".join(shown)))
    warned = [unescaped(text) for text in page_texts(app, ("warning", "error")) if text]
    return Outcome(MESSAGE, detail=_short(warned[0])) if warned else Outcome(SAFE)


# --- what the runs root must give --------------------------------------------------------------------------------------

STATES = ("running", "done", "cancelled", "failed")


def _status_problems(run) -> list[str]:
    """The status fields the Train page shows, as it formats them."""
    status, problems = run.status, []
    if run.state not in STATES:
        problems.append(f"state {run.state!r}")
    checks = {
        "test_accuracy": finite_number, "step": finite_number, "message": lambda v: v is None or isinstance(v, str),
        "device": lambda v: v is None or isinstance(v, dict),
    }  # fmt: skip
    problems += [
        f"status {name} is {_short(repr(status[name]), 40)}" for name, ok in checks.items() if name in status and not ok(status[name])
    ]
    return problems


def _metadata_problems(entry) -> list[str]:
    """A usable model's metadata, as the Train and Read pages format it."""
    if entry.problem is not None:
        return []
    metadata, problems = entry.metadata, []
    checks = {
        "test_accuracy": lambda v: finite_number(v) and 0 <= v <= 1, "wall_time_s": lambda v: v is None or (finite_number(v) and v >= 0),
        "device": lambda v: v is None or isinstance(v, dict),
    }  # fmt: skip
    problems += [f"model {entry.id} {name} is {_short(repr(metadata[name]), 40)}" for name, ok in checks.items()
                 if name in metadata and not ok(metadata[name])]  # fmt: skip
    if not isinstance(entry.label, str):
        problems.append(f"model {entry.id} has no label")
    return problems


def _look_at_runs(root: Path, target, case: Case) -> Outcome:
    """Everything the pages ask of the runs root; none of it may raise, and what it gives must be well formed."""
    from training.registry import SHIPPED, ModelRegistry
    from training.runs import RunError, RunManager

    manager, registry = RunManager(root), ModelRegistry(root)
    problems = []
    for run in manager.runs():
        problems += _status_problems(run)
        run.progress()
        if "root:x:0:0" in run.log_tail():
            problems.append(f"run {run.id}'s log shows /etc/passwd")
    manager.active()
    message = None
    try:
        manager.run(target)
    except RunError as error:
        message = str(error)
    models = registry.models()
    for entry in models:
        problems += _metadata_problems(entry)
    default = registry.default_model_id()
    default_entry = registry.model(default) if default != SHIPPED else None
    if default != SHIPPED and (default_entry is None or default_entry.problem):
        problems.append(f"the default {default!r} cannot be used")
    if case.expect == REFUSE:
        usable = [entry for entry in models if entry.id == target and entry.problem is None]
        if usable or default == target:
            problems.append(f"run {target} is listed as usable" + (" and is the default" if default == target else ""))
    if problems:
        return Outcome(FAILURE, "a malformed answer" if not problems[0].startswith("run ") else "accepted a bad input", "; ".join(problems))
    return message_outcome(message, (str(target),)) if message is not None else Outcome(SAFE)


# --- running many ----------------------------------------------------------------------------------------------------


def run_kind(kind: str, seed: int, count: int, scratch: Path) -> list[tuple[Case, Outcome]]:
    """Every case of a kind, each in its own folder under `scratch`."""
    return [(case, judge(case, scratch / f"case-{index}")) for index, case in enumerate(cases(kind, seed, count))]


def tally(results: list[tuple[Case, Outcome]]) -> dict[str, int]:
    counts = {MESSAGE: 0, SAFE: 0, FAILURE: 0, SKIPPED: 0}
    for _, outcome in results:
        counts[outcome.verdict] += 1
    return counts


def failures_by_cause(results: list[tuple[Case, Outcome]]) -> dict[str, list[tuple[Case, Outcome]]]:
    grouped: dict[str, list] = {}
    for case, outcome in results:
        if outcome.verdict == FAILURE:
            grouped.setdefault(outcome.cause, []).append((case, outcome))
    return grouped


def describe_failures(results: list[tuple[Case, Outcome]], examples: int = 3) -> str:
    """The failures grouped by cause, with a few cases of each: what a test or a bench prints."""
    lines = []
    for cause, failed in sorted(failures_by_cause(results).items(), key=lambda item: -len(item[1])):
        lines.append(f"{len(failed)} x {cause}")
        lines += [f"    {case.name}\n        -> {outcome.detail}" for case, outcome in failed[:examples]]
    return "\n".join(lines)
