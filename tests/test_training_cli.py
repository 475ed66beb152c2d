"""training/__main__.py: `python -m training` refuses bad settings with exit status 2 and a message, before it writes
anything. (Runs through it to the end are in test_train.py and test_resume.py.)"""

import json

import pytest

from tests.training_runs import run_training_cli


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "-1"], "epochs must be a whole number from 1 to 1,000, such as 20; got '-1'"),
        (["--epochs", "0"], "epochs must be a whole number from 1 to 1,000; got 0"),
        (["--epochs", "5000"], "epochs must be a whole number from 1 to 1,000; got 5000"),
        (["--epochs", "1e3"], "epochs must be a whole number from 1 to 1,000, such as 20; got '1e3'"),
        (["--epochs", "2.5"], "got '2.5'"),
        (["--epochs", "99999999999999999999"], "got 99999999999999999999"),
        (["--layers", "10000"], "LSTM layers must be a whole number from 1 to 3; got 10000"),
        (["--units", "100000"], "units must be a whole number from 1 to 1,024; got 100000"),
        (["--units", "1e30"], "units must be a whole number from 1 to 1,024, such as 20; got '1e30'"),
        (["--lr", "abc"], "the learning rate must be a number above 0 and at most 1, such as 0.001; got 'abc'"),
        (["--lr", "5"], "got '5'"),
        (["--lr", "nan"], "got 'nan'"),
        (["--lr", "inf"], "got 'inf'"),
        (["--batch-size", "0"], "batch size must be a whole number from 1 to 8,192; got 0"),
        (["--limit", "5"], "the number of digits used must be a whole number of at least 20; got 5"),
        (["--seed", "-1"], "seed must be a whole number from 0 to 4,294,967,295"),
        (["--preset", "nope"], "invalid choice"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_invalid_values_exit_2(tmp_path, args, message):
    out = tmp_path / "X"
    result = run_training_cli(*args, "--out", str(out))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()  # nothing is written for a run that never started


def test_out_is_required():
    result = run_training_cli("--epochs", "1")
    assert result.returncode == 2 and "--out" in result.stderr


@pytest.mark.parametrize("settings", [["--preset", "morvan"], ["--epochs", "2"], ["--limit", "100", "--lr", "0.1"], ["--no-augment"]])
def test_resume_with_settings_exits_2(tmp_path, settings):
    result = run_training_cli("--resume", *settings, "--out", str(tmp_path / "run"))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "--resume carries on with the run's saved settings" in result.stderr and settings[0] in result.stderr


def test_a_settings_file_is_all_the_settings_and_a_bad_one_is_named(tmp_path):
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"preset": "morvan", "config": {"epochs": 5000}}))
    with_more = run_training_cli("--config", str(settings), "--epochs", "2", "--out", str(tmp_path / "run"))
    assert with_more.returncode == 2 and "--config gives all the settings; leave out --epochs" in with_more.stderr
    bad = run_training_cli("--config", str(settings), "--out", str(tmp_path / "run"))
    assert bad.returncode == 2 and "settings.json holds invalid settings (epochs must be 1 to 1000, got 5000)" in bad.stderr
    assert "Traceback" not in bad.stderr and not (tmp_path / "run").exists()
