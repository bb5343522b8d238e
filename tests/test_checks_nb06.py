"""Notebook 06's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def choose_policy(device):
    capability = tuple(device.get("compute_capability") or (0, 0))
    kind = device["kind"]
    if kind == "tpu" or (kind == "gpu" and capability >= (8, 0)) or (kind == "cpu" and device.get("amx")):
        return "mixed_bfloat16"
    if kind == "gpu" and capability >= (7, 0):
        return "mixed_float16"
    return "float32"


def test_06_1_choose_policy():
    assert verdict("06.1", choose_policy)
    assert "returned None" in verdict("06.1", lambda d: None).message
    assert "mixed_float16" in verdict("06.1", lambda d: "float16").message
    assert "one of" in verdict("06.1", lambda d: "fp16").message
    assert "TPUs" in verdict("06.1", lambda d: "mixed_float16").message
    always_float16_on_gpu = lambda d: "mixed_float16" if d["kind"] == "gpu" else choose_policy(d)  # noqa: E731
    assert "Ampere" in verdict("06.1", always_float16_on_gpu).message
    only_8_0 = lambda d: "mixed_float16" if d.get("compute_capability") == (9, 0) else choose_policy(d)  # noqa: E731
    assert "H100" in verdict("06.1", only_8_0).message
    strictly_above_7 = lambda d: "float32" if d.get("compute_capability") == (7, 0) else choose_policy(d)  # noqa: E731
    assert "V100" in verdict("06.1", strictly_above_7).message
    mixed_everywhere = lambda d: "mixed_float16" if d["kind"] == "gpu" and d.get("compute_capability") else choose_policy(d)  # noqa: E731
    assert "Ampere" in verdict("06.1", mixed_everywhere).message
    cpu_bf16 = lambda d: "mixed_bfloat16" if d["kind"] == "cpu" else choose_policy(d)  # noqa: E731
    assert "without AMX" in verdict("06.1", cpu_bf16).message
    assert "missing 'amx'" in verdict("06.1", lambda d: "mixed_bfloat16" if d["kind"] == "cpu" and "amx" not in d
                                      else choose_policy(d)).message
    assert "raised KeyError" in verdict("06.1", lambda d: "mixed_bfloat16" if d["kind"] == "cpu" and d["amx"]
                                        else choose_policy(d)).message


def classifier(last_dtype=None, split_softmax=True, hidden_dtype=None):
    def build():
        layers = [keras.Input((20,)), keras.layers.Dense(64, activation="relu", dtype=hidden_dtype)]
        if split_softmax:
            layers += [keras.layers.Dense(10), keras.layers.Activation("softmax", dtype=last_dtype)]
        else:
            layers += [keras.layers.Dense(10, activation="softmax", dtype=last_dtype)]
        return keras.Sequential(layers)
    return build


def test_06_2_float32_output():
    assert verdict("06.2", classifier("float32"))
    assert verdict("06.2", classifier("float32", split_softmax=False))  # the whole last Dense in float32 is fine too
    assert "dtype='float32'" in verdict("06.2", classifier()).message
    assert "hidden layer no longer computes in float16" in verdict("06.2", classifier("float32", hidden_dtype="float32")).message
    assert "not float32" in verdict("06.2", classifier("float32", hidden_dtype="float16")).message
    no_softmax = lambda: keras.Sequential([keras.Input((20,)), keras.layers.Dense(64), keras.layers.Dense(10, dtype="float32")])  # noqa: E731
    assert "sum to 1" in verdict("06.2", no_softmax).message
    cast_after = lambda: keras.Sequential([keras.Input((20,)), keras.layers.Dense(64, activation="relu"),  # noqa: E731
                                           keras.layers.Dense(10, activation="softmax"),
                                           keras.layers.Activation("linear", dtype="float32")])
    assert "too late" in verdict("06.2", cast_after).message
    assert "returned None" in verdict("06.2", lambda: None).message
    assert keras.mixed_precision.global_policy().name == "float32", "the checker restores the policy"


def reference_histogram(x):
    clipped = tf.clip_by_value(x, -1.0, 1.0)
    bins = tf.minimum(tf.cast(tf.floor((clipped + 1.0) / 2.0 * 8), tf.int32), 7)
    return tf.math.bincount(bins, minlength=8, maxlength=8)


def test_06_3_xla_histogram():
    assert verdict("06.3", reference_histogram)
    one_hot = lambda x: tf.reduce_sum(tf.one_hot(tf.minimum(tf.cast(  # noqa: E731
        tf.floor((tf.clip_by_value(x, -1.0, 1.0) + 1) * 4), tf.int32), 7), 8, dtype=tf.int32), axis=0)
    assert verdict("06.3", one_hot)

    def stub(x):
        tf.print("values:", tf.shape(x))
        clipped = tf.numpy_function(lambda v: np.clip(v, -1, 1), [x], tf.float32)
        return tf.histogram_fixed_width(clipped, [-1.0, 1.0], nbins=8)

    assert "tf.print" in verdict("06.3", stub).message  # XLA reports the first unsupported operation it meets

    def without_print(x):
        clipped = tf.numpy_function(lambda v: np.clip(v, -1, 1), [x], tf.float32)
        return tf.histogram_fixed_width(clipped, [-1.0, 1.0], nbins=8)

    assert "numpy_function" in verdict("06.3", without_print).message
    clipped_only = lambda x: tf.histogram_fixed_width(tf.clip_by_value(x, -1.0, 1.0), [-1.0, 1.0], nbins=8)  # noqa: E731
    assert "bincount" in verdict("06.3", clipped_only).message
    no_clip = lambda x: tf.math.bincount(tf.cast(tf.floor((x + 1.0) / 2.0 * 8), tf.int32), minlength=8, maxlength=8)  # noqa: E731
    assert "add up to" in verdict("06.3", no_clip).message
    float_counts = lambda x: tf.cast(reference_histogram(x), tf.float32)  # noqa: E731
    assert "int32" in verdict("06.3", float_counts).message
    four_bins = lambda x: tf.math.bincount(tf.minimum(tf.cast(tf.floor(  # noqa: E731
        (tf.clip_by_value(x, -1.0, 1.0) + 1.0) * 2), tf.int32), 3), minlength=8, maxlength=8)
    assert "expected" in verdict("06.3", four_bins).message
    assert "returned None" in verdict("06.3", lambda x: None).message
