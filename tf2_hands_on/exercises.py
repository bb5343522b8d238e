"""Self-checking exercises.

Each exercise in a notebook has the same four cells, found by their cell tags:

* ``exercise`` (Markdown): the numbered prompt.
* ``answer`` (code): where the learner writes; it starts as a stub.
* ``check`` (code): ``exercises.check("00.1", answer)`` prints a friendly verdict.
* ``solution`` (code, collapsed on every platform): the reference solution, written inside a function
  ``solution()`` that returns the answer, then ``exercises.reference("00.1", solution)``. The learner's
  names are never overwritten (the solution's names are local to the function), and the line it prints
  says it is the reference solution that passed, not the learner's answer. A reference solution that
  fails its own check raises, so the test suite proves every one passes.

Checkers live in ``tf2_hands_on/checks/nbNN.py``, registered with ``@exercise("NN.K")``. A checker raises
:class:`Hint` for a mistake it recognises (the message is the hint) or ``AssertionError`` for any
other wrong answer. ``check`` never lets an exception reach the learner as a traceback.
"""

from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass
from collections.abc import Callable

_CHECKERS: dict[str, Callable] = {}
_ID = re.compile(r"^(\d\d)\.(\d+)$")


class Hint(Exception):
    """Raised by a checker for a recognised mistake; its message tells the learner what to look at."""


@dataclass
class Verdict:
    """What ``check`` found: true when the answer passed; printed as one friendly line."""

    exercise: str
    passed: bool
    message: str
    hint: bool = False  # the checker recognised the mistake: the message says what to change

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"Exercise {self.exercise} - Correct: {self.message}"
        if self.hint:
            return f"Exercise {self.exercise} - Not yet. Hint: {self.message}"
        return f"Exercise {self.exercise} - Not yet: {self.message}"

    def _ipython_display_(self) -> None:
        """``check`` has already printed the verdict; a check cell's return value adds nothing."""



def answer_array(result, what: str):
    """A learner's returned value as a float64 NumPy array, or a :class:`Hint` saying what came back.

    ``what`` names the call in the hint, e.g. ``"df(x)"``; tensors are converted with ``.numpy()``.
    """
    import numpy as np

    if result is None:
        raise Hint(f"{what} returned None: replace the stub's 'return None' with your code")
    try:
        return np.asarray(result.numpy() if hasattr(result, "numpy") else result, dtype=np.float64)
    except (TypeError, ValueError):
        raise Hint(f"{what} returned {type(result).__name__}; return a tensor or a NumPy array of numbers") from None

def exercise(exercise_id: str):
    """Register a checker: ``@exercise("00.1") def _(answer): ...``."""
    if not _ID.match(exercise_id):
        raise ValueError(f"exercise id {exercise_id!r} must look like '00.1' (notebook number, exercise number).")

    def register(fn):
        _CHECKERS[exercise_id] = fn
        return fn

    return register


def _checker(exercise_id: str) -> Callable | None:
    match = _ID.match(exercise_id) if isinstance(exercise_id, str) else None
    if not match:
        return None
    module = f"tf2_hands_on.checks.nb{match.group(1)}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name != module:  # a checker module that itself fails to import is a bug to see, not hide
            raise
        return None
    return _CHECKERS.get(exercise_id)


def reference(exercise_id: str, solution: Callable[[], object]) -> None:
    """Check the reference ``solution()`` of an exercise without touching the learner's names; print one line."""
    verdict = check(exercise_id, solution(), quiet=True)
    if not verdict:
        raise AssertionError(f"the reference solution of exercise {exercise_id} fails its check: {verdict.message}")
    print(f"Exercise {exercise_id} - reference solution: it passes the check. "
          "(Your own answer's verdict is the check cell's, above.)")


def check(exercise_id: str, answer, *, quiet: bool = False) -> Verdict:
    """Check ``answer`` for exercise ``exercise_id``, print the verdict and return it."""
    checker = _checker(exercise_id)
    if checker is None:
        verdict = Verdict(str(exercise_id), False,
                          "there is no checker with this number; copy the id from the exercise's check cell.")
    elif answer is None or answer is Ellipsis:
        verdict = Verdict(exercise_id, False, "no answer yet: replace the stub (None or ...) in the answer cell.")
    else:
        try:
            message = checker(answer)
            verdict = Verdict(exercise_id, True, message or "well done.")
        except Hint as h:
            verdict = Verdict(exercise_id, False, str(h), hint=True)
        except AssertionError as e:
            verdict = Verdict(exercise_id, False, str(e) or "the answer is not right yet; re-read the prompt.")
        except Exception as e:  # the learner's code raised inside the checker
            verdict = Verdict(exercise_id, False,
                              f"your answer raised {type(e).__name__}: {e}. Run it on its own to see where.")
    if not quiet:
        print(verdict, file=sys.stdout)
    return verdict
