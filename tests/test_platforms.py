"""Colab, Binder and forks: the Setup cell's Colab install, the package's colab extra, and the fork tool.

The Setup cell is tested by running it (IPython's own transformation of its %pip line) with a recording shell;
tests/test_package_install.py installs the package for real, without a checkout, through that very line.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager
from packaging.requirements import Requirement

from tools import nbtools

ROOT = nbtools.ROOT
CFG = nbtools.settings()
LINK = re.compile(r"https://(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh)/[^)\s\"'>]+")
# What Colab's image provides that the notebooks import (../shared/FACTS.md: Python 3.13, TF 2.20, Keras 3.13,
# tfds 4.9.10; the rest are part of every Colab image). Anything else must be a dependency of the package.
COLAB_PROVIDES = {"tensorflow", "keras", "tensorflow-datasets", "tensorboard", "numpy", "matplotlib", "psutil",
                  "ipython", "ipykernel"}
# Reinstalling any of these on Colab would replace what Colab's TensorFlow was built with (and force a restart).
NEVER_ON_COLAB = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "keras", "tensorboard", "tf-keras", "jax",
                  "protobuf", "ml-dtypes"}
IMPORT_NAMES = {"ai_edge_litert": "ai-edge-litert", "tensorflow_datasets": "tensorflow-datasets", "IPython": "ipython"}
OPTIONAL = {"torch"}  # notebook 01's optional side-by-side cells say how to install it
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


class Shell:
    """Stands in for IPython's shell: records the line magics the Setup cell runs."""

    def __init__(self):
        self.magics = []

    def run_line_magic(self, name, line):
        self.magics.append((name, line))


def run_setup_cell(monkeypatch, colab: bool) -> list[tuple[str, str]]:
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    shell = Shell()
    code = TransformerManager().transform_cell(nbtools.setup_cell(CFG))  # what IPython runs: %pip -> run_line_magic
    exec(compile(code, "<setup cell>", "exec"), {"get_ipython": lambda: shell})
    return shell.magics


def test_on_colab_the_setup_cell_installs_the_package_from_the_configured_ref(monkeypatch):
    magics = run_setup_cell(monkeypatch, colab=True)
    ref = CFG.get("pin") or CFG["branch"]
    assert magics == [("pip", f'install --quiet "tf2-hands-on[colab] @ '
                              f'git+https://github.com/{CFG["repository"]}@{ref}"')]


def test_elsewhere_the_setup_cell_does_nothing(monkeypatch):
    assert run_setup_cell(monkeypatch, colab=False) == []


def test_the_setup_cell_is_at_most_five_lines_and_never_touches_sys_path():
    for path in nbtools.notebook_paths():
        code = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert nbtools.source(code[0]) == nbtools.setup_cell(CFG), f"{path.name}: run 'python3 tasks.py sync'"
        assert len(nbtools.source(code[0]).splitlines()) <= 5
        for cell in code:
            assert "sys.path" not in nbtools.source(cell), f"{path.name}: a notebook imports the package by name"


def test_a_pin_makes_colab_install_a_tag_while_the_badges_keep_the_branch():
    cfg = {**CFG, "pin": "v2027.1"}
    assert "@v2027.1\"" in nbtools.setup_cell(cfg)
    assert f"/blob/{CFG['branch']}/" in nbtools.colab_url(Path("00_x.ipynb"), cfg)


