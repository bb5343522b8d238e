"""Notebook 04's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import keras

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def head(num_classes, *, pool=True, dropout=True, activation=None):
    layers = [keras.Input((5, 5, 1280)), keras.layers.GlobalAveragePooling2D() if pool else keras.layers.Flatten()]
    if dropout:
        layers.append(keras.layers.Dropout(0.2))
    layers.append(keras.layers.Dense(num_classes, activation=activation))
    return keras.Sequential(layers)


def test_04_1_build_head():
    assert verdict("04.1", head)
    assert "returned None" in verdict("04.1", lambda k: None).message
    assert "GlobalAveragePooling2D" in verdict("04.1", lambda k: head(k, pool=False)).message
    assert "softmax" in verdict("04.1", lambda k: head(k, activation="softmax")).message
    assert "Dropout" in verdict("04.1", lambda k: head(k, dropout=False)).message
    assert "(4, 3)" in verdict("04.1", lambda k: head(2)).message
    assert "Keras model" in verdict("04.1", lambda k: keras.layers.Dense(k)).message
    assert "no activation" in verdict("04.1", lambda k: head(k, activation="relu")).message

    def dropout_last(k):
        return keras.Sequential([keras.Input((5, 5, 1280)), keras.layers.GlobalAveragePooling2D(),
                                 keras.layers.Dense(k), keras.layers.Dropout(0.2)])

    def max_pooled(k):
        return keras.Sequential([keras.Input((5, 5, 1280)), keras.layers.GlobalMaxPooling2D(),
                                 keras.layers.Dropout(0.2), keras.layers.Dense(k)])

    assert "before the Dense" in verdict("04.1", dropout_last).message
    assert "max pooling" in verdict("04.1", max_pooled).message


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


def test_04_3_seconds_to_reach():
    def good(curve, goal):
        return next((seconds for seconds, accuracy in curve if accuracy >= goal), -1)

    def last_time(curve, goal):
        times = [seconds for seconds, accuracy in curve if accuracy >= goal]
        return times[-1] if times else -1

    assert verdict("04.3", good)
    assert ">= goal" in verdict("04.3", lambda c, g: next((s for s, a in c if a > g), -1)).message
    assert "FIRST" in verdict("04.3", last_time).message
    assert "not its accuracy" in verdict("04.3", lambda c, g: next((a for s, a in c if a >= g), -1)).message
    assert "return -1" in verdict("04.3", lambda c, g: next((s for s, a in c if a >= g), 0)).message
    assert "returned None" in verdict("04.3", lambda c, g: None).message
    assert "return -1" in verdict("04.3", lambda c, g: next((s for s, a in c if a >= g), None)).message
