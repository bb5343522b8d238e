"""Colab, Binder and forks: the Setup cell's Colab bootstrap, requirements-colab.txt, and utils.badges.

Nothing here touches the network: the bootstrap runs with process launching stubbed out.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_project import _pins
from tools import nbtools

ROOT = nbtools.ROOT
CFG = nbtools.settings()
CHECKOUT = Path("/content") / CFG["repository"].split("/")[1]
LINK = re.compile(r"https://(?:colab\.research\.google\.com/github|mybinder\.org/v2/gh)/[^)\s\"'>]+")
# What Colab's image provides that the notebooks import (../shared/FACTS.md: Python 3.13, TF 2.20, Keras 3.13,
# tfds 4.9.10; the rest are part of every Colab image). Anything else must be in requirements-colab.txt.
COLAB_PROVIDES = {"tensorflow", "keras", "tensorflow-datasets", "tensorboard", "numpy", "matplotlib", "psutil",
                  "ipython"}
# requirements-colab.txt is installed with --no-deps, so that nothing Colab's TensorFlow needs can change. What its
# packages depend on must come with TensorFlow or tensorflow-datasets on Colab, or be listed in the file itself.
TF_AND_TFDS_DEPENDENCIES = {"numpy", "protobuf", "ml-dtypes", "flatbuffers", "typing-extensions", "tqdm", "zipp"}
NEVER_ON_COLAB = {"tensorflow", "tensorflow-cpu", "tensorflow-gpu", "keras", "tensorboard", "tf-keras", "jax", "numpy",
                  "protobuf", "ml-dtypes"}
IMPORT_NAMES = {"ai_edge_litert": "ai-edge-litert", "tensorflow_datasets": "tensorflow-datasets", "IPython": "ipython"}
OPTIONAL = {"torch"}  # notebook 01's optional side-by-side cells say how to install it


class Recorder:
    """Stands in for subprocess.run, os.chdir and the file moves, and records what the Setup cell asked for."""

    def __init__(self, returncodes=None):
        self.commands, self.chdirs, self.renames, self.touched = [], [], [], []
        self.returncodes = returncodes or {}  # first word of a command -> its exit code

    def run(self, cmd, **kwargs):
        self.commands.append(list(cmd))
        code = self.returncodes.get(Path(cmd[0]).name, 0)
        return subprocess.CompletedProcess(cmd, code, stdout="", stderr="fatal: unable to access" if code else "")

    def chdir(self, path):
        self.chdirs.append(str(path))


def run_setup_cell(monkeypatch, colab: str | None, existing=(), returncodes=None, capsys=None):
    """Execute the Setup cell; ``colab`` is how Colab shows itself ("module", "env" or None: not Colab)."""
    recorder = Recorder(returncodes)
    monkeypatch.chdir(ROOT / "notebooks")
    monkeypatch.setattr(subprocess, "run", recorder.run)
    monkeypatch.setattr(os, "chdir", recorder.chdir)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    if colab == "module":
        monkeypatch.setitem(sys.modules, "google.colab", type(sys)("google.colab"))
    elif colab == "env":
        monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab-20261101-060000-RC00")
    present = {CHECKOUT / p for p in existing}
    real_is_file, real_exists = Path.is_file, Path.exists
    monkeypatch.setattr(Path, "is_file", lambda p: p in present or real_is_file(p))
    monkeypatch.setattr(Path, "exists", lambda p: p in present or real_exists(p))
    monkeypatch.setattr(Path, "rename", lambda p, to: recorder.renames.append((str(p), str(to))))
    monkeypatch.setattr(Path, "touch", lambda p, *a, **k: recorder.touched.append(str(p)))
    namespace = {}
    exec(compile(nbtools.setup_cell(), "<setup cell>", "exec"), namespace)
    return recorder, namespace


CLONE = ["git", "clone", "--quiet", "--depth", "1", "--branch", CFG["branch"],
         f"https://github.com/{CFG['repository']}.git", str(CHECKOUT) + ".partial"]
PIP = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "-r", str(CHECKOUT / "requirements-colab.txt")]


@pytest.mark.parametrize("colab", ["module", "env"])
def test_on_colab_the_setup_cell_clones_installs_and_changes_folder(monkeypatch, colab):
    recorder, namespace = run_setup_cell(monkeypatch, colab)
    assert recorder.commands == [CLONE, PIP]
    assert recorder.renames == [(str(CHECKOUT) + ".partial", str(CHECKOUT))]  # only a complete clone is used
    assert recorder.touched == [str(CHECKOUT / ".colab-installed")]
    assert recorder.chdirs == [str(CHECKOUT / "notebooks")]
    assert namespace["ROOT"] == ROOT  # (os.chdir was stubbed, so the project found is this one)


def test_on_colab_a_second_run_fetches_and_installs_nothing(monkeypatch):
    recorder, _ = run_setup_cell(monkeypatch, "module", existing=("utils/__init__.py", ".colab-installed"))
    assert recorder.commands == [] and recorder.renames == [] and recorder.touched == []
    assert recorder.chdirs == [str(CHECKOUT / "notebooks")]


def test_elsewhere_the_setup_cell_runs_nothing(monkeypatch, tmp_path):
    recorder, namespace = run_setup_cell(monkeypatch, None)
    assert recorder.commands == [] and recorder.chdirs == [] and recorder.renames == []
    assert namespace["ROOT"] == ROOT


def test_a_failed_clone_says_what_to_do(monkeypatch):
    with pytest.raises(SystemExit, match=r"git clone failed: fatal: unable to access \(is the runtime online\?"):
        run_setup_cell(monkeypatch, "module", returncodes={"git": 128})


def test_a_folder_in_the_way_is_never_overwritten(monkeypatch):
    with pytest.raises(SystemExit, match="exists but is not this project: rename it"):
        run_setup_cell(monkeypatch, "module", existing=("",))  # /content/NAME exists, without utils/


def test_a_failed_install_warns_and_the_notebook_goes_on(monkeypatch, capsys):
    recorder, namespace = run_setup_cell(monkeypatch, "module", existing=("utils/__init__.py",),
                                         returncodes={Path(sys.executable).name: 1})
    assert recorder.commands == [PIP] and recorder.touched == []  # not marked: the next run tries again
    assert "Warning: requirements-colab.txt did not install" in capsys.readouterr().out
    assert recorder.chdirs == [str(CHECKOUT / "notebooks")] and namespace["ROOT"] == ROOT


def test_sync_adds_a_setup_cell_to_a_new_notebook_and_never_overwrites_code():
    nb = {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# New\n\nOne line."},
                    {"cell_type": "code", "id": "c", "metadata": {}, "outputs": [], "execution_count": None,
                     "source": "import tensorflow as tf"}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    cells = nbtools.clean(nb, ROOT / "notebooks" / "99_new.ipynb", CFG)["cells"]
    assert [nbtools.source(c) for c in cells[1:]] == [nbtools.setup_cell(CFG), "import tensorflow as tf"]
    again = nbtools.clean(nb, ROOT / "notebooks" / "99_new.ipynb", CFG)["cells"]
    assert len(again) == 3, "a second sync recognises the Setup cell"


def test_the_setup_cell_finds_no_project_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit, match="Cannot find the project's utils/ folder"):
        exec(compile(nbtools.setup_cell(), "<setup cell>", "exec"), {})


def _runtime_dependencies(package: str) -> set[str]:
    """What ``package`` (as installed here) needs on Colab's Python 3.13, without extras."""
    from packaging.requirements import Requirement

    needs = set()
    for line in importlib.metadata.requires(package) or []:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({"python_version": "3.13", "extra": ""}):
            needs.add(req.name)
    return needs


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_requirements_colab_adds_only_what_colab_lacks_with_the_projects_pins():
    colab = {_norm(n): spec for n, spec in _pins(ROOT / "requirements-colab.txt").items()}
    local = {_norm(n): spec for n, spec in _pins(ROOT / "requirements.txt").items()}
    assert colab and not NEVER_ON_COLAB & set(colab), f"requirements-colab.txt must never list {NEVER_ON_COLAB & set(colab)}"
    direct = {name for name in colab if name in local}
    for name in direct:
        assert local[name] == colab[name], f"requirements-colab.txt pins {colab[name]!r}; requirements.txt {local[name]!r}"
    pulled_in = {_norm(n) for name in direct for n in _runtime_dependencies(name)}
    assert set(colab) - direct <= pulled_in, f"{set(colab) - direct - pulled_in}: neither a project pin nor needed by one"
    missing = pulled_in - set(colab) - TF_AND_TFDS_DEPENDENCIES
    assert not missing, f"installed with --no-deps, these would be missing on Colab: add them to the file: {missing}"


