"""How long a run will take on this machine, said before Start.

A run's time is its training digits over the pace at which this machine trains that model at that batch size,
plus what a run spends beside training: starting, loading MNIST, evaluating, and building the model's report.
The pace comes from the newest run of the same model done here in one go, else from a short probe of the
training device with that model (`python -m training.pace`, asked by the run manager, so that the server never
imports Keras). The work of a digit is no guide across models: on a CPU, two layers of 128 train at a third of
the pace of one, not half. Nor is the cell's count of weights: on 2 busy CPU cores (bench/bench_training.py --cells,
three runs) a GRU trained at 0.66 to 0.98 of the LSTM's pace, never faster, and a plain RNN at 2.4 to 4.2 times it;
so the cell is part of the model whose run or probe gives the pace.
"""

import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, replace

from model.config import NUM_CLASSES, ROW_WIDTH, ROWS
from model.files import finite_number
from training import progress
from training.presets import TrainConfig, digits_per_epoch
from training.run_folder import DONE
from training.runs import Run

MIN_RECORDS = 10  # progress records a run needs before its pace is trusted (a smoke run of 200 digits has two)
BESIDE_TRAINING_S = 17.0  # start, data, evaluation and report when no run here measured them (lesson runs, 2 CPU cores)
AUGMENT_S_PER_DIGIT = 0.17e-3  # warping a digit beside training (the lesson recipe: 88 s with it, 60 s without)
DRAW_CPU_S_PER_DIGIT = 0.01  # drawing a digit as on a canvas, before training, per core (default: 55,000 in 300 s on 2)
PROBE_BATCHES, PROBE_S = 30, 3.0  # the probe times this many batches, or fewer if they take longer than this


@dataclass(frozen=True)
class Pace:
    digits_per_s: float
    beside_training_s: float
    basis: str  # in words, for the page: where the figure comes from
    augmented: bool = False  # measured while digits were warped as well
    drew: bool = False  # measured by a run that drew its digits as on a canvas: beside_training_s holds that time
    measured_at: float | None = None  # when the run it was measured from started (a page says it in its language); None: a probe


def digits_trained(config: TrainConfig) -> int:
    return config.samples if config.samples else digits_per_epoch(config) * config.epochs


def estimate_s(config: TrainConfig, pace: Pace) -> float:
    """Seconds from Start to a finished model with its report."""
    augmenting = AUGMENT_S_PER_DIGIT if config.augment and not pace.augmented else 0.0
    drawing = DRAW_CPU_S_PER_DIGIT * digits_per_epoch(config) / (os.cpu_count() or 1) if config.drawn and not pace.drew else 0.0
    return pace.beside_training_s + drawing + digits_trained(config) * (1 / pace.digits_per_s + augmenting)


def pace_of_run(config: TrainConfig, batch_records: list[dict], wall_s: float | None, when: str) -> Pace | None:
    """The pace a finished run kept: the median digits per second of its progress records after its first fifth
    (tracing and compiling come first), and the rest of its wall time."""
    rates = [record["samples_per_s"] for record in batch_records if _positive(record.get("samples_per_s"))]
    if len(rates) < MIN_RECORDS:
        return None
    digits_per_s = statistics.median(rates[len(rates) // 5 :])
    training_s = digits_trained(config) / digits_per_s
    beside = wall_s - training_s if _positive(wall_s) and wall_s > training_s else BESIDE_TRAINING_S
    return Pace(digits_per_s, beside, f"the run of {when}, which trained this model here", config.augment, bool(config.drawn))


def measured_pace(runs: list[Run], config: TrainConfig) -> Pace | None:
    """The pace of the newest run of this model, batch size, augmentation and drawing that finished here in one go (a resumed
    run's wall time holds its pause)."""
    for run in runs:
        if run.state != DONE or run.problem or run.status.get("resumed_at") or not _positive(run.started_at):
            continue
        try:
            ran = TrainConfig.from_dict(run.config)
        except ValueError:
            continue
        if _work(ran) != _work(config):
            continue
        batches = [record for record in run.progress() if record.get("kind") == progress.BATCH]
        finished = run.status.get("updated_at")
        wall_s = finished - run.started_at if _positive(finished) else None
        pace = pace_of_run(ran, batches, wall_s, time.strftime("%d %b, %H:%M", time.localtime(run.started_at)))
        if pace is not None:
            return replace(pace, measured_at=run.started_at)
    return None


def _work(config: TrainConfig) -> tuple:
    """What sets a run's pace: the network (its cell too), the batch size, and whether digits are warped and drawn."""
    return config.model, config.batch_size, config.augment, bool(config.drawn)


def probed_pace(answer: dict) -> Pace | None:
    """The probe's answer as a Pace, or None if it has none."""
    digits_per_s = answer.get("digits_per_s")
    if not _positive(digits_per_s):
        return None
    return Pace(digits_per_s, BESIDE_TRAINING_S, "a short test of this model on this machine")


def probe(config: TrainConfig) -> dict:
    """This machine's pace for one model and batch size: batches of random digits, after one to trace and compile."""
    import numpy as np

    from training.devices import prepare_environment

    prepare_environment()
    from model.network import build_model
    from training.train import compile_model

    model = build_model(config.model)
    compile_model(model, config, total_steps=PROBE_BATCHES + 1)
    rng = np.random.default_rng(0)
    images = rng.random((config.batch_size, ROWS, ROW_WIDTH), dtype=np.float32)
    labels = rng.integers(0, NUM_CLASSES, config.batch_size)
    model.train_on_batch(images, labels)
    started, batches = time.perf_counter(), 0
    while batches < PROBE_BATCHES and (batches < 3 or time.perf_counter() - started < PROBE_S):
        model.train_on_batch(images, labels)
        batches += 1
    return {"digits_per_s": batches * config.batch_size / (time.perf_counter() - started)}


def _positive(value) -> bool:
    return finite_number(value) and value > 0


if __name__ == "__main__":  # `python -m training.pace '<TrainConfig as JSON>'`: that model's pace here, as JSON
    print(json.dumps(probe(TrainConfig.from_dict(json.loads(sys.argv[1])))))
