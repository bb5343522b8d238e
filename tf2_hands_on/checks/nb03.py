"""Checkers for notebook 03's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, answer_array, exercise


@exercise("03.1")
def _interpolate(answer):
    """``interpolate(code_a, code_b, steps)``: ``steps`` codes evenly spaced from code_a to code_b, both included."""
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (interpolate), not the result of calling it")
    rng = np.random.default_rng(3)
    code_a, code_b = rng.normal(size=8).astype("float32"), rng.normal(size=8).astype("float32")
    for steps in (2, 5):
        try:
            result = answer(code_a, code_b, steps)
        except ValueError as e:
            if "broadcast" not in str(e):
                raise
            raise Hint(f"interpolate(code_a, code_b, {steps}) raised ValueError ({e}): {steps} fractions of shape "
                       f"({steps},) do not broadcast against a code of 8 numbers; make them a column, "
                       "np.linspace(0, 1, steps)[:, None]") from None
        got = answer_array(result, "interpolate(code_a, code_b, steps)", answer)
        line = np.linspace(0, 1, steps)[:, None]
        expected = code_a + line * (code_b - code_a)
        if got.shape == (8, steps):
            raise Hint(f"the result is {got.shape}: put the steps first, one code per row ({steps}, 8)")
        if got.shape != expected.shape:
            raise Hint(f"for {steps} steps between two codes of 8 numbers the result is ({steps}, 8), "
                       f"not {got.shape}")
        if np.allclose(got, code_a + np.linspace(0, 1, steps + 2)[1:-1, None] * (code_b - code_a), atol=1e-5):
            raise Hint("include both ends: the first row is code_a and the last is code_b")
        if np.allclose(got[::-1], expected, atol=1e-5):
            raise Hint("the first row is code_b and the last is code_a: the order is reversed; start at code_a")
        if np.allclose(got, line * code_b, atol=1e-5):
            raise Hint("the rows are t * code_b, which start at 0, not at code_a: use (1 - t) * code_a + t * code_b")
        if np.allclose(got, code_a + (np.arange(steps) / steps)[:, None] * (code_b - code_a), atol=1e-5):
            raise Hint("the last row is not code_b: fractions k / steps stop at (steps - 1) / steps; "
                       "np.linspace(0, 1, steps) includes 1")
        assert np.allclose(got, expected, atol=1e-5), "the rows are not evenly spaced between code_a and code_b."
    return "evenly spaced codes from code_a to code_b, both ends included."


@exercise("03.2")
def _errors(answer):
    """``reconstruction_errors(model, images)``: one mean squared error per image, shape (N,)."""
    import keras
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (reconstruction_errors), not the result of calling it")
    halver = keras.Sequential([keras.Input((28, 28)), keras.layers.Rescaling(0.5)])  # reconstructs x as x / 2
    images = np.random.default_rng(4).uniform(size=(6, 28, 28)).astype("float32")
    expected = np.mean((images / 2 - images) ** 2, axis=(1, 2))
    got = answer_array(answer(halver, images), "reconstruction_errors(model, images)", answer)
    if got.shape == ():
        raise Hint("that is one number for all images: average over the pixels only, axis=(1, 2)")
    if got.shape != (6,):
        raise Hint(f"for 6 images the result has shape (6,), not {got.shape}: average over axis=(1, 2)")
    if np.allclose(got, expected * 784, rtol=1e-4):
        raise Hint("that is the sum of squared errors: take the mean over the 784 pixels")
    if np.allclose(got, np.sqrt(expected), rtol=1e-4):
        raise Hint("that is the root of the mean squared error: leave out the square root")
    if np.allclose(got, np.mean(np.abs(images / 2 - images), axis=(1, 2)), rtol=1e-4):
        raise Hint("that is the mean absolute error: square the differences")
    if np.allclose(got, np.mean(images / 2 - images, axis=(1, 2)), rtol=1e-4):
        raise Hint("that is the mean difference, without squaring, so errors of opposite signs cancel: "
                   "square the differences")
    assert np.allclose(got, expected, rtol=1e-4), "the values differ from mean((model(x) - x)**2) per image."
    return "one mean squared error per image."


@exercise("03.3")
def _auc(answer):
    """``exact_auc(normal, anomalous)``: the probability that a random anomaly scores higher than a random normal."""
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (exact_auc), not the result of calling it")
    rng = np.random.default_rng(5)
    normal, anomalous = rng.normal(0, 1, 300), rng.normal(1, 1, 200)
    expected = float(np.mean(anomalous[:, None] > normal[None, :]))
    cases = [(normal, anomalous, expected), (np.array([0.1, 0.2]), np.array([0.3, 0.4]), 1.0),
             (np.array([0.3, 0.4]), np.array([0.1, 0.2]), 0.0), (np.array([0.1, 0.4]), np.array([0.2, 0.3]), 0.5),
             (np.array([0.1, 0.2]), np.array([0.2, 0.3]), 0.75)]  # one tie: 0.2 in both
    for normal_scores, anomalous_scores, value in cases:
        n, m = len(normal_scores), len(anomalous_scores)
        try:
            result = answer(normal_scores, anomalous_scores)
        except ValueError as e:
            if "broadcast" not in str(e):
                raise
            raise Hint(f"anomalous > normal compares position by position, so it needs arrays of the same length, "
                       f"here {m} and {n} ({e}): compare every pair, anomalous[:, None] > normal[None, :]") from None
        got = answer_array(result, "exact_auc(normal, anomalous)", answer)
        if got.shape != ():
            raise Hint(f"return one number, not an array of shape {got.shape}: average the pairwise comparisons")
        got = float(got)
        if abs(got - (1 - value)) < 1e-9 and value != 0.5:
            raise Hint("the result is 1 - AUC: count the pairs where the anomaly scores higher than the normal image")
        if value == 0.75 and got in (1.0, 0.875):
            raise Hint(f"with one tie (0.2 in both) your answer gives {got}: it counts the tie as "
                       f"{'higher' if got == 1.0 else 'half a pair'}, but only pairs where the anomalous score is "
                       "strictly higher count (>)")
        if n > 2 and abs(got - value * n * m) < 1e-6:
            raise Hint(f"that is the number of pairs in which the anomaly scores higher ({got:g} of {n * m}): "
                       "divide by the number of pairs, or take the mean")
        k = min(n, m)  # zip stops at the shorter array
        if n > 2 and abs(got - np.mean(anomalous_scores[:k] > normal_scores[:k])) < 1e-9:
            raise Hint(f"zip pairs each anomaly with one normal image only ({k} pairs): compare every "
                       f"anomaly with every normal image, {n * m} pairs")
        if n > 2 and got in (0.0, 1.0):
            raise Hint(f"exact_auc returned {got} for two overlapping sets of scores: that is one comparison "
                       "(of the means, say), not the fraction of the pairs in which the anomaly scores higher")
        assert abs(got - value) < 1e-9, (
            f"for normal {np.round(normal_scores[:3], 2).tolist()}... and anomalous "
            f"{np.round(anomalous_scores[:3], 2).tolist()}... expected {value:.4f}, got {got:.4f}.")
    return "AUC = P(anomaly scores higher than a normal image), counted over every pair."
