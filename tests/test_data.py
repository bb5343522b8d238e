"""The data layer: mirror, cache, download, checksums, offline behaviour and the command line."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import closed_port_url, serve, silent_server
from tf2_hands_on import data, paths
from tf2_hands_on.data import loaders, store
from tools import data_cli

ROOT = Path(__file__).resolve().parent.parent

SHARED = os.environ.get("TUTORIAL_DATA_DIR")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true")


def sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


IDX_LABELS = bytes([0, 0, 8, 1, 0, 0, 0, 3]) + bytes([3, 1, 4])


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No mirror, an empty cache in tmp_path (``$TUTORIAL_HOME/datasets``), and no verification memo carried
    between tests."""
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    monkeypatch.setenv("TUTORIAL_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(store, "_verified", {})
    return tmp_path


def toy_files(base_url: str, payload: bytes = IDX_LABELS, name: str = "toy") -> data.Dataset:
    return data.Dataset(name=name, title="Toy", source="test",
                        files=(data.RemoteFile("labels.gz", sha(payload), len(payload), (f"{base_url}/labels.gz",)),))


def register(monkeypatch, ds: data.Dataset) -> None:
    monkeypatch.setitem(data.DATASETS, ds.name, ds)


# --- mirror and cache ------------------------------------------------------------------------


def test_mirror_is_used_first_without_network(isolated, monkeypatch):
    mirror = isolated / "mirror"
    (mirror / "toy").mkdir(parents=True)
    (mirror / "toy" / "labels.gz").write_bytes(IDX_LABELS)
    register(monkeypatch, toy_files(closed_port_url()))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    monkeypatch.setattr(store.urllib.request, "urlopen", lambda *a, **k: pytest.fail("network used"))
    assert data.fetch("toy") == mirror / "toy"
    assert data.locate("toy").status == "mirror"


def test_fetch_into_a_kit_copies_the_verified_mirror_copy(isolated, monkeypatch):
    mirror, kit = isolated / "mirror", isolated / "kit"
    (mirror / "toy").mkdir(parents=True)
    (mirror / "toy" / "labels.gz").write_bytes(IDX_LABELS)
    register(monkeypatch, toy_files(closed_port_url()))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    monkeypatch.setattr(store.urllib.request, "urlopen", lambda *a, **k: pytest.fail("network used"))
    assert data.fetch("toy", into=kit) == kit / "toy"
    assert (kit / "toy" / "labels.gz").read_bytes() == IDX_LABELS
    assert not paths.cache_dir().exists() and data.locate("toy").path == mirror / "toy"


def test_fetch_into_offline_copies_a_verified_copy_from_the_course_cache(isolated, monkeypatch):
    """No mirror, sockets blocked, a verified copy in the course's cache: it is copied, and a file the learner
    already has in the target is kept as it is."""
    other = b"\x00\x00\x08\x01\x00\x00\x00\x01\x07"
    ds = data.Dataset(name="toy", title="Toy", source="test", files=(
        data.RemoteFile("labels.gz", sha(IDX_LABELS), len(IDX_LABELS), (f"{closed_port_url()}/labels.gz",)),
        data.RemoteFile("other.gz", sha(other), len(other), (f"{closed_port_url()}/other.gz",))))
    register(monkeypatch, ds)
    cached = paths.cache_dir() / "toy"
    cached.mkdir(parents=True)
    (cached / "labels.gz").write_bytes(IDX_LABELS)
    (cached / "other.gz").write_bytes(other)
    kit = isolated / "keras" / "datasets"
    (kit / "toy").mkdir(parents=True)
    (kit / "toy" / "other.gz").write_bytes(other)
    learners = (kit / "toy" / "other.gz").stat().st_mtime_ns

    def no_network(*args, **kwargs):
        raise OSError("network blocked by the test")

    monkeypatch.setattr(store.socket, "create_connection", no_network)
    monkeypatch.setattr(store.socket.socket, "connect", no_network)
    monkeypatch.setattr(store.urllib.request, "urlopen", lambda *a, **k: pytest.fail("network used"))
    assert data.fetch("toy", into=kit) == kit / "toy"
    assert (kit / "toy" / "labels.gz").read_bytes() == IDX_LABELS
    assert (kit / "toy" / "other.gz").stat().st_mtime_ns == learners  # the learner's file, not replaced
    assert sorted(p.name for p in cached.iterdir()) == ["labels.gz", "other.gz"]  # the source is left as it was
    assert not list((kit / "toy").glob("*.part"))


def test_fetch_into_skips_a_damaged_course_cache_copy(isolated, monkeypatch):
    register(monkeypatch, toy_files(closed_port_url()))
    cached = paths.cache_dir() / "toy"
    cached.mkdir(parents=True)
    (cached / "labels.gz").write_bytes(b"not the file")
    with pytest.raises(data.DownloadError):
        data.fetch("toy", into=isolated / "kit")
    assert (cached / "labels.gz").read_bytes() == b"not the file"


def test_corrupt_mirror_file_is_a_clear_error_and_left_untouched(isolated, monkeypatch):
    mirror = isolated / "mirror"
    (mirror / "toy").mkdir(parents=True)
    bad = IDX_LABELS[:-1] + b"\x09"
    (mirror / "toy" / "labels.gz").write_bytes(bad)
    register(monkeypatch, toy_files(closed_port_url()))
    monkeypatch.setenv(data.MIRROR_ENV, str(mirror))
    with pytest.raises(data.ChecksumError) as err:
        data.fetch("toy")
    message = str(err.value)
    assert "labels.gz" in message and "SHA-256" in message and "left untouched" in message
    assert (mirror / "toy" / "labels.gz").read_bytes() == bad


def test_truncated_cache_file_is_reported_not_deleted_or_redownloaded(isolated, monkeypatch):
    with serve({"/labels.gz": IDX_LABELS}) as (url, hits):
        register(monkeypatch, toy_files(url))
        cached = paths.cache_dir() / "toy" / "labels.gz"
        cached.parent.mkdir(parents=True)
        cached.write_bytes(IDX_LABELS[:5])
        with pytest.raises(data.ChecksumError, match="truncated"):
            data.fetch("toy")
        assert cached.read_bytes() == IDX_LABELS[:5]
        assert hits == []


def test_an_unfinished_download_is_completed_not_blocked(isolated, monkeypatch):
    other = b"second file"
    with serve({"/labels.gz": IDX_LABELS, "/other.bin": other}) as (url, hits):
        ds = data.Dataset("toy", "Toy", "test", files=(
            data.RemoteFile("labels.gz", sha(IDX_LABELS), len(IDX_LABELS), (f"{url}/labels.gz",)),
            data.RemoteFile("other.bin", sha(other), len(other), (f"{url}/other.bin",))))
        register(monkeypatch, ds)
        cached = paths.cache_dir() / "toy"
        cached.mkdir(parents=True)
        (cached / "labels.gz").write_bytes(IDX_LABELS)  # the first file arrived, then the network went away
        assert data.locate("toy").status == "partial"
        assert data.fetch("toy") == cached
        assert hits == ["/other.bin"] and (cached / "other.bin").read_bytes() == other


def test_a_partial_copy_with_a_bad_file_is_corrupt(isolated, monkeypatch):
    ds = data.Dataset("toy", "Toy", "test", files=(
        data.RemoteFile("labels.gz", sha(IDX_LABELS), len(IDX_LABELS), (f"{closed_port_url()}/a",)),
        data.RemoteFile("other.bin", sha(b"x"), 1, (f"{closed_port_url()}/b",))))
    register(monkeypatch, ds)
    cached = paths.cache_dir() / "toy"
    cached.mkdir(parents=True)
    (cached / "labels.gz").write_bytes(b"junk")
    with pytest.raises(data.ChecksumError, match="left untouched"):
        data.fetch("toy")
    assert (cached / "labels.gz").read_bytes() == b"junk"


def test_mirror_folder_that_does_not_exist_says_how_to_fix(isolated, monkeypatch):
    monkeypatch.setenv(data.MIRROR_ENV, str(isolated / "nowhere"))
    with pytest.raises(data.DataError, match="not a folder"):
        data.fetch("mnist")


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(data.DataError, match="Known datasets: mnist, fashion-mnist"):
        data.fetch("imagenet")


def test_errors_render_without_a_traceback_in_ipython():
    err = data.ChecksumError("bad file")
    assert err._render_traceback_() == ["ChecksumError: bad file"]


# --- download --------------------------------------------------------------------------------


def test_download_verifies_then_caches_and_second_use_is_offline(isolated, monkeypatch):
    with serve({"/labels.gz": IDX_LABELS}) as (url, hits):
        register(monkeypatch, toy_files(url))
        root = data.fetch("toy")
        assert (root / "labels.gz").read_bytes() == IDX_LABELS
        assert hits == ["/labels.gz"]
    assert data.fetch("toy") == root  # server gone: served from the cache
    assert data.locate("toy").status == "cache"
    assert not list(root.glob("*.part"))


def test_download_with_wrong_bytes_saves_nothing(isolated, monkeypatch):
    with serve({"/labels.gz": b"<html>captive portal</html>"}) as (url, _):
        register(monkeypatch, toy_files(url))
        with pytest.raises(data.ChecksumError, match="Nothing was saved"):
            data.fetch("toy")
    assert list((paths.cache_dir() / "toy").iterdir()) == []


def test_second_url_is_tried_when_the_first_fails(isolated, monkeypatch):
    with serve({"/labels.gz": IDX_LABELS}) as (url, _):
        ds = data.Dataset("toy", "Toy", "test", files=(
            data.RemoteFile("labels.gz", sha(IDX_LABELS), len(IDX_LABELS), (f"{closed_port_url()}/x", f"{url}/labels.gz")),))
        register(monkeypatch, ds)
        assert (data.fetch("toy") / "labels.gz").is_file()


def test_offline_fails_fast_with_a_fix(isolated, monkeypatch):
    register(monkeypatch, toy_files(closed_port_url()))
    start = time.monotonic()
    with pytest.raises(data.DownloadError) as err:
        data.fetch("toy")
    assert time.monotonic() - start < 10
    assert data.MIRROR_ENV in str(err.value) and "prefetch" in str(err.value)
    assert list((paths.cache_dir() / "toy").iterdir()) == []


def test_a_network_that_never_answers_fails_within_ten_seconds(isolated, monkeypatch):
    with silent_server() as url:
        ds = data.Dataset("toy", "Toy", "test", files=(
            data.RemoteFile("labels.gz", sha(IDX_LABELS), len(IDX_LABELS), (f"{url}/a", f"{url}/b", f"{url}/c")),))
        register(monkeypatch, ds)
        start = time.monotonic()
        with pytest.raises(data.DownloadError, match="offline"):
            data.fetch("toy")
        assert time.monotonic() - start < 10


def test_a_stalled_name_lookup_fails_within_ten_seconds(isolated, monkeypatch):
    import socket

    def stalled(*args, **kwargs):
        time.sleep(20)
        raise OSError("lookup gave up")

    monkeypatch.setattr(socket, "getaddrinfo", stalled)
    ds = data.Dataset("toy", "Toy", "test", files=(
        data.RemoteFile("labels.gz", sha(IDX_LABELS), len(IDX_LABELS),
                        ("http://data.example.invalid/a", "http://mirror.example.invalid/b")),))
    register(monkeypatch, ds)
    start = time.monotonic()
    with pytest.raises(data.DownloadError, match="timed out"):
        data.fetch("toy")
    assert time.monotonic() - start < 10


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    return buf.getvalue()


def _tree_digest(files: dict[str, bytes]) -> str:
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(f"{sha(files[rel])}  {rel}\n".encode())
    return h.hexdigest()


def test_archive_is_extracted_checked_and_stray_members_skipped(isolated, monkeypatch):
    files = {"train/cats/c.jpg": b"cat", "validation/dogs/d.jpg": b"dog"}
    blob = _zip({f"pets/{k}": v for k, v in files.items()} | {"pets/vectorize.py": b"print()"})
    with serve({"/pets.zip": blob}) as (url, _):
        ds = data.Dataset("pets", "Pets", "test", archive=data.RemoteArchive((f"{url}/pets.zip",), len(blob), "pets/",
                          ("train/", "validation/")), tree_sha256=_tree_digest(files), tree_count=2)
        register(monkeypatch, ds)
        root = data.fetch("pets")
    assert (root / "train/cats/c.jpg").read_bytes() == b"cat"
    assert not (root / "vectorize.py").exists()
    assert data.locate("pets").status == "cache"


def test_extra_files_beside_an_archive_dataset_do_not_make_it_corrupt(isolated, monkeypatch):
    files = {"train/cats/c.jpg": b"cat"}
    blob = _zip({f"pets/{k}": v for k, v in files.items()})
    with serve({"/pets.zip": blob}) as (url, _):
        ds = data.Dataset("pets", "Pets", "test", archive=data.RemoteArchive((f"{url}/pets.zip",), len(blob), "pets/",
                          ("train/",)), tree_sha256=_tree_digest(files), tree_count=1)
        register(monkeypatch, ds)
        root = data.fetch("pets")
    (root / "train" / ".DS_Store").write_bytes(b"finder")  # a USB stick seen by a Mac
    (root / "vectorize.py").write_text("# unzipped by hand")
    assert data.locate("pets").status == "cache"
    (root / "train" / "cats" / "c2.jpg").write_bytes(b"another cat")
    loc = data.locate("pets")
    assert loc.status == "corrupt" and "2 files, expected 1" in loc.detail


def test_archive_with_a_path_escaping_member_is_refused(isolated, monkeypatch):
    blob = _zip({"pets/train/../../evil.txt": b"x"})
    with serve({"/pets.zip": blob}) as (url, _):
        ds = data.Dataset("pets", "Pets", "test", archive=data.RemoteArchive((f"{url}/pets.zip",), len(blob), "pets/",
                          ("train/",)), tree_sha256="0" * 64, tree_count=1)
        register(monkeypatch, ds)
        with pytest.raises(data.DataError, match="outside the dataset folder"):
            data.fetch("pets")
    assert not (isolated / "evil.txt").exists() and not (paths.cache_dir() / "evil.txt").exists()


def test_archive_with_changed_files_is_rejected(isolated, monkeypatch):
    blob = _zip({"pets/train/cats/c.jpg": b"not the cat"})
    with serve({"/pets.zip": blob}) as (url, _):
        ds = data.Dataset("pets", "Pets", "test", archive=data.RemoteArchive((f"{url}/pets.zip",), len(blob), "pets/",
                          ("train/",)), tree_sha256=_tree_digest({"train/cats/c.jpg": b"cat"}), tree_count=1)
        register(monkeypatch, ds)
        with pytest.raises(data.ChecksumError, match="Nothing was saved"):
            data.fetch("pets")
    assert not (paths.cache_dir() / "pets").exists()


# --- the real datasets (the mirror CI provides) ---------------------------------------------

needs_mirror = pytest.mark.skipif(not SHARED and not IN_CI, reason="set TUTORIAL_DATA_DIR to a data mirror")


@pytest.fixture
def real_mirror(monkeypatch, tmp_path):
    assert SHARED, "CI must set TUTORIAL_DATA_DIR (see .ci/run)"
    monkeypatch.setenv(data.MIRROR_ENV, SHARED)
    monkeypatch.setenv("TUTORIAL_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(store.urllib.request, "urlopen", lambda *a, **k: pytest.fail("network used"))


@needs_mirror
def test_real_idx_datasets_load_with_published_counts(real_mirror):
    (x, y), (xt, yt) = data.load_mnist()
    assert x.shape == (60000, 28, 28) and xt.shape == (10000, 28, 28) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(yt).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    (fx, fy), (_, fyt) = data.load_fashion_mnist()
    assert fx.shape == (60000, 28, 28) and set(np.bincount(fy)) == {6000} and set(np.bincount(fyt)) == {1000}


@needs_mirror
def test_real_cats_and_dogs_and_shakespeare_verify(real_mirror):
    root = data.cats_and_dogs_dir()
    assert len(list((root / "train" / "cats").glob("*.jpg"))) == 1000
    assert len(list((root / "validation" / "dogs").glob("*.jpg"))) == 500
    text = data.tiny_shakespeare()
    assert text.startswith("First Citizen:") and len(set(text)) == 65


@needs_mirror
def test_prefetch_to_a_folder_makes_a_usable_mirror(real_mirror, tmp_path):
    target = tmp_path / "usb"
    environment = dict(os.environ)
    assert data_cli.main(["prefetch", "--to", str(target), "mnist", "tinyshakespeare"]) == 0
    assert sorted(p.name for p in target.iterdir()) == ["README.md", "mnist", "tinyshakespeare"]  # README: licences
    assert dict(os.environ) == environment and not paths.cache_dir().exists()  # --to is a parameter, not a variable
    assert data.sha256_file(target / "mnist" / "t10k-labels-idx1-ubyte.gz") == data.DATASETS["mnist"].files[3].sha256


# --- command line ----------------------------------------------------------------------------


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "tools.data_cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


def test_cli_verify_reports_missing_and_corrupt_with_exit_1(tmp_path):
    mirror = tmp_path / "mirror"
    (mirror / "tinyshakespeare").mkdir(parents=True)
    (mirror / "tinyshakespeare" / "input.txt").write_text("To be, or not")
    result = _cli("verify", env={data.MIRROR_ENV: str(mirror), "TUTORIAL_HOME": str(tmp_path / "home")})
    assert result.returncode == 1
    assert "CORRUPT  tinyshakespeare" in result.stdout and "MISSING  mnist" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert (mirror / "tinyshakespeare" / "input.txt").read_text() == "To be, or not"


def test_cli_verify_checks_every_copy(tmp_path):
    mirror, cache = tmp_path / "mirror", tmp_path / "home" / "datasets"
    text = "x" * 10
    for root, body in ((mirror, None), (cache, text)):
        (root / "tinyshakespeare").mkdir(parents=True)
        if body:
            (root / "tinyshakespeare" / "input.txt").write_text(body)
    env = {data.MIRROR_ENV: str(mirror), "TUTORIAL_HOME": str(tmp_path / "home")}
    result = _cli("verify", "tinyshakespeare", env=env)
    assert result.returncode == 1 and "CORRUPT  tinyshakespeare" in result.stdout  # the cache's copy
    assert "MISSING" not in result.stdout


def test_cli_prefetch_to_a_damaged_target_leaves_it_alone(tmp_path):
    target = tmp_path / "usb"
    (target / "tinyshakespeare").mkdir(parents=True)
    (target / "tinyshakespeare" / "input.txt").write_text("someone's notes")
    home = tmp_path / "home"
    env = {data.MIRROR_ENV: "", "TUTORIAL_HOME": str(home)}
    result = _cli("prefetch", "--to", str(target), "tinyshakespeare", env=env)
    assert result.returncode == 1 and "left untouched" in result.stdout and "Traceback" not in result.stderr
    assert (target / "tinyshakespeare" / "input.txt").read_text() == "someone's notes"
    assert not home.exists()  # --to fills the kit, never the cache


def test_cli_bad_arguments_get_a_message_not_a_traceback():
    result = _cli("verify", "imagenet")
    assert result.returncode == 2 and "Known datasets" in result.stderr and "Traceback" not in result.stderr
    result = _cli("download")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_cli_prefetch_offline_fails_fast_with_exit_1(tmp_path):
    env = {"TUTORIAL_HOME": str(tmp_path / "home"), data.MIRROR_ENV: "",
           "http_proxy": closed_port_url(), "https_proxy": closed_port_url()}
    start = time.monotonic()
    result = _cli("prefetch", "tinyshakespeare", env=env)
    assert time.monotonic() - start < 12  # all URLs within the 8 s deadline, plus Python start-up
    assert result.returncode == 1 and "FAILED" in result.stdout and data.MIRROR_ENV in result.stdout


def test_gzip_idx_reader_matches_header_offsets(tmp_path):
    path = tmp_path / "l.gz"
    path.write_bytes(gzip.compress(IDX_LABELS))
    assert loaders._read_idx(path, 8, (-1,)).tolist() == [3, 1, 4]


def test_real_registry_is_consistent():
    for ds in data.DATASETS.values():
        assert ds.files or ds.archive, ds.name
        for f in ds.files:
            assert len(f.sha256) == 64 and f.size > 0 and all(u.startswith("https://") for u in f.urls)
        assert ds.notebooks, ds.name
        if ds.archive:
            assert len(ds.tree_sha256) == 64 and ds.tree_count > 0 and ds.archive.members
            assert all(u.startswith("https://") for u in ds.archive.urls)


def test_the_cache_is_under_the_course_home(monkeypatch, tmp_path):
    monkeypatch.delenv("TUTORIAL_HOME", raising=False)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)  # Colab's default home is /content/tf2-hands-on
    assert paths.home() == Path.home() / "tf2-hands-on"
    assert paths.cache_dir() == Path.home() / "tf2-hands-on" / "datasets"
    monkeypatch.setenv("TUTORIAL_HOME", str(tmp_path / "course"))
    assert paths.cache_dir() == tmp_path / "course" / "datasets"


# --- keras.applications weights (notebook 04) ---------------------------------------------------

WEIGHTS_BYTES = data.HDF5_SIGNATURE + bytes(200)


def toy_weights(url: str) -> data.Weights:
    return data.Weights(name="w_no_top.h5", title="Toy weights", size=len(WEIGHTS_BYTES), url=f"{url}/w_no_top.h5")


def test_weights_spec_is_the_file_keras_applications_downloads():
    from keras.src.applications import mobilenet_v2

    for size in (96, 160, 224):
        spec = data.mobilenet_v2_weights(size)
        assert spec.url == mobilenet_v2.BASE_WEIGHT_PATH + spec.name
        assert spec.name.endswith(f"_1.0_{size}_no_top.h5")
    assert data.mobilenet_v2_weights(160).size == 9406464
    with pytest.raises(data.DataError, match="96, 128, 160, 192 and 224"):
        data.mobilenet_v2_weights(150)


def test_weights_in_the_mirror_are_used_without_network(isolated, monkeypatch):
    source = isolated / "mirror" / data.WEIGHTS_FOLDER / "w_no_top.h5"
    source.parent.mkdir(parents=True)
    source.write_bytes(WEIGHTS_BYTES)
    monkeypatch.setenv(data.MIRROR_ENV, str(isolated / "mirror"))
    monkeypatch.setattr(store.urllib.request, "urlopen", lambda *a, **k: pytest.fail("network used"))
    assert data.imagenet_weights(toy_weights(closed_port_url())) == source
    assert source.read_bytes() == WEIGHTS_BYTES


def test_weights_in_keras_own_cache_are_used_without_network(isolated, monkeypatch):
    """Where an earlier weights="imagenet" left the file (and where the README tells a learner to copy it)."""
    from tf2_hands_on.data import weights

    monkeypatch.setenv("KERAS_HOME", str(isolated / "keras"))
    spec = toy_weights(closed_port_url())
    with pytest.raises(data.DownloadError):  # absent: notebook 04 reports NOT AVAILABLE and skips Part A's training
        data.imagenet_weights(spec)
    monkeypatch.setattr(store.urllib.request, "urlopen", lambda *a, **k: pytest.fail("network used"))
    cached = isolated / "keras" / "models" / spec.name
    assert weights.keras_models_dir() == cached.parent
    cached.parent.mkdir(parents=True)
    cached.write_bytes(WEIGHTS_BYTES[:50])
    with pytest.raises(data.ChecksumError, match="50 bytes instead of 208.*left untouched"):
        data.imagenet_weights(spec)
    cached.write_bytes(WEIGHTS_BYTES)
    assert data.imagenet_weights(spec) == cached  # present: Part A trains
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(isolated / "user"))
    (isolated / "user").mkdir()
    assert weights.keras_models_dir() == isolated / "user" / ".keras" / "models"


