"""Plausible wrong answers to notebook 04's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import keras

from tests.wrong_answers import Wrong


def _params_from(model, index, count_bn=False):
    return sum(layer.count_params() for layer in model.layers[index:]
               if count_bn or not isinstance(layer, keras.layers.BatchNormalization))


def _smallest(base, budget, count_bn=False):
    return min(i for i in range(len(base.layers) + 1) if _params_from(base, i, count_bn) <= budget)


def _choose(body):
    def choose_fine_tune_at(base, budget):
        return body(base, budget)
    return choose_fine_tune_at


def _trainable_only(base, budget):
    return min(i for i in range(len(base.layers) + 1)
               if sum(w.numpy().size for layer in base.layers[i:] for w in layer.trainable_weights) <= budget)


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


CORPUS = [
    Wrong("04.1", "counts the BatchNorm parameters", lambda: _choose(lambda b, k: _smallest(b, k, count_bn=True)),
          ("BatchNormalization",)),
    Wrong("04.1", "counts trainable_weights of a frozen base", lambda: _choose(_trainable_only), ("count_params",)),
    Wrong("04.1", "returns how many layers train", lambda: _choose(lambda b, k: len(b.layers) - _smallest(b, k)),
          ("number of layers",)),
    Wrong("04.1", "one layer too many", lambda: _choose(lambda b, k: max(_smallest(b, k) - 1, 0)),
          ("more than the budget",)),
    Wrong("04.1", "unfreezes nothing", lambda: _choose(lambda b, k: len(b.layers)), ("smallest index",)),
    Wrong("04.1", "still the stub", lambda: _choose(lambda b, k: None), ("None",)),
    Wrong("04.2", "leaves the model frozen", _forgets_the_model, ("still frozen",)),
    Wrong("04.2", "model.trainable = True last", _model_flag_last, ("after",)),
    Wrong("04.2", "never freezes the others", _never_freezes, ("never freezes",)),
    Wrong("04.2", "counts every layer", _counts_every_layer, ("only the layers that have weights", "['d2']")),
    Wrong("04.2", "the first n layers", _first_layers, ("['c1']", "count from the end")),
    Wrong("04.2", "unfreezes BatchNormalization", _unfreezes_batchnorm, ("'bn'", "BatchNormalization")),
    Wrong("04.2", "only freezes the others", _only_freezes, ("nothing trains", "arrived frozen")),
    Wrong("04.3", "chooses against the measurements", lambda: ({1e-2: 0.71, 1e-3: 0.86, 1e-4: 0.84}, 1e-2),
          ("choose from the evidence",)),
    Wrong("04.3", "ignores the seed-averaged evidence",
          lambda: ({1e-2: [0.70, 0.72], 1e-3: [0.86, 0.87], 1e-4: [0.80, 0.81]}, 1e-4), ("choose from the evidence",)),
    Wrong("04.3", "accuracy in percent", lambda: ({1e-2: 71.0, 1e-3: 86.0, 1e-4: 84.0}, 1e-3), ("from 0 to 1",)),
    Wrong("04.3", "one rate only", lambda: ({1e-3: 0.86}, 1e-3), ("three learning rates",)),
    Wrong("04.3", "the same run three times", lambda: ({1e-2: 0.8, 1e-3: 0.8, 1e-4: 0.8}, 1e-3), ("identical",)),
    Wrong("04.3", "a rate not measured", lambda: ({1e-2: 0.71, 1e-3: 0.86, 1e-4: 0.84}, 1e-5),
          ("rates you measured",)),
]
