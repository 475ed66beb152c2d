"""Train a row reader and fill its run folder.

run_training() is what `python -m training` calls, resume_training() what
`python -m training --resume` calls. Everything another process may read
(config, status, progress, checkpoint, model, metadata) is written so that a
reader never sees half of it, and a stop request ends the run after the
current batch with a checkpoint and its status recorded. A resumed run carries
on counting steps, epochs and training time where its checkpoint left off.
"""

import math
import os
import platform
import sys
import threading
import time
from dataclasses import dataclass
from importlib import metadata as package_metadata
from pathlib import Path

import keras
import numpy as np

from i18n import N_
from model.mnist import Mnist, MnistDataError, load_mnist
from model.network import build_model
from model.report import build_report, report_path, save_report
from model.storage import save_model
from model.weights import ReaderWeights
from training import progress, run_folder
from training.augment import augment
from training.canvas_style import canvas_copies
from training.devices import describe_device, distribution_scope
from training.presets import TrainConfig, held_out
from training.resume import CheckpointError, ResumePoint, check_resumable, load_checkpoint, saved_config, segment_seed
from training.run_log import disk_fault, disk_fault_words, note, say
from training.tensorboard_log import NoLog, TensorBoardLog, open_log

LOG_EVERY = 10  # batches between progress records: frequent enough for a live curve, cheap enough to ignore
CHECKPOINT_EVERY_S = 60  # at most one checkpoint a minute at epoch ends, plus on stop (bench/bench_training_parts.py)


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
    cut = len(x_train) - held_out(config, len(x_train))
    scale = np.float32(1 / 255)
    return Split(
        x_train[:cut] * scale, y_train[:cut].astype(np.int32),
        x_train[cut:] * scale, y_train[cut:].astype(np.int32),
        x_test * scale, y_test.astype(np.int32),
    )  # fmt: skip


