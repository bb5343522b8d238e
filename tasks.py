#!/usr/bin/env python3
"""One entry point for learners, instructors and maintainers (standard library only).

Learners:
    python3 tasks.py lab       set up .venv (requirements.txt and the course package) and open JupyterLab on notebook 00
Instructors:
    python3 tasks.py data prefetch [--to DIR] [NAME ...]
                               download the datasets into the cache, or into DIR (a workshop mirror)
    python3 tasks.py data verify [NAME ...]
                               check every copy (mirror and cache) against its SHA-256; exit 1 if one is bad
    python3 tasks.py report    run the notebooks headlessly and write a run report (see README)
    python3 tasks.py sizing REPORT_JSON
                               the JupyterHub machine a room needs (users x agenda -> memory, CPUs), from a run report
    python3 tasks.py hub [--users N] [--check]
                               a JupyterHub for a workshop on this machine (127.0.0.1; installs requirements-hub.txt);
                               --check logs N learners in at once, runs notebooks 00 and 03 for each, and stops
    python3 tasks.py learner-copies OUT
                               write the notebooks without exercise solutions (checks kept) into folder OUT
    python3 tasks.py site      build the course website into build/site/ from executed notebooks (see README)
    python3 tasks.py fork OWNER/NAME [--branch BRANCH] [--pin TAG]
                               point every badge, link and the Colab install at a fork (see README, Forks)
Maintainers:
    python3 tasks.py test      set up .venv from requirements-dev.txt and run the whole test suite
    python3 tasks.py weights   what a learner reads in each notebook (code lines, words, asserts; docs/WEIGHTS.md)
    python3 tasks.py sync      strip notebook outputs, canonicalise JSON, regenerate badges, Setup cells,
                               hidden solutions, the README table and the package's index
    python3 tasks.py ci-env SCRATCH
                               print, as shell export lines, the environment CI (.ci/run) sets before the test
                               command; SCRATCH is CI's temporary folder (the venv and TUTORIAL_HOME go there)

Anything after the command is passed on (to jupyter lab, pytest or the tool).
The virtual environment is reused; it is updated when a requirements file or pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("TUTORIAL_VENV", ROOT / ".venv"))
SUPPORTED = ((3, 11), (3, 13))
REQUIRE_TORCH = "TUTORIAL_REQUIRE_TORCH"  # set to 1 (CI does) to fail when the optional PyTorch cannot be installed


def fail(message: str) -> None:
    print(f"\nerror: {message}", file=sys.stderr)
    sys.exit(2)


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_python_version() -> tuple[int, int] | None:
    """The Python (major, minor) the virtual environment was made with, from its pyvenv.cfg."""
    cfg = VENV / "pyvenv.cfg"
    if not cfg.exists():
        return None
    for line in cfg.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            major, minor = value.strip().split(".")[:2]
            return int(major), int(minor)
    return None


def has_nvidia_gpu() -> bool:
    return platform.system() == "Linux" and shutil.which("nvidia-smi") is not None


def requirement_lines(path: Path, gpu: bool, _seen: set[Path] | None = None) -> str:
    """The requirements file's text with its ``-r`` includes inlined, each file once (requirements-dev.txt includes
    requirements.txt directly and through the site and hub files); with an NVIDIA GPU on Linux, the CUDA build
    replaces tensorflow-cpu."""
    seen = set() if _seen is None else _seen
    seen.add(path.resolve())
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-r "):
            included = path.parent / line.split(maxsplit=1)[1].strip()
            if included.resolve() not in seen:
                lines.append(requirement_lines(included, gpu, seen))
        elif gpu and line.startswith("tensorflow-cpu"):
            lines.append('tensorflow[and-cuda]==2.21.* ; sys_platform == "linux"')
        else:
            lines.append(line)
    return "\n".join(lines)


def ensure_venv(requirements: str) -> Path:
    """Create .venv if needed and install ``requirements`` into it when they changed since last time."""
    if not (SUPPORTED[0] <= sys.version_info[:2] <= SUPPORTED[1]):
        fail(f"Python {platform.python_version()} is not supported: use Python 3.11, 3.12 or 3.13 "
             f"(TensorFlow 2.21 and Keras 3.15 need one of them), e.g. 'python3.12 tasks.py ...'.")
    python = venv_python()
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        existed = VENV.exists()
        result = subprocess.run([sys.executable, "-m", "venv", str(VENV)], capture_output=True, text=True)
        if result.returncode != 0:
            if not existed:
                shutil.rmtree(VENV, ignore_errors=True)  # only the half-made folder this call created
            fail("could not create a virtual environment:\n" + result.stdout + result.stderr +
                 f"\nOn Debian/Ubuntu install the venv module first: sudo apt install python3-venv "
                 f"(or python{sys.version_info[0]}.{sys.version_info[1]}-venv).")
    made_with = venv_python_version()
    if made_with and made_with != sys.version_info[:2]:
        fail(f"{VENV} was made with Python {made_with[0]}.{made_with[1]}, but you ran this with Python "
             f"{platform.python_version()}. Run it with the same Python as before, or delete {VENV} "
             f"(or set TUTORIAL_VENV to another folder) and run the command again.")
    install(python, requirements)
    install_package(python)
    return python


def install_package(python: Path) -> None:
    """Install the course package (tf2_hands_on) into the venv in editable mode, when pyproject.toml changed."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (ROOT / "tf2_hands_on" / "kernel.py").read_bytes()
                            + sys.version.encode()).hexdigest()
    stamp_file = VENV / ".tasks-installed.json"
    stamps = json.loads(stamp_file.read_text()) if stamp_file.exists() else {}
    if stamps.get("package") == digest:
        return
    print(f"Installing the course package (tf2_hands_on, editable) into {VENV} ...", flush=True)
    cmd = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
           "--no-build-isolation", "--editable", str(ROOT)]
    kernel = [str(python), "-m", "tf2_hands_on.kernel", "install"]  # notebooks open without TensorFlow's C++ noise
    if subprocess.run(cmd, cwd=ROOT).returncode != 0 or subprocess.run(kernel, cwd=ROOT).returncode != 0:
        fail("installing the course package failed (see pip's message above); run the same command again.")
    stamps["package"] = digest
    stamp_file.write_text(json.dumps(stamps, indent=1))


