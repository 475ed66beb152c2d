"""Read a row reader's weights straight from its `.keras` file, without importing Keras.

A `.keras` file is a zip of `config.json` (the layers, as data) and
`model.weights.h5` (the arrays). Reading those two with json and h5py runs no
code from the file at all, which is stricter than Keras's own safe mode, and it
keeps Keras and its backend out of the app's server: a quicker start (bench/bench_app.py),
far less memory, and no `keras.backend.clear_session()`, which Streamlit calls after
every script run whenever Keras has been imported.
"""

import io
import json
import re
import zipfile
import zlib
from collections import Counter
from pathlib import Path

from i18n import _
from model.files import ANYTHING, record, shape_problem, text
from model.files import list_of as list_shape
from model.weights import RECURRENT_KINDS, LayerArrays, UnsupportedModelError, shown

CONFIG_ENTRY, WEIGHTS_ENTRY = "config.json", "model.weights.h5"
MAX_WEIGHTS_BYTES = 200 * 2**20  # far above any row reader; refuses a zip bomb before it is unpacked
MAX_CONFIG_BYTES = 10 * 2**20  # a row reader's config.json is a few KB
READER_KINDS = ("InputLayer", "Dense", "Dropout", *RECURRENT_KINDS)  # all the layers model/network.py builds
LAYER = record(("class_name", "config"), class_name=text(100), config=record(("name",), name=text(200)), inbound_nodes=ANYTHING)
MODEL = record(("config",), config=record(("layers",), layers=list_shape(LAYER, 100)))
# What h5py raises on a damaged file: HDF5's errors mapped to Python's (RuntimeError: "Link iteration failed ...",
# NotImplementedError among them), and more from its own checks; each means the same here.
H5PY_ERRORS = (OSError, KeyError, TypeError, ValueError, RuntimeError, IndexError, AttributeError, OverflowError)


class KerasFileError(ValueError):
    """The file is not a readable `.keras` archive; the message says what is wrong, as "the model file is damaged: ..."."""


