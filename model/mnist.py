"""MNIST, checked before it is trusted.

Sources, in order: a folder of the four IDX files (from --data-dir or
MNIST_DIR, gzipped or not), the Keras cache (~/.keras/datasets/mnist.npz),
else Keras's own download. Every source is validated: a truncated or corrupt
file raises MnistDataError naming the file, never trains silently.
"""

import gzip
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_MAGIC = 2051  # IDX: unsigned bytes, 3 dimensions
LABEL_MAGIC = 2049  # IDX: unsigned bytes, 1 dimension
IDX_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
KERAS_CACHE = Path.home() / ".keras" / "datasets" / "mnist.npz"


class MnistDataError(ValueError):
    """A data file is missing, truncated or not MNIST; the message names it."""


@dataclass(frozen=True)
class Mnist:
    x_train: np.ndarray  # (n, 28, 28) uint8, white ink on black
    y_train: np.ndarray  # (n,) uint8 in 0..9
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # where it came from, for run metadata


def _find_idx(folder: Path, name: str) -> Path:
    candidates = [name, name + ".gz", name.replace("-idx", ".idx"), name.replace("-idx", ".idx") + ".gz"]
    for candidate in candidates:
        if (folder / candidate).is_file():
            return folder / candidate
    raise MnistDataError(f"{folder}: no {name} (or {name}.gz) in this folder")


def _read_bytes(path: Path) -> bytes:
    raw = path.read_bytes()
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise MnistDataError(f"{path}: corrupt or truncated gzip ({error})") from None


def read_idx(path: Path, magic: int) -> np.ndarray:
    """One IDX file as a uint8 array, after checking its header against its size."""
    data = _read_bytes(path)
    ndim = 3 if magic == IMAGE_MAGIC else 1
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise MnistDataError(f"{path}: only {len(data)} bytes, too short for an IDX header")
    found_magic = int.from_bytes(data[:4], "big")
    if found_magic != magic:
        kind = "image" if magic == IMAGE_MAGIC else "label"
        raise MnistDataError(f"{path}: magic number {found_magic}, expected {magic} for an IDX {kind} file")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header_size + int(np.prod(shape))
    if len(data) != expected:
        problem = "truncated" if len(data) < expected else "has trailing bytes"
        raise MnistDataError(f"{path}: {problem}: header says {shape} ({expected} bytes), file has {len(data)}")
    if ndim == 3 and shape[1:] != (28, 28):
        raise MnistDataError(f"{path}: images are {shape[1]}x{shape[2]}, expected 28x28")
    return np.frombuffer(data, np.uint8, offset=header_size).reshape(shape)


def _checked(x: np.ndarray, y: np.ndarray, images_name: str, labels_name: str) -> tuple[np.ndarray, np.ndarray]:
    if x.ndim != 3 or x.shape[1:] != (28, 28) or x.dtype != np.uint8:
        raise MnistDataError(f"{images_name}: expected uint8 images of 28x28, got {x.dtype} {x.shape}")
    if y.ndim != 1 or len(y) != len(x):
        raise MnistDataError(f"{labels_name}: {len(y)} labels for {len(x)} images in {images_name}")
    if len(x) == 0:
        raise MnistDataError(f"{images_name}: holds no images")
    if not np.issubdtype(y.dtype, np.integer):
        raise MnistDataError(f"{labels_name}: labels are {y.dtype}, expected whole numbers 0..9")
    if y.min() < 0 or y.max() > 9:
        bad = int(y.min()) if y.min() < 0 else int(y.max())
        raise MnistDataError(f"{labels_name}: label {bad} is outside 0..9")
    return x, y.astype(np.uint8)


def load_idx_folder(folder: Path) -> Mnist:
    paths = {key: _find_idx(folder, name) for key, name in IDX_NAMES.items()}
    arrays = {key: read_idx(path, IMAGE_MAGIC if key.endswith("images") else LABEL_MAGIC) for key, path in paths.items()}
    x_train, y_train = _checked(arrays["train_images"], arrays["train_labels"], paths["train_images"], paths["train_labels"])
    x_test, y_test = _checked(arrays["test_images"], arrays["test_labels"], paths["test_images"], paths["test_labels"])
    return Mnist(x_train, y_train, x_test, y_test, source=f"IDX files in {folder}")


def load_npz(path: Path) -> Mnist:
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):  # a lone .npy array has no keys and no close()
            raise KeyError("a single array, not an archive of x_train, y_train, x_test, y_test")
        with loaded as archive:
            arrays = {key: archive[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, zlib.error) as error:
        raise MnistDataError(f"{path}: not a readable MNIST .npz ({type(error).__name__}: {error})") from None
    x_train, y_train = _checked(arrays["x_train"], arrays["y_train"], f"{path}:x_train", f"{path}:y_train")
    x_test, y_test = _checked(arrays["x_test"], arrays["y_test"], f"{path}:x_test", f"{path}:y_test")
    return Mnist(x_train, y_train, x_test, y_test, source=f"Keras cache {path}")


def load_mnist(data_dir: str | os.PathLike | None = None) -> Mnist:
    """MNIST from --data-dir, else MNIST_DIR, else the Keras cache, else Keras's download."""
    folder = data_dir or os.environ.get("MNIST_DIR")
    if folder:
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise MnistDataError(f"{folder}: no such folder of MNIST IDX files")
        return load_idx_folder(folder)
    if KERAS_CACHE.is_file():
        return load_npz(KERAS_CACHE)
    import keras  # only here: the download is the last resort

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception as error:  # Keras wraps network failures in a bare Exception
        raise MnistDataError(f"no MNIST_DIR, no {KERAS_CACHE}, and the download failed ({error})") from None
    x_train, y_train = _checked(x_train, y_train, "downloaded x_train", "downloaded y_train")
    x_test, y_test = _checked(x_test, y_test, "downloaded x_test", "downloaded y_test")
    return Mnist(x_train, y_train, x_test, y_test, source="Keras download")
