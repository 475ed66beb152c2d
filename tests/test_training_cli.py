"""training/__main__.py: `python -m training` refuses bad settings with exit status 2 and a message, before it writes
anything, and a stop asked before training begins leaves a cancelled run that resumes. (Runs through it to the end are
in test_train.py and test_resume.py.)"""

import json
import signal
import subprocess
from contextlib import contextmanager
from subprocess import PIPE

import pytest

from tests.training_runs import cli_env, run_training_cli, training_cli
from training import run_folder
from training.cli import new_run_config, parse_args
from training.presets import PRESETS
from training.run_folder import REPO_ROOT


@pytest.mark.parametrize(
    "args, message",
    [
        (["--epochs", "-1"], "epochs must be a whole number from 1 to 1,000, such as 20; got '-1'"),
        (["--epochs", "0"], "epochs must be a whole number from 1 to 1,000; got 0"),
        (["--epochs", "5000"], "epochs must be a whole number from 1 to 1,000; got 5000"),
        (["--epochs", "1e3"], "epochs must be a whole number from 1 to 1,000, such as 20; got '1e3'"),
        (["--epochs", "2.5"], "got '2.5'"),
        (["--epochs", "99999999999999999999"], "got 99999999999999999999"),
        (["--layers", "10000"], "recurrent layers must be a whole number from 1 to 3; got 10000"),
        (["--units", "100000"], "units must be a whole number from 1 to 1,024; got 100000"),
        (["--units", "1e30"], "units must be a whole number from 1 to 1,024, such as 20; got '1e30'"),
        (["--lr", "abc"], "the learning rate must be a number above 0 and at most 1, such as 0.001; got 'abc'"),
        (["--lr", "5"], "got '5'"),
        (["--lr", "nan"], "got 'nan'"),
        (["--lr", "inf"], "got 'inf'"),
        (["--drawn", "1.5"], "the share of digits drawn as on a canvas must be a number from 0 to 1, such as 0.5; got '1.5'"),
        (["--drawn", "nan"], "got 'nan'"),
        (["--batch-size", "0"], "batch size must be a whole number from 1 to 8,192; got 0"),
        (["--limit", "5"], "the number of digits used must be a whole number of at least 20; got 5"),
        (["--seed", "-1"], "seed must be a whole number from 0 to 4,294,967,295"),
        (["--preset", "nope"], "invalid choice"),
        (["--cell", "transformer"], "argument --cell: invalid choice: 'transformer' (choose from"),
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


@pytest.mark.parametrize(
    ("args", "recipe", "cell"),
    [
        ([], "default", "lstm"),  # the seeds' recipes keep their LSTM
        (["--cell", "gru"], "default", "gru"),
        (["--preset", "lesson", "--cell", "rnn"], "lesson", "rnn"),
        (["--preset", "gru"], "gru", "gru"),  # each cell's own recipe
        (["--preset", "rnn"], "rnn", "rnn"),
        (["--preset", "rnn", "--cell", "lstm"], "rnn", "lstm"),
    ],
)
def test_the_cell_given_is_the_runs_and_the_rest_is_the_recipes(tmp_path, args, recipe, cell):
    name, config = new_run_config(parse_args(["--out", str(tmp_path / "run"), *args]))
    assert name == recipe and config.model.cell == cell
    recipe_config = PRESETS[recipe]
    assert config.epochs == recipe_config.epochs and config.learning_rate == recipe_config.learning_rate
    run_folder.write_config(tmp_path / "run", name, config.to_dict())  # as training/__main__.py keeps it
    saved = json.loads((tmp_path / "run" / run_folder.CONFIG_FILE).read_text())
    assert saved["config"]["model"]["cell"] == cell
    assert run_folder.read_settings(tmp_path / "run" / run_folder.CONFIG_FILE)[1] == config


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


@contextmanager
def signals_held(*signals):
    """Signals sent to a process started inside are held until it unblocks them, as a launcher may start a run."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, set(signals))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def test_a_cancel_as_the_run_starts_is_recorded_as_cancelled_and_the_run_resumes(tmp_path, mnist_dir):
    """SIGTERM (the Train page's Cancel) sent the moment the process exists, long before Keras has loaded."""
    run_dir = tmp_path / "run"
    command = training_cli("--preset", "default", "--limit", "200", "--epochs", "1", "--units", "8", "--out", str(run_dir))
    with signals_held(signal.SIGTERM):
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=cli_env(mnist_dir), stdout=PIPE, stderr=PIPE, text=True)
    try:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=300)
    finally:
        if process.poll() is None:  # only the process this test started
            process.kill()
            process.wait()
    assert process.returncode == 0, (stdout, stderr)
    assert "Cancelled before training began" in stdout and "Traceback" not in stderr
    status = run_folder.read_status(run_dir)
    assert status["state"] == run_folder.CANCELLED and status["message"] == "Cancelled before training began"
    assert not (run_dir / run_folder.CHECKPOINT_FILE).exists()

    resumed = run_training_cli("--resume", "--out", str(run_dir), mnist_dir=mnist_dir)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "starts again from the beginning" in resumed.stdout
    status = run_folder.read_status(run_dir)
    assert status["state"] == run_folder.DONE and status["step"] == status["total_steps"]
    assert json.loads((run_dir / run_folder.METADATA_FILE).read_text())["config"]["model"]["units"] == 8  # its saved settings
    own = (run_dir / run_folder.RUN_LOG_FILE).read_text().splitlines()  # the run's own lines, all the Train page shows of its log
    assert own[0].startswith("Cancelled before training began.") and own[-1].startswith("Test accuracy ")
    assert own[1].startswith("Resuming the run in ") and "starts again from the beginning" in own[2]
    assert [line for line in own if line.startswith("Epoch 1 ended at step ")]
    assert not [line for line in own if "tensorflow" in line.lower() or ".cc:" in line or "Errno" in line or "Traceback" in line]
