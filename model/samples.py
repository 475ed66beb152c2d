"""A small gallery of real MNIST test digits that ships with the repo.

A few digits of each class plus some the shipped model misreads, so a lesson
works on a machine without the MNIST files. Each is named by its index in the
MNIST test set, which is what a shareable link carries.

Rebuild it (after retraining the shipped model) with:
    python -m model.samples --data-dir ../shared/mnist
"""

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from model.config import NUM_CLASSES
from model.files import atomic_write

SAMPLES_PATH = Path(__file__).resolve().parent / "weights" / "samples.npz"


@dataclass(frozen=True)
class Sample:
    index: int  # position in the MNIST test set
    label: int  # the true digit
    predicted: int  # what the shipped model reads
    image: np.ndarray  # (28, 28) float32, ink in [0, 1]

    @property
    def misread(self) -> bool:
        return self.label != self.predicted

    @property
    def title(self) -> str:
        note = f", read as {self.predicted}" if self.misread else ""
        return f"#{self.index}: {self.label}{note}"


def load_samples(path: str | Path = SAMPLES_PATH) -> dict[int, Sample]:
    """The gallery keyed by test-set index, in the order it was built."""
    with np.load(path) as data:
        return {
            int(index): Sample(int(index), int(label), int(predicted), image.astype(np.float32) / 255.0)
            for index, label, predicted, image in zip(data["index"], data["label"], data["predicted"], data["image"], strict=True)
        }


def choose_samples(labels: np.ndarray, predicted: np.ndarray, per_class: int = 4, misread: int = 10) -> np.ndarray:
    """Test-set indices: the first `per_class` read correctly of each digit, then the first `misread` misread ones."""
    right = labels == predicted
    chosen = [np.flatnonzero(right & (labels == digit))[:per_class] for digit in range(NUM_CLASSES)]
    chosen.append(np.flatnonzero(~right)[:misread])
    return np.concatenate(chosen)


def save_samples(path: Path, images: np.ndarray, labels: np.ndarray, predicted: np.ndarray, indices: np.ndarray) -> None:
    def write(tmp_path):
        with open(tmp_path, "wb") as out:
            np.savez_compressed(out, index=indices, label=labels[indices], predicted=predicted[indices], image=images[indices])

    atomic_write(path, write)


def main(argv: list[str] | None = None) -> None:
    from model.mnist import load_mnist
    from model.storage import DEFAULT_MODEL_PATH, load_model
    from model.xray import step_probabilities

    parser = argparse.ArgumentParser(description="Rebuild the shipped gallery of MNIST test digits.")
    parser.add_argument("--data-dir", help="folder with the MNIST IDX files (default: MNIST_DIR, then the Keras cache)")
    parser.add_argument("--model", default=str(DEFAULT_MODEL_PATH))
    parser.add_argument("--out", default=str(SAMPLES_PATH))
    args = parser.parse_args(argv)

    mnist = load_mnist(args.data_dir)
    weights = load_model(args.model).weights
    predicted = step_probabilities(weights, mnist.x_test.astype(np.float32) / 255.0)[:, -1].argmax(axis=1)
    indices = choose_samples(mnist.y_test, predicted)
    save_samples(Path(args.out), mnist.x_test, mnist.y_test, predicted, indices)
    print(f"{len(indices)} digits ({int((mnist.y_test[indices] != predicted[indices]).sum())} misread) -> {args.out}")


if __name__ == "__main__":
    main()
