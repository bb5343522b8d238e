"""data.serve_to_keras: keras.datasets.fashion_mnist.load_data() reads the course's verified copy, offline."""

from __future__ import annotations

import socket

import keras
import numpy as np
import pytest

from tf2_hands_on import data


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty Keras home (keras reads $KERAS_HOME once, at import: point its module setting there)."""
    from keras.src.backend import config

    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path / "keras-home"))
    (tmp_path / "keras-home").mkdir()
    return tmp_path / "keras-home"


def test_keras_datasets_reads_the_verified_copy_without_the_network(keras_home, monkeypatch):
    if data.locate("fashion-mnist").status not in ("mirror", "cache"):
        pytest.skip("no copy of Fashion-MNIST in the mirror or the cache")
    assert data.keras_cache_dir() == keras_home / "datasets"
    folder = data.serve_to_keras("fashion-mnist")
    assert folder == keras_home / "datasets" / "fashion-mnist"

    def no_network(*args, **kwargs):
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    canonical = keras.datasets.fashion_mnist.load_data()
    ours = data.load_fashion_mnist()
    for a, b in zip(sum(canonical, ()), sum(ours, ()), strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert data.serve_to_keras("fashion-mnist") == folder  # a second call copies nothing


def test_a_damaged_copy_in_keras_cache_is_reported_and_left_alone(keras_home):
    if data.locate("fashion-mnist").status not in ("mirror", "cache"):
        pytest.skip("no copy of Fashion-MNIST in the mirror or the cache")
    target = keras_home / "datasets" / "fashion-mnist"
    target.mkdir(parents=True)
    (target / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not the file")
    with pytest.raises(data.DataError, match="left untouched"):
        data.serve_to_keras("fashion-mnist")
    assert (target / "t10k-labels-idx1-ubyte.gz").read_bytes() == b"not the file"


def test_only_datasets_in_keras_layout_are_served():
    with pytest.raises(ValueError, match="another layout"):
        data.serve_to_keras("mnist")
