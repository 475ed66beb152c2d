"""Bad `.keras` files: the zip, its config.json and its HDF5 weights damaged, as load_model is given them.

The sound file is a tiny reader laid out as the shipped model is, so that thousands of cases stay cheap.
"""

import functools
import gzip
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from harness.fuzz.case import ACCEPT, EITHER, REFUSE
from harness.fuzz.mutations import HOSTILE_JSON_VALUES, deep_json, flipped, link, pick, truncated
from model.keras_file import CONFIG_ENTRY, WEIGHTS_ENTRY

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
        config, metadata = json.loads(archive.read(CONFIG_ENTRY)), archive.read("metadata.json")
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
    return ("metadata.json", metadata), (CONFIG_ENTRY, json.dumps(config).encode()), (WEIGHTS_ENTRY, buffer.getvalue())


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

    buffer = io.BytesIO(dict(sound_model_entries())[WEIGHTS_ENTRY])
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
        config = json.loads(dict(sound_model_entries())[CONFIG_ENTRY])
        change(config, rng)
        entries = dict(sound_model_entries())
        entries[CONFIG_ENTRY] = json.dumps(config).encode()
        return zipped(entries.items())

    return build


def _weights_with(edit: Callable) -> Callable[[np.random.Generator], bytes]:
    def build(rng):
        entries = dict(sound_model_entries())
        entries[WEIGHTS_ENTRY] = edited_weights(lambda h5: edit(h5, rng))
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


# --- the model's config.json, changed in place: change(config, rng) ---------------------------------------------------


def _layers_of(config):
    return config["config"]["layers"]


def _random_layer(config, rng):
    return pick(rng, _layers_of(config))


def _class_name(config, rng):
    _random_layer(config, rng)["class_name"] = pick(rng, ["Lambda", "TFOpLambda", "MyCustomLayer", "Conv1D", "GRU", None, 7, "lstm"])


def _activation(config, rng):
    layer = pick(rng, [layer for layer in _layers_of(config) if "activation" in layer["config"]])
    layer["config"][pick(rng, ["activation", "recurrent_activation"] if layer["class_name"] == "LSTM" else ["activation"])] = pick(
        rng, ["relu", None, 123, [], "exec", {"class_name": "Lambda"}, "Softmax", "tanh " * 3]
    )


def _lstm_setting(config, rng):
    layer = pick(rng, [layer for layer in _layers_of(config) if layer["class_name"] == "LSTM"])
    key, value = pick(rng, [("go_backwards", True), ("use_bias", False), ("go_backwards", "yes")])
    layer["config"][key] = value


def _model_kind(config, rng):
    config["class_name"] = pick(rng, ["Model", "Lambda", None, 0, "Functional\u202e", "Sequential\n"])


def _structure(config, rng):
    sort = int(rng.integers(6))
    if sort == 0:
        config["config"]["layers"] = pick(rng, [[], None, "layers", {"a": 1}, [1, 2], [[]]])
    elif sort == 1:
        del _random_layer(config, rng)["config"]
    elif sort == 2:
        pick(rng, _layers_of(config)[1:])["inbound_nodes"] = pick(rng, [None, "x", [{"args": []}], [[["nowhere", 0, 0]]], 5])
    elif sort == 3:
        _layers_of(config).reverse()
    elif sort == 4:
        config["config"] = pick(rng, [None, [], "config", 3])
    else:
        _layers_of(config).append(json.loads(json.dumps(_layers_of(config)[1])))


def _layer_name(config, rng):
    layer = _random_layer(config, rng)
    layer["config"]["name"] = pick(rng, HOSTILE_JSON_VALUES)


# --- an entry's raw bytes replaced: change(data, rng) -> bytes ----------------------------------------------------------


def _whole_config(data, rng):
    return pick(rng, [b"", b"{", b"[]", b"3", b"null", b'"model"', b"\xff\xfe\x00", "\ufeff{}".encode(), deep_json().encode(),
                      data[: int(rng.integers(len(data)))], b'{"class_name": NaN}'])  # fmt: skip


def _h5_garbage(data, rng):
    return pick(rng, [b"", os.urandom(int(rng.integers(1, 5000))), b"\x89HDF\r\n\x1a\n" + bytes(100), sound_model_bytes()])


# --- the HDF5 weights, edited in place: edit(h5, rng) -------------------------------------------------------------------


def _wrong_shape(h5, rng):
    path = pick(rng, _dataset_paths())
    shape = h5[path].shape
    other_shapes = [other for other in (shape[::-1], shape + (1,), (), (0,), (1, 1, 1), (3,)) if other != shape]
    _replace_dataset(h5, path, data=np.zeros(pick(rng, other_shapes), np.float32))


def _wrong_dtype(h5, rng):
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


def _number_dtype(h5, rng):
    path = pick(rng, _dataset_paths())
    _replace_dataset(h5, path, data=h5[path][()].astype(pick(rng, [np.float64, np.float16, np.int8, np.bool_])))


def _not_finite(h5, rng):
    path = pick(rng, _dataset_paths())
    values = h5[path][()]
    values.flat[int(rng.integers(values.size))] = pick(rng, [np.nan, np.inf, -np.inf])
    h5[path][...] = values


def _large_finite(h5, rng):
    path = pick(rng, _dataset_paths())
    h5[path][...] = h5[path][()] * pick(rng, [1e30, 3e38, -3e38, 0.0])


