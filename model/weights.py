"""A row reader's trained arrays as plain numpy, checked to be the shape the x-ray replays.

Taken from a live Keras model (training, tests) or from the layers read out of a
`.keras` file (model/keras_file.py, without Keras); anything that is not a
row-reading LSTM as model/network.py builds it, and any array holding NaN or
an infinity, is refused here, once, with a reason in plain words. The
fingerprint tells whether something computed from a model, such as its
report, still describes the same weights.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from model.config import NUM_CLASSES, ROW_WIDTH

SHOWABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")  # a layer's name or kind from a file, fit to quote in a message


class UnsupportedModelError(ValueError):
    """The model is not a row-reading LSTM this replay understands; the message says why, as "it has no LSTM layer"."""


class UnusableWeightsError(UnsupportedModelError):
    """The model has the right layers, but its arrays cannot be read with (NaN or infinite values)."""


def shown(name) -> str:
    """A name read from a model file, quoted, as a message may show it; a name that is not plain words is not shown."""
    return f"'{name}'" if isinstance(name, str) and SHOWABLE_NAME.match(name) else "(not shown)"


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
            arrays = _float_arrays(layer)
            if layer.kind in ("InputLayer", "Dropout"):
                continue
            if layer.kind == "LSTM":
                _check_lstm(layer)
                if classifier is not None:
                    raise UnsupportedModelError("it has an LSTM layer after its output layer")
                lstm.append(_lstm_arrays(layer, arrays))
            elif layer.kind == "Dense" and not lstm and projection is None:
                _check_activation(layer, "linear", "input projection")
                projection = _dense_arrays(layer, arrays)
            elif layer.kind == "Dense" and lstm and classifier is None:
                _check_activation(layer, "softmax", "output layer")
                classifier = _dense_arrays(layer, arrays)
            else:
                raise UnsupportedModelError(f"it has a layer {shown(layer.name)} of kind {shown(layer.kind)} where a row reader has none")
        if not lstm:
            raise UnsupportedModelError("it has no LSTM layer")
        if classifier is None or classifier[0].shape[1] != NUM_CLASSES:
            raise UnsupportedModelError(f"it has no {NUM_CLASSES}-way softmax output layer")
        first_inputs = projection[0].shape[0] if projection else lstm[0].kernel.shape[0]
        if first_inputs != ROW_WIDTH:
            raise UnsupportedModelError(f"it reads rows of {first_inputs} pixels, not {ROW_WIDTH}")
        widths = [first_inputs] + [w.kernel.shape[0] for w in lstm] + [classifier[0].shape[0]]
        outputs = [projection[0].shape[1] if projection else first_inputs] + [w.units for w in lstm]
        if widths[1:] != outputs or any(w.kernel.shape[1] != 4 * w.units or w.bias.shape != (4 * w.units,) for w in lstm):
            raise UnsupportedModelError("its layers' weight shapes do not fit together")
        weights = cls(projection, tuple(lstm), classifier)
        if not all(np.isfinite(array).all() for array in weights.arrays()):
            raise UnusableWeightsError("the model's weights contain NaN or infinite values")
        return weights

    def arrays(self) -> list[np.ndarray]:
        """Every trained array, bottom layer first."""
        arrays = [*(self.projection or ())]
        for layer in self.lstm:
            arrays += [layer.kernel, layer.recurrent_kernel, layer.bias]
        return arrays + list(self.classifier)

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


def _float_arrays(layer: LayerArrays) -> tuple[np.ndarray, ...]:
    try:
        return tuple(np.asarray(w, np.float32) for w in layer.arrays)
    except (TypeError, ValueError):
        raise UnsupportedModelError(f"the weights of its layer {shown(layer.name)} are not numbers") from None


def _lstm_arrays(layer: LayerArrays, arrays: tuple) -> LstmWeights:
    if len(arrays) != 3:
        raise UnsupportedModelError(f"its LSTM layer {shown(layer.name)} has {len(arrays)} weight arrays, not 3")
    if [array.ndim for array in arrays] != [2, 2, 1]:
        raise UnsupportedModelError(f"its LSTM layer {shown(layer.name)} has weight arrays of the wrong shape")
    return LstmWeights(*arrays)


def _dense_arrays(layer: LayerArrays, arrays: tuple) -> tuple[np.ndarray, np.ndarray]:
    if len(arrays) != 2 or arrays[0].ndim != 2 or arrays[1].shape != arrays[0].shape[1:]:
        raise UnsupportedModelError(f"its Dense layer {shown(layer.name)} does not have a kernel and a bias")
    return arrays


def _check_activation(layer: LayerArrays, expected: str, role: str) -> None:
    if layer.activation != expected:
        raise UnsupportedModelError(f"its {role} {shown(layer.name)} uses {shown(layer.activation)}, not {expected}")


def _check_lstm(layer: LayerArrays) -> None:
    if layer.activation != "tanh" or layer.recurrent_activation != "sigmoid":
        raise UnsupportedModelError(f"its LSTM layer {shown(layer.name)} does not use tanh and sigmoid")
    if not layer.use_bias or layer.go_backwards:
        raise UnsupportedModelError(f"its LSTM layer {shown(layer.name)} does not use a bias and read forwards")


def weights_fingerprint(weights: ReaderWeights) -> str:
    """sha256 of every trained array: tells whether a report's model has changed (mtimes lie after a copy or checkout)."""
    digest = hashlib.sha256(f"projection={weights.projection is not None}".encode())
    for array in weights.arrays():
        digest.update(str(array.shape).encode())
        digest.update(np.ascontiguousarray(array, np.float32).tobytes())
    return digest.hexdigest()
