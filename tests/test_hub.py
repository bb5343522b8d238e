"""The workshop hub (tools/hub.py, ``python3 tasks.py hub``): the course pulled into each home without losing a
learner's edits, and a real JupyterHub on 127.0.0.1 where three learners log in at once through the REST API, run
notebooks 00 and 03 in their own servers within their memory and CPU limits while the proxy keeps answering, and
after which nothing is left running.

The hub test needs JupyterHub (requirements-hub.txt, in requirements-dev.txt) and root's cgroup v1 hierarchies to
enforce the limits; without them it skips, unless TUTORIAL_REQUIRE_HUB=1 (CI sets it): then it fails.
"""

from __future__ import annotations

import importlib.util
import os
import socket
from pathlib import Path

import psutil
import pytest

from tools import hub

REQUIRE_ENV = "TUTORIAL_REQUIRE_HUB"


def test_a_pull_updates_what_the_learner_left_alone_and_keeps_what_they_edited(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.ipynb").write_text("a1")
    (source / "b.ipynb").write_text("b1")
    files = {"notebooks/a.ipynb": source / "a.ipynb", "notebooks/b.ipynb": source / "b.ipynb"}
    dest = tmp_path / "home" / hub.COURSE_DIR
    assert hub.sync_course(files, dest)["added"] == ["notebooks/a.ipynb", "notebooks/b.ipynb"]
    (dest / "notebooks/a.ipynb").write_text("my answer")  # the learner's work
    (dest / "notebooks/b.ipynb").unlink()  # deleted by mistake
    (source / "a.ipynb").write_text("a2")
    (source / "b.ipynb").write_text("b2")
    (source / "c.ipynb").write_text("c1")
    files["notebooks/c.ipynb"] = source / "c.ipynb"
    changes = hub.sync_course(files, dest)
    assert changes["kept"] == ["notebooks/a.ipynb"] and (dest / "notebooks/a.ipynb").read_text() == "my answer"
    assert sorted(changes["added"]) == ["notebooks/b.ipynb", "notebooks/c.ipynb"]
    assert (dest / "notebooks/b.ipynb").read_text() == "b2"
    (source / "b.ipynb").write_text("b3")  # untouched by the learner since the last pull: updated
    changes = hub.sync_course(files, dest)
    assert changes["updated"] == ["notebooks/b.ipynb"] and (dest / "notebooks/b.ipynb").read_text() == "b3"
    assert changes["kept"] == ["notebooks/a.ipynb"], "an edit is kept at every later pull too"


def test_the_course_files_are_the_notebooks_and_the_package():
    files = hub.course_files()
    assert "notebooks/00_environment_check.ipynb" in files and "tf2_hands_on/kernel.py" in files
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]


def test_sizes_and_a_check_result_that_crossed_a_limit_is_a_problem():
    assert hub.parse_bytes("2G") == 2 * 2**30 and hub.parse_bytes("1536M") == 1536 * 2**20
    ok = {"user": "learner1", "notebooks": [{"notebook": "00", "status": "ok", "error": None}], "peak_tree_mib": 900.0,
          "oom_kills": 0, "cpu_s": 10.0, "wall_s": 30.0}
    result = {"limits": {"mem_mib": 1024.0, "cpus": 0.5}, "learners": [ok], "proxy": {"polls": 60, "failures": []}}
    assert hub.problems(result) == []
    result["learners"] = [{**ok, "peak_tree_mib": 1100.0}, {**ok, "cpu_s": 20.0}, {"error": "RuntimeError: no server"}]
    result["proxy"]["failures"] = ["HTTP 503"]
    found = "\n".join(hub.problems(result))
    assert "not under the limit 1024.0 MiB" in found and "above 0.5 CPU(s)" in found and "no server" in found
    assert "the proxy missed 1 of 60 polls" in found


def test_a_taken_port_says_what_to_do(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = hub.HubSettings(state=tmp_path / "hub", port=port, enforce=False)
        with pytest.raises(RuntimeError, match=f"port {port} on 127.0.0.1 is taken .* pass --port"):
            hub.LocalHub(settings).__enter__()


def test_the_hub_configuration_holding_the_password_is_private(tmp_path):
    settings = hub.HubSettings(state=tmp_path / "hub", enforce=False)
    settings.state.mkdir()
    config = hub.write_config(settings, 8001, 8081)
    assert config.stat().st_mode & 0o777 == 0o600 and settings.password in config.read_text()


def _hub_processes(state: Path) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if str(state) in " ".join(proc.cmdline()) or proc.cwd().startswith(str(state)):
                found.append(proc)
        except psutil.Error:
            pass
    return found


def test_three_learners_run_notebooks_at_once_within_their_limits_and_nothing_is_left(tmp_path):
    why = None if importlib.util.find_spec("jupyterhub") else "JupyterHub is not installed (requirements-hub.txt)"
    why = why or hub.Cgroup.available()
    if why:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but the hub test cannot run: {why}")
        pytest.skip(why)
    state = tmp_path / "hub"
    settings = hub.HubSettings(state=state, users=3, port=hub.free_port(), mem_limit="2G", cpu_limit=0.5,
                               profile="smoke")
    result = hub.check(settings, ["00", "03"])
    print(result)  # the measured figures, for docs/INSTRUCTORS.md (pytest -s shows them)
    assert hub.problems(result) == [], result
    assert result["limits"]["enforced"]
    for learner in result["learners"]:
        assert [nb["status"] for nb in learner["notebooks"]] == ["ok", "ok"], learner
        assert 300 < learner["peak_tree_mib"] < 2048, learner  # TensorFlow's kernel was measured, under the limit
        assert learner["cpu_s"] <= 0.5 * learner["wall_s"] * 1.05 + 1, learner
        assert (settings.home(learner["user"]) / hub.COURSE_DIR / hub.MANIFEST).exists()
    assert sum(learner["throttled_periods"] for learner in result["learners"]) > 0, "the CPU quota never bit"
    assert result["proxy"]["polls"] >= result["wall_s"] - result["hub_start_s"] - 10, result["proxy"]
    # Everything stopped: no process of the hub, its proxy, a server or a kernel; no cgroup; the port closed.
    assert not _hub_processes(state), [p.cmdline() for p in _hub_processes(state)]
    for controller in hub.CONTROLLERS:
        assert not (hub.CGROUP_ROOT / controller / settings.cgroup_parent).exists()
    assert hub.port_is_free(settings.port)


def test_a_hub_stopped_with_sigterm_stops_its_proxy_too(tmp_path):
    """``python3 tasks.py hub`` runs until Ctrl-C; a kill or a closed terminal (SIGTERM, SIGHUP) stops it as well."""
    if not importlib.util.find_spec("jupyterhub"):
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{REQUIRE_ENV}=1 but JupyterHub is not installed (requirements-hub.txt)")
        pytest.skip("JupyterHub is not installed (requirements-hub.txt)")
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    state, port = tmp_path / "hub", hub.free_port()
    process = subprocess.Popen([sys.executable, "-m", "tools.hub", "--no-enforce", "--port", str(port), "--state",
                                str(state)], cwd=hub.ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert "JupyterHub: http://127.0.0.1:" in process.stdout.readline()  # printed once the hub answers
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/hub/health", timeout=10) as answer:
            assert answer.status == 200
        assert _hub_processes(state), "no hub process found: the check below would prove nothing"
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    deadline = time.monotonic() + 10
    while _hub_processes(state) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _hub_processes(state), [p.cmdline() for p in _hub_processes(state)]
    assert hub.port_is_free(port)
