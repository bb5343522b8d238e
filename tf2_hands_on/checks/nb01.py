"""Checkers for notebook 01's exercises."""

from __future__ import annotations

import itertools
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


BATCH_ROWS = (32, 32, 17)  # one epoch's batches: the last is smaller
_check_runs = itertools.count()  # each check uses new step numbers, so graphs cached by an earlier check do not count


@exercise("01.2")
def _no_retracing(answer):
    """``train_step(step, batch)``: a tf.function that traces once for any Python int step and any (n, 3) float32
    batch, returning 0.1 / (1 + step) * mean(batch, axis=0)."""
    import numpy as np
    import tensorflow as tf

    if not hasattr(answer, "experimental_get_tracing_count"):
        raise Hint(f"train_step is a {type(answer).__name__}, not a tf.function: keep the @tf.function(...) decorator")
    try:  # the check's own data, before any of the learner's code runs
        rng = np.random.default_rng(0)
        batches = {n: rng.normal(size=(n, 3)).astype("float32") for n in set(BATCH_ROWS)}
        first = 1000 * next(_check_runs)
        calls = [(step, BATCH_ROWS[step % 3]) for step in range(first, first + 12)]
        expected = [0.1 / (1 + step) * batches[n].mean(axis=0) for step, n in calls]
        inputs = [(step, tf.constant(batches[n])) for step, n in calls]
    except Exception as e:
        raise AssertionError(f"the check could not build its batches ({type(e).__name__}: {e}); this says nothing "
                             "about your answer. Restart the kernel and run the check again.") from e
    signature = answer.input_signature
    before = answer.experimental_get_tracing_count()
    for (step, batch), want in zip(inputs, expected, strict=True):
        try:
            result = answer(step, batch)
        except (TypeError, ValueError) as e:
            raise Hint(_call_problem(signature, step, batch.shape[0], e)) from e
        got = answer_array(result, f"train_step({step}, batch)", answer)
        assert got.shape == want.shape and np.allclose(got, want, rtol=1e-5, atol=1e-7), (
            f"train_step({step}, batch of {batch.shape[0]} rows) gave {np.round(got, 5).tolist()}, expected "
            f"{np.round(want, 5).tolist()}: keep the computation, 0.1 / (1 + step) * tf.reduce_mean(batch, axis=0).")
    traces = answer.experimental_get_tracing_count() - before
    if traces > 1:
        relaxed = (" reduce_retracing=True relaxes shapes, not Python numbers."
                   if getattr(answer, "_reduce_retracing", False) else "")  # a private flag; absent means no
        raise Hint(f"it traced {traces} times for {len(inputs)} calls: each new Python int step is a new trace key, "
                   f"a constant baked into its own graph.{relaxed} Give the function an input_signature that makes "
                   "step a scalar tensor and lets batch have any number of rows (None)")
    return (f"{len(inputs)} steps with batches of 32 and 17 rows caused {traces} new trace(s): step arrives as a "
            "tensor, and None in the batch's shape accepts any n.")


def _call_problem(signature, step: int, rows: int, error: Exception) -> str:
    """Why train_step(step, batch of ``rows`` rows) raised: a spec that rejects the call, or step's dtype in the
    arithmetic; else the error itself."""
    import tensorflow as tf

    if not signature or len(signature) != 2 or not all(isinstance(spec, tf.TensorSpec) for spec in signature):
        return f"train_step({step}, batch) raised {type(error).__name__}: {error}"
    step_spec, batch_spec = signature
    if step_spec.shape.rank not in (None, 0):
        return (f"your input_signature declares step with shape {tuple(step_spec.shape)}, but a step number is a "
                "scalar: tf.TensorSpec(shape=[], dtype=tf.int32)")
    if not (step_spec.dtype.is_integer or step_spec.dtype.is_floating):
        return f"your input_signature declares step as {step_spec.dtype.name}: a step number is an int, e.g. tf.int32"
    if batch_spec.dtype != tf.float32:
        return f"your input_signature declares batch as {batch_spec.dtype.name}, but the batches are float32"
    shape = batch_spec.shape
    if shape.rank is not None and shape.rank != 2:
        return (f"your input_signature declares batch with shape {tuple(shape)}, but a batch has two axes, (n, 3): "
                "tf.TensorSpec(shape=[None, 3], dtype=tf.float32)")
    if shape.rank == 2 and shape[0] is not None and shape[0] != rows:
        return (f"your input_signature fixes the batch at {shape[0]} rows, and this batch has {rows}: None in the "
                "shape, [None, 3], accepts any number of rows")
    if shape.rank == 2 and shape[1] not in (None, 3):
        return f"your input_signature gives each row {shape[1]} values, but the batches have 3: shape [None, 3]"
    if step_spec.dtype.is_integer and "Expected int" in str(error):
        return (f"step is now an {step_spec.dtype.name} tensor, and 1.0 + step mixes a float with an integer tensor "
                f"({error}): cast it first, tf.cast(step, tf.float32)")
    return f"train_step({step}, batch) raised {type(error).__name__}: {error}"


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
