"""CI's behaviour: the environment tasks.py's ci_settings() gives it, and .ci/run run for real with fake programs.

.ci/run runs with a PATH of its own: the few system tools it needs, and fakes for python3, chromium, id and
apt-get that record how they were called (and with which environment) to a log. Nothing is installed and no test
suite runs; what is checked is what CI does: which command it runs, with what settings, and when it fails.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import tasks
from tests import browser
from tests.test_project import readme_commands
from tools import nbtools

ROOT = nbtools.ROOT
CI = ROOT / ".ci" / "run"
SYSTEM_TOOLS = ("bash", "env", "dirname", "mktemp", "rm", "df", "sed", "date")
REQUIRED = {"TUTORIAL_REQUIRE_TORCH": "1", "TUTORIAL_REQUIRE_BROWSER": "1", "TUTORIAL_BROWSER_NOTEBOOKS": "all",
            "TUTORIAL_REQUIRE_HUB": "1"}

# One fake for every program; it acts by the name it is called with. Configured by FAKE_* variables.
FAKE = '''
import json, os, sys
from pathlib import Path

name, argv = Path(sys.argv[0]).name, sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"program": name, "argv": argv, "env": dict(os.environ)}) + "\\n")
if name == "python3":
    if argv == ["--version"]:
        print("Python 3 (fake)")
        sys.exit(0)
    if argv[:2] == ["tasks.py", "ci-env"]:  # the real thing: it is what is under test
        os.execv(os.environ["FAKE_REAL_PYTHON"], [os.environ["FAKE_REAL_PYTHON"], *argv])
    if argv[:2] == ["tasks.py", "test"]:
        sys.exit(int(os.environ["FAKE_TEST_EXIT"]))
elif name == "chromium" and argv == ["--version"]:
    print("Chromium 0 (fake)")
    sys.exit(0)
elif name == "id" and argv == ["-u"]:
    print(os.environ["FAKE_UID"])
    sys.exit(0)
elif name == "apt-get":
    if "install" in argv and "chromium" in argv:  # "installs" Chromium: a fake one
        os.symlink(sys.argv[0], Path(sys.argv[0]).with_name("chromium"))
    sys.exit(0)
print(f"fake {name}: unexpected arguments {argv}", file=sys.stderr)
sys.exit(99)
'''


def _executable(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


class CiRun:
    def __init__(self, result: subprocess.CompletedProcess, log: Path, tmpdir: Path):
        self.result, self.tmpdir = result, tmpdir
        self.calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []

    def test_runs(self) -> list[dict]:
        """The python3 calls other than .ci/run's own bookkeeping (--version and tasks.py ci-env)."""
        return [c for c in self.calls if c["program"] == "python3" and c["argv"] != ["--version"]
                and c["argv"][:2] != ["tasks.py", "ci-env"]]


def run_ci(tmp_path: Path, data_dir: Path, *, test_exit: int = 0, chromium: bool = True, uid: str = "1000") -> CiRun:
    """.ci/run, for real, with fake programs first and only on its PATH."""
    bin_dir, tmpdir, log = tmp_path / "bin", tmp_path / "tmp", tmp_path / "calls.jsonl"
    bin_dir.mkdir()
    tmpdir.mkdir()
    for tool in SYSTEM_TOOLS:
        found = shutil.which(tool)
        assert found, f"{tool} is needed to run .ci/run"
        (bin_dir / tool).symlink_to(found)
    fake = tmp_path / "fake"
    _executable(fake, f"#!{sys.executable}\n{FAKE}")
    for name in ("python3", "id", "apt-get") + (("chromium",) if chromium else ()):
        (bin_dir / name).symlink_to(fake)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TUTORIAL_", "PIP_")) and k not in ("PYTHONUNBUFFERED", "VIRTUAL_ENV")}
    env.update(PATH=str(bin_dir), TMPDIR=str(tmpdir), TUTORIAL_DATA_DIR=str(data_dir), FAKE_LOG=str(log),
               FAKE_REAL_PYTHON=sys.executable, FAKE_TEST_EXIT=str(test_exit), FAKE_UID=uid)
    result = subprocess.run([str(CI)], capture_output=True, text=True, env=env, timeout=120)
    return CiRun(result, log, tmpdir)


needs_bash = pytest.mark.skipif(os.name == "nt" or shutil.which("bash") is None, reason=".ci/run is a bash script")


@pytest.fixture
def mirror(tmp_path) -> Path:
    folder = tmp_path / "data mirror"  # a space: the settings reach the shell quoted
    folder.mkdir()
    return folder


# --- ci_settings: CI's policy ---------------------------------------------------------------------------------

def test_ci_keeps_a_data_mirror_it_is_given(tmp_path, mirror):
    settings = tasks.ci_settings({"TUTORIAL_DATA_DIR": str(mirror)}, tmp_path / "clone", tmp_path / "scratch")
    assert settings["TUTORIAL_DATA_DIR"] == str(mirror)


@pytest.mark.parametrize("environ", [{}, {"TUTORIAL_DATA_DIR": ""}])
def test_ci_uses_the_shared_data_beside_the_clone_by_default(tmp_path, environ):
    (tmp_path / "clone").mkdir()
    (tmp_path / "shared" / "data").mkdir(parents=True)
    settings = tasks.ci_settings(environ, tmp_path / "clone", tmp_path / "scratch")
    assert settings["TUTORIAL_DATA_DIR"] == str(tmp_path / "shared" / "data")


