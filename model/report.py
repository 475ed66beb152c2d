"""The model report: how a trained reader does on the whole MNIST test set, computed once and kept beside it.

    python -m model.report                                   # the shipped model; MNIST from MNIST_DIR or the Keras cache
    python -m model.report --model runs/x/model.keras --data-dir ../shared/mnist

For a model X.keras the report is X.report.npz: accuracy, confusion matrix and misread digits,
how early each digit is known (never from blank rows), its guesses on a blank picture, a 2-D map
of the top layer's states, and every unit's activity per class, with the few test images the page
shows. So the "Look inside" page opens instantly, and also on a machine without MNIST. It records
a fingerprint of the weights it was computed from: a model retrained in place makes its report
stale, and load_report then returns None.
"""

import argparse
import os
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

if __name__ == "__main__":
    # The CLI reads with one BLAS thread: on 2 shared cores, two threads wait on each other whenever
    # another process is busy (bench/bench_report.py). Set before numpy loads.
    for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402

from model.config import NUM_CLASSES, ROW_WIDTH, ROWS  # noqa: E402
from model.files import atomic_write  # noqa: E402
from model.insight import (  # noqa: E402
    StateProjection,
    balanced_choice,
    blank_probabilities,
    class_accuracy,
    class_moments,
    confusion_matrix,
    driving_digits,
    first_ink_rows,
    fit_projection,
    known_by_rows,
    mean_and_std,
)
from model.weights import ReaderWeights, weights_fingerprint  # noqa: E402
from model.xray import replay_batches  # noqa: E402

REPORT_VERSION = 2  # bump when the keys or their meaning change: older files are then rebuilt, never misread
PROJECTION_DIGITS_PER_CLASS = 200  # the PCA sees 2,000 digits' states after every row (20,000 of the 56,000)
MAP_DIGITS_PER_CLASS = 50  # 500 paths on the hidden-state map: clusters show, and the browser still draws it quickly
DRIVING_DIGITS = 6  # per unit, for the unit inspector


class ReportError(ValueError):
    """A report file could not be used; the message says which file and why."""


@dataclass(frozen=True)
class ModelReport:
    """Everything the "Look inside" page shows about one model, as numpy arrays."""

    fingerprint: str  # weights_fingerprint of the model it describes
    labels: np.ndarray  # (n,) uint8: the true digit of each test image
    predicted: np.ndarray  # (n,) uint8: the answer after all 28 rows
    confidence: np.ndarray  # (n,) float32: the probability of that answer
    confusion: np.ndarray  # (10, 10) int64: row = true digit, column = answer
    known_by_rows: np.ndarray  # (28,) float32: share of digits known after k = 1..28 rows (insight.known_by_rows)
    class_known_by_rows: np.ndarray  # (10, 28) float32: the same per true digit
    blank_probs: np.ndarray  # (28, 10) float32: the probabilities after each row of an all-blank picture, its guesses before reading
    projection: StateProjection  # PCA of the top layer's h
    map_index: np.ndarray  # (m,) int32: test indices of the digits on the hidden-state map, balanced over classes
    map_paths: np.ndarray  # (m, 28, 2) float32: their top-layer h after each row, projected
    unit_mean: np.ndarray  # (layers, 10, 28, units) float16: mean h per true digit and row
    unit_std: np.ndarray  # (layers, 10, 28, units) float16: its standard deviation
    driving_index: np.ndarray  # (layers, units, 6) int32: test digits with the highest h of each unit, highest first
    image_index: np.ndarray  # (k,) int32, sorted: the test digits whose images are kept (misread, map, driving)
    images: np.ndarray  # (k, 28, 28) uint8: those images, MNIST style

    @property
    def test_accuracy(self) -> float:
        return float((self.labels == self.predicted).mean())

    @property
    def class_accuracy(self) -> np.ndarray:
        """(10,) share of each digit read correctly."""
        return class_accuracy(self.confusion)

    @property
    def misread(self) -> np.ndarray:
        """Test indices of the digits the model gets wrong."""
        return np.flatnonzero(self.labels != self.predicted)

    def image(self, index: int) -> np.ndarray | None:
        """Test digit `index` as (28, 28) float32 ink in [0, 1], as the reading view takes it; None if not kept."""
        position = np.searchsorted(self.image_index, index)
        if position == len(self.image_index) or self.image_index[position] != index:
            return None
        return self.images[position].astype(np.float32) / 255.0


