"""Weights read straight from .keras files, with no Keras: the same arrays Keras holds, and clear refusals."""

import subprocess
import sys
import zipfile

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from model.network import build_model  # noqa: E402
from model.storage import ModelLoadError, load_model, save_model  # noqa: E402
from model.weights import ReaderWeights  # noqa: E402
from tests.random_models import CONFIGS, randomised  # noqa: E402


def same_weights(a: ReaderWeights, b: ReaderWeights) -> None:
    pairs = [(a.classifier, b.classifier)] + [
        ((x.kernel, x.recurrent_kernel, x.bias), (y.kernel, y.recurrent_kernel, y.bias)) for x, y in zip(a.lstm, b.lstm, strict=True)
    ]
    if a.projection is not None or b.projection is not None:
        pairs.append((a.projection, b.projection))
    for left, right in pairs:
        for x, y in zip(left, right, strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"proj{c.projection_units}-L{c.lstm_layers}-u{c.units}")
def test_the_file_gives_exactly_the_arrays_keras_holds(config, tmp_path):
    model = randomised(build_model(config), 5)
    save_model(model, tmp_path / "model.keras")
    same_weights(load_model(tmp_path / "model.keras").weights, ReaderWeights.from_keras(model))


def test_a_sequential_model_reads_too(tmp_path):
    model = keras.Sequential(
        [keras.Input((28, 28)), keras.layers.LSTM(8), keras.layers.Dropout(0.2), keras.layers.Dense(10, activation="softmax")]
    )
    model = randomised(model, 1)
    model.save(tmp_path / "sequential.keras")
    same_weights(load_model(tmp_path / "sequential.keras").weights, ReaderWeights.from_keras(model))


def test_a_model_that_is_not_one_chain_is_refused(tmp_path):
    rows = keras.Input((28, 28))
    merged = keras.layers.Concatenate()([keras.layers.LSTM(8)(rows), keras.layers.LSTM(8)(rows)])
    keras.Model(rows, keras.layers.Dense(10, activation="softmax")(merged)).save(tmp_path / "branches.keras")
    with pytest.raises(ModelLoadError, match="not a row-reading LSTM"):
        load_model(tmp_path / "branches.keras")


def test_other_recurrent_layers_are_refused(tmp_path):
    rows = keras.Input((28, 28))
    keras.Model(rows, keras.layers.Dense(10, activation="softmax")(keras.layers.GRU(8)(rows))).save(tmp_path / "gru.keras")
    with pytest.raises(ModelLoadError, match="unexpected layer"):
        load_model(tmp_path / "gru.keras")


def test_damaged_archives_are_refused_with_a_reason(tmp_path):
    from model.storage import DEFAULT_MODEL_PATH

    good = DEFAULT_MODEL_PATH.read_bytes()
    (tmp_path / "truncated.keras").write_bytes(good[: len(good) // 2])
    with zipfile.ZipFile(tmp_path / "no-weights.keras", "w") as archive:
        archive.writestr("config.json", zipfile.ZipFile(DEFAULT_MODEL_PATH).read("config.json"))
    with zipfile.ZipFile(tmp_path / "bad-config.keras", "w") as archive:
        archive.writestr("config.json", "{not json")
        archive.writestr("model.weights.h5", b"")
    with zipfile.ZipFile(tmp_path / "bad-weights.keras", "w") as archive:
        archive.writestr("config.json", zipfile.ZipFile(DEFAULT_MODEL_PATH).read("config.json"))
        archive.writestr("model.weights.h5", b"\x89HDF garbage")
    for name, reason in [("truncated", "not a Keras .keras file"), ("no-weights", "lacks an entry"),
                         ("bad-config", "not a readable .keras archive"), ("bad-weights", "do not match")]:  # fmt: skip
        with pytest.raises(ModelLoadError, match=reason):
            load_model(tmp_path / f"{name}.keras")


def test_reading_a_model_does_not_import_keras():
    script = "import sys, model.storage as s; s.load_model(); assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", script], check=True, cwd=str(__import__("pathlib").Path(__file__).parent.parent))


def _with_weights_changed(source, target, change) -> None:
    """A copy of the .keras file `source` whose weights file went through `change(h5py.File)`."""
    import io

    import h5py

    with zipfile.ZipFile(source) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    buffer = io.BytesIO(entries["model.weights.h5"])
    with h5py.File(buffer, "a") as h5:
        change(h5)
    entries["model.weights.h5"] = buffer.getvalue()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def _a_bias(h5) -> str:
    found = []
    h5.visititems(lambda name, item: found.append(name) if name.endswith("vars/2") or name.endswith("vars/1") else None)
    return found[0]


def _link(kind: str, target: str):
    """A soft link to another member of the same file, or an external link into another file."""
    import h5py

    return h5py.SoftLink("/" + target) if kind == "soft" else h5py.ExternalLink(target, "/data")


@pytest.mark.parametrize("how", ["external storage", "soft link", "external link"])
def test_weights_kept_outside_the_file_are_refused_and_never_read(how, tmp_path):
    """A "weight" stored in another file of the server (HDF5 external storage, or a link) would be that file's bytes."""
    from model.storage import DEFAULT_MODEL_PATH

    secret = tmp_path / "secret"
    secret.write_bytes(b"not a weight, a server file" * 64)

    def change(h5):
        name = _a_bias(h5)
        shape, dtype = h5[name].shape, h5[name].dtype
        del h5[name]
        if how == "external storage":
            h5.create_dataset(name, shape=shape, dtype=dtype, external=[(str(secret), 0, int(np.prod(shape)) * dtype.itemsize)])
        elif how == "soft link":
            h5[name] = _link("soft", _a_bias(h5))
        else:
            h5[name] = _link("external", str(secret))

    _with_weights_changed(DEFAULT_MODEL_PATH, tmp_path / "model.keras", change)
    with pytest.raises(ModelLoadError, match="outside it"):
        load_model(tmp_path / "model.keras")
