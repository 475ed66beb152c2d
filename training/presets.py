"""Training recipes: the four seed tutorials, reproduced, and the classroom default."""

from dataclasses import asdict, dataclass, field, replace

from i18n import N_, _, number
from model.config import ModelConfig, settings_from_json


@dataclass(frozen=True)
class TrainConfig:
    model: ModelConfig = field(default_factory=ModelConfig)
    learning_rate: float = 1e-3  # Adam's step size (the peak, with a cosine schedule)
    lr_schedule: str = "constant"  # "constant" or "cosine" (decays to 1% over the run)
    warmup: float = 0.0  # with cosine: the share of the run spent climbing from a tenth of the peak to the peak
    clipnorm: float | None = None  # clip each gradient's norm; tames early LSTM spikes
    batch_size: int = 128
    epochs: int = 1  # passes over the training part
    samples: int | None = None  # if set, stop after this many training samples (the tutorials count steps x batch)
    augment: bool = False  # small random affine warps and stroke-width changes, as people draw
    drawn: float = 0.0  # the share of each epoch's digits read as drawn on a canvas and preprocessed (training/canvas_style.py)
    validation_size: int = 5_000  # held out of the training set, as the tutorials' 55,000/5,000 split
    seed: int = 0
    limit: int | None = None  # use only the first N training (and test) images: for smoke tests

    def __post_init__(self):
        checks = [
            (self.learning_rate > 0 and self.learning_rate <= 1, f"learning rate must be in (0, 1], got {self.learning_rate}"),
            (self.lr_schedule in ("constant", "cosine"), f"lr_schedule must be constant or cosine, got {self.lr_schedule!r}"),
            (0 <= self.warmup < 1, f"warmup must be at least 0 and below 1, got {self.warmup}"),
            (self.warmup == 0 or self.lr_schedule == "cosine", "warmup needs the cosine schedule"),
            (1 <= self.batch_size <= 8192, f"batch size must be 1 to 8192, got {self.batch_size}"),
            (1 <= self.epochs <= 1000, f"epochs must be 1 to 1000, got {self.epochs}"),
            (self.samples is None or self.samples >= 1, f"samples must be positive, got {self.samples}"),
            (self.limit is None or self.limit >= 20, f"limit must be at least 20 images, got {self.limit}"),
            (self.validation_size >= 0, f"validation size must not be negative, got {self.validation_size}"),
            (self.clipnorm is None or self.clipnorm > 0, f"clipnorm must be positive, got {self.clipnorm}"),
            (0 <= self.seed < 2**32, f"seed must be 0 to 2**32 - 1, got {self.seed}"),
            (0 <= self.drawn <= 1, f"drawn must be a share from 0 to 1, got {self.drawn}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "TrainConfig":
        model = values.get("model", {})
        if not isinstance(model, dict):
            raise ValueError('the model\'s settings must be a JSON object, such as {"units": 128}')
        chosen = settings_from_json(cls, {key: value for key, value in values.items() if key != "model"})
        return cls(**chosen, model=ModelConfig.from_dict(model))


# For a lesson: one layer of 128 after the tutorials' W*X+b, three epochs of digits warped as people draw, a short
# warm-up to a high peak and a cosine decay (one cycle): 98.5% or more on the full test set in under 2 minutes on
# 2 CPU cores (README, "In a lesson").
LESSON = TrainConfig(
    ModelConfig(projection_units=128, layers=1, units=128),
    learning_rate=4e-3,
    lr_schedule="cosine",
    warmup=0.1,
    clipnorm=1.0,
    batch_size=128,
    epochs=3,
    augment=True,
)

PRESETS = {
    "lesson": LESSON,
    "longer": replace(LESSON, epochs=8),  # the lesson's second half: 99% or more in about 4 min on 2 CPU cores
    # Morvan Zhou's TF tutorial: W*X+b into 128 units, Adam 1e-3, batch 128, 100,000 samples.
    "morvan": TrainConfig(ModelConfig(projection_units=128, layers=1, units=128), samples=100_000),
    # The classic notebook: W*X+b, 128 units, Adam 1e-2, batch 100, one pass over 55,000.
    "notebook": TrainConfig(ModelConfig(projection_units=128, layers=1, units=128), learning_rate=1e-2, batch_size=100),
    # Three layers of 256 with output keep-probability 0.5, Adam 1e-3, 2,000 steps of 100.
    "sesame": TrainConfig(ModelConfig(projection_units=None, layers=3, units=256, dropout=0.5), batch_size=100, samples=200_000),
    # Raw rows into 128 units, Adam 1e-3, batch 128, 100,000 samples.
    "qiita": TrainConfig(ModelConfig(projection_units=None, layers=1, units=128), samples=100_000),
    # The classroom model that ships: two layers so the animation stays readable.
    "default": TrainConfig(
        ModelConfig(projection_units=128, layers=2, units=128, dropout=0.1),
        learning_rate=2e-3,
        lr_schedule="cosine",
        clipnorm=1.0,
        batch_size=128,
        epochs=30,
        augment=True,
        drawn=0.5,
    ),
}
# The shipped model's recipe for the other two cells, at its size, on its data. A GRU learns as fast as the LSTM, so
# it needs only fewer epochs to ship within a lesson's preparation; a plain RNN has no gate to keep its gradients
# alive across 28 rows, so it gets half the learning rate (and the same clipping) to train steadily.
PRESETS["gru"] = replace(PRESETS["default"], model=replace(PRESETS["default"].model, cell="gru"), epochs=12)
PRESETS["rnn"] = replace(PRESETS["default"], model=replace(PRESETS["default"].model, cell="rnn"), epochs=12, learning_rate=1e-3)


# The settings typed as whole numbers, on the command line and in the Train page's boxes, and their ranges.
WHOLE_SETTINGS = {
    "epochs": (1, 1000),
    "samples": (1, None),
    "units": (1, 1024),
    "layers": (1, 3),
    "batch_size": (1, 8192),
    "limit": (20, None),
    "seed": (0, 2**32 - 1),
}
# What a typed whole number that is not one, or is out of range, is told: whole sentences for each setting (the
# range, the typed text and an example are filled in).
WHOLE_SETTING_WORDS = {
    "epochs": (
        N_("epochs must be a whole number from {low} to {high}, such as {example}; got {typed}"),
        N_("epochs must be a whole number from {low} to {high}; got {typed}"),
    ),
    "samples": (
        N_("samples must be a whole number of at least {low}, such as {example}; got {typed}"),
        N_("samples must be a whole number of at least {low}; got {typed}"),
    ),
    "units": (
        N_("units must be a whole number from {low} to {high}, such as {example}; got {typed}"),
        N_("units must be a whole number from {low} to {high}; got {typed}"),
    ),
    "layers": (
        N_("recurrent layers must be a whole number from {low} to {high}, such as {example}; got {typed}"),
        N_("recurrent layers must be a whole number from {low} to {high}; got {typed}"),
    ),
    "batch_size": (
        N_("batch size must be a whole number from {low} to {high}, such as {example}; got {typed}"),
        N_("batch size must be a whole number from {low} to {high}; got {typed}"),
    ),
    "limit": (
        N_("the number of digits used must be a whole number of at least {low}, such as {example}; got {typed}"),
        N_("the number of digits used must be a whole number of at least {low}; got {typed}"),
    ),
    "seed": (
        N_("seed must be a whole number from {low} to {high}, such as {example}; got {typed}"),
        N_("seed must be a whole number from {low} to {high}; got {typed}"),
    ),
}


def whole_setting(name: str, text: str) -> int:
    """A typed whole number, strictly: "1e3", "2.5", "+4" or a number out of range is refused, never rounded or clipped.

    Its refusal is in the reader's language (the Train page's session; English on the command line)."""
    low, high = WHOLE_SETTINGS[name]
    not_whole, out_of_range = WHOLE_SETTING_WORDS[name]
    text = str(text).strip()
    shown = text if len(text) <= 24 else f"{text[:20]}..."
    bounds = {"low": number(low), "high": number(high) if high is not None else ""}
    if not (text.isascii() and text.isdigit()):
        example = min(max(low, 20), high or 20)
        raise ValueError(_(not_whole).format(**bounds, example=example, typed=repr(shown)))
    value = int(text) if len(text) <= 30 else None  # int() refuses more than 4,300 digits; 30 is out of every range
    if value is None or value < low or (high is not None and value > high):
        raise ValueError(_(out_of_range).format(**bounds, typed=shown))
    return value


def _typed_number(text: str) -> tuple[float, str]:
    """A typed number (NaN where it is none) and the text as a message may show it."""
    text = str(text).strip()
    try:
        value = float(text) if len(text) <= 64 else float("nan")
    except ValueError:
        value = float("nan")
    return value, text if len(text) <= 24 else f"{text[:20]}..."


def learning_rate_setting(text: str) -> float:
    """A typed learning rate: a finite number in (0, 1]."""
    value, shown = _typed_number(text)
    if not 0 < value <= 1:  # false for NaN as well
        raise ValueError(
            _("the learning rate must be a number above 0 and at most 1, such as 0.001; got {typed}").format(typed=repr(shown))
        )
    return value


def share_setting(text: str) -> float:
    """A typed share of the digits: a number from 0 to 1."""
    value, shown = _typed_number(text)
    if not 0 <= value <= 1:  # false for NaN as well
        raise ValueError(
            _("the share of digits drawn as on a canvas must be a number from 0 to 1, such as 0.5; got {typed}").format(typed=repr(shown))
        )
    return value


MNIST_TRAINING_DIGITS = 60_000
MEANINGFUL_DIGITS = 1_000  # fewer cannot teach a model worth reading; the command line still allows them, for smoke tests


def held_out(config: TrainConfig, available: int) -> int:
    """Digits held out of `available` training digits for validation: a small set keeps 90% to train on."""
    return min(config.validation_size, available // 10)


def digits_per_epoch(config: TrainConfig) -> int:
    """Training digits in one epoch, as training/train.py splits MNIST."""
    available = min(config.limit or MNIST_TRAINING_DIGITS, MNIST_TRAINING_DIGITS)
    return available - held_out(config, available)


def too_small(config: TrainConfig) -> str | None:
    """Why a run cannot give a meaningful model, in words, or None."""
    if config.limit is not None and config.limit < MEANINGFUL_DIGITS:
        return _("{count} digits are too few to learn from: use at least {least}").format(
            count=number(config.limit), least=number(MEANINGFUL_DIGITS)
        )
    if config.batch_size > digits_per_epoch(config):
        return _("an epoch of {count} digits is shorter than one batch of {batch}").format(
            count=number(digits_per_epoch(config)), batch=number(config.batch_size)
        )
    return None


def preset(name: str, **overrides) -> TrainConfig:
    """A preset with some fields changed; model fields (cell, units, layers, ...) are accepted too.

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
