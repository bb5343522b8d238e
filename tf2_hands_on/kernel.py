"""The course's Jupyter kernel: IPython's own, without TensorFlow's native start-up lines in the notebooks.

While TensorFlow loads, its C++ code writes lines such as "oneDNN custom operations are on" and "All log messages
before absl::InitializeLog() is called are written to STDERR" straight to the process's stderr, before any logging
setting can reach them (``TF_CPP_MIN_LOG_LEVEL`` does not hide them). Jupyter's kernel copies that stderr into the
cell that imports TensorFlow, so every notebook would open with them. This kernel loads TensorFlow once with that
stderr silenced, then starts IPython's kernel as usual: ``tf.print`` and every later message still show.

    python -m tf2_hands_on.kernel install [--prefix DIR]   # make it the "python3" kernel of this environment

``python3 tasks.py lab`` and Binder's postBuild install it; the notebooks need nothing of it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

SPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "metadata": {"debugger": True},
    "env": {"TF_CPP_MIN_LOG_LEVEL": "2"},  # and TensorFlow's later INFO and WARNING lines
}


def spec(python: str = "python") -> dict:
    """The kernelspec: this module started by ``python`` (Jupyter puts its own interpreter for a bare "python")."""
    return {"argv": [python, "-m", "tf2_hands_on.kernel", "-f", "{connection_file}"], **SPEC}


def install(prefix: str | os.PathLike = sys.prefix) -> Path:
    """Write the kernelspec as ``python3`` under ``prefix``/share/jupyter/kernels; return its folder."""
    folder = Path(prefix) / "share" / "jupyter" / "kernels" / "python3"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps(spec(), indent=1) + "\n", encoding="utf-8")
    return folder


def main(argv: list[str]) -> None:
    if argv[:1] == ["install"]:
        prefix = argv[argv.index("--prefix") + 1] if "--prefix" in argv else sys.prefix
        print(f"installed the course's python3 kernel in {install(prefix)}")
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # TensorFlow imports matplotlib, which reads its backend then: set IPython's inline one first, as ipykernel
    # would later (too late), or every plot would go to a file-only backend and never show in the notebook.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    from tf2_hands_on.environment import quiet_native_logs, tensorflow_threads

    # TensorFlow sizes its thread pools when it starts: from the CPU quota (and CPU_LIMIT), not the host's cores.
    os.environ.update(tensorflow_threads())

    with quiet_native_logs():
        try:
            import tensorflow  # noqa: F401 (loaded here once, quietly; the notebook's import is then instant)
        except ImportError:  # a kernel without TensorFlow is still a kernel
            pass
    from ipykernel import kernelapp

    sys.argv = [sys.argv[0], *argv]
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main(sys.argv[1:])
