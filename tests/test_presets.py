"""training/presets.py: every recipe builds a model the x-ray can replay and a GPU can fuse, and changes to a recipe
are checked."""

from dataclasses import replace

import pytest

from training.presets import PRESETS, TrainConfig, preset

RECURRENT = {"lstm": "LSTM", "gru": "GRU", "rnn": "SimpleRNN"}
SEEDS_PRESETS = ("morvan", "notebook", "sesame", "qiita")


@pytest.mark.parametrize("cell", sorted(RECURRENT))
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_builds_with_every_cell(name, cell):
    from model.network import build_model
    from model.weights import ReaderWeights

    config = preset(name, cell=cell)
    model = build_model(config.model)
    layers = [layer for layer in model.layers if type(layer).__name__ == RECURRENT[cell]]
    assert len(layers) == config.model.layers
    assert all(layer.units == config.model.units for layer in layers)
    assert model.output_shape == (None, 10)
    weights = ReaderWeights.from_keras(model)  # the x-ray can replay it
    assert len(weights.recurrent) == config.model.layers and weights.cell == cell
    assert TrainConfig.from_dict(config.to_dict()) == config


def test_the_seeds_presets_keep_their_lstm_and_the_other_cells_have_recipes():
    assert all(PRESETS[name].model.cell == "lstm" for name in (*SEEDS_PRESETS, "lesson", "longer", "default"))
    assert PRESETS["gru"].model.cell == "gru" and PRESETS["rnn"].model.cell == "rnn"
    for name in ("gru", "rnn"):  # the shipped model's size and data, so that the three compare
        assert PRESETS[name].model == replace(PRESETS["default"].model, cell=name)
        assert PRESETS[name].drawn == PRESETS["default"].drawn and PRESETS[name].augment


def test_a_file_from_before_the_cells_reads_as_an_lstm():
    from model.config import ModelConfig

    config = ModelConfig.from_dict({"projection_units": 128, "lstm_layers": 1, "units": 64})
    assert config.cell == "lstm" and config.layers == 1
    with pytest.raises(ValueError, match="cell must be one of lstm, gru, rnn"):
        ModelConfig.from_dict({"cell": "transformer"})


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_layers_keep_the_cudnn_kernel(name, cell):
    """On a GPU the backend fuses an LSTM or a GRU into one cuDNN kernel only with these arguments; any other is far
    slower. (A plain RNN has no such kernel.)"""
    import keras

    from model.network import build_model

    kind = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[cell]
    layers = [layer for layer in build_model(preset(name, cell=cell).model).layers if isinstance(layer, kind)]
    assert layers
    for layer in layers:
        assert layer.cell.activation is keras.activations.tanh
        assert layer.cell.recurrent_activation is keras.activations.sigmoid
        assert layer.cell.recurrent_dropout == 0
        assert layer.unroll is False
        assert layer.cell.use_bias is True
        assert getattr(layer.cell, "reset_after", True) is True
        assert layer.use_cudnn in ("auto", True)


def test_preset_overrides():
    config = preset("morvan", units=64, layers=2, epochs=3, samples=None, limit=500)
    assert config.model.units == 64 and config.model.layers == 2 and config.model.projection_units == 128
    assert config.epochs == 3 and config.samples is None and config.limit == 500
    assert PRESETS["morvan"].model.units == 128  # the preset itself is unchanged
    assert preset("morvan", epochs=2).samples is None  # explicit epochs replace the sample budget...
    assert preset("morvan", epochs=2, samples=500).samples == 500  # ...unless a budget is given too
    with pytest.raises(ValueError, match="unknown preset"):
        preset("nope")
    with pytest.raises(ValueError, match="unknown settings: data_dir"):
        preset("morvan", data_dir="/etc")


def test_the_shipped_recipe_reads_drawn_digits_and_the_lesson_does_not():
    """Drawing 55,000 digits as on a canvas takes minutes on two cores: worth it for the model that ships, not a lesson."""
    assert PRESETS["default"].drawn == 0.5 and PRESETS["lesson"].drawn == 0.0
    assert preset("lesson", drawn=1).drawn == 1
    for share in (-0.1, 1.01):
        with pytest.raises(ValueError, match="drawn must be a share from 0 to 1"):
            preset("lesson", drawn=share)
