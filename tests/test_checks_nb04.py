"""Notebook 04's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import keras

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def params_from(model, index, count_bn=False):
    return sum(layer.count_params() for layer in model.layers[index:]
               if count_bn or not isinstance(layer, keras.layers.BatchNormalization))


def smallest(count_bn=False):
    def choose_fine_tune_at(base, budget):
        return min(i for i in range(len(base.layers) + 1) if params_from(base, i, count_bn) <= budget)
    return choose_fine_tune_at


def test_04_1_choose_fine_tune_at():
    good = smallest()
    assert verdict("04.1", good)
    assert "returned None" in verdict("04.1", lambda base, budget: None).message
    assert "BatchNormalization" in verdict("04.1", smallest(count_bn=True)).message
    assert "count_params" in verdict("04.1", lambda base, budget: min(
        i for i in range(len(base.layers) + 1)
        if sum(w.numpy().size for layer in base.layers[i:] for w in layer.trainable_weights) <= budget)).message
    assert "number of layers" in verdict("04.1", lambda base, budget: len(base.layers) - good(base, budget)).message
    assert "smallest index" in verdict("04.1", lambda base, budget: len(base.layers)).message
    assert "more than the budget" in verdict("04.1", lambda base, budget: max(good(base, budget) - 1, 0)).message
    assert "an int" in verdict("04.1", lambda base, budget: float(good(base, budget))).message
    assert "layer index" in verdict("04.1", lambda base, budget: base.layers[min(good(base, budget), 7)]).message


def test_04_2_unfreeze_last():
    def candidates(model):
        return [layer for layer in model.layers
                if layer.weights and not isinstance(layer, keras.layers.BatchNormalization)]

    def good(model, n):
        model.trainable = True
        chosen = candidates(model)[-n:]
        for layer in model.layers:
            layer.trainable = layer in chosen

    def forgets_the_model(model, n):
        chosen = candidates(model)[-n:]
        for layer in model.layers:
            layer.trainable = layer in chosen

    def model_flag_last(model, n):
        chosen = candidates(model)[-n:]
        for layer in model.layers:
            layer.trainable = layer in chosen
        model.trainable = True

    def counts_every_layer(model, n):
        model.trainable = True
        for layer in model.layers:
            layer.trainable = layer in model.layers[-n:]

    def first_layers(model, n):
        model.trainable = True
        chosen = candidates(model)[:n]
        for layer in model.layers:
            layer.trainable = layer in chosen

    def unfreezes_batchnorm(model, n):
        model.trainable = True
        chosen = [layer for layer in model.layers if layer.weights][-n:]
        for layer in model.layers:
            layer.trainable = layer in chosen

    def freezes_only_some(model, n):
        model.trainable = True
        model.layers[0].trainable = False

    assert verdict("04.2", good)
    assert "model.trainable = True first" in verdict("04.2", forgets_the_model).message
    assert "set it first" in verdict("04.2", model_flag_last).message
    assert "only the layers that have weights" in verdict("04.2", counts_every_layer).message
    assert "count from the end" in verdict("04.2", first_layers).message
    assert "BatchNormalization" in verdict("04.2", unfreezes_batchnorm).message
    assert "BatchNormalization" in verdict("04.2", freezes_only_some).message


def test_04_3_learning_rate_from_measurements():
    measured = {1e-2: 0.71, 1e-3: 0.86, 1e-4: 0.84}
    per_seed = {1e-2: [0.70, 0.72], 1e-3: [0.85, 0.87], 1e-4: [0.84, 0.85]}
    assert verdict("04.3", (measured, 1e-3))
    assert verdict("04.3", ({1e-2: 0.71, 1e-3: 0.860, 1e-4: 0.857}, 1e-4))  # within the noise of the best
    assert verdict("04.3", (per_seed, 1e-3))
    assert verdict("04.3", (per_seed, 1e-4))  # 0.015 below the best: within 0.02
    assert verdict("04.3", ({1e-2: [0.70, 0.72], 1e-3: [0.82, 0.90], 1e-4: [0.83, 0.83]}, 1e-4))  # within the spread
    assert "choose from the evidence" in verdict("04.3", ({1e-2: 0.71, 1e-3: 0.86, 1e-4: 0.83}, 1e-4)).message
    assert "choose from the evidence" in verdict("04.3", (per_seed, 1e-2)).message
    assert "still None" in verdict("04.3", (None, None)).message
    assert "choose from the evidence" in verdict("04.3", (measured, 1e-2)).message
    assert "chosen_learning_rate is still None" in verdict("04.3", (measured, None)).message
    assert "three learning rates" in verdict("04.3", ({1e-3: 0.86}, 1e-3)).message
    assert "from 0 to 1" in verdict("04.3", ({1e-2: 71, 1e-3: 86, 1e-4: 84}, 1e-3)).message
    assert "from 0 to 1" in verdict("04.3", ({1e-2: [0.7, 71], 1e-3: [0.8], 1e-4: [0.8]}, 1e-3)).message
    assert "from 0 to 1" in verdict("04.3", ({1e-2: [], 1e-3: [0.8], 1e-4: [0.8]}, 1e-3)).message
    assert "identical" in verdict("04.3", ({1e-2: 0.8, 1e-3: 0.8, 1e-4: 0.8}, 1e-3)).message
    assert "one of the rates you measured" in verdict("04.3", (measured, 1e-5)).message
    assert "pair" in verdict("04.3", measured).message
