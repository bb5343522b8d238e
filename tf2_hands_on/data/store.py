"""Finding, downloading and checking dataset copies.

Where a dataset is looked for, in order:

1. **The mirror** ``$TUTORIAL_DATA_DIR`` (a workshop USB stick, a shared folder, CI's copy), laid out
   as ``<dataset>/<file>``: ``mnist/train-images-idx3-ubyte.gz``,
   ``cats_and_dogs_filtered/train/cats/cat.0.jpg``...
2. **The cache** ``paths.cache_dir()`` (``<home>/datasets``, see :mod:`tf2_hands_on.paths`), same layout.
3. **The canonical public download** (the URLs Keras, TFDS and the TensorFlow tutorials use), with a
   short timeout; the file is checked against its SHA-256 before it is put in the cache.

Every file is checked against its published SHA-256 each time it is used. A file that fails the
check raises :class:`ChecksumError` and is left exactly where it is: this module never deletes or
overwrites a file someone placed there (``keras.utils.get_file`` does delete a cached file that fails
its hash when it cannot download a new one).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from tf2_hands_on import paths
from tf2_hands_on.data.registry import DATASETS, Dataset, RemoteFile

MIRROR_ENV = "TUTORIAL_DATA_DIR"
TIMEOUT_S = 5.0  # per network operation (connect, each read)
DEADLINE_S = 8.0  # an unreachable source fails within this, so an offline learner waits < 10 s


class DataError(Exception):
    """A dataset cannot be used; the message says what to do. Shown without a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self}"]


class ChecksumError(DataError):
    """A file exists but its contents are not the published ones (corrupt, truncated or different)."""


class DownloadError(DataError):
    """No copy anywhere and the download failed (offline, blocked, or timed out)."""


# ---------------------------------------------------------------------------------------------
# Where copies live


def mirror_dir() -> Path | None:
    """The mirror folder from ``$TUTORIAL_DATA_DIR``, or None when it is not set."""
    value = os.environ.get(MIRROR_ENV, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        raise DataError(
            f"{MIRROR_ENV} is set to {value!r}, which is not a folder. "
            f"Point it at the folder that holds mnist/, fashion-mnist/... (a copy made by "
            f"'python3 tasks.py data prefetch --to DIR' in the project's folder), or unset it to use "
            f"the cache, {paths.cache_dir()}."
        )
    return path


def dataset(name: str) -> Dataset:
    """The registry's entry for ``name``; a :class:`DataError` listing the known names if there is none."""
    if name not in DATASETS:
        raise DataError(f"Unknown dataset {name!r}. Known datasets: {', '.join(DATASETS)}.")
    return DATASETS[name]


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def tree_sha256(root: Path, members: tuple[str, ...] = ("",)) -> tuple[str, int]:
    """Digest of the files under ``root/<member>`` for each member: SHA-256 over the sorted lines
    ``"<sha256>  <relpath>"``. Hidden files (``.DS_Store``...) and anything outside the members are ignored."""
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
            f"'python3 tasks.py data prefetch' in the project's folder, or replace it with a good copy "
            f"('python3 tasks.py data verify' checks every copy)."
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
            f"'python3 tasks.py data prefetch {ds.name}' in the project's folder, or replace it with a good copy."
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
    cache, which ``fetch`` completes), missing or corrupt."""

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
                        f"or move it aside and run 'python3 tasks.py data prefetch {ds.name}' "
                        f"in the project's folder.")
    try:
        _check(root, ds, where)
    except ChecksumError as e:
        return Location(ds.name, "corrupt", root, str(e))
    return Location(ds.name, where, root)


def locate_all(name: str) -> list[Location]:
    """Every copy of a dataset (the mirror's, then the cache's), each checked; no network."""
    ds = dataset(name)
    mirror = mirror_dir()
    places = ([("mirror", mirror / ds.name)] if mirror is not None else []) + [("cache", paths.cache_dir() / ds.name)]
    return [_inspect(where, root, ds) for where, root in places]


def locate(name: str) -> Location:
    """The copy a notebook would use (the mirror first, then the cache), checked; no network."""
    ds = dataset(name)
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
        f"'python3 tasks.py data prefetch --to DIR' in the project's folder); or (c) copy {ds.name}/ "
        f"into {target.parent}/."
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


def reachable(name: str, timeout: float = 3.0) -> bool:
    """Whether the dataset's download server answers a connection within ``timeout`` s; nothing is downloaded."""
    ds = dataset(name)
    address = urllib.parse.urlsplit((ds.archive.urls if ds.archive else ds.files[0].urls)[0])
    result = {"ok": False}

    def connect():  # in a thread: a name lookup can stall far longer than any socket timeout
        try:
            socket.create_connection((address.hostname, address.port or 443), timeout=timeout).close()
            result["ok"] = True
        except OSError:
            pass

    worker = threading.Thread(target=connect, daemon=True)
    worker.start()
    worker.join(timeout)
    return result["ok"]


def download(urls: tuple[str, ...], dest: Path, size: int, title: str, fix: str) -> None:
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
            download(spec.urls, tmp, spec.size, ds.title, _offline_help(ds, target))
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
        download(arc.urls, zpath, arc.size, ds.title, _offline_help(ds, target))
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


def fetch(name: str, into: Path | None = None) -> Path:
    """Return the folder that holds a verified copy of dataset ``name``, downloading it if needed.

    With ``into`` (a workshop kit's folder, Keras' cache), the copy is made in ``into/<name>``: copied from a
    verified mirror copy when there is one, else from a verified copy in the course's cache, else downloaded. A damaged or incomplete
    copy already there is reported and left untouched.

    Raises :class:`ChecksumError` for a bad copy and :class:`DownloadError` when offline.
    """
    ds = dataset(name)
    if into is not None:
        return _fill(ds, Path(into) / ds.name)
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


def _verified_source(ds: Dataset, target: Path) -> Path | None:
    """A verified copy of ``ds`` to copy into ``target``: the mirror's, else the course cache's; None if neither."""
    mirror = mirror_dir()
    places = ([("mirror", mirror / ds.name)] if mirror is not None else []) + [("cache", paths.cache_dir() / ds.name)]
    for where, root in places:
        if root.resolve() != target.resolve() and _inspect(where, root, ds).status == where:
            return root
    return None


def _fill(ds: Dataset, target: Path) -> Path:
    """For ``fetch(into=...)``: fill ``target`` from a verified mirror copy, else from a verified copy in the
    course's cache, else download. Files already in ``target`` are kept, never overwritten."""
    state = _inspect("cache", target, ds)
    if state.status == "cache":
        return target
    if state.status == "corrupt":
        raise DataError(f"{target} holds a damaged or incomplete copy; it was left untouched. {state.detail}")
    source = _verified_source(ds, target)
    if source is None:
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
