"""The architecture of a row-reading LSTM, saved beside every trained model."""

from dataclasses import asdict, dataclass

ROWS = 28  # each image row is one timestep
ROW_WIDTH = 28  # pixels per row are the inputs of one step
NUM_CLASSES = 10


@dataclass(frozen=True)
class ModelConfig:
    projection_units: int | None = 128  # the tutorials' W*X+b before the cell; None feeds raw rows
    lstm_layers: int = 2  # stacked, unidirectional, top to bottom; 1 to 3
    units: int = 128  # hidden and cell size of every LSTM layer
    dropout: float = 0.0  # on each LSTM layer's output while training

    def __post_init__(self):
        if not 1 <= self.lstm_layers <= 3:
            raise ValueError(f"lstm_layers must be 1 to 3, got {self.lstm_layers}")
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
        return cls(**{k: values[k] for k in cls.__dataclass_fields__ if k in values})
