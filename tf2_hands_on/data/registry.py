"""The datasets the notebooks use: where each comes from, its licence, and the SHA-256 of every file.

Only the table lives here; finding, downloading and checking a copy is :mod:`tf2_hands_on.data.store`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: its path inside the dataset folder, SHA-256, size and sources."""

    name: str
    sha256: str
    size: int
    urls: tuple[str, ...]


@dataclass(frozen=True)
class RemoteArchive:
    """A dataset published as a zip whose members are checked after extraction (see ``tree_sha256``).

    ``sha256`` is None where no checksum of the archive itself is published; the extracted files are
    then checked against ``Dataset.tree_sha256``, computed from the canonical files.
    """

    urls: tuple[str, ...]
    size: int
    prefix: str  # the folder inside the zip that holds the dataset
    members: tuple[str, ...]  # sub-folders of the prefix to extract (others are skipped)
    sha256: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A dataset: its folder name, a title, its source and licence, and its files or archive."""

    name: str  # folder name in the mirror and the cache
    title: str
    source: str  # where it comes from, in one line
    licence: str = ""  # the terms it comes under, in one line (written into a workshop kit's README)
    files: tuple[RemoteFile, ...] = ()
    archive: RemoteArchive | None = None
    tree_sha256: str | None = None  # for archive datasets: digest of the extracted files
    tree_count: int = 0
    notebooks: tuple[str, ...] = field(default=())


_KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_CVDF = "https://storage.googleapis.com/cvdf-datasets/mnist/"

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            name="mnist",
            title="MNIST handwritten digits",
            source="Yann LeCun and Corinna Cortes; the IDX files TFDS downloads",
            licence="CC BY-SA 3.0, Yann LeCun and Corinna Cortes (derived from NIST)",
            files=(
                RemoteFile("train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422, (_CVDF + "train-images-idx3-ubyte.gz",)),
                RemoteFile("train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881, (_CVDF + "train-labels-idx1-ubyte.gz",)),
                RemoteFile("t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877, (_CVDF + "t10k-images-idx3-ubyte.gz",)),
                RemoteFile("t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542, (_CVDF + "t10k-labels-idx1-ubyte.gz",)),
            ),
            notebooks=("04",),
        ),
        Dataset(
            name="fashion-mnist",
            title="Fashion-MNIST clothing images",
            source="Zalando Research; the files keras.datasets.fashion_mnist downloads",
            licence="MIT, (c) 2017 Zalando SE",
            files=(
                RemoteFile("train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26421880, (_KERAS + "train-images-idx3-ubyte.gz",)),
                RemoteFile("train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29515, (_KERAS + "train-labels-idx1-ubyte.gz",)),
                RemoteFile("t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4422102, (_KERAS + "t10k-images-idx3-ubyte.gz",)),
                RemoteFile("t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5148, (_KERAS + "t10k-labels-idx1-ubyte.gz",)),
            ),
            notebooks=("02", "03", "04", "05", "06", "07", "08"),
        ),
        Dataset(
            name="cats_and_dogs_filtered",
            title="Cats vs dogs, filtered (2,000 train + 1,000 validation JPEGs)",
            source="Kaggle Dogs vs. Cats subset from the TensorFlow transfer-learning tutorial",
            licence=("no explicit licence: Kaggle's Dogs vs. Cats photos (Microsoft Research Asirra, Petfinder.com), "
                     "which Google distributes for machine-learning education. Use it for learning; do not relicense it"),
            archive=RemoteArchive(
                urls=("https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip",),
                size=68606236,
                prefix="cats_and_dogs_filtered/",
                members=("train/", "validation/"),
            ),
            tree_sha256="7ecc68776f753fca008de8ee9d57ff4ad6d0550ec8c964be4c5090b0b5fb57fd",
            tree_count=3000,
            notebooks=("04", "05"),
        ),
        Dataset(
            name="tinyshakespeare",
            title="Tiny Shakespeare (1.1 MB of plays, TF's text-generation corpus)",
            source="TensorFlow's shakespeare.txt (same bytes as char-rnn's input.txt)",
            licence="public domain (Shakespeare's plays)",
            files=(
                RemoteFile(
                    "input.txt",
                    "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
                    1115394,
                    (
                        "https://storage.googleapis.com/download.tensorflow.org/data/shakespeare.txt",
                        "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
                    ),
                ),
            ),
            notebooks=("09",),
        ),
    )
}

