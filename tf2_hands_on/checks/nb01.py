"""Checkers for notebook 01's exercises."""

from __future__ import annotations

import re

from tf2_hands_on.exercises import Hint, answer_array, exercise, source


@exercise("01.1")
def _derivative(answer):
    """``df(x)``: the derivative of f(x) = x**2 * sin(x), derived by hand, checked against GradientTape."""
    import numpy as np
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (df), not the result of calling it")
    if re.search(r"\bGradientTape\b|\.gradient\(", re.sub(r"#.*", "", source(answer))):
        raise Hint("df uses a tape, and the check compares it with a tape: that proves nothing. Derive the formula "
                   "by hand (the product rule) and write it with tf.sin and tf.cos")
    x = tf.constant([-2.0, -0.5, 0.3, 1.0, 2.5], dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x**2 * tf.sin(x)
    expected = tape.gradient(y, x).numpy()
    try:
        result = answer(x)
    except tf.errors.InvalidArgumentError as e:
        raise Hint("x is a float64 tensor: mixing it with a float32 tensor fails; use Python numbers "
                   "(2 * x) or tf.cast") from e
    except TypeError as e:
        if "scalar" not in str(e) and "float" not in str(e):
            raise
        raise Hint("df receives a tensor of five values, and math.sin or float() take one number: use tf.sin and "
                   "tf.cos, which work element-wise") from e
    got = answer_array(result, "df(x)", answer)
    if got.shape != expected.shape:
        raise Hint(f"df(x) for 5 values of x returned shape {got.shape}: compute element-wise, without summing")
    xs = x.numpy()
    mistakes = {
        "2x cos(x) multiplies the two derivatives: use the product rule, (u v)' = u' v + u v'": 2 * xs * np.cos(xs),
        "x^2 cos(x) is only half of the product rule: add the derivative of x^2 times sin(x)": xs**2 * np.cos(xs),
        "2x sin(x) is only half of the product rule: add x^2 times the derivative of sin(x)": 2 * xs * np.sin(xs),
        "2x sin(x) - x^2 cos(x) subtracts: the product rule adds the two terms, and the derivative of sin(x) is "
        "+cos(x)": 2 * xs * np.sin(xs) - xs**2 * np.cos(xs),
        "x sin(x) + x^2 cos(x) has the right form, but the derivative of x^2 is 2x": xs * np.sin(xs) + xs**2 * np.cos(xs),
        "that is f(x) itself, x^2 sin(x): return its derivative": xs**2 * np.sin(xs),
    }
    for hint, wrong in mistakes.items():
        if np.allclose(got, wrong, rtol=1e-4):
            raise Hint(hint)
    assert np.allclose(got, expected, rtol=1e-4, atol=1e-6), (
        f"df(x) differs from tape.gradient at x = {xs.tolist()}: got {np.round(got, 4).tolist()}, "
        f"expected {np.round(expected, 4).tolist()}.")
    return "df(x) = 2x sin(x) + x^2 cos(x) agrees with tf.GradientTape at 5 points."


@exercise("01.2")
def _no_retracing(answer):
    """``scale(x, factor)``: a tf.function that traces once for any float32 vector x and any float factor."""
    import numpy as np
    import tensorflow as tf

    if not hasattr(answer, "experimental_get_tracing_count"):
        raise Hint(f"scale is a {type(answer).__name__}, not a tf.function: decorate it with @tf.function(...)")
    before = answer.experimental_get_tracing_count()
    factors = [0.5 * k for k in range(1, 11)]
    for length in (3, 7):
        x = tf.range(length, dtype=tf.float32)
        for factor in factors:
            try:
                result = answer(x, factor)
            except (TypeError, ValueError) as e:
                problem = _signature_problem(answer.input_signature)
                if problem:
                    raise Hint(problem) from e
                if length == 7:
                    raise Hint("scale works for 3 values but not 7: let the signature accept any length, "
                               "tf.TensorSpec(shape=[None], dtype=tf.float32)") from e
                raise Hint(f"scale(x, {factor}) raised {type(e).__name__}: a float factor must be accepted, "
                           "e.g. tf.TensorSpec(shape=[], dtype=tf.float32)") from e
            got = answer_array(result, "scale(x, factor)", answer)
            assert np.allclose(got, np.arange(length) * factor), (
                f"scale(x, {factor}) gave {got.tolist()}, expected x * factor.")
    traces = answer.experimental_get_tracing_count() - before
    if traces >= len(factors):
        relaxed = ("reduce_retracing=True relaxes shapes, not Python numbers. "
                   if getattr(answer, "_reduce_retracing", False) else "")  # a private flag; absent means no
        raise Hint(f"it traced {traces} times for 20 calls: each new Python number is a new trace key. {relaxed}"
                   "Give the function an input_signature, so every factor becomes a float32 tensor")
    if traces > 1:
        raise Hint(f"it traced {traces} times: one trace per vector length. Use shape [None] in the signature")
    return f"20 calls with 10 factors and 2 lengths caused {traces} new trace(s)."


def _signature_problem(signature) -> str | None:
    """What in scale's input_signature rejects a float32 vector x or a Python float factor, if anything."""
    import tensorflow as tf

    if not signature or len(signature) != 2 or not all(isinstance(spec, tf.TensorSpec) for spec in signature):
        return None
    x, factor = signature
    if x.dtype != tf.float32:
        return f"your input_signature declares x as {x.dtype.name}, but x is a float32 vector: dtype=tf.float32"
    if x.shape.rank is not None and (x.shape.rank != 1 or x.shape[0] is not None):
        return (f"your input_signature declares x with shape {tuple(x.shape)}, so only that shape fits: "
                "any length is tf.TensorSpec(shape=[None], dtype=tf.float32)")
    if factor.dtype != tf.float32:
        why = "cannot hold 0.5" if factor.dtype.is_integer else "does not multiply a float32 x"
        return f"your input_signature declares factor as {factor.dtype.name}, which {why}: use dtype=tf.float32"
    if factor.shape.rank not in (None, 0):
        return (f"your input_signature declares factor with shape {tuple(factor.shape)}, but a Python number is "
                "a scalar: tf.TensorSpec(shape=[], dtype=tf.float32)")
    return None


def _untraceable(fn) -> list[str]:
    """What in ``fn``'s source needs sizes known before run time: a Python loop, NumPy, a static size."""
    code = re.sub(r"#.*", "", source(fn))  # "" when there is no source to read: then say nothing
    patterns = {"a Python loop": r"\b(for|while)\b", "NumPy": r"\bnp\.|\bnumpy\b",
                "a size read from .shape or len()": r"\.shape\b|\blen\("}
    return [what for what, pattern in patterns.items() if re.search(pattern, code)]


@exercise("01.3")
def _pairwise(answer):
    """``pairwise_sq_dists(a, b)``: the (n, m) matrix of squared distances, with no Python loop."""
    import numpy as np
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (pairwise_sq_dists), not the result of calling it")
    rng = np.random.default_rng(1)
    a = rng.standard_normal((5, 3)).astype(np.float32)
    b = rng.standard_normal((4, 3)).astype(np.float32)
    expected = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)
    try:
        result = answer(tf.constant(a), tf.constant(b))
    except (tf.errors.InvalidArgumentError, ValueError) as e:
        if "ncompatible shapes" not in str(e) and "broadcast" not in str(e):
            raise
        raise Hint("a - b subtracts row by row, so it needs as many points in a as in b; here a has 5 points and "
                   "b 4 points (Incompatible shapes). Give them new axes so every pair meets: "
                   "a[:, None, :] - b[None, :, :]") from None
    got = answer_array(result, "pairwise_sq_dists(a, b)", answer)
    if got.shape == (5, 4, 3):
        raise Hint("the result is 5 x 4 x 3: sum the squared differences over the last axis")
    if got.shape == (4, 5):
        raise Hint("the result is 4 x 5, b's points by a's: put a's axis first, a[:, None, :] - b[None, :, :]")
    if got.ndim == 2 and got.shape[1] == 3:
        raise Hint(f"the result has shape {got.shape}, still 3 coordinates per row: you summed over an axis of "
                   "points; sum over the last axis, axis=-1")
    if got.shape != expected.shape:
        raise Hint(f"for 5 points a and 4 points b the result must be 5 x 4, got shape {got.shape}: "
                   "broadcast a[:, None, :] against b[None, :, :]")
    if np.allclose(got, np.sqrt(expected), atol=1e-4):
        raise Hint("these are the distances: return their squares (no square root)")
    if np.allclose(got, (a[:, None, :] - b[None, :, :]).sum(axis=-1), atol=1e-4):
        raise Hint("these are the differences summed without squaring: square them, then sum over the last axis")
    assert np.allclose(got, expected, atol=1e-4), "the values differ from the loop version's."
    spec = tf.TensorSpec([None, None], tf.float32)  # any number of points and of dimensions
    try:
        graph = tf.function(answer).get_concrete_function(spec, spec).graph
    except Exception as e:  # any failure to trace for unknown sizes means a Python loop or NumPy code
        found = _untraceable(answer)
        what = (f"your function uses {' and '.join(found)}, which cannot work" if found else
                "a Python loop, NumPy code or a size read from .shape cannot work")
        raise Hint(f"the function must work inside tf.function on tensors whose sizes are unknown until run time; "
                   f"{what} there ({type(e).__name__}). Use broadcasting (or tf.shape) and tf ops") from e
    if any(op.type in ("While", "StatelessWhile") for op in graph.get_operations()):
        raise Hint("AutoGraph turned your loop into a tf.while_loop: replace it with one broadcast subtraction")
    return "no loop: one broadcast subtraction, a square and a sum over the last axis."
