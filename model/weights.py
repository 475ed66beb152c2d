"""A row reader's trained arrays as plain numpy, checked to be the shape the x-ray replays.

Taken from a live Keras model (training, tests) or from the layers read out of a
`.keras` file (model/keras_file.py, without Keras); anything that is not a
row reader as model/network.py builds it (LSTM, GRU or plain RNN layers), and any array holding NaN or
an infinity, is refused here, once, with a reason in plain words. The
fingerprint tells whether something computed from a model, such as its
report, still describes the same weights.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from i18n import N_, _
from model.config import NUM_CLASSES, ROW_WIDTH

SHOWABLE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")  # a layer's name or kind from a file, fit to quote in a message


class UnsupportedModelError(ValueError):
    """The model is not a row reader this replay understands; the message says why, as "it has no recurrent layer"."""


class UnusableWeightsError(UnsupportedModelError):
    """The model has the right layers, but its arrays cannot be read with (NaN or infinite values)."""


def shown(name) -> str:
    """A name read from a model file, quoted, as a message may show it; a name that is not plain words is not shown."""
    return f"'{name}'" if isinstance(name, str) and SHOWABLE_NAME.match(name) else _("(not shown)")


RECURRENT_KINDS = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "rnn"}  # Keras's class name -> ModelConfig.cell
BLOCKS = {"lstm": 4, "gru": 3, "rnn": 1}  # blocks of `units` columns in each kernel: the LSTM's i f g o, the GRU's z r h


@dataclass(frozen=True)
class RecurrentWeights:
    """One recurrent layer's arrays, in Keras's layout for its cell."""

    cell: str  # "lstm", "gru" or "rnn"
    kernel: np.ndarray  # (inputs, blocks * units)
    recurrent_kernel: np.ndarray  # (units, blocks * units)
    bias: np.ndarray  # (blocks * units,); the GRU's is (2, 3 * units): the input's bias, then the recurrent one

    @property
    def units(self) -> int:
        return self.recurrent_kernel.shape[0]

    def fits(self) -> bool:
        """Its arrays have the shapes its cell's equations need."""
        width = BLOCKS[self.cell] * self.units
        bias_shape = (2, width) if self.cell == "gru" else (width,)
        return self.kernel.shape[1] == width and self.recurrent_kernel.shape == (self.units, width) and self.bias.shape == bias_shape


@dataclass(frozen=True)
class ReaderWeights:
    """The trained arrays of a row reader, as plain numpy."""

    projection: tuple[np.ndarray, np.ndarray] | None  # kernel (28, p), bias (p,)
    recurrent: tuple[RecurrentWeights, ...]  # bottom layer first, all of one cell
    classifier: tuple[np.ndarray, np.ndarray]  # kernel (units, 10), bias (10,)

    @property
    def cell(self) -> str:
        """ "lstm", "gru" or "rnn": what every recurrent layer of this reader is."""
        return self.recurrent[0].cell

    @classmethod
    def from_layers(cls, layers: "Iterable[LayerArrays]") -> "ReaderWeights":
        """Take the arrays of a model shaped like `model.network.build_model` makes; refuse any other shape."""
        projection, recurrent, classifier = None, [], None
        for layer in layers:
            arrays = _float_arrays(layer)
            if layer.kind in ("InputLayer", "Dropout"):
                continue
            if layer.kind in RECURRENT_KINDS:
                _check_recurrent(layer)
                if classifier is not None:
                    raise UnsupportedModelError(_("it has a recurrent layer after its output layer"))
                recurrent.append(_recurrent_arrays(layer, arrays))
            elif layer.kind == "Dense" and not recurrent and projection is None:
                _check_activation(layer, "linear", "input projection")
                projection = _dense_arrays(layer, arrays)
            elif layer.kind == "Dense" and recurrent and classifier is None:
                _check_activation(layer, "softmax", "output layer")
                classifier = _dense_arrays(layer, arrays)
            else:
                raise UnsupportedModelError(
                    _("it has a layer {layer} of kind {kind} where a row reader has none").format(
                        layer=shown(layer.name), kind=shown(layer.kind)
                    )
                )
        if not recurrent:
            raise UnsupportedModelError(_("it has no recurrent layer (LSTM, GRU or plain RNN)"))
        if len({layer.cell for layer in recurrent}) > 1:
            raise UnsupportedModelError(_("its recurrent layers are not all of one kind"))
        if classifier is None or classifier[0].shape[1] != NUM_CLASSES:
            raise UnsupportedModelError(_("it has no {count}-way softmax output layer").format(count=NUM_CLASSES))
        first_inputs = projection[0].shape[0] if projection else recurrent[0].kernel.shape[0]
        if first_inputs != ROW_WIDTH:
            raise UnsupportedModelError(
                _("it reads rows of {pixels} pixels, not {expected}").format(pixels=first_inputs, expected=ROW_WIDTH)
            )
        widths = [first_inputs] + [w.kernel.shape[0] for w in recurrent] + [classifier[0].shape[0]]
        outputs = [projection[0].shape[1] if projection else first_inputs] + [w.units for w in recurrent]
        if widths[1:] != outputs or not all(w.fits() for w in recurrent):
            raise UnsupportedModelError(_("its layers' weight shapes do not fit together"))
        weights = cls(projection, tuple(recurrent), classifier)
        if not all(np.isfinite(array).all() for array in weights.arrays()):
            raise UnusableWeightsError(_("the model's weights contain NaN or infinite values"))
        return weights

    def arrays(self) -> list[np.ndarray]:
        """Every trained array, bottom layer first."""
        arrays = [*(self.projection or ())]
        for layer in self.recurrent:
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
                reset_after=getattr(layer, "reset_after", None),
            )
            for layer in model.layers
        )  # fmt: skip


