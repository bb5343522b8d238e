"""Datasets: real public data, verified, cached, and usable offline.

``from tf2_hands_on import data`` gives the names below. A copy is looked for in the mirror
``$TUTORIAL_DATA_DIR`` (a workshop kit), then in the cache ``paths.cache_dir()``, then downloaded with a short
timeout; every file is checked against its published SHA-256 and a bad copy is reported, never deleted.

* :mod:`.registry`: the table of datasets (sources, licences, checksums);
* :mod:`.store`: finding, downloading and checking copies;
* :mod:`.loaders`: the datasets as arrays, a folder or a string;
* :mod:`.weights`: ``keras.applications`` weights, found and checked the same way.

For workshops, in the project's folder: ``python3 tasks.py data prefetch [--to DIR] [NAME ...]`` and
``python3 tasks.py data verify [NAME ...]``.
"""

from tf2_hands_on.data.registry import DATASETS, Dataset, RemoteArchive, RemoteFile
from tf2_hands_on.data.store import (
    MIRROR_ENV,
    ChecksumError,
    DataError,
    DownloadError,
    fetch,
    locate,
    reachable,
    sha256_file,
)
from tf2_hands_on.data.loaders import (
    FASHION_MNIST_CLASSES,
    cats_and_dogs_dir,
    load_fashion_mnist,
    load_mnist,
    tiny_shakespeare,
)
from tf2_hands_on.data.keras_cache import keras_cache_dir, serve_to_keras
from tf2_hands_on.data.weights import (
    HDF5_SIGNATURE,
    WEIGHTS_FOLDER,
    Weights,
    imagenet_weights,
    mobilenet_v2_weights,
)

__all__ = [
    "DATASETS", "Dataset", "RemoteArchive", "RemoteFile",
    "MIRROR_ENV", "ChecksumError", "DataError", "DownloadError", "fetch", "locate", "reachable", "sha256_file",
    "FASHION_MNIST_CLASSES", "cats_and_dogs_dir", "load_fashion_mnist", "load_mnist", "tiny_shakespeare",
    "keras_cache_dir", "serve_to_keras",
    "HDF5_SIGNATURE", "WEIGHTS_FOLDER", "Weights", "imagenet_weights", "mobilenet_v2_weights",
]