class AugmentedBatches(keras.utils.PyDataset):
    """Shuffled batches of a fresh copy of the training images each epoch: warped when asked, and with a share of
    the digits swapped for their copies drawn as on a canvas (training/canvas_style.py)."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, batch_size: int, seed: int, warp: bool = True,
                 drawn: np.ndarray | None = None, drawn_share: float = 0.0):  # fmt: skip
        super().__init__()
        self.images, self.labels, self.batch_size = images, labels, batch_size
        self.warp, self.drawn, self.drawn_share = warp, drawn, drawn_share
        self.rng = np.random.default_rng(seed)
        self.on_epoch_end()

    def __len__(self) -> int:
        return math.ceil(len(self.images) / self.batch_size)

    def __getitem__(self, index: int):
        batch = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.epoch_images[batch], self.epoch_labels[batch]

    def on_epoch_end(self):
        order = self.rng.permutation(len(self.images))
        images = self.images[order]
        if self.drawn is not None:
            swap = self.rng.random(len(order)) < self.drawn_share
            images[swap] = self.drawn[order[swap]]
        self.epoch_images = augment(images, self.rng) if self.warp else images
        self.epoch_labels = self.labels[order]


class RunRecorder(keras.callbacks.Callback):
    """Progress records and TensorBoard scalars every few batches, checkpoints at epoch ends; stops when asked or the budget is spent."""

    def __init__(
        self,
        run_dir: Path,
        status: run_folder.RunStatus,
        total_steps: int,
        batch_size: int,
        stop_requested: threading.Event,
        scalars: TensorBoardLog | NoLog,
        start: ResumePoint,
        segment_started: float,
    ):
        super().__init__()
        self.run_dir, self.status, self.total_steps, self.batch_size = run_dir, status, total_steps, batch_size
        self.stop_requested, self.scalars = stop_requested, scalars
        self.log = progress.ProgressLog(run_dir)
        self.step = start.step  # optimizer steps taken, over resumes too
        self.epoch = start.epochs_done
        self.earlier_s = start.elapsed_s  # training time of the run's earlier processes, as their last checkpoint says
        self.segment_started = segment_started  # time.time() when this process began its share
        self.stopped_early = False

    def segment_s(self) -> float:
        """This process's share of the run's training time, to a tenth of a second."""
        return round(time.time() - self.segment_started, 1)

    def elapsed_s(self) -> float:
        """The run's training time over all its processes: what checkpoints and the model's metadata record."""
        return round(self.earlier_s + self.segment_s(), 1)

    def on_train_begin(self, logs=None):
        self.last_time, self.last_step = time.perf_counter(), self.step
        self.last_checkpoint = self.last_time

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch + 1
        self.window_start = (0, 0.0, 0.0)  # batches of this epoch already recorded, with their summed loss and accuracy

    def _window_means(self, batch: int, logs: dict) -> tuple[float, float]:
        """Loss and accuracy over the batches since the last record.

        Keras reports running means since the epoch began, which jump at every
        epoch start and hide how the latest batches do; a curve of those would
        show a sawtooth no one could explain to a class.
        """
        seen = batch + 1
        loss_sum, accuracy_sum = float(logs["loss"]) * seen, float(logs["accuracy"]) * seen
        start, start_loss, start_accuracy = self.window_start
        self.window_start = (seen, loss_sum, accuracy_sum)
        count = max(seen - start, 1)
        return (loss_sum - start_loss) / count, min(max((accuracy_sum - start_accuracy) / count, 0.0), 1.0)

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
            loss, accuracy = self._window_means(batch, logs)
            self.log.batch(
                step=self.step, total_steps=self.total_steps, epoch=self.epoch,
                loss=loss, accuracy=accuracy, samples_per_s=round(samples_per_s, 1),
            )  # fmt: skip
            self.scalars.add_scalar("train/loss", loss, self.step)
            self.scalars.add_scalar("train/accuracy", accuracy, self.step)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        record = {key: float(value) for key, value in logs.items() if key in ("loss", "accuracy", "val_loss", "val_accuracy")}
        self.log.epoch(epoch=epoch + 1, step=self.step, **record)
        accuracy, read = (record.get("val_accuracy"), "held-out") if "val_accuracy" in record else (record.get("accuracy"), "training")
        note(self.run_dir, f"Epoch {epoch + 1} ended at step {self.step:,} of {self.total_steps:,}"
             + (f": {accuracy:.1%} of the {read} digits read right" if accuracy is not None else ""))  # fmt: skip
        if "val_loss" in record:
            self.scalars.add_scalar("validation/loss", record["val_loss"], self.step)
            self.scalars.add_scalar("validation/accuracy", record["val_accuracy"], self.step)
        self.scalars.flush()  # a run killed later still leaves its curves so far
        due = time.perf_counter() - self.last_checkpoint >= CHECKPOINT_EVERY_S
        if due or self.model.stop_training or epoch + 1 == self.params.get("epochs"):
            self.save_checkpoint(epoch_complete=not self.stopped_early)
            self.last_checkpoint = time.perf_counter()

    def save_checkpoint(self, epoch_complete: bool):
        epochs_done = self.epoch if epoch_complete else self.epoch - 1
        metadata = {"epochs_done": epochs_done, "step": self.step, "elapsed_s": self.elapsed_s()}
        save_model(self.model, self.run_dir / run_folder.CHECKPOINT_FILE, metadata)
        self.status.write(run_folder.RUNNING, epoch=self.epoch, step=self.step)


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
    if config.lr_schedule == "cosine":  # with a warm-up, one cycle: a tenth of the peak, up to it, then down to 1%
        warmup_steps = int(config.warmup * total_steps)
        learning_rate = keras.optimizers.schedules.CosineDecay(
            config.learning_rate / 10 if warmup_steps else config.learning_rate, decay_steps=max(total_steps - warmup_steps, 1),
            alpha=0.01, warmup_target=config.learning_rate if warmup_steps else None, warmup_steps=warmup_steps,
        )  # fmt: skip
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, clipnorm=config.clipnorm)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])


def step_budget(config: TrainConfig, train_samples: int) -> tuple[int, int]:
    """(total optimizer steps, epochs): a sample budget, else whole epochs; the last epoch may be cut short."""
    steps_per_epoch = math.ceil(train_samples / config.batch_size)
    if config.samples:
        total_steps = math.ceil(config.samples / config.batch_size)
    else:
        total_steps = config.epochs * steps_per_epoch
    return total_steps, math.ceil(total_steps / steps_per_epoch)


def run_training(
    config: TrainConfig,
    run_dir: str | os.PathLike,
    data_dir: str | None = None,
    stop_requested: threading.Event | None = None,
    verbose: int = 2,
    preset_name: str | None = None,
) -> dict:
    """Train, test once on the held-back test set, save; returns the metadata written beside the model."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    run_folder.write_config(run_dir, preset_name, config.to_dict())
    status = run_folder.RunStatus(run_dir, started_at=time.time())
    return _run_segment(config, run_dir, data_dir, stop_requested, verbose, status, checkpoint=None)


