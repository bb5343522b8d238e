"""Plausible wrong answers to notebook 02's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import keras

from tests.wrong_answers import Wrong


# 02.3: what learners write in place of `if logs["accuracy"] >= self.target: self.model.stop_training = True`

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


CORPUS = [
    # 02.1: 11,738 = (5*5*1*8 + 8) + (12*12*8*10 + 10)
    Wrong("02.1", "forgot every bias", lambda: 200 + 11520, ("biases",)),
    Wrong("02.1", "forgot the Dense biases", lambda: 208 + 11520, ("Dense layer's biases",)),
    Wrong("02.1", "kept 28 x 28 as with padding='same'", lambda: 208 + 14 * 14 * 8 * 10 + 10, ("28 - 5 + 1",)),
    Wrong("02.1", "forgot the pooling", lambda: 208 + 24 * 24 * 8 * 10 + 10, ("pooling",)),
    Wrong("02.1", "28 - 5 positions", lambda: 208 + 11 * 11 * 8 * 10 + 10, ("28 - 5 + 1",)),
    Wrong("02.1", "the Dense layer only", lambda: 11530, ("Dense layer alone",)),
    Wrong("02.1", "built the model and passed it", lambda: keras.Sequential([
        keras.Input((28, 28, 1)), keras.layers.Conv2D(8, (5, 5)), keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(), keras.layers.Dense(10)]), ("a model",)),
    Wrong("02.1", "a string", lambda: "11738", ("whole number",)),
    # 02.2: EarlyStopping(patience=2) on the prompt's losses stops after epoch 8 and keeps epoch 6
    Wrong("02.2", "counted from 0", lambda: (7, 5), ("from 0",)),
    Wrong("02.2", "kept the last epoch", lambda: (8, 8), ("not the last",)),
    Wrong("02.2", "missed the new best at epoch 6", lambda: (6, 4), ("new best",)),
    Wrong("02.2", "stopped one epoch early", lambda: (7, 6), ("epoch 7", "second")),
    Wrong("02.2", "waited one epoch too many", lambda: (9, 6), ("second epoch without improvement",)),
    Wrong("02.2", "ran all ten epochs", lambda: (10, 6), ("before the 10th epoch",)),
    Wrong("02.2", "one number", lambda: 8, ("(stop_epoch, kept_epoch)",)),
    Wrong("02.3", "reads logs.get('acc')", lambda: _reads("acc"), ("logs.get('acc')",)),
    Wrong("02.3", "reads logs.get('val_accuracy')", lambda: _reads("val_accuracy"),
          ("logs.get('val_accuracy')", "validation")),
    Wrong("02.3", "reads logs['acc']", _indexes_acc, ("logs['acc']",)),
    Wrong("02.3", "checks in on_train_batch_end", _batch_hook, ("on_train_batch_end", "middle of an epoch")),
    Wrong("02.3", "sets self.stop_training", _own_flag, ("self.stop_training", "self.model.stop_training")),
    Wrong("02.3", "compares with <=", _reversed, ("0.0", "below the target")),
    Wrong("02.3", "hard-codes 0.9", _hard_coded, ("self.target", "0.6")),
    Wrong("02.3", "on_epoch_end without epoch", _no_epoch_argument, ("on_epoch_end(self, logs=None)",)),
    Wrong("02.3", "checks in on_epoch_begin", _epoch_begin, ("on_epoch_begin",)),
]
