"""Training recipes: the four seed tutorials, reproduced, and the classroom default."""

from dataclasses import asdict, dataclass, field, replace

from model.config import ModelConfig


@dataclass(frozen=True)
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    learning_rate: float = 1e-3  # Adam's step size (the peak, with a cosine schedule)
    lr_schedule: str = "constant"  # "constant" or "cosine" (decays to 1% over the run)
    clipnorm: float | None = None  # clip each gradient's norm; tames early LSTM spikes
    batch_size: int = 128
    epochs: int = 1  # passes over the training part
    samples: int | None = None  # if set, stop after this many training samples (the tutorials count steps x batch)
    augment: bool = False  # small random affine warps and stroke-width changes, as people draw
    validation_size: int = 5_000  # held out of the training set, as the tutorials' 55,000/5,000 split
    seed: int = 0
    limit: int | None = None  # use only the first N training (and test) images: for smoke tests

    def __post_init__(self):
        checks = [
            (self.learning_rate > 0 and self.learning_rate <= 1, f"learning rate must be in (0, 1], got {self.learning_rate}"),
            (self.lr_schedule in ("constant", "cosine"), f"lr_schedule must be constant or cosine, got {self.lr_schedule!r}"),
            (1 <= self.batch_size <= 8192, f"batch size must be 1 to 8192, got {self.batch_size}"),
            (1 <= self.epochs <= 1000, f"epochs must be 1 to 1000, got {self.epochs}"),
            (self.samples is None or self.samples >= 1, f"samples must be positive, got {self.samples}"),
            (self.limit is None or self.limit >= 20, f"limit must be at least 20 images, got {self.limit}"),
            (self.validation_size >= 0, f"validation size must not be negative, got {self.validation_size}"),
            (self.clipnorm is None or self.clipnorm > 0, f"clipnorm must be positive, got {self.clipnorm}"),
            (0 <= self.seed < 2**32, f"seed must be 0 to 2**32 - 1, got {self.seed}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        fields = {k: values[k] for k in cls.__dataclass_fields__ if k in values}
        fields["model"] = ModelConfig.from_dict(values.get("model", {}))
        return cls(**fields)


PRESETS = {
    # Morvan Zhou's TF tutorial: W*X+b into 128 units, Adam 1e-3, batch 128, 100,000 samples.
    "morvan": TrainConfig(ModelConfig(projection_units=128, lstm_layers=1, units=128), samples=100_000),
    # The classic notebook: W*X+b, 128 units, Adam 1e-2, batch 100, one pass over 55,000.
    "notebook": TrainConfig(ModelConfig(projection_units=128, lstm_layers=1, units=128), learning_rate=1e-2, batch_size=100),
    # Three layers of 256 with output keep-probability 0.5, Adam 1e-3, 2,000 steps of 100.
    "sesame": TrainConfig(ModelConfig(projection_units=None, lstm_layers=3, units=256, dropout=0.5), batch_size=100, samples=200_000),
    # Raw rows into 128 units, Adam 1e-3, batch 128, 100,000 samples.
    "qiita": TrainConfig(ModelConfig(projection_units=None, lstm_layers=1, units=128), samples=100_000),
    # The classroom model that ships: two layers so the animation stays readable.
    "default": TrainConfig(
        ModelConfig(projection_units=128, lstm_layers=2, units=128, dropout=0.1),
        learning_rate=2e-3,
        lr_schedule="cosine",
        clipnorm=1.0,
        batch_size=128,
        epochs=20,
        augment=True,
    ),
}


def preset(name: str, **overrides) -> TrainConfig:
    """A preset with some fields changed; model fields (units, lstm_layers, ...) are accepted too.

    An explicit epoch count replaces the preset's sample budget unless `samples` is given as well.
    """
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    known = (set(TrainConfig.__dataclass_fields__) - {"model"}) | set(ModelConfig.__dataclass_fields__)
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    base = PRESETS[name]
    if "epochs" in overrides:
        overrides.setdefault("samples", None)
    model_overrides = {k: overrides.pop(k) for k in list(overrides) if k in ModelConfig.__dataclass_fields__}
    return replace(base, model=replace(base.model, **model_overrides), **overrides)
