"""A digit to read, and where it came from: the canvas, the shipped gallery of test digits, or an uploaded picture."""

import hashlib
from dataclasses import dataclass

import numpy as np

from i18n import N_, _
from model.preprocess import Preprocessed
from model.samples import Sample

# Where a digit comes from: a widget's option values, kept in English; shown as `format_func=lambda source: _(source)`.
DRAW, SAMPLES, UPLOAD = N_("Draw"), N_("Samples"), N_("Upload")
SOURCES = (DRAW, SAMPLES, UPLOAD)


@dataclass(frozen=True)
class Digit:
    image: np.ndarray  # (28, 28) float32 ink in [0, 1]: what the network reads
    prepared: Preprocessed | None  # how a drawing or photo became `image`; None for MNIST samples
    label: int | None = None  # the true digit, when it is known
    name: str = N_("this digit")  # how the Look inside page calls it, in the reader's language where it is made
    origin: tuple = ()  # where it came from: strokes added to one canvas keep the same origin, though each is a new digit


def image_key(image: np.ndarray) -> str:
    """Tells one digit from another by its pixels alone, on any page and in any session: the readings kept for the
    class are found by it, and the player keeps its row while the digit is the same."""
    image = np.ascontiguousarray(image, np.float32)
    return hashlib.blake2b(repr(image.shape).encode() + image.tobytes(), digest_size=16).hexdigest()


def sample_digit(sample: Sample) -> Digit:
    name = _("test digit #{index} (a {label})").format(index=sample.index, label=sample.label)
    return Digit(sample.image, None, sample.label, name, (SAMPLES, sample.index))
