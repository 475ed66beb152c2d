"""Shared fixtures: the real MNIST folder (from MNIST_DIR only, never a download) and tiny IDX files."""

import gzip
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# Tests never see, or leave anything in, the project's own runs/ (a teacher's default model, their runs).
os.environ["ROW_READER_RUNS"] = tempfile.mkdtemp(prefix="row-reader-test-runs-")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from training.data import IDX_NAMES as IDX_FILES  # noqa: E402

TINY_TRAIN, TINY_TEST = 100, 50


def idx_bytes(array: np.ndarray, magic: int | None = None, shape: tuple | None = None) -> bytes:
    """An IDX file's bytes for a uint8 array; magic and shape may be overridden to make bad headers."""
    array = np.asarray(array, np.uint8)
    shape = array.shape if shape is None else shape
    if magic is None:
        magic = 0x0800 + len(shape)  # unsigned bytes, ndim dimensions: 2051 for images, 2049 for labels
    header = magic.to_bytes(4, "big") + b"".join(int(n).to_bytes(4, "big") for n in shape)
    return header + array.tobytes()


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


@pytest.fixture
def mnist_dir() -> Path:
    """The real MNIST IDX folder named by MNIST_DIR; the test is skipped without it."""
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