def test_sync_adds_a_setup_cell_to_a_new_notebook_and_never_overwrites_code():
    nb = {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# New\n\nOne line."},
                    {"cell_type": "code", "id": "c", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": "import tensorflow as tf"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    cells = nbtools.clean(nb, ROOT / "notebooks" / "99_new.ipynb", CFG)["cells"]
    assert [nbtools.source(c) for c in cells[1:]] == [nbtools.setup_cell(CFG), "import tensorflow as tf"]
    again = nbtools.clean(nb, ROOT / "notebooks" / "99_new.ipynb", CFG)["cells"]
    assert len(again) == 3, "a second sync recognises the Setup cell"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(group: list[str]) -> dict[str, Requirement]:
    return {_norm(Requirement(line).name): Requirement(line) for line in group}


def test_the_colab_install_adds_only_what_colab_lacks_with_the_projects_pins():
    from tests.test_project import _pins

    local = {_norm(n): spec for n, spec in _pins(ROOT / "requirements.txt").items()}
    for group in (PROJECT["dependencies"], PROJECT["optional-dependencies"]["colab"]):
        for name, req in _requirements(group).items():
            assert name not in NEVER_ON_COLAB, f"the Colab install must never list {name}"
            assert name in local, f"{name}: the package needs it, so requirements.txt must pin it too"
            assert req == Requirement(local[name]), f"{req} vs requirements.txt {local[name]}"


# What TensorFlow and tensorflow-datasets bring on Colab (so it is there), and the one small pure-Python package
# ai-edge-litert needs that Colab lacks (pip adds it; it changes nothing TensorFlow uses).
TF_AND_TFDS_DEPENDENCIES = {"numpy", "protobuf", "ml-dtypes", "flatbuffers", "typing-extensions", "tqdm", "zipp"}
SMALL_AND_NEW_ON_COLAB = {"backports-strenum"}


def test_what_the_colab_install_pulls_in_never_replaces_what_colabs_tensorflow_uses():
    """pip resolves the extra's dependencies: each must be on Colab already, or new and harmless, and none may pin
    a package Colab's TensorFlow was built with (a bound there would make pip replace it)."""
    import importlib.metadata

    for line in PROJECT["optional-dependencies"]["colab"]:
        for dependency in importlib.metadata.requires(Requirement(line).name) or []:
            req = Requirement(dependency)
            if req.marker is not None and not req.marker.evaluate({"python_version": "3.13", "extra": ""}):
                continue
            name = _norm(req.name)
            known = COLAB_PROVIDES | TF_AND_TFDS_DEPENDENCIES | SMALL_AND_NEW_ON_COLAB
            assert name in known, f"{line} needs {req}, which Colab may lack: check it, then list it here"
            if name in NEVER_ON_COLAB | TF_AND_TFDS_DEPENDENCIES:
                assert all(spec.operator in (">=", ">") for spec in req.specifier), (
                    f"{line} needs {req}: an upper bound or pin could make pip replace Colab's own {name}")


def _third_party_imports() -> set[str]:
    sources = [nbtools.source(c) for p in nbtools.notebook_paths() for c in json.loads(p.read_text())["cells"]
               if c["cell_type"] == "code"]
    sources += [p.read_text() for p in (ROOT / "tf2_hands_on").rglob("*.py")]
    names = set()
    for text in sources:
        text = TransformerManager().transform_cell(text)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("tf2_hands_on", "google")}


def test_every_module_the_notebooks_and_the_package_import_is_on_colab_or_installed_with_the_package():
    installed = set(_requirements(PROJECT["dependencies"])) | set(_requirements(PROJECT["optional-dependencies"]["colab"]))
    missing = {_norm(IMPORT_NAMES.get(n, n)) for n in _third_party_imports()} - COLAB_PROVIDES - installed - OPTIONAL
    assert not missing, f"on Colab these would be missing: add them to the package's colab extra: {sorted(missing)}"


def _links(text: str) -> list[str]:
    return LINK.findall(text)


def _expected(name: str) -> set[str]:
    path = Path(name)
    return {nbtools.colab_url(path, CFG), nbtools.binder_url(path, CFG)}


def test_every_colab_and_binder_link_agrees_with_the_configured_location():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = {p.name for p in nbtools.notebook_paths()}
    allowed = set().union(*(_expected(n) for n in names))
    stray = [u for u in _links(readme) if u not in allowed]
    assert not stray, f"README links that do not open a notebook at {CFG}: {stray[:3]}"
    assert len(_links(readme)) >= 2 * len(names), "every notebook needs its Colab and Binder link in the README"
    for path in nbtools.notebook_paths():
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join(nbtools.source(c) for c in nb["cells"])
        links = _links(text)
        assert set(links) == _expected(path.name), f"{path.name}: its badges must open this notebook: {links}"
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert nbtools.source(code[0]) == nbtools.setup_cell(CFG), f"{path.name}: run 'python3 tasks.py sync'"


def _copy_project(tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "notebooks", copy / "notebooks", ignore=shutil.ignore_patterns("scripts", "*.py"))
    for folder in ("tf2_hands_on", "tools", "docs"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def _badges(copy: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tools.fork", *args], capture_output=True, text=True, cwd=copy,
                          timeout=120)


def _snapshot(copy: Path) -> dict[str, str]:
    return {str(p.relative_to(copy)): p.read_text(encoding="utf-8") for p in sorted(copy.rglob("*"))
            if p.is_file() and p.suffix in (".md", ".toml", ".ipynb")}


def test_badges_points_a_fork_at_itself_and_back(tmp_path):
    copy = _copy_project(tmp_path)
    original = _snapshot(copy)
    result = _badges(copy, "ada-l/tf2-course", "--branch", "workshop-2027")
    assert result.returncode == 0, result.stderr
    assert "updated README.md" in result.stdout and "updated pyproject.toml" in result.stdout
    forked = _snapshot(copy)
    assert not [name for name, text in forked.items() if CFG["repository"] in text], "a link still opens the original"
    links = [u for text in forked.values() for u in _links(text)]
    assert links and all("/ada-l/tf2-course/" in u and "workshop-2027" in u for u in links)
    for path in (copy / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join(nbtools.source(c) for c in nb["cells"])
        assert {u for u in _links(text)} == {
            f"https://colab.research.google.com/github/ada-l/tf2-course/blob/workshop-2027/notebooks/{path.name}",
            f"https://mybinder.org/v2/gh/ada-l/tf2-course/workshop-2027?urlpath=lab/tree/notebooks/{path.name}"}
        assert '"tf2-hands-on[colab] @ git+https://github.com/ada-l/tf2-course@workshop-2027"' in text
    again = _badges(copy, "ada-l/tf2-course", "--branch", "workshop-2027")
    assert again.returncode == 0 and "nothing to change" in again.stdout and _snapshot(copy) == forked
    pinned = _badges(copy, "ada-l/tf2-course", "--branch", "workshop-2027", "--pin", "v2027.1")
    assert pinned.returncode == 0, pinned.stderr
    for path in (copy / "notebooks").glob("*.ipynb"):  # Colab installs the tag; the badges still open the branch
        text = path.read_text(encoding="utf-8")
        assert "git+https://github.com/ada-l/tf2-course@v2027.1" in text and "/blob/workshop-2027/" in text
    kept = _badges(copy, "ada-l/tf2-course", "--branch", "workshop-2027")  # without --pin the pin stays
    assert kept.returncode == 0 and "installs the package from v2027.1" in kept.stdout
    back = _badges(copy, CFG["repository"], "--branch", CFG["branch"], "--pin", CFG.get("pin", ""))
    assert back.returncode == 0 and _snapshot(copy) == original, "the round trip must restore every file exactly"


@pytest.mark.parametrize("args, message", [
    (["tf2-course"], "write the GitHub repository as OWNER/NAME"),
    (["https://github.com/ada/tf2"], "write the GitHub repository as OWNER/NAME"),
    (["ada/tf2", "--branch", "feature/x"], "no '/'"),
    (["ada/.."], "write the GitHub repository as OWNER/NAME"),
    (["ada/tf2.git"], "(no .git)"),
    (["ada/tf2", "--pin", "v1 or v2"], "give a tag or a commit"),
])
def test_badges_refuses_bad_input_and_changes_nothing(tmp_path, args, message):
    copy = _copy_project(tmp_path)
    before = _snapshot(copy)
    result = _badges(copy, *args)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert _snapshot(copy) == before


def test_binder_start_points_tensorboard_at_jupyters_proxy():
    env = {**os.environ, "JUPYTERHUB_SERVICE_PREFIX": "/user/ada-l-tf2-abc123/"}
    result = subprocess.run(["bash", str(ROOT / "binder" / "start"), sys.executable, "-c",
                             "import os; print(os.environ['TENSORBOARD_PROXY_URL'])"],
                            capture_output=True, text=True, env=env, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/user/ada-l-tf2-abc123/proxy/%PORT%/"


def test_tensorboard_embeds_and_is_served_through_jupyter_server_proxy(tmp_path, monkeypatch):
    """What Binder does: one Jupyter port; TensorBoard on another port, reached at /proxy/<port>/."""
    pytest.importorskip("jupyter_server_proxy", reason="jupyter-server-proxy is in requirements-dev.txt")
    import urllib.request

    import IPython.display
    from tensorboard import notebook

    from tf2_hands_on.workers import free_ports

    shown = []
    monkeypatch.setenv("TENSORBOARD_PROXY_URL", "/user/ada/proxy/%PORT%/")
    monkeypatch.setattr(IPython.display, "display", shown.append)
    notebook._display_ipython(port=6006, height=600, display_handle=None)  # what %tensorboard shows
    assert '"/user/ada/proxy/6006/"' in shown[0].data

    jupyter_port, board_port = free_ports(2, "127.0.0.1")
    token = "t" + os.urandom(8).hex()
    (tmp_path / "logs").mkdir()
    servers = [
        subprocess.Popen([sys.executable, "-m", "jupyter", "server", "--no-browser", f"--port={jupyter_port}",
                          "--ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
                          *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "tensorboard.main", "--logdir", str(tmp_path / "logs"),
                          "--host", "127.0.0.1", "--port", str(board_port)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{jupyter_port}/proxy/{board_port}/",
                                         headers={"Authorization": f"token {token}"})
        page, errors = "", []
        for _ in range(240):  # TensorBoard imports TensorFlow first: allow a minute
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    page = response.read().decode("utf-8", "replace")
                    break
            except OSError as error:
                errors.append(str(error))
                assert all(s.poll() is None for s in servers), f"a server exited: {errors[-1]}"
                time.sleep(0.25)
        assert "<title>TensorBoard</title>" in page, f"no TensorBoard page through the proxy: {errors[-3:]}"
    finally:
        for server in servers:
            server.kill()
            server.wait(timeout=30)


def test_the_instructor_guide_is_complete_and_its_commands_exist():
    guide = (ROOT / "docs" / "INSTRUCTORS.md").read_text(encoding="utf-8")
    assert not re.findall(r"\b(?:RUN|AGENDA|PEAK)_[A-Z0-9_]+\b", guide), "a placeholder was left in the guide"
    run_times = guide[guide.index("## Measured run times"):guide.index("## A 3-hour agenda")]
    for path in nbtools.notebook_paths():
        assert re.search(rf"^\| {path.name[:2]} \| [^|]+ \| [0-9.]+ (?:s|min) \| [0-9,]+ MiB \|$", run_times, re.M), (
            f"the run-time table lacks notebook {path.name[:2]}")
    assert "python3 tasks.py learner-copies build/learner" in guide and "python3 tasks.py fork " in guide
    tasks_help = subprocess.run([sys.executable, "tasks.py", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert "learner-copies" in tasks_help.stdout
    assert "docs/INSTRUCTORS.md" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage, message", [
    ("README.md", "lacks the notebook-table markers"),
    ("notebooks/05_tf_data_pipelines.ipynb", "JSONDecodeError"),
])
def test_badges_changes_nothing_when_a_file_cannot_be_rewritten(tmp_path, damage, message):
    copy = _copy_project(tmp_path)
    broken = copy / damage
    broken.write_text(broken.read_text(encoding="utf-8").replace("notebook-table", "table")[:-200], encoding="utf-8")
    before = _snapshot(copy)
    result = _badges(copy, "ada-l/tf2-course")
    assert result.returncode == 2 and message in result.stderr and "Nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr and _snapshot(copy) == before
