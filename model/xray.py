"""The x-ray: replay the LSTM equations in numpy to see every step of a reading.

Keras returns only the final answer (or the top layer's h). Replaying the
equations from the trained weights gives h, c, the four gates and the class
probabilities after every row, for every layer, with no second model. It is
pure numpy on frozen arrays, so it is fast and safe to call from any thread.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from model.config import NUM_CLASSES, ROW_WIDTH, ROWS

GATE_NAMES = ("input", "forget", "candidate", "output")  # Keras's order of the four blocks in each kernel
REPLAY_BATCH = 500  # images replayed at once over a large set: fastest on 2 cores, and ~60 MB of states for 2x128 units


class UnsupportedModelError(ValueError):
    """The model is not a row-reading LSTM this replay understands."""


@dataclass(frozen=True)
class LstmWeights:
    kernel: np.ndarray  # (inputs, 4 * units)
    recurrent_kernel: np.ndarray  # (units, 4 * units)
    bias: np.ndarray  # (4 * units,)

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]


@dataclass(frozen=True)
class ReaderWeights:
    """The trained arrays of a row reader, as plain numpy."""

    projection: tuple[np.ndarray, np.ndarray] | None  # kernel (28, p), bias (p,)
    lstm: tuple[LstmWeights, ...]  # bottom layer first
    classifier: tuple[np.ndarray, np.ndarray]  # kernel (units, 10), bias (10,)

    @classmethod
    def from_layers(cls, layers: "Iterable[LayerArrays]") -> "ReaderWeights":
        """Take the arrays of a model shaped like `model.network.build_model` makes; refuse any other shape."""
        projection, lstm, classifier = None, [], None
        for layer in layers:
            arrays = tuple(np.asarray(w, np.float32) for w in layer.arrays)
            if layer.kind in ("InputLayer", "Dropout"):
                continue
            if layer.kind == "LSTM":
                _check_lstm(layer)
                if classifier is not None:
                    raise UnsupportedModelError("an LSTM layer follows the output layer")
                if len(arrays) != 3:
                    raise UnsupportedModelError(f"LSTM {layer.name!r} has {len(arrays)} weight arrays, not 3")
                lstm.append(LstmWeights(*arrays))
            elif layer.kind == "Dense" and not lstm and projection is None:
                _check_activation(layer, "linear", "input projection")
                projection = _dense_arrays(layer, arrays)
            elif layer.kind == "Dense" and lstm and classifier is None:
                _check_activation(layer, "softmax", "output layer")
                classifier = _dense_arrays(layer, arrays)
            else:
                raise UnsupportedModelError(f"unexpected layer {layer.name!r} ({layer.kind})")
        if not lstm:
            raise UnsupportedModelError("the model has no LSTM layer")
        if classifier is None or classifier[0].shape[1] != NUM_CLASSES:
            raise UnsupportedModelError(f"the model needs a {NUM_CLASSES}-way softmax output layer")
        first_inputs = projection[0].shape[0] if projection else lstm[0].kernel.shape[0]
        if first_inputs != ROW_WIDTH:
            raise UnsupportedModelError(f"the model reads rows of {first_inputs} pixels, not {ROW_WIDTH}")
        widths = [first_inputs] + [w.kernel.shape[0] for w in lstm] + [classifier[0].shape[0]]
        outputs = [projection[0].shape[1] if projection else first_inputs] + [w.units for w in lstm]
        if widths[1:] != outputs or any(w.kernel.shape[1] != 4 * w.units or w.bias.shape != (4 * w.units,) for w in lstm):
            raise UnsupportedModelError("the layers' weight shapes do not fit together")
        return cls(projection, tuple(lstm), classifier)

    @classmethod
    def from_keras(cls, model) -> "ReaderWeights":
        """The arrays of a live Keras model (training and tests; the app reads files with model/keras_file.py)."""
        return cls.from_layers(
            LayerArrays(
                kind=type(layer).__name__, name=layer.name, arrays=tuple(layer.get_weights()),
                activation=getattr(getattr(layer, "activation", None), "__name__", None),
                recurrent_activation=getattr(getattr(layer, "recurrent_activation", None), "__name__", None),
                use_bias=getattr(layer, "use_bias", True), go_backwards=getattr(layer, "go_backwards", False),
            )
            for layer in model.layers
        )  # fmt: skip


@dataclass(frozen=True)
class LayerArrays:
    """One layer as the replay needs it, whether taken from a live Keras model or read from a .keras file."""

    kind: str  # the Keras class name: InputLayer, Dense, LSTM, Dropout, ...
    name: str
    arrays: tuple  # the layer's weights in Keras's order
    activation: str | None = None
    recurrent_activation: str | None = None
    use_bias: bool = True
    go_backwards: bool = False


def _dense_arrays(layer: LayerArrays, arrays: tuple) -> tuple[np.ndarray, np.ndarray]:
    if len(arrays) != 2 or arrays[0].ndim != 2 or arrays[1].shape != arrays[0].shape[1:]:
        raise UnsupportedModelError(f"Dense layer {layer.name!r} needs a kernel and a bias")
    return arrays


def _check_activation(layer: LayerArrays, expected: str, role: str) -> None:
    if layer.activation != expected:
        raise UnsupportedModelError(f"the {role} {layer.name!r} uses {layer.activation}, not {expected}")


def _check_lstm(layer: LayerArrays) -> None:
    if layer.activation != "tanh" or layer.recurrent_activation != "sigmoid":
        raise UnsupportedModelError(f"LSTM {layer.name!r} must use tanh and sigmoid")
    if not layer.use_bias or layer.go_backwards:
        raise UnsupportedModelError(f"LSTM {layer.name!r} must use a bias and read forwards")


@dataclass(frozen=True)
class Reading:
    """Everything the network holds after each row of one image."""

    hidden: np.ndarray  # (layers, steps=28, units): h after each row
    cell: np.ndarray  # (layers, steps=28, units): c after each row
    gates: np.ndarray  # (layers, steps=28, 4, units), in GATE_NAMES order
    step_probs: np.ndarray  # (steps=28, 10): the output layer applied to the top h after each row

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


def _dense(sequence: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """sequence (batch, 28, inputs) @ kernel + bias, as one 2-D matrix product.

    A 3-D @ makes numpy run one small product per image; with two BLAS threads that was 5x slower.
    """
    batch, steps, inputs = sequence.shape
    return (sequence.reshape(batch * steps, inputs) @ kernel + bias).reshape(batch, steps, -1)


def _replay(weights: ReaderWeights, images: np.ndarray, keep_states: bool):
    """Run the LSTM equations over a batch; returns step_probs and, if asked, h, c and gates."""
    sequence = _as_batch(images)  # (batch, 28, 28)
    if weights.projection:
        kernel, bias = weights.projection
        sequence = _dense(sequence, kernel, bias)  # (batch, 28, projection)
    hidden, cell, gates = [], [], []
    for layer in weights.lstm:
        batch, units = sequence.shape[0], layer.units
        inputs_part = _dense(sequence, layer.kernel, layer.bias)  # (batch, 28, 4*units): the input half of z, all steps at once
        h = np.zeros((batch, units), np.float32)
        c = np.zeros((batch, units), np.float32)
        layer_h = np.empty((batch, ROWS, units), np.float32)
        layer_c = np.empty_like(layer_h) if keep_states else None
        layer_gates = np.empty((batch, ROWS, 4, units), np.float32) if keep_states else None
        for step in range(ROWS):
            z = inputs_part[:, step] + h @ layer.recurrent_kernel  # (batch, 4*units)
            i = _sigmoid(z[:, :units])
            f = _sigmoid(z[:, units : 2 * units])
            g = np.tanh(z[:, 2 * units : 3 * units])
            o = _sigmoid(z[:, 3 * units :])
            c = f * c + i * g
            h = o * np.tanh(c)
            layer_h[:, step] = h
            if keep_states:
                layer_c[:, step] = c
                layer_gates[:, step] = np.stack([i, f, g, o], axis=1)
        hidden.append(layer_h)
        cell.append(layer_c)
        gates.append(layer_gates)
        sequence = layer_h  # the next layer reads this layer's h at every step
    kernel, bias = weights.classifier
    step_probs = _softmax(_dense(sequence, kernel, bias))  # (batch, 28, 10)
    return step_probs, hidden, cell, gates


def read_digit(weights: ReaderWeights, image: np.ndarray) -> Reading:
    """The full x-ray of one 28x28 image (ink in [0, 1], MNIST style)."""
    step_probs, hidden, cell, gates = _replay(weights, image[None], keep_states=True)
    return Reading(
        hidden=np.stack([h[0] for h in hidden]),
        cell=np.stack([c[0] for c in cell]),
        gates=np.stack([g[0] for g in gates]),
        step_probs=step_probs[0],
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
