"""Notebook 01's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def test_01_1_derivative():
    assert verdict("01.1", lambda x: 2 * x * tf.sin(x) + x**2 * tf.cos(x))
    assert "product rule" in verdict("01.1", lambda x: 2 * x * tf.cos(x)).message
    assert "only half" in verdict("01.1", lambda x: x**2 * tf.cos(x)).message
    assert "returned None" in verdict("01.1", lambda x: None).message
    assert "element-wise" in verdict("01.1", lambda x: tf.reduce_sum(x)).message
    assert not verdict("01.1", lambda x: x)


def test_01_1_asks_for_a_derivation_not_a_tape():
    def with_tape(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x**2 * tf.sin(x)
        return tape.gradient(y, x)

    assert "by hand" in verdict("01.1", with_tape).message


def test_01_2_retracing():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.float32)])
    def good(x, factor):
        return x * factor

    @tf.function
    def retraces(x, factor):
        return x * factor

    @tf.function(input_signature=[tf.TensorSpec([3], tf.float32), tf.TensorSpec([], tf.float32)])
    def fixed_length(x, factor):
        return x * factor

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.float32)])
    def wrong(x, factor):
        return x + factor

    assert verdict("01.2", good)
    assert "input_signature" in verdict("01.2", retraces).message
    assert "any length" in verdict("01.2", fixed_length).message
    assert "every factor" in verdict("01.2", tf.function(lambda x, factor: x * factor,
                                                        input_signature=None)).message
    assert "tf.function" in verdict("01.2", lambda x, factor: x * factor).message
    assert not verdict("01.2", wrong)


def test_01_3_pairwise_distances():
    def good(a, b):
        return tf.reduce_sum((a[:, None, :] - b[None, :, :]) ** 2, axis=-1)

    def loop(a, b):
        return tf.stack([tf.reduce_sum((a[i] - b) ** 2, axis=-1) for i in range(len(a))])

    def numpy_loop(a, b):
        a, b = np.asarray(a), np.asarray(b)
        return np.array([[np.sum((ai - bj) ** 2) for bj in b] for ai in a])

    assert verdict("01.3", good)
    assert "distances" in verdict("01.3", lambda a, b: tf.sqrt(good(a, b))).message
    assert "unknown until run time" in verdict("01.3", loop).message
    assert "unknown until run time" in verdict("01.3", numpy_loop).message
    assert "5 x 4" in verdict("01.3", lambda a, b: tf.reduce_sum(a)).message


def test_01_3_autograph_loop_gets_its_own_hint():
    def while_loop(a, b):
        out = tf.TensorArray(tf.float32, size=tf.shape(a)[0])
        for i in tf.range(tf.shape(a)[0]):
            out = out.write(i, tf.reduce_sum((a[i] - b) ** 2, axis=-1))
        return out.stack()

    message = verdict("01.3", while_loop).message
    assert "tf.while_loop" in message, message


def test_01_1_and_01_3_explain_dtype_sum_and_static_shape_mistakes():
    assert "float64" in verdict("01.1", lambda x: tf.constant(2.0) * x * tf.sin(x) + x**2 * tf.cos(x)).message
    assert "last axis" in verdict("01.3", lambda a, b: (a[:, None, :] - b[None, :, :]) ** 2).message

    def loop_over_features(a, b):  # a Python loop over d: unrolled when d is known, so d must stay unknown
        return sum((a[:, None, k] - b[None, :, k]) ** 2 for k in range(a.shape[1]))

    def static_shape(a, b):
        return tf.reduce_sum((tf.reshape(a, [a.shape[0], 1, -1]) - b[None]) ** 2, axis=-1)

    assert "unknown until run time" in verdict("01.3", loop_over_features).message
    assert "tf.shape" in verdict("01.3", static_shape).message
