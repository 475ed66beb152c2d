"""Weights read straight from .keras files, with no Keras: the same arrays Keras holds, and clear refusals."""

import subprocess
import sys
import zipfile

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from model.network import build_model  # noqa: E402
from model.storage import ModelLoadError, load_keras_model, load_model, save_model  # noqa: E402
from model.weights import ReaderWeights  # noqa: E402
from tests.random_models import CELL_CONFIGS, CONFIGS, changed_model_file, randomised  # noqa: E402


def same_weights(a: ReaderWeights, b: ReaderWeights) -> None:
    assert a.cell == b.cell
    pairs = [(a.classifier, b.classifier)] + [
        ((x.kernel, x.recurrent_kernel, x.bias), (y.kernel, y.recurrent_kernel, y.bias))
        for x, y in zip(a.recurrent, b.recurrent, strict=True)
    ]
    if a.projection is not None or b.projection is not None:
        pairs.append((a.projection, b.projection))
    for left, right in pairs:
        for x, y in zip(left, right, strict=True):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("config", CONFIGS + CELL_CONFIGS, ids=lambda c: f"{c.cell}-proj{c.projection_units}-L{c.layers}-u{c.units}")
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
    with pytest.raises(ModelLoadError, match="this file is not a Row Reader model"):
        load_model(tmp_path / "branches.keras")


def test_other_recurrent_layers_are_refused(tmp_path):
    rows = keras.Input((28, 28))
    keras.Model(rows, keras.layers.Dense(10, activation="softmax")(keras.layers.ConvLSTM1D(8, 3)(rows[..., None]))).save(
        tmp_path / "conv.keras"
    )
    with pytest.raises(ModelLoadError, match="this file is not a Row Reader model: it has a layer of kind"):
        load_model(tmp_path / "conv.keras")
    keras.Model(rows, keras.layers.Dense(10, activation="softmax")(keras.layers.GRU(8, reset_after=False)(rows))).save(
        tmp_path / "gru.keras"
    )
    with pytest.raises(ModelLoadError, match="reset_after is off"):
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
    for name, reason in [("truncated", "not a Keras .keras file"), ("no-weights", "damaged: it has no model.weights.h5"),
                         ("bad-config", "damaged: its config.json is not readable JSON"),
                         ("bad-weights", "damaged: its weights file cannot be read")]:  # fmt: skip
        with pytest.raises(ModelLoadError, match=reason):
            load_model(tmp_path / f"{name}.keras")


def test_a_damaged_heap_in_the_weights_file_is_refused_as_damaged(tmp_path):
    """h5py says "Link iteration failed (wrong version number in local heap)" as a RuntimeError; a person is told the file is damaged."""
    from model.storage import DEFAULT_MODEL_PATH

    with zipfile.ZipFile(DEFAULT_MODEL_PATH) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    weights = bytearray(entries["model.weights.h5"])
    weights[weights.find(b"HEAP") + 4] = 1  # the version byte after a local heap's signature, as one bit flipped leaves it
    entries["model.weights.h5"] = bytes(weights)
    with zipfile.ZipFile(tmp_path / "model.keras", "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    with pytest.raises(ModelLoadError, match="damaged: its weights file cannot be read") as refused:
        load_model(tmp_path / "model.keras")
    assert_plain(str(refused.value), tmp_path)


def test_reading_a_model_does_not_import_keras():
    script = "import sys, model.storage as s; s.load_model(); assert 'keras' not in sys.modules and 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", script], check=True, cwd=str(__import__("pathlib").Path(__file__).parent.parent))


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

    changed_model_file(DEFAULT_MODEL_PATH, tmp_path / "model.keras", weights=change)
    with pytest.raises(ModelLoadError, match="outside it"):
        load_model(tmp_path / "model.keras")


# --- refusals in plain words (issue 14, items 15 and 18) ------------------------------------------------------------


def assert_plain(message: str, tmp_path) -> None:
    """A refusal a teacher can read: no server path, no Python exception, no repr."""
    assert str(tmp_path) not in message and not message.startswith("/"), message
    for internal in ("Error", "Exception", "Traceback", "doesn't exist", "<", "Errno"):
        assert internal not in message, message


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_weights_that_are_not_finite_are_refused(value, tmp_path):
    model = randomised(build_model(CONFIGS[2]), 4)
    kernel = model.get_layer("lstm_1").weights[0]
    kernel.assign(np.where(np.arange(kernel.numpy().size).reshape(kernel.shape) == 7, value, kernel.numpy()).astype("float32"))
    save_model(model, tmp_path / "model.keras")
    with pytest.raises(ModelLoadError, match="the model's weights contain NaN or infinite values") as refused:
        load_model(tmp_path / "model.keras")
    assert_plain(str(refused.value), tmp_path)
    assert str(refused.value).startswith(f"{tmp_path.name}/model.keras: ")  # named by its folder and name, not its path


def test_a_layer_of_another_kind_is_named_not_looked_for_in_the_weights(tmp_path):
    rows = keras.Input((28, 28))
    lstm = keras.layers.LSTM(8)(keras.layers.Conv1D(4, 3)(rows))
    keras.Model(rows, keras.layers.Dense(10, activation="softmax")(lstm)).save(tmp_path / "conv.keras")
    with pytest.raises(ModelLoadError, match="not a Row Reader model: it has a layer of kind 'Conv1D'") as refused:
        load_model(tmp_path / "conv.keras")
    assert_plain(str(refused.value), tmp_path)


def _drop_a_name(config):
    del config["config"]["layers"][1]["config"]["name"]


def _layers_not_a_list(config):
    config["config"]["layers"] = {"a": 1}


def _a_strange_kind(config):
    config["config"]["layers"][1]["class_name"] = "[click](http://example.com)"


def _a_subclassed_model(config):
    config["class_name"] = "MyModel"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_drop_a_name, "damaged: its config.json does not describe a model (config.layers[1].config.name is missing)"),
        (_layers_not_a_list, "damaged: its config.json does not describe a model (config.layers must be a list"),
        (_a_strange_kind, "it has a layer of kind (not shown)"),
        (_a_subclassed_model, "not a Row Reader model: it is not a plain chain of layers"),
    ],
)
def test_a_config_of_the_wrong_shape_is_refused_in_plain_words(change, reason, tmp_path):
    from model.storage import DEFAULT_MODEL_PATH

    changed_model_file(DEFAULT_MODEL_PATH, tmp_path / "model.keras", config=change)
    with pytest.raises(ModelLoadError) as refused:
        load_model(tmp_path / "model.keras")
    assert reason in str(refused.value)
    assert_plain(str(refused.value), tmp_path)


def test_weights_that_are_not_numbers_are_refused_in_plain_words(tmp_path):
    from model.storage import DEFAULT_MODEL_PATH

    def change(h5):
        name = _a_bias(h5)
        del h5[name]
        h5[name] = np.array([b"not", b"numbers"])

    changed_model_file(DEFAULT_MODEL_PATH, tmp_path / "model.keras", weights=change)
    with pytest.raises(ModelLoadError, match="are not arrays of numbers") as refused:
        load_model(tmp_path / "model.keras")
    assert_plain(str(refused.value), tmp_path)


def test_the_keras_loader_checks_the_weights_too(tmp_path):
    model = randomised(build_model(CONFIGS[1]), 2)
    bias = model.get_layer("classifier").weights[1]
    bias.assign(np.full(bias.shape, np.nan, "float32"))
    save_model(model, tmp_path / "model.keras")
    with pytest.raises(ModelLoadError, match="NaN or infinite"):
        load_keras_model(tmp_path / "model.keras")