def _snake_case(name: str) -> str:
    """Keras's own rule for the keys of layers in the weights file (`InputLayer` -> `input_layer`)."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)).lower()


def _chain(config) -> list[dict]:
    """The layers of a Sequential or single-path Functional model, input first; anything else is refused."""
    kind = config.get("class_name") if isinstance(config, dict) else None
    if kind not in ("Functional", "Sequential"):
        raise UnsupportedModelError(_("it is not a plain chain of layers (a Sequential or Functional Keras model)"))
    if problem := shape_problem(config, MODEL):
        raise KerasFileError(
            _("the model file is damaged: its {entry} does not describe a model ({problem})").format(entry=CONFIG_ENTRY, problem=problem)
        )
    layers = config["config"]["layers"]
    if not layers:
        raise UnsupportedModelError(_("it has no layers"))
    for layer in layers:
        if layer["class_name"] not in READER_KINDS:
            raise UnsupportedModelError(
                _("it has a layer of kind {kind}, which a row reader does not have").format(kind=shown(layer["class_name"]))
            )
    if kind == "Functional":
        for previous, layer in zip(layers, layers[1:], strict=False):
            inbound = json.dumps(layer.get("inbound_nodes", []))
            if f'"{previous["config"]["name"]}"' not in inbound or inbound.count('"keras_history"') > 1:
                raise UnsupportedModelError(
                    _("its layer {layer} does not simply follow the one before").format(layer=shown(layer["config"]["name"]))
                )
    return layers


def _refuse_data_outside(group) -> None:
    """Every member of the weights file must be a plain member holding its own data.

    An HDF5 dataset can keep its bytes in another file (external storage), be assembled
    from other files (a virtual dataset), or be a soft or external link: reading such a
    "weight" would read whatever file on the server it names.
    """
    import h5py

    for name in group:
        if not isinstance(group.get(name, getlink=True), h5py.HardLink):
            raise KerasFileError(
                _("its weights file links {member} to something outside it, which Row Reader never reads").format(member=shown(name))
            )
        member = group[name]
        if isinstance(member, h5py.Group):
            _refuse_data_outside(member)
        elif not isinstance(member, h5py.Dataset):
            raise KerasFileError(
                _("the model file is damaged: its weights file holds {member}, which is not an array").format(member=shown(name))
            )
        elif member.external or member.is_virtual:
            raise KerasFileError(
                _("its weights file keeps the data of {member} outside it, which Row Reader never reads").format(member=shown(name))
            )


def _read_archive(path: str | Path) -> tuple[object, bytes]:
    """The parsed config.json and the bytes of model.weights.h5."""
    try:
        with zipfile.ZipFile(path) as archive:
            for entry, limit in ((CONFIG_ENTRY, MAX_CONFIG_BYTES), (WEIGHTS_ENTRY, MAX_WEIGHTS_BYTES)):
                if entry not in archive.namelist():
                    raise KerasFileError(_("the model file is damaged: it has no {entry}").format(entry=entry))
                if archive.getinfo(entry).file_size > limit:
                    raise KerasFileError(
                        _("the model file is far too large for a row reader: its {entry} is over {size} MB").format(
                            entry=entry, size=limit // 2**20
                        )
                    )
            config_bytes, weights = archive.read(CONFIG_ENTRY), archive.read(WEIGHTS_ENTRY)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError):  # cut short, encrypted, odd
        raise KerasFileError(_("the model file is damaged: it is not a complete .keras archive")) from None
    try:
        return json.loads(config_bytes.decode("utf-8")), weights
    except (ValueError, RecursionError):  # not JSON, not UTF-8, numbers of thousands of digits, nesting too deep
        raise KerasFileError(_("the model file is damaged: its {entry} is not readable JSON").format(entry=CONFIG_ENTRY)) from None


def _layer_arrays(h5, key: str, kind: str, name: str) -> tuple:
    """A layer's arrays in Keras's order, each a plain array of numbers held in the file."""
    import h5py

    try:
        group = h5["layers"][key]
        variables = group["cell"]["vars"] if kind in RECURRENT_KINDS else group["vars"]
        members = [variables[str(index)] for index in range(len(variables))]
    except (KeyError, TypeError, ValueError):
        raise KerasFileError(
            _("the model file is damaged: its weights file has no arrays for its layer {layer}").format(layer=shown(name))
        ) from None
    if not all(isinstance(member, h5py.Dataset) and member.dtype.kind in "fiu" for member in members):
        raise KerasFileError(
            _("the model file is damaged: the weights of its layer {layer} are not arrays of numbers").format(layer=shown(name))
        )
    if sum(member.size * member.dtype.itemsize for member in members) > MAX_WEIGHTS_BYTES:
        raise KerasFileError(
            _("the model file is far too large for a row reader: its layer {layer} is over 200 MB").format(layer=shown(name))
        )
    return tuple(member[()] for member in members)


def read_layers(path: str | Path) -> list[LayerArrays]:
    """Every layer of the model in `path` with its arrays; raises KerasFileError or UnsupportedModelError, in plain words."""
    import h5py  # a dependency of the .keras format; imported here so that the page code starts light

    config, weights = _read_archive(path)
    chain = _chain(config)
    layers, seen = [], Counter()
    try:
        with h5py.File(io.BytesIO(weights), "r") as h5:
            _refuse_data_outside(h5)
            for layer in chain:
                kind, settings = layer["class_name"], layer["config"]
                if kind == "InputLayer" and config["class_name"] == "Sequential":
                    continue  # listed in the config, but not one of the model's layers, so not in the weights
                base = _snake_case(kind)  # Keras numbers repeats: lstm, lstm_1, lstm_2, ...
                key = f"{base}_{seen[base]}" if seen[base] else base
                seen[base] += 1
                layers.append(
                    LayerArrays(
                        kind=kind, name=settings["name"], arrays=_layer_arrays(h5, key, kind, settings["name"]),
                        activation=settings.get("activation"), recurrent_activation=settings.get("recurrent_activation"),
                        use_bias=settings.get("use_bias", True), go_backwards=settings.get("go_backwards", False),
                        reset_after=settings.get("reset_after", True if kind == "GRU" else None),
                    )
                )  # fmt: skip
    except (UnsupportedModelError, KerasFileError):
        raise
    except H5PY_ERRORS:
        raise KerasFileError(_("the model file is damaged: its weights file cannot be read")) from None
    return layers
