"""The x-ray: replay the network's equations in numpy to see every step of a reading.

Keras returns only the final answer (or the top layer's h). Replaying the
equations from the trained weights gives the state after every row (h, and an
LSTM's c), every gate, and the class probabilities after every row, for every
layer, with no second model: for an LSTM, a GRU or a plain RNN, each exactly as
Keras computes it (tests/test_xray.py). It is pure numpy on frozen arrays, so it
is fast and safe to call from any thread.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from model.config import ROW_WIDTH, ROWS
from model.weights import ReaderWeights, RecurrentWeights

GATES = {  # each cell's gates, in Keras's order of the blocks in its kernels
    "lstm": ("input", "forget", "candidate", "output"),
    "gru": ("update", "reset", "candidate"),
    "rnn": (),  # a plain RNN has no gates: its new h is tanh of the row and the old h
}
GATE_NAMES = GATES["lstm"]
REPLAY_BATCH = 500  # images replayed at once over a large set: their states take about 60 MB for 2x128 units


@dataclass(frozen=True)
class Reading:
    """Everything the network holds after each row of one image."""

    hidden: np.ndarray  # (layers, steps=28, units): h after each row
    cell: np.ndarray | None  # (layers, steps=28, units): an LSTM's c after each row; None for a GRU or a plain RNN
    gates: np.ndarray  # (layers, steps=28, gates, units), in GATES[kind] order (no gates for a plain RNN)
    step_probs: np.ndarray  # (steps=28, 10): the output layer applied to the top h after each row
    kind: str = "lstm"  # the cell that read: "lstm", "gru" or "rnn"

    @property
    def gate_names(self) -> tuple[str, ...]:
        return GATES[self.kind]

    def gate(self, layer: int, name: str) -> np.ndarray:
        """One gate of one layer after each row: (steps=28, units)."""
        return self.gates[layer][:, self.gate_names.index(name)]

    @property
    def digit(self) -> int:
        return int(self.step_probs[-1].argmax())

    @property
    def confidence(self) -> float:
        return float(self.step_probs[-1].max())


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * z) + 1.0)  # same value as 1/(1+e^-z), without overflow warnings


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _as_batch(images: np.ndarray) -> np.ndarray:
    images = np.asarray(images, np.float32)
    if images.shape[-2:] != (ROWS, ROW_WIDTH):
        raise ValueError(f"expected images of {ROWS}x{ROW_WIDTH}, got shape {images.shape}")
    return images.reshape(-1, ROWS, ROW_WIDTH)


def dense(sequence: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """sequence (batch, 28, inputs) @ kernel + bias, as one 2-D matrix product.

    A 3-D @ makes numpy run one small product per image, much slower (bench/bench_xray.py compares the two).
    """
    batch, steps, inputs = sequence.shape
    return (sequence.reshape(batch * steps, inputs) @ kernel + bias).reshape(batch, steps, -1)


def _lstm_step(layer: RecurrentWeights, row_part, h, c):
    """Keras's LSTM: four blocks i f g o; c carries the memory, h = o * tanh(c)."""
    units = layer.units
    z = row_part + h @ layer.recurrent_kernel  # (batch, 4*units)
    i = _sigmoid(z[:, :units])
    f = _sigmoid(z[:, units : 2 * units])
    g = np.tanh(z[:, 2 * units : 3 * units])
    o = _sigmoid(z[:, 3 * units :])
    c = f * c + i * g
    return o * np.tanh(c), c, (i, f, g, o)


def _gru_step(layer: RecurrentWeights, row_part, h, c):
    """Keras's GRU with reset_after: update z, reset r; h moves towards the candidate by (1 - z)."""
    units = layer.units
    recurrent = h @ layer.recurrent_kernel + layer.bias[1]  # (batch, 3*units)
    z = _sigmoid(row_part[:, :units] + recurrent[:, :units])
    r = _sigmoid(row_part[:, units : 2 * units] + recurrent[:, units : 2 * units])
    candidate = np.tanh(row_part[:, 2 * units :] + r * recurrent[:, 2 * units :])
    return z * h + (1.0 - z) * candidate, None, (z, r, candidate)


