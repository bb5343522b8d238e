"""The datasets as the notebooks use them: arrays, a folder of images, a string.

Each loader gets a verified copy through :func:`tf2_hands_on.data.store.fetch` (the mirror, the cache, or a
download). NumPy is imported only when an IDX file is read.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from tf2_hands_on.data.store import fetch


def _read_idx(path: Path, offset: int, shape: tuple[int, ...]):
    import numpy as np

    with gzip.open(path, "rb") as f:
        raw = f.read()
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(shape)


def _load_idx_dataset(name: str):
    root = fetch(name)
    x_train = _read_idx(root / "train-images-idx3-ubyte.gz", 16, (-1, 28, 28))
    y_train = _read_idx(root / "train-labels-idx1-ubyte.gz", 8, (-1,))
    x_test = _read_idx(root / "t10k-images-idx3-ubyte.gz", 16, (-1, 28, 28))
    y_test = _read_idx(root / "t10k-labels-idx1-ubyte.gz", 8, (-1,))
    return (x_train, y_train), (x_test, y_test)


def load_mnist():
    """MNIST as ``(x_train, y_train), (x_test, y_test)`` uint8 arrays, like ``keras.datasets.mnist``."""
    return _load_idx_dataset("mnist")


def load_fashion_mnist():
    """Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.fashion_mnist``."""
    return _load_idx_dataset("fashion-mnist")


FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


def cats_and_dogs_dir() -> Path:
    """The folder holding ``train/{cats,dogs}`` and ``validation/{cats,dogs}``."""
    return fetch("cats_and_dogs_filtered")


def tiny_shakespeare() -> str:
    """The Tiny Shakespeare corpus as one string."""
    return (fetch("tinyshakespeare") / "input.txt").read_text(encoding="utf-8")

