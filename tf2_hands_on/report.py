"""The run report's measurements.

``report.record("matmul_gflops", 210.5, "GFLOP/s")`` records one measured figure; notebooks never call it: their
last cell, ``claims.review``, records the figures named in ``claims.GOALS`` and ``claims.RECORDED``.
For a learner this does nothing. When ``python3 tasks.py report`` runs a notebook it sets
``$TUTORIAL_REPORT_FILE``; each call then appends one JSON line there, and the run report collects
them into ``report.json`` and ``report.md``.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
from pathlib import Path

ENV_VAR = "TUTORIAL_REPORT_FILE"
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def record(name: str, value, unit: str = "") -> None:
    """Record one measured figure; a no-op unless a run report is being collected."""
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError(
            f"report.record: name {name!r} must be snake_case (letters, digits, _), e.g. 'val_accuracy'."
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(
            f"report.record({name!r}): value must be a number, got {type(value).__name__} {value!r}. "
            "Record booleans as 0 or 1."
        )
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"report.record({name!r}): value must be finite, got {value}.")
    if not isinstance(unit, str):
        raise ValueError(f"report.record({name!r}): unit must be a string such as 's' or '%'.")
    path = os.environ.get(ENV_VAR, "").strip()
    if not path:
        return
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"name": name, "value": value, "unit": unit}) + "\n")


def read(path: str | os.PathLike) -> tuple[dict[str, float], dict[str, str]]:
    """Read a metrics file: ``(values, units)``; a name recorded twice keeps its last value."""
    values: dict[str, float] = {}
    units: dict[str, str] = {}
    path = Path(path)
    if not path.exists():
        return values, units
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            values[item["name"]] = item["value"]
            units[item["name"]] = item["unit"]
    return values, units