@dataclass(frozen=True)
class LayerArrays:
    """One layer as the replay needs it, whether taken from a live Keras model or read from a .keras file."""

    kind: str  # the Keras class name: InputLayer, Dense, LSTM, GRU, SimpleRNN, Dropout
    name: str
    arrays: tuple  # the layer's weights in Keras's order
    activation: str | None = None
    recurrent_activation: str | None = None
    use_bias: bool = True
    go_backwards: bool = False
    reset_after: bool | None = None  # a GRU's: whether r multiplies the recurrent part after its matrix product (Keras 3's default)


def _float_arrays(layer: LayerArrays) -> tuple[np.ndarray, ...]:
    try:
        return tuple(np.asarray(w, np.float32) for w in layer.arrays)
    except (TypeError, ValueError):
        raise UnsupportedModelError(_("the weights of its layer {layer} are not numbers").format(layer=shown(layer.name))) from None


def _recurrent_arrays(layer: LayerArrays, arrays: tuple) -> RecurrentWeights:
    cell = RECURRENT_KINDS[layer.kind]
    if len(arrays) != 3:
        raise UnsupportedModelError(
            _("its recurrent layer {layer} has {count} weight arrays, not 3").format(layer=shown(layer.name), count=len(arrays))
        )
    if [array.ndim for array in arrays] != [2, 2, 2 if cell == "gru" else 1]:
        raise UnsupportedModelError(_("its recurrent layer {layer} has weight arrays of the wrong shape").format(layer=shown(layer.name)))
    return RecurrentWeights(cell, *arrays)


def _dense_arrays(layer: LayerArrays, arrays: tuple) -> tuple[np.ndarray, np.ndarray]:
    if len(arrays) != 2 or arrays[0].ndim != 2 or arrays[1].shape != arrays[0].shape[1:]:
        raise UnsupportedModelError(_("its Dense layer {layer} does not have a kernel and a bias").format(layer=shown(layer.name)))
    return arrays


ACTIVATION_WORDS = {  # the sentence for each role's wrong activation, whole
    "input projection": N_("its input projection {layer} uses {activation}, not {expected}"),
    "output layer": N_("its output layer {layer} uses {activation}, not {expected}"),
}


def _check_activation(layer: LayerArrays, expected: str, role: str) -> None:
    if layer.activation != expected:
        raise UnsupportedModelError(
            _(ACTIVATION_WORDS[role]).format(layer=shown(layer.name), activation=shown(layer.activation), expected=expected)
        )


def _check_recurrent(layer: LayerArrays) -> None:
    gated = layer.kind != "SimpleRNN"
    if layer.activation != "tanh" or (gated and layer.recurrent_activation != "sigmoid"):
        raise UnsupportedModelError(_("its recurrent layer {layer} does not use tanh and sigmoid").format(layer=shown(layer.name)))
    if not layer.use_bias or layer.go_backwards:
        raise UnsupportedModelError(_("its recurrent layer {layer} does not use a bias and read forwards").format(layer=shown(layer.name)))
    if layer.kind == "GRU" and layer.reset_after is not True:
        raise UnsupportedModelError(
            _("its GRU layer {layer} applies its reset gate before the matrix product (reset_after is off)").format(layer=shown(layer.name))
        )


def weights_fingerprint(weights: ReaderWeights) -> str:
    """sha256 of every trained array: tells whether a report's model has changed (mtimes lie after a copy or checkout)."""
    digest = hashlib.sha256(f"projection={weights.projection is not None}".encode())
    for array in weights.arrays():
        digest.update(str(array.shape).encode())
        digest.update(np.ascontiguousarray(array, np.float32).tobytes())
    return digest.hexdigest()
