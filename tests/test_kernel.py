"""The course's kernel (tf2_hands_on/kernel.py): TensorFlow's native start-up lines stay out of a notebook."""

from __future__ import annotations

import json
import sys

import pytest

from tf2_hands_on import kernel

NOISE = ("oneDNN custom operations", "absl::InitializeLog")
CELL = ("import matplotlib.pyplot as plt\nimport tensorflow as tf\n\ntf.print('tf.print still shows')\n"
        "print('print still shows')\nplt.plot([0, 1])\nplt.show()")


def _run(tmp_path, monkeypatch, spec_json: dict) -> str:
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    spec = tmp_path / "kernels" / "kernels" / "probe"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(spec_json), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "kernels"))
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)  # ipykernel copies C-level output only outside pytest
    monkeypatch.delenv("MPLBACKEND", raising=False)  # as in a learner's JupyterLab: plots inline
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    nbclient.NotebookClient(nb, timeout=300, kernel_name="probe").execute()
    images = sum("image/png" in o.get("data", {}) for o in nb.cells[0].outputs)
    return "".join(o.get("text", "") for o in nb.cells[0].outputs) + f"\n{images} image(s)"


def test_the_course_kernel_keeps_tensorflows_start_up_lines_out_and_tf_print_in(tmp_path, monkeypatch):
    plain = _run(tmp_path / "plain", monkeypatch, {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f",
                                                            "{connection_file}"], "display_name": "plain", "language": "python"})
    assert any(line in plain for line in NOISE), f"without the course kernel the lines show (else this proves nothing): {plain}"
    course = _run(tmp_path / "course", monkeypatch, kernel.spec(sys.executable))
    assert not [line for line in NOISE if line in course], course
    assert "tf.print still shows" in course and "print still shows" in course
    assert "1 image(s)" in plain and "1 image(s)" in course, "the plot shows inline (TensorFlow imports matplotlib)"


def test_install_writes_the_python3_kernelspec(tmp_path):
    folder = kernel.install(tmp_path)
    assert folder == tmp_path / "share" / "jupyter" / "kernels" / "python3"
    spec = json.loads((folder / "kernel.json").read_text())
    assert spec["argv"][1:3] == ["-m", "tf2_hands_on.kernel"] and spec["language"] == "python"
