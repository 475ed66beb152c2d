"""Saving and loading trained readers: a `.keras` file with a `.json` of metadata beside it.

Every refusal is a ModelLoadError in plain words ("this file is not a Row
Reader model: it has no LSTM layer"), naming the file at most by its place in
the project or its run folder, never by a path on the server.
"""

import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from i18n import _
from model.files import ANYTHING, MOMENT, atomic_write, atomic_write_json, file_stamp, number, read_json_checked, record, text, whole
from model.keras_file import KerasFileError, read_layers
from model.weights import ReaderWeights, UnsupportedModelError, UnusableWeightsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WEIGHTS_DIR = PROJECT_ROOT / "model" / "weights"
DEFAULT_MODEL_PATH = WEIGHTS_DIR / "default.keras"  # the shipped LSTM: the server's default reader
# The readers that ship, by their recurrent cell: a Read page can switch between them. Only the LSTM must be there.
SHIPPED_MODELS = {"lstm": DEFAULT_MODEL_PATH, "gru": WEIGHTS_DIR / "gru.keras", "rnn": WEIGHTS_DIR / "rnn.keras"}

# What training/train.py and training/devices.py write; what the pages show of a model is read only through these.
DEVICE = record(
    ("kind",), kind=text(20), name=text(200), count=whole(1, 4096), threads=whole(1, 1_000_000), backend=text(40),
)  # fmt: skip
METADATA = record(
    test_accuracy=number(0, 1), test_loss=number(0, 1e6), test_samples=whole(0, 10**8), epochs=whole(0, 10**6),
    steps=whole(0, 10**12), wall_time_s=number(0, 10**9), device=DEVICE, data_source=text(1000), created_at=text(40),
    config=record(), versions=record(), epochs_done=whole(0, 10**6), step=whole(0, 10**12), elapsed_s=number(0, 10**9),
    set_at=MOMENT, run=ANYTHING,
)  # fmt: skip


class ModelLoadError(ValueError):
    """A model file could not be used; the message says why in plain words, and which file by its shown_name."""

    def __init__(self, reason: str, path: str | Path | None = None):
        super().__init__(f"{shown_name(path)}: {reason}" if path is not None else reason)
        self.reason = reason  # without the file's name: for a list that already says which model it is


@dataclass(frozen=True)
class LoadedModel:
    path: Path
    weights: ReaderWeights = field(repr=False)  # what the x-ray replays
    metadata: dict  # the .json beside the model, or {} if there is none
    stamp: tuple | None = None  # the file's stamp (model/files.py) when it was read: what is computed from it is kept under it


def shown_name(path: str | Path) -> str:
    """A file as a message may name it: its place in the project, else its folder and name (a run's id and file)."""
    absolute = Path(os.path.abspath(path))
    if absolute.is_relative_to(PROJECT_ROOT):
        return str(absolute.relative_to(PROJECT_ROOT))
    return f"{absolute.parent.name}/{absolute.name}" if absolute.parent.name else absolute.name


def metadata_path(model_path: str | Path) -> Path:
    return Path(model_path).with_suffix(".json")


def save_model(keras_model, path: str | Path, metadata: dict | None = None) -> None:
    """Save atomically; with metadata, write it beside the model afterwards."""
    atomic_write(path, lambda temporary: keras_model.save(temporary))
    if metadata is not None:
        atomic_write_json(metadata_path(path), metadata)


def read_metadata(model_path: str | Path) -> dict:
    """The .json beside a model, {} if there is none; ModelLoadError when it is not what training writes."""
    metadata, problem = read_json_checked(metadata_path(model_path), METADATA)
    if problem:
        raise ModelLoadError(problem)
    return metadata or {}


def model_file_problem(path: Path) -> str | None:
    """What is wrong with a model file at a glance (missing, not an archive), or None; loading it is the real test."""
    if path.is_symlink():
        return _("the model file is a link to another file, which Row Reader does not follow")
    if not path.is_file():
        return _("the model file is missing")
    if not zipfile.is_zipfile(path):
        return _("the model file is damaged: it is not a Keras .keras file (not a zip archive)")
    return None


def load_model(path: str | Path = DEFAULT_MODEL_PATH) -> LoadedModel:
    """Read a model's weights for the x-ray, without Keras (see model/keras_file.py), and its metadata."""
    path = Path(path)
    stamp = file_stamp(path)  # before reading: a file replaced meanwhile gets a new stamp, and is read again
    try:
        weights, metadata = read_weights(path), read_metadata(path)
    except ModelLoadError as error:
        raise ModelLoadError(error.reason, path) from None
    return LoadedModel(path, weights, metadata, stamp)


def read_weights(path: Path) -> ReaderWeights:
    """The checked arrays of a model file; ModelLoadError saying in plain words why they cannot be used."""
    problem = model_file_problem(path)
    if problem:
        raise ModelLoadError(problem)
    try:
        return ReaderWeights.from_layers(read_layers(path))
    except (KerasFileError, UnusableWeightsError) as error:
        raise ModelLoadError(str(error)) from None
    except UnsupportedModelError as error:
        raise ModelLoadError(_("this file is not a Row Reader model: {reason}").format(reason=error)) from None


def load_keras_model(path: str | Path = DEFAULT_MODEL_PATH):
    """The Keras model itself, for code that runs it (tests, training); with Keras's safe mode on, and its weights checked."""
    import keras

    try:
        read_weights(Path(path))  # the same checks as the app's, in the same words, before Keras reads anything
    except ModelLoadError as error:
        raise ModelLoadError(error.reason, path) from None
    try:
        return keras.saving.load_model(Path(path), compile=False, safe_mode=True)
    except Exception:  # Keras raises many kinds for a damaged file
        raise ModelLoadError(_("the model file is damaged: Keras could not load it"), path) from None
