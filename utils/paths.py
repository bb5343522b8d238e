"""Where the project lives and where it writes (introduced in notebook 00).

Everything the project generates goes under ``data/`` at the repository root, which git ignores.
Each location can be moved with an environment variable, read when the function is called.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _from_env(var: str, default: Path) -> Path:
    value = os.environ.get(var, "").strip()
    return Path(value).expanduser() if value else default


def cache_dir() -> Path:
    """Downloaded datasets: ``$TUTORIAL_CACHE_DIR`` or ``data/datasets``. [notebook 00]"""
    return _from_env("TUTORIAL_CACHE_DIR", ROOT / "data" / "datasets")


def figure_dir() -> Path:
    """Saved figures: ``$TUTORIAL_FIGURE_DIR`` or ``data/figures``. [notebook 00]"""
    return _from_env("TUTORIAL_FIGURE_DIR", ROOT / "data" / "figures")


def scratch_dir() -> Path:
    """Logs, checkpoints and other files a notebook writes: ``data/scratch``. [notebook 02]"""
    return _from_env("TUTORIAL_SCRATCH_DIR", ROOT / "data" / "scratch")
