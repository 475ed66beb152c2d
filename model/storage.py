"""Saving and loading trained readers: a `.keras` file with a `.json` of metadata beside it."""

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from model.files import atomic_write, atomic_write_json, file_stamp
from model.keras_file import KerasFileError, read_layers
from model.weights import ReaderWeights, UnsupportedModelError

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DEFAULT_MODEL_PATH = WEIGHTS_DIR / "default.keras"


class ModelLoadError(ValueError):
    """A model file could not be used; the message says which file and why."""


@dataclass(frozen=True)
class LoadedModel:
    path: Path
    weights: ReaderWeights = field(repr=False)  # what the x-ray replays
    metadata: dict  # the .json beside the model, or {} if there is none
    stamp: tuple | None = None  # the file's stamp (model/files.py) when it was read: what is computed from it is kept under it


def metadata_path(model_path: str | Path) -> Path:
    return Path(model_path).with_suffix(".json")


def save_model(keras_model, path: str | Path, metadata: dict | None = None) -> None:
    """Save atomically; with metadata, write it beside the model afterwards."""
    atomic_write(path, lambda temporary: keras_model.save(temporary))
    if metadata is not None:
        atomic_write_json(metadata_path(path), metadata)


def read_metadata(model_path: str | Path) -> dict:
    path = metadata_path(model_path)
    if not path.is_file():
        return {}
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelLoadError(f"{path}: unreadable metadata ({error})") from None
    if not isinstance(value, dict):
        raise ModelLoadError(f"{path}: metadata is not a JSON object")
    return value


def model_file_problem(path: Path) -> str | None:
    """What is wrong with a model file at a glance (missing, not an archive), or None; loading it is the real test."""
    if not path.is_file():
        return "the model file is missing"
    if not zipfile.is_zipfile(path):
        return "the model file is damaged: not a Keras .keras file (no zip archive)"
    return None


def load_model(path: str | Path = DEFAULT_MODEL_PATH) -> LoadedModel:
    """Read a model's weights for the x-ray, without Keras (see model/keras_file.py), and its metadata."""
    path = Path(path)
    stamp = file_stamp(path)  # before reading: a file replaced meanwhile gets a new stamp, and is read again
    problem = model_file_problem(path)
    if problem:
        raise ModelLoadError(f"{path}: {problem}")
    try:
        weights = ReaderWeights.from_layers(read_layers(path))
    except KerasFileError as error:
        raise ModelLoadError(f"{path}: {error}") from None
    except UnsupportedModelError as error:
        raise ModelLoadError(f"{path}: not a row-reading LSTM ({error})") from None
    return LoadedModel(path, weights, read_metadata(path), stamp)


def load_keras_model(path: str | Path = DEFAULT_MODEL_PATH):
    """The Keras model itself, for code that runs it (tests, training); with Keras's safe mode on."""
    import keras

    try:
        return keras.saving.load_model(Path(path), compile=False, safe_mode=True)
    except Exception as error:  # Keras raises many kinds for a damaged file
        raise ModelLoadError(f"{path}: Keras could not load it ({type(error).__name__}: {error})") from None
