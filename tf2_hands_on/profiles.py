"""Run profiles: how big a notebook's run is.

Every notebook has one cell tagged ``parameters`` whose knobs read like this::

    epochs = profiles.pick(smoke=1, default=5)

How a value is chosen, in order of precedence:

1. An explicit value always wins. papermill (``-p epochs 3``) injects its values in a cell *after*
   the ``parameters`` cell, so they replace whatever ``pick`` returned. In JupyterLab, edit the
   number in the cell.
2. Otherwise the active profile's value: ``smoke`` (CI: each notebook in about a minute on two
   cores, on real data subsets) or ``default`` (a learner's laptop).
3. The active profile is the environment variable ``TUTORIAL_PROFILE``, read here and nowhere
   else; unset or empty means ``default``.

Both profiles run the same cells: only the numbers differ.
"""

from __future__ import annotations

import os

ENV_VAR = "TUTORIAL_PROFILE"
PROFILES = ("smoke", "default")


class ProfileError(ValueError):
    """A profile name or a ``pick`` call that cannot be used; the message says how to fix it."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"{type(self).__name__}: {self}"]


def active() -> str:
    """The active profile's name, from ``$TUTORIAL_PROFILE`` (``default`` when unset)."""
    name = os.environ.get(ENV_VAR, "").strip().lower() or "default"
    if name not in PROFILES:
        raise ProfileError(
            f"{ENV_VAR}={os.environ.get(ENV_VAR)!r} is not a profile. "
            f"Use one of {', '.join(PROFILES)} (or unset it for 'default')."
        )
    return name


def pick(*, smoke, default):
    """Return the value for the active profile: ``pick(smoke=1, default=5)``.

    Both values are required, so a parameters cell always shows what each profile runs.
    """
    if type(smoke) is not type(default) and not (
        isinstance(smoke, (int, float)) and isinstance(default, (int, float))
    ):
        raise ProfileError(
            f"pick(smoke={smoke!r}, default={default!r}): give both profiles the same kind of value."
        )
    return smoke if active() == "smoke" else default
