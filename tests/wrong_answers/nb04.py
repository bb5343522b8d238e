"""Plausible wrong answers to notebook 04's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import keras

from tests.wrong_answers import Wrong


def _head(*layers, input_shape=(5, 5, 1280)):
    def build_head(num_classes):
        return keras.Sequential([keras.Input(input_shape), *[make(num_classes) for make in layers]])
    return build_head


def _pool(num_classes):
    return keras.layers.GlobalAveragePooling2D()


def _drop(num_classes):
    return keras.layers.Dropout(0.2)


def _dense(num_classes):
    return keras.layers.Dense(num_classes)


def _candidates(model):
    return [layer for layer in model.layers if layer.weights and not isinstance(layer, keras.layers.BatchNormalization)]


def _forgets_the_model():
    def unfreeze_last(model, n):
        chosen = _candidates(model)[-n:]
        for layer in model.layers:
            layer.trainable = layer in chosen
    return unfreeze_last


def _model_flag_last():
    def unfreeze_last(model, n):
        chosen = _candidates(model)[-n:]
        for layer in model.layers:
            layer.trainable = layer in chosen
        model.trainable = True
    return unfreeze_last


def _never_freezes():
    def unfreeze_last(model, n):
        model.trainable = True
        for layer in _candidates(model)[-n:]:
            layer.trainable = True
    return unfreeze_last


def _counts_every_layer():
    def unfreeze_last(model, n):
        model.trainable = True
        for layer in model.layers:
            layer.trainable = layer in model.layers[-n:]
    return unfreeze_last


def _first_layers():
    def unfreeze_last(model, n):
        model.trainable = True
        chosen = _candidates(model)[:n]
        for layer in model.layers:
            layer.trainable = layer in chosen
    return unfreeze_last


def _unfreezes_batchnorm():
    def unfreeze_last(model, n):
        model.trainable = True
        chosen = [layer for layer in model.layers if layer.weights][-n:]
        for layer in model.layers:
            layer.trainable = layer in chosen
    return unfreeze_last


def _only_freezes():
    def unfreeze_last(model, n):
        for layer in _candidates(model)[:-n]:
            layer.trainable = False
    return unfreeze_last


def _seconds(body):
    def seconds_to_reach(curve, goal):
        return body(curve, goal)
    return seconds_to_reach


def _last_time(curve, goal):
    times = [seconds for seconds, accuracy in curve if accuracy >= goal]
    return times[-1] if times else -1


def _index(curve, goal):
    for i, (seconds, accuracy) in enumerate(curve):  # noqa: B007 (the mistake: seconds goes unused)
        if accuracy >= goal:
            return i
    return -1


CORPUS = [
    Wrong("04.1", "Flatten instead of pooling",
          lambda: _head(lambda k: keras.layers.Flatten(), _drop, _dense), ("Flatten",)),
    Wrong("04.1", "softmax output",
          lambda: _head(_pool, _drop, lambda k: keras.layers.Dense(k, activation="softmax")), ("softmax",)),
    Wrong("04.1", "no Dropout", lambda: _head(_pool, _dense), ("no Dropout",)),
    Wrong("04.1", "Dropout after Dense", lambda: _head(_pool, _dense, _drop), ("after the Dense",)),
    Wrong("04.1", "max pooling", lambda: _head(lambda k: keras.layers.GlobalMaxPooling2D(), _drop, _dense),
          ("max pooling",)),
    Wrong("04.1", "Dense(10) whatever num_classes", lambda: _head(_pool, _drop, lambda k: keras.layers.Dense(10)),
          ("(4, 10)", "num_classes")),
    Wrong("04.1", "input of images", lambda: _head(_pool, _drop, _dense, input_shape=(160, 160, 3)),
          ("(None, 160, 160, 3)",)),
    Wrong("04.1", "an extra hidden Dense",
          lambda: _head(_pool, _drop, lambda k: keras.layers.Dense(128, activation="relu"), _dense),
          ("2 Dense layers",)),
    Wrong("04.2", "leaves the model frozen", _forgets_the_model, ("still frozen",)),
    Wrong("04.2", "model.trainable = True last", _model_flag_last, ("after",)),
    Wrong("04.2", "never freezes the others", _never_freezes, ("never freezes",)),
    Wrong("04.2", "counts every layer", _counts_every_layer, ("only the layers that have weights", "['d2']")),
    Wrong("04.2", "the first n layers", _first_layers, ("['c1']", "count from the end")),
    Wrong("04.2", "unfreezes BatchNormalization", _unfreezes_batchnorm, ("'bn'", "BatchNormalization")),
    Wrong("04.2", "only freezes the others", _only_freezes, ("nothing trains", "arrived frozen")),
    Wrong("04.3", "accuracy > goal", lambda: _seconds(lambda c, g: next((s for s, a in c if a > g), -1)),
          (">= goal", "returned 6.0")),
    Wrong("04.3", "the last time", lambda: _seconds(_last_time), ("FIRST", "returned 9.0")),
    Wrong("04.3", "returns the accuracy", lambda: _seconds(lambda c, g: next((a for s, a in c if a >= g), -1)),
          ("not its accuracy",)),
    Wrong("04.3", "0 when never reached", lambda: _seconds(lambda c, g: next((s for s, a in c if a >= g), 0)),
          ("returned 0.0", "return -1")),
    Wrong("04.3", "None when never reached", lambda: _seconds(lambda c, g: next((s for s, a in c if a >= g), None)),
          ("returns None", "return -1")),
    Wrong("04.3", "returns the index", lambda: _seconds(_index), ("returned 2", "position")),
    Wrong("04.3", "returns the pair", lambda: _seconds(lambda c, g: next(((s, a) for s, a in c if a >= g), -1)),
          ("(4.5, 0.88)",)),
    Wrong("04.3", "next without a default", lambda: _seconds(lambda c, g: next(s for s, a in c if a >= g)),
          ("StopIteration", "default")),
]