def _third_party_imports() -> set[str]:
    sources = [nbtools.source(c) for p in nbtools.notebook_paths() for c in json.loads(p.read_text())["cells"]
               if c["cell_type"] == "code"]
    sources += [p.read_text() for p in [*(ROOT / "notebooks" / "scripts").glob("*.py"), *(ROOT / "utils").rglob("*.py")]
                if p.name != "run_notebooks.py"]  # the run report is a command-line tool, not run on Colab
    names = set()
    for text in sources:
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("utils", "tools", "google")}


def test_every_module_the_notebooks_import_is_on_colab_or_in_requirements_colab():
    colab = {_norm(n) for n in _pins(ROOT / "requirements-colab.txt")}
    missing = {_norm(IMPORT_NAMES.get(n, n)) for n in _third_party_imports()} - COLAB_PROVIDES - colab - OPTIONAL
    assert not missing, f"on Colab these would be missing: add them to requirements-colab.txt: {sorted(missing)}"


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
    for folder in ("utils", "tools", "docs"):
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


def _badges(copy: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "utils.badges", *args], capture_output=True, text=True, cwd=copy,
                          timeout=120)


def _snapshot(copy: Path) -> dict[str, str]:
    return {str(p.relative_to(copy)): p.read_text(encoding="utf-8") for p in sorted(copy.rglob("*"))
            if p.is_file() and p.suffix in (".md", ".toml", ".ipynb")}


