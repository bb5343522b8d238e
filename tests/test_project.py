"""The project's front door: README commands (CI itself: tests/test_ci.py), Binder configuration, tasks.py."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools import nbtools

ROOT = nbtools.ROOT
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    block = re.search(r"<!-- commands:begin -->\s*```(?:bash|sh)?\n(.*?)```", README, re.S)
    assert block, "README lacks the commands block"
    return [ln for ln in block.group(1).splitlines() if ln.strip() and not ln.startswith("#")]


def test_readme_gives_exactly_two_commands():
    assert readme_commands() == ["python3 tasks.py lab", "python3 tasks.py test"]


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            name = re.split(r"[<>=;\[ ]", line, maxsplit=1)[0].lower().replace("_", "-")
            pins.setdefault(name, line.split(";")[0].strip())
    return pins


def test_binder_pins_match_requirements_with_the_cpu_build():
    local, binder = _pins(ROOT / "requirements.txt"), _pins(ROOT / "binder" / "requirements.txt")
    assert binder.pop("tensorflow-cpu") == local.pop("tensorflow-cpu")
    local.pop("tensorflow")
    assert binder.pop("jupyter-server-proxy").startswith("jupyter-server-proxy==")  # Binder's TensorBoard, binder/start
    assert binder.pop("nbgitpuller").startswith("nbgitpuller==")  # the hub image's nbgitpuller links (deploy/)
    assert binder == local
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_requirements_declare_what_tf_221_no_longer_pulls_in():
    local = _pins(ROOT / "requirements.txt")
    assert "tensorboard" in local and "importlib-resources" in local and local["keras"].startswith("keras==3.15")


@pytest.mark.skipif(shutil.which("jupyter-repo2docker") is None and not (Path(sys.executable).parent / "jupyter-repo2docker").exists(),
                    reason="jupyter-repo2docker is in requirements-dev.txt")
def test_repo2docker_accepts_the_binder_folder():
    exe = shutil.which("jupyter-repo2docker") or str(Path(sys.executable).parent / "jupyter-repo2docker")
    result = subprocess.run([exe, "--no-build", "--debug", str(ROOT)], capture_output=True, text=True, timeout=300)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert "python=3.11" in out and 'pip install --no-cache-dir -r "binder/requirements.txt"' in out
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in out  # binder/start runs before JupyterLab


def test_tasks_help_and_unknown_command():
    ok = subprocess.run([sys.executable, "tasks.py", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and "python3 tasks.py lab" in ok.stdout
    bad = subprocess.run([sys.executable, "tasks.py", "deploy"], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "unknown command" in bad.stderr and "Traceback" not in bad.stderr


def test_tasks_swaps_in_the_cuda_build_only_for_nvidia_gpus():
    sys.path.insert(0, str(ROOT))
    import tasks

    def tf_lines(text):
        return [line.split(";")[0].strip() for line in text.splitlines() if line.startswith("tensorflow")
                and not line.startswith("tensorflow-datasets")]

    for requirements in ("requirements.txt", "requirements-dev.txt"):  # the dev file includes the other
        cpu = tf_lines(tasks.requirement_lines(ROOT / requirements, gpu=False))
        gpu = tf_lines(tasks.requirement_lines(ROOT / requirements, gpu=True))
        assert cpu == ["tensorflow-cpu==2.21.*", "tensorflow==2.21.*"]
        assert gpu == ["tensorflow[and-cuda]==2.21.*", "tensorflow==2.21.*"]


def test_sync_is_idempotent_on_a_copy(tmp_path):
    nb = next(iter(nbtools.notebook_paths()))
    text = nb.read_text()
    dirty = text.replace('"outputs": []', '"outputs": [{"name": "stdout", "output_type": "stream", "text": "x"}]', 1)
    cleaned = nbtools.canonical(nbtools.clean(__import__("json").loads(dirty), nb))
    assert cleaned == text


def test_tasks_refuses_a_venv_made_with_another_python(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("")
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.9.2\n")
    result = subprocess.run([sys.executable, "tasks.py", "test"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "TUTORIAL_VENV": str(venv)}, timeout=60)
    assert result.returncode == 2 and "was made with Python 3.9" in result.stderr
    assert (venv / "pyvenv.cfg").exists()  # nothing of the learner's is deleted


def test_a_failed_venv_creation_keeps_a_folder_that_was_already_there(tmp_path):
    venv = tmp_path / "mine"
    venv.mkdir()
    (venv / "notes.txt").write_text("keep me")
    (venv / "pyvenv.cfg").mkdir()  # makes 'python -m venv' fail
    result = subprocess.run([sys.executable, "tasks.py", "lab"], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "TUTORIAL_VENV": str(venv)}, timeout=120)
    assert result.returncode == 2 and "could not create a virtual environment" in result.stderr
    assert (venv / "notes.txt").read_text() == "keep me"


def test_optional_pytorch_is_the_cpu_build():  # that CI requires it: tests/test_ci.py
    torch_lines = [ln for ln in (ROOT / "requirements-torch.txt").read_text().splitlines()
                   if ln.startswith("torch")]
    assert torch_lines and all("+cpu" in ln or "darwin" in ln for ln in torch_lines), torch_lines
    for name in ("requirements.txt", "requirements-dev.txt", "binder/requirements.txt"):
        assert "torch" not in (ROOT / name).read_text(), f"{name}: PyTorch stays optional"


@pytest.mark.skipif(os.environ.get("TUTORIAL_REQUIRE_TORCH") != "1",
                    reason="checks the PyTorch that CI installs; set TUTORIAL_REQUIRE_TORCH=1 (as .ci/run does)")
def test_the_installed_pytorch_is_cpu_only():
    code = ("import importlib.metadata as m, torch; "
            "print(torch.version.cuda, sorted(d.metadata['Name'] for d in m.distributions() "
            "if d.metadata['Name'].lower().startswith('nvidia')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["None", "[]"], f"expected a CPU-only PyTorch and no CUDA packages: {result.stdout}"


def test_an_optional_requirements_file_that_fails_warns_and_retries_next_time(tmp_path, monkeypatch, capsys):
    sys.path.insert(0, str(ROOT))
    import tasks

    monkeypatch.setattr(tasks, "VENV", tmp_path)
    failing_python = Path(shutil.which("false"))
    assert tasks.install(failing_python, "requirements-torch.txt", optional=True) is False
    assert "could not be installed" in capsys.readouterr().out
    assert not (tmp_path / ".tasks-installed.json").exists()  # not stamped: tried again next time
    with pytest.raises(SystemExit) as stop:
        tasks.install(failing_python, "requirements-torch.txt")
    assert stop.value.code == 2


def test_tasks_fails_when_ci_requires_pytorch_and_it_cannot_install(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT))
    import tasks

    monkeypatch.setenv("TUTORIAL_REQUIRE_TORCH", "1")
    monkeypatch.setattr(tasks, "ensure_venv", lambda requirements: Path(shutil.which("false")))
    monkeypatch.setattr(tasks, "VENV", tmp_path)
    monkeypatch.setattr(tasks, "run", lambda cmd: pytest.fail("pytest must not start"))
    with pytest.raises(SystemExit) as stop:
        tasks.main(["test"])
    assert stop.value.code == 2


def test_the_browser_tests_driver_is_pinned():  # CI's Chromium and TUTORIAL_REQUIRE_BROWSER: tests/test_ci.py
    assert any(line.startswith("playwright==") for line in (ROOT / "requirements-dev.txt").read_text().splitlines())


def test_commands_a_learner_is_told_to_type_work_in_a_terminal():
    """A bare `pip`, `tensorboard`, `jupyter` or `papermill` is not on a terminal's PATH outside the venv: the text
    names the venv's copy (.venv/bin/...), or a tasks.py command. The Then-and-now tables' general install lines
    (`pip install tensorflow`) are about TensorFlow, not this course, and may stay."""
    import json

    general = {"pip install tensorflow", "pip install tensorflow-gpu",
               "pip install -r requirements.txt -e .",  # for those who manage their own environment (README)
               "pip install torch"}  # named as what not to do (several GB of CUDA libraries)
    command = re.compile(r"`((?:pip|pip3|tensorboard|jupyter|papermill) [^`]*)`|[:.] ((?:tensorboard|pip) --?[a-z][^\"]*)")
    texts = {name: (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "docs/INSTRUCTORS.md")}
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts[path.name] = "\n".join("".join(c["source"]) for c in cells)
    bare = [(name, m.group(1) or m.group(2)) for name, text in texts.items() for m in command.finditer(text)
            if (m.group(1) or m.group(2)) not in general]  # in backticks, or printed after "...: "
    assert not bare, f"name the venv (.venv/bin/...) for: {bare}"


def test_the_readme_says_what_the_test_command_costs():
    bullet = README[README.index("- `python3 tasks.py test`"):README.index("Anything after the command")]
    assert re.search(r"about\s+\d+\s+minutes", bullet) and 'python3 tasks.py test -m "not browser"' in bullet
