"""A digit to read, and where it came from: the canvas, the shipped gallery of test digits, or an uploaded picture."""

from dataclasses import dataclass

import numpy as np

from model.preprocess import Preprocessed
from model.samples import Sample

DRAW, SAMPLES, UPLOAD = "Draw", "Samples", "Upload"
SOURCES = (DRAW, SAMPLES, UPLOAD)


@dataclass(frozen=True)
class Digit:
    image: np.ndarray  # (28, 28) float32 ink in [0, 1]: what the network reads
    prepared: Preprocessed | None  # how a drawing or photo became `image`; None for MNIST samples
    label: int | None = None  # the true digit, when it is known
    name: str = "this digit"  # how the Look inside page calls it
    origin: tuple = ()  # where it came from: strokes added to one canvas keep the same origin


def sample_digit(sample: Sample) -> Digit:
    return Digit(sample.image, None, sample.label, f"test digit #{sample.index} (a {sample.label})", (SAMPLES, sample.index))
