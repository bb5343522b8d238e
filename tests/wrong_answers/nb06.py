"""Plausible wrong answers to notebook 06's exercises (XLA and mixed precision)."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tests.wrong_answers import Wrong

# 06.1: choose_policy(device)


def _no_fallback():
    def choose_policy(device):
        if device["kind"] == "tpu":
            return "mixed_bfloat16"
        if device["kind"] == "gpu":
            if device["compute_capability"] >= (8, 0):
                return "mixed_bfloat16"
            if device["compute_capability"] >= (7, 0):
                return "mixed_float16"
        if device["kind"] == "cpu" and device.get("amx"):
            return "mixed_bfloat16"
    return choose_policy


def _major_version_only():
    def choose_policy(device):
        if device["kind"] == "tpu" or (device["kind"] == "cpu" and device.get("amx")):
            return "mixed_bfloat16"
        if device["kind"] == "gpu":
            major = device["compute_capability"][0]
            if major >= 8:
                return "mixed_bfloat16"
            if major == 7:
                return "mixed_float16"
        return "float32"
    return choose_policy


def _sixteen_bit_names():
    def choose_policy(device):
        capability = device.get("compute_capability") or (0, 0)
        if device["kind"] == "tpu" or capability >= (8, 0) or device.get("amx"):
            return "bfloat16"
        if capability >= (7, 0):
            return "float16"
        return "float32"
    return choose_policy


def _float16_on_every_gpu():
    def choose_policy(device):
        if device["kind"] == "gpu" and device.get("compute_capability"):
            return "mixed_float16"
        if device["kind"] == "tpu" or device.get("amx"):
            return "mixed_bfloat16"
        return "float32"
    return choose_policy


def _strictly_above_7():
    def choose_policy(device):
        capability = device.get("compute_capability") or (0, 0)
        if device["kind"] == "tpu" or capability >= (8, 0) or device.get("amx"):
            return "mixed_bfloat16"
        if capability > (7, 0):
            return "mixed_float16"
        return "float32"
    return choose_policy


def _amx_key():
    def choose_policy(device):
        capability = device.get("compute_capability") or (0, 0)
        if device["kind"] == "tpu" or capability >= (8, 0):
            return "mixed_bfloat16"
        if capability >= (7, 0):
            return "mixed_float16"
        if device["kind"] == "cpu" and device["amx"]:
            return "mixed_bfloat16"
        return "float32"
    return choose_policy


def _policy_object():
    def choose_policy(device):
        capability = device.get("compute_capability") or (0, 0)
        if device["kind"] == "tpu" or capability >= (8, 0) or device.get("amx"):
            return keras.mixed_precision.Policy("mixed_bfloat16")
        if capability >= (7, 0):
            return keras.mixed_precision.Policy("mixed_float16")
        return keras.mixed_precision.Policy("float32")
    return choose_policy


# 06.2: build_classifier() under mixed_float16, float32 probabilities


def _stub_classifier():
    def build_classifier():
        return keras.Sequential([
            keras.Input((20,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
    return build_classifier


def _softmax_layer_without_dtype():
    def build_classifier():
        return keras.Sequential([
            keras.Input((20,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10),
            keras.layers.Activation("softmax"),
        ])
    return build_classifier


def _cast_after_softmax():
    def build_classifier():
        return keras.Sequential([
            keras.Input((20,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
            keras.layers.Activation("linear", dtype="float32"),
        ])
    return build_classifier


def _every_layer_float32():
    def build_classifier():
        return keras.Sequential([
            keras.Input((20,)),
            keras.layers.Dense(64, activation="relu", dtype="float32"),
            keras.layers.Dense(10, activation="softmax", dtype="float32"),
        ])
    return build_classifier


def _global_policy_changed():
    def build_classifier():
        keras.mixed_precision.set_global_policy("float32")
        return keras.Sequential([
            keras.Input((20,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
    return build_classifier


def _classifier_no_return():
    def build_classifier():
        model = keras.Sequential([  # noqa: F841 (the mistake: never returned)
            keras.Input((20,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10),
            keras.layers.Activation("softmax", dtype="float32"),
        ])
    return build_classifier


def _logits_in_float32():
    def build_classifier():
        return keras.Sequential([
            keras.Input((20,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(10, dtype="float32"),
        ])
    return build_classifier


# 06.3: value_histogram(x), compiled by XLA


def _stub_histogram():
    def value_histogram(x):
        tf.print("values:", tf.shape(x))
        clipped = tf.numpy_function(lambda v: np.clip(v, -1, 1), [x], tf.float32)
        return tf.histogram_fixed_width(clipped, [-1.0, 1.0], nbins=8)
    return value_histogram


def _numpy_function_left():
    def value_histogram(x):
        clipped = tf.numpy_function(lambda v: np.clip(v, -1, 1), [x], tf.float32)
        return tf.histogram_fixed_width(clipped, [-1.0, 1.0], nbins=8)
    return value_histogram


def _np_clip():
    def value_histogram(x):
        bins = np.floor((np.clip(x, -1.0, 1.0) + 1.0) * 4)
        return tf.math.bincount(tf.minimum(tf.cast(bins, tf.int32), 7), minlength=8, maxlength=8)
    return value_histogram


def _numpy_method():
    def value_histogram(x):
        values = np.clip(x.numpy(), -1.0, 1.0)
        bins = np.minimum(np.floor((values + 1.0) * 4).astype(np.int32), 7)
        return tf.constant(np.bincount(bins, minlength=8), tf.int32)
    return value_histogram


def _histogram_op_kept():
    def value_histogram(x):
        return tf.histogram_fixed_width(tf.clip_by_value(x, -1.0, 1.0), [-1.0, 1.0], nbins=8)
    return value_histogram


def _one_in_bin_8():
    def value_histogram(x):
        bins = tf.cast(tf.floor((tf.clip_by_value(x, -1.0, 1.0) + 1.0) * 4), tf.int32)
        return tf.math.bincount(bins, minlength=8, maxlength=8)
    return value_histogram


def _no_clip():
    def value_histogram(x):
        bins = tf.minimum(tf.cast(tf.floor((x + 1.0) * 4), tf.int32), 7)
        return tf.math.bincount(bins, minlength=8, maxlength=8)
    return value_histogram


def _float_counts():
    def value_histogram(x):
        bins = tf.minimum(tf.cast(tf.floor((tf.clip_by_value(x, -1.0, 1.0) + 1.0) * 4), tf.int32), 7)
        return tf.reduce_sum(tf.one_hot(bins, 8), axis=0)
    return value_histogram


CORPUS = [
    Wrong("06.1", "no float32 fallback", _no_fallback, ("(6, 1)", "without reaching a return")),
    Wrong("06.1", "indexes a None capability", _major_version_only,
          ("'compute_capability': None", "TypeError", "None")),
    Wrong("06.1", "'float16' instead of 'mixed_float16'", _sixteen_bit_names, ("'bfloat16'", "mixed_bfloat16")),
    Wrong("06.1", "mixed_float16 on every GPU", _float16_on_every_gpu, ("'mixed_float16'", "(8, 0)", "bfloat16")),
    Wrong("06.1", "capability > (7, 0)", _strictly_above_7, ("(7, 0)", ">= (7, 0)")),
    Wrong("06.1", "device['amx']", _amx_key, ("KeyError", "'amx'", "device.get('amx')")),
    Wrong("06.1", "returns a Policy object", _policy_object, ("Policy", "name")),
    Wrong("06.2", "the stub unchanged", _stub_classifier, ("still float16", "Dense")),
    Wrong("06.2", "softmax layer without dtype", _softmax_layer_without_dtype, ("softmax layer", "dtype='float32'")),
    Wrong("06.2", "cast after the softmax", _cast_after_softmax, ("too late",)),
    Wrong("06.2", "every layer float32", _every_layer_float32, ("hidden layer", "dtype='float32'")),
    Wrong("06.2", "set_global_policy inside", _global_policy_changed, ("set_global_policy",)),
    Wrong("06.2", "no return statement", _classifier_no_return, ("no return statement", "'return model'")),
    Wrong("06.2", "float32 logits, no softmax", _logits_in_float32, ("softmax", "sum to 1")),
    Wrong("06.3", "the stub unchanged", _stub_histogram, ("tf.print",)),
    Wrong("06.3", "numpy_function kept", _numpy_function_left, ("numpy_function", "tf.clip_by_value")),
    Wrong("06.3", "np.clip on a tensor", _np_clip, ("np.clip", "tf.clip_by_value")),
    Wrong("06.3", ".numpy() inside", _numpy_method, (".numpy()",)),
    Wrong("06.3", "histogram_fixed_width kept", _histogram_op_kept, ("histogram_fixed_width", "bincount")),
    Wrong("06.3", "1.0 in a ninth bin", _one_in_bin_8, ("1.0", "tf.minimum")),
    Wrong("06.3", "no clipping", _no_clip, ("outside [-1, 1]", "clip")),
    Wrong("06.3", "float counts from one_hot", _float_counts, ("float32", "int32")),
]
