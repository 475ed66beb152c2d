"""The figures are pure functions: check their specs without a browser."""

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from model.config import ROWS
from model.samples import choose_samples, load_samples
from model.storage import load_model
from model.xray import read_digit
from views.explain import STATES
from views.plotting import packed, pixelated
from views.reading_figures import probability_figure, reading_figure, state_matrix


@pytest.fixture(scope="module")
def seven():
    sample = next(s for s in load_samples().values() if s.label == 7 and not s.misread)
    return sample.image, read_digit(load_model().weights, sample.image)


@pytest.mark.parametrize("state", sorted(STATES))
def test_reading_figure_is_a_valid_plotly_spec_for_every_state(seven, state):
    image, reading = seven
    figure = reading_figure(image, reading, state=state, layer=0)
    go.Figure(figure.to_dict())  # plotly.py's validation, which the app skips for speed, accepts it


def test_one_light_frame_per_row_and_the_heavy_arrays_sent_once(seven):
    image, reading = seven
    spec = json.loads(reading_figure(image, reading).to_json())
    assert [f["name"] for f in spec["frames"]] == [str(n) for n in range(1, ROWS + 1)]
    assert all(f["traces"] == [2] and len(f["data"]) == 1 for f in spec["frames"])  # only the ten bars change
    assert len(json.dumps(spec)) < 150_000
    assert max(len(json.dumps(f)) for f in spec["frames"]) < 3_000


def test_step_buttons_point_at_the_neighbouring_rows(seven):
    image, reading = seven
    spec = reading_figure(image, reading).to_dict()
    for frame in spec["frames"]:
        row = int(frame["name"])
        back, _, _, on = frame["layout"]["updatemenus"][0]["buttons"]
        assert back["args"][0] == [str(max(row - 1, 1))]
        assert on["args"][0] == [str(min(row + 1, ROWS))]


def test_the_figure_opens_on_the_requested_row(seven):
    image, reading = seven
    spec = reading_figure(image, reading, start_row=5).to_dict()
    assert spec["layout"]["sliders"][0]["active"] == 4
    with pytest.raises(ValueError):
        reading_figure(image, reading, start_row=0)


def test_state_matrix_is_units_by_steps(seven):
    _, reading = seven
    units = reading.hidden.shape[-1]
    assert state_matrix(reading, "hidden", -1).shape == (units, ROWS)
    np.testing.assert_array_equal(state_matrix(reading, "gate:forget", 0), reading.gates[0, :, 1].T)
    with pytest.raises(ValueError):
        state_matrix(reading, "mood", 0)


def test_packed_arrays_round_trip():
    import base64

    array = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    spec = packed(array)
    assert spec["shape"] == "3, 4"
    np.testing.assert_array_equal(np.frombuffer(base64.b64decode(spec["bdata"]), "<f4").reshape(3, 4), array)


def test_probability_figure_and_pixelated_image():
    probs = np.full(10, 0.1)
    spec = probability_figure(probs).to_dict()
    go.Figure(spec)  # plotly.py's validation accepts it
    assert len(spec["data"][0]["text"]) == 10
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
