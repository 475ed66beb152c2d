"""The reading's specs are pure functions: check them without a browser."""

import base64
import json

import numpy as np
import pytest

from model.config import ROWS
from model.samples import choose_samples, load_samples
from model.storage import load_model
from model.xray import read_digit
from views.encoding import typed_array
from views.figures.plotting import pixelated
from views.players.reading_spec import answer_spec, reading_spec, state_matrix
from views.words import STATES


@pytest.fixture(scope="module")
def seven():
    sample = next(s for s in load_samples().values() if s.label == 7 and not s.misread)
    return sample.image, read_digit(load_model().weights, sample.image)


def _bytes(text: str, dtype: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype)


@pytest.mark.parametrize("state", sorted(STATES))
def test_a_reading_spec_carries_every_array_once_and_small_for_every_state(seven, state):
    image, reading = seven
    spec = reading_spec(image, reading, state=state, layer=0)
    units = reading.hidden.shape[-1]
    assert _bytes(spec["image"], "u1").shape == (ROWS * ROWS,)
    np.testing.assert_array_equal(_bytes(spec["probs"], "<f4").reshape(ROWS, 10), reading.step_probs.astype(np.float32))
    shades = _bytes(spec["map"]["values"], "u1").reshape(units, ROWS)
    low, high = (float(t) for t in spec["map"]["ticks"])
    values = state_matrix(reading, state, 0)
    np.testing.assert_allclose(low + shades / 255 * (high - low), values, atol=(high - low) / 255 / 2 + 0.06 * (state == "cell"))
    assert spec["map"]["units"] == units and len(spec["colours"]) == 10
    assert len(json.dumps(spec)) < 12_000  # what the browser receives for one reading


def test_the_digest_tells_digits_apart_and_the_spec_opens_on_the_requested_row(seven):
    image, reading = seven
    assert reading_spec(image, reading)["digest"] == reading_spec(image.copy(), reading, state="cell")["digest"]
    assert reading_spec(image, reading)["digest"] != reading_spec(image[::-1], reading)["digest"]
    assert reading_spec(image, reading, start_row=5)["start_row"] == 5
    with pytest.raises(ValueError):
        reading_spec(image, reading, start_row=0)


def test_state_matrix_is_units_by_steps(seven):
    _, reading = seven
    units = reading.hidden.shape[-1]
    assert state_matrix(reading, "hidden", -1).shape == (units, ROWS)
    np.testing.assert_array_equal(state_matrix(reading, "gate:forget", 0), reading.gates[0, :, 1].T)
    with pytest.raises(ValueError):
        state_matrix(reading, "mood", 0)


def test_packed_arrays_round_trip():

    array = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    spec = typed_array(array)
    assert spec["shape"] == "3, 4"
    np.testing.assert_array_equal(np.frombuffer(base64.b64decode(spec["bdata"]), "<f4").reshape(3, 4), array)


def test_answer_spec_and_pixelated_image():
    probs = np.linspace(0, 0.2, 10)
    spec = answer_spec(probs)
    np.testing.assert_allclose(_bytes(spec["probs"], "<f4"), probs, rtol=1e-6)
    big = pixelated(np.eye(28), 3)
    assert big.shape == (84, 84) and big.dtype == np.uint8
    assert big[0, 0] == 0 and big[0, 3] == 255  # ink is dark, paper white


def test_gallery_has_every_digit_and_some_misread():
    samples = load_samples()
    assert {s.label for s in samples.values()} == set(range(10))
    assert any(s.misread for s in samples.values())
    assert all(s.image.shape == (28, 28) and 0 <= s.image.min() and s.image.max() <= 1 for s in samples.values())
    labels, predicted = np.array([1, 1, 2, 2, 3]), np.array([1, 7, 2, 2, 3])
    assert list(choose_samples(labels, predicted, per_class=1, misread=1)) == [0, 2, 4, 1]