def install(python: Path, requirements: str, *, optional: bool = False) -> bool:
    """Install ``requirements`` into the venv unless they are unchanged since the last install.

    An ``optional`` file that fails to install prints a warning and returns False (it is tried again next
    time); anything else that fails stops with a message."""
    gpu = has_nvidia_gpu()
    text = requirement_lines(ROOT / requirements, gpu)
    digest = hashlib.sha256((text + sys.version).encode()).hexdigest()
    stamp_file = VENV / ".tasks-installed.json"
    stamps = json.loads(stamp_file.read_text()) if stamp_file.exists() else {}
    if stamps.get(requirements) == digest:
        return True
    print(f"Installing {requirements} into {VENV} (the first time takes a few minutes) ...", flush=True)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as tmp:
        tmp.write(text)
    try:
        cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-r", tmp.name]
        if optional:
            cmd.insert(4, "--retries=0")  # an unreachable extra index must not stall an offline install
        ok = subprocess.run(cmd, cwd=ROOT).returncode == 0
    finally:
        os.unlink(tmp.name)
    if not ok and optional:
        print(f"\nwarning: the optional {requirements} could not be installed (offline, or no wheel for this "
              f"platform); the cells that use it show their code as text instead.\n", flush=True)
        return False
    if not ok:
        fail(f"installing {requirements} failed (see pip's message above). Check your network or proxy; "
             f"then run the same command again.")
    stamps[requirements] = digest
    stamp_file.write_text(json.dumps(stamps, indent=1))
    return True


def ci_settings(environ: Mapping[str, str], root: Path, scratch: Path) -> dict[str, str]:
    """The environment CI (.ci/run) sets before the README's test command, given the environment it started with.

    ``scratch`` is the temporary folder .ci/run creates and removes when it ends: the fresh virtual environment and
    the course's home folder (downloads, figures, scratch files) go there, so a CI run never writes into the
    user's home. A missing data mirror stops CI at once (SystemExit with a message), before anything is installed.
    """
    data_dir = environ.get("TUTORIAL_DATA_DIR") or str(root.resolve().parent / "shared" / "data")
    if not Path(data_dir).is_dir():
        raise SystemExit(f"error: no data mirror at {data_dir}: CI expects the mirror in ../shared/data beside the "
                         f"clone, or TUTORIAL_DATA_DIR set to a folder that holds it")
    return {
        "TUTORIAL_DATA_DIR": data_dir,
        "TUTORIAL_VENV": str(scratch / "venv"),  # a fresh venv, even if this checkout already has a .venv
        "TUTORIAL_HOME": str(scratch / "home"),
        REQUIRE_TORCH: "1",  # notebook 01's optional PyTorch cells must run: fail if its CPU build cannot install
        "TUTORIAL_REQUIRE_BROWSER": "1",  # a missing Chromium or playwright fails the browser tests instead of skipping
        # The workshop hub test and the CPU-quota test (tests/test_hub.py, tests/test_thread_quota.py) need root's cgroup
        # v1 hierarchies: where they are missing, CI fails instead of skipping.
        "TUTORIAL_REQUIRE_HUB": "1",
        # The browser tests run every notebook a second time (about 7 minutes on 2 cores; the whole CI about 18):
        # all of them, whatever the environment says.
        "TUTORIAL_BROWSER_NOTEBOOKS": "all",
        # No pip cache: CI installs once, and a cache would hold another copy of every wheel on the disk.
        "PIP_DEFAULT_TIMEOUT": "60",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_NO_CACHE_DIR": "1",
        "PYTHONUNBUFFERED": "1",
    }


