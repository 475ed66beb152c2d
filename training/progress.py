"""progress.jsonl: what a training process reports as it goes, and what the people watching it are shown.

One JSON object a line, each with its "kind" and "time" (seconds since the epoch):

    start      total_steps, epochs, train_samples, validation_samples, device, config: training begins from scratch
    resume     step, total_steps, epoch, epochs, elapsed_s, device, config: training carries on from the checkpoint
    batch      step, total_steps, epoch, loss, accuracy, samples_per_s: every few steps, means over the steps since the last
    epoch      epoch, step, loss, accuracy, and val_loss, val_accuracy when digits are held out
    cancelled  step: stopped on request, after a checkpoint
    report     seconds: the model's Look inside report is written
    test       test_accuracy, test_loss, wall_time_s, segment_s: the end; wall_time_s counts every process of the run,
               segment_s this one's share, so wall_time_s is the resume record's elapsed_s plus segment_s

ProgressLog writes them (its methods are the format), and summarise() and
training_curves() are the only readers that interpret them. The file grows by
whole lines, each written with one call and flushed, so a reader sees complete
records and at worst one half-written last line, which it skips. read_progress
also skips a record that is not what its kind's writer writes (RECORDS: a field
missing, "step": "long"), so that the readers may rely on every field they use.
"""

import json
import math
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from model import files

PROGRESS_FILE = "progress.jsonl"
START, RESUME, BATCH, EPOCH, CANCELLED, REPORT, TEST = "start", "resume", "batch", "epoch", "cancelled", "report", "test"
PACE_RECORDS = 6  # the time left is worked out from the pace over this many batch records


class ProgressLog:
    """Appends records to a run's progress file, one method per kind of record."""

    def __init__(self, run_dir: Path):
        self.path = Path(run_dir) / PROGRESS_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, kind: str, **fields) -> None:
        record = {"kind": kind, "time": round(time.time(), 3), **fields}
        line = json.dumps(record) + "\n"
        with files.open_to_append(self.path) as file:  # never through a link planted in the run folder
            file.write(line.encode())
            file.flush()
            os.fsync(file.fileno())

    def start(self, *, total_steps: int, epochs: int, train_samples: int, validation_samples: int, device: dict, config: dict) -> None:
        self.write(START, total_steps=total_steps, epochs=epochs, train_samples=train_samples,
                   validation_samples=validation_samples, device=device, config=config)  # fmt: skip

    def resume(self, *, step: int, total_steps: int, epoch: int, epochs: int, elapsed_s: float, device: dict, config: dict) -> None:
        self.write(
            RESUME, step=step, total_steps=total_steps, epoch=epoch, epochs=epochs, elapsed_s=elapsed_s, device=device, config=config
        )

    def batch(self, *, step: int, total_steps: int, epoch: int, loss: float, accuracy: float, samples_per_s: float) -> None:
        self.write(BATCH, step=step, total_steps=total_steps, epoch=epoch, loss=loss, accuracy=accuracy, samples_per_s=samples_per_s)

    def epoch(self, *, epoch: int, step: int, **metrics: float) -> None:
        """metrics: loss and accuracy, and val_loss and val_accuracy when digits are held out."""
        self.write(EPOCH, epoch=epoch, step=step, **metrics)

    def cancelled(self, *, step: int) -> None:
        self.write(CANCELLED, step=step)

    def report(self, *, seconds: float) -> None:
        self.write(REPORT, seconds=seconds)

    def test(self, *, test_accuracy: float, test_loss: float, wall_time_s: float, segment_s: float) -> None:
        self.write(TEST, test_accuracy=test_accuracy, test_loss=test_loss, wall_time_s=wall_time_s, segment_s=segment_s)


# --- what each kind of record must hold to be read: the fields its writer above always writes, of their types --------


def both_or_neither(names: tuple, shape: files.Shape) -> files.Shape:
    """A record's shape, with the fields `names` all present or all absent."""
    return replace(shape, accepts=lambda value: shape.accepts(value) and len({name in value for name in names}) == 1)


STEP, COUNT, SECONDS, MEASURE = files.whole(0, 10**12), files.whole(1, 10**12), files.number(0, 10**9), files.MEASUREMENT
TIME, START_CONFIG = files.MOMENT, files.record(batch_size=COUNT)
# fmt: off
RECORDS = {
    START: files.record(("time",), time=TIME, total_steps=COUNT, epochs=COUNT, train_samples=COUNT, config=START_CONFIG),
    RESUME: files.record(("time", "step"), time=TIME, step=STEP, total_steps=COUNT, epoch=STEP, epochs=COUNT, config=START_CONFIG),
    BATCH: files.record(("time", "step", "loss", "accuracy"), time=TIME, step=STEP, total_steps=COUNT, epoch=STEP, loss=MEASURE,
                        accuracy=MEASURE, samples_per_s=files.number(0, 10**12)),
    EPOCH: both_or_neither(("val_loss", "val_accuracy"), files.record(("time", "step"), time=TIME, step=STEP, epoch=STEP,
                           loss=MEASURE, accuracy=MEASURE, val_loss=MEASURE, val_accuracy=MEASURE)),
    CANCELLED: files.record(("time",), time=TIME, step=STEP),
    REPORT: files.record(("time",), time=TIME, seconds=SECONDS),
    TEST: files.record(("time", "test_accuracy", "test_loss"), time=TIME, test_accuracy=MEASURE, test_loss=MEASURE,
                       wall_time_s=SECONDS, segment_s=SECONDS),
}
# fmt: on


