"""TensorFlow's thread pools follow the CPU quota (tensorflow/tensorflow#17206): the course's kernel sizes them from
``environment.cpu_cores()`` (affinity, cgroup v1 and v2) and JupyterHub's ``CPU_LIMIT``, before TensorFlow starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tf2_hands_on import environment, kernel

CGROUP_V1_CPU = Path("/sys/fs/cgroup/cpu")
REQUIRE_ENV = "TUTORIAL_REQUIRE_HUB"  # 1 (CI sets it): a machine that cannot set a CPU quota fails, not skips

# Joins a cgroup (argv[1], or "-"), optionally pins itself to one CPU, applies the course kernel's thread settings
# (argv[3] == "course") or not, starts TensorFlow's pools (an eager op and a graph), then reports its thread count.
PROBE = """
import json, os, sys
if sys.argv[1] != "-":
    with open(os.path.join(sys.argv[1], "cgroup.procs"), "w") as f:
        f.write(str(os.getpid()))
if sys.argv[2] == "pin":
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
from tf2_hands_on import environment
if sys.argv[3] == "course":
    os.environ.update(environment.tensorflow_threads())
import tensorflow as tf
x = tf.random.normal((512, 512))
tf.matmul(x, x).numpy()
tf.function(lambda a: tf.matmul(a, a) + 1)(x).numpy()
with open("/proc/self/status") as f:
    threads = int(f.read().split("Threads:")[1].split()[0])
print(json.dumps({"cores": environment.cpu_cores(), "threads": threads,
                  "intra": os.environ.get("TF_NUM_INTRAOP_THREADS")}))
"""


def probe(cgroup: str, pin: str, mode: str) -> dict:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    for name in (*environment.THREAD_VARIABLES, "CPU_LIMIT"):
        env.pop(name, None)
    done = subprocess.run([sys.executable, "-c", PROBE, cgroup, pin, mode], capture_output=True, text=True,
                          timeout=180, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_threads_follow_the_quota_and_cpu_limit_unless_the_learner_set_them(monkeypatch):
    monkeypatch.setattr(environment, "cpu_cores", lambda: 4)
    assert environment.tensorflow_threads({}) == {"TF_NUM_INTRAOP_THREADS": "4", "TF_NUM_INTEROP_THREADS": "4"}
    assert environment.tensorflow_threads({"CPU_LIMIT": "1.5"})["TF_NUM_INTRAOP_THREADS"] == "2"  # JupyterHub's
    assert environment.tensorflow_threads({"CPU_LIMIT": "0.5"})["TF_NUM_INTEROP_THREADS"] == "1"
    assert environment.tensorflow_threads({"CPU_LIMIT": "16"})["TF_NUM_INTRAOP_THREADS"] == "4"  # never above the quota
    assert environment.tensorflow_threads({"CPU_LIMIT": "junk"})["TF_NUM_INTRAOP_THREADS"] == "4"
    mine = environment.tensorflow_threads({"TF_NUM_INTRAOP_THREADS": "8", "CPU_LIMIT": "1"})
    assert mine == {"TF_NUM_INTRAOP_THREADS": "8", "TF_NUM_INTEROP_THREADS": "1"}, "the learner's own value wins"


def test_the_readiness_row_warns_when_tensorflow_would_use_more_threads_than_the_quota(monkeypatch):
    monkeypatch.setattr(environment, "cpu_cores", lambda: 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    row = environment.threads_finding({})
    assert row.status == "warn" and "4 per pool" in row.detail and "TF_NUM_INTRAOP_THREADS" in row.fix
    row = environment.threads_finding({"TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1"})
    assert row.status == "pass" and row.detail.startswith("1 per op")


def test_the_own_cgroup_is_read_from_proc_self_cgroup(monkeypatch, tmp_path):
    lines = "12:cpu,cpuacct:/workshop/alice\n4:memory:/x\n0::/user.slice/alice\n"
    real_open = open

    def fake_open(name, *args, **kwargs):
        return real_open(tmp_path / "cgroup", *args, **kwargs) if name == "/proc/self/cgroup" else real_open(name, *args, **kwargs)

    (tmp_path / "cgroup").write_text(lines)
    monkeypatch.setattr("builtins.open", fake_open)
    assert environment._own_cgroup("cpu") == "workshop/alice"
    assert environment._own_cgroup("") == "user.slice/alice"
    assert environment._own_cgroup("pids") == ""


def test_the_course_kernel_applies_cpu_limit_before_tensorflow_starts(tmp_path, monkeypatch):
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    spec = tmp_path / "kernels" / "kernels" / "course"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(kernel.spec(sys.executable)), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "kernels"))
    monkeypatch.setenv("CPU_LIMIT", "1.0")  # what a JupyterHub spawner sets for a user limited to one CPU
    for name in environment.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    code = "import os\nprint(os.environ['TF_NUM_INTRAOP_THREADS'], os.environ['TF_NUM_INTEROP_THREADS'])"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nbclient.NotebookClient(nb, timeout=300, kernel_name="course").execute()
    assert nb.cells[0].outputs[0]["text"].split() == ["1", "1"]


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is a Linux feature")
def test_under_a_cpu_quota_smaller_than_the_machine_tensorflow_starts_fewer_threads():
    """A cgroup v1 quota of one CPU on a machine with more: without the course's setting TensorFlow starts as many
    threads as with no quota at all; with it, each of its two pools loses a thread per CPU above the quota."""
    affinity = len(os.sched_getaffinity(0))
    writable = os.access(CGROUP_V1_CPU, os.W_OK) and (CGROUP_V1_CPU / "cpu.cfs_quota_us").exists()
    if affinity < 2 or not writable:
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"CI must prove the CPU quota: {affinity} CPU(s), {CGROUP_V1_CPU} writable: {writable}")
        pytest.skip(f"needs 2+ CPUs and a writable cgroup v1 cpu hierarchy ({affinity} CPU(s), writable: {writable})")
    pinned = probe("-", "pin", "plain")  # TensorFlow's own behaviour on one CPU of affinity
    assert pinned["cores"] == 1
    group = CGROUP_V1_CPU / f"tf2-hands-on-test-{uuid.uuid4().hex[:8]}"
    group.mkdir()
    try:
        (group / "cpu.cfs_period_us").write_text("100000")
        (group / "cpu.cfs_quota_us").write_text("100000")  # one CPU's worth of time
        plain, course = probe(str(group), "free", "plain"), probe(str(group), "free", "course")
    finally:
        group.rmdir()  # empty again: both probes have exited
    assert plain["cores"] == course["cores"] == 1, "cpu_cores() reads the process's own cgroup's quota"
    assert course["intra"] == "1" and plain["intra"] is None
    assert course["threads"] <= plain["threads"] - 2 * (affinity - 1), (plain, course, pinned)
    assert course["threads"] >= pinned["threads"], (course, pinned)
