"""Notebook 09's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import numpy as np

from utils import exercises
from utils.checks import nb09


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def test_09_1_causal():
    assert verdict("09.1", lambda n: np.tril(np.ones((n, n), dtype=bool)))
    assert "returned None" in verdict("09.1", lambda n: None).message
    assert "shape" in verdict("09.1", lambda n: np.tril(np.ones((n, n + 1), dtype=bool))).message
    assert "booleans" in verdict("09.1", lambda n: np.tril(np.ones((n, n)))).message
    assert "transpose" in verdict("09.1", lambda n: np.triu(np.ones((n, n), dtype=bool))).message
    assert "keep the diagonal" in verdict("09.1", lambda n: np.tril(np.ones((n, n), dtype=bool), k=-1)).message
    assert "lower-triangular" in verdict("09.1", lambda n: np.ones((n, n), dtype=bool)).message
    assert "function itself" in verdict("09.1", np.tril(np.ones((3, 3), dtype=bool))).message


def test_09_2_tiny_attention():
    assert verdict("09.2", nb09._attention())
    assert verdict("09.2", nb09._attention().tolist())  # a nested list is fine
    assert "no mask" in verdict("09.2", nb09._attention(masked=False)).message
    assert "sqrt(2)" in verdict("09.2", nb09._attention(scale=False)).message
    assert "axis=1" in verdict("09.2", nb09._attention(axis=0)).message
    assert "(3, 2)" in verdict("09.2", np.zeros((2, 3))).message
    assert "not yet" in verdict("09.2", np.zeros((3, 2))).message
    assert "not a function" in verdict("09.2", lambda: None).message


def test_09_3_params_match_a_real_model():
    import keras
    import tensorflow as tf

    from utils.checks.nb09 import _reference

    assert verdict("09.3", _reference)
    # the formula agrees with Keras' own count for a model built like the notebook's
    width, heads, vocab, context = 32, 4, 30, 16
    tokens = keras.Input((context,), dtype="int32")
    x = keras.layers.Embedding(vocab, width)(tokens) + keras.layers.Embedding(context, width)(tf.range(context))
    h = keras.layers.LayerNormalization()(x)
    x = x + keras.layers.MultiHeadAttention(heads, width // heads)(h, h, use_causal_mask=True)
    x = x + keras.layers.Dense(width)(keras.layers.Dense(4 * width, activation="gelu")(keras.layers.LayerNormalization()(x)))
    logits = keras.layers.Dense(vocab)(keras.layers.LayerNormalization()(x))
    assert keras.Model(tokens, logits).count_params() == _reference(vocab, context, width, 1)

    assert "returned None" in verdict("09.3", lambda *a: None).message
    assert "position embedding" in verdict("09.3", lambda v, c, w, b: _reference(v, c, w, b) - c * w).message
    assert "layer normalisation" in verdict("09.3", lambda v, c, w, b: _reference(v, c, w, b) - b * 4 * w - 2 * w).message
    no_biases = lambda v, c, w, b: _reference(v, c, w, b) - b * 9 * w - v  # noqa: E731
    assert "biases" in verdict("09.3", no_biases).message
    assert "four projections" in verdict("09.3", lambda v, c, w, b: _reference(v, c, w, b) - b * 4 * (w * w + w)).message
    assert "expected" in verdict("09.3", lambda *a: 1).message
