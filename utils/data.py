"""Datasets: real public data, verified, cached, and usable offline (introduced in notebook 00).

Where a dataset is looked for, in order:

1. **The mirror** ``$TUTORIAL_DATA_DIR`` (a workshop USB stick, a shared folder, CI's copy), laid out
   as ``<dataset>/<file>``: ``mnist/train-images-idx3-ubyte.gz``,
   ``cats_and_dogs_filtered/train/cats/cat.0.jpg``...
2. **The cache** ``data/datasets/`` (or ``$TUTORIAL_CACHE_DIR``), same layout.
3. **The canonical public download** (the URLs Keras, TFDS and the TensorFlow tutorials use), with a
   short timeout; the file is checked against its SHA-256 before it is put in the cache.

Every file is checked against its published SHA-256 each time it is used. A file that fails the
check raises :class:`ChecksumError` and is left exactly where it is: this module never deletes or
overwrites a file someone placed there (``keras.utils.get_file`` does delete a cached file that fails
its hash when it cannot download a new one).

Command line, for workshops::

    python -m utils.data prefetch [--to DIR] [NAME ...]   # download what the notebooks need
    python -m utils.data verify [NAME ...]                # check every copy; exit 1 if any is bad
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from utils import paths

MIRROR_ENV = "TUTORIAL_DATA_DIR"
TIMEOUT_S = 5.0  # per network operation (connect, each read)
DEADLINE_S = 8.0  # an unreachable source fails within this, so an offline learner waits < 10 s


class DataError(Exception):
    """A dataset cannot be used; the message says what to do. Shown without a traceback. [notebook 00]"""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self}"]


class ChecksumError(DataError):
    """A file exists but its contents are not the published ones (corrupt, truncated or different). [notebook 00]"""


class DownloadError(DataError):
    """No copy anywhere and the download failed (offline, blocked, or timed out). [notebook 00]"""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: its path inside the dataset folder, SHA-256, size and sources. [notebook 00]"""

    name: str
    sha256: str
    size: int
    urls: tuple[str, ...]


@dataclass(frozen=True)
class RemoteArchive:
    """A dataset published as a zip whose members are checked after extraction (see ``tree_sha256``). [notebook 00]

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
    """A dataset: its folder name, a title, its source and licence, and its files or archive. [notebook 00]"""

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
            notebooks=("03", "04"),
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
            notebooks=("05", "06", "09"),
        ),
    )
}


# ---------------------------------------------------------------------------------------------
# Where copies live


def mirror_dir() -> Path | None:
    """The mirror folder from ``$TUTORIAL_DATA_DIR``, or None when it is not set. [notebook 00]"""
    value = os.environ.get(MIRROR_ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise DataError(
            f"{MIRROR_ENV} is set to {value!r}, which is not a folder. "
            f"Point it at the folder that holds mnist/, fashion-mnist/... (a copy made by "
            f"'python -m utils.data prefetch --to DIR'), or unset it to use data/datasets/."
        )
    return path


def _dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise DataError(f"Unknown dataset {name!r}. Known datasets: {', '.join(DATASETS)}.")
    return DATASETS[name]


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MB blocks. [notebook 00]"""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree_sha256(root: Path, members: tuple[str, ...] = ("",)) -> tuple[str, int]:
    """Digest of the files under ``root/<member>`` for each member: SHA-256 over the sorted lines
    ``"<sha256>  <relpath>"``. Hidden files (``.DS_Store``...) and anything outside the members are ignored. [notebook 00]"""
    files = sorted(
        (p for m in members for p in (root / m).rglob("*")
         if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts)),
        key=lambda p: p.relative_to(root).as_posix(),
    )
    h = hashlib.sha256()
    for p in files:
        h.update(f"{sha256_file(p)}  {p.relative_to(root).as_posix()}\n".encode())
    return h.hexdigest(), len(files)


_verified: dict[tuple, bool] = {}  # (path, size, mtime) already checked in this process


def _check_file(path: Path, spec: RemoteFile, where: str) -> None:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key in _verified:
        return
    if st.st_size != spec.size or sha256_file(path) != spec.sha256:
        what = "truncated" if st.st_size < spec.size else "corrupt or a different file"
        raise ChecksumError(
            f"{path} ({where}) is {what}: {st.st_size:,} bytes, expected {spec.size:,} bytes "
            f"with SHA-256 {spec.sha256}. It was left untouched. To fix: move it aside and run "
            f"'python -m utils.data prefetch', or replace it with a good copy "
            f"('python -m utils.data verify' checks every copy)."
        )
    _verified[key] = True


