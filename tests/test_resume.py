"""training/resume.py and resuming through the CLI: a run stopped with SIGTERM keeps a checkpoint with its
optimizer's state, and a resume carries its steps, its optimizer and its training time on; what may not be
resumed is refused, leaving the folder as it was.

The runs are made once per session (conftest.cancelled_run and resumed_run): MNIST_DIR and 1,500 digits.
"""

import json
import os
import subprocess

import pytest

from tests.training_runs import kinds, run_training_cli, saved_run
from training import progress, run_folder


def test_sigterm_cancels_after_a_checkpoint(cancelled_run):
    from model.storage import load_model, read_metadata

    run_dir, returncode, output = cancelled_run
    assert returncode == 0, output[-3000:]
    assert "SIGTERM" in output and "Stopped" in output
    status = run_folder.read_status(run_dir)
    assert status["state"] == run_folder.CANCELLED, status
    assert 0 < status["step"] < status["total_steps"]
    records = progress.read_progress(run_dir)
    assert kinds(records)[-1] == "cancelled" and "test" not in kinds(records)
    assert not (run_dir / run_folder.MODEL_FILE).exists()
    checkpoint = run_dir / run_folder.CHECKPOINT_FILE
    loaded = load_model(checkpoint)
    assert len(loaded.weights.recurrent) == 2
    meta = read_metadata(checkpoint)
    assert meta["step"] == status["step"] and meta["epochs_done"] >= 1
    assert meta["elapsed_s"] > 0 and status["started_at"] > 0


def test_checkpoint_keeps_the_optimizer_state(cancelled_run):
    """Adam's moments and its step count (which the cosine schedule follows) come back with the weights."""
    from training.resume import load_checkpoint

    run_dir, returncode, output = cancelled_run
    assert returncode == 0, output[-3000:]
    model, point = load_checkpoint(run_dir / run_folder.CHECKPOINT_FILE)
    saved = json.loads((run_dir / "checkpoint.json").read_text())
    assert int(model.optimizer.iterations) == point.step == saved["step"]
    assert point.epochs_done == saved["epochs_done"] and point.elapsed_s == saved["elapsed_s"]
    moments = [v.numpy() for v in model.optimizer.variables if "momentum" in v.path or "velocity" in v.path]
    assert moments and all(abs(m).max() > 0 for m in moments)


def test_resume_finishes_the_run(resumed_run, cancelled_run):
    from model.storage import load_model

    run_dir, before, result = resumed_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Resuming" in result.stdout and "Test accuracy" in result.stdout
    status = run_folder.read_status(run_dir)
    first = run_folder.read_status(cancelled_run[0])
    assert status["state"] == run_folder.DONE and status["step"] == status["total_steps"] == 44
    assert status["pid"] != first["pid"]  # the new process
    assert status["started_at"] == first["started_at"] and status["resumed_at"] > first["updated_at"]
    loaded = load_model(run_dir / run_folder.MODEL_FILE)
    assert loaded.metadata["steps"] == 44 and loaded.metadata["config"]["model"]["units"] == 32
    assert not list(run_dir.glob(".*.tmp*")), "temporary files were left behind"


def test_resume_carries_the_step_count_and_optimizer_on(resumed_run):
    import keras

    run_dir, before, result = resumed_run
    assert result.returncode == 0, result.stderr[-3000:]
    records = progress.read_progress(run_dir)
    resume = next(r for r in records if r["kind"] == "resume")
    assert resume["step"] == before["step"] and resume["epoch"] == before["epochs_done"] and resume["total_steps"] == 44
    assert resume["device"]["kind"] in ("CPU", "GPU")
    assert kinds(records).count("start") == 1 and kinds(records)[-1] == "test"
    steps = [r["step"] for r in records if r["kind"] == "batch"]
    assert steps == sorted(set(steps)) and steps[-1] == 44  # strictly increasing over both processes
    batches = [r for r in records if r["kind"] == "batch"]
    resumed = [r for r in batches if r["time"] > resume["time"]]
    assert resumed and resumed[0]["step"] > before["step"]
    assert resumed[0]["loss"] < batches[0]["loss"]  # carries on from trained weights, not from a fresh model's ~2.3
    final = keras.saving.load_model(run_dir / run_folder.MODEL_FILE, safe_mode=True)
    assert int(final.optimizer.iterations) == 44  # Adam's count went on from the checkpoint's, not from 0


def test_resume_counts_time_over_both_processes(resumed_run):
    """The run's training time is what the first process recorded in its checkpoint plus what the second recorded."""
    run_dir, before, result = resumed_run
    assert result.returncode == 0, result.stderr[-3000:]
    records = progress.read_progress(run_dir)
    resume, test = next(r for r in records if r["kind"] == "resume"), records[-1]
    assert resume["elapsed_s"] == before["elapsed_s"] > 0  # the first process's share, as its checkpoint says
    assert test["kind"] == "test" and test["segment_s"] > 0  # the second process's share
    wall_time = json.loads((run_dir / run_folder.METADATA_FILE).read_text())["wall_time_s"]
    assert wall_time == round(before["elapsed_s"] + test["segment_s"], 1) == test["wall_time_s"]


def test_resume_refuses_a_done_run(finished_run):
    run_dir, result = finished_run
    assert result.returncode == 0, result.stderr[-3000:]
    status_before = (run_dir / run_folder.STATUS_FILE).read_bytes()
    refused = run_training_cli("--resume", "--out", str(run_dir))
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    assert "already done" in refused.stderr and "Traceback" not in refused.stderr
    assert (run_dir / run_folder.STATUS_FILE).read_bytes() == status_before


