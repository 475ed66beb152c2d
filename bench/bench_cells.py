"""Why an LSTM? Where a plain RNN, a GRU and the LSTM really differ on this task, measured. Prints figures, asserts nothing.

    MNIST_DIR=/work/shared/mnist python bench/bench_cells.py            # about 15 min on 2 busy cores
    MNIST_DIR=/work/shared/mnist python bench/bench_cells.py --write    # and writes model/weights/cells.json
    MNIST_DIR=/work/shared/mnist python bench/bench_cells.py --quick    # a smoke run of a minute or two

Two measurements:

1. The shipped readers (model/weights/default.keras = LSTM, gru.keras, rnn.keras), replayed by the numpy x-ray
   (model.xray.step_probabilities) on the MNIST test set: accuracy after k rows (k = 7, 14, 21, 28); how much the final
   answer still rests on each row (the true digit's final probability, less that with the row blanked, averaged over
   test digits); and how well it tells 7 from 9 and 4 from 9 after k rows (of the test digits of either, the share
   whose true digit gets more probability than the other). Each reader is what it is: a placeholder model in
   model/weights/ measures as a placeholder (its test accuracy is printed beside it).
2. A controlled condition, the same for every cell: the digit's 28 rows followed by N blank rows, so the answer must
   be held across N steps with nothing new coming in. A small reader (raw rows into one recurrent layer of 64, then
   the ten answers) is trained for each cell and each N from the same seed, on the same digits in the same order,
   with the same recipe (Adam, the same learning rate and clipping), and tested on digits it never trained on.

Nothing is tuned per cell, and nothing is picked after the fact: every run made is printed and written.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import argparse  # noqa: E402
import datetime  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from model.config import NUM_CLASSES, ROW_WIDTH, ROWS  # noqa: E402
from model.files import atomic_write_json  # noqa: E402
from model.storage import read_metadata  # noqa: E402
from model.xray import step_probabilities  # noqa: E402

WEIGHTS = REPO_ROOT / "model" / "weights"
CELLS_FILE = WEIGHTS / "cells.json"
READERS = {"lstm": "default.keras", "gru": "gru.keras", "rnn": "rnn.keras"}  # the shipped readers, by cell
AFTER_ROWS = (7, 14, 21, 28)
PAIRS = ((7, 9), (4, 9))  # digits whose telling strokes are at the top: a 7's or a 4's open top against a 9's loop
FORMAT = 1
FULL = {
    "test_digits": 10_000,  # accuracy after k rows and the pairs
    "dependence_digits": 2_000,  # each replayed 28 times more, once with each row blanked
    "blank_rows": (0, 28, 56),
    "train_digits": 10_000,
    "held_test_digits": 2_000,
    "epochs": 12,
}
QUICK = {
    **FULL,
    "test_digits": 1_000,
    "dependence_digits": 200,
    "blank_rows": (0, 28),
    "train_digits": 1_000,
    "held_test_digits": 500,
    "epochs": 1,
}
HELD_RECIPE = {"units": 64, "layers": 1, "batch_size": 100, "learning_rate": 2e-3, "clipnorm": 1.0, "optimizer": "Adam", "seed": 0}


def ink(images: np.ndarray) -> np.ndarray:
    """MNIST's uint8 pictures as the readers read them: ink from 0 to 1."""
    return (np.asarray(images, np.float32) / np.float32(255)).astype(np.float32)


def accuracy_after_rows(probs: np.ndarray, labels: np.ndarray, rows=AFTER_ROWS) -> list[float]:
    """The share of digits whose answer after row k is right, for each k. probs (digits, 28, 10)."""
    return [float((probs[:, k - 1].argmax(axis=1) == labels).mean()) for k in rows]


def pair_separation(probs: np.ndarray, labels: np.ndarray, pair: tuple[int, int], rows=AFTER_ROWS) -> list[float]:
    """Of the test digits that are either of `pair`, the share whose own digit has more probability than the other
    after row k, for each k: how soon the reader tells the two apart."""
    first, second = pair
    chosen = np.isin(labels, pair)
    own = np.where(labels[chosen] == first, first, second)
    other = np.where(own == first, second, first)
    picked = probs[chosen]
    return [float((picked[np.arange(len(own)), k - 1, own] > picked[np.arange(len(own)), k - 1, other]).mean()) for k in rows]


