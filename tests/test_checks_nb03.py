"""Notebook 03's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import numpy as np

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def test_03_1_kl_divergence():
    def good(mean, log_std):
        return 0.5 * np.sum(np.exp(2 * log_std) + np.square(mean) - 1.0 - 2 * log_std, axis=1)

    assert verdict("03.1", good)
    assert verdict("03.1", lambda m, s: np.sum(0.5 * (np.exp(s) ** 2 + m**2 - 1) - s, axis=1))  # the same, rearranged
    assert "log-variance formula" in verdict(
        "03.1", lambda m, s: 0.5 * np.sum(np.exp(s) + m**2 - 1 - s, axis=1)).message
    assert "axis=1" in verdict("03.1", lambda m, s: 0.5 * (np.exp(2 * s) + m**2 - 1 - 2 * s)).message
    assert "returned None" in verdict("03.1", lambda m, s: None).message


def test_03_1_accepts_tensors():
    import keras

    ops = keras.ops
    assert verdict("03.1", lambda m, s: 0.5 * ops.sum(ops.exp(2 * s) + ops.square(m) - 1.0 - 2 * s, axis=1))


def test_03_2_pick_threshold():
    assert verdict("03.2", lambda scores, rate: np.quantile(scores, 1 - rate))
    assert verdict("03.2", lambda scores, rate: np.percentile(scores, 100 * (1 - rate)))
    assert "1 - false_positive_rate" in verdict("03.2", lambda scores, rate: np.quantile(scores, rate)).message
    assert "percent" in verdict("03.2", lambda scores, rate: np.percentile(scores, 1 - rate)).message
    assert "returned None" in verdict("03.2", lambda scores, rate: None).message


def test_03_hints_for_values_instead_of_functions():
    for exercise_id in ("03.1", "03.2"):
        assert "function itself" in verdict(exercise_id, np.zeros(3)).message
