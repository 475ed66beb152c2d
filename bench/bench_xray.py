"""How fast is the numpy x-ray? Milliseconds per digit, on one thread.

    python bench/bench_xray.py
    MNIST_DIR=../shared/mnist python bench/bench_xray.py --digits 300 --batch 1000

Times model.xray.read_digit (the full reading of one image: h, c and gates of every layer at every row)
one digit at a time, as the app calls it, and model.xray.step_probabilities on a batch; and, beside it, the
batch's largest input product (the first LSTM layer's input half) as model.xray does it, one 2-D product, against
numpy's 3-D `@`, which runs one small product per image, and is why the x-ray reshapes: the 3-D form was
5 times slower with two BLAS threads (OPENBLAS_NUM_THREADS=2) at stop 9, and 1.4 (one thread) to 1.7 times
(two) on a busy machine at stop 11. Uses the shipped
model at model/weights/default.keras if there is one, else a freshly built model of the default config
(the speed depends only on the shapes, not on the trained values). Images are MNIST test digits when
MNIST_DIR is set, else random ink.
"""

import os

for _name in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ.setdefault(_name, "1")  # before numpy is imported: one thread, as one request in the app
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.timing import timed  # noqa: E402
from model.weights import ReaderWeights  # noqa: E402
from model.xray import dense, read_digit, step_probabilities  # noqa: E402


def load_weights(path: Path | None) -> tuple[ReaderWeights, str]:
    from model.storage import DEFAULT_MODEL_PATH, load_model

    path = path or DEFAULT_MODEL_PATH
    if path.is_file():
        return load_model(path).weights, str(path)
    from model.network import build_model
    from training.presets import PRESETS

    config = PRESETS["default"].model
    return ReaderWeights.from_keras(build_model(config)), f"untrained {config} ({path} not found)"


def load_images(count: int, seed: int) -> tuple[np.ndarray, str]:
    folder = os.environ.get("MNIST_DIR")
    if folder:
        from model.mnist import load_idx_folder

        x_test = load_idx_folder(Path(folder)).x_test
        return (np.resize(x_test, (count, 28, 28)) / np.float32(255)).astype(np.float32), f"MNIST test digits from {folder}"
    rng = np.random.default_rng(seed)
    return rng.random((count, 28, 28), dtype=np.float32), "random ink (set MNIST_DIR for real digits)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model",
        type=Path,
        help="a .keras file (default: model/weights/default.keras, else an untrained default model)",
    )
    parser.add_argument("--digits", type=int, default=300, help="digits read one at a time (default: 300)")
    parser.add_argument("--batch", type=int, default=1000, help="images in the step_probabilities batch (default: 1000)")
    parser.add_argument("--batch-repeats", type=int, default=5, help="timed step_probabilities calls (default: 5)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.digits < 1 or args.batch < 1 or args.batch_repeats < 1:
        parser.error("--digits, --batch and --batch-repeats must be positive")

    weights, model_name = load_weights(args.model)
    images, image_source = load_images(max(args.digits, args.batch), args.seed)
    layers = ", ".join(str(layer.units) for layer in weights.recurrent)
    print(f"model: {model_name}\n  {weights.cell} layers of {layers} units, projection {'yes' if weights.projection else 'no'}")
    print(f"images: {image_source}; numpy {np.__version__}, {os.environ['OPENBLAS_NUM_THREADS']} BLAS thread(s)")

    for image in images[:5]:  # warm-up: first calls pay for allocations and caches
        read_digit(weights, image)
    per_digit = []
    for image in images[: args.digits]:
        started = time.perf_counter()
        read_digit(weights, image)
        per_digit.append(time.perf_counter() - started)
    per_digit_ms = sorted(1000 * t for t in per_digit)
    p90 = per_digit_ms[min(len(per_digit_ms) - 1, int(0.9 * len(per_digit_ms)))]
    print(f"read_digit, one at a time: median {statistics.median(per_digit_ms):.3f} ms per digit "
          f"(p90 {p90:.3f}, min {per_digit_ms[0]:.3f}, over {args.digits} digits)")  # fmt: skip

    batch = images[: args.batch]
    step_probabilities(weights, batch[:10])  # warm-up
    batch_times = []
    for _ in range(args.batch_repeats):
        started = time.perf_counter()
        probs = step_probabilities(weights, batch)
        batch_times.append(time.perf_counter() - started)
    assert probs.shape == (len(batch), 28, 10)
    median_batch = statistics.median(batch_times)
    print(f"step_probabilities, batch of {len(batch)}: median {1000 * median_batch:.1f} ms per batch, "
          f"{1000 * median_batch / len(batch):.3f} ms per digit (over {args.batch_repeats} calls)")  # fmt: skip
    sequence = dense(batch, *weights.projection) if weights.projection else batch  # what the first LSTM layer reads
    kernel, bias = weights.recurrent[0].kernel, weights.recurrent[0].bias
    forms = {"one 2-D product": lambda: dense(sequence, kernel, bias), "3-D @": lambda: sequence @ kernel + bias}
    medians = {name: statistics.median(timed(form, args.batch_repeats, warm_up=True)) for name, form in forms.items()}
    print(f"the first LSTM layer's input half for the batch, {os.environ['OPENBLAS_NUM_THREADS']} BLAS thread(s): "
          + ", ".join(f"{name} {1000 * seconds:.2f} ms" for name, seconds in medians.items())
          + f"; 3-D / 2-D = {medians['3-D @'] / medians['one 2-D product']:.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
