"""Figures: training curves, image grids, comparison bars, all saved through ``save``.

Nothing is configured on import: no styles, no rcParams. Every figure gets a title, axis labels with
units, and a legend when more than one line is drawn. ``save`` writes a PNG to the course's figure folder
(``~/tf2-hands-on/figures/``, or under ``$TUTORIAL_HOME``) so figures are visible after a headless run too.
"""

from __future__ import annotations

import re
from pathlib import Path

from tf2_hands_on import paths


def save(fig, name: str) -> Path:
    """Save ``fig`` as ``<figure dir>/<name>.png`` and return the path."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name or ""):
        raise ValueError(f"plots.save: {name!r} is not a usable file name; use letters, digits, '_', '-' or '.'.")
    folder = paths.figure_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, dpi=100, bbox_inches="tight")
    return path


def training_curves(history, metrics=("loss",), *, title: str = "Training curves", name: str | None = None):
    """Plot each metric per epoch, with its ``val_`` twin when present. ``history`` is a Keras
    ``History`` or its ``.history`` dict."""
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    missing = [m for m in metrics if m not in logs]
    if missing:
        raise ValueError(f"training_curves: {missing} not in the history; it has {sorted(logs)}.")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        epochs = range(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], marker="o", label=f"train {metric}")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], marker="o", label=f"validation {metric}")
        ax.set(title=f"{title}: {metric}", xlabel="epoch", ylabel=metric)
        ax.legend()
    fig.tight_layout()
    if name:
        save(fig, name)
    return fig


def image_grid(images, labels=None, *, class_names=None, ncols: int = 8, title: str = "Images",
               name: str | None = None):
    """Show images (N, H, W) or (N, H, W, C) in a grid, each titled with its label."""
    import matplotlib.pyplot as plt
    import numpy as np

    images = np.asarray(images)
    n = len(images)
    if n == 0:
        raise ValueError("image_grid: no images given.")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.4 * ncols, 1.6 * nrows + 0.4), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        img = images[i]
        ax.imshow(img.squeeze(), cmap="gray" if img.ndim == 2 or img.shape[-1] == 1 else None)
        if labels is not None:
            label = labels[i]
            ax.set_title(class_names[int(label)] if class_names is not None else str(label), fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    if name:
        save(fig, name)
    return fig


def comparison_bars(labels, values, *, unit: str, title: str, name: str | None = None):
    """Horizontal bars, one per label, each annotated with its value and unit."""
    import matplotlib.pyplot as plt

    labels, values = list(labels), [float(v) for v in values]
    if len(labels) != len(values) or not labels:
        raise ValueError("comparison_bars: give one value per label (and at least one).")
    fig, ax = plt.subplots(figsize=(6, 0.5 * len(labels) + 1.2))
    bars = ax.barh(labels, values)
    ax.bar_label(bars, labels=[f"{v:,.3g} {unit}" for v in values], padding=3)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=unit)
    ax.margins(x=0.25)
    fig.tight_layout()
    if name:
        save(fig, name)
    return fig
