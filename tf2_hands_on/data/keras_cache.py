"""Make ``keras.datasets`` find the course's verified copy of a dataset, so that its canonical call works offline.

``keras.datasets.fashion_mnist.load_data()`` reads four files from Keras' own cache, ``$KERAS_HOME/datasets/``
(by default ``~/.keras/datasets/``), and downloads only the files missing there. :func:`serve_to_keras` puts a
verified copy there first: copied from the workshop mirror when there is one, else from the course's cache, else
downloaded once (see :func:`tf2_hands_on.data.store.fetch`). A damaged copy already in Keras' cache is reported and
left untouched, as everywhere in the course.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tf2_hands_on.data.store import fetch

# Datasets whose files Keras reads under the same names, in <Keras cache>/datasets/<name>/.
# (keras.datasets.mnist wants one mnist.npz instead, which the course does not keep.)
KERAS_LAYOUT = ("fashion-mnist",)


def keras_cache_dir() -> Path:
    """The folder ``keras.utils.get_file`` caches datasets in: ``<Keras home>/datasets``, where the Keras home is
    ``$KERAS_HOME`` (read when keras is imported) or ``~/.keras``, and ``/tmp/.keras`` when that is not writable."""
    try:
        from keras.src.backend.config import keras_home  # Keras' own answer, the one get_file uses

        base = keras_home()
    except ImportError:  # a Keras that moved it: the documented rule
        base = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    base = os.path.expanduser(base)
    if not os.access(base, os.W_OK):  # as get_file does
        base = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return Path(base) / "datasets"


def serve_to_keras(name: str = "fashion-mnist") -> Path:
    """Put a verified copy of dataset ``name`` where ``keras.datasets`` looks, and return that folder.

    Nothing is copied when Keras' cache already holds a verified copy. Raises ``ValueError`` for a dataset that
    ``keras.datasets`` reads in another layout, and the errors of :func:`fetch` (offline with no copy, a damaged copy).
    """
    if name not in KERAS_LAYOUT:
        raise ValueError(f"serve_to_keras: keras.datasets reads {name!r} in another layout than the course keeps; "
                         f"it can serve {', '.join(KERAS_LAYOUT)}. Use the course's loaders for {name!r}.")
    return fetch(name, into=keras_cache_dir())
