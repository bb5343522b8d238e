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


def loss():
    return keras.losses.SparseCategoricalCrossentropy(from_logits=True)


def snippet(letter, strategy, saved):
    """Exercise 07.3's snippets, as the prompt writes them (build_cnn -> cnn)."""
    if letter == "A":
        with strategy.scope():
            model = cnn()
            model.compile(optimizer=keras.optimizers.Adam(), loss=loss())
    elif letter == "B":
        model = cnn()
        with strategy.scope():
            model.compile(optimizer=keras.optimizers.Adam(), loss=loss())
    elif letter == "C":
        with strategy.scope():
            model = cnn()
        model.compile(optimizer=keras.optimizers.Adam(), loss=loss())
    elif letter == "D":
        adam = keras.optimizers.Adam()
        with strategy.scope():
            model = cnn()
            model.compile(optimizer=adam, loss=loss())
    else:
        with strategy.scope():
            model = keras.models.load_model(saved)
            model.compile(optimizer=keras.optimizers.Adam(), loss=loss())
    return model


def test_07_3_the_answer_is_what_keras_does(tmp_path):
    """The fact behind 07.3: fit trains A and E under the strategy and refuses B, C and D."""
    import numpy as np

    saved = tmp_path / "cnn.keras"
    cnn().save(saved)
    x, y = np.zeros((8, 8), "float32"), np.zeros(8, "int64")
    trains = set()
    for letter in "ABCDE":
        strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
        try:
            snippet(letter, strategy, saved).fit(x, y, batch_size=4, epochs=1, verbose=0)
            trains.add(letter)
        except RuntimeError:
            pass
    assert verdict("07.3", trains), trains


def test_07_3_which_snippets_train():
    assert verdict("07.3", {"A", "E"})
    assert verdict("07.3", "A, E")
    assert verdict("07.3", ["e", "a"])
    assert "no answer yet" in verdict("07.3", None).message
    assert "builds the model before the scope" in verdict("07.3", {"A", "B", "E"}).message
    assert "loss tracker's (total, count)" in verdict("07.3", {"A", "C", "E"}).message
    assert "its constructor" in verdict("07.3", {"A", "D", "E"}).message
    assert "load_model" in verdict("07.3", {"A"}).message
    assert "A builds and compiles" in verdict("07.3", {"E"}).message
    assert "A to E" in verdict("07.3", {"A", "E", "F"}).message


def test_07_4_last_step_divisor():
    assert verdict("07.4", lambda n, batch: n % batch or batch)
    assert verdict("07.4", lambda n, batch: n - (n - 1) // batch * batch)
    assert "n % global_batch is 0" in verdict("07.4", lambda n, batch: n % batch).message
    assert "holds only" in verdict("07.4", lambda n, batch: batch).message
    assert "whole epoch" in verdict("07.4", lambda n, batch: n).message
    assert "counts the full steps" in verdict("07.4", lambda n, batch: n // batch).message
    assert "returned None" in verdict("07.4", lambda n, batch: None).message
    assert "pass the function itself" in verdict("07.4", 32).message
