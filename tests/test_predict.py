"""The predict CLI: one line per image, per-file errors that do not stop the others."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from harness.drawn_digits import draw_seven

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_model(tmp_path_factory):
    """A small untrained model: the CLI's plumbing does not need a good one."""
    from model.config import ModelConfig
    from model.network import build_model
    from model.storage import save_model

    path = tmp_path_factory.mktemp("model") / "small.keras"
    save_model(build_model(ModelConfig(projection_units=16, layers=1, units=16)), path)
    return path


def predict(*args):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "model.predict", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    folder = tmp_path_factory.mktemp("images")
    paths = {"seven": folder / "seven.png", "mnist": folder / "mnist.png", "empty": folder / "empty.png",
             "text": folder / "notes.png", "wrong_size": folder / "wide.png"}  # fmt: skip
    Image.fromarray(draw_seven()).save(paths["seven"])
    mnist = np.zeros((28, 28), np.uint8)
    mnist[5:23, 12:16] = 255
    Image.fromarray(mnist).save(paths["mnist"])
    Image.fromarray(np.full((200, 200), 255, np.uint8)).save(paths["empty"])
    paths["text"].write_text("this is not an image")
    Image.fromarray(np.zeros((28, 40), np.uint8)).save(paths["wrong_size"])
    return paths


def test_json_lines_with_probabilities_after_every_row(small_model, images):
    result = predict("--json", "--model", small_model, images["seven"], images["mnist"])
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["path"] for line in lines] == [str(images["seven"]), str(images["mnist"])]
    for line in lines:
        assert 0 <= line["digit"] <= 9 and 0 < line["confidence"] <= 1
        step_probs = np.array(line["step_probs"])
        assert step_probs.shape == (28, 10)
        np.testing.assert_allclose(step_probs.sum(axis=1), 1, atol=1e-4)
        assert line["digit"] == step_probs[-1].argmax()


def test_bad_files_are_reported_and_the_rest_still_read(small_model, images, tmp_path):
    missing = tmp_path / "missing.png"
    result = predict("--json", "--model", small_model, images["text"], images["seven"], images["empty"], missing)
    assert result.returncode == 1
    lines = {line["path"]: line for line in map(json.loads, result.stdout.splitlines())}
    assert "not a picture we can read" in lines[str(images["text"])]["error"]
    assert "no digit found" in lines[str(images["empty"])]["error"]
    assert lines[str(missing)]["error"] == "no such file"
    assert "digit" in lines[str(images["seven"])]


def test_plain_output_and_no_preprocess(small_model, images):
    result = predict("--model", small_model, "--no-preprocess", images["mnist"], images["wrong_size"])
    assert result.returncode == 1
    first, second = result.stdout.splitlines()
    assert first.startswith(f"{images['mnist']}: ") and "%" in first
    assert "needs a 28x28 image" in second


def test_a_model_that_is_not_a_keras_file_is_refused(images, tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a zip")
    result = predict("--model", broken, images["seven"])
    assert result.returncode == 2
    assert "not a Keras .keras file" in result.stderr


def test_a_missing_file_and_a_folder_are_said_in_plain_words(small_model, images, tmp_path):
    result = predict("--model", small_model, tmp_path / "digit.png", tmp_path, images["seven"])
    assert result.returncode == 1
    missing, folder, seven = result.stdout.splitlines()
    assert missing == f"{tmp_path / 'digit.png'}: error: no such file"
    assert folder == f"{tmp_path}: error: it is a folder, not an image"
    assert seven.startswith(f"{images['seven']}: ") and "%" in seven
    assert "Errno" not in result.stdout and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def nan_model(tmp_path_factory):
    """A model file whose weights are all NaN, as a damaged or diverged training run might leave."""
    from model.config import ModelConfig
    from model.network import build_model
    from model.storage import save_model

    model = build_model(ModelConfig(projection_units=16, layers=1, units=16))
    for weight in model.weights:
        weight.assign(np.full(weight.shape, np.nan, np.float32))
    path = tmp_path_factory.mktemp("model") / "nan.keras"
    save_model(model, path)
    return path


def test_a_model_with_nan_weights_gives_no_answer(nan_model, images):
    """Refused when it loads (model/weights.py) or when its answers come out: never "0 (nan%)" with success."""
    result = predict("--model", nan_model, images["seven"])
    assert result.returncode != 0
    assert "nan" not in result.stdout.lower()
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


def test_probabilities_that_are_not_numbers_are_an_error_not_an_answer(small_model, images, monkeypatch, capsys):
    """Whatever the loader lets through, predict itself never prints a NaN as an answer."""
    import model.xray
    from model.predict import main

    monkeypatch.setattr(model.xray, "step_probabilities", lambda weights, batch: np.full((len(batch), 28, 10), np.nan))
    assert main(["--model", str(small_model), str(images["seven"])]) == 1
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.startswith("error: the model's answers are not numbers")
