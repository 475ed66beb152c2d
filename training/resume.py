"""Continuing a cancelled or failed run: may it resume, with what settings, and from where.

    python -m training --resume --out runs/my-run

The settings come from the run's config.json, the weights and the optimizer's
state (Adam's moments, the step the learning-rate schedule has reached) from
checkpoint.keras, and how far the run had got from the metadata beside it.
"""

import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from model.storage import ModelLoadError, metadata_path, read_metadata
from training import run_folder
from training.presets import TrainConfig


class ResumeRefused(ValueError):
    """The run folder must not be resumed (nothing to resume, or it is finished or still training)."""


class CheckpointError(ValueError):
    """The checkpoint is there but cannot be trained on; the message names it and says what to do."""


def unusable(path: Path, problem: str) -> CheckpointError:
    """The error for a checkpoint that cannot be trained on: what is wrong with it, and the two ways on."""
    return CheckpointError(f"{path.name} {problem}. Start a new run, or delete {path.name} to train this run again from the beginning.")


@dataclass(frozen=True)
class ResumePoint:
    """How far a run had got when its checkpoint was saved."""

    epochs_done: int = 0  # whole epochs; fit starts again at the next one
    step: int = 0  # optimizer steps taken
    elapsed_s: float = 0.0  # training time over all segments so far


def saved_config(run_dir: Path) -> tuple[str | None, TrainConfig]:
    """The preset name and the settings a fresh run wrote into config.json."""
    try:
        return run_folder.read_settings(Path(run_dir) / run_folder.CONFIG_FILE)
    except ValueError as error:
        raise ResumeRefused(f"{error}: nothing to resume") from None


def check_resumable(run_dir: Path) -> dict:
    """The run's last status ({} if none); refuses a finished run and one another process is training."""
    status = run_folder.read_status(run_dir) or {}
    state = status.get("state")
    if state == run_folder.DONE:
        raise ResumeRefused(f"the run in {run_dir} is already done; start a new run to train again")
    if state == run_folder.RUNNING and run_folder.process_alive(status.get("pid")):
        raise ResumeRefused(f"the run in {run_dir} is still training in process {status['pid']}; stop it first")
    return status


def load_checkpoint(path: Path):
    """The compiled model with its optimizer state, and where it left off; raises CheckpointError.

    The step is the optimizer's own count: the learning-rate schedule follows
    it, and it is right even if the process died between writing the model and
    the metadata beside it.
    """
    import keras

    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise unusable(path, "is not a Keras .keras file (it is not a zip archive)")
    try:
        with warnings.catch_warnings():  # its own words for a lost optimizer state follow
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            model = keras.saving.load_model(path, safe_mode=True)  # compiled: the optimizer's variables come back too
    except Exception:  # Keras raises many kinds for a damaged file
        raise unusable(path, "is damaged: Keras could not load it") from None
    step = optimizer_step(model)
    if not step:
        raise unusable(path, "was saved without its optimizer, so training cannot carry on from it")
    try:
        metadata = read_metadata(path)
        point = ResumePoint(int(metadata["epochs_done"]), step, float(metadata.get("elapsed_s", 0.0)))
    except (ModelLoadError, KeyError, TypeError, ValueError):
        raise unusable(path, f"has no {metadata_path(path).name} beside it that says how far the run had got") from None
    return model, point


def optimizer_step(model) -> int:
    """The steps the checkpoint's optimizer had taken; 0 when it came back without its saved state.

    A model saved uncompiled has no optimizer at all; one saved without the
    optimizer's variables (include_optimizer=False, or the variables missing)
    comes back with a fresh one at step 0, which Keras only warns about. Every
    checkpoint is saved after at least one step, so 0 means the state is lost.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return 0
    return int(optimizer.iterations.numpy())  # int() alone fails on a strategy's mirrored variable


def segment_seed(seed: int, step: int) -> int:
    """A different seed for each resume, so resumed epochs do not replay the same shuffles and augmentations."""
    return (seed + step) % 2**32  # a fresh run (step 0) keeps its own seed
