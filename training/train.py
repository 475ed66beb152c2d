"""Train a row reader and fill its run folder.

run_training() is what `python -m training` calls. Everything another
process may read (status, progress, checkpoint, model, metadata) is written
so that a reader never sees half of it, and a stop request ends the run
after the current batch with a checkpoint and its status recorded.
"""

import math
import os
import platform
import threading
import time
from dataclasses import dataclass
from importlib import metadata as package_metadata
from pathlib import Path

import keras
import numpy as np

from model.network import build_model
from model.storage import save_model
from training import progress
from training.augment import augment
from training.data import Mnist, load_mnist
from training.devices import describe_device
from training.presets import TrainConfig

LOG_EVERY = 10  # batches between progress records: frequent enough for a live curve, cheap enough to ignore
CHECKPOINT_EVERY_S = 60  # at most one checkpoint a minute at epoch ends (plus on stop): saving costs about a second


@dataclass(frozen=True)
class Split:
    x_train: np.ndarray  # (n, 28, 28) float32 in [0, 1]
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def split_data(mnist: Mnist, config: TrainConfig) -> Split:
    """Hold the last validation_size training images out, as the tutorials' 55,000/5,000 split."""
    x_train, y_train, x_test, y_test = mnist.x_train, mnist.y_train, mnist.x_test, mnist.y_test
    if config.limit:
        x_train, y_train = x_train[: config.limit], y_train[: config.limit]
        x_test, y_test = x_test[: config.limit], y_test[: config.limit]
    validation_size = min(config.validation_size, len(x_train) // 10)  # small sets keep 90% to train on
    cut = len(x_train) - validation_size
    scale = np.float32(1 / 255)
    return Split(
        x_train[:cut] * scale, y_train[:cut].astype(np.int32),
        x_train[cut:] * scale, y_train[cut:].astype(np.int32),
        x_test * scale, y_test.astype(np.int32),
    )  # fmt: skip


class AugmentedBatches(keras.utils.PyDataset):
    """Shuffled batches of a freshly augmented copy of the training images each epoch."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int, seed: int):
        super().__init__()
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self) -> int:
        return math.ceil(len(self.images) / self.batch_size)

    def __getitem__(self, index: int):
        batch = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.epoch_images[batch], self.epoch_labels[batch]

    def on_epoch_end(self):
        order = self.rng.permutation(len(self.images))
        self.epoch_images = augment(self.images[order], self.rng)
        self.epoch_labels = self.labels[order]


class RunRecorder(keras.callbacks.Callback):
    """Writes progress every few batches and a checkpoint every epoch; stops when asked or when the budget is spent."""

    def __init__(
        self, run_dir: Path, status: progress.RunStatus, total_steps: int, batch_size: int, stop_requested: threading.Event, step: int = 0
    ):
        super().__init__()
        self.run_dir, self.status, self.total_steps, self.batch_size = run_dir, status, total_steps, batch_size
        self.stop_requested = stop_requested
        self.log = progress.ProgressLog(run_dir)
        self.step = step  # optimizer steps taken, over resumes too
        self.epoch = 0
        self.stopped_early = False

    def on_train_begin(self, logs=None):
        self.last_time, self.last_step = time.perf_counter(), self.step
        self.last_checkpoint = self.last_time

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        finished = self.step >= self.total_steps
        if self.stop_requested.is_set() or finished:
            self.model.stop_training = True
            self.stopped_early = not finished
        if self.step % LOG_EVERY == 0 or self.model.stop_training:
            now = time.perf_counter()
            samples_per_s = (self.step - self.last_step) * self.batch_size / max(now - self.last_time, 1e-9)
            self.last_time, self.last_step = now, self.step
            self.log.write(
                "batch", step=self.step, total_steps=self.total_steps, epoch=self.epoch,
                loss=float(logs["loss"]), accuracy=float(logs["accuracy"]), samples_per_s=round(samples_per_s, 1),
            )  # fmt: skip

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        record = {key: float(value) for key, value in logs.items() if key in ("loss", "accuracy", "val_loss", "val_accuracy")}
        self.log.write("epoch", epoch=epoch + 1, step=self.step, **record)
        due = time.perf_counter() - self.last_checkpoint >= CHECKPOINT_EVERY_S
        if due or self.model.stop_training or epoch + 1 == self.params.get("epochs"):
            self.save_checkpoint(epoch_complete=not self.stopped_early)
            self.last_checkpoint = time.perf_counter()

    def save_checkpoint(self, epoch_complete: bool):
        epochs_done = self.epoch if epoch_complete else self.epoch - 1
        save_model(self.model, self.run_dir / progress.CHECKPOINT_FILE, {"epochs_done": epochs_done, "step": self.step})
        self.status.write(progress.RUNNING, epoch=self.epoch, step=self.step)


def library_versions() -> dict:
    versions = {"python": platform.python_version(), "keras_backend": keras.backend.backend()}
    for name in ("keras", "numpy", "tensorflow", "jax", "jaxlib"):
        try:
            versions[name] = package_metadata.version(name)
        except package_metadata.PackageNotFoundError:
            pass
    return versions


def compile_model(model: keras.Model, config: TrainConfig, total_steps: int) -> None:
    learning_rate = config.learning_rate
    if config.lr_schedule == "cosine":
        learning_rate = keras.optimizers.schedules.CosineDecay(config.learning_rate, decay_steps=total_steps, alpha=0.01)
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=config.clipnorm)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def run_training(
    config: TrainConfig,
    run_dir: str | os.PathLike,
    data_dir: str | None = None,
    stop_requested: threading.Event | None = None,
    verbose: int = 2,
) -> dict:
    """Train, test once on the held-back test set, save; returns the metadata written beside the model."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    stop_requested = stop_requested or threading.Event()
    started = time.time()
    status = progress.RunStatus(run_dir, started_at=started)
    status.write(progress.RUNNING)
    try:
        return _train(config, run_dir, data_dir, stop_requested, verbose, status)
    except BaseException as error:
        message = "stopped by the user" if isinstance(error, KeyboardInterrupt) else f"{type(error).__name__}: {error}"
        status.write(progress.FAILED, message=message)
        raise


def _train(config, run_dir, data_dir, stop_requested, verbose, status: progress.RunStatus) -> dict:
    keras.utils.set_random_seed(config.seed)
    device = describe_device()
    mnist = load_mnist(data_dir)
    data = split_data(mnist, config)
    steps_per_epoch = math.ceil(len(data.x_train) / config.batch_size)
    if config.samples:
        total_steps = math.ceil(config.samples / config.batch_size)
    else:
        total_steps = config.epochs * steps_per_epoch
    epochs = math.ceil(total_steps / steps_per_epoch)

    model = build_model(config.model)
    compile_model(model, config, total_steps)
    log = progress.ProgressLog(run_dir)
    log.write(
        "start", total_steps=total_steps, epochs=epochs, train_samples=len(data.x_train),
        validation_samples=len(data.x_val), device=device, config=config.to_dict(),
    )  # fmt: skip
    status.remember(device=device, total_steps=total_steps)
    status.write(progress.RUNNING, epoch=0, step=0)
    recorder = RunRecorder(run_dir, status, total_steps, config.batch_size, stop_requested)
    if config.augment:
        inputs = dict(x=AugmentedBatches(data.x_train, data.y_train, config.batch_size, config.seed))
    else:
        inputs = dict(x=data.x_train, y=data.y_train, batch_size=config.batch_size, shuffle=True)
    validation = (data.x_val, data.y_val) if len(data.x_val) else None
    model.fit(**inputs, epochs=epochs, validation_data=validation, callbacks=[recorder], verbose=verbose)

    if recorder.stopped_early:
        status.write(progress.CANCELLED, step=recorder.step, message="stopped after the current batch")
        log.write("cancelled", step=recorder.step)
        return {}

    test_loss, test_accuracy = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)
    wall_time = time.time() - status.known["started_at"]
    metadata = {
        "config": config.to_dict(),
        "test_accuracy": float(test_accuracy),
        "test_loss": float(test_loss),
        "test_samples": len(data.x_test),
        "epochs": epochs,
        "steps": recorder.step,
        "wall_time_s": round(wall_time, 1),
        "device": device,
        "data_source": mnist.source,
        "versions": library_versions(),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    save_model(model, run_dir / progress.MODEL_FILE, metadata)
    log.write("test", test_accuracy=float(test_accuracy), test_loss=float(test_loss), wall_time_s=round(wall_time, 1))
    status.write(progress.DONE, step=recorder.step, test_accuracy=float(test_accuracy))
    return metadata
