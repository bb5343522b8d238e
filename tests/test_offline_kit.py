"""The offline workshop kit, end to end: prefetch --to a folder, verify it, run a notebook from it with no network.

The network is not assumed to be missing: the kernel's sockets are blocked before the notebook's first cell,
and the test proves the block works (a connection attempt and a download both fail at once).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tf2_hands_on import data
from tools import data_cli

ROOT = Path(__file__).resolve().parent.parent
MIRROR = os.environ.get(data.MIRROR_ENV)

BLOCK_SOCKETS = '''import socket
import urllib.request


def _no_network(*args, **kwargs):
    raise OSError(101, "network blocked by the offline-kit test")


socket.socket.connect = socket.socket.connect_ex = _no_network
socket.getaddrinfo = socket.create_connection = _no_network
try:
    urllib.request.urlopen("https://storage.googleapis.com/", timeout=5)
    raise AssertionError("the network is still reachable from the kernel")
except OSError as blocked:
    print("network blocked:", blocked)'''

LOAD_FROM_THE_KIT = '''import os
from pathlib import Path

from tf2_hands_on import data

kit = Path(os.environ["TUTORIAL_DATA_DIR"])
(x_train, _), (x_test, _) = data.load_fashion_mnist()
(d_train, _), _ = data.load_mnist()
assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28) and d_train.shape == (60000, 28, 28)
assert len(data.tiny_shakespeare()) == 1115394
assert data.cats_and_dogs_dir() == kit / "cats_and_dogs_filtered"
assert all(data.locate(name).status == "mirror" and kit in data.locate(name).path.parents for name in data.DATASETS)
os.environ["TUTORIAL_DATA_DIR"] = str(kit.parent / "no-kit-here")  # without the kit, a clear offline message
try:
    data.tiny_shakespeare()
    raise AssertionError("loaded without the kit and without a network")
except data.DataError as error:
    print("without the kit:", error)
    assert "offline" in str(error)
finally:
    os.environ["TUTORIAL_DATA_DIR"] = str(kit)
print("every dataset loaded from the kit, offline")'''


def _prefetch(kit: Path, mirror: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tools.data_cli", "prefetch", "--to", str(kit)], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, data.MIRROR_ENV: mirror}, timeout=600)


@pytest.mark.skipif(not MIRROR, reason=f"needs a data mirror in {data.MIRROR_ENV} (CI points it at ../shared/data)")
def test_the_offline_kit_recipe_end_to_end(tmp_path, monkeypatch):
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    kit = tmp_path / "usb-stick" / "tf2-data"

    made = _prefetch(kit, MIRROR)  # 1. once, where there is a copy (or a network)
    assert made.returncode == 0, made.stdout + made.stderr
    readme = (kit / "README.md").read_text(encoding="utf-8")
    for name, dataset in data.DATASETS.items():
        assert f"| `{name}/` |" in readme and dataset.licence and dataset.licence in readme
    assert "no explicit licence" in data.DATASETS["cats_and_dogs_filtered"].licence

    env = {**os.environ, data.MIRROR_ENV: str(kit), "TUTORIAL_HOME": str(tmp_path / "empty-home")}
    verified = subprocess.run([sys.executable, "-m", "tools.data_cli", "verify"], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=600)  # 2. on each machine: checksums
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.count(f"mirror: {kit}") == len(data.DATASETS)

    for key in (data.MIRROR_ENV, "TUTORIAL_HOME"):  # 3. the notebooks, pointed at it by one variable
        monkeypatch.setenv(key, env[key])
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras-home"))
    path = ROOT / "notebooks" / "00_environment_check.ipynb"
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_SOCKETS))
    nb.cells.append(nbformat.v4.new_code_cell(LOAD_FROM_THE_KIT))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = ["".join(o.get("text", "") for o in c.get("outputs", [])) for c in nb.cells]
    assert "network blocked:" in printed[0]
    assert "without the kit:" in printed[-1] and "every dataset loaded from the kit, offline" in printed[-1]


def test_a_kit_readme_never_replaces_someone_elses_file(tmp_path):
    mine = tmp_path / "README.md"
    mine.write_text("# Our workshop notes\n")
    assert data_cli._write_kit_readme(tmp_path, list(data.DATASETS)) is None
    assert mine.read_text() == "# Our workshop notes\n"
    mine.unlink()
    assert data_cli._write_kit_readme(tmp_path, []) == mine and mine.read_text().startswith(data_cli.KIT_README_TITLE)
    assert data_cli._write_kit_readme(tmp_path, []) == mine, "the kit's own README is refreshed"


def test_notebook_00_is_not_ready_offline_without_the_data(tmp_path, monkeypatch):
    """No copy of the data and no network: the verdict says NOT READY and names the notebooks that cannot run."""
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    monkeypatch.setenv(data.MIRROR_ENV, "")
    monkeypatch.setenv("TUTORIAL_HOME", str(tmp_path / "empty-home"))
    path = ROOT / "notebooks" / "00_environment_check.ipynb"
    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(BLOCK_SOCKETS))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = "\n".join("".join(o.get("text", "") for o in c.get("outputs", [])) for c in nb.cells)
    verdict = next(line for line in printed.splitlines() if "READY" in line)
    assert verdict.startswith("NOT READY: fix data: "), verdict
    for name, dataset in data.DATASETS.items():
        assert f"notebooks {', '.join(dataset.notebooks)} cannot run" in printed, name
    assert "restarting the kernel is not enough" in printed
