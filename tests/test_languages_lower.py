"""The words under the pages in 简体中文 and 日本語: a wrong setting on the Train form, a disk's fault (whole sentences for
each outcome, written in English by the training process and translated where the page shows them), and why a model
or a file is refused; each with its values filled in, and in English as before (i18n.use; reset to English after)."""

import errno
import re

import numpy as np
import pytest

import i18n
from model.files import LinkRefused, optional, read_json_checked, record, refuse_link, shape_problem, text, whole
from model.weights import LayerArrays, ReaderWeights, UnsupportedModelError
from training import run_log
from training.presets import preset, share_setting, too_small, whole_setting

# Words that stay as they are in every language: names of things, JSON's and Keras's own words, and the glossary's
# "轮数（epoch）".
KEPT = {
    "epoch",
    "LSTM",
    "GRU",
    "RNN",
    "MNIST",
    "Keras",
    "Row",
    "Reader",
    "JSON",
    "NaN",
    "Dense",
    "softmax",
    "tanh",
    "sigmoid",
    "null",
    "true",
    "false",
}
OUTCOMES = {  # as the callers pass them (training/runs.py, training/train.py, views/pages/train.py)
    "the run could not start": "press Start again",
    "the run could not be resumed": "press Resume again",
    "the run could not be deleted (completely)": "press Delete again",
    "the run stopped": "resume it from its last checkpoint",
    "the model could not be made the default": "press Make default again",
}
FAULTS = [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.ENOENT, errno.EBUSY]


@pytest.fixture
def language():
    yield i18n.use
    i18n.use("en")


def english_left(message: str, *values: str) -> list[str]:
    """The English words in a message, besides the kept ones and the values filled in (file names, typed text)."""
    for value in values:
        message = message.replace(value, " ")
    return [word for word in re.findall(r"[A-Za-z]{2,}", message) if word not in KEPT]


def refusal(check, *args) -> str:
    with pytest.raises(ValueError) as refused:
        check(*args)
    return str(refused.value)


@pytest.mark.parametrize(("language_name", "word"), [("zh", "整数"), ("ja", "整数")])
def test_a_wrong_setting_is_told_in_the_language_with_its_values(language, language_name, word):
    language(language_name)
    told = refusal(whole_setting, "epochs", "1e3")
    assert word in told and "1,000" in told and "'1e3'" in told and "20" in told and not english_left(told, "1e3")
    told = refusal(whole_setting, "batch_size", "0")
    assert "8,192" in told and not english_left(told)
    told = refusal(whole_setting, "layers", "10000")
    assert {"zh": "循环层", "ja": "リカレント層"}[language_name] in told and "10000" in told and not english_left(told)
    for name in ("samples", "units", "limit", "seed"):
        assert not english_left(refusal(whole_setting, name, "x"), "'x'")
    assert not english_left(refusal(share_setting, "lots"), "lots") and "0.5" in refusal(share_setting, "lots")
    assert not english_left(too_small(preset("morvan", limit=200)))
    assert "4,096" in too_small(preset("morvan", limit=2000, batch_size=4096))
    assert not english_left(too_small(preset("morvan", limit=2000, batch_size=4096)))


def test_a_wrong_setting_is_told_in_english_as_before():
    assert refusal(whole_setting, "epochs", "1e3") == "epochs must be a whole number from 1 to 1,000, such as 20; got '1e3'"
    assert (
        refusal(whole_setting, "limit", "nan") == "the number of digits used must be a whole number of at least 20, such as 20; got 'nan'"
    )
    assert refusal(whole_setting, "batch_size", "0") == "batch size must be a whole number from 1 to 8,192; got 0"
    assert too_small(preset("morvan", limit=200)) == "200 digits are too few to learn from: use at least 1,000"


@pytest.mark.parametrize("language_name", ["zh", "ja"])
def test_each_disk_fault_is_a_whole_sentence_in_the_language_for_each_outcome(language, language_name):
    english = {(fault, outcome): run_log.disk_fault_words(fault, outcome, again) for fault in FAULTS for outcome, again in OUTCOMES.items()}
    language(language_name)
    for (fault, outcome), said in english.items():
        told = run_log.disk_fault_words(OSError(fault, "x"), outcome, OUTCOMES[outcome])
        assert told != said and not english_left(told), told
        assert i18n._(said) == told  # what the training process wrote in English reads the same where the page shows it
    linked = run_log.disk_fault_words(LinkRefused("status.json is a link"), "the run could not start", "press Start again")
    assert linked.endswith("：status.json is a link。") and "start" not in linked


def test_disk_faults_read_in_english_as_before():
    told = run_log.disk_fault_words(errno.ENOSPC, "the run stopped", OUTCOMES["the run stopped"])
    assert (
        told == "There is no room left on this computer's disk, so the run stopped: free some space and resume it from its last checkpoint."
    )
    told = run_log.disk_fault_words(OSError(errno.EPERM, "x"), "the run could not start", "press Start again")
    assert told.startswith("The server is not allowed to write in the runs folder, so the run could not start: ask whoever")
    assert run_log.disk_fault_words(errno.EIO, "a thing failed", "try again") == (
        "The disk reported a fault, so a thing failed: ask whoever looks after the server to check the disk, then try again."
    )  # an outcome the table lacks is still told, in English