@pytest.mark.parametrize("given", [True, False])
def test_ci_stops_with_a_message_when_the_data_mirror_is_missing(tmp_path, given):
    (tmp_path / "clone").mkdir()
    missing = tmp_path / "nowhere" if given else tmp_path / "shared" / "data"
    environ = {"TUTORIAL_DATA_DIR": str(missing)} if given else {}
    with pytest.raises(SystemExit) as stop:
        tasks.ci_settings(environ, tmp_path / "clone", tmp_path / "scratch")
    assert f"no data mirror at {missing}" in str(stop.value.code) and "TUTORIAL_DATA_DIR" in str(stop.value.code)


def test_ci_requires_pytorch_and_every_browser_test_and_keeps_its_files_in_its_scratch_folder(tmp_path, mirror):
    scratch = tmp_path / "scratch"
    environ = {"TUTORIAL_DATA_DIR": str(mirror), "TUTORIAL_BROWSER_NOTEBOOKS": "04", "TUTORIAL_REQUIRE_BROWSER": "0",
               "TUTORIAL_HOME": str(Path.home() / "tf2-hands-on"), "TUTORIAL_VENV": str(ROOT / ".venv")}
    settings = tasks.ci_settings(environ, ROOT, scratch)
    assert {k: settings[k] for k in REQUIRED} == REQUIRED  # whatever the environment says
    assert Path(settings["TUTORIAL_VENV"]).parent == scratch and Path(settings["TUTORIAL_HOME"]).parent == scratch
    assert settings["PIP_NO_CACHE_DIR"] == "1" and settings["PYTHONUNBUFFERED"] == "1"


# --- .ci/run, run for real with fakes -------------------------------------------------------------------------

@needs_bash
def test_ci_runs_the_readme_test_command_with_the_ci_environment(tmp_path, mirror):
    ci = run_ci(tmp_path, mirror)
    assert ci.result.returncode == 0, ci.result.stderr
    readme_test = shlex.split(readme_commands()[1])
    assert [[c["program"], *c["argv"]] for c in ci.test_runs()] == [readme_test]
    env = ci.test_runs()[0]["env"]
    assert {k: env.get(k) for k in REQUIRED} == REQUIRED and env["TUTORIAL_DATA_DIR"] == str(mirror)
    scratch = Path(env["TUTORIAL_VENV"]).parent  # a fresh folder under $TMPDIR, removed when CI ends
    assert scratch.parent == ci.tmpdir and Path(env["TUTORIAL_HOME"]).parent == scratch
    assert list(ci.tmpdir.iterdir()) == [], "the temporary venv must be removed when CI ends"
    assert not [c for c in ci.calls if c["program"] == "apt-get"]  # Chromium was there: nothing installed
    assert "CI finished" in ci.result.stdout


@needs_bash
def test_ci_fails_when_the_tests_fail(tmp_path, mirror):
    ci = run_ci(tmp_path, mirror, test_exit=1)
    assert ci.result.returncode != 0 and len(ci.test_runs()) == 1
    assert "CI finished" not in ci.result.stdout
    assert list(ci.tmpdir.iterdir()) == [], "the temporary venv must be removed when CI fails, too"


@needs_bash
def test_ci_stops_before_the_tests_when_the_data_mirror_is_missing(tmp_path):
    ci = run_ci(tmp_path, tmp_path / "no-mirror")
    assert ci.result.returncode != 0 and ci.test_runs() == []
    assert f"no data mirror at {tmp_path / 'no-mirror'}" in ci.result.stderr
    assert "Traceback" not in ci.result.stderr


@needs_bash
def test_ci_installs_chromium_when_it_is_missing(tmp_path, mirror):
    ci = run_ci(tmp_path, mirror, chromium=False, uid="0")
    assert ci.result.returncode == 0, ci.result.stderr
    apt = [c for c in ci.calls if c["program"] == "apt-get"]
    install = apt[-1]["argv"]
    assert install[0] == "install" and "-y" in install and "chromium" in install
    assert all(c["env"].get("DEBIAN_FRONTEND") == "noninteractive" for c in apt)
    assert ci.calls.index(apt[-1]) < ci.calls.index(ci.test_runs()[0])


@needs_bash
def test_ci_fails_clearly_when_it_cannot_install_chromium(tmp_path, mirror):
    ci = run_ci(tmp_path, mirror, chromium=False, uid="1000")  # not root, and no sudo on its PATH
    assert ci.result.returncode != 0 and ci.test_runs() == []
    assert "this user cannot install it" in ci.result.stderr and "sudo apt install chromium" in ci.result.stderr


# --- the browser tests: skipped where Chromium is missing, failed in CI ----------------------------------------

def _playwright_installed() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def test_a_missing_chromium_fails_the_browser_tests_when_required_and_skips_them_otherwise(tmp_path):
    no_browser = {browser.CHROMIUM_ENV: str(tmp_path / "no-chromium")}
    with pytest.raises(pytest.fail.Exception) as failed:
        browser.skip_or_fail_unless_runnable({**no_browser, browser.REQUIRE_ENV: "1"})
    assert "TUTORIAL_REQUIRE_BROWSER=1 but" in str(failed.value)
    if _playwright_installed():
        assert "no-chromium is not an executable file" in str(failed.value)
    for unrequired in ({}, {browser.REQUIRE_ENV: "0"}):
        with pytest.raises(pytest.skip.Exception):
            browser.skip_or_fail_unless_runnable({**no_browser, **unrequired})


@pytest.mark.skipif(not _playwright_installed(), reason="the playwright package is in requirements-dev.txt")
def test_the_browser_tests_run_when_chromium_is_there(tmp_path):
    chromium = tmp_path / "chromium"
    _executable(chromium, "#!/bin/sh\n")
    browser.skip_or_fail_unless_runnable({browser.CHROMIUM_ENV: str(chromium), browser.REQUIRE_ENV: "1"})
