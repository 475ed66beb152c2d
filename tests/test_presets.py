"""training/presets.py: every recipe builds a model the x-ray can replay and a GPU can fuse, and changes to a recipe
are checked."""

import pytest

from training.presets import PRESETS, TrainConfig, preset


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_builds(name):
    from model.network import build_model
    from model.weights import ReaderWeights

    config = PRESETS[name]
    model = build_model(config.model)
    lstm_layers = [layer for layer in model.layers if type(layer).__name__ == "LSTM"]
    assert len(lstm_layers) == config.model.lstm_layers
    assert all(layer.units == config.model.units for layer in lstm_layers)
    assert model.output_shape == (None, 10)
    assert len(ReaderWeights.from_keras(model).lstm) == config.model.lstm_layers  # the x-ray can replay it
    assert TrainConfig.from_dict(config.to_dict()) == config


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_lstm_layers_keep_the_cudnn_kernel(name):
    """On a GPU the backend fuses an LSTM into one cuDNN kernel only with these arguments; any other is far slower."""
    import keras

    from model.network import build_model

    lstm_layers = [layer for layer in build_model(PRESETS[name].model).layers if isinstance(layer, keras.layers.LSTM)]
    assert lstm_layers
    for layer in lstm_layers:
        assert layer.cell.activation is keras.activations.tanh
        assert layer.cell.recurrent_activation is keras.activations.sigmoid
        assert layer.cell.recurrent_dropout == 0
        assert layer.unroll is False
        assert layer.cell.use_bias is True
        assert layer.use_cudnn in ("auto", True)


def test_preset_overrides():
    config = preset("morvan", units=64, lstm_layers=2, epochs=3, samples=None, limit=500)
    assert config.model.units == 64 and config.model.lstm_layers == 2 and config.model.projection_units == 128
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