def _check_tree(root: Path, ds: Dataset, where: str) -> None:
    digest, count = tree_sha256(root, ds.archive.members)
    if digest != ds.tree_sha256:
        detail = (f"{count:,} files, expected {ds.tree_count:,}" if count != ds.tree_count
                  else "the right number of files, but some differ in content")
        raise ChecksumError(
            f"{root} ({where}) does not match the published {ds.name} files ({detail}). "
            f"It was left untouched. To fix: move it aside and run "
            f"'python -m utils.data prefetch {ds.name}', or replace it with a good copy."
        )


def _check(root: Path, ds: Dataset, where: str) -> None:
    if ds.archive is not None:
        _check_tree(root, ds, where)
    for spec in ds.files:
        _check_file(root / spec.name, spec, where)


def _present(root: Path, ds: Dataset) -> bool:
    """Is any part of the dataset there? (A partial copy counts, so that it is reported, not ignored.)"""
    if ds.archive is not None:
        return any((root / m).exists() for m in ds.archive.members)
    return any((root / f.name).exists() for f in ds.files)


def _complete(root: Path, ds: Dataset) -> bool:
    if ds.archive is not None:
        return all((root / m).is_dir() for m in ds.archive.members)
    return all((root / f.name).is_file() for f in ds.files)


@dataclass
class Location:
    """Where a dataset was found: ``status`` is mirror, cache, partial (an unfinished download in the
    cache, which ``fetch`` completes), missing or corrupt. [notebook 00]"""

    name: str
    status: str
    path: Path | None
    detail: str = ""


def _inspect(where: str, root: Path, ds: Dataset) -> Location:
    """The state of one copy (mirror or cache) of a dataset, checked against its checksums."""
    if not _present(root, ds):
        return Location(ds.name, "missing", None, f"not in the {where}")
    if not _complete(root, ds):
        if ds.archive is not None:
            missing = [m for m in ds.archive.members if not (root / m).is_dir()]
        else:
            missing = [f.name for f in ds.files if not (root / f.name).is_file()]
        try:  # what is there must still be right
            for spec in ds.files:
                if (root / spec.name).is_file():
                    _check_file(root / spec.name, spec, where)
        except ChecksumError as e:
            return Location(ds.name, "corrupt", root, str(e))
        if where == "cache" and ds.archive is None:
            return Location(ds.name, "partial", root, f"unfinished download in the cache: {', '.join(missing)} missing")
        return Location(ds.name, "corrupt", root,
                        f"incomplete copy in the {where} ({root}): {', '.join(missing)} missing. Complete it, "
                        f"or move it aside and run 'python -m utils.data prefetch {ds.name}'.")
    try:
        _check(root, ds, where)
    except ChecksumError as e:
        return Location(ds.name, "corrupt", root, str(e))
    return Location(ds.name, where, root)


def locate_all(name: str) -> list[Location]:
    """Every copy of a dataset (the mirror's, then the cache's), each checked; no network. [notebook 00]"""
    ds = _dataset(name)
    mirror = mirror_dir()
    places = ([("mirror", mirror / ds.name)] if mirror is not None else []) + [("cache", paths.cache_dir() / ds.name)]
    return [_inspect(where, root, ds) for where, root in places]


def locate(name: str) -> Location:
    """The copy a notebook would use (the mirror first, then the cache), checked; no network. [notebook 00]"""
    ds = _dataset(name)
    for loc in locate_all(ds.name):
        if loc.status != "missing":
            return loc
    return Location(ds.name, "missing", None, "not in the mirror or the cache: a download is needed")


# ---------------------------------------------------------------------------------------------
# Downloading


def _offline_help(ds: Dataset, target: Path) -> str:
    return (
        f"To fix: (a) connect to the internet and run the cell again; or (b) set {MIRROR_ENV} to a "
        f"folder that holds {ds.name}/ (e.g. a workshop copy made with "
        f"'python -m utils.data prefetch --to DIR'); or (c) copy {ds.name}/ into {target.parent}/."
    )


