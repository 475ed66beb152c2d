"""MNIST, checked before it is trusted.

Sources, in order: a folder of the four IDX files (from --data-dir or
MNIST_DIR, gzipped or not), the Keras cache (~/.keras/datasets/mnist.npz),
else Keras's own download. Every source is validated: a truncated or corrupt
file raises MnistDataError naming the file, never trains silently. Messages
name files and folders by their names only: they reach the Train page as a
failed run's reason, and a server's paths are not for its visitors.
"""

import gzip
import io
import math
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
NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")
MAX_IDX_BYTES = 50_000_000  # the largest MNIST file, 60,000 training images, is 47,040,016 bytes


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
    raise MnistDataError(f"no {name} (or {name}.gz) in the MNIST folder {_named(folder)}")


def _named(path: Path) -> str:
    """A file or folder as messages name it: by its name, never by where it is on the server."""
    return path.name or str(path)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, unpacked if it is gzipped; a gzip unpacking to more than MNIST's largest file is refused."""
    try:
        raw = path.read_bytes()
    except OSError:  # no permission, or gone since it was found
        raise MnistDataError(f"{_named(path)} cannot be read") from None
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as unpacking:
            data = unpacking.read(MAX_IDX_BYTES + 1)
    except (OSError, EOFError, zlib.error):
        raise MnistDataError(f"{_named(path)} is damaged or cut short (not a complete gzip file)") from None
    if len(data) > MAX_IDX_BYTES:
        raise MnistDataError(f"{_named(path)} unpacks to more than {MAX_IDX_BYTES // 10**6} MB, far more than an MNIST file")
    return data


def read_idx(path: Path, magic: int) -> np.ndarray:
    """One IDX file as a uint8 array, after checking its header against its size; messages name the file by its name."""
    data, name = _read_bytes(path), _named(path)
    ndim = 3 if magic == IMAGE_MAGIC else 1
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise MnistDataError(f"{name} is too short for an IDX file: only {len(data)} bytes, less than its header")
    found_magic = int.from_bytes(data[:4], "big")
    if found_magic != magic:
        kind = "image" if magic == IMAGE_MAGIC else "label"
        raise MnistDataError(f"{name} is not an IDX {kind} file: its magic number is {found_magic}, expected {magic}")
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    expected = header_size + math.prod(shape)  # Python ints: a forged header cannot overflow the size
    if len(data) != expected:
        problem = "is truncated (cut short)" if len(data) < expected else "has trailing bytes"
        raise MnistDataError(f"{name} {problem}: its header says {shape} ({expected:,} bytes), the file has {len(data):,}")
    if ndim == 3 and shape[1:] != (28, 28):
        raise MnistDataError(f"{name} holds images of {shape[1]}x{shape[2]} pixels, expected 28x28")
    return np.frombuffer(data, np.uint8, offset=header_size).reshape(shape)


def _checked(x: np.ndarray, y: np.ndarray, images_name: str, labels_name: str) -> tuple[np.ndarray, np.ndarray]:
    if x.ndim != 3 or x.shape[1:] != (28, 28) or x.dtype != np.uint8:
        raise MnistDataError(f"{images_name} holds {x.dtype} images of shape {x.shape}, expected uint8 images of 28x28")
    if y.ndim != 1 or len(y) != len(x):
        raise MnistDataError(f"{labels_name} holds {len(y)} labels for {len(x)} images in {images_name}; each image needs one label")
    if len(x) == 0:
        raise MnistDataError(f"{images_name} holds no images")
    if not np.issubdtype(y.dtype, np.integer):
        raise MnistDataError(f"{labels_name} holds labels of type {y.dtype}, expected whole numbers 0..9")
    if y.min() < 0 or y.max() > 9:
        bad = int(y.min()) if y.min() < 0 else int(y.max())
        raise MnistDataError(f"{labels_name} holds the label {bad}, outside 0..9")
    return x, y.astype(np.uint8)


def load_idx_folder(folder: Path) -> Mnist:
    paths = {key: _find_idx(folder, name) for key, name in IDX_NAMES.items()}
    arrays = {key: read_idx(path, IMAGE_MAGIC if key.endswith("images") else LABEL_MAGIC) for key, path in paths.items()}
    names = {key: _named(path) for key, path in paths.items()}
    x_train, y_train = _checked(arrays["train_images"], arrays["train_labels"], names["train_images"], names["train_labels"])
    x_test, y_test = _checked(arrays["test_images"], arrays["test_labels"], names["test_images"], names["test_labels"])
    return Mnist(x_train, y_train, x_test, y_test, source=f"IDX files in {folder}")


def load_npz(path: Path) -> Mnist:
    name = _named(path)
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):  # a lone .npy array has no keys and no close()
            raise MnistDataError(f"{name} is not a readable MNIST .npz: it holds a single array, not {', '.join(NPZ_KEYS)}")
        with loaded as archive:
            if missing := [key for key in NPZ_KEYS if key not in archive.files]:
                raise MnistDataError(f"{name} is not a readable MNIST .npz: it has no {', '.join(missing)}")
            arrays = {key: archive[key] for key in NPZ_KEYS}
    except MnistDataError:
        raise
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error):
        raise MnistDataError(f"{name} is not a readable MNIST .npz: it is damaged or cut short") from None
    x_train, y_train = _checked(arrays["x_train"], arrays["y_train"], f"{name}:x_train", f"{name}:y_train")
    x_test, y_test = _checked(arrays["x_test"], arrays["y_test"], f"{name}:x_test", f"{name}:y_test")
    return Mnist(x_train, y_train, x_test, y_test, source=f"Keras cache {path}")


def load_mnist(data_dir: str | os.PathLike | None = None) -> Mnist:
    """MNIST from --data-dir, else MNIST_DIR, else the Keras cache, else Keras's download."""
    folder = data_dir or os.environ.get("MNIST_DIR")
    if folder:
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            problem = "is not a folder" if folder.exists() else "does not exist"
            raise MnistDataError(f"the MNIST folder {_named(folder)} {problem}: give a folder of the four MNIST IDX files")
        return load_idx_folder(folder)
    if KERAS_CACHE.is_file():
        return load_npz(KERAS_CACHE)
    import keras  # only here: the download is the last resort

    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    except Exception:  # Keras wraps network failures in a bare Exception
        raise MnistDataError(
            "no MNIST_DIR, no Keras cache (~/.keras/datasets/mnist.npz), and the download failed: "
            "set MNIST_DIR to a folder of the four MNIST IDX files"
        ) from None
    x_train, y_train = _checked(x_train, y_train, "downloaded x_train", "downloaded y_train")
    x_test, y_test = _checked(x_test, y_test, "downloaded x_test", "downloaded y_test")
    return Mnist(x_train, y_train, x_test, y_test, source="Keras download")
