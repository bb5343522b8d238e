"""Checkers for notebook 00's exercises."""

from __future__ import annotations

import math

from tf2_hands_on.exercises import Hint, exercise


@exercise("00.1")
def _dot_product(answer):
    """h = X . W for X = [1, 2, ..., 256] and W = [0.1, ..., 0.1] (the GTC talk's worked example)."""
    value = answer.numpy() if hasattr(answer, "numpy") else answer
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise Hint(f"give one number (a scalar tensor or a float), not {type(answer).__name__} "
                   "- did you forget to sum the products (tf.reduce_sum or tf.tensordot)?") from None
    if math.isclose(value, 32896.0, rel_tol=1e-4):
        raise Hint("32896 is 1 + 2 + ... + 256: multiply by W = 0.1 as well")
    if math.isclose(value, 32389.6, rel_tol=1e-6):
        raise Hint("32389.6 is the misprint on one of the talk's slides: compute it yourself")
    if value in (3289.0, 3290.0):
        raise Hint("the result is a whole number: compute in float32 (not integers, not a 16-bit type)")
    if math.isclose(value, 3289.6, rel_tol=1e-3) and not math.isclose(value, 3289.6, rel_tol=1e-6):
        raise Hint(f"{value} is close but not exact: use float32 or float64, not a 16-bit type")
    assert math.isclose(value, 3289.6, rel_tol=1e-6), f"{value} is not X . W; X has 256 elements, 1.0 to 256.0."
    return "h = 3289.6, from 256 multiply-adds that a GPU can do in parallel before one reduction."


@exercise("00.2")
def _fast_16bit(answer):
    """``fast_16bit(cc)`` -> the set of 16-bit types a GPU of compute capability cc=(major, minor) speeds up."""
    if not callable(answer):
        raise Hint("pass the function itself (fast_16bit), not the result of calling it")
    cases = {(6, 1): set(), (7, 0): {"float16"}, (7, 5): {"float16"}, (8, 0): {"float16", "bfloat16"},
             (8, 6): {"float16", "bfloat16"}, (9, 0): {"float16", "bfloat16"}, (12, 0): {"float16", "bfloat16"}}
    for cc, expected in cases.items():
        got = answer(cc)
        if not isinstance(got, (set, frozenset)):
            raise Hint(f"fast_16bit({cc}) returned {type(got).__name__}; return a set such as {{'float16'}}")
        got = set(got)
        if got == expected:
            continue
        if cc == (12, 0) and got != expected and answer((8, 0)) == cases[(8, 0)]:
            raise Hint("compute capability 12.0 failed while 8.0 passed: compare numbers or tuples, not strings "
                       "('12.0' < '8.0' as text)")
        if cc == (7, 0) and not got:
            raise Hint("cc 7.0 (V100) has Tensor Cores: use >= rather than >")
        if cc in ((9, 0), (12, 0)) and "bfloat16" not in got:
            raise Hint("bfloat16 Tensor Cores arrived with 8.0 and stayed: newer GPUs have them too")
        raise AssertionError(f"fast_16bit({cc}) returned {sorted(got)}, expected {sorted(expected)}.")
    return "float16 from compute capability 7.0 (Volta), bfloat16 from 8.0 (Ampere)."
