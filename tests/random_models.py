"""Keras readers of several shapes with random weights: the replay and the file reader must hold for any of them; and
a reader changed to answer a digit on blank rows, which the "Look inside" views must not credit with reading."""

import numpy as np

from model.config import ModelConfig

CONFIGS = [
    ModelConfig(projection_units=128, layers=1, units=128),
    ModelConfig(projection_units=None, layers=3, units=32, dropout=0.5),
    ModelConfig(projection_units=64, layers=2, units=48, dropout=0.1),
]
# Each other cell at one and two layers: what the x-ray and the file reader must hold for beside the LSTM's shapes above.
CELL_CONFIGS = [
    ModelConfig(projection_units=projection, layers=layers, units=units, cell=cell)
    for cell in ("gru", "rnn")
    for projection, layers, units in ((128, 1, 128), (64, 2, 48), (None, 2, 32))
]


def randomised(model, seed):
    """Random weights, N(0, 0.4); a plain RNN's recurrent matrices at 0.9/sqrt(units), as a trained one's are: at
    0.4 its state turns chaotic, and float32 rounding in one product order or another grows without bound."""
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        scale = 0.9 / np.sqrt(weight.shape[0]) if "simple_rnn_cell/recurrent_kernel" in weight.path else 0.4
        weight.assign(rng.normal(0, scale, weight.shape).astype("float32"))
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


def blank_guesser(weights, digit: int = 4, margin: float = 1.0):
    """`weights` (ReaderWeights) with the classifier's bias for `digit` raised just enough that a blank picture reads as
    `digit` after every row, by `margin` in logits: real digits, answered surely, still mostly read right."""
    import dataclasses

    from model.config import ROW_WIDTH, ROWS
    from model.xray import hidden_states

    kernel, bias = weights.classifier
    blank = hidden_states(weights, np.zeros((1, ROWS, ROW_WIDTH), np.float32))[-1][0]  # (28, units): h on blank rows
    logits = blank @ kernel + bias
    lead = np.delete(logits, digit, axis=1).max(axis=1) - logits[:, digit]  # (28,) how far `digit` is behind
    raised = bias.copy()
    raised[digit] += max(float(lead.max()), 0.0) + margin
    return dataclasses.replace(weights, classifier=(kernel, raised))


def blank_guesser_file(source, target, digit: int = 4) -> None:
    """A copy of the .keras file `source` whose model is blank_guesser's: its last dense layer's bias raised for `digit`."""
    from model.storage import load_model

    raised = blank_guesser(load_model(source).weights, digit).classifier[1]

    def set_bias(h5) -> None:
        def is_a_bias_of_ten(name: str, item) -> bool:
            return name.startswith("layers/") and name.endswith("vars/1") and item.shape == raised.shape

        biases = []
        h5.visititems(lambda name, item: biases.append(item) if is_a_bias_of_ten(name, item) else None)
        (bias,) = biases  # the classifier's: the only (10,) bias of a layer
        bias[...] = raised

    changed_model_file(source, target, weights=set_bias)


def shipped_map_digits():
    """The 500 real test digits on the shipped report's map, 50 of each, as (images (500, 28, 28) uint8, labels): MNIST
    kept in the repository, so a test model's report can be built without the data."""
    from model.report import read_report, report_path
    from model.storage import DEFAULT_MODEL_PATH

    report = read_report(report_path(DEFAULT_MODEL_PATH))
    return report.images[np.searchsorted(report.image_index, report.map_index)], report.labels[report.map_index]
