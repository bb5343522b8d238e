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


def _train_step(step_spec=None, batch_spec=None, cast=True, **options):
    signature = None if step_spec is None else [step_spec, batch_spec]

    @tf.function(input_signature=signature, **options)
    def train_step(step, batch):
        learning_rate = 0.1 / (1.0 + (tf.cast(step, tf.float32) if cast else step))
        return learning_rate * tf.reduce_mean(batch, axis=0)
    return train_step


def test_01_2_retracing():
    good = _train_step(tf.TensorSpec([], tf.int32), tf.TensorSpec([None, 3], tf.float32))
    assert verdict("01.2", good)
    assert verdict("01.2", good)  # a second check counts no new trace
    assert verdict("01.2", _train_step(tf.TensorSpec([], tf.float32), tf.TensorSpec([None, None], tf.float32)))
    stub = _train_step(cast=False)
    first = verdict("01.2", stub)
    assert "traced 12 times" in first.message and "input_signature" in first.message
    assert "traced 12 times" in verdict("01.2", stub).message  # graphs cached by the first check do not hide it
    assert "reduce_retracing" in verdict("01.2", _train_step(cast=False, reduce_retracing=True)).message
    assert "tf.function" in verdict("01.2", lambda step, batch: batch).message


def test_01_2_the_checks_own_failure_is_not_blamed_on_the_learner(monkeypatch):
    from tf2_hands_on.checks import nb01

    monkeypatch.setattr(nb01, "BATCH_ROWS", None)
    message = verdict("01.2", _train_step(tf.TensorSpec([], tf.int32), tf.TensorSpec([None, 3], tf.float32))).message
    assert "says nothing about your answer" in message and "your answer raised" not in message


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
