"""The MNIST loader: good files load, every kind of bad file raises MnistDataError naming the file and the problem."""

import gzip
import os
from pathlib import Path

import numpy as np
import pytest

from model.mnist import MnistDataError, load_idx_folder, load_mnist, load_npz, read_idx


def _idx(folder: Path, key: str, idx_tools) -> Path:
    """The path of one of the four files in a folder, gzipped or not."""
    name = idx_tools.names[key]
    return folder / (name + ".gz") if (folder / (name + ".gz")).exists() else folder / name


def _expect_error(folder: Path, bad_file: Path, *fragments: str) -> str:
    """The message names the bad file by its name, never by where it is on the server."""
    with pytest.raises(MnistDataError) as caught:
        load_idx_folder(folder)
    message = str(caught.value)
    assert bad_file.name in message and str(folder) not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


# --- good files ------------------------------------------------------------------------------------------------


def test_tiny_gzipped_folder_loads(tiny_idx_dir):
    mnist = load_idx_folder(tiny_idx_dir)
    assert mnist.x_train.shape == (100, 28, 28) and mnist.x_train.dtype == np.uint8
    assert mnist.y_train.shape == (100,) and mnist.y_train.dtype == np.uint8
    assert mnist.x_test.shape == (50, 28, 28) and mnist.y_test.shape == (50,)
    assert set(mnist.y_train.tolist()) == set(range(10))
    assert str(tiny_idx_dir) in mnist.source


def test_raw_folder_loads_same_as_gzipped(tmp_path, idx_tools):
    raw = idx_tools.write_folder(tmp_path / "raw", gz=False, seed=3)
    gz = idx_tools.write_folder(tmp_path / "gz", gz=True, seed=3)
    assert not any(p.suffix == ".gz" for p in raw.iterdir())
    a, b = load_idx_folder(raw), load_idx_folder(gz)
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


def test_dotted_file_names_are_found(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "dotted", gz=False)
    for path in list(folder.iterdir()):
        path.rename(folder / path.name.replace("-idx", ".idx"))  # train-images.idx3-ubyte, as some mirrors name them
    assert load_idx_folder(folder).x_train.shape == (100, 28, 28)


def test_real_mnist_folder(mnist_dir):
    mnist = load_idx_folder(mnist_dir)
    assert mnist.x_train.shape == (60000, 28, 28) and mnist.y_train.shape == (60000,)
    assert mnist.x_test.shape == (10000, 28, 28) and mnist.y_test.shape == (10000,)
    assert mnist.x_train.dtype == np.uint8 and mnist.y_train.dtype == np.uint8
    assert set(np.unique(mnist.y_train).tolist()) == set(range(10))
    assert set(np.unique(mnist.y_test).tolist()) == set(range(10))
    assert mnist.x_train.max() == 255 and mnist.x_train.min() == 0
    assert 20 < mnist.x_train.mean() < 45  # white ink on black: mostly background


# --- bad IDX files ------------------------------------------------------------------------------------------------