def report_path(model_path: str | Path) -> Path:
    """X.keras -> X.report.npz, beside the model and its X.json."""
    return Path(model_path).with_suffix(".report.npz")


def build_report(weights: ReaderWeights, images: np.ndarray, labels: np.ndarray) -> ModelReport:
    """Read every test image once, in batches, keeping running sums rather than every state, and summarise.

    images (n, 28, 28) uint8 as MNIST stores them, labels (n,).
    """
    images, labels = np.asarray(images), np.asarray(labels).astype(np.uint8)
    if images.dtype != np.uint8 or images.shape[1:] != (ROWS, ROW_WIDTH) or len(images) != len(labels) or not len(images):
        raise ValueError(f"expected n>0 uint8 images of {ROWS}x{ROW_WIDTH} and n labels, got {images.dtype} {images.shape}, {labels.shape}")
    if len({layer.units for layer in weights.recurrent}) != 1:
        raise ValueError("the report needs recurrent layers of one size")
    projection_index = balanced_choice(labels, PROJECTION_DIGITS_PER_CLASS)
    keep_top = np.zeros(len(images), bool)
    keep_top[projection_index] = True

    step_probs, peaks, top_hidden = [], [], []  # one entry per batch
    moments = [(0.0, 0.0, 0.0)] * len(weights.recurrent)  # per layer: running (counts, sums, squares) of h per class
    for start, batch_probs, hidden in replay_batches(weights, images.astype(np.float32) / np.float32(255)):
        batch = slice(start, start + len(batch_probs))
        step_probs.append(batch_probs)
        peaks.append([layer_h.max(axis=1) for layer_h in hidden])  # (batch, units) per layer
        top_hidden.append(hidden[-1][keep_top[batch]])
        for layer, layer_h in enumerate(hidden):
            moments[layer] = tuple(total + part for total, part in zip(moments[layer], class_moments(layer_h, labels[batch]), strict=True))
    step_probs = np.concatenate(step_probs)  # (n, 28, 10)
    top_hidden = np.concatenate(top_hidden)  # (len(projection_index), 28, units), in projection_index order

    predicted = step_probs[:, -1].argmax(axis=1).astype(np.uint8)
    overall_known, class_known = known_by_rows(step_probs, labels, first_ink_rows(images))
    projection = fit_projection(top_hidden)
    on_map = balanced_choice(labels[projection_index], MAP_DIGITS_PER_CLASS)  # positions within projection_index
    map_index = projection_index[on_map]
    unit_stats = [mean_and_std(*layer_moments) for layer_moments in moments]
    driving_index = np.stack([driving_digits(np.concatenate(layer_peaks), DRIVING_DIGITS) for layer_peaks in zip(*peaks, strict=True)])
    misread = np.flatnonzero(predicted != labels)
    image_index = np.unique(np.concatenate([misread, map_index, driving_index.ravel()]))
    return ModelReport(
        fingerprint=weights_fingerprint(weights),
        labels=labels,
        predicted=predicted,
        confidence=step_probs[:, -1].max(axis=1).astype(np.float32),
        confusion=confusion_matrix(labels, predicted),
        known_by_rows=overall_known.astype(np.float32),
        class_known_by_rows=class_known.astype(np.float32),
        blank_probs=blank_probabilities(weights).astype(np.float32),
        projection=projection,
        map_index=map_index.astype(np.int32),
        map_paths=projection.project(top_hidden[on_map]),
        unit_mean=np.stack([mean for mean, _ in unit_stats]).astype(np.float16),
        unit_std=np.stack([std for _, std in unit_stats]).astype(np.float16),
        driving_index=driving_index.astype(np.int32),
        image_index=image_index.astype(np.int32),
        images=images[image_index],
    )


PROJECTION_KEYS = {"projection_mean": "mean", "projection_components": "components", "projection_explained": "explained"}


def save_report(report: ModelReport, path: str | Path) -> None:
    """One compressed .npz, written atomically: the app may be reading the old one."""
    arrays = {field.name: getattr(report, field.name) for field in fields(report) if field.name != "projection"}
    arrays |= {key: getattr(report.projection, name) for key, name in PROJECTION_KEYS.items()}
    arrays |= {"format_version": np.int64(REPORT_VERSION), "fingerprint": np.str_(report.fingerprint)}

    def write(temporary: Path) -> None:
        with open(temporary, "wb") as out:  # a file object: given a name, numpy would add its own .npz
            np.savez_compressed(out, **arrays)

    atomic_write(path, write)