def resume_training(
    run_dir: str | os.PathLike,
    data_dir: str | None = None,
    stop_requested: threading.Event | None = None,
    verbose: int = 2,
) -> dict:
    """Carry a cancelled or failed run on from its checkpoint, with the settings in its config.json.

    Raises ResumeRefused, leaving the folder as it was, when there is nothing
    to resume or the run is done or still training. Without a checkpoint (the
    run stopped before its first) training starts again from the beginning.
    """
    run_dir = Path(run_dir)
    preset_name, config = saved_config(run_dir)
    previous = check_resumable(run_dir)
    checkpoint = run_dir / run_folder.CHECKPOINT_FILE
    if not checkpoint.exists():
        say(run_dir, f"No checkpoint in {run_dir}: training starts again from the beginning.")
        return run_training(config, run_dir, data_dir, stop_requested, verbose, preset_name)
    now = time.time()
    started_at = previous.get("started_at")
    started_at = started_at if isinstance(started_at, int | float) else now  # the first segment's, if known
    status = run_folder.RunStatus(run_dir, started_at=started_at, resumed_at=now)
    return _run_segment(config, run_dir, data_dir, stop_requested, verbose, status, checkpoint)


def _run_segment(config, run_dir, data_dir, stop_requested, verbose, status: run_folder.RunStatus, checkpoint: Path | None) -> dict:
    """One process's share of a run: records a failure in status.json before passing it on."""
    stop_requested = stop_requested or threading.Event()
    run_folder.clear_stale_temporaries(run_dir)  # the folder is this process's now: what killed writers left is rubbish
    status.write(run_folder.RUNNING)
    try:
        return _train(config, run_dir, data_dir, stop_requested, verbose, status, checkpoint)
    except BaseException as error:
        status.write(run_folder.FAILED, message=failure_message(error))
        raise


def failure_message(error: BaseException) -> str:
    """What status.json says of a failure, which the Train page shows: our own errors are written for a person;
    others are named in plain words (a full or read-only disk too), and their traceback is left in train.log for whoever
    debugs the server."""
    if isinstance(error, KeyboardInterrupt):
        return N_("stopped by the user")
    if isinstance(error, CheckpointError | MnistDataError):
        return str(error)
    if isinstance(error, MemoryError):
        return N_("the machine ran out of memory: try a smaller batch, fewer units or fewer layers")
    fault = disk_fault(error)  # a disk that filled up, or stopped taking writes
    if fault is not None:
        return disk_fault_words(fault, "the run stopped", "resume it from its last checkpoint")
    return N_("the run stopped on an unexpected error; its whole log, on the server, says more to whoever looks after it")


