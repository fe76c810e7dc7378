"""Image loaders: IDX files the test writes, the shipped Fashion-MNIST and digits (SMC §7)."""

import gzip
import struct

import numpy as np
import pytest

pytest.importorskip("torch")

from modelcollapse.experiments.data.images import (
    DEBIAN_FASHION_MNIST,
    load_idx_directory,
    load_image_data,
    read_idx,
)


def write_idx(path, array: np.ndarray, code: int = 0x08, compress: bool = False) -> None:
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    dtype = {0x08: ">u1", 0x0D: ">f4", 0x0C: ">i4"}[code]
    payload = header + array.astype(dtype).tobytes()
    if compress:
        with gzip.open(path, "wb") as f:
            f.write(payload)
    else:
        path.write_bytes(payload)


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize(("code", "dtype"), [(0x08, np.uint8), (0x0D, np.float32), (0x0C, np.int32)])
def test_read_idx_round_trips(tmp_path, compress, code, dtype):
    rng = np.random.default_rng(0)
    array = (rng.random((7, 5, 3)) * 200).astype(dtype)
    path = tmp_path / ("x.idx.gz" if compress else "x.idx")
    write_idx(path, array, code, compress)
    out = read_idx(path)
    assert out.shape == array.shape and out.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out, array)


def test_read_idx_rejects_bad_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x08\x01\x00\x00\x00\x02ab")
    with pytest.raises(ValueError, match="not an IDX"):
        read_idx(tmp_path / "bad")
    write_idx(tmp_path / "short", np.zeros(4, dtype=np.uint8))
    (tmp_path / "short").write_bytes((tmp_path / "short").read_bytes()[:-1])
    with pytest.raises(ValueError, match="header says"):
        read_idx(tmp_path / "short")


def _write_mnist_layout(directory, n_train=12, n_test=5, compress=False):
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, 28, 28)),
        "train-labels-idx1-ubyte": np.arange(n_train) % 10,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, 28, 28)),
        "t10k-labels-idx1-ubyte": np.arange(n_test) % 10,
    }
    for name, array in arrays.items():
        write_idx(directory / (name + (".gz" if compress else "")), array, compress=compress)
    return arrays


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_loader_on_written_idx_files(tmp_path, compress):
    arrays = _write_mnist_layout(tmp_path, compress=compress)
    data = load_image_data("mnist", tmp_path)
    assert data.x_train.shape == (12, 784) and data.x_test.shape == (5, 784)
    assert data.x_train.dtype == np.float32 and 0 <= data.x_train.min() and data.x_train.max() <= 1
    np.testing.assert_allclose(data.x_train[3] * 255, arrays["train-images-idx3-ubyte"][3].ravel(), atol=1e-4)
    np.testing.assert_array_equal(data.y_test, arrays["t10k-labels-idx1-ubyte"])
    assert data.n_classes == 10 and data.d == 784


def test_mismatched_lengths_and_missing_files_fail(tmp_path):
    _write_mnist_layout(tmp_path)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(3, dtype=np.uint8))
    with pytest.raises(ValueError, match="test images and labels differ"):
        load_idx_directory(tmp_path, "mnist")
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels"):
        load_idx_directory(tmp_path, "mnist")


def test_mnist_without_files_or_download_fails_loudly():
    with pytest.raises(FileNotFoundError, match="MNIST needs"):
        load_image_data("mnist")
    with pytest.raises(ValueError, match="dataset must be one of"):
        load_image_data("cifar")
    with pytest.raises(ValueError, match="digits ships with scikit-learn"):
        load_image_data("digits", "/tmp")


@pytest.mark.skipif(not DEBIAN_FASHION_MNIST.is_dir(), reason="apt-get install dataset-fashion-mnist")
def test_debian_fashion_mnist():
    data = load_image_data("fashion-mnist")
    assert data.x_train.shape == (60000, 784) and data.x_test.shape == (10000, 784)
    assert data.n_classes == 10
    # Fashion-MNIST is balanced: 6,000 training and 1,000 test images per class
    np.testing.assert_array_equal(np.bincount(data.y_train), np.full(10, 6000))
    np.testing.assert_array_equal(np.bincount(data.y_test), np.full(10, 1000))


def test_digits_split_is_seeded_and_disjoint():
    pytest.importorskip("sklearn")
    a, b, c = (load_image_data("digits", seed=s) for s in (0, 0, 1))
    assert a.x_train.shape == (1437, 64) and a.x_test.shape == (360, 64)
    np.testing.assert_array_equal(a.x_test, b.x_test)
    assert not np.array_equal(a.x_test, c.x_test)
    train_rows = {row.tobytes() for row in a.x_train}
    assert sum(row.tobytes() in train_rows for row in a.x_test) < 10  # digits has a few duplicates
