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



def source(function) -> str:
    """The source code of a learner's function, dedented; "" when Python cannot find it (a builtin, a partial).
    For a lambda it is the whole lines the lambda is on."""
    import inspect
    import textwrap

    try:
        return textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        return ""


def none_returned(function, what: str) -> Hint:
    """The hint for ``what`` (a call of ``function``, e.g. ``"df(x)"``) that returned None, saying why from the
    function's source: the stub's ``return None`` is still there, there is no return statement, a bare ``return``,
    a method that works in place, or no return reached. Use it as ``raise none_returned(answer, "df(x)")``."""
    import ast

    name = getattr(function, "__name__", "<lambda>")
    try:
        tree = ast.parse(source(function)) if name != "<lambda>" else None
    except SyntaxError:
        tree = None
    defs = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == name] if tree else []
    if not defs:
        return Hint(f"{what} returned None: return your result")

    def returns(node):  # the function's own return statements, not those of functions defined inside it
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Return):
                yield child
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
                yield from returns(child)

    body, found = defs[0].body, list(returns(defs[0]))
    code = [s for s in body if not isinstance(s, ast.Pass) and not (isinstance(s, ast.Expr)
                                                                   and isinstance(s.value, ast.Constant))]
    if any(isinstance(r.value, ast.Constant) and r.value.value is None for r in found):
        if len(code) <= 1:
            return Hint(f"{what} returned None: replace the stub's 'return None' with your code")
        return Hint(f"{what} returned None: your code runs, but the stub's 'return None' is still in {name}; "
                    "return your result instead")
    if not found:
        last = ast.unparse(body[-1]) if isinstance(body[-1], ast.Expr) and body[-1] in code else ""
        if last:
            return Hint(f"{what} returned None: {name} has no return statement, so the value of its last line, "
                        f"{last if len(last) <= 60 else last[:57] + '...'}, is thrown away. Write 'return' before it")
        targets = body[-1].targets if isinstance(body[-1], ast.Assign) else []
        if len(targets) == 1 and isinstance(targets[0], ast.Name):
            return Hint(f"{what} returned None: {name} has no return statement; its last line assigns "
                        f"{targets[0].id}, but only a return hands a value back. Add 'return {targets[0].id}'")
        return Hint(f"{what} returned None: {name} has no return statement; end it with 'return' and your result")
    if any(r.value is None for r in found):
        return Hint(f"{what} returned None: a bare 'return' in {name} gives None; return your result")
    for r in found:
        call = r.value.func if isinstance(r.value, ast.Call) else None
        if getattr(call, "attr", getattr(call, "id", None)) in _IN_PLACE:
            return Hint(f"{what} returned None: 'return {ast.unparse(call)}(...)' returns None, since "
                        f"{ast.unparse(call)}() works in place (or prints) and gives nothing back. Call it on a line "
                        "of its own, then return your result")
    return Hint(f"{what} returned None: for these inputs {name} ended without reaching a return statement; "
                "make every path through it return a value")


_IN_PLACE = {"print", "sort", "append", "extend", "insert", "update", "shuffle", "fill", "write", "compile"}


def answer_array(result, what: str, function=None):
    """A learner's returned value as a float64 NumPy array, or a :class:`Hint` saying what came back.

    ``what`` names the call in the hint, e.g. ``"df(x)"``; tensors are converted with ``.numpy()``. Given the
    ``function`` that returned ``result``, a None gets :func:`none_returned`'s hint, which says why.
    """
    import numpy as np

    if result is None:
        if function is not None:
            raise none_returned(function, what)
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
