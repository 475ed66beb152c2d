"""Shared fixtures: the real MNIST folder (from MNIST_DIR only, never a download), tiny IDX files, a runs folder of
each test's own, and three training runs made once per session through the CLI (finished, cancelled, resumed).
"""

import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Tests never see, or leave anything in, the project's own runs/ (a teacher's default model, their runs);
# each test gets a runs folder of its own below (this one is for code that runs before any test).
os.environ["ROW_READER_RUNS"] = tempfile.mkdtemp(prefix="row-reader-test-runs-")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import i18n  # noqa: E402
from harness.fuzz import idx_bytes  # noqa: E402
from harness.waiting import wait_until  # noqa: E402
from model.mnist import IDX_NAMES as IDX_FILES  # noqa: E402
from tests.training_runs import cli_env, kinds, run_training_cli, training_cli  # noqa: E402
from training import progress  # noqa: E402

TINY_TRAIN, TINY_TEST = 100, 50


def write_idx(path: Path, array: np.ndarray, gz: bool = True, **header) -> Path:
    data = idx_bytes(array, **header)
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def write_idx_folder(folder: Path, n_train: int = TINY_TRAIN, n_test: int = TINY_TEST, gz: bool = True, seed: int = 0) -> Path:
    """The four standard files with random 28x28 images and labels covering 0..9."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train_images": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "train_labels": (np.arange(n_train) % 10).astype(np.uint8),
        "test_images": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "test_labels": (np.arange(n_test) % 10).astype(np.uint8),
    }
    for key, name in IDX_FILES.items():
        write_idx(folder / (name + ".gz" if gz else name), arrays[key], gz=gz)
    return folder


@pytest.fixture(autouse=True)
def main_module_restored():
    """Each test ends with pytest's own __main__ back in place. AppTest runs a page as __main__ in this process and
    leaves it there, and a process spawned later (canvas_style's workers) would run that page again first: a page
    made by AppTest.from_function then fails in the child, and the pool breaks."""
    main = sys.modules.get("__main__")
    yield
    sys.modules["__main__"] = main


try:  # Playwright's expect() waits 5 s unless told: under a busy 2-core machine a page answers later, never wrongly
    from playwright.sync_api import expect

    from harness.browser import PAGE_TIMEOUT_MS

    expect.set_options(timeout=PAGE_TIMEOUT_MS)
except ImportError:  # no browser tests here
    pass


@pytest.fixture(autouse=True)
def english_again():
    """Each test ends in English, whatever language it read in (i18n.use): the next test starts where any would."""
    yield
    i18n.use(i18n.DEFAULT)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The real MNIST IDX folder named by MNIST_DIR; the test is skipped without it.

    Session-wide, so set up before any test's monkeypatching: it always names the real folder.
    """
    value = os.environ.get("MNIST_DIR")
    if not value:
        pytest.skip("MNIST_DIR is not set (point it at a folder of the four MNIST IDX files)")
    folder = Path(value).expanduser()
    if not folder.is_dir():
        pytest.skip(f"MNIST_DIR={value} is not a folder")
    return folder


@pytest.fixture
def tiny_idx_dir(tmp_path) -> Path:
    """A folder of small valid gzipped IDX files: 100 training and 50 test images."""
    return write_idx_folder(tmp_path / "tiny")


@pytest.fixture
def idx_tools():
    """The IDX writers above, for tests that build their own (often broken) files."""
    return IDX_TOOLS


class _IdxTools:
    names = IDX_FILES
    bytes = staticmethod(idx_bytes)
    write = staticmethod(write_idx)
    write_folder = staticmethod(write_idx_folder)


IDX_TOOLS = _IdxTools()


@pytest.fixture(autouse=True)
def runs_dir(tmp_path_factory, monkeypatch) -> Path:
    """An empty runs folder for this test alone, and no training password from the developer's environment."""
    folder = tmp_path_factory.mktemp("runs")
    monkeypatch.setenv("ROW_READER_RUNS", str(folder))
    monkeypatch.delenv("ROW_READER_TRAINING_PASSWORD", raising=False)
    return folder


# --- training runs through the CLI, made once per session: a Keras start-up costs seconds ----------------------------


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory, mnist_dir):
    """A tiny default run to the end: (run_dir, completed process)."""
    run_dir = tmp_path_factory.mktemp("finished") / "tiny"
    result = run_training_cli("--preset", "default", "--limit", "600", "--epochs", "1", "--out", str(run_dir), mnist_dir=mnist_dir)
    return run_dir, result


CANCELLED_RUN = ("--preset", "default", "--limit", "1500", "--epochs", "4", "--units", "32")  # 11 steps an epoch, 44 in all


@pytest.fixture(scope="session")
def cancelled_run(tmp_path_factory, mnist_dir):
    """A run stopped with SIGTERM once its first epoch is done: (run_dir, returncode, output)."""
    folder = tmp_path_factory.mktemp("cancel")
    run_dir = folder / "run"
    with open(folder / "output.txt", "w+") as log:
        process = subprocess.Popen(
            training_cli(*CANCELLED_RUN, "--out", str(run_dir)), cwd=REPO_ROOT, env=cli_env(mnist_dir), stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until(lambda: process.poll() is not None or "epoch" in kinds(progress.read_progress(run_dir)), 300, "the first epoch")
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"training ended early with {process.returncode}:\n{log.read()[-3000:]}")
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=300)
        finally:
            if process.poll() is None:  # only the process this fixture started
                process.kill()
                process.wait()
        log.seek(0)
        output = log.read()
    return run_dir, returncode, output


@pytest.fixture(scope="session")
def resumed_run(cancelled_run, tmp_path_factory, mnist_dir):
    """A copy of the cancelled run, resumed to the end: (run_dir, the checkpoint's metadata before, completed process)."""
    cancelled_dir, returncode, output = cancelled_run
    assert returncode == 0, output[-3000:]
    run_dir = tmp_path_factory.mktemp("resume") / "run"
    shutil.copytree(cancelled_dir, run_dir)
    before = json.loads((run_dir / "checkpoint.json").read_text())
    return run_dir, before, run_training_cli("--resume", "--out", str(run_dir), mnist_dir=mnist_dir)
