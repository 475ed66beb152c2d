"""How long does the model report take? Seconds for the whole MNIST test set, and for its parts.

    MNIST_DIR=../shared/mnist python bench/bench_report.py [--repeats 3] [--model PATH]

Times model.report.build_report on all 10,000 test digits (goal: under 60 s on a 2-core machine),
then one pass that splits it into its parts: the x-ray replay, the per-class unit statistics and
peaks, the PCA fit and projection, and the rest (accuracy tables, driving digits, kept images);
then the PCA fitted on MAX_PROJECTION_STATES rows of h (as the report does) against all of them;
then saving and loading the .npz. Like `python -m model.report`, it uses one BLAS thread unless
OPENBLAS_NUM_THREADS says otherwise: on 2 shared cores, 2 threads were 2-3x slower whenever
anything else ran (the whole build went from 8 s to 15-27 s, stop 9). A training run builds its
model's report with the run's own threads. Timings only; no test depends on them.
"""

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before numpy is imported, as the CLI does
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from model.insight import (  # noqa: E402
    MAX_PROJECTION_STATES,
    balanced_choice,
    blank_probabilities,
    class_moments,
    confusion_matrix,
    driving_digits,
    first_ink_rows,
    fit_projection,
    known_by_rows,
)
from model.mnist import load_mnist  # noqa: E402
from model.report import (  # noqa: E402
    DRIVING_DIGITS,
    MAP_DIGITS_PER_CLASS,
    PROJECTION_DIGITS_PER_CLASS,
    build_report,
    read_report,
    save_report,
)
from model.storage import DEFAULT_MODEL_PATH, load_model  # noqa: E402
from model.xray import hidden_states, replay_batches  # noqa: E402


class Stopwatch:
    """Adds up the seconds spent in each named part."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._started = time.perf_counter()

    def lap(self, part: str) -> None:
        now = time.perf_counter()
        self.seconds[part] = self.seconds.get(part, 0.0) + now - self._started
        self._started = now


def time_parts(weights, images: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """The steps of build_report, in its order, each timed on its own."""
    watch = Stopwatch()
    pixels = images.astype(np.float32) / np.float32(255)
    projection_index = balanced_choice(labels, PROJECTION_DIGITS_PER_CLASS)
    keep_top = np.zeros(len(images), bool)
    keep_top[projection_index] = True
    step_probs, peaks, top_hidden = [], [], []
    watch.lap("other")
    batches = replay_batches(weights, pixels)
    for start, batch_probs, hidden in batches:
        watch.lap("replay")
        batch = slice(start, start + len(batch_probs))
        step_probs.append(batch_probs)
        top_hidden.append(hidden[-1][keep_top[batch]])
        peaks.append([layer_h.max(axis=1) for layer_h in hidden])
        for layer_h in hidden:
            class_moments(layer_h, labels[batch])
        watch.lap("unit statistics")
    step_probs = np.concatenate(step_probs)
    known_by_rows(step_probs, labels, first_ink_rows(images))
    blank_probabilities(weights)
    confusion_matrix(labels, step_probs[:, -1].argmax(axis=1))
    watch.lap("other")
    top_hidden = np.concatenate(top_hidden)
    projection = fit_projection(top_hidden)
    projection.project(top_hidden[balanced_choice(labels[projection_index], MAP_DIGITS_PER_CLASS)])
    watch.lap("PCA")
    for layer_peaks in zip(*peaks, strict=True):
        driving_digits(np.concatenate(layer_peaks), DRIVING_DIGITS)
    watch.lap("unit statistics")
    return watch.seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL_PATH, help="a .keras file (default: model/weights/default.keras)")
    parser.add_argument("--data-dir", help="folder with the MNIST IDX files (default: MNIST_DIR, then the Keras cache)")
    parser.add_argument("--repeats", type=int, default=3, help="timed build_report calls; the median is reported (default: 3)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be positive")

    started = time.perf_counter()
    weights = load_model(args.model).weights
    loaded_model = time.perf_counter() - started
    mnist = load_mnist(args.data_dir)
    images, labels = mnist.x_test, mnist.y_test
    layers = ", ".join(str(layer.units) for layer in weights.recurrent)
    print(f"model: {args.model} ({weights.cell} layers of {layers} units; loading it took {loaded_model:.1f} s)")
    print(f"data: {len(images)} test digits from {mnist.source}; numpy {np.__version__}, {os.cpu_count()} cores, "
          f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")  # fmt: skip

    builds = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        report = build_report(weights, images, labels)
        builds.append(time.perf_counter() - started)
    print(f"build_report: median {statistics.median(builds):.2f} s (min {min(builds):.2f}, max {max(builds):.2f}, over {args.repeats})")

    parts = time_parts(weights, images, labels)
    print("  parts, one pass: " + ", ".join(f"{part} {seconds:.2f} s" for part, seconds in parts.items()))
    top_hidden = hidden_states(weights, images[balanced_choice(labels, PROJECTION_DIGITS_PER_CLASS)] / np.float32(255))[-1]
    rows = top_hidden.shape[0] * top_hidden.shape[1]
    for limit in (MAX_PROJECTION_STATES, rows):
        started = time.perf_counter()
        fit_projection(top_hidden, max_states=limit)
        print(f"  PCA fitted on {min(limit, rows):,} of {rows:,} rows of h: {time.perf_counter() - started:.2f} s")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.report.npz"
        started = time.perf_counter()
        save_report(report, path)
        saved = time.perf_counter() - started
        started = time.perf_counter()
        read_report(path)
        read = time.perf_counter() - started
        print(f"save {saved:.2f} s, load {read:.2f} s, file {path.stat().st_size / 1e6:.2f} MB")
    print(f"test accuracy {report.test_accuracy:.4f}, {len(report.misread)} misread, {len(report.image_index)} images kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
