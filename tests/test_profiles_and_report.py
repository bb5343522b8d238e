"""Profiles, the precedence of explicit papermill values, report.record and the run report."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time

import psutil
import pytest

from tests.helpers import notebook
from tf2_hands_on import profiles, report
from tools.nbtools import ROOT


def test_pick_follows_the_environment(monkeypatch):
    monkeypatch.setenv(profiles.ENV_VAR, "smoke")
    assert profiles.active() == "smoke" and profiles.pick(smoke=1, default=5) == 1
    monkeypatch.setenv(profiles.ENV_VAR, "default")
    assert profiles.pick(smoke=1, default=5) == 5
    monkeypatch.delenv(profiles.ENV_VAR)
    assert profiles.active() == "default" and profiles.pick(smoke=1, default=5) == 5
    monkeypatch.setenv(profiles.ENV_VAR, " Smoke ")
    assert profiles.active() == "smoke"


def test_unknown_profile_says_which_exist(monkeypatch):
    monkeypatch.setenv(profiles.ENV_VAR, "fast")
    with pytest.raises(profiles.ProfileError, match="smoke, default"):
        profiles.pick(smoke=1, default=2)


def test_pick_needs_both_values_of_one_kind(monkeypatch):
    with pytest.raises(TypeError):
        profiles.pick(smoke=1)
    with pytest.raises(profiles.ProfileError, match="same kind"):
        profiles.pick(smoke="1", default=5)
    monkeypatch.setenv(profiles.ENV_VAR, "smoke")
    assert profiles.pick(smoke=0.5, default=2) == 0.5  # int and float mix


def test_record_is_a_no_op_without_a_report(monkeypatch, tmp_path):
    monkeypatch.delenv(report.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    report.record("accuracy", 0.9)
    assert list(tmp_path.iterdir()) == []


def test_record_appends_and_read_keeps_the_last_value(monkeypatch, tmp_path):
    path = tmp_path / "m.jsonl"
    monkeypatch.setenv(report.ENV_VAR, str(path))
    report.record("accuracy", 0.5, "%")
    report.record("accuracy", 0.9, "%")
    report.record("images_per_s", 120)
    values, units = report.read(path)
    assert values == {"accuracy": 0.9, "images_per_s": 120.0} and units["accuracy"] == "%"


@pytest.mark.parametrize("name, value, match", [
    ("Accuracy", 1, "snake_case"), ("acc", "0.9", "must be a number"), ("acc", True, "booleans"),
    ("acc", math.nan, "finite"), ("", 1, "snake_case"),
])
def test_record_rejects_bad_input_with_a_clear_message(name, value, match):
    with pytest.raises(ValueError, match=match):
        report.record(name, value)


def _papermill(tmp_path, nb_text, *args, env=None):
    src = tmp_path / "in.ipynb"
    src.write_text(nb_text)
    out = tmp_path / "out.ipynb"
    result = subprocess.run([sys.executable, "-m", "papermill", str(src), str(out), "--cwd", str(tmp_path), *args],
                            capture_output=True, text=True, timeout=300, env=env)
    return result, out


def test_an_explicit_papermill_value_beats_the_profile(tmp_path, monkeypatch):
    nb = notebook(
        ("code", "from tf2_hands_on import profiles", []),
        ("code", "epochs = profiles.pick(smoke=1, default=5)\nbatch_size = profiles.pick(smoke=8, default=64)",
         ["parameters"]),
        ("code", "print(f'RESULT {profiles.active()} {epochs} {batch_size}')", []),
    )
    import os

    env = {**os.environ, profiles.ENV_VAR: "smoke"}
    result, out = _papermill(tmp_path, nb, "-p", "epochs", "7", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    text = json.loads(out.read_text())["cells"][-1]["outputs"][0]["text"]
    assert "RESULT smoke 7 8" in "".join(text)  # epochs explicit, batch_size from the smoke profile


CHILD_HOLDS_300_MIB = "import time; b = bytearray(300 * 2**20); time.sleep(1.5)"


def test_run_report_records_failures_metrics_and_memory(tmp_path):
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    setup = "import sys\n\nfrom tf2_hands_on import report, profiles"
    (nb_dir / "01_good.ipynb").write_text(notebook(
        ("code", setup, []),
        ("code", "n = profiles.pick(smoke=3, default=4)", ["parameters"]),
        ("code", "blob = bytearray(300 * 2**20)\nreport.record('n_value', n)\nreport.record('size', 300, 'MiB')", []),
        # while the kernel holds 300 MiB, a child process holds 300 MiB more: the peak counts both
        ("code", f"import subprocess\nsubprocess.run([sys.executable, '-c', {CHILD_HOLDS_300_MIB!r}], check=True)", []),
    ))
    (nb_dir / "02_bad.ipynb").write_text(notebook(
        ("code", "x = 1", ["parameters"]),
        ("code", "raise ValueError('deliberate failure')", []),
    ))
    out = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "tools.run_report", str(nb_dir / "01_good.ipynb"),
                             str(nb_dir / "02_bad.ipynb"), "--profile", "smoke", "--out", str(out)],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[1/2] 01_good" in result.stdout and "FAILED: 02_bad" in result.stdout
    rep = json.loads((out / "report.json").read_text())
    assert rep["profile"] == "smoke" and rep["python"] and rep["tensorflow"] and rep["keras"] and rep["device"]
    good, bad = rep["notebooks"]["01_good"], rep["notebooks"]["02_bad"]
    assert good["status"] == "ok" and good["error"] is None and good["metrics"] == {"n_value": 3.0, "size": 300.0}
    # MiB. Both kernels load TensorFlow; the good one's peak adds its 300 and its child's 300, held at the same time,
    # and the bad one's is its own kernel's, not this process's nor the previous kernel's
    assert good["peak_rss_mib"] - bad["peak_rss_mib"] > 550 and bad["peak_rss_mib"] > 0
    assert bad["status"] == "error" and bad["error"] == "ValueError: deliberate failure"
    assert isinstance(good["wall_s"], float) and good["wall_s"] > 0
    md = (out / "report.md").read_text()
    assert "| 01_good | ok |" in md and "**ERROR**: ValueError: deliberate failure" in md
    assert f"| {good['peak_rss_mib']:,.0f} MiB |" in md and "size = 300 MiB" in md
    assert (out / "01_good.ipynb").is_file() and (out / "02_bad.ipynb").is_file()


def test_run_report_rejects_an_unknown_notebook():
    result = subprocess.run([sys.executable, "-m", "tools.run_report", "99_nothing", "--out", "/tmp/x"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode != 0 and "no notebook '99_nothing'" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and 2 or more CPUs")
def test_run_report_runs_notebooks_on_one_cpu_beside_a_busy_program(tmp_path):
    """The robustness runs of the issue: --cpus 1 (as on Binder) and --busy (another program takes one core)."""
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    from tools.run_report import BUSY_PROGRAM

    probe = (f"import os, psutil\nfrom tf2_hands_on import report\nBUSY = {BUSY_PROGRAM!r}\n"
             "report.record('cpus', len(os.sched_getaffinity(0)))\n"
             "report.record('busy', sum((p.info['cmdline'] or ['', '', ''])[2:3] == [BUSY]"
             " for p in psutil.process_iter(['cmdline'])))")
    (nb_dir / "01_probe.ipynb").write_text(notebook(("code", "x = 1", ["parameters"]), ("code", probe, [])))
    out = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "tools.run_report", str(nb_dir / "01_probe.ipynb"), "--profile",
                             "smoke", "--out", str(out), "--cpus", "1", "--busy"],
                            capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    rep = json.loads((out / "report.json").read_text())
    assert rep["notebooks"]["01_probe"]["metrics"] == {"cpus": 1.0, "busy": 1.0}
    assert rep["conditions"] == "1 CPU(s), another program keeping one core busy"
    assert not any(BUSY_PROGRAM in (p.info["cmdline"] or []) for p in psutil.process_iter(["cmdline"]))


def test_the_busy_program_stops_when_the_report_is_killed():
    """A report stopped by a signal runs no cleanup: its busy program must notice and stop by itself."""
    from tools.run_report import BUSY_PROGRAM

    starter = ("import os, subprocess, sys, time\n"
               f"subprocess.Popen([sys.executable, '-c', {BUSY_PROGRAM!r}, str(os.getpid())])\n"
               "print('started', flush=True)\ntime.sleep(120)")
    parent = subprocess.Popen([sys.executable, "-c", starter], stdout=subprocess.PIPE, text=True)
    assert parent.stdout.readline().strip() == "started"

    def burners():
        return [p for p in psutil.process_iter(["cmdline", "ppid"]) if p.info["ppid"] == parent.pid
                and BUSY_PROGRAM in (p.info["cmdline"] or [])]

    deadline = time.time() + 10
    while not burners() and time.time() < deadline:
        time.sleep(0.1)
    [burner] = burners()
    parent.kill()
    parent.wait()
    burner.wait(timeout=10)  # raises psutil.TimeoutExpired if it keeps spinning
