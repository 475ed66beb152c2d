"""How well does a model read digits drawn as people draw on a canvas? Models side by side, on the same digits.

    MNIST_DIR=../shared/mnist python bench/bench_drawn_digits.py runs/lesson/model.keras
    MNIST_DIR=../shared/mnist python bench/bench_drawn_digits.py a/model.keras b/model.keras --digits 500 --seeds 0 1 2

Every k-th MNIST test digit (1,000 by default), redrawn in every style of harness/drawn_digits.py (plain, inverted,
transparent, thick, thin, small, large, a round brush along the skeleton, blurred, scanned at low resolution),
once for each seed, read through `python -m model.predict` as a user would. For each model: its accuracy on
MNIST's own 10,000 test digits, on all the drawn digits, by style and by digit. The shipped model is always read
first. Figures only; it asserts nothing.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from harness.drawn_digits import STYLES, style_and_label, write_drawn_digits  # noqa: E402
from model.mnist import load_mnist  # noqa: E402
from model.storage import DEFAULT_MODEL_PATH, load_model  # noqa: E402
from model.xray import step_probabilities  # noqa: E402


def answers(model: Path, paths: list[str]) -> dict[str, int]:
    """The digit the model reads in each file, through the command-line reader."""
    result = subprocess.run(
        [sys.executable, "-m", "model.predict", "--json", "--model", str(model), *paths],
        cwd=REPO_ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return {line["path"]: line["digit"] for line in map(json.loads, result.stdout.splitlines())}


def mnist_accuracy(model: Path, images: np.ndarray, labels: np.ndarray) -> float:
    weights = load_model(model).weights
    return float(np.mean(step_probabilities(weights, images.astype(np.float32) / 255)[:, -1].argmax(-1) == labels))


def scores(predicted: dict[str, int], drawn: list[tuple[str, int]]) -> dict[str, float]:
    """Accuracy over all the drawn digits, by style, and by digit (keys "0" to "9")."""
    rights: dict[str, list[bool]] = {}
    for path, label in drawn:
        style, _ = style_and_label(path)
        right = predicted[path] == label
        for key in ("all", style, str(label)):
            rights.setdefault(key, []).append(right)
    return {key: float(np.mean(values)) for key, values in rights.items()}


def print_table(rows: dict[str, dict[str, float]], columns: list[str], title: str) -> None:
    print(f"\n{title}")
    print(f"{'model':<36} " + " ".join(f"{column:>8}" for column in columns))
    for name, row in rows.items():
        print(f"{name[-36:]:<36} " + " ".join(f"{100 * row.get(column, float('nan')):>8.2f}" for column in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", type=Path, help="model files to read with, beside the shipped one")
    parser.add_argument("--digits", type=int, default=1_000, help="test digits redrawn, each in every style (default: 1000)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="one fresh drawing of every digit per seed (default: 0)")
    parser.add_argument("--data-dir", default=os.environ.get("MNIST_DIR"), help="MNIST's IDX files (default: $MNIST_DIR)")
    args = parser.parse_args()
    mnist = load_mnist(args.data_dir)
    step = max(1, len(mnist.x_test) // args.digits)
    images, labels = mnist.x_test[::step][: args.digits], mnist.y_test[::step][: args.digits]
    models = {"shipped": DEFAULT_MODEL_PATH, **{str(model): model for model in args.models}}
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="drawn-digits-") as folder:
        drawn = []
        for seed in args.seeds:
            (Path(folder) / str(seed)).mkdir()
            drawn += write_drawn_digits(images, labels, Path(folder) / str(seed), seed=seed, every_style=True)
        print(f"{len(drawn):,} drawn digits: {len(images):,} test digits x {len(STYLES)} styles x {len(args.seeds)} seed(s)")
        for name, model in models.items():
            read = answers(model, [path for path, _ in drawn])
            rows[name] = {"mnist": mnist_accuracy(model, mnist.x_test, mnist.y_test), **scores(read, drawn)}
    print_table(rows, ["mnist", "all", *STYLES], "accuracy (%): MNIST's own test set, all drawn digits, and by style")
    print_table(rows, [str(digit) for digit in range(10)], "accuracy (%) on the drawn digits, by digit")


if __name__ == "__main__":
    main()