def test_badges_points_a_fork_at_itself_and_back(tmp_path):
    copy = _copy_project(tmp_path)
    original = _snapshot(copy)
    result = _badges(copy, "--repo", "ada-l/tf2-course", "--branch", "workshop-2027")
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
        assert 'REPOSITORY, BRANCH = "ada-l/tf2-course", "workshop-2027"' in text
    again = _badges(copy, "--repo", "ada-l/tf2-course", "--branch", "workshop-2027")
    assert again.returncode == 0 and "nothing to change" in again.stdout and _snapshot(copy) == forked
    back = _badges(copy, "--repo", CFG["repository"], "--branch", CFG["branch"])
    assert back.returncode == 0 and _snapshot(copy) == original, "the round trip must restore every file exactly"


@pytest.mark.parametrize("args, message", [
    (["--repo", "tf2-course"], "write the GitHub repository as OWNER/NAME"),
    (["--repo", "https://github.com/ada/tf2"], "write the GitHub repository as OWNER/NAME"),
    (["--repo", "ada/tf2", "--branch", "feature/x"], "no '/'"),
    (["--repo", "ada/.."], "write the GitHub repository as OWNER/NAME"),
    (["--repo", "ada/tf2.git"], "(no .git)"),
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

    from utils.workers import free_ports

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
        assert re.search(rf"^\| {path.name[:2]} \| [^|]+ \| [0-9.]+ (?:s|min) \| [0-9,]+ MB \|$", run_times, re.M), (
            f"the run-time table lacks notebook {path.name[:2]}")
    assert "python3 tasks.py learner-copies build/learner" in guide and "python -m utils.badges --repo" in guide
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
    result = _badges(copy, "--repo", "ada-l/tf2-course")
    assert result.returncode == 2 and message in result.stderr and "Nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr and _snapshot(copy) == before