def _external_storage(h5, rng):
    path = pick(rng, _dataset_paths())
    shape = h5[path].shape
    target = pick(rng, ["/etc/passwd", "/etc/hostname", "../../../etc/passwd", "/proc/self/environ"])
    _replace_dataset(h5, path, shape=shape, dtype="f4", external=[(target, 0, int(np.prod(shape)) * 4)])


def _virtual(h5, rng):
    import h5py

    path = pick(rng, _dataset_paths())
    shape = h5[path].shape
    layout = h5py.VirtualLayout(shape=shape, dtype="f4")
    layout[...] = h5py.VirtualSource(pick(rng, ["/etc/passwd", "other.h5", "."]), "data", shape=shape)
    del h5[path]
    h5.create_virtual_dataset(path, layout, fillvalue=0)


def _soft_link(h5, rng):
    import h5py

    path = pick(rng, _dataset_paths())
    del h5[path]
    h5[path] = pick(rng, [h5py.SoftLink(pick(rng, _dataset_paths())), h5py.SoftLink("/nowhere"), h5py.ExternalLink("/etc/passwd", "/x"),
                          h5py.ExternalLink("other.h5", "/layers")])  # fmt: skip


def _missing_member(h5, rng):
    del h5[pick(rng, _dataset_paths() + list(TINY_ARRAYS) + ["layers"])]


def _group_instead(h5, rng):
    path = pick(rng, _dataset_paths())
    del h5[path]
    h5.create_group(path)


def _extra_member(h5, rng):
    group = h5[pick(rng, list(TINY_ARRAYS))]
    group[str(len(group))] = np.zeros(3, np.float32)


def _sparse_huge(h5, rng):
    path = pick(rng, _dataset_paths())
    _replace_dataset(h5, path, shape=(2**24,), dtype="f4", chunks=(2**16,), compression="gzip")


# --- the zip as a whole: build(rng) -> bytes ----------------------------------------------------------------------------


def _lacking(rng):
    return with_entries(**{pick(rng, [CONFIG_ENTRY, WEIGHTS_ENTRY]): None})


def _extra_entries(rng):
    entries = list(sound_model_entries()) + [(pick(rng, ["../evil.txt", "/abs/evil.txt", "a/../../b", "Ω.json", "x" * 200]), b"x")]
    return zipped(entries)


def _bomb(rng):
    entries = dict(sound_model_entries())
    entries[WEIGHTS_ENTRY] = bytes(32 * 2**20)
    return zipped(entries.items())


def _forged_size(rng):
    data = bytearray(sound_model_bytes())
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = int.from_bytes(data[position + 28 : position + 30], "little")
        if data[position + 46 : position + 46 + name_length] == WEIGHTS_ENTRY.encode():
            data[position + 24 : position + 28] = (2**32 - 1).to_bytes(4, "little")
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def _not_a_zip(rng):
    return pick(rng, [b"", os.urandom(int(rng.integers(1, 3000))), b"PK\x03\x04", b"PK\x05\x06" + bytes(18), gzip.compress(b"x"), b"{}"])


BUILDERS = [
    ("not a zip", _not_a_zip, REFUSE),
    ("the zip truncated", lambda rng: truncated(sound_model_bytes(), rng), REFUSE),
    ("zip bits flipped", lambda rng: flipped(sound_model_bytes(), rng), EITHER),
    ("an entry left out", _lacking, REFUSE),
    ("an extra entry with a path trick", _extra_entries, ACCEPT),
    ("32 MB of zeros for weights (a zip bomb, bounded)", _bomb, REFUSE),
    ("a forged 4 GB weights size", _forged_size, REFUSE),
    ("config.json not a model's JSON", _raw_entry(CONFIG_ENTRY, _whole_config), REFUSE),
    ("a layer of another class", _config_with(_class_name), REFUSE),
    ("another activation", _config_with(_activation), REFUSE),
    ("an LSTM that reads backwards or without bias", _config_with(_lstm_setting), EITHER),
    ("another model class", _config_with(_model_kind), REFUSE),
    ("a broken layer list", _config_with(_structure), REFUSE),
    ("a hostile layer name", _config_with(_layer_name), EITHER),
    ("weights truncated", _raw_entry(WEIGHTS_ENTRY, truncated), REFUSE),
    ("weights bits flipped", _raw_entry(WEIGHTS_ENTRY, flipped), EITHER),
    ("weights not HDF5", _raw_entry(WEIGHTS_ENTRY, _h5_garbage), REFUSE),
    ("an array of the wrong shape", _weights_with(_wrong_shape), REFUSE),
    ("an array of text or records", _weights_with(_wrong_dtype), REFUSE),
    ("an array of another number type", _weights_with(_number_dtype), EITHER),
    ("NaN or infinite weights", _weights_with(_not_finite), REFUSE),
    ("huge or zero weights", _weights_with(_large_finite), EITHER),
    ("an array stored in another file", _weights_with(_external_storage), REFUSE),
    ("a virtual dataset", _weights_with(_virtual), REFUSE),
    ("a soft or external link", _weights_with(_soft_link), REFUSE),
    ("a member left out", _weights_with(_missing_member), REFUSE),
    ("a group where an array belongs", _weights_with(_group_instead), REFUSE),
    ("an extra array", _weights_with(_extra_member), EITHER),
    ("a 64 MB unwritten array", _weights_with(_sparse_huge), REFUSE),
    ("unchanged", lambda rng: sound_model_bytes(), ACCEPT),
]


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


def families() -> list[Callable]:
    """The makers of `.keras` cases, rng -> (what, make, expect), in the order cases() takes them round."""
    return [functools.partial(_model_case, what, build, expect=expect) for what, build, expect in BUILDERS] + [_model_path_case]
