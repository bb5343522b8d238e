"""tf2_hands_on.workers: workers are always stopped (normal end, exception, timeout, and the parent's death)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from tools import nbtools
from tf2_hands_on import workers

SLEEPER = [sys.executable, "-c", "import time; print('{\"event\": \"up\"}', flush=True); time.sleep(120)"]


def gone(pid, within_s=10.0):
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.05)
    return False


def test_events_wait_and_memory(tmp_path):
    script = "import json; [print(json.dumps({'event': 'step', 'n': i}), flush=True) for i in range(3)]; print('noise')"
    with workers.Workers(tmp_path, timeout_s=60) as group:
        group.start("a", [sys.executable, "-c", script])
        group.wait()
        assert group.events("a") == [{"event": "step", "n": i} for i in range(3)]
        assert group.wait_for("a", lambda e: e["n"] == 2) == {"event": "step", "n": 2}
    assert group.peak_mib > 10  # at least this test process


def test_peak_memory_counts_the_workers(tmp_path):
    hold = "import time; b = bytearray(200 * 2**20); print('{\"event\": \"up\"}', flush=True); time.sleep(60)"
    with workers.Workers(tmp_path, timeout_s=60) as group:
        before = group.peak_mib
        group.start("big", [sys.executable, "-c", hold])
        group.wait_for("big", lambda e: e["event"] == "up")
        time.sleep(0.3)  # a few samples, at 50 ms, with the worker listed
    assert group.peak_mib - before >= 150  # the worker's 200 MiB (MiB: 2**20 bytes)


def test_exception_inside_block_kills_workers(tmp_path):
    with pytest.raises(RuntimeError, match="boom"), workers.Workers(tmp_path, timeout_s=60) as group:
        proc = group.start("sleeper", SLEEPER)
        group.wait_for("sleeper", lambda e: e["event"] == "up")
        raise RuntimeError("boom")
    assert gone(proc.pid)


def test_failed_worker_stops_the_others_and_shows_its_log(tmp_path):
    crash = [sys.executable, "-c", "import sys; print('about to fail', flush=True); sys.exit(3)"]
    with workers.Workers(tmp_path, timeout_s=60) as group:
        sleeper = group.start("sleeper", SLEEPER)
        group.start("crash", crash)
        with pytest.raises(workers.WorkerError, match=r"(?s)'crash' failed with exit code 3.*about to fail"):
            group.wait()
        assert gone(sleeper.pid)


def test_timeout_names_the_parameter(tmp_path):
    with workers.Workers(tmp_path, timeout_s=1) as group:
        proc = group.start("sleeper", SLEEPER)
        with pytest.raises(workers.WorkerError, match="timeout_s"):
            group.wait()
    assert gone(proc.pid)


def test_exit_before_event_is_reported(tmp_path):
    with workers.Workers(tmp_path, timeout_s=60) as group:
        group.start("quick", [sys.executable, "-c", "print('bye')"])
        with pytest.raises(workers.WorkerError, match="exited .* before the awaited event"):
            group.wait_for("quick", lambda e: True)


def test_kill_is_immediate_and_restart_allowed(tmp_path):
    with workers.Workers(tmp_path, timeout_s=60) as group:
        first = group.start("w", SLEEPER)
        with pytest.raises(ValueError, match="still running"):
            group.start("w", SLEEPER)
        group.kill("w")
        assert first.returncode == -9
        second = group.start("w", SLEEPER)
    assert gone(second.pid)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_workers_die_with_their_parent(tmp_path):
    parent = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(nbtools.ROOT)!r})
        from tf2_hands_on import workers
        group = workers.Workers({str(tmp_path)!r}, timeout_s=60).__enter__()
        proc = group.start("orphan", {SLEEPER!r})
        group.wait_for("orphan", lambda e: e["event"] == "up")
        print(proc.pid, flush=True)
        os._exit(1)  # dies without cleaning up, as a crashed kernel would
    """)
    out = subprocess.run([sys.executable, "-c", parent], capture_output=True, text=True, timeout=60)
    pid = int(out.stdout.strip())
    assert gone(pid), "the worker outlived its parent"


def test_free_ports_are_distinct():
    ports = workers.free_ports(4)
    assert len(set(ports)) == 4 and all(1024 < p < 65536 for p in ports)


def test_a_crashed_peer_is_noticed_while_waiting_for_another(tmp_path):
    crash = [sys.executable, "-c", "import sys; print('peer error', flush=True); sys.exit(2)"]
    with workers.Workers(tmp_path, timeout_s=60) as group:
        sleeper = group.start("chief", SLEEPER)
        group.start("peer", crash)
        start = time.monotonic()
        with pytest.raises(workers.WorkerError, match=r"(?s)'peer' failed with exit code 2.*peer error"):
            group.wait_for("chief", lambda e: e["event"] == "never")
        assert time.monotonic() - start < 30
        assert gone(sleeper.pid)


def test_the_fit_script_orders_each_epoch_from_the_seed_and_the_epoch_alone():
    """Notebook 07's resume demo: a restarted process must draw the epoch's order an uninterrupted one drew."""
    import numpy as np

    from tf2_hands_on.scripts import fit_with_backup

    data = fit_with_backup.EpochOrder(np.zeros((20, 1), "float32"), np.arange(20), batch=5, seed=3)

    def order(epoch):
        data.epoch = epoch
        return np.concatenate([data[i][1] for i in range(len(data))])

    first = order(1)
    assert sorted(first) == list(range(20)) and not (order(0) == first).all()
    assert (order(1) == first).all()  # the same after another epoch ran in between, as after a restart
