"""Image classification data for the Figure 7 experiment (SMC §7, paper §4.1).

Sources, each real data and each loaded only when asked for:

- ``fashion-mnist``: the IDX files of Debian's ``dataset-fashion-mnist`` package
  (``/usr/share/datasets/fashion-mnist``), or any directory holding the four IDX files;
- ``mnist``: the same IDX layout from a directory the user points to, or, with
  ``download=True``, torchvision (for users with a network);
- ``digits``: scikit-learn's 8x8 digits (1,797 images, shipped with scikit-learn), a tiny
  set for fast tests.

A missing source raises ``FileNotFoundError`` naming what to install; nothing falls back to
another data set.
"""

from __future__ import annotations

import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATASETS: tuple[str, ...] = ("fashion-mnist", "mnist", "digits")
DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
# IDX type codes (http://yann.lecun.com/exdb/mnist/): code -> big-endian numpy dtype.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclass(frozen=True)
class ImageData:
    """Flattened images scaled to [0, 1] with integer class labels, split train/test."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int

    @property
    def d(self) -> int:
        return self.x_train.shape[1]


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (plain or ``.gz``) into an array of its stored shape and type."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file (bad magic number)")
    dtype, ndim = np.dtype(_IDX_DTYPES[raw[2]]), raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    size = int(np.prod(shape)) if shape else 1
    if len(raw) != header + size * dtype.itemsize:
        raise ValueError(f"{path}: IDX header says shape {shape} but the file holds "
                         f"{len(raw) - header} data bytes")
    return np.frombuffer(raw, dtype=dtype, count=size, offset=header).reshape(shape).astype(
        dtype.newbyteorder("="))


def _idx_path(directory: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz"):
        if (directory / name).is_file():
            return directory / name
    raise FileNotFoundError(f"{directory} has no {stem}[.gz]")


def load_idx_directory(directory: str | os.PathLike, name: str) -> ImageData:
    """Load the four MNIST-layout IDX files (``train-images-idx3-ubyte[.gz]`` etc.)."""
    directory = Path(directory)
    arrays = {key: read_idx(_idx_path(directory, stem)) for key, stem in IDX_FILES.items()}
    for split in ("train", "test"):
        if len(arrays[f"{split}_images"]) != len(arrays[f"{split}_labels"]):
            raise ValueError(f"{directory}: {split} images and labels differ in length")
    flat = {k: v.reshape(len(v), -1).astype(np.float32) / 255.0
            for k, v in arrays.items() if k.endswith("images")}
    labels = {k: v.astype(np.int64) for k, v in arrays.items() if k.endswith("labels")}
    return ImageData(name, flat["train_images"], labels["train_labels"], flat["test_images"],
                     labels["test_labels"], int(labels["train_labels"].max()) + 1)


def _torchvision_mnist(root: Path) -> ImageData:
    """MNIST through torchvision (needs a network the first time; for users online)."""
    try:
        from torchvision.datasets import MNIST
    except ImportError:
        raise FileNotFoundError("MNIST download needs torchvision (pip install torchvision), or "
                                "pass the directory holding the MNIST IDX files") from None
    parts = {split: MNIST(str(root), train=split == "train", download=True)
             for split in ("train", "test")}
    x = {s: p.data.numpy().reshape(len(p.data), -1).astype(np.float32) / 255.0
         for s, p in parts.items()}
    y = {s: p.targets.numpy().astype(np.int64) for s, p in parts.items()}
    return ImageData("mnist", x["train"], y["train"], x["test"], y["test"], 10)


def _digits(seed: int) -> ImageData:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = (bunch.data / 16.0).astype(np.float32)
    y = bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    test, train = order[:360], order[360:]
    return ImageData("digits", x[train], y[train], x[test], y[test], 10)


def load_image_data(name: str, path: str | os.PathLike | None = None, *,
                    download: bool = False, seed: int = 0) -> ImageData:
    """Load a real image data set by name (one of :data:`DATASETS`).

    ``path`` is a directory of MNIST-layout IDX files; for ``fashion-mnist`` it defaults to
    the Debian package's directory. ``download`` lets ``mnist`` use torchvision. ``seed``
    only fixes the train/test split of ``digits``, which ships unsplit.
    """
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {', '.join(DATASETS)}, got {name!r}")
    if name == "digits":
        if path is not None:
            raise ValueError("digits ships with scikit-learn and takes no data directory")
        return _digits(seed)
    if path is not None:
        return load_idx_directory(path, name)
    if name == "fashion-mnist":
        if not DEBIAN_FASHION_MNIST.is_dir():
            raise FileNotFoundError(
                "Fashion-MNIST not found: apt-get install dataset-fashion-mnist, or pass the "
                "directory holding its IDX files")
        return load_idx_directory(DEBIAN_FASHION_MNIST, name)
    if download:
        return _torchvision_mnist(Path.home() / ".cache" / "modelcollapse" / "mnist")
    raise FileNotFoundError("MNIST needs the directory holding its IDX files, or download=True "
                            "(torchvision, network access)")
