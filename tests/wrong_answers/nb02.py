"""Plausible wrong answers to notebook 02's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import keras

from tests.wrong_answers import Wrong


def _cnn(*, inputs=True, conv=None, pool=(2, 2), flatten=True, hidden=False, last="softmax"):
    layers = [keras.Input((28, 28, 1))] if inputs else []
    layers.append(conv or keras.layers.Conv2D(16, (3, 3), activation="relu", padding="same"))
    layers.append(keras.layers.MaxPooling2D(pool))
    if flatten:
        layers.append(keras.layers.Flatten())
    if hidden:
        layers.append(keras.layers.Dense(128, activation="relu"))
    layers.append(keras.layers.Dense(10, activation=last))
    return keras.Sequential(layers)


# 02.2: what learners write in place of `if logs["accuracy"] >= self.target: self.model.stop_training = True`

class _Target(keras.callbacks.Callback):
    def __init__(self, target):
        super().__init__()
        self.target = target


def _reads(key):
    class StopAtAccuracy(_Target):
        def on_epoch_end(self, epoch, logs=None):
            if logs.get(key, 0) >= self.target:
                self.model.stop_training = True
    return StopAtAccuracy


def _indexes_acc():
    class StopAtAccuracy(_Target):
        def on_epoch_end(self, epoch, logs=None):
            if logs["acc"] >= self.target:
                self.model.stop_training = True
    return StopAtAccuracy


def _batch_hook():
    class StopAtAccuracy(_Target):
        def on_train_batch_end(self, batch, logs=None):
            if logs["accuracy"] >= self.target:
                self.model.stop_training = True
    return StopAtAccuracy


def _own_flag():
    class StopAtAccuracy(_Target):
        def on_epoch_end(self, epoch, logs=None):
            if logs["accuracy"] >= self.target:
                self.stop_training = True
    return StopAtAccuracy


def _reversed():
    class StopAtAccuracy(_Target):
        def on_epoch_end(self, epoch, logs=None):
            if logs["accuracy"] <= self.target:
                self.model.stop_training = True
    return StopAtAccuracy


def _hard_coded():
    class StopAtAccuracy(_Target):
        def on_epoch_end(self, epoch, logs=None):
            if logs["accuracy"] >= 0.9:
                self.model.stop_training = True
    return StopAtAccuracy


def _no_epoch_argument():
    class StopAtAccuracy(_Target):
        def on_epoch_end(self, logs=None):
            if logs["accuracy"] >= self.target:
                self.model.stop_training = True
    return StopAtAccuracy


def _epoch_begin():
    class StopAtAccuracy(_Target):
        def on_epoch_begin(self, epoch, logs=None):
            if logs and logs.get("accuracy", 0) >= self.target:
                self.model.stop_training = True
    return StopAtAccuracy


def _twin(hidden_activation="relu", last="softmax", units=32):
    inputs = keras.Input((20,))
    hidden = keras.layers.Dense(units, activation=hidden_activation)(inputs)
    return keras.Model(inputs, keras.layers.Dense(3, activation=last)(hidden))


def _wraps_sequential():
    sequential = keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation="relu"),
                                   keras.layers.Dense(3, activation="softmax")])
    inputs = keras.Input((20,))
    return keras.Model(inputs, sequential(inputs))


def _outputs_only():
    inputs = keras.Input((20,))
    hidden = keras.layers.Dense(32, activation="relu")(inputs)
    return keras.layers.Dense(3, activation="softmax")(hidden)


CORPUS = [
    Wrong("02.1", "padding left at 'valid'",
          lambda: _cnn(conv=keras.layers.Conv2D(16, (3, 3), activation="relu")), ("padding='valid'", "26x26")),
    Wrong("02.1", "no keras.Input", lambda: _cnn(inputs=False), ("no Input",)),
    Wrong("02.1", "no Flatten", lambda: _cnn(flatten=False), ("no Flatten", "(None, 14, 14, 10)")),
    Wrong("02.1", "no softmax", lambda: _cnn(last=None), ("linear", "softmax")),
    Wrong("02.1", "no relu", lambda: _cnn(conv=keras.layers.Conv2D(16, (3, 3), padding="same")), ("linear", "relu")),
    Wrong("02.1", "32 filters of 5 x 5",
          lambda: _cnn(conv=keras.layers.Conv2D(32, (5, 5), activation="relu", padding="same")),
          ("32 filters of (5, 5)",)),
    Wrong("02.1", "an extra hidden Dense", lambda: _cnn(hidden=True), ("'Flatten', 'Dense', 'Dense'",)),
    Wrong("02.1", "3 x 3 pooling", lambda: _cnn(pool=(3, 3)), ("(3, 3)", "pool")),
    Wrong("02.2", "reads logs.get('acc')", lambda: _reads("acc"), ("logs.get('acc')",)),
    Wrong("02.2", "reads logs.get('val_accuracy')", lambda: _reads("val_accuracy"),
          ("logs.get('val_accuracy')", "validation")),
    Wrong("02.2", "reads logs['acc']", _indexes_acc, ("logs['acc']",)),
    Wrong("02.2", "checks in on_train_batch_end", _batch_hook, ("on_train_batch_end", "middle of an epoch")),
    Wrong("02.2", "sets self.stop_training", _own_flag, ("self.stop_training", "self.model.stop_training")),
    Wrong("02.2", "compares with <=", _reversed, ("0.0", "below the target")),
    Wrong("02.2", "hard-codes 0.9", _hard_coded, ("self.target", "0.6")),
    Wrong("02.2", "on_epoch_end without epoch", _no_epoch_argument, ("on_epoch_end(self, logs=None)",)),
    Wrong("02.2", "checks in on_epoch_begin", _epoch_begin, ("on_epoch_begin",)),
    Wrong("02.3", "keeps the Sequential model",
          lambda: keras.Sequential([keras.Input((20,)), keras.layers.Dense(32, activation="relu"),
                                    keras.layers.Dense(3, activation="softmax")]), ("still a Sequential",)),
    Wrong("02.3", "wraps the Sequential model", _wraps_sequential, ("calls a whole Sequential model",)),
    Wrong("02.3", "a list of layers",
          lambda: [keras.Input((20,)), keras.layers.Dense(32, activation="relu"),
                   keras.layers.Dense(3, activation="softmax")], ("list of layers", "call")),
    Wrong("02.3", "the output tensor only", _outputs_only, ("output tensor", "keras.Model(inputs, outputs)")),
    Wrong("02.3", "no softmax", lambda: _twin(last=None), ("do not sum to 1", "softmax")),
    Wrong("02.3", "no relu", lambda: _twin(hidden_activation=None), ("hidden", "relu")),
    Wrong("02.3", "64 hidden units", lambda: _twin(units=64), ("1539 parameters",)),
]