def test_resume_refuses_a_run_still_training(tmp_path):
    run_dir = saved_run(tmp_path / "run", run_folder.RUNNING, pid=os.getpid(), step=3)  # this test process is alive
    result = run_training_cli("--resume", "--out", str(run_dir))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "still training" in result.stderr and str(os.getpid()) in result.stderr


@pytest.mark.parametrize("config_text", [None, "{not json", '{"preset": "default"}', '{"config": {"epochs": 0}}'])
def test_resume_without_a_usable_config_exits_2(tmp_path, config_text):
    run_dir = tmp_path / "run"
    if config_text is not None:
        run_dir.mkdir()
        (run_dir / run_folder.CONFIG_FILE).write_text(config_text)
    result = run_training_cli("--resume", "--out", str(run_dir))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert run_folder.CONFIG_FILE in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in run_dir.glob("*")) == ([] if config_text is None else [run_folder.CONFIG_FILE])


def test_resume_with_a_corrupt_checkpoint_fails(tmp_path):
    """In this process, to spare a Keras start-up: the CLI turns CheckpointError into exit status 1."""
    from training.resume import CheckpointError
    from training.train import resume_training

    run_dir = saved_run(tmp_path / "run", run_folder.CANCELLED, pid=1, step=3, started_at=123.0)
    (run_dir / run_folder.CHECKPOINT_FILE).write_bytes(b"PK\x03\x04 not really a zip")
    files_before = {p.name: p.read_bytes() for p in run_dir.iterdir() if p.name != run_folder.STATUS_FILE}
    with pytest.raises(CheckpointError, match=run_folder.CHECKPOINT_FILE):
        resume_training(run_dir, data_dir=str(tmp_path / "no-data-needed"))
    status = run_folder.read_status(run_dir)
    assert status["state"] == run_folder.FAILED and run_folder.CHECKPOINT_FILE in status["message"]
    assert status["pid"] == os.getpid() and status["started_at"] == 123.0
    assert {p.name: p.read_bytes() for p in run_dir.iterdir() if p.name != run_folder.STATUS_FILE} == files_before


def gone_pid() -> int:
    """The pid of a process that has ended, as a killed training process's is."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_resume_without_a_checkpoint_starts_again(mnist_dir, tmp_path):
    """Killed mid-save before its first checkpoint: the resume starts over, and clears what the killed writer left."""
    run_dir = saved_run(tmp_path / "run", run_folder.FAILED, pid=gone_pid(), message="MemoryError: ")
    (run_dir / ".checkpoint.k1ll3d_x.tmp.keras").write_bytes(b"PK\x03\x04 half a checkpoint")
    result = run_training_cli("--resume", "--out", str(run_dir), mnist_dir=mnist_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not list(run_dir.glob(".*.tmp*")), "the killed writer's temporary file was left"
    assert "starts again from the beginning" in result.stdout
    assert run_folder.read_status(run_dir)["state"] == run_folder.DONE
    records = progress.read_progress(run_dir)
    assert kinds(records).count("start") == 2 and "resume" not in kinds(records)  # readers keep what follows the last start
    metadata = json.loads((run_dir / run_folder.METADATA_FILE).read_text())
    assert metadata["steps"] == 5 and metadata["config"]["model"]["units"] == 16


def test_a_resumed_segment_gets_its_own_seed():
    from training.resume import segment_seed

    assert segment_seed(7, 0) == 7  # a fresh run keeps its seed
    assert len({segment_seed(7, step) for step in (0, 11, 22, 30)}) == 4
    assert 0 <= segment_seed(2**32 - 1, 5) < 2**32


def checkpoint_without_optimizer(path, compiled: bool) -> None:
    """The tiny saved run's model as a checkpoint that lost its optimizer: saved uncompiled, or compiled but without it."""
    from model.network import build_model
    from training.presets import preset
    from training.train import compile_model

    model = build_model(preset("default", limit=600, epochs=1, units=16).model)
    if compiled:
        compile_model(model, preset("default"), total_steps=5)
    model.save(path, include_optimizer=False)
    path.with_suffix(".json").write_text(json.dumps({"epochs_done": 1, "step": 3, "elapsed_s": 2.0}))


def test_resume_from_a_checkpoint_without_its_optimizer_exits_1_and_says_so(tmp_path):
    run_dir = saved_run(tmp_path / "run", run_folder.CANCELLED, pid=1, step=3)
    checkpoint_without_optimizer(run_dir / run_folder.CHECKPOINT_FILE, compiled=False)
    result = run_training_cli("--resume", "--out", str(run_dir))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "error: checkpoint.keras was saved without its optimizer, so training cannot carry on from it" in result.stderr
    assert "Traceback" not in result.stderr and "AttributeError" not in result.stderr
    status = run_folder.read_status(run_dir)
    assert status["state"] == run_folder.FAILED and status["message"].startswith("checkpoint.keras was saved without")
    assert str(tmp_path) not in status["message"]  # the Train page shows it: no server paths


def test_a_checkpoint_whose_optimizer_state_is_missing_is_refused(tmp_path):
    """Keras only warns, and hands back a fresh optimizer at step 0: carrying on would restart Adam and the schedule."""
    from training.resume import CheckpointError, load_checkpoint

    checkpoint = tmp_path / run_folder.CHECKPOINT_FILE
    checkpoint_without_optimizer(checkpoint, compiled=True)
    with pytest.raises(CheckpointError, match="saved without its optimizer"):
        load_checkpoint(checkpoint)
