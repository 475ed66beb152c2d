"""Training runs for tests: the training CLI in a subprocess, and run folders made by hand in each state."""

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from model.storage import DEFAULT_MODEL_PATH
from training import progress, run_folder
from training.presets import preset
from training.progress import ProgressLog
from training.run_folder import REPO_ROOT


def cli_env(mnist_dir: Path | None = None) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1")
    if mnist_dir is not None:
        env["MNIST_DIR"] = str(mnist_dir)
    return env


def training_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "training", *args]


def run_training_cli(*args: str, mnist_dir: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m training ARGS` to the end; without mnist_dir it must not need the data (a refusal, a bad flag)."""
    return subprocess.run(training_cli(*args), cwd=REPO_ROOT, env=cli_env(mnist_dir), capture_output=True, text=True, timeout=timeout)


def kinds(records: list[dict]) -> list[str]:
    return [record["kind"] for record in records]


def scalars(run_dir: Path, split: str, tag: str) -> dict[int, float]:
    """{step: value} of one curve, as TensorBoard reads the run's event files."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(run_dir / run_folder.TENSORBOARD_DIR / split))
    events.Reload()
    return {event.step: event.value for event in events.Scalars(tag)}


def saved_run(run_dir: Path, state: str, **status) -> Path:
    """A run folder as a tiny run leaves it before its first checkpoint: config, status, a start record."""
    config = preset("default", limit=600, epochs=1, units=16)
    run_folder.write_config(run_dir, "default", config.to_dict())
    run_folder.write_status(run_dir, state, **status)
    progress.ProgressLog(run_dir).write(progress.START, total_steps=5, epochs=1, config=config.to_dict())
    return run_dir


def made_run(root: Path, run_id: str, state: str, pid: int | None = None, records: list[dict] | None = None) -> Path:
    """A run folder in the runs root, in `state`, with a morvan config and the given progress records."""
    folder = root / run_id
    folder.mkdir(parents=True)
    run_folder.write_status(folder, state, pid=pid or 1, total_steps=100, step=40)
    (folder / run_folder.CONFIG_FILE).write_text(json.dumps({"preset": "morvan", "config": {"batch_size": 128}}))
    log = progress.ProgressLog(folder)
    for record in records or []:
        log.write(**record)
    return folder


def finished_run(runs: Path, run_id: str, model_bytes: bytes, accuracy: float = 0.91) -> Path:
    """A finished morvan run whose model is `model_bytes`, as the model list and the pages see it."""
    folder = runs / run_id
    folder.mkdir()
    (folder / run_folder.MODEL_FILE).write_bytes(model_bytes)
    (folder / run_folder.METADATA_FILE).write_text(
        json.dumps({"test_accuracy": accuracy, "wall_time_s": 75, "device": {"kind": "CPU", "threads": 2}})
    )
    (folder / run_folder.CONFIG_FILE).write_text(json.dumps({"preset": "morvan", "config": {}}))
    run_folder.write_status(folder, run_folder.DONE, pid=1, test_accuracy=accuracy)
    return folder


@contextmanager
def stand_in_process(folder: Path) -> Iterator[subprocess.Popen]:
    """A live process whose command line names the run folder, as a training process's does; ended on leaving."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", str(folder)])
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def temporaries_of_a_kill(folder: Path) -> list[Path]:
    """The partial files a process killed mid-write leaves, named as model/files.py's atomic_write names them."""
    names = [".model.k3x9a0b_.tmp.keras", ".checkpoint.a1b2c3d4.tmp.keras", ".model.report.zz00yy11.tmp.npz", ".status.q1w2e3r4.tmp.json"]
    for name in names:
        (folder / name).write_bytes(b"half a file")
    return [folder / name for name in names]


def a_finished_run(runs: Path) -> None:
    """A five-epoch run as the Train page finds it once it is done: its model, and progress records for its curves."""
    folder = finished_run(runs, "20260101-120000-morvan", DEFAULT_MODEL_PATH.read_bytes(), accuracy=0.9691)
    log = ProgressLog(folder)
    log.start(total_steps=200, epochs=5, train_samples=5400, validation_samples=600, device={"kind": "CPU", "threads": 2}, config={})
    for step in range(10, 201, 10):
        loss, accuracy = 2.3 * math.exp(-step / 50) + 0.1, 1 - 0.9 * math.exp(-step / 40)
        log.batch(step=step, total_steps=200, epoch=(step - 1) // 40 + 1, loss=loss, accuracy=accuracy, samples_per_s=900.0)
        if step % 40 == 0:
            log.epoch(epoch=step // 40, step=step, loss=loss, accuracy=accuracy, val_loss=loss + 0.05, val_accuracy=accuracy - 0.01)
    log.test(test_accuracy=0.9691, test_loss=0.11, wall_time_s=75, segment_s=75)
