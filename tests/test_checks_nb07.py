"""Notebook 07's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import keras
import tensorflow as tf

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def scale(per_replica_batch, replicas, base_lr, base_batch):
    global_batch = per_replica_batch * replicas
    return global_batch, base_lr * global_batch / base_batch


def test_07_1_scale():
    assert verdict("07.1", scale)
    assert "returned None" in verdict("07.1", lambda *a: None).message
    assert "a pair" in verdict("07.1", lambda b, r, lr, bb: b * r).message
    assert "per-replica batch x replicas" in verdict("07.1", lambda b, r, lr, bb: (b, lr)).message
    assert "should be" in verdict("07.1", lambda b, r, lr, bb: (b + r, lr)).message
    assert "scales the rate with the batch" in verdict("07.1", lambda b, r, lr, bb: (b * r, lr)).message
    by_replicas = lambda b, r, lr, bb: (b * r, lr * r)  # noqa: E731
    assert "not by the number of replicas" in verdict("07.1", by_replicas).message
    square_root = lambda b, r, lr, bb: (b * r, lr * (b * r / bb) ** 0.5)  # noqa: E731
    assert "expected a learning rate" in verdict("07.1", square_root).message
    assert "pass the function itself" in verdict("07.1", scale(32, 8, 1e-3, 32)).message


def test_07_2_reduction_factors():
    assert verdict("07.2", (4, 1))
    assert verdict("07.2", [4.0, 1.0])
    assert "both numbers" in verdict("07.2", (None, None)).message
    assert "the pair" in verdict("07.2", 4).message
    assert "larger than its share" in verdict("07.2", (0.25, 1)).message
    assert "SUMS" in verdict("07.2", (1, 1)).message
    assert "number of replicas" in verdict("07.2", (16, 1)).message
    assert "sqrt(v) 4 times larger" in verdict("07.2", (4, 4)).message
    assert "m / sqrt(v)" in verdict("07.2", (4, 2)).message


def test_07_2_the_answer_is_what_keras_does():
    """The fact behind 07.2: gradients 4 times larger make SGD's step 4 times longer and leave Adam's unchanged."""
    gradient = tf.constant([0.3, -1.2, 0.05])
    for optimizer, want in ((keras.optimizers.SGD, 4.0), (keras.optimizers.Adam, 1.0)):
        steps = []
        for scale in (1.0, 4.0):
            variable = tf.Variable([1.0, 2.0, 3.0])
            opt = optimizer(learning_rate=0.01)
            for _ in range(3):
                before = variable.numpy()
                opt.apply_gradients([(gradient * scale, variable)])
            steps.append(variable.numpy() - before)
        ratio = (steps[1] / steps[0])
        assert abs(ratio - want).max() < 1e-3, (optimizer.__name__, ratio)


def cnn():
    return keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)])


def compiled(model):
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def test_07_3_under_scope():
    def good(strategy):
        with strategy.scope():
            return compiled(cnn())

    def outside(strategy):
        model = cnn()
        with strategy.scope():
            return compiled(model)

    def not_compiled(strategy):
        with strategy.scope():
            return cnn()

    def unbuilt(strategy):
        with strategy.scope():
            return compiled(keras.Sequential([keras.layers.Dense(2)]))

    def probabilities_loss(strategy):
        with strategy.scope():
            model = cnn()
            model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())
            return model

    assert verdict("07.3", good)
    assert "from_logits=True" in verdict("07.3", probabilities_loss).message
    assert "outside strategy.scope()" in verdict("07.3", outside).message
    assert "compile the model" in verdict("07.3", not_compiled).message
    assert "no weights yet" in verdict("07.3", unbuilt).message
    assert "returned None" in verdict("07.3", lambda s: None).message
    assert "pass the function itself" in verdict("07.3", cnn()).message


def test_07_4_replica_loss():
    assert verdict("07.4", lambda per_example, global_batch: tf.reduce_sum(per_example) / global_batch)
    assert verdict("07.4", lambda per_example, global_batch: tf.nn.compute_average_loss(
        per_example, global_batch_size=global_batch))
    assert "GLOBAL batch" in verdict("07.4", lambda per_example, global_batch: tf.reduce_mean(per_example)).message
    assert "sum of the losses" in verdict("07.4", lambda per_example, global_batch: tf.reduce_sum(per_example)).message
    assert "global mean loss" in verdict("07.4", lambda per_example, global_batch: tf.reduce_max(per_example)).message
    assert "returned None" in verdict("07.4", lambda per_example, global_batch: None).message
    assert "a scalar" in verdict("07.4", lambda per_example, global_batch: per_example / global_batch).message