def row_dependence(weights, images: np.ndarray, labels: np.ndarray) -> list[float]:
    """For each row r, the true digit's final probability less that with row r blanked, averaged over the digits:
    how much the final answer still rests on that row."""
    whole = step_probabilities(weights, images)[:, -1]
    truth = whole[np.arange(len(labels)), labels]
    drops = []
    for row in range(ROWS):
        blanked = images.copy()
        blanked[:, row] = 0.0
        without = step_probabilities(weights, blanked)[:, -1][np.arange(len(labels)), labels]
        drops.append(float((truth - without).mean()))
    return drops


def measure_reader(cell: str, path: Path, images: np.ndarray, labels: np.ndarray, dependence_digits: int) -> dict:
    from model.storage import load_model

    loaded = load_model(path)
    started = time.perf_counter()
    probs = step_probabilities(loaded.weights, images)
    shipped = read_metadata(path).get("test_accuracy")
    measured = {
        "file": path.name,
        "cell": loaded.weights.cell,
        "test_accuracy": float((probs[:, -1].argmax(axis=1) == labels).mean()),
        "reported_test_accuracy": float(shipped) if isinstance(shipped, int | float) else None,
        "after_rows": accuracy_after_rows(probs, labels),
        "pairs": {f"{a} vs {b}": pair_separation(probs, labels, (a, b)) for a, b in PAIRS},
        "row_dependence": row_dependence(loaded.weights, images[:dependence_digits], labels[:dependence_digits]),
    }
    measured["seconds"] = round(time.perf_counter() - started, 1)
    if measured["cell"] != cell:
        print(f"  note: {path.name} holds a {measured['cell']}, not a {cell}")
    return measured


def print_reader(cell: str, measured: dict) -> None:
    print(f"{cell.upper():>5} ({measured['file']}; its metadata says test accuracy {measured['reported_test_accuracy']}):")
    after = ", ".join(f"{k} rows {a:.1%}" for k, a in zip(AFTER_ROWS, measured["after_rows"], strict=True))
    print(f"        accuracy after {after}")
    for pair, shares in measured["pairs"].items():
        told = ", ".join(f"{k} rows {s:.1%}" for k, s in zip(AFTER_ROWS, shares, strict=True))
        print(f"        tells {pair}: {told}")
    drops = np.asarray(measured["row_dependence"])
    quarters = ", ".join(f"rows {r + 1}-{r + 7} {drops[r : r + 7].mean():+.4f}" for r in range(0, ROWS, 7))
    largest = f"largest {drops.max():+.4f} (row {drops.argmax() + 1})"
    print(f"        final P(true) lost when a row is blanked, a row on average: {quarters}; {largest}")
    print(f"        ({measured['seconds']} s)")


def padded(images: np.ndarray, blank_rows: int) -> np.ndarray:
    """The digit's 28 rows followed by `blank_rows` rows of no ink."""
    return np.concatenate([images, np.zeros((len(images), blank_rows, ROW_WIDTH), np.float32)], axis=1)


def small_reader(cell: str, steps: int):
    import keras

    from model.network import RECURRENT_LAYERS

    rows = keras.Input(shape=(steps, ROW_WIDTH), name="rows")
    state = RECURRENT_LAYERS[cell](HELD_RECIPE["units"], name=cell)(rows)
    return keras.Model(rows, keras.layers.Dense(NUM_CLASSES, activation="softmax", name="classifier")(state))


def train_and_test(cell: str, blank_rows: int, train: tuple, test: tuple, epochs: int) -> dict:
    """One small reader of `cell`, trained from HELD_RECIPE's seed on the digits followed by `blank_rows` blank rows."""
    import keras

    keras.utils.set_random_seed(HELD_RECIPE["seed"])  # the same first weights' draw and the same order of digits
    model = small_reader(cell, ROWS + blank_rows)
    optimizer = keras.optimizers.Adam(HELD_RECIPE["learning_rate"], clipnorm=HELD_RECIPE["clipnorm"])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    tested = (padded(test[0], blank_rows), test[1])  # after every epoch, to see how each cell learns: nothing is chosen by it
    history = model.fit(
        padded(train[0], blank_rows), train[1], batch_size=HELD_RECIPE["batch_size"], epochs=epochs, validation_data=tested, verbose=0
    )
    return {
        "test_accuracy": float(history.history["val_accuracy"][-1]),
        "test_accuracy_by_epoch": [float(a) for a in history.history["val_accuracy"]],
        "train_accuracy_by_epoch": [float(a) for a in history.history["accuracy"]],
        "seconds": round(time.perf_counter() - started, 1),
    }


