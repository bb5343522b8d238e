"""Where the course writes: one folder per user, so that the package works without the repository.

Everything the notebooks download or generate goes under one home folder:

* ``$TUTORIAL_HOME`` when it is set;
* otherwise ``~/tf2-hands-on`` (on Colab, ``/content/tf2-hands-on``, where the file browser shows it).

Inside it: ``datasets/`` (the download cache), ``figures/`` (every saved plot) and ``scratch/`` (logs,
checkpoints and other files a notebook writes). The variables are read when a function is called, never
at import time. A dataset mirror for workshops is a separate, read-only folder: ``$TUTORIAL_DATA_DIR``
(see ``tf2_hands_on.data``).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "TUTORIAL_HOME"
FOLDER = "tf2-hands-on"


def home() -> Path:
    """The course's folder: ``$TUTORIAL_HOME``, else ``~/tf2-hands-on`` (``/content/tf2-hands-on`` on Colab)."""
    value = os.environ.get(HOME_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    if Path("/content").is_dir() and "COLAB_RELEASE_TAG" in os.environ:
        return Path("/content") / FOLDER
    return Path.home() / FOLDER


def cache_dir() -> Path:
    """Downloaded datasets: ``<home>/datasets``."""
    return home() / "datasets"


def figure_dir() -> Path:
    """Saved figures: ``<home>/figures``."""
    return home() / "figures"


def scratch_dir() -> Path:
    """Logs, checkpoints and other files a notebook writes: ``<home>/scratch``."""
    return home() / "scratch"