def test_truncated_images_file(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d", gz=False)
    bad = _idx(folder, "train_images", idx_tools)
    bad.write_bytes(bad.read_bytes()[:-1000])
    _expect_error(folder, bad, "truncated", "(100, 28, 28)")


def test_truncated_gzipped_images_file(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d")
    bad = _idx(folder, "test_images", idx_tools)
    bad.write_bytes(bad.read_bytes()[: len(bad.read_bytes()) // 2])
    _expect_error(folder, bad, "gzip")


def test_gzip_with_corrupt_body(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d")
    bad = _idx(folder, "train_labels", idx_tools)
    data = bytearray(bad.read_bytes())
    data[-8:-4] = bytes(4)  # the CRC no longer matches
    bad.write_bytes(bytes(data))
    _expect_error(folder, bad, "gzip")


def test_a_damaged_gzip_is_named_in_plain_words_not_pythons(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d")
    bad = _idx(folder, "train_images", idx_tools)
    bad.write_bytes(bad.read_bytes()[:-100])  # the gzip stream ends before its end-of-stream marker
    message = _expect_error(folder, bad, "train-images-idx3-ubyte.gz is damaged or cut short (not a complete gzip file)")
    assert "end-of-stream" not in message and "Error" not in message


def test_a_gzip_that_unpacks_to_more_than_mnist_is_refused_unread(tmp_path, idx_tools, monkeypatch):
    monkeypatch.setattr("model.mnist.MAX_IDX_BYTES", 10_000)  # the tiny test images file is 78,416 bytes
    folder = idx_tools.write_folder(tmp_path / "d")
    _expect_error(folder, _idx(folder, "train_images", idx_tools), "unpacks to more than")


@pytest.mark.parametrize("shape", [(2**32 - 1, 65_536, 65_536), (1, 2**32 - 1, 2**32 - 1)])
def test_a_huge_header_gives_its_true_size_not_an_overflowed_one(tmp_path, idx_tools, shape):
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(idx_tools.bytes(np.zeros(64), 2051, shape))
    with pytest.raises(MnistDataError) as caught:
        read_idx(path, 2051)
    expected = 16 + shape[0] * shape[1] * shape[2]
    assert f"({expected:,} bytes)" in str(caught.value) and "-" not in str(caught.value).split("says")[1], str(caught.value)
    assert str(tmp_path) not in str(caught.value)


def test_gzip_of_truncated_idx(tmp_path, idx_tools):
    """A complete gzip stream whose content is cut short is caught by the size check, not the gzip check."""
    folder = idx_tools.write_folder(tmp_path / "d")
    bad = _idx(folder, "train_images", idx_tools)
    bad.write_bytes(gzip.compress(gzip.decompress(bad.read_bytes())[:-784]))
    _expect_error(folder, bad, "truncated")


def test_trailing_bytes(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d", gz=False)
    bad = _idx(folder, "test_labels", idx_tools)
    bad.write_bytes(bad.read_bytes() + b"\0" * 7)
    _expect_error(folder, bad, "trailing bytes")


def test_bad_magic_number(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d")
    bad = _idx(folder, "train_images", idx_tools)
    idx_tools.write(bad, np.zeros((100, 28, 28), np.uint8), magic=1234)
    _expect_error(folder, bad, "magic number is 1234", "2051")


def test_labels_and_images_swapped(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d")
    bad = _idx(folder, "test_labels", idx_tools)
    idx_tools.write(bad, np.zeros((50, 28, 28), np.uint8))  # an image file under a label file's name
    _expect_error(folder, bad, "magic number is 2051", "2049")


def test_empty_file(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d", gz=False)
    bad = _idx(folder, "test_images", idx_tools)
    bad.write_bytes(b"")
    _expect_error(folder, bad, "too short")


def test_label_out_of_range(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d")
    bad = _idx(folder, "train_labels", idx_tools)
    labels = np.arange(100) % 10
    labels[37] = 10
    idx_tools.write(bad, labels)
    _expect_error(folder, bad, "label 10", "0..9")


def test_count_mismatch(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d")
    bad = _idx(folder, "train_labels", idx_tools)
    idx_tools.write(bad, np.arange(99) % 10)
    message = _expect_error(folder, bad, "99 labels for 100 images")
    assert _idx(folder, "train_images", idx_tools).name in message


def test_missing_file(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d")
    _idx(folder, "test_labels", idx_tools).unlink()
    with pytest.raises(MnistDataError) as caught:
        load_idx_folder(folder)
    message = str(caught.value)
    assert folder.name in message and "t10k-labels-idx1-ubyte" in message and "no " in message
    assert str(folder) not in message


def test_wrong_image_size(tmp_path, idx_tools):
    folder = idx_tools.write_folder(tmp_path / "d", gz=False)
    bad = _idx(folder, "train_images", idx_tools)
    idx_tools.write(bad, np.zeros((100, 27, 28), np.uint8), gz=False)
    _expect_error(folder, bad, "27x28", "expected 28x28")


def test_read_idx_single_file(tmp_path, idx_tools):
    path = idx_tools.write(tmp_path / "labels.gz", np.arange(20) % 10)
    np.testing.assert_array_equal(read_idx(path, 2049), np.arange(20) % 10)
    with pytest.raises(MnistDataError, match="magic number is 2049"):
        read_idx(path, 2051)


# --- the Keras .npz cache -------------------------------------------------------------------------------------------


def _write_npz(path: Path, **overrides) -> Path:
    x = np.zeros((30, 28, 28), np.uint8)
    y = (np.arange(30) % 10).astype(np.uint8)
    arrays = dict(x_train=x, y_train=y, x_test=x[:20], y_test=y[:20])
    arrays.update(overrides)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path


def test_good_npz_loads(tmp_path):
    mnist = load_npz(_write_npz(tmp_path / "mnist.npz"))
    assert mnist.x_train.shape == (30, 28, 28) and mnist.y_test.shape == (20,)
    assert "mnist.npz" in mnist.source


@pytest.mark.parametrize(
    "corrupt",
    [
        pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
        pytest.param(lambda good: b"this is not a zip archive\n" * 20, id="garbage"),
        pytest.param(lambda good: b"", id="empty"),
        pytest.param(lambda good: good[:300] + b"\xff" * 200 + good[500:], id="overwritten-middle"),
    ],
)
def test_corrupt_npz(tmp_path, corrupt):
    path = _write_npz(tmp_path / "mnist.npz")
    path.write_bytes(corrupt(path.read_bytes()))
    with pytest.raises(MnistDataError) as caught:
        load_npz(path)
    assert "mnist.npz is not a readable MNIST .npz" in str(caught.value) and str(tmp_path) not in str(caught.value)


def test_npy_instead_of_npz(tmp_path):
    path = tmp_path / "mnist.npz"
    with open(path, "wb") as file:
        np.save(file, np.zeros((3, 28, 28), np.uint8))
    with pytest.raises(MnistDataError, match="single array"):
        load_npz(path)


def test_npz_missing_array(tmp_path):
    path = _write_npz(tmp_path / "mnist.npz", y_test=None)
    with pytest.raises(MnistDataError, match="y_test"):
        load_npz(path)


@pytest.mark.parametrize(
    "labels, fragment",
    [
        (np.r_[np.arange(29) % 10, -1].astype(np.int64), "label -1"),
        (np.r_[np.arange(29) % 10, 12].astype(np.int64), "label 12"),
        ((np.arange(30) % 10).astype(np.float32) + 0.5, "whole numbers"),
    ],
    ids=["negative", "too-big", "float"],
)
def test_npz_bad_labels(tmp_path, labels, fragment):
    path = _write_npz(tmp_path / "mnist.npz", y_train=labels)
    with pytest.raises(MnistDataError) as caught:
        load_npz(path)
    assert "mnist.npz:y_train" in str(caught.value) and fragment in str(caught.value) and str(tmp_path) not in str(caught.value)


def test_npz_wrong_image_shape(tmp_path):
    path = _write_npz(tmp_path / "mnist.npz", x_test=np.zeros((20, 32, 32), np.uint8))
    with pytest.raises(MnistDataError, match="x_test.*28x28"):
        load_npz(path)


# --- which source load_mnist picks --------------------------------------------------------------------------------


def test_data_dir_wins_over_mnist_dir(tmp_path, idx_tools, monkeypatch):
    given = idx_tools.write_folder(tmp_path / "given", n_train=40, n_test=20)
    other = idx_tools.write_folder(tmp_path / "other", n_train=60, n_test=30)
    monkeypatch.setenv("MNIST_DIR", str(other))
    assert len(load_mnist(given).x_train) == 40
    assert len(load_mnist(str(given)).x_train) == 40
    assert len(load_mnist().x_train) == 60  # no folder given: MNIST_DIR
    assert str(other) in load_mnist().source


def test_data_dir_wins_even_when_mnist_dir_is_broken(tmp_path, idx_tools, monkeypatch):
    given = idx_tools.write_folder(tmp_path / "given", n_train=40, n_test=20)
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "does-not-exist"))
    assert len(load_mnist(given).x_test) == 20
    with pytest.raises(MnistDataError, match="does-not-exist"):
        load_mnist()


def test_missing_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("MNIST_DIR", raising=False)
    with pytest.raises(MnistDataError, match="the MNIST folder nowhere does not exist") as caught:
        load_mnist(tmp_path / "nowhere")
    assert str(tmp_path) not in str(caught.value)
    (tmp_path / "a-file").write_bytes(b"x")
    with pytest.raises(MnistDataError, match="a-file is not a folder"):
        load_mnist(tmp_path / "a-file")


def test_load_mnist_from_env(mnist_dir, monkeypatch):
    monkeypatch.setenv("MNIST_DIR", os.fspath(mnist_dir))
    mnist = load_mnist()
    assert len(mnist.x_train) == 60000 and len(mnist.x_test) == 10000
    assert str(mnist_dir) in mnist.source