def _open(url: str, timeout: float, deadline: float):
    """``urlopen`` whose whole connection phase, DNS lookup included, ends by ``deadline``
    (``urlopen``'s own timeout does not cover the lookup, which can stall for many seconds)."""
    result: dict = {}

    def connect():
        try:
            result["response"] = urllib.request.urlopen(url, timeout=timeout)
        except BaseException as e:  # handed to the caller below
            result["error"] = e

    worker = threading.Thread(target=connect, daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), 0.1))
    if worker.is_alive():
        raise TimeoutError("no answer (name lookup or connection timed out)")
    if "error" in result:
        raise result["error"]
    return result["response"]


def _download(urls: tuple[str, ...], dest: Path, size: int, title: str, fix: str) -> None:
    """Download the first URL that works to ``dest`` (a temporary file). Raises DownloadError saying ``fix``."""
    errors = []
    deadline = time.monotonic() + DEADLINE_S  # for reaching a server, over all URLs
    for url in urls:
        if errors and deadline - time.monotonic() <= 0.5:
            errors.append(f"{url}: not tried (out of time)")
            break
        try:
            with _open(url, TIMEOUT_S, deadline) as response:
                with open(dest, "wb") as out:
                    done, last = 0, time.monotonic()
                    for block in iter(lambda: response.read(1 << 20), b""):
                        out.write(block)
                        done += len(block)
                        if sys.stderr.isatty() and time.monotonic() - last > 1:
                            print(f"\r  {done / 1e6:6.1f} / {size / 1e6:.1f} MB", end="", file=sys.stderr)
                            last = time.monotonic()
            return
        except (urllib.error.URLError, OSError, TimeoutError) as e:
            reason = getattr(e, "reason", e)
            errors.append(f"{url}: {reason}")
    raise DownloadError(
        f"Could not download {title} ({'; '.join(errors)}). This machine looks offline, or the site is blocked. {fix}"
    )