def well_formed(record) -> bool:
    """Whether a record is one its kind's writer could have written, so that the readers below may rely on its fields."""
    kind = record.get("kind") if isinstance(record, dict) else None
    return isinstance(kind, str) and kind in RECORDS and files.shape_problem(record, RECORDS[kind]) is None


def read_progress(run_dir: Path) -> list[dict]:
    """All complete, well-formed records; a truncated, garbled or malformed line is skipped, not fatal."""
    path = Path(run_dir) / PROGRESS_FILE
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:  # missing, or not a file
        return []
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):  # not JSON, a number of thousands of digits, nesting too deep
            continue
        if well_formed(record):
            records.append(record)
    return records


def current_records(records: list[dict]) -> list[dict]:
    """The records of the training that led to the weights now in the folder.

    A resume goes back to the checkpoint's step, so records a dead process wrote
    after its last checkpoint are dropped; a start from scratch drops all before it.
    """
    kept: list[dict] = []
    for record in records:
        kind = record.get("kind")
        if kind == START:
            kept = []
        elif kind == RESUME:
            kept = [r for r in kept if r.get("kind") == START or r.get("step", 0) <= record.get("step", 0)]
        kept.append(record)
    return kept


def _of_kind(records: list[dict], kind: str) -> list[dict]:
    return [record for record in records if record.get("kind") == kind]


# --- what the people watching are shown ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunProgress:
    """Where a run is, for a progress bar: step, epoch, speed and the time left."""

    step: int
    total_steps: int | None
    epoch: int
    epochs: int | None
    samples_per_s: float | None
    eta_s: float | None  # at the recent pace; None until there is a pace

    @property
    def fraction(self) -> float:
        return min(self.step / self.total_steps, 1.0) if self.total_steps else 0.0


def summarise(records: list[dict]) -> RunProgress:
    start = next((r for r in reversed(records) if r.get("kind") in (START, RESUME)), {})
    batches = [r for r in _of_kind(records, BATCH) if r.get("time", 0) >= start.get("time", 0)]
    total = start.get("total_steps")
    last = batches[-1] if batches else {}
    step = last.get("step", start.get("step", 0))
    remaining = (total - step) if total else None
    recent = batches[-PACE_RECORDS:]  # the wall-clock pace over the last few records includes validation and checkpoints
    span = recent[-1]["time"] - recent[0]["time"] if len(recent) >= 2 else 0.0
    batch_size = (start.get("config") or {}).get("batch_size")
    eta = None
    if remaining is not None and span >= 1.0 and recent[-1]["step"] > recent[0]["step"]:
        eta = remaining * span / (recent[-1]["step"] - recent[0]["step"])
    elif remaining is not None and batch_size and last.get("samples_per_s"):
        eta = remaining * batch_size / last["samples_per_s"]
    return RunProgress(step, total, last.get("epoch", start.get("epoch", 0)), start.get("epochs"), last.get("samples_per_s"), eta)


@dataclass(frozen=True)
class Curve:
    """One curve of loss and accuracy; x counts epochs, passes over the training digits, fractions included."""

    epochs: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class TrainingCurves:
    batches: Curve  # the batches it learns from, every few steps
    validation: Curve  # the held-out digits, after every epoch
    test: Curve  # the test set, once at the end (empty before)


def training_curves(records: list[dict]) -> TrainingCurves:
    """The curves of a run's current records (see current_records)."""
    start = next(iter(_of_kind(records, START)), {})
    batch_size = (start.get("config") or {}).get("batch_size")
    samples = start.get("train_samples")
    steps_per_epoch = math.ceil(samples / batch_size) if samples and batch_size else 1  # the last batch of an epoch may be short

    def curve(points: list[dict], loss: str, accuracy: str) -> Curve:
        return Curve([p["step"] / steps_per_epoch for p in points], [p[loss] for p in points], [p[accuracy] for p in points])

    batches = _of_kind(records, BATCH)
    validation = [r for r in _of_kind(records, EPOCH) if "val_loss" in r]
    test = _of_kind(records, TEST)[-1:]
    last_step = batches[-1]["step"] if batches else 0
    return TrainingCurves(
        batches=curve(batches, "loss", "accuracy"),
        validation=curve(validation, "val_loss", "val_accuracy"),
        test=curve([{**record, "step": last_step} for record in test], "test_loss", "test_accuracy"),
    )
