"""training/canvas_style.py: training digits drawn again as on a canvas and prepared as the app prepares a drawing."""

import numpy as np
import pytest

from model.preprocess import centre_of_mass
from training import canvas_style
from training.canvas_style import FINISHES, STROKES, canvas_copies, draw_on_canvas


@pytest.fixture(scope="module")
def digits(mnist_dir):
    from model.mnist import load_mnist

    return load_mnist(mnist_dir).x_train[:40].astype(np.float32) / 255


def test_copies_are_prepared_digits_like_the_apps(digits):
    copies = canvas_copies(digits, seed=0, workers=1)
    assert copies.shape == digits.shape and copies.dtype == np.float32
    assert copies.min() >= 0 and copies.max() == pytest.approx(1.0)
    for copy in copies:
        row, col = centre_of_mass(copy)
        assert abs(row - 14) <= 1 and abs(col - 14) <= 1  # centred by mass, as model.preprocess does
    assert np.abs(copies - digits).mean() > 0.05  # drawn again, not the originals


def test_the_same_seed_gives_the_same_copies_however_many_workers_draw_them(digits, monkeypatch):
    monkeypatch.setattr(canvas_style, "CHUNK", 15)  # three chunks
    one = canvas_copies(digits, seed=3, workers=1)
    np.testing.assert_array_equal(one, canvas_copies(digits, seed=3, workers=2))
    assert not np.array_equal(one, canvas_copies(digits, seed=4, workers=1))


def test_a_stop_leaves_the_digits_not_yet_drawn_as_they_were(digits, monkeypatch):
    monkeypatch.setattr(canvas_style, "CHUNK", 10)
    asked = iter([False, False, True])
    copies = canvas_copies(digits, seed=0, workers=1, should_stop=lambda: next(asked))
    assert not np.array_equal(copies[:20], digits[:20])
    np.testing.assert_array_equal(copies[20:], digits[20:])


def test_every_stroke_and_finish_is_drawn(digits, monkeypatch):
    """Each way of drawing makes a canvas with one digit on it, dark on light or light on dark."""
    digit = np.round(digits[0] * 255).astype(np.uint8)
    path = canvas_style._skeletons(digit[None])[0]
    for stroke in STROKES:
        for finish in FINISHES:
            monkeypatch.setattr(canvas_style, "STROKES", {stroke: 1.0})
            monkeypatch.setattr(canvas_style, "FINISHES", {finish: 1.0})
            canvas = np.asarray(draw_on_canvas(digit, path, np.random.default_rng(0)))
            assert canvas.shape == (canvas_style.CANVAS, canvas_style.CANVAS)
            assert canvas.max() - canvas.min() > 128, (stroke, finish)  # ink that stands out from the paper
