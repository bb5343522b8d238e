"""The run report on the real notebook 00: what an instructor's preflight produces."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tools.nbtools import ROOT

EXPECTED = {"checks_passed", "checks_warned", "checks_failed", "cpu_cores", "ram_gb", "gpu_count", "matmul_gflops",
            "xla_ok", "datasets_available"}


def test_run_report_for_notebook_00(tmp_path):
    out = tmp_path / "run"
    result = subprocess.run([sys.executable, "-m", "tools.run_report", "00", "--profile", "smoke", "--out", str(out)],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    assert set(report) == {"profile", "python", "tensorflow", "keras", "device", "conditions", "notebooks", "sizing",
                           "environment"}  # the fingerprint the course website compares (tools/site.py)
    entry = report["notebooks"]["00_environment_check"]
    assert set(entry) == {"status", "wall_s", "peak_rss_mib", "cpu_s", "metrics", "error"}
    # The kernel's CPU time, counted once it has exited: importing TensorFlow and the matmul benchmark take seconds.
    assert 1 < entry["cpu_s"] < 4 * entry["wall_s"], entry
    assert report["sizing"]["notebooks"]["00"]["cpu_s"] == entry["cpu_s"]
    assert entry["status"] == "ok" and entry["error"] is None
    assert set(entry["metrics"]) == EXPECTED
    m = entry["metrics"]
    assert m["checks_failed"] == 0, "the machine running the tests must pass notebook 00's checks"
    assert m["xla_ok"] == 1 and m["matmul_gflops"] > 0 and m["cpu_cores"] >= 1
    assert entry["peak_rss_mib"] > 300  # TensorFlow alone takes ~500 MB: this is the kernel's memory
    if os.environ.get("TUTORIAL_DATA_DIR"):
        assert m["datasets_available"] == 4
    executed = json.loads(next(out.glob("00_environment_check*.ipynb")).read_text())
    images = sum("image/png" in o.get("data", {}) for c in executed["cells"] for o in c.get("outputs", []))
    assert images >= 1, "the executed copy must show the notebook's plots inline"
    solutions = [c for c in executed["cells"] if "solution" in c["metadata"].get("tags", [])]
    assert solutions and all(c["metadata"].get("jupyter", {}).get("source_hidden") and c["metadata"].get("cellView")
                             == "form" for c in solutions), "the executed copy shows the solutions collapsed"
    md = (out / "report.md").read_text()
    assert "| 00_environment_check | ok |" in md and "GFLOP/s" in md
    import platform

    assert report["python"] == platform.python_version()  # the kernel runs this interpreter
