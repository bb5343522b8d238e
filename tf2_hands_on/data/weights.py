"""Pretrained ``keras.applications`` weights, found and checked like the datasets (mirror, cache, download).

Keras is not imported here: :func:`imagenet_weights` returns a local file to pass as ``weights=str(path)``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tf2_hands_on import paths
from tf2_hands_on.data.store import MIRROR_ENV, ChecksumError, DataError, download, mirror_dir


@dataclass(frozen=True)
class Weights:
    """A ``keras.applications`` weights file. Keras publishes no checksum for it, so a copy is checked by its
    HDF5 signature and, where known, its exact size; Keras then checks every layer's shape as it loads it."""

    name: str  # the file name, as Keras' own cache names it
    title: str
    size: int | None  # in bytes; None where it is not known
    url: str  # the URL keras.applications itself downloads from


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
WEIGHTS_FOLDER = "keras-applications"  # <mirror or cache>/keras-applications/<file>
_MOBILENET_V2_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_MOBILENET_V2_SIZES = {160: 9406464}  # bytes, from Keras' download log; the other sizes were not seen here


def mobilenet_v2_weights(image_size: int = 160) -> Weights:
    """The ImageNet weights of MobileNetV2 (alpha 1.0, no top) for square ``image_size`` inputs."""
    if image_size not in (96, 128, 160, 192, 224):
        raise DataError(f"MobileNetV2 has ImageNet weights for 96, 128, 160, 192 and 224 pixels, not {image_size}: "
                        f"set image_size to one of those.")
    name = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{image_size}_no_top.h5"
    return Weights(name, f"MobileNetV2 ImageNet weights ({image_size} px, no top)",
                   _MOBILENET_V2_SIZES.get(image_size), _MOBILENET_V2_URL + name)


def _weights_problem(path: Path, spec: Weights) -> str | None:
    """What is wrong with a weights file, or None when its size and HDF5 signature are right."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(len(HDF5_SIGNATURE))
    if spec.size is not None and size != spec.size:
        return f"it has {size:,} bytes instead of {spec.size:,} (an interrupted download, or a web page?)"
    if head != HDF5_SIGNATURE:
        return "it is not an HDF5 file (a web page saved under its name?)"
    return None


def keras_models_dir() -> Path:
    """Where ``keras.applications`` caches the weights it downloads: ``$KERAS_HOME/models``, else
    ``~/.keras/models`` (Keras' own rule, read here without importing Keras)."""
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"]) / "models"
    home = Path.home() if os.access(Path.home(), os.W_OK) else Path("/tmp")
    return home / ".keras" / "models"


def imagenet_weights(spec: Weights) -> Path:
    """A checked local copy of ``spec``, to pass to ``keras.applications`` as ``weights=str(path)``.

    Looks in the mirror (``$TUTORIAL_DATA_DIR/keras-applications/``), then the cache
    (``keras-applications/`` in ``paths.cache_dir()``), then Keras' own cache (:func:`keras_models_dir`, where an
    earlier ``weights="imagenet"`` left it), then downloads from Keras' own URL with the short timeout.
    Raises :class:`DownloadError` when offline and :class:`ChecksumError` for a damaged copy, left where it is.
    """
    mirror = mirror_dir()
    try:
        folders = [mirror / WEIGHTS_FOLDER] if mirror is not None else []
        for folder in folders + [paths.cache_dir() / WEIGHTS_FOLDER, keras_models_dir()]:
            path = folder / spec.name
            if path.exists():
                problem = _weights_problem(path, spec)
                if problem:
                    raise ChecksumError(f"{path} is not the published {spec.title}: {problem}. It was left "
                                        f"untouched: move it aside (or ask whoever keeps that folder) and run again.")
                return path
        target = paths.cache_dir() / WEIGHTS_FOLDER / spec.name
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp)
        try:
            print(f"Downloading {spec.title}...", file=sys.stderr)
            fix = (f"To fix: (a) connect to the internet and run the cell again; or (b) download {spec.url} "
                   f"elsewhere and put it in {target.parent}/, or in {WEIGHTS_FOLDER}/ inside ${MIRROR_ENV} "
                   f"(a workshop copy).")
            download((spec.url,), tmp, spec.size or 0, spec.title, fix)
            problem = _weights_problem(tmp, spec)
            if problem:
                raise ChecksumError(f"The download of {spec.title} is not the published file: {problem}. "
                                    f"Nothing was saved.")
            if target.exists():  # appeared meanwhile: never replace someone's file
                raise DataError(f"{target} appeared during the download and was left as it is; run the cell again.")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)  # our own temporary file, never a user's
    except OSError as e:  # a read-only folder, a full disk, a folder in the way...
        raise DataError(f"Cannot store {spec.title}: {e.strerror or e} ({e.filename or 'file system'}). "
                        f"Check that {paths.cache_dir()} is writable and has space.") from None
    return target
