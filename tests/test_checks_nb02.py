"""Notebook 02's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import keras

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def cnn(padding="same", filters=16, last="softmax", input_shape=(28, 28, 1)):
    return keras.Sequential([
        keras.Input(shape=input_shape),
        keras.layers.Conv2D(filters, (3, 3), activation="relu", padding=padding),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation=last),
    ])


def test_02_1_small_cnn():
    assert verdict("02.1", cnn())
    assert "padding='same'" in verdict("02.1", cnn(padding="valid")).message
    assert "16 filters" not in verdict("02.1", cnn(filters=32)).message and not verdict("02.1", cnn(filters=32))
    assert "softmax" in verdict("02.1", cnn(last=None)).message
    assert "Input((28, 28, 1))" in verdict("02.1", cnn(input_shape=(32, 32, 1))).message
    assert "keras.Input" in verdict("02.1", keras.Sequential([keras.layers.Dense(10)])).message
    assert "Conv2D" in verdict("02.1", keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten()])).message


def test_02_2_stop_at_accuracy():
    class Good(keras.callbacks.Callback):
        def __init__(self, target):
            super().__init__()
            self.target = target

        def on_epoch_end(self, epoch, logs=None):
            if logs["accuracy"] >= self.target:
                self.model.stop_training = True

    class NeverStops(Good):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class WrongKey(Good):
        def on_epoch_end(self, epoch, logs=None):
            if logs["acc"] >= self.target:
                self.model.stop_training = True

    class NoTarget(keras.callbacks.Callback):
        pass

    assert verdict("02.2", Good)
    assert "stop_training" in verdict("02.2", NeverStops).message
    assert "logs['accuracy']" in verdict("02.2", WrongKey).message
    assert "constructor" in verdict("02.2", NoTarget).message
    assert "class itself" in verdict("02.2", Good(0.9)).message


def test_02_3_functional_twin():
    inputs = keras.Input(shape=(20,))
    good = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(32, activation="relu")(inputs)))
    no_softmax = keras.Model(inputs, keras.layers.Dense(3)(keras.layers.Dense(32, activation="relu")(inputs)))
    sequential = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation="relu"),
                                   keras.layers.Dense(3, activation="softmax")])
    assert verdict("02.3", good)
    assert "Sequential" in verdict("02.3", sequential).message
    assert "softmax" in verdict("02.3", no_softmax).message
    wide = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(64)(inputs)))
    assert "parameters" in verdict("02.3", wide).message


def test_02_1_accepts_equivalent_activations_and_functional_models():
    import tensorflow as tf

    inputs = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(16, (3, 3), activation=tf.nn.relu, padding="same")(inputs)
    x = keras.layers.Flatten()(keras.layers.MaxPooling2D((2, 2))(x))
    functional = keras.Model(inputs, keras.layers.Dense(10, activation=keras.ops.softmax)(x))
    assert verdict("02.1", functional), verdict("02.1", functional).message


def test_02_2_rejects_a_hard_coded_target_and_a_mid_epoch_stop():
    class HardCoded(keras.callbacks.Callback):
        def __init__(self, target):
            super().__init__()

        def on_epoch_end(self, epoch, logs=None):
            if logs["accuracy"] >= 0.9:
                self.model.stop_training = True

    class MidEpoch(keras.callbacks.Callback):
        def __init__(self, target):
            super().__init__()
            self.target = target

        def on_train_batch_end(self, batch, logs=None):
            if logs["accuracy"] >= self.target:
                self.model.stop_training = True

    assert "self.target" in verdict("02.2", HardCoded).message
    assert not verdict("02.2", MidEpoch)
