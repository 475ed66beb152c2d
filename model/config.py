"""The architecture of a row reader (its recurrent cell, layers and sizes), saved beside every trained model."""

import types
import typing
from dataclasses import asdict, dataclass, fields

from model.files import finite_number

JSON_KINDS = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}


def settings_from_json(cls, values: dict) -> dict:
    """The fields of dataclass `cls` found in `values` (read from a file), each of its declared type or refused
    in words: a file's "epochs": "long" would otherwise fail inside a range check, in Python's words."""
    hints = typing.get_type_hints(cls)
    chosen = {}
    for field in fields(cls):
        if field.name not in values:
            continue
        value, declared = values[field.name], hints[field.name]
        kinds = typing.get_args(declared) if isinstance(declared, types.UnionType) else (declared,)
        if not any(_is_kind(value, kind) for kind in kinds):
            wanted = " or ".join(JSON_KINDS.get(kind, "null") for kind in kinds)
            raise ValueError(f"{field.name} must be {wanted}")
        chosen[field.name] = value
    return chosen


def _is_kind(value, kind) -> bool:
    if kind is type(None):
        return value is None
    if kind is float:
        return finite_number(value)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


ROWS = 28  # each image row is one timestep
ROW_WIDTH = 28  # pixels per row are the inputs of one step
NUM_CLASSES = 10
CELLS = ("lstm", "gru", "rnn")  # the recurrent cells a row reader may have: Keras's LSTM, GRU and SimpleRNN


@dataclass(frozen=True)
class ModelConfig:
    projection_units: int | None = 128  # the tutorials' W*X+b before the cell; None feeds raw rows
    layers: int = 2  # stacked, unidirectional, top to bottom; 1 to 3
    units: int = 128  # state size of every recurrent layer
    dropout: float = 0.0  # on each recurrent layer's output while training
    cell: str = "lstm"  # one of CELLS: the LSTM, the gated recurrent unit, or the plain RNN with no gates

    def __post_init__(self):
        if self.cell not in CELLS:
            raise ValueError(f"cell must be one of {', '.join(CELLS)}, got {self.cell!r}")
        if not 1 <= self.layers <= 3:
            raise ValueError(f"layers must be 1 to 3, got {self.layers}")
        if not 1 <= self.units <= 1024:
            raise ValueError(f"units must be 1 to 1024, got {self.units}")
        if self.projection_units is not None and not 1 <= self.projection_units <= 1024:
            raise ValueError(f"projection_units must be 1 to 1024 or None, got {self.projection_units}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "ModelConfig":
        if "lstm_layers" in values and "layers" not in values:  # the name before GRUs and plain RNNs came
            values = {**values, "layers": values["lstm_layers"]}
        return cls(**settings_from_json(cls, values))
