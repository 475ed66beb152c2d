"""What the training loop's own chores cost beside the learning: augmenting an epoch's digits, and saving a checkpoint.

    MNIST_DIR=../shared/mnist python bench/bench_training_parts.py [--repeats 3]

- augment: training/augment.py on the 55,000 training digits of one epoch, all that AugmentedBatches
  does at an epoch's end: whole batches in numpy, a few seconds against minutes of learning per epoch.
- checkpoint: model/storage.save_model of the default recipe's model, compiled and one step trained
  so that Adam's state is saved too, as RunRecorder saves it at an epoch's end; training/train.py
  saves at most one a minute (CHECKPOINT_EVERY_S), so that a run of short epochs is not slowed.

Seen at stop 11 on the project's 2-core machine, idle: augmenting an epoch 3.2 s (4.6 to 6.4 s while other
work ran), against about two minutes of learning per epoch of the default recipe; a checkpoint 0.04 s. The
comments these figures replace said "a second or two" and "about a second"; CHECKPOINT_EVERY_S was
left as it is. Timings only; no test depends on them. Random ink is used without MNIST_DIR.
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from bench.timing import timed  # noqa: E402

EPOCH_DIGITS = 55_000  # the training part, after the 5,000 held out


def training_digits() -> tuple[np.ndarray, str]:
    folder = os.environ.get("MNIST_DIR")
    if folder:
        from model.mnist import load_idx_folder

        return load_idx_folder(Path(folder)).x_train[:EPOCH_DIGITS] / np.float32(255), f"MNIST from {folder}"
    return np.random.default_rng(0).random((EPOCH_DIGITS, 28, 28), dtype=np.float32), "random ink (set MNIST_DIR for real digits)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed calls of each; the median is reported (default: 3)")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be positive")

    from training.devices import prepare_environment

    prepare_environment()
    import keras

    from model.network import build_model
    from model.storage import save_model
    from training.augment import augment
    from training.presets import PRESETS
    from training.train import compile_model

    digits, source = training_digits()
    rng = np.random.default_rng(0)
    augmenting = timed(lambda: augment(digits, rng), args.repeats)
    print(f"augment one epoch ({len(digits):,} digits, {source}): median {statistics.median(augmenting):.2f} s "
          f"(min {min(augmenting):.2f}, max {max(augmenting):.2f})")  # fmt: skip

    config = PRESETS["default"]
    model = build_model(config.model)
    compile_model(model, config, total_steps=1000)
    model.fit(digits[:128], np.zeros(128, np.int32), batch_size=128, epochs=1, verbose=0)  # Adam's state exists
    with tempfile.TemporaryDirectory() as folder:
        saving = timed(lambda: save_model(model, Path(folder) / "checkpoint.keras", {"step": 1}), args.repeats)
    print(f"save a checkpoint of the default model with its optimizer (Keras {keras.__version__}): "
          f"median {statistics.median(saving):.2f} s (min {min(saving):.2f}, max {max(saving):.2f})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
