"""The numpy replay must equal Keras's own outputs for every cell (LSTM, GRU, plain RNN): every h, and the final
probabilities, within 1e-5."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from model.network import build_model  # noqa: E402
from model.storage import DEFAULT_MODEL_PATH, load_keras_model, load_model  # noqa: E402
from model.weights import ReaderWeights, UnsupportedModelError  # noqa: E402
from model.xray import GATES, read_digit, step_probabilities  # noqa: E402
from tests.random_models import CELL_CONFIGS, CONFIGS, randomised  # noqa: E402

TOLERANCE = 1e-5
TWINS = {"LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU, "SimpleRNN": keras.layers.SimpleRNN}


def keras_hidden_sequences(model, images):
    """Every layer's h at every step, from Keras layers with return_sequences=True and the same weights."""
    x = images
    sequences = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Dense" and not sequences and layer.name == "input_projection":
            x = layer(x)
        elif kind in TWINS:
            twin = TWINS[kind](layer.units, return_sequences=True)
            twin.build(x.shape)
            twin.set_weights(layer.get_weights())
            x = twin(x)
            sequences.append(np.asarray(x))
    return sequences


@pytest.fixture(scope="module")
def digits():
    rng = np.random.default_rng(7)
    images = rng.random((6, 28, 28)).astype("float32")
    images[:, :, :4] = 0  # some blank columns, as in real digits
    return images


@pytest.mark.parametrize("config", CONFIGS + CELL_CONFIGS, ids=lambda c: f"{c.cell}-proj{c.projection_units}-L{c.layers}-u{c.units}")
@pytest.mark.parametrize("seed", [0, 1])
def test_replay_equals_keras_for_random_weights(config, seed, digits):
    model = randomised(build_model(config), seed)
    weights = ReaderWeights.from_keras(model)
    expected_hidden = keras_hidden_sequences(model, digits)
    expected_probs = np.asarray(model(digits, training=False))
    for index, image in enumerate(digits):
        reading = read_digit(weights, image)
        assert reading.hidden.shape == (config.layers, 28, config.units)
        assert reading.kind == config.cell
        assert reading.gates.shape == (config.layers, 28, len(GATES[config.cell]), config.units)
        assert (reading.cell is None) == (config.cell != "lstm")
        for layer, sequence in enumerate(expected_hidden):
            np.testing.assert_allclose(reading.hidden[layer], sequence[index], atol=TOLERANCE)
        np.testing.assert_allclose(reading.step_probs[-1], expected_probs[index], atol=TOLERANCE)
    np.testing.assert_allclose(step_probabilities(weights, digits)[:, -1], expected_probs, atol=TOLERANCE)


def test_states_follow_the_lstm_equations(digits):
    reading = read_digit(ReaderWeights.from_keras(randomised(build_model(CONFIGS[2]), 3)), digits[0])
    i, f, g, o = (reading.gates[:, :, k] for k in range(4))
    previous_c = np.concatenate([np.zeros_like(reading.cell[:, :1]), reading.cell[:, :-1]], axis=1)
    np.testing.assert_allclose(reading.cell, f * previous_c + i * g, atol=1e-5)
    np.testing.assert_allclose(reading.hidden, o * np.tanh(reading.cell), atol=1e-5)
    np.testing.assert_allclose(reading.step_probs.sum(axis=1), 1.0, atol=1e-5)


def previous(states: np.ndarray) -> np.ndarray:
    """The state before each row: zeros before the first."""
    return np.concatenate([np.zeros_like(states[:, :1]), states[:, :-1]], axis=1)


def test_states_follow_the_gru_equations(digits):
    reading = read_digit(ReaderWeights.from_keras(randomised(build_model(CELL_CONFIGS[1]), 3)), digits[0])
    update, candidate = reading.gate(0, "update"), reading.gate(0, "candidate")
    np.testing.assert_allclose(reading.hidden[0], update * previous(reading.hidden)[0] + (1 - update) * candidate, atol=1e-5)
    assert reading.gate_names == ("update", "reset", "candidate")


def test_a_plain_rnn_has_one_state_and_no_gates(digits):
    reading = read_digit(ReaderWeights.from_keras(randomised(build_model(CELL_CONFIGS[4]), 3)), digits[0])
    assert reading.cell is None and reading.gates.shape[2] == 0 and reading.gate_names == ()
    assert np.abs(reading.hidden).max() <= 1.0  # tanh of the row and the old h


def test_unsupported_models_are_refused():
    inputs = keras.Input((28, 28))
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.GRU(8, reset_after=False)(inputs))
    with pytest.raises(UnsupportedModelError, match="reset_after"):
        ReaderWeights.from_keras(keras.Model(inputs, outputs))
    mixed = keras.layers.Dense(10, activation="softmax")(keras.layers.LSTM(8)(keras.layers.GRU(8, return_sequences=True)(inputs)))
    with pytest.raises(UnsupportedModelError, match="not all of one kind"):
        ReaderWeights.from_keras(keras.Model(inputs, mixed))


@pytest.mark.skipif(not DEFAULT_MODEL_PATH.exists(), reason="no shipped model yet")
def test_replay_equals_keras_for_the_shipped_model(digits):
    loaded, keras_model = load_model(), load_keras_model()
    expected_hidden = keras_hidden_sequences(keras_model, digits)
    expected_probs = np.asarray(keras_model(digits, training=False))
    for index, image in enumerate(digits):
        reading = read_digit(loaded.weights, image)
        for layer, sequence in enumerate(expected_hidden):
            np.testing.assert_allclose(reading.hidden[layer], sequence[index], atol=TOLERANCE)
        np.testing.assert_allclose(reading.step_probs[-1], expected_probs[index], atol=TOLERANCE)