def _train(config, run_dir, data_dir, stop_requested, verbose, status: run_folder.RunStatus, checkpoint: Path | None) -> dict:
    segment_started = time.time()
    device = describe_device()
    with distribution_scope(device):  # the model's variables must be made inside it
        model, start = load_checkpoint(checkpoint) if checkpoint else (None, ResumePoint())  # first: a bad one changes nothing
        seed = segment_seed(config.seed, start.step)
        keras.utils.set_random_seed(seed)
        mnist = load_mnist(data_dir)
        data = split_data(mnist, config)
        total_steps, epochs = step_budget(config, len(data.x_train))
        log = progress.ProgressLog(run_dir)
        if model is None:
            model = build_model(config.model)
            compile_model(model, config, total_steps)
            log.start(
                total_steps=total_steps, epochs=epochs, train_samples=len(data.x_train),
                validation_samples=len(data.x_val), device=device, config=config.to_dict(),
            )  # fmt: skip
        else:
            log.resume(
                step=start.step, total_steps=total_steps, epoch=start.epochs_done, epochs=epochs,
                elapsed_s=start.elapsed_s, device=device, config=config.to_dict(),
            )  # fmt: skip
        status.remember(device=device, total_steps=total_steps)
        status.write(run_folder.RUNNING, epoch=start.epochs_done, step=start.step)

        scalars = open_log(run_dir / run_folder.TENSORBOARD_DIR)
        recorder = RunRecorder(run_dir, status, total_steps, config.batch_size, stop_requested, scalars, start, segment_started)
        try:
            if recorder.step < total_steps:  # else the last segment died after its last step, before the test
                _fit(model, data, config, seed, recorder, start.epochs_done, epochs, verbose)
            if not recorder.stopped_early:
                test_loss, test_accuracy = model.evaluate(data.x_test, data.y_test, batch_size=1000, verbose=0)
                scalars.add_scalar("test/loss", test_loss, recorder.step)
                scalars.add_scalar("test/accuracy", test_accuracy, recorder.step)
        finally:
            scalars.close()

    if recorder.stopped_early:
        log.cancelled(step=recorder.step)
        status.write(run_folder.CANCELLED, step=recorder.step, message="stopped after the current batch")  # last: a resume may follow
        return {}
    segment_s = recorder.segment_s()
    wall_time = round(recorder.earlier_s + segment_s, 1)
    test = {"test_accuracy": float(test_accuracy), "test_loss": float(test_loss), "test_samples": len(data.x_test)}
    metadata = _model_metadata(config, test, epochs=epochs, steps=recorder.step, wall_time_s=wall_time, device=device, mnist=mnist)
    save_model(model, run_dir / run_folder.MODEL_FILE, metadata)
    write_report(model, run_dir / run_folder.MODEL_FILE, mnist, config, log)
    log.test(test_accuracy=float(test_accuracy), test_loss=float(test_loss), wall_time_s=wall_time, segment_s=segment_s)
    status.write(run_folder.DONE, step=recorder.step, test_accuracy=float(test_accuracy))
    return metadata


def _model_metadata(config: TrainConfig, test: dict, *, epochs: int, steps: int, wall_time_s: float, device: dict, mnist: Mnist) -> dict:
    """What model.json says of the model beside it: how it was trained, on what, and how well it reads the test set."""
    return {
        "config": config.to_dict(),
        **test,
        "epochs": epochs,
        "steps": steps,
        "wall_time_s": wall_time_s,
        "device": device,
        "data_source": mnist.source,
        "versions": library_versions(),
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_report(model, model_path: Path, mnist: Mnist, config: TrainConfig, log: progress.ProgressLog) -> None:
    """The Look-inside report, built here because the data is at hand (bench/bench_report.py times it).

    A report that cannot be built is logged and skipped: the model is already saved, and the
    page offers to build the report later.
    """
    started = time.time()
    x_test, y_test = mnist.x_test, mnist.y_test
    if config.limit:
        x_test, y_test = x_test[: config.limit], y_test[: config.limit]
    try:
        save_report(build_report(ReaderWeights.from_keras(model), x_test, y_test), report_path(model_path))
    except (ValueError, OSError) as error:  # UnsupportedModelError is a ValueError
        say(model_path.parent, f"no report for the Look inside page: {error}", to=sys.stderr)
        return
    log.report(seconds=round(time.time() - started, 1))


def _fit(model, data: Split, config: TrainConfig, seed: int, recorder: RunRecorder, initial_epoch: int, epochs: int, verbose: int):
    """Epochs initial_epoch+1 .. epochs; the recorder ends the run early when its step budget is spent."""
    if config.augment or config.drawn:
        drawn = None
        if config.drawn:
            say(recorder.run_dir, f"drawing {len(data.x_train):,} digits as on a canvas", to=sys.stderr)
            drawn = canvas_copies(data.x_train, config.seed, should_stop=recorder.stop_requested.is_set)
        inputs = dict(x=AugmentedBatches(data.x_train, data.y_train, config.batch_size, seed, config.augment, drawn, config.drawn))
    else:
        inputs = dict(x=data.x_train, y=data.y_train, batch_size=config.batch_size, shuffle=True)
    validation = (data.x_val, data.y_val) if len(data.x_val) else None
    model.fit(**inputs, initial_epoch=initial_epoch, epochs=epochs, validation_data=validation, callbacks=[recorder], verbose=verbose)