def _fetch_files(ds: Dataset, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    for spec in ds.files:
        final = target / spec.name
        if final.exists():
            _check_file(final, spec, "cache")
            continue
        fd, tmp = tempfile.mkstemp(prefix=f".{spec.name}.", suffix=".part", dir=target)
        os.close(fd)
        tmp = Path(tmp)
        try:
            print(f"Downloading {ds.name}/{spec.name} ({spec.size / 1e6:.1f} MB)...", file=sys.stderr)
            _download(spec.urls, tmp, spec.size, ds.title, _offline_help(ds, target))
            _check_file(tmp, spec, "download")
            os.replace(tmp, final)
        except ChecksumError as e:
            raise ChecksumError(
                f"The download of {ds.name}/{spec.name} did not match its published SHA-256 "
                f"(a proxy, a captive portal or a changed file?). Nothing was saved. Details: {e}"
            ) from None
        finally:
            tmp.unlink(missing_ok=True)  # our own temporary file, never a user's


def _safe_member(name: str, prefix: str) -> str | None:
    """The member's path below ``prefix``, or None to skip it; refuses paths that escape."""
    if not name.startswith(prefix) or name.endswith("/"):
        return None
    rel = PurePosixPath(name[len(prefix):])
    if rel.is_absolute() or ".." in rel.parts:
        raise DataError(f"Refusing to extract {name!r}: it would be written outside the dataset folder.")
    return rel.as_posix()


def _fetch_archive(ds: Dataset, target: Path) -> None:
    arc = ds.archive
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{ds.name}.", suffix=".part", dir=target.parent))
    try:
        zpath = work / "download.zip"
        print(f"Downloading {ds.name} ({arc.size / 1e6:.1f} MB)...", file=sys.stderr)
        _download(arc.urls, zpath, arc.size, ds.title, _offline_help(ds, target))
        if arc.sha256 is not None and sha256_file(zpath) != arc.sha256:
            raise ChecksumError(f"The download of {ds.name} did not match its published SHA-256. Nothing was saved.")
        out = work / ds.name
        try:
            with zipfile.ZipFile(zpath) as z:
                for info in z.infolist():
                    rel = _safe_member(info.filename, arc.prefix)
                    if rel is None or not any(rel.startswith(m) for m in arc.members):
                        continue
                    dest = out / rel
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(info) as src, open(dest, "wb") as dst:
                        shutil.copyfileobj(src, dst)
        except zipfile.BadZipFile:
            raise ChecksumError(f"The download of {ds.name} is not a valid zip (truncated?). Nothing was saved.") from None
        try:
            _check_tree(out, ds, "download")
        except ChecksumError as e:
            raise ChecksumError(f"The files extracted from the {ds.name} download are not the published ones. Nothing was saved. {e}") from None
        if target.exists():  # an empty or partial folder: never replace what someone put there
            raise DataError(f"{target} exists but is incomplete; it was left untouched. Move it aside and try again.")
        os.replace(out, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # our own temporary folder only


def fetch(name: str) -> Path:
    """Return the folder that holds a verified copy of dataset ``name``, downloading it if needed. [notebook 00]

    Raises :class:`ChecksumError` for a bad copy and :class:`DownloadError` when offline.
    """
    ds = _dataset(name)
    found = locate(ds.name)
    if found.status in ("mirror", "cache"):
        return found.path
    if found.status == "corrupt":
        raise ChecksumError(found.detail)
    return _download_into(ds, paths.cache_dir() / ds.name)  # missing, or a partial download to complete


def _download_into(ds: Dataset, target: Path) -> Path:
    """Download ``ds`` into ``target`` (completing a partial copy), verify it, return ``target``."""
    if ds.archive is not None:
        _fetch_archive(ds, target)
    else:
        _fetch_files(ds, target)
    _check(target, ds, "cache")
    return target


# ---------------------------------------------------------------------------------------------
# Loaders


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
    """MNIST as ``(x_train, y_train), (x_test, y_test)`` uint8 arrays, like ``keras.datasets.mnist``. [notebook 03]"""
    return _load_idx_dataset("mnist")


def load_fashion_mnist():
    """Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``, like ``keras.datasets.fashion_mnist``. [notebook 02]"""
    return _load_idx_dataset("fashion-mnist")


FASHION_MNIST_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)


def cats_and_dogs_dir() -> Path:
    """The folder holding ``train/{cats,dogs}`` and ``validation/{cats,dogs}``. [notebook 04]"""
    return fetch("cats_and_dogs_filtered")


def tiny_shakespeare() -> str:
    """The Tiny Shakespeare corpus as one string. [notebook 09]"""
    return (fetch("tinyshakespeare") / "input.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Pretrained weights for keras.applications


@dataclass(frozen=True)
class Weights:
    """A ``keras.applications`` weights file. Keras publishes no checksum for it, so a copy is checked by its
    HDF5 signature and, where known, its exact size; Keras then checks every layer's shape as it loads it.
    [notebook 04]"""

    name: str  # the file name, as Keras' own cache names it
    title: str
    size: int | None  # in bytes; None where it is not known
    url: str  # the URL keras.applications itself downloads from


HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
WEIGHTS_FOLDER = "keras-applications"  # <mirror or cache>/keras-applications/<file>
_MOBILENET_V2_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
_MOBILENET_V2_SIZES = {160: 9406464}  # bytes, from Keras' download log; the other sizes were not seen here


def mobilenet_v2_weights(image_size: int = 160) -> Weights:
    """The ImageNet weights of MobileNetV2 (alpha 1.0, no top) for square ``image_size`` inputs. [notebook 04]"""
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


def imagenet_weights(spec: Weights) -> Path:
    """A checked local copy of ``spec``, to pass to ``keras.applications`` as ``weights=str(path)``. [notebook 04]

    Looks in the mirror (``$TUTORIAL_DATA_DIR/keras-applications/``), then the cache
    (``data/datasets/keras-applications/``), then downloads from Keras' own URL with the short timeout.
    Raises :class:`DownloadError` when offline and :class:`ChecksumError` for a damaged copy, left where it is.
    """
    mirror = mirror_dir()
    try:
        for root in ([mirror] if mirror is not None else []) + [paths.cache_dir()]:
            path = root / WEIGHTS_FOLDER / spec.name
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
            _download((spec.url,), tmp, spec.size or 0, spec.title, fix)
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


# ---------------------------------------------------------------------------------------------
# Command line


def _copy_from_mirror(name: str) -> Path:
    """For ``prefetch --to``: fill the target folder from a verified mirror copy, else download."""
    ds = _dataset(name)
    mirror = mirror_dir()
    target = paths.cache_dir() / ds.name
    state = _inspect("cache", target, ds)
    if state.status == "cache":
        return target
    if state.status == "corrupt":
        raise DataError(f"{target} holds a damaged or incomplete copy; it was left untouched. {state.detail}")
    source = mirror / ds.name if mirror is not None else None
    if source is None or _inspect("mirror", source, ds).status != "mirror":
        return _download_into(ds, target)
    target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{ds.name}.", suffix=".part", dir=target))
    try:
        if ds.archive is not None:
            for m in ds.archive.members:
                shutil.copytree(source / m, work / m)
        else:
            for spec in ds.files:
                if not (target / spec.name).exists():  # a partial copy keeps its verified files
                    shutil.copy2(source / spec.name, work / spec.name)
        for item in work.iterdir():
            os.replace(item, target / item.name)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # our own temporary folder only
    _check(target, ds, "cache")
    return target


KIT_README_TITLE = "# TensorFlow 2 Hands-On: offline data kit"


def _write_kit_readme(folder: Path, names: list[str]) -> Path | None:
    """For ``prefetch --to``: a README listing the kit's datasets and licences; never replaces someone else's file."""
    readme = folder / "README.md"
    if readme.exists() and not readme.read_text(encoding="utf-8", errors="replace").startswith(KIT_README_TITLE):
        return None
    rows = [f"| `{n}/` | {ds.title} | notebooks {', '.join(ds.notebooks)} | {ds.licence} |"
            for n, ds in DATASETS.items() if n in names or (folder / n).is_dir()]  # earlier prefetches too
    readme.write_text("\n".join([
        KIT_README_TITLE, "",
        "Written by `python -m utils.data prefetch --to` for a workshop without a reliable network.",
        "Copy this whole folder to a USB stick or a local file server; on each machine, point the notebooks at it:",
        "", "```bash", "export TUTORIAL_DATA_DIR=/path/to/this/folder", "python -m utils.data verify   # every copy "
        "checked against its SHA-256; exit 1 if one is damaged", "```", "",
        "| folder | dataset | used by | licence |", "|---|---|---|---|", *rows, "",
        "Files are checked, never changed: a damaged copy is reported, not deleted.",
        "Notebook 04 also looks here for MobileNetV2's ImageNet weights, in `keras-applications/` (see the project's "
        "README, *Troubleshooting*); they are not downloaded by this command.", "",
    ]), encoding="utf-8")
    return readme


def _names(args_names: list[str]) -> list[str]:
    for n in args_names:
        _dataset(n)
    return args_names or list(DATASETS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.data", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prefetch", help="download every dataset the notebooks need (or the named ones)")
    p.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(DATASETS)}")
    p.add_argument("--to", metavar="DIR", help="put the copies here (a workshop mirror) instead of data/datasets")
    v = sub.add_parser("verify", help="check every copy (mirror and cache) against its SHA-256")
    v.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(DATASETS)}")
    args = parser.parse_args(argv)
    try:
        names = _names(args.names)
        if args.command == "prefetch":
            if args.to:
                os.environ["TUTORIAL_CACHE_DIR"] = str(Path(args.to).expanduser().resolve())
                paths.cache_dir().mkdir(parents=True, exist_ok=True)
            failed = 0
            for n in names:
                try:
                    where = _copy_from_mirror(n) if args.to else fetch(n)
                    print(f"ok       {n:24s} {where}")
                except DataError as e:
                    failed += 1
                    print(f"FAILED   {n:24s} {e}")
            if args.to:
                kit = Path(os.environ["TUTORIAL_CACHE_DIR"])
                readme = _write_kit_readme(kit, names)
                print(f"the kit's README (datasets and licences): {readme}" if readme else
                      f"{kit / 'README.md'} is not this tool's: left as it is, and no kit README was written")
            if args.to and not failed:
                print(f"\nLearners can now use this copy with: export {MIRROR_ENV}={os.environ['TUTORIAL_CACHE_DIR']}")
            return 1 if failed else 0
        bad = 0
        for n in names:
            copies = [loc for loc in locate_all(n) if loc.status != "missing"]
            if not copies:
                bad += 1
                print(f"MISSING  {n:24s} not in the mirror or the cache: a download is needed")
            for loc in copies:
                if loc.status in ("mirror", "cache"):
                    print(f"ok       {n:24s} {loc.status}: {loc.path}")
                else:
                    bad += 1
                    print(f"{loc.status.upper():8s} {n:24s} {loc.detail}")
        if bad:
            print(f"\n{bad} dataset(s) not ready. Run 'python -m utils.data prefetch' with a network, "
                  f"or set {MIRROR_ENV} to a folder holding a copy.")
        return 1 if bad else 0
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a read-only or full disk, a folder in the way...
        print(f"error: {e.strerror or e} ({e.filename or 'file system'}). Check the folder is writable "
              f"and has space, then run the command again.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