def lab_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """JupyterLab's environment, which its kernels inherit: TensorFlow's native start-up lines (oneDNN, absl, CUDA
    probes) stay out of the notebooks' outputs unless TF_CPP_MIN_LOG_LEVEL is already set."""
    environ = dict(os.environ if environ is None else environ)
    environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return environ


def run(cmd: list[str], env: dict[str, str] | None = None) -> int:
    """Run ``cmd`` in the project folder and return its exit code. A SIGTERM or SIGHUP sent to this process (``kill``,
    a closed terminal) is passed on to it, and this process waits until it has stopped: nothing is left running."""
    print("$ " + " ".join(cmd), flush=True)
    child = subprocess.Popen(cmd, cwd=ROOT, env=env)

    def forward(signum, _frame):
        child.send_signal(signum)

    forwarded = [s for s in (getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None)) if s is not None]
    previous = {s: signal.signal(s, forward) for s in forwarded}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # Ctrl-C reached the child as well (same terminal): wait until it stops
                continue
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "lab":
        python = ensure_venv("requirements.txt")
        if hasattr(os, "geteuid") and os.geteuid() == 0 and "--allow-root" not in rest:
            print("Running as root (a container?): passing --allow-root to JupyterLab.")
            rest = ["--allow-root", *rest]
        print("JupyterLab opens on notebook 00. To stop it, press Ctrl-C here twice (or close this terminal).")
        # Serve the whole project (README and tf2_hands_on/ stay browsable) and open notebook 00.
        return run([str(python), "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}",
                    "--LabApp.default_url=/lab/tree/notebooks/00_environment_check.ipynb", *rest], env=lab_environment())
    if command == "test":
        python = ensure_venv("requirements-dev.txt")
        # PyTorch (CPU build) lets the tests run notebook 01's optional side-by-side cells; CI requires it.
        if not install(python, "requirements-torch.txt", optional=True) and os.environ.get(REQUIRE_TORCH) == "1":
            fail(f"{REQUIRE_TORCH}=1 but requirements-torch.txt did not install (see pip's message above).")
        return run([str(python), "-m", "pytest", *rest])
    if command == "ci-env":  # standard library only: .ci/run calls it before any venv exists
        if len(rest) != 1 or rest[0].startswith("-"):
            fail("usage: python3 tasks.py ci-env SCRATCH (the temporary folder .ci/run creates)")
        settings = ci_settings(os.environ, ROOT, Path(rest[0]).resolve())
        print("\n".join(f"export {name}={shlex.quote(value)}" for name, value in settings.items()))
        return 0
    if command == "fork":  # standard library only: no virtual environment needed
        return run([sys.executable, "-m", "tools.fork", *rest])
    if command == "site":  # the course website, from executed notebooks (tools/site.py)
        return run([str(ensure_venv("requirements-site.txt")), "-m", "tools.site", *rest])
    if command == "hub":  # the workshop hub (tools/hub.py), with JupyterHub from requirements-hub.txt
        python = ensure_venv("requirements.txt")
        install(python, "requirements-hub.txt")
        return run([str(python), "-m", "tools.hub", *rest], env=lab_environment())
    tool = {"report": "tools.run_report", "data": "tools.data_cli", "sizing": "tools.sizing"}.get(command)
    if tool:
        return run([str(ensure_venv("requirements.txt")), "-m", tool, *rest])
    if command == "sync":
        sys.path.insert(0, str(ROOT))
        from tools import nbtools

        changed = nbtools.sync()
        print("\n".join(f"updated {c}" for c in changed) or "everything was already in sync")
        return 0
    if command == "weights":
        sys.path.insert(0, str(ROOT))
        from tools import nbtools

        print(nbtools.weights_table())
        return 0
    if command == "learner-copies":
        if len(rest) != 1 or rest[0].startswith("-"):
            fail("usage: python3 tasks.py learner-copies OUT (a folder outside notebooks/, e.g. build/learner)")
        sys.path.insert(0, str(ROOT))
        from tools import nbtools

        try:
            written = nbtools.export_learner_copies(Path(rest[0]))
        except SystemExit as refused:
            fail(str(refused))
        print(f"wrote {len(written)} learner copies (no solutions; every check cell kept) into {written[0].parent}")
        return 0
    fail(f"unknown command {command!r}; use one of: lab, test, data, report, sizing, hub, site, learner-copies, fork, weights, sync, ci-env "
         "(python3 tasks.py --help)")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
