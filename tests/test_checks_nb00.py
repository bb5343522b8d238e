"""Notebook 00: its exercise checkers, and the environment helpers its readiness table is built from."""

from __future__ import annotations

import json
import subprocess
import types

import pytest
import tensorflow as tf

from tf2_hands_on import environment, exercises
from tf2_hands_on.environment import Finding


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def test_00_1_device_for():
    def device_for(devices):
        return "GPU:0" if any(d.device_type == "GPU" for d in devices) else "CPU:0"

    result = verdict("00.1", device_for)
    assert result and "ran on /job:localhost" in result.message
    assert verdict("00.1", lambda devices: "/device:GPU:0" if len(devices) > 1 else "/device:CPU:0")
    assert verdict("00.1", lambda devices: tf.DeviceSpec(device_type=devices[min(1, len(devices) - 1)].device_type))
    assert "cannot read" in verdict("00.1", lambda devices: "graphics card").message
    assert "no device type" in verdict("00.1", lambda devices: "/job:localhost").message
    assert "function itself" in verdict("00.1", "CPU:0").message


def test_00_1_a_raising_answer_is_the_learners():
    result = verdict("00.1", lambda devices: devices.name)
    assert not result and "your answer raised AttributeError" in result.message


def test_00_3_matmul_seconds():
    result = verdict("00.3", lambda n, gflops: 2 * n**3 / (gflops * 1e9))
    assert result and "17 ms" in result.message
    assert verdict("00.3", lambda n, gflops: tf.constant(2 * n**3 * 1e-9 / gflops, tf.float64))
    assert "function itself" in verdict("00.3", 0.1).message
    assert "one number" in verdict("00.3", lambda n, gflops: "fast").message
    assert not verdict("00.3", lambda n, gflops: 1.0)


# --- the helpers behind the readiness table -------------------------------------------------------


def test_device_summary_asks_tensorflow_in_process(monkeypatch):
    monkeypatch.setattr(environment, "gpus", lambda: [{"name": "NVIDIA L4", "compute_capability": (8, 9)}])
    assert environment.device_summary().endswith("; GPU: NVIDIA L4 (cc 8.9)")  # TensorFlow is imported here
    monkeypatch.setattr(environment, "gpus", lambda: [])
    assert environment.device_summary().endswith("; no GPU")


def test_the_child_process_reads_tensorflows_device_details(monkeypatch):
    listed = [{"name": "/physical_device:GPU:0", "device_name": "Tesla T4", "compute_capability": [7, 5]},
              {"name": "/physical_device:GPU:1"}]
    done = subprocess.CompletedProcess([], 0, stdout="a log line\n" + json.dumps(listed) + "\n", stderr="")
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: done)
    assert environment._gpus_from_a_child() == [{"name": "Tesla T4", "compute_capability": (7, 5)},
                                                {"name": "/physical_device:GPU:1", "compute_capability": None}]
    monkeypatch.setattr(subprocess, "run", lambda *args, **kwargs: subprocess.CompletedProcess([], 1, "", "boom"))
    assert environment._gpus_from_a_child() is None


def test_the_child_process_really_runs():
    assert environment._gpus_from_a_child() == environment.gpus()


@pytest.mark.parametrize("matmul_ok, xla_ok", [(True, True), (False, True), (True, False)])
def test_readiness_reports_a_failed_computation_with_its_fix(matmul_ok, xla_ok):
    found = {f.check: f for f in environment.readiness(matmul_ok=matmul_ok, xla_ok=xla_ok)}
    assert {"python", "tensorflow", "keras", "tf.keras is keras", "CPU cores", "TensorFlow threads", "RAM", "GPU", "float16 speed-up", "bfloat16 speed-up",
            "float32 matmul", "XLA", "TensorBoard", "platform"} == set(found)
    assert (found["float32 matmul"].status == "pass") is matmul_ok and (found["XLA"].status == "pass") is xla_ok
    assert all(f.fix for f in found.values() if f.status in ("warn", "fail"))
    assert found["TensorBoard"].status == "pass"


def test_legacy_keras_is_a_failed_row_with_its_fix(monkeypatch):
    assert environment.keras_identity_finding().status == "pass"
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    legacy = types.SimpleNamespace(layers=types.SimpleNamespace(Dense=object))  # tf_keras: another Dense
    monkeypatch.setattr(tf, "keras", legacy)
    found = environment.keras_identity_finding()
    assert found.status == "fail" and "TF_USE_LEGACY_KERAS=1" in found.detail
    assert found.fix == "unset TF_USE_LEGACY_KERAS and restart the kernel"


def test_dataset_findings_never_download(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTORIAL_DATA_DIR", str(tmp_path / "no-such-kit"))
    found = environment.dataset_findings()
    assert found and all(f.status == "fail" and "TUTORIAL_DATA_DIR" in f.fix for f in found)
    monkeypatch.delenv("TUTORIAL_DATA_DIR")
    monkeypatch.setenv("TUTORIAL_HOME", str(tmp_path / "home"))
    from tf2_hands_on import data

    monkeypatch.setattr(data, "reachable", lambda name: False)
    found = environment.dataset_findings()
    assert all(f.status == "fail" and "cannot be reached" in f.detail for f in found)
    monkeypatch.setattr(data, "reachable", lambda name: True)
    assert all(f.status == "warn" and "prefetch" in f.fix for f in environment.dataset_findings())


def test_tally_counts_pass_warn_fail():
    findings = [Finding("a", "pass", ""), Finding("b", "warn", "", "x"), Finding("c", "info", ""),
                Finding("d", "pass", "")]
    assert environment.tally(findings) == {"passed": 2, "warned": 1, "failed": 0}
