"""Saving and loading trained readers: a `.keras` file with a `.json` of metadata beside it."""

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from model.atomic import atomic_write, atomic_write_json
from model.xray import ReaderWeights, UnsupportedModelError

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"
DEFAULT_MODEL_PATH = WEIGHTS_DIR / "default.keras"


class ModelLoadError(ValueError):
    """A model file could not be used; the message says which file and why."""


@dataclass(frozen=True)
class LoadedModel:
    path: Path
    keras_model: object = field(repr=False)
    weights: ReaderWeights = field(repr=False)  # what the x-ray replays
    metadata: dict  # the .json beside the model, or {} if there is none


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


def load_model(path: str | Path = DEFAULT_MODEL_PATH) -> LoadedModel:
    """Load with Keras's safe mode on, and check the x-ray can replay it."""
    import keras  # imported here so that modules which only replay weights start fast

    path = Path(path)
    if not path.is_file():
        raise ModelLoadError(f"{path}: no such model file")
    if not zipfile.is_zipfile(path):
        raise ModelLoadError(f"{path}: not a Keras .keras file (it is not a zip archive)")
    try:
        keras_model = keras.saving.load_model(path, compile=False, safe_mode=True)
    except Exception as error:  # Keras raises many kinds for a damaged file
        raise ModelLoadError(f"{path}: Keras could not load it ({type(error).__name__}: {error})") from None
    try:
        weights = ReaderWeights.from_keras(keras_model)
    except UnsupportedModelError as error:
        raise ModelLoadError(f"{path}: not a row-reading LSTM ({error})") from None
    return LoadedModel(path, keras_model, weights, read_metadata(path))
