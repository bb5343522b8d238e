"""Notebook 09's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import numpy as np

from tf2_hands_on import exercises
from tf2_hands_on.checks import nb09


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def test_09_1_sliding_window():
    assert verdict("09.1", lambda t, w, b: list(range(max(0, t - b * (w - 1)), t + 1)))
    assert verdict("09.1", lambda t, w, b: set(range(max(0, t - b * (w - 1)), t + 1)))  # any collection of ints
    assert verdict("09.1", lambda t, w, b: np.arange(max(0, t - b * (w - 1)), t + 1))

    def by_matrix_powers(t, w, blocks):  # the brute-force way: compose the window mask `blocks` times
        i, j = np.indices((t + 1, t + 1))
        window = ((j <= i) & (j > i - w)).astype(int)
        reach = np.linalg.matrix_power(window, blocks)
        return np.flatnonzero(reach[t]).tolist()

    assert verdict("09.1", by_matrix_powers)
    assert not (v := verdict("09.1", lambda t, w, b: None))
    assert "returned None" in v.message
    assert not (v := verdict("09.1", lambda t, w, b: list(range(max(0, t - w + 1), t + 1))))
    assert "one block" in v.message
    assert not (v := verdict("09.1", lambda t, w, b: list(range(max(0, t - b * w), t + 1))))
    assert "w - 1" in v.message
    assert not (v := verdict("09.1", lambda t, w, b: list(range(t - b * (w - 1), t + 1))))
    assert "max(0" in v.message
    assert not (v := verdict("09.1", lambda t, w, b: list(range(max(0, t - b * (w - 1)), t))))
    assert "include t" in v.message
    assert not (v := verdict("09.1", lambda t, w, b: list(range(t + 1))))
    assert "full causal mask" in v.message
    assert not (v := verdict("09.1", lambda t, w, b: list(range(t, t + b * (w - 1) + 1))))
    assert "future" in v.message
    assert not (v := verdict("09.1", lambda t, w, b: [t - 1]))
    assert "expected positions" in v.message
    assert not (v := verdict("09.1", lambda t, w, b: 3))
    assert "list of positions" in v.message
    assert not (v := verdict("09.1", [1, 2, 3]))
    assert "function itself" in v.message


def test_09_2_a_key_one_query_ignores():
    assert verdict("09.2", np.array([-10.0, 3.0]))
    assert verdict("09.2", [-6, 2])  # a list is fine
    assert verdict("09.2", np.array([[1.0, 1.0], [-10.0, 3.0], [2.0, 0.0]]))  # the whole key matrix too
    weights = nb09._weights([-10.0, 3.0])
    np.testing.assert_allclose(weights.sum(axis=1), 1)
    assert weights[2, 1] < 0.01 < 0.5 < weights[1, 1]
    assert not (v := verdict("09.2", np.array([-10.0, -10.0])))
    assert "second number" in v.message
    assert not (v := verdict("09.2", np.array([-1.0, 1.0])))
    assert "a + b" in v.message
    assert not (v := verdict("09.2", np.array([0.0, 2.0])))
    assert "as it is" in v.message
    assert not (v := verdict("09.2", np.array([[0.0, 0.0], [-10.0, 3.0], [2.0, 0.0]])))
    assert "only position 1" in v.message
    assert not (v := verdict("09.2", np.array([-np.inf, 3.0])))
    assert "finite" in v.message
    assert not (v := verdict("09.2", np.zeros(3)))
    assert "shape (2,)" in v.message
    assert not (v := verdict("09.2", None))
    assert not (v := verdict("09.2", lambda: None))
    assert "not a function" in v.message


def test_09_3_params_match_a_real_model():
    import keras
    import tensorflow as tf

    from tf2_hands_on.checks.nb09 import _reference

    assert verdict("09.3", _reference)
    # the formula agrees with Keras' own count for a one-block model built like the notebook's
    width, heads, vocab, context = 32, 4, 30, 16

    class OneBlock(keras.Model):
        def __init__(self):
            super().__init__()
            self.tokens, self.positions = keras.layers.Embedding(vocab, width), keras.layers.Embedding(context, width)
            self.norm1, self.norm2, self.final = (keras.layers.LayerNormalization() for _ in range(3))
            self.attention = keras.layers.MultiHeadAttention(heads, width // heads)
            self.mlp_in, self.mlp_out = keras.layers.Dense(4 * width, activation="gelu"), keras.layers.Dense(width)
            self.logits = keras.layers.Dense(vocab)

        def call(self, ids):
            x = self.tokens(ids) + self.positions(tf.range(tf.shape(ids)[1]))
            h = self.norm1(x)
            x = x + self.attention(h, h, use_causal_mask=True)
            x = x + self.mlp_out(self.mlp_in(self.norm2(x)))
            return self.logits(self.final(x))

    model = OneBlock()
    model(np.zeros((1, context), "int32"))
    assert model.count_params() == _reference(vocab, context, width, 1)

    assert not (v := verdict("09.3", lambda *a: None))
    assert "returned None" in v.message
    assert not (v := verdict("09.3", lambda v, c, w, b: _reference(v, c, w, b) - c * w))
    assert "position embedding" in v.message
    assert not (v := verdict("09.3", lambda v, c, w, b: _reference(v, c, w, b) - b * 4 * w - 2 * w))
    assert "layer normalisation" in v.message
    no_biases = lambda v, c, w, b: _reference(v, c, w, b) - b * 9 * w - v  # noqa: E731
    assert not (v := verdict("09.3", no_biases))
    assert "biases" in v.message
    assert not (v := verdict("09.3", lambda v, c, w, b: _reference(v, c, w, b) - b * 4 * (w * w + w)))
    assert "four projections" in v.message
    assert not (v := verdict("09.3", lambda *a: 1))
    assert "expected" in v.message
