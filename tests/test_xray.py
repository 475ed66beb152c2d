"""The numpy replay must equal Keras's own outputs: every h, and the final probabilities."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from model.network import build_model  # noqa: E402
from model.storage import DEFAULT_MODEL_PATH, load_keras_model, load_model  # noqa: E402
from model.weights import ReaderWeights, UnsupportedModelError  # noqa: E402
from model.xray import GATE_NAMES, read_digit, step_probabilities  # noqa: E402
from tests.random_models import CONFIGS, randomised  # noqa: E402

TOLERANCE = 1e-4


def keras_hidden_sequences(model, images):
    """Every layer's h at every step, from Keras layers with return_sequences=True and the same weights."""
    x = images
    sequences = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Dense" and not sequences and layer.name == "input_projection":
            x = layer(x)
        elif kind == "LSTM":
            twin = keras.layers.LSTM(layer.units, return_sequences=True)
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


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: f"proj{c.projection_units}-L{c.lstm_layers}-u{c.units}")
@pytest.mark.parametrize("seed", [0, 1])
def test_replay_equals_keras_for_random_weights(config, seed, digits):
    model = randomised(build_model(config), seed)
    weights = ReaderWeights.from_keras(model)
    expected_hidden = keras_hidden_sequences(model, digits)
    expected_probs = np.asarray(model(digits, training=False))
    for index, image in enumerate(digits):
        reading = read_digit(weights, image)
        assert reading.hidden.shape == (config.lstm_layers, 28, config.units)
        assert reading.gates.shape == (config.lstm_layers, 28, len(GATE_NAMES), config.units)
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


def test_unsupported_models_are_refused():
    inputs = keras.Input((28, 28))
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.GRU(8)(inputs))
    with pytest.raises(UnsupportedModelError):
        ReaderWeights.from_keras(keras.Model(inputs, outputs))


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
