"""Keras readers of several shapes with random weights: the replay and the file reader must hold for any of them."""

import numpy as np

from model.config import ModelConfig

CONFIGS = [
    ModelConfig(projection_units=128, lstm_layers=1, units=128),
    ModelConfig(projection_units=None, lstm_layers=3, units=32, dropout=0.5),
    ModelConfig(projection_units=64, lstm_layers=2, units=48, dropout=0.1),
]


def randomised(model, seed):
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        weight.assign(rng.normal(0, 0.4, weight.shape).astype("float32"))
    return model


def changed_model_file(source, target, weights=None, config=None) -> None:
    """A copy of the .keras file `source` whose weights went through `weights(h5py.File)` and config through `config(dict)`."""
    import io
    import json
    import zipfile

    import h5py

    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    if weights is not None:
        buffer = io.BytesIO(entries["model.weights.h5"])
        with h5py.File(buffer, "a") as h5:
            weights(h5)
        entries["model.weights.h5"] = buffer.getvalue()
    if config is not None:
        described = json.loads(entries["config.json"])
        config(described)
        entries["config.json"] = json.dumps(described).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
