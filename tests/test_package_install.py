"""The course package installs and works without the repository, as it does on Colab.

A fresh virtual environment sees the test environment's third-party packages (TensorFlow and the rest, as Colab
has its own) but not the course package. Notebook 00 runs there through papermill, outside any checkout, with
``google.colab`` present in its kernel: its Setup cell's ``%pip install ... @ git+https://github.com/OWNER/NAME@REF``
line really runs. git rewrites the GitHub address to a local repository holding this working tree's package, so
nothing leaves the machine but pip's fetch of the build backend (setuptools) from the package index.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tools import nbtools

ROOT = nbtools.ROOT
CFG = nbtools.settings()
HIDDEN = ("tf2_hands_on", "__editable__", "__pycache__")  # the test environment's own (editable) install


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "init.defaultBranch=x",
                    *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def _local_github(tmp_path: Path) -> Path:
    """A git repository at <tmp>/github/OWNER/NAME, on the configured ref, holding the package as it is now."""
    repo = tmp_path / "github" / CFG["repository"]
    repo.mkdir(parents=True)
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "tf2_hands_on",
                             "pyproject.toml", "LICENSE"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in listed.stdout.splitlines():  # what a clone has: a file git ignores is not on GitHub either
        if (ROOT / name).is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, repo / name)
    _git("init", "--quiet", cwd=repo)
    _git("checkout", "--quiet", "-b", CFG.get("pin") or CFG["branch"], cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "--quiet", "-m", "package", cwd=repo)
    return tmp_path / "github"


def _colab_like_venv(tmp_path: Path) -> Path:
    """A new venv whose site-packages reach this environment's packages, except the course package."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    ours = Path(sysconfig.get_paths()["purelib"])
    shared = tmp_path / "colab-packages"
    shared.mkdir()
    for entry in ours.iterdir():
        if not entry.name.startswith(HIDDEN) and not entry.name.startswith(("pip", "_distutils_hack")):
            (shared / entry.name).symlink_to(entry)
    (site / "colab-packages.pth").write_text(f"{shared}\n")
    subprocess.run([str(python), "-m", "ipykernel", "install", "--prefix", str(venv), "--name", "colab-like"],
                   check=True, capture_output=True, timeout=120)  # a kernel that runs this venv's Python
    return python


@pytest.mark.skipif(os.name == "nt", reason="the venv layout here is POSIX")
def test_colab_setup_installs_the_package_without_a_checkout_and_notebook_00_runs(tmp_path):
    github = _local_github(tmp_path)
    python = _colab_like_venv(tmp_path)
    work = tmp_path / "content"  # no checkout anywhere on the kernel's path
    work.mkdir()
    before = subprocess.run([str(python), "-c", "import tf2_hands_on"], capture_output=True, text=True, cwd=work)
    assert before.returncode != 0, "the new environment must not see the test environment's package"

    ipython_dir = tmp_path / "ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-colab.py").write_text("import sys, types\nsys.modules['google.colab'] = types.ModuleType('google.colab')\n")
    env = {**os.environ, "IPYTHONDIR": str(ipython_dir), "TUTORIAL_HOME": str(tmp_path / "home"),
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.file://{github}/.insteadOf",
           "GIT_CONFIG_VALUE_0": "https://github.com/", "PYTHONPATH": "", "JUPYTER_DATA_DIR": str(tmp_path / "jupyter")}
    notebook = ROOT / "notebooks" / "00_environment_check.ipynb"
    out = tmp_path / "00-executed.ipynb"
    result = subprocess.run([str(python), "-m", "papermill", str(notebook), str(out), "--cwd", str(work),
                             "-k", "colab-like", "--log-level", "WARNING"],
                            capture_output=True, text=True, env=env, cwd=work, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]

    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    assert (site / "tf2_hands_on" / "__init__.py").is_file(), "the Setup cell did not install the package"
    direct_url = next(site.glob("tf2_hands_on-*.dist-info")) / "direct_url.json"
    assert json.loads(direct_url.read_text())["vcs_info"]["vcs"] == "git"  # installed by the %pip line, from git
    cells = json.loads(out.read_text())["cells"]
    errors = [o for c in cells if c["cell_type"] == "code" for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors
