"""Keras readers of several shapes with random weights: the replay and the file reader must hold for any of them."""

import numpy as np

from model.config import ModelConfig

CONFIGS = [
    ModelConfig(projection_units=128, lstm_layers=1, units=128),
    ModelConfig(projection_units=None, lstm_layers=3, units=32, dropout=0.5),
    ModelConfig(projection_units=64, lstm_layers=2, units=48, dropout=0.1),
]


def randomised(model, seed):
    rng = np.random.default_rng(seed)
    for weight in model.weights:
        weight.assign(rng.normal(0, 0.4, weight.shape).astype("float32"))
    return model
