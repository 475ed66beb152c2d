"""Digits and readings made up for the class wall's tests: the store's (tests/test_classroom_wall.py) and the page's."""

import numpy as np

from model.xray import Reading


def reading(answer: int, sure: float, changes_at: int = 5) -> Reading:
    """A reading that answers 0 until row `changes_at`, then `answer` with probability `sure`."""
    probs = np.full((28, 10), (1 - sure) / 9, np.float32)
    probs[:, 0] = sure
    probs[changes_at - 1 :, 0] = (1 - sure) / 9
    probs[changes_at - 1 :, answer] = sure
    empty = np.zeros((1, 28, 4))
    return Reading(empty, empty, np.zeros((1, 28, 4, 4)), probs)


def picture(seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random((28, 28)).astype(np.float32)
