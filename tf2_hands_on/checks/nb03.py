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
        got = answer_array(answer(code_a, code_b, steps), "interpolate(code_a, code_b, steps)")
        expected = code_a + np.linspace(0, 1, steps)[:, None] * (code_b - code_a)
        if got.shape == (8, steps):
            raise Hint(f"the result is {got.shape}: put the steps first, one code per row ({steps}, 8)")
        if got.shape != expected.shape:
            raise Hint(f"for {steps} steps between two codes of 8 numbers the result is ({steps}, 8), "
                       f"not {got.shape}")
        if np.allclose(got, code_a + np.linspace(0, 1, steps + 2)[1:-1, None] * (code_b - code_a), atol=1e-5):
            raise Hint("include both ends: the first row is code_a and the last is code_b")
        if np.allclose(got[::-1], expected, atol=1e-5):
            raise Hint("the order is reversed: start at code_a and end at code_b")
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
    got = answer_array(answer(halver, images), "reconstruction_errors(model, images)")
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
             (np.array([0.3, 0.4]), np.array([0.1, 0.2]), 0.0), (np.array([0.1, 0.4]), np.array([0.2, 0.3]), 0.5)]
    for normal_scores, anomalous_scores, value in cases:
        got = answer_array(answer(normal_scores, anomalous_scores), "exact_auc(normal, anomalous)")
        if got.shape != ():
            raise Hint(f"return one number, not an array of shape {got.shape}: average the pairwise comparisons")
        got = float(got)
        if abs(got - (1 - value)) < 1e-9 and value != 0.5:
            raise Hint("the result is 1 - AUC: count the pairs where the anomaly scores higher than the normal image")
        assert abs(got - value) < 1e-9, (
            f"for normal {np.round(normal_scores[:3], 2).tolist()}... and anomalous "
            f"{np.round(anomalous_scores[:3], 2).tolist()}... expected {value:.4f}, got {got:.4f}.")
    return "AUC = P(anomaly scores higher than a normal image), counted over every pair."
