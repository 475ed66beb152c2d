"""How well does a model read digits drawn as people draw on a canvas? Models side by side, on the same digits.

    MNIST_DIR=../shared/mnist python bench/bench_drawn_digits.py runs/lesson/model.keras
    MNIST_DIR=../shared/mnist python bench/bench_drawn_digits.py --digits 2000 a/model.keras b/model.keras

Every tenth MNIST test digit (1,000 by default), redrawn in turn in each canvas style of harness/drawn_digits.py
(plain, inverted, transparent, thick, thin, small, large), as tests/test_shipped_model.py measures the shipped
model, read through `python -m model.predict` as a user would. The shipped model is always read first.
Figures only; it asserts nothing.
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

from harness.drawn_digits import STYLES, write_drawn_digits  # noqa: E402
from model.mnist import load_mnist  # noqa: E402
from model.storage import DEFAULT_MODEL_PATH  # noqa: E402


def read_by(model: Path, drawn: list[tuple[str, int]]) -> dict[str, float]:
    """Accuracy of one model on the drawn digits: over all, and by style."""
    result = subprocess.run(
        [sys.executable, "-m", "model.predict", "--json", "--model", str(model), *(path for path, _ in drawn)],
        cwd=REPO_ROOT, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    predicted = {line["path"]: line["digit"] for line in map(json.loads, result.stdout.splitlines())}
    by_style: dict[str, list[bool]] = {}
    for path, label in drawn:
        by_style.setdefault(path.rsplit("-", 2)[1], []).append(predicted[path] == label)
    everything = [right for rights in by_style.values() for right in rights]
    return {"all": float(np.mean(everything)), **{style: float(np.mean(by_style[style])) for style in STYLES if style in by_style}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", type=Path, help="model files to read with, beside the shipped one")
    parser.add_argument("--digits", type=int, default=1_000, help="test digits redrawn (default: 1000)")
    parser.add_argument("--data-dir", default=os.environ.get("MNIST_DIR"), help="MNIST's IDX files (default: $MNIST_DIR)")
    args = parser.parse_args()
    mnist = load_mnist(args.data_dir)
    step = len(mnist.x_test) // args.digits
    with tempfile.TemporaryDirectory(prefix="drawn-digits-") as folder:
        drawn = write_drawn_digits(mnist.x_test[::step][: args.digits], mnist.y_test[::step][: args.digits], Path(folder))
        print(f"{len(drawn):,} drawn digits")
        print(f"{'model':<44} {'all':>6} " + " ".join(f"{style:>11}" for style in STYLES))
        for model in [DEFAULT_MODEL_PATH, *args.models]:
            accuracy = read_by(model, drawn)
            name = "shipped" if model == DEFAULT_MODEL_PATH else str(model)[-44:]
            print(f"{name:<44} {accuracy['all']:>6.3f} " + " ".join(f"{accuracy.get(style, float('nan')):>11.3f}" for style in STYLES))


if __name__ == "__main__":
    main()
