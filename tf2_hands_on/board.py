"""TensorBoard from a notebook on every platform, and the logged scalars as a plain plot that needs no server.

``show(log_dir)`` is the one call a notebook makes after ``fit`` with a ``keras.callbacks.TensorBoard(log_dir)``:

* on Colab, and on Binder when its memory limit leaves room, it opens TensorBoard inside the notebook
  (``%tensorboard``; Binder reaches it through jupyter-server-proxy, set up by ``binder/start``);
* elsewhere it prints the command that opens TensorBoard from a terminal;
* everywhere it reads the scalars back from the event files and plots them with matplotlib, so the curves show
  in a headless run too, and returns them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tf2_hands_on import environment, plots

TENSORBOARD_MIB = 600  # TensorBoard's own process imports TensorFlow: about 570 MB measured on a 2-core Linux machine
SPARE_MIB = 200  # left for the kernel to grow while TensorBoard runs


def command(log_root) -> str:
    """The terminal command, run from the project folder, that serves the logs under ``log_root``."""
    exe = r".venv\Scripts\tensorboard" if sys.platform == "win32" else ".venv/bin/tensorboard"
    return f"{exe} --logdir {log_root}"


def where(platform: str | None = None, environ=None, headroom_mib: float | None = None) -> str:
    """How TensorBoard can be shown here: ``"inline"`` (in the notebook), ``"no room"`` (Binder without the memory
    for its process) or ``"terminal"`` (a command to run elsewhere)."""
    environ = os.environ if environ is None else environ
    platform = environment.platform_name(environ) if platform is None else platform
    if platform == "colab":
        return "inline"
    if "TENSORBOARD_PROXY_URL" in environ:  # set by binder/start
        return "inline" if headroom_mib is None or headroom_mib > TENSORBOARD_MIB + SPARE_MIB else "no room"
    return "terminal"


def open_board(log_root) -> str:
    """Open TensorBoard on ``log_root`` where it can run in the notebook, else say how to open it; return which."""
    from IPython import get_ipython

    shell = get_ipython()
    how = where(headroom_mib=environment.memory_headroom_mib())
    if how == "inline" and shell is not None:
        shell.run_line_magic("load_ext", "tensorboard")
        shell.run_line_magic("tensorboard", f"--logdir {log_root}")
    elif how == "no room":
        headroom = environment.memory_headroom_mib() or 0
        print(f"TensorBoard needs about {TENSORBOARD_MIB + SPARE_MIB} MB and this Binder session has {headroom:,.0f} MB "
              f"left, so it stays closed; the plot below shows the same curves. To browse the logs in TensorBoard, "
              f"run the notebook on Colab or on your own computer.")
    else:
        print(f"To browse the logs in TensorBoard, run in a terminal in the project folder: {command(log_root)}")
    return how


def scalars(folder, tag: str) -> list[tuple[int, float]]:
    """The ``(step, value)`` pairs logged under ``tag`` in a folder of TensorBoard event files, by step."""
    import tensorflow as tf

    points = []
    for path in sorted(Path(folder).glob("events.out.tfevents.*")):
        for record in tf.data.TFRecordDataset(str(path)):
            event = tf.compat.v1.Event.FromString(record.numpy())
            points += [(event.step, float(tf.make_ndarray(v.tensor))) for v in event.summary.value if v.tag == tag]
    return sorted(points)


def show(log_dir, tag: str = "epoch_loss", *, runs=("train", "validation"), mark_epoch: int | None = None,
         mark_label: str = "best epoch", name: str | None = None, open_tensorboard: bool = True):
    """Open TensorBoard on the logs of every run beside ``log_dir`` (so runs can be compared), plot ``tag`` for
    ``runs`` of this one (epochs numbered from 1, with a dashed line at ``mark_epoch``), save the figure as
    ``name`` and return ``{run: [(epoch, value), ...]}``."""
    import matplotlib.pyplot as plt

    log_dir = Path(log_dir)
    if open_tensorboard:
        open_board(log_dir.parent)
    logged = {run: [(step + 1, value) for step, value in scalars(log_dir / run, tag)] for run in runs}
    if not any(logged.values()):
        raise ValueError(f"board.show: no {tag!r} scalars under {log_dir}; pass the log_dir given to "
                         "keras.callbacks.TensorBoard, after fit has run")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for run, points in logged.items():
        ax.plot([epoch for epoch, _ in points], [value for _, value in points], marker="o", label=run)
    if mark_epoch is not None:
        ax.axvline(mark_epoch, color="gray", linestyle="--", label=mark_label)
    ax.set(title=f"{tag}, read back from the TensorBoard logs", xlabel="epoch", ylabel=tag.removeprefix("epoch_"))
    ax.legend()
    fig.tight_layout()
    if name:
        plots.save(fig, name)
    return logged
