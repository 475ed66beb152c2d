"""What a reader has learned, as numbers: the computations behind the "Look inside" page.

Pure numpy on step probabilities, hidden states and labels (plus one replay
through the x-ray for row importance), so each piece is tested on a handful
of digits and the same code builds the whole-test-set report in
model/report.py. Nothing here draws.
"""

from dataclasses import dataclass

import numpy as np

from model.config import NUM_CLASSES, ROW_WIDTH, ROWS
from model.weights import ReaderWeights
from model.xray import step_probabilities

MAX_PROJECTION_STATES = 20_000  # rows of h the PCA is fitted on: a stable map in a fraction of the time (bench/bench_report.py)
TINY = float(np.finfo(np.float32).tiny)  # floor for probabilities that underflowed to 0 before taking their log


def balanced_choice(labels: np.ndarray, per_class: int) -> np.ndarray:
    """Up to `per_class` indices of each digit, spread evenly through the set, in the set's order.

    Evenly spread rather than the first ones: MNIST's test set is two halves written by different people.
    """
    chosen = []
    for digit in range(NUM_CLASSES):
        members = np.flatnonzero(labels == digit)
        if len(members) > per_class:
            members = members[np.linspace(0, len(members) - 1, per_class).round().astype(int)]
        chosen.append(members)
    return np.sort(np.concatenate(chosen))  # interleaved classes: no colour is drawn wholly on top of another