def test_a_disk_fault_the_training_process_wrote_is_shown_in_chinese(tmp_path, monkeypatch):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    from tests.app_pages import texts
    from tests.training_runs import made_run
    from training.run_folder import FAILED, write_status
    from views.parts.access import ENV_VARIABLE

    monkeypatch.setenv("ROW_READER_RUNS", str(tmp_path))
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    failed = made_run(tmp_path, "20260102-120000-morvan", FAILED)
    english = run_log.disk_fault_words(errno.ENOSPC, "the run stopped", OUTCOMES["the run stopped"])
    write_status(failed, FAILED, pid=1, message=english)
    app = AppTest.from_file("../app.py", default_timeout=120)
    app.query_params["lang"] = "zh"
    app.run().switch_page("views/pages/train.py").run()
    assert not app.exception
    shown = texts(app)
    assert "这台电脑的磁盘已经没有空间了" in shown and english not in shown


def lstm(name="lstm", activation="tanh", arrays=None) -> LayerArrays:
    arrays = arrays or (np.zeros((28, 8)), np.zeros((2, 8)), np.zeros(8))
    return LayerArrays("LSTM", name, arrays, activation=activation, recurrent_activation="sigmoid")


def dense(name, units, activation, inputs=2) -> LayerArrays:
    return LayerArrays("Dense", name, (np.zeros((inputs, units)), np.zeros(units)), activation=activation)


REFUSED_MODELS = {  # a model's layers: what they are refused for, in English
    "no recurrent layer": ([LayerArrays("Dropout", "dropout", ())], "it has no recurrent layer (LSTM, GRU or plain RNN)"),
    "no output": ([lstm()], "it has no 10-way softmax output layer"),
    "wrong rows": (
        [lstm(arrays=(np.zeros((14, 8)), np.zeros((2, 8)), np.zeros(8))), dense("out", 10, "softmax")],
        "it reads rows of 14 pixels, not 28",
    ),
    "relu output": ([lstm(), dense("out", 10, "relu")], "its output layer 'out' uses 'relu', not softmax"),
    "relu cell": ([lstm(activation="relu"), dense("out", 10, "softmax")], "its recurrent layer 'lstm' does not use tanh and sigmoid"),
    "odd name": (
        [lstm(name="<b>x</b>", arrays=(np.zeros((28, 8)),)), dense("out", 10, "softmax")],
        "its recurrent layer (not shown) has 1 weight arrays, not 3",
    ),
    "NaN": (
        [lstm(arrays=(np.full((28, 8), np.nan), np.zeros((2, 8)), np.zeros(8))), dense("out", 10, "softmax")],
        "the model's weights contain NaN or infinite values",
    ),
}


def model_refusal(layers) -> str:
    with pytest.raises(UnsupportedModelError) as refused:
        ReaderWeights.from_layers(layers)
    return str(refused.value)


@pytest.mark.parametrize("case", REFUSED_MODELS)
def test_why_a_model_is_refused_is_told_in_each_language(language, case):
    layers, english = REFUSED_MODELS[case]
    assert model_refusal(layers) == english
    for language_name in ("zh", "ja"):
        language(language_name)
        told = model_refusal(layers)
        assert told != english and not english_left(told, "'out'", "'lstm'", "'relu'"), told
        assert all(number in told for number in re.findall(r"\d+", english)), told
        language("en")


SHAPES = {  # a value, its shape, and what is wrong with it, in English
    "number": ({"a": "high"}, record(a=whole(0, 10)), "a must be a whole number from 0 to 10"),
    "missing": ({}, record(("state",)), "state is missing"),
    "nullable": ({"a": 3}, record(a=optional(text(30))), "a must be text of at most 30 characters, or null"),
    "top": ([1], record(), "it must be a JSON object"),
}


@pytest.mark.parametrize("case", SHAPES)
def test_what_is_wrong_with_a_file_is_told_in_each_language(language, case, tmp_path):
    value, shape, english = SHAPES[case]
    assert shape_problem(value, shape) == english
    for language_name in ("zh", "ja"):
        language(language_name)
        told = shape_problem(value, shape)
        assert told != english and not english_left(told, "state") and all(n in told for n in re.findall(r"\d+", english)), told
        language("en")
    (tmp_path / "status.json").write_text("{not json")
    language("ja")
    _nothing, why = read_json_checked(tmp_path / "status.json", record())
    assert "status.json" in why and not english_left(why, "status.json"), why
    (tmp_path / "model.json").symlink_to(tmp_path / "status.json")
    with pytest.raises(LinkRefused) as refused:
        refuse_link(tmp_path / "model.json")
    assert "model.json" in str(refused.value) and not english_left(str(refused.value), "model.json")