def read_report(path: str | Path) -> ModelReport:
    """Load a report, or raise ReportError saying what is wrong with the file."""
    path = Path(path)
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):  # a lone .npy array has no keys and no close()
            raise ValueError("a single array, not an archive")
        with loaded as archive:
            arrays = {key: archive[key] for key in archive.files}
    except FileNotFoundError:
        raise ReportError(f"{path}: no report file") from None
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, zlib.error) as error:
        raise ReportError(f"{path}: not a readable report ({type(error).__name__}: {error})") from None
    version = arrays.get("format_version")
    if version is None or version.shape != () or version.dtype.kind not in "iu" or int(version) != REPORT_VERSION:
        raise ReportError(f"{path}: report format {version}, this code reads {REPORT_VERSION}; rebuild it with python -m model.report")
    names = [field.name for field in fields(ModelReport) if field.name != "projection"]
    missing = [key for key in [*names, *PROJECTION_KEYS] if key not in arrays]
    if missing:
        raise ReportError(f"{path}: report lacks {', '.join(missing)}")
    projection = StateProjection(**{name: arrays[key] for key, name in PROJECTION_KEYS.items()})
    report = ModelReport(projection=projection, **{name: arrays[name] for name in names} | {"fingerprint": str(arrays["fingerprint"])})
    _check_shapes(report, path)
    return report


def _check_shapes(report: ModelReport, path: Path) -> None:
    """Refuse a file whose arrays do not fit together, rather than fail later inside a chart."""
    n, layers, units = len(report.labels), report.unit_mean.shape[0], report.projection.mean.shape[-1]
    expected = {
        "labels": (n,),
        "predicted": (n,),
        "confidence": (n,),
        "confusion": (NUM_CLASSES, NUM_CLASSES),
        "known_by_rows": (ROWS,),
        "class_known_by_rows": (NUM_CLASSES, ROWS),
        "blank_probs": (ROWS, NUM_CLASSES),
        "map_paths": (len(report.map_index), ROWS, 2),
        "unit_mean": (layers, NUM_CLASSES, ROWS, units),
        "unit_std": (layers, NUM_CLASSES, ROWS, units),
        "driving_index": (layers, units, DRIVING_DIGITS),
        "images": (len(report.image_index), ROWS, ROW_WIDTH),
    }
    shapes = {name: getattr(report, name).shape for name in expected}
    wrong = [f"{name} is {shapes[name]}, expected {shape}" for name, shape in expected.items() if shapes[name] != shape]
    if report.projection.components.shape != (2, units):
        wrong.append(f"projection_components is {report.projection.components.shape}, expected {(2, units)}")
    if wrong:
        raise ReportError(f"{path}: inconsistent report ({'; '.join(wrong)})")


def load_report(model_path: str | Path, weights: ReaderWeights) -> ModelReport | None:
    """The report beside a model, or None if there is none, it is unreadable, or it describes other weights."""
    try:
        report = read_report(report_path(model_path))
    except ReportError:
        return None
    return report if report.fingerprint == weights_fingerprint(weights) else None


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from model.mnist import MnistDataError, load_mnist
    from model.storage import DEFAULT_MODEL_PATH, ModelLoadError, load_model

    parser = argparse.ArgumentParser(prog="python -m model.report", description="Build the report of a model on the MNIST test set.")
    parser.add_argument("--model", default=str(DEFAULT_MODEL_PATH), help="a .keras file (default: the shipped model/weights/default.keras)")
    parser.add_argument("--data-dir", help="folder with the MNIST IDX files (default: MNIST_DIR, then the Keras cache)")
    parser.add_argument("--out", help="where to write the report (default: beside the model, X.keras -> X.report.npz)")
    args = parser.parse_args(argv)

    try:
        weights = load_model(args.model).weights
        mnist = load_mnist(args.data_dir)
    except (ModelLoadError, MnistDataError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    report = build_report(weights, mnist.x_test, mnist.y_test)
    built = time.perf_counter() - started
    out = Path(args.out) if args.out else report_path(args.model)
    save_report(report, out)
    print(f"{args.model}: test accuracy {report.test_accuracy:.4f}, {len(report.misread)} misread of {len(report.labels)}")
    print(f"built in {built:.1f} s, saved in {time.perf_counter() - started - built:.1f} s -> {out} ({out.stat().st_size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
