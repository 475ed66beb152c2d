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
from collections import Counter
from pathlib import Path

from model.weights import LayerArrays, UnsupportedModelError

CONFIG_ENTRY, WEIGHTS_ENTRY = "config.json", "model.weights.h5"
MAX_WEIGHTS_BYTES = 200 * 2**20  # far above any row reader; refuses a zip bomb before it is unpacked


class KerasFileError(ValueError):
    """The file is not a readable `.keras` archive; the message says what is wrong."""


def _snake_case(name: str) -> str:
    """Keras's own rule for the keys of layers in the weights file (`InputLayer` -> `input_layer`)."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)).lower()


def _chain(config: dict) -> list[dict]:
    """The layers of a Sequential or single-path Functional model, input first; anything else is refused."""
    kind, inner = config.get("class_name"), config.get("config") or {}
    layers = inner.get("layers")
    if kind not in ("Functional", "Sequential") or not isinstance(layers, list) or not layers:
        raise UnsupportedModelError(f"a {kind or 'model'} without a plain list of layers")
    if kind == "Functional":
        for previous, layer in zip(layers, layers[1:], strict=False):
            inbound = json.dumps(layer.get("inbound_nodes", []))
            if f'"{previous["config"]["name"]}"' not in inbound or inbound.count('"keras_history"') > 1:
                raise UnsupportedModelError(f"layer {layer['config']['name']!r} does not simply follow {previous['config']['name']!r}")
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
            raise KerasFileError(f"its weights file links {name!r} to something outside it")
        member = group[name]
        if isinstance(member, h5py.Group):
            _refuse_data_outside(member)
        elif member.external or member.is_virtual:
            raise KerasFileError(f"its weights file keeps the data of {name!r} outside it")


def read_layers(path: str | Path) -> list[LayerArrays]:
    """Every layer of the model in `path` with its arrays; raises KerasFileError or UnsupportedModelError."""
    import h5py  # a dependency of the .keras format; imported here so that the page code starts light

    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read(CONFIG_ENTRY))
            if archive.getinfo(WEIGHTS_ENTRY).file_size > MAX_WEIGHTS_BYTES:
                raise KerasFileError(f"{WEIGHTS_ENTRY} is larger than {MAX_WEIGHTS_BYTES // 2**20} MB")
            weights = archive.read(WEIGHTS_ENTRY)
    except KeyError as error:
        raise KerasFileError(f"the archive lacks an entry ({error})") from None
    except (zipfile.BadZipFile, OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise KerasFileError(f"not a readable .keras archive ({type(error).__name__}: {error})") from None
    if not isinstance(config, dict):
        raise KerasFileError("its config.json is not a model description")

    layers, seen = [], Counter()
    try:
        with h5py.File(io.BytesIO(weights), "r") as h5:
            _refuse_data_outside(h5)
            for layer in _chain(config):
                kind, settings = layer["class_name"], layer["config"]
                if kind == "InputLayer" and config["class_name"] == "Sequential":
                    continue  # listed in the config, but not one of the model's layers, so not in the weights
                base = _snake_case(kind)  # Keras numbers repeats: lstm, lstm_1, lstm_2, ...
                key = f"{base}_{seen[base]}" if seen[base] else base
                seen[base] += 1
                group = h5["layers"][key]
                variables = group["cell"]["vars"] if kind == "LSTM" else group["vars"]
                arrays = tuple(variables[str(index)][()] for index in range(len(variables)))
                layers.append(
                    LayerArrays(
                        kind=kind, name=settings.get("name", key), arrays=arrays,
                        activation=settings.get("activation"), recurrent_activation=settings.get("recurrent_activation"),
                        use_bias=settings.get("use_bias", True), go_backwards=settings.get("go_backwards", False),
                    )
                )  # fmt: skip
    except (OSError, KeyError, TypeError, ValueError) as error:
        if isinstance(error, UnsupportedModelError):
            raise
        raise KerasFileError(f"its weights do not match its layers ({type(error).__name__}: {error})") from None
    return layers