def _per_class_mean(values: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean of values (n, ...) over the digits of each class: (10, ...); NaN for a class with no digits."""
    one_hot = (labels[:, None] == np.arange(NUM_CLASSES)).astype(np.float64)  # (n, 10)
    counts = one_hot.sum(axis=0)
    sums = np.tensordot(one_hot, values.astype(np.float64), axes=(0, 0))  # (10, ...)
    shape = (NUM_CLASSES,) + (1,) * (values.ndim - 1)
    return np.divide(sums, counts.reshape(shape), out=np.full_like(sums, np.nan), where=counts.reshape(shape) > 0)


def first_ink_rows(images: np.ndarray) -> np.ndarray:
    """The first row (0-27) of each image (n, 28, 28), or of one (28, 28), with any ink; 28 for a blank picture."""
    inked = np.asarray(images).any(axis=-1)  # (..., 28)
    return np.where(inked.any(axis=-1), inked.argmax(axis=-1), ROWS)


def known_from(step_probs: np.ndarray, labels: np.ndarray, first_ink: np.ndarray) -> np.ndarray:
    """The number of rows k (1-28) after which each digit is "known", or 29 if it never is.

    Known after k rows: the answer is right after row k and stays right to row 28, and row k is at or after the
    digit's first row of ink (first_ink, 0-27, from first_ink_rows). So a model that answers, say, 4 on blank rows
    gets no credit for its 4s before it has read any of their ink. step_probs (n, 28, 10), labels (n,).
    """
    wrong = np.asarray(step_probs).argmax(axis=-1) != np.asarray(labels)[:, None]  # (n, 28)
    last_wrong = np.where(wrong.any(axis=1), ROWS - 1 - wrong[:, ::-1].argmax(axis=1), -1)  # row index, -1 if never
    return np.maximum(last_wrong + 2, np.asarray(first_ink) + 1)  # 1-based; last_wrong = 27 gives 29: never known


def known_by_rows(step_probs: np.ndarray, labels: np.ndarray, first_ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The share of digits known (known_from) after k rows, for k = 1..28: an honest "how early can it tell".

    Returns overall (28,) and per class (10, 28), NaN for a class with no digits. Unlike the accuracy after k rows,
    it never rises on blank rows, and after 28 rows it is the test accuracy (for digits with any ink).
    """
    known = known_from(step_probs, labels, first_ink)[:, None] <= np.arange(1, ROWS + 1)  # (n, 28)
    return known.mean(axis=0), _per_class_mean(known, np.asarray(labels))


def blank_probabilities(weights: ReaderWeights) -> np.ndarray:
    """(28, 10) the reader's probabilities after each row of an all-blank picture: its guesses before it reads any ink."""
    return step_probabilities(weights, np.zeros((1, ROWS, ROW_WIDTH), np.float32))[0]


def blank_guesses(blank_probs: np.ndarray, rows: int) -> list[int]:
    """The answers it gives over the first `rows` blank rows, in order, each once where it repeats: [2, 4, 6]."""
    answers = np.asarray(blank_probs)[: max(rows, 1)].argmax(axis=-1)
    return [int(a) for n, a in enumerate(answers) if n == 0 or a != answers[n - 1]]


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """(10, 10) counts: row = the true digit, column = what the network answered."""
    cells = np.asarray(labels, np.int64) * NUM_CLASSES + np.asarray(predicted, np.int64)
    return np.bincount(cells, minlength=NUM_CLASSES * NUM_CLASSES).reshape(NUM_CLASSES, NUM_CLASSES)


def class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """(10,) share of each digit read correctly; NaN for a digit that never occurs."""
    totals = confusion.sum(axis=1)
    return np.divide(np.diag(confusion), totals, out=np.full(NUM_CLASSES, np.nan), where=totals > 0)


@dataclass(frozen=True)
class StateProjection:
    """A PCA of hidden states down to the two directions along which they vary most."""

    mean: np.ndarray  # (units,)
    components: np.ndarray  # (2, units): orthonormal; each one's largest loading is positive
    explained: np.ndarray  # (2,): share of the states' total variance along each direction

    def project(self, states: np.ndarray) -> np.ndarray:
        """(..., units) -> (..., 2)."""
        return (np.asarray(states, np.float32) - self.mean) @ self.components.T


def fit_projection(states: np.ndarray, max_states: int = MAX_PROJECTION_STATES) -> StateProjection:
    """Fit the PCA on states (..., units), e.g. the top layer's h of n digits after every row (n, 28, units).

    Deterministic: above max_states it takes evenly spaced rows rather than a random sample, and it
    fixes the sign SVD leaves open, so refitting the same states gives the same picture.
    """
    flat = np.asarray(states).reshape(-1, states.shape[-1])  # (n * 28, units)
    if len(flat) > max_states:
        flat = flat[np.linspace(0, len(flat) - 1, max_states).round().astype(int)]
    flat = flat.astype(np.float64)
    mean = flat.mean(axis=0)
    _, singular, directions = np.linalg.svd(flat - mean, full_matrices=False)
    components = np.zeros((2, flat.shape[1]))
    components[: len(directions[:2])] = directions[:2]  # a 1-unit layer has one direction; the second stays 0
    largest = components[np.arange(2), np.abs(components).argmax(axis=1)]
    components *= np.where(largest < 0, -1.0, 1.0)[:, None]
    variance = np.zeros(2)
    variance[: len(singular[:2])] = singular[:2] ** 2
    total = (singular**2).sum()
    explained = variance / total if total > 0 else variance
    return StateProjection(mean.astype(np.float32), components.astype(np.float32), explained.astype(np.float32))


def nearest_own_centre(points: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """How far apart the digits stay on a map: the share of points nearest the centre of their own digit's points.

    points (m, 2), e.g. where each path on the hidden-state map ends, labels (m,); a digit's centre is the median
    of its points. Returns the share over all points and per digit (10,), NaN for a digit with no points.
    1.0: every digit's points lie nearest their own centre; near 0.1: the digits are all mixed up.
    """
    points, labels = np.asarray(points, np.float64), np.asarray(labels)
    centres = np.full((NUM_CLASSES, points.shape[1]), np.inf)
    for digit in np.unique(labels):
        centres[digit] = np.median(points[labels == digit], axis=0)
    distances = np.linalg.norm(points[:, None] - centres[None], axis=2)  # (m, 10); inf for a digit with no points
    own = distances.argmin(axis=1) == labels
    return float(own.mean()), _per_class_mean(own, labels)


def class_moments(hidden: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counts (10,), sums and sums of squares (10, 28, units) of h per class: add them up over batches.

    hidden is one layer's h after every row, (n, 28, units). float64, so that the variance
    E[h^2] - E[h]^2 stays exact enough for units that barely move.
    """
    one_hot = (np.asarray(labels)[:, None] == np.arange(NUM_CLASSES)).astype(np.float64)  # (n, 10)
    flat = hidden.reshape(len(hidden), -1).astype(np.float64)  # (n, 28 * units)
    sums = (one_hot.T @ flat).reshape((NUM_CLASSES, *hidden.shape[1:]))
    squares = (one_hot.T @ (flat * flat)).reshape(sums.shape)
    return one_hot.sum(axis=0), sums, squares


def mean_and_std(counts: np.ndarray, sums: np.ndarray, squares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per class mean and standard deviation (10, 28, units) from class_moments; NaN for an empty class."""
    n = counts.reshape(-1, 1, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / n
        variance = np.maximum(squares / n - mean * mean, 0.0)  # rounding can dip just below 0
    return mean, np.sqrt(variance)


def unit_activity(hidden: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How every unit of a layer behaves for each digit: mean and std of h per class per row, (10, 28, units) each.

    One unit's curves are mean[:, :, unit] and std[:, :, unit], (10, 28).
    """
    return mean_and_std(*class_moments(hidden, labels))


def driving_digits(peaks: np.ndarray, count: int) -> np.ndarray:
    """The digits that drive each unit highest: (units, count) indices into the set, strongest first.

    peaks (n, units) is each digit's highest h over the rows, hidden.max(axis=1).
    """
    return np.argsort(-peaks, axis=0, kind="stable")[:count].T


@dataclass(frozen=True)
class RowImportance:
    """Which rows an answer rests on: the answer again with each row blanked in turn (0 is MNIST's background).

    Negative values: the row supported the answer. A row that is already blank gives exactly 0.
    A confident answer's probability barely moves (0.99997 -> 0.99994); its log-odds do, so show those.
    """

    digit: int  # the class answered for the whole image
    probability: float  # its final probability for the whole image
    change: np.ndarray  # (28,): its final probability with that row blanked, minus `probability`
    log_odds_change: np.ndarray  # (28,): the same in log-odds, log p / (1 - p)


def row_importance(weights: ReaderWeights, image: np.ndarray) -> RowImportance:
    """Blank each row of one (28, 28) image in turn and read all 28 versions and the original in one batch."""
    image = np.asarray(image, np.float32)  # (28, 28)
    versions = np.repeat(image[None], ROWS + 1, axis=0)  # (29, 28, 28): the image, then one copy per blanked row
    versions[np.arange(ROWS) + 1, np.arange(ROWS)] = 0.0
    final = step_probabilities(weights, versions)[:, -1].astype(np.float64)  # (29, 10)
    digit = int(final[0].argmax())
    others = np.delete(final, digit, axis=1).sum(axis=1)  # summed, not 1 - p, which rounds to 0 for a sure answer
    log_odds = np.log(np.maximum(final[:, digit], TINY)) - np.log(np.maximum(others, TINY))
    # Blanking a blank row reads the same image again, but at another place in the batch the matrix
    # products may round differently; such a row changes nothing, so say exactly 0, not 1e-9.
    blank = ~image.any(axis=1)
    return RowImportance(
        digit=digit,
        probability=float(final[0, digit]),
        change=np.where(blank, 0.0, final[1:, digit] - final[0, digit]),
        log_odds_change=np.where(blank, 0.0, log_odds[1:] - log_odds[0]),
    )


def selective_units(unit_mean: np.ndarray, digit: int, count: int = 5, last_rows: int = 7) -> np.ndarray:
    """The units of one layer that respond most to `digit` over the last rows: where to start a hunt in the unit inspector.

    unit_mean (10, 28, units) is the layer's mean h per class; a unit's score is its mean for
    `digit` minus the highest mean of any other digit, so a unit that fires for every digit
    scores low. Returns unit numbers, most selective first.
    """
    late = np.nan_to_num(np.asarray(unit_mean, np.float64)[:, -last_rows:].mean(axis=1))  # (10, units)
    others = np.delete(late, digit, axis=0).max(axis=0)
    return np.argsort(-(late[digit] - others), kind="stable")[:count]


def settled_row(step_probs: np.ndarray, image: np.ndarray | None = None) -> int:
    """The row (1-28) from which the answer no longer changes: when the network "knew". step_probs (28, 10).

    Given the (28, 28) image, it counts from the first row with ink: an answer fixed on blank rows was not read
    from the digit, so it is not "settled after row 1".
    """
    answers = np.asarray(step_probs).argmax(axis=-1)
    changed = np.flatnonzero(answers != answers[-1])
    settled = int(changed[-1]) + 2 if len(changed) else 1
    return settled if image is None else min(max(settled, int(first_ink_rows(image)) + 1), ROWS)


def first_row_reaching(accuracy: np.ndarray, level: float) -> int | None:
    """The first k (1-28) at which the accuracy reaches `level`, or None."""
    reached = np.flatnonzero(np.nan_to_num(np.asarray(accuracy)) >= level)
    return int(reached[0]) + 1 if len(reached) else None
