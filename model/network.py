"""The Keras model: rows in, ten class probabilities out.

Each recurrent layer keeps Keras's defaults (tanh, sigmoid, no recurrent dropout,
no unroll, and the GRU's reset_after) so that on a GPU the backend can use the
fused cuDNN kernels, and so that model/xray.py replays exactly these equations.
"""

import keras
from keras import layers

from model.config import NUM_CLASSES, ROW_WIDTH, ROWS, ModelConfig

RECURRENT_LAYERS = {"lstm": layers.LSTM, "gru": layers.GRU, "rnn": layers.SimpleRNN}  # by ModelConfig.cell


def build_model(config: ModelConfig) -> keras.Model:
    rows = keras.Input(shape=(ROWS, ROW_WIDTH), name="rows")  # (batch, steps=28, pixels=28), ink in [0, 1]
    x = rows
    if config.projection_units:
        x = layers.Dense(config.projection_units, name="input_projection")(x)  # (batch, 28, projection)
    recurrent = RECURRENT_LAYERS[config.cell]
    for index in range(config.layers):
        is_top = index == config.layers - 1
        x = recurrent(config.units, return_sequences=not is_top, name=f"{config.cell}_{index + 1}")(x)
        if config.dropout:
            x = layers.Dropout(config.dropout, name=f"dropout_{index + 1}")(x)
    probs = layers.Dense(NUM_CLASSES, activation="softmax", name="classifier")(x)  # (batch, 10)
    return keras.Model(rows, probs, name="row_reader")
