"""Checkers for notebook 00's exercises."""

from __future__ import annotations

import math

from tf2_hands_on.exercises import Hint, exercise


@exercise("00.1")
def _dot_product(answer):
    """h = X . W for X = [1, 2, ..., 256] and W = [0.1, ..., 0.1] (the GTC talk's worked example)."""
    import numpy as np

    dtype = getattr(getattr(answer, "dtype", None), "name", None)  # tf.DType and np.dtype both have a name
    try:
        value = np.asarray(answer.numpy() if hasattr(answer, "numpy") else answer, dtype=np.float64)
    except (TypeError, ValueError):
        raise Hint(f"give one number (a scalar tensor or a float), not a {type(answer).__name__}") from None
    if value.shape == (256,):
        raise Hint("that is 256 numbers, the products X * W one by one: sum them (tf.reduce_sum), "
                   "or let tf.tensordot(X, W, axes=1) multiply and sum")
    if value.shape == (256, 256):
        raise Hint("that is a matrix of shape (256, 256), every X times every W: tf.tensordot with axes=0 is the "
                   "outer product; axes=1 multiplies matching elements and sums them")
    if value.size != 1:
        raise Hint(f"give one number, not an array of shape {value.shape}: sum the products")
    value = float(value.reshape(()))
    if dtype in ("float16", "bfloat16"):
        raise Hint(f"your h is {dtype} ({value:g}): a 16-bit type keeps about 3 significant digits, "
                   "too few for a sum of 256 products; compute in float32")
    if dtype and "int" in dtype:
        raise Hint(f"your h is {dtype} ({value:g}): integers cannot hold 0.1; compute in float32")
    if math.isclose(value, 32896.0, rel_tol=1e-4):
        raise Hint("32896 is 1 + 2 + ... + 256: multiply by W = 0.1 as well")
    if math.isclose(value, 32389.6, rel_tol=1e-6):
        raise Hint("32389.6 is the misprint on one of the talk's slides: compute it yourself")
    if math.isclose(value, 3264.0, rel_tol=1e-4):
        raise Hint("3264 is 0.1 x (1 + ... + 255): your X stops at 255, not 256 (tf.range leaves out its end, and "
                   "tf.range(256) starts at 0); X is tf.range(1, 257)")
    if math.isclose(value * 256, 3289.6, rel_tol=1e-4):
        raise Hint(f"{value:.4g} is the mean of the 256 products (3289.6 / 256): sum them instead")
    if value in (3289.0, 3290.0):
        raise Hint(f"{value:g} is a whole number: compute in float32 (not integers, not a 16-bit type)")
    if math.isclose(value, 3289.6, rel_tol=1e-3) and not math.isclose(value, 3289.6, rel_tol=1e-6):
        raise Hint(f"{value} is close but not exact: use float32 or float64, not a 16-bit type")
    assert math.isclose(value, 3289.6, rel_tol=1e-6), f"{value} is not X . W; X has 256 elements, 1.0 to 256.0."
    return "h = 3289.6, from 256 multiply-adds that a GPU can do in parallel before one reduction."


def _shown(formats) -> str:
    return "{" + ", ".join(repr(f) for f in sorted(formats)) + "}" if formats else "set()"


@exercise("00.2")
def _fast_16bit(answer):
    """``fast_16bit(cc)`` -> the set of 16-bit types a GPU of compute capability cc=(major, minor) speeds up."""
    if not callable(answer):
        raise Hint("pass the function itself (fast_16bit), not the result of calling it")
    cases = {(6, 1): set(), (7, 0): {"float16"}, (7, 5): {"float16"}, (8, 0): {"float16", "bfloat16"},
             (8, 6): {"float16", "bfloat16"}, (9, 0): {"float16", "bfloat16"}, (12, 0): {"float16", "bfloat16"}}

    def call(cc):
        try:
            return answer(cc)
        except TypeError as e:
            raise Hint(f"fast_16bit({cc}) raised TypeError ({e}): cc is a tuple (major, minor); compare it with a "
                       "tuple, cc >= (7, 0), or use cc[0] and cc[1]") from None

    for cc, expected in cases.items():
        got = call(cc)
        if got is None:
            raise Hint(f"fast_16bit({cc}) returned None: every path must return a set; return set() when no "
                       "16-bit format is fast")
        if not isinstance(got, (set, frozenset)):
            raise Hint(f"fast_16bit({cc}) returned {type(got).__name__} {got!r}; return a set such as {{'float16'}}")
        got = set(got)
        if got == expected:
            continue
        said = f"fast_16bit({cc}) returned {_shown(got)}"
        if cc == (12, 0) and call((8, 0)) == cases[(8, 0)]:
            raise Hint(f"{said} while 8.0 worked: compared as text, '12.0' < '8.0'; compare tuples such as "
                       "cc >= (8, 0), or numbers")
        if cc == (7, 0) and not got:
            raise Hint(f"{said}: 7.0 itself (V100) has float16 Tensor Cores: use >= rather than >")
        if cc in ((7, 5), (8, 6)) and call((7, 0)) == cases[(7, 0)] and call((8, 0)) == cases[(8, 0)]:
            raise Hint(f"{said}, yet 7.0 and 8.0 work: a newer GPU keeps the formats of the older ones; "
                       "compare with >= rather than ==")
        if cc >= (8, 0) and "bfloat16" not in got:
            raise Hint(f"{said}: bfloat16 Tensor Cores arrived with 8.0 and stayed: newer GPUs have them too")
        raise AssertionError(f"{said}, expected {_shown(expected)}.")
    return "float16 from compute capability 7.0 (Volta), bfloat16 from 8.0 (Ampere)."