def test_weights_download_is_checked_then_cached(isolated):
    with serve({"/w_no_top.h5": WEIGHTS_BYTES}) as (url, hits):
        spec = toy_weights(url)
        got = data.imagenet_weights(spec)
        assert got == paths.cache_dir() / data.WEIGHTS_FOLDER / spec.name and got.read_bytes() == WEIGHTS_BYTES
        assert hits == ["/w_no_top.h5"]
    assert data.imagenet_weights(spec) == got  # server gone: the cache
    assert sorted(p.name for p in got.parent.iterdir()) == [spec.name]  # no temporary file left


def test_weights_of_unknown_size_are_checked_by_signature(isolated):
    with serve({"/w_no_top.h5": b"<html>" + bytes(300)}) as (url, _):
        spec = data.Weights("w_no_top.h5", "Toy weights", None, f"{url}/w_no_top.h5")
        with pytest.raises(data.ChecksumError, match="not an HDF5 file.*Nothing was saved"):
            data.imagenet_weights(spec)
    assert list((paths.cache_dir() / data.WEIGHTS_FOLDER).iterdir()) == []


def test_weights_offline_fail_fast_and_say_where_to_put_the_file(isolated):
    spec = toy_weights(closed_port_url())
    start = time.monotonic()
    with pytest.raises(data.DownloadError) as err:
        data.imagenet_weights(spec)
    assert time.monotonic() - start < 10
    message = str(err.value)
    assert spec.url in message and data.WEIGHTS_FOLDER in message and data.MIRROR_ENV in message
    assert list((paths.cache_dir() / data.WEIGHTS_FOLDER).iterdir()) == []


def test_truncated_weights_in_the_cache_are_reported_and_left_alone(isolated):
    cached = paths.cache_dir() / data.WEIGHTS_FOLDER / "w_no_top.h5"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(WEIGHTS_BYTES[:50])
    with pytest.raises(data.ChecksumError, match="50 bytes instead of 208.*left untouched"):
        data.imagenet_weights(toy_weights(closed_port_url()))
    assert cached.read_bytes() == WEIGHTS_BYTES[:50]


def test_weights_in_an_unwritable_cache_give_a_message_not_a_traceback(isolated):
    blocker = paths.cache_dir()
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(data.DataError, match="Cannot store Toy weights.*writable"):
        data.imagenet_weights(toy_weights(closed_port_url()))
    assert blocker.read_text() == "a file where the cache folder should be"
