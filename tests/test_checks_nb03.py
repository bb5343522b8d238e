"""Notebook 03's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import numpy as np

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def test_03_1_interpolate():
    def good(a, b, steps):
        t = np.linspace(0, 1, steps)[:, None]
        return (1 - t) * a + t * b

    assert verdict("03.1", good)
    assert "both ends" in verdict("03.1", lambda a, b, steps: good(a, b, steps + 2)[1:-1]).message
    assert "steps first" in verdict("03.1", lambda a, b, steps: good(a, b, steps).T).message
    assert "reversed" in verdict("03.1", lambda a, b, steps: good(b, a, steps)).message
    assert "returned None" in verdict("03.1", lambda a, b, steps: None).message


def test_03_2_reconstruction_errors():
    def good(model, images):
        return np.mean((np.asarray(model(images)) - images) ** 2, axis=(1, 2))

    assert verdict("03.2", good)
    assert "one number" in verdict("03.2", lambda m, x: np.mean((np.asarray(m(x)) - x) ** 2)).message
    assert "sum" in verdict("03.2", lambda m, x: np.sum((np.asarray(m(x)) - x) ** 2, axis=(1, 2))).message
    assert "root" in verdict("03.2", lambda m, x: np.sqrt(good(m, x))).message
    assert "absolute" in verdict("03.2", lambda m, x: np.mean(np.abs(np.asarray(m(x)) - x), axis=(1, 2))).message


def test_03_3_exact_auc():
    def good(normal, anomalous):
        return np.mean(np.asarray(anomalous)[:, None] > np.asarray(normal)[None, :])

    assert verdict("03.3", good)
    assert "1 - AUC" in verdict("03.3", lambda n, a: good(a, n)).message
    assert "one number" in verdict("03.3", lambda n, a: np.asarray(a)[:, None] > np.asarray(n)[None, :]).message
    assert not verdict("03.3", lambda n, a: float(np.mean(a) > np.mean(n)))


def test_03_hints_for_values_instead_of_functions_and_wrong_shapes():
    for exercise_id in ("03.1", "03.2", "03.3"):
        assert "function itself" in verdict(exercise_id, np.zeros(3)).message
    assert "(6,)" in verdict("03.2", lambda m, x: np.mean((np.asarray(m(x)) - x) ** 2, axis=2)).message
    assert "returned None" in verdict("03.2", lambda m, x: None).message
    assert "returned None" in verdict("03.3", lambda n, a: None).message
