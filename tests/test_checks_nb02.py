"""Notebook 02's exercise checkers: reference answers pass, the common mistakes get their hint; and the facts about
Keras that the notebook states and no longer asserts in view."""

from __future__ import annotations

import zipfile

import keras
import numpy as np
import pytest

from tf2_hands_on import exercises
from tf2_hands_on.checks import nb02


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def test_02_1_parameter_count_matches_keras():
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, (5, 5), activation="relu"),
                              keras.layers.MaxPooling2D((2, 2)), keras.layers.Flatten(), keras.layers.Dense(10)])
    assert verdict("02.1", model.count_params())
    assert verdict("02.1", float(model.count_params()))
    assert model.count_params() not in nb02._parameter_mistakes(), "a recognised mistake must not be the answer"
    assert "model" in verdict("02.1", model).message
    assert "whole number" in verdict("02.1", "11738").message
    assert not verdict("02.1", 12345).hint and "layer by layer" in verdict("02.1", 12345).message


def test_02_2_answer_is_what_keras_early_stopping_does():
    """EARLY_STOPPING_ANSWER, the exercise's truth, against Keras' own EarlyStopping on the same losses."""
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=nb02.PATIENCE, restore_best_weights=True)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.stop_training = False
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(nb02.VAL_LOSS):
        callback.on_epoch_end(epoch, {"val_loss": value})
        if model.stop_training:
            break
    assert (epoch + 1, callback.best_epoch + 1) == nb02.EARLY_STOPPING_ANSWER


def test_02_2_early_stopping_hints():
    assert verdict("02.2", (8, 6)) and verdict("02.2", [8, 6])
    assert "from 0" in verdict("02.2", (7, 5)).message
    assert "best epoch, not the last" in verdict("02.2", (8, 8)).message
    assert "new best" in verdict("02.2", (6, 4)).message
    assert "(stop_epoch, kept_epoch)" in verdict("02.2", 8).message


def test_02_3_stop_at_accuracy():
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

    assert verdict("02.3", Good)
    assert "stop_training" in verdict("02.3", NeverStops).message
    assert "logs['accuracy']" in verdict("02.3", WrongKey).message
    assert "constructor" in verdict("02.3", NoTarget).message
    assert "class itself" in verdict("02.3", Good(0.9)).message


def test_02_3_rejects_a_hard_coded_target_and_a_mid_epoch_stop():
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

    assert "self.target" in verdict("02.3", HardCoded).message
    assert not verdict("02.3", MidEpoch)


def test_02_3_a_reference_run_that_never_learns_is_not_blamed_on_the_learner(monkeypatch):
    """The checker's own training picks its targets from what it reached; if it learned nothing it says so."""
    monkeypatch.setattr(keras.Model, "fit", lambda self, *a, **k: type("H", (), {"history": {
        "accuracy": [0.5] * 40, "loss": [0.7] * 40}})())

    class Good(keras.callbacks.Callback):
        def __init__(self, target):
            super().__init__()
            self.target = target

    message = verdict("02.3", Good).message
    assert "says nothing about your answer" in message


def test_02_3_a_failing_reference_run_is_not_called_the_learners_error(monkeypatch):
    """The checker trains once on its own before calling any learner code: if that fails, it says so."""
    def broken_fit(self, *args, **kwargs):
        if not kwargs.get("callbacks"):
            raise RuntimeError("out of memory")
        return original_fit(self, *args, **kwargs)

    original_fit = keras.Model.fit
    monkeypatch.setattr(keras.Model, "fit", broken_fit)

    class Good(keras.callbacks.Callback):
        def __init__(self, target):
            super().__init__()
            self.target = target

    result = verdict("02.3", Good)
    assert not result and "own training run failed (RuntimeError: out of memory)" in result.message
    assert "says nothing about your answer" in result.message and "your answer raised" not in result.message


# Facts the notebook states in prose; proved here instead of in view.

def test_keras_captures_plain_constructor_arguments_and_asks_get_config_for_others(tmp_path):
    @keras.saving.register_keras_serializable(package="test_nb02")
    class Scale(keras.layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

    @keras.saving.register_keras_serializable(package="test_nb02")
    class Wrap(keras.layers.Layer):
        def __init__(self, inner, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner

        def call(self, x):
            return self.inner(x)

    plain = keras.Sequential([keras.Input((2,)), Scale(3.0)])
    plain.save(tmp_path / "plain.keras")
    assert keras.models.load_model(tmp_path / "plain.keras").layers[0].factor == 3.0
    with pytest.raises(NotImplementedError, match="get_config"):
        keras.Sequential([keras.Input((2,)), Wrap(keras.layers.Dense(2))]).save(tmp_path / "wrap.keras")


def test_safe_mode_refuses_a_lambda_and_a_keras_file_is_a_zip(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Lambda(lambda t: t * 2)])
    path = tmp_path / "lambda.keras"
    model.save(path)
    assert {"config.json", "model.weights.h5", "metadata.json"} <= set(zipfile.ZipFile(path).namelist())
    assert "__lambda__" in zipfile.ZipFile(path).read("config.json").decode()
    with pytest.raises(ValueError, match="safe_mode"):
        keras.models.load_model(path)
    np.testing.assert_allclose(keras.models.load_model(path, safe_mode=False)(np.ones((1, 2))), 2.0)


def test_every_keras_application_is_a_functional_model():
    for build in (keras.applications.MobileNetV2, keras.applications.ResNet50):
        assert isinstance(build(weights=None), keras.Model) and type(build(weights=None)).__name__ == "Functional"


def test_then_and_now_facts():
    import tensorflow as tf

    assert not hasattr(tf, "estimator") and not hasattr(tf, "contrib")
    assert tf.keras.Model is keras.Model and keras.__version__.startswith("3.")
    assert hasattr(keras.optimizers, "AdamW") and hasattr(keras.losses, "BinaryFocalCrossentropy")


def test_from_logits_false_misreads_logits():
    """The notebook's 'classic bug': an untrained model's small logits read as probabilities give a loss far from
    the right one (about ln 10 for ten classes)."""
    logits = np.random.default_rng(0).normal(0.0, 0.15, size=(64, 10)).astype("float32")
    labels = np.arange(64) % 10
    right = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits))
    shifted = logits - logits.max(axis=1, keepdims=True)
    expected = -np.mean(shifted[np.arange(64), labels] - np.log(np.exp(shifted).sum(axis=1)))
    np.testing.assert_allclose(right, expected, rtol=1e-5)
    assert abs(right - np.log(10)) < 0.1
    assert float(keras.losses.SparseCategoricalCrossentropy()(labels, logits)) > 2 * right