def _rnn_step(layer: RecurrentWeights, row_part, h, c):
    """Keras's SimpleRNN: the new h is tanh of the row and the old h, nothing kept aside."""
    return np.tanh(row_part + h @ layer.recurrent_kernel), None, ()


STEPS = {"lstm": _lstm_step, "gru": _gru_step, "rnn": _rnn_step}


def _replay_layer(layer: RecurrentWeights, sequence: np.ndarray, keep_states: bool):
    """One recurrent layer over all 28 rows: h after each row and, if asked, c and the gates."""
    batch, units, step = sequence.shape[0], layer.units, STEPS[layer.cell]
    input_bias = layer.bias[0] if layer.cell == "gru" else layer.bias
    row_parts = dense(sequence, layer.kernel, input_bias)  # (batch, 28, blocks*units): the input half, all steps at once
    h = np.zeros((batch, units), np.float32)
    c = np.zeros((batch, units), np.float32) if layer.cell == "lstm" else None
    layer_h = np.empty((batch, ROWS, units), np.float32)
    layer_c = np.empty_like(layer_h) if keep_states and c is not None else None
    layer_gates = np.empty((batch, ROWS, len(GATES[layer.cell]), units), np.float32) if keep_states else None
    for row in range(ROWS):
        h, c, gates = step(layer, row_parts[:, row], h, c)
        layer_h[:, row] = h
        if keep_states:
            if layer_c is not None:
                layer_c[:, row] = c
            if gates:
                layer_gates[:, row] = np.stack(gates, axis=1)
    return layer_h, layer_c, layer_gates


def _replay(weights: ReaderWeights, images: np.ndarray, keep_states: bool):
    """Run the network's equations over a batch; returns step_probs and, if asked, h, c and gates."""
    sequence = _as_batch(images)  # (batch, 28, 28)
    if weights.projection:
        kernel, bias = weights.projection
        sequence = dense(sequence, kernel, bias)  # (batch, 28, projection)
    hidden, cell, gates = [], [], []
    for layer in weights.recurrent:
        layer_h, layer_c, layer_gates = _replay_layer(layer, sequence, keep_states)
        hidden.append(layer_h)
        cell.append(layer_c)
        gates.append(layer_gates)
        sequence = layer_h  # the next layer reads this layer's h at every step
    kernel, bias = weights.classifier
    step_probs = _softmax(dense(sequence, kernel, bias))  # (batch, 28, 10)
    return step_probs, hidden, cell, gates


def read_digit(weights: ReaderWeights, image: np.ndarray) -> Reading:
    """The full x-ray of one 28x28 image (ink in [0, 1], MNIST style)."""
    step_probs, hidden, cell, gates = _replay(weights, image[None], keep_states=True)
    return Reading(
        hidden=np.stack([h[0] for h in hidden]),
        cell=np.stack([c[0] for c in cell]) if weights.cell == "lstm" else None,
        gates=np.stack([g[0] for g in gates]),
        step_probs=step_probs[0],
        kind=weights.cell,
    )


def step_probabilities(weights: ReaderWeights, images: np.ndarray) -> np.ndarray:
    """Class probabilities after every row for a batch of images: (batch, 28, 10)."""
    return _replay(weights, images, keep_states=False)[0]


def replay_batches(weights: ReaderWeights, images: np.ndarray, batch_size: int = REPLAY_BATCH) -> Iterator[tuple[int, np.ndarray, list]]:
    """Replay a large set a batch at a time, so its states never all sit in memory at once.

    Yields (start, step_probs, hidden): the batch is images[start : start + len(step_probs)],
    step_probs is (batch, 28, 10) and hidden a list, bottom layer first, of (batch, 28, units).
    """
    images = _as_batch(images)
    for start in range(0, len(images), batch_size):
        step_probs, hidden, _, _ = _replay(weights, images[start : start + batch_size], keep_states=False)
        yield start, step_probs, hidden


def hidden_states(weights: ReaderWeights, images: np.ndarray) -> list[np.ndarray]:
    """h of every layer after every row for a batch: a list, bottom layer first, of (batch, 28, units).

    Meant for a few hundred images; for the whole test set use replay_batches and keep only what you need.
    """
    batches = [hidden for _, _, hidden in replay_batches(weights, images)]
    return [np.concatenate(layer) for layer in zip(*batches, strict=True)]