def held_condition(mnist, sizes: dict) -> dict:
    rng = np.random.default_rng(HELD_RECIPE["seed"])
    chosen = rng.choice(len(mnist.x_train), sizes["train_digits"], replace=False)
    train = (ink(mnist.x_train[chosen]), mnist.y_train[chosen].astype(np.int64))
    test = (ink(mnist.x_test[: sizes["held_test_digits"]]), mnist.y_test[: sizes["held_test_digits"]].astype(np.int64))
    runs = {cell: {} for cell in READERS}
    for blank_rows in sizes["blank_rows"]:
        for cell in READERS:
            run = train_and_test(cell, blank_rows, train, test, sizes["epochs"])
            runs[cell][str(blank_rows)] = run
            epochs = ", ".join(f"{a:.0%}" for a in run["test_accuracy_by_epoch"])
            print(f"  {cell.upper():>4}, {blank_rows:>3} blank rows: test {run['test_accuracy']:.1%} "
                  f"(test accuracy by epoch {epochs}; {run['seconds']} s)", flush=True)  # fmt: skip
    conditions = {
        **HELD_RECIPE,
        "input": "raw rows (28 pixels a step), no projection",
        "train_digits": sizes["train_digits"],
        "test_digits": sizes["held_test_digits"],
        "epochs": sizes["epochs"],
        "seeds": 1,
    }
    return {
        "conditions": conditions,
        "blank_rows": list(sizes["blank_rows"]),
        "cells": {cell: [runs[cell][str(n)]["test_accuracy"] for n in sizes["blank_rows"]] for cell in READERS},
        "by_epoch": {cell: [runs[cell][str(n)]["test_accuracy_by_epoch"] for n in sizes["blank_rows"]] for cell in READERS},
        "runs": runs,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run with few digits (its figures mean little)")
    parser.add_argument("--write", action="store_true", help=f"write the figures to {CELLS_FILE.relative_to(REPO_ROOT)}")
    parser.add_argument("--skip-training", action="store_true", help="measure the shipped readers only")
    parser.add_argument("--skip-readers", action="store_true", help="run the blank-rows condition only")
    parser.add_argument("--epochs", type=int, help=f"epochs for the blank-rows condition (default: {FULL['epochs']})")
    parser.add_argument("--blank-rows", help="blank rows to try, comma-separated (default: 0,28,56)")
    args = parser.parse_args(argv)
    if not os.environ.get("MNIST_DIR"):
        parser.error("set MNIST_DIR to a folder of the four MNIST IDX files")
    from model.mnist import load_mnist

    sizes = dict(QUICK if args.quick else FULL)
    if args.epochs:
        sizes["epochs"] = args.epochs
    if args.blank_rows:
        sizes["blank_rows"] = tuple(int(n) for n in args.blank_rows.split(","))
    mnist = load_mnist()
    started = time.perf_counter()
    images, labels = ink(mnist.x_test[: sizes["test_digits"]]), mnist.y_test[: sizes["test_digits"]].astype(np.int64)
    print(f"1. The shipped readers, replayed in numpy on {len(labels):,} MNIST test digits "
          f"(row dependence on the first {sizes['dependence_digits']:,}):")  # fmt: skip
    readers = {}
    for cell, name in READERS.items():
        if args.skip_readers:
            break
        if (WEIGHTS / name).is_file():
            readers[cell] = measure_reader(cell, WEIGHTS / name, images, labels, sizes["dependence_digits"])
            print_reader(cell, readers[cell])
        else:
            print(f"{cell.upper():>5}: no {name} in model/weights")
    held = None
    if not args.skip_training:
        print(f"2. Held across blank rows: {sizes['train_digits']:,} training digits, {sizes['epochs']} epochs, "
              f"one layer of {HELD_RECIPE['units']}, tested on {sizes['held_test_digits']:,} digits:", flush=True)  # fmt: skip
        held = held_condition(mnist, sizes)
    total = time.perf_counter() - started
    print(f"in all {total / 60:.1f} min")
    if args.write:
        conditions = {"test_digits": len(labels), "dependence_digits": sizes["dependence_digits"], "after_rows": list(AFTER_ROWS)}
        measured = {
            "format": FORMAT,
            "measured_on": datetime.date.today().isoformat(),
            "quick": args.quick,
            "readers": {"conditions": conditions, "cells": readers},
        }
        if held is None and CELLS_FILE.is_file():  # --skip-training: the blank-rows figures already written are kept
            import json

            held = json.loads(CELLS_FILE.read_text()).get("held")
        if held is not None:
            measured["held"] = held
        atomic_write_json(CELLS_FILE, measured)
        print(f"wrote {CELLS_FILE.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
