"""Plausible wrong answers to notebook 01's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from tests.wrong_answers import Wrong


def _df(expression):
    def df(x):
        return expression(x)
    return df


def _float32_constant():
    def df(x):
        return tf.constant(2.0) * x * tf.sin(x) + x**2 * tf.cos(x)
    return df


def _tape_inside():
    def df(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = x**2 * tf.sin(x)
        return tape.gradient(y, x)
    return df


def _math_module():
    import math

    def df(x):
        return 2 * x * math.sin(x) + x**2 * math.cos(x)
    return df


def _train_step(step_spec=None, batch_spec=None, cast=True, **options):
    signature = None if step_spec is None else [step_spec, batch_spec]

    @tf.function(input_signature=signature, **options)
    def train_step(step, batch):
        learning_rate = 0.1 / (1.0 + (tf.cast(step, tf.float32) if cast else step))
        return learning_rate * tf.reduce_mean(batch, axis=0)
    return train_step


def _wrong_rate():
    @tf.function(input_signature=[tf.TensorSpec([], tf.int32), tf.TensorSpec([None, 3], tf.float32)])
    def train_step(step, batch):
        return 0.1 / (1.0 + tf.cast(step, tf.float32)) * tf.reduce_sum(batch, axis=0)
    return train_step


STEP, ROWS = tf.TensorSpec([], tf.int32), tf.TensorSpec([None, 3], tf.float32)


def _python_loop():
    def pairwise_sq_dists(a, b):
        rows = []
        for i in range(len(a)):
            rows.append(tf.reduce_sum((a[i] - b) ** 2, axis=-1))
        return tf.stack(rows)
    return pairwise_sq_dists


def _numpy_loop():
    def pairwise_sq_dists(a, b):
        a, b = np.asarray(a), np.asarray(b)
        return np.array([[np.sum((ai - bj) ** 2) for bj in b] for ai in a])
    return pairwise_sq_dists


CORPUS = [
    Wrong("01.1", "multiplies the derivatives", lambda: _df(lambda x: 2 * x * tf.cos(x)), ("2x cos(x)",)),
    Wrong("01.1", "keeps only x^2 cos(x)", lambda: _df(lambda x: x**2 * tf.cos(x)), ("x^2 cos(x)", "only half")),
    Wrong("01.1", "subtracts the second term", lambda: _df(lambda x: 2 * x * tf.sin(x) - x**2 * tf.cos(x)),
          ("2x sin(x) - x^2 cos(x)",)),
    Wrong("01.1", "derivative of x^2 as x", lambda: _df(lambda x: x * tf.sin(x) + x**2 * tf.cos(x)),
          ("x sin(x) + x^2 cos(x)", "2x")),
    Wrong("01.1", "returns f itself", lambda: _df(lambda x: x**2 * tf.sin(x)), ("f(x) itself",)),
    Wrong("01.1", "a float32 constant", _float32_constant, ("float64", "float32")),
    Wrong("01.1", "sums the derivative", lambda: _df(lambda x: tf.reduce_sum(2 * x * tf.sin(x) + x**2 * tf.cos(x))),
          ("shape ()",)),
    Wrong("01.1", "differentiates with a tape", _tape_inside, ("uses a tape", "by hand")),
    Wrong("01.1", "math.sin on a tensor", _math_module, ("math.sin", "tf.sin")),
    Wrong("01.2", "keeps the plain decorator", lambda: _train_step(cast=False), ("traced 12 times", "input_signature")),
    Wrong("01.2", "reduce_retracing=True", lambda: _train_step(cast=False, reduce_retracing=True),
          ("traced 12 times", "reduce_retracing")),
    Wrong("01.2", "int step without a cast", lambda: _train_step(STEP, ROWS, cast=False), ("int32 tensor", "tf.cast")),
    Wrong("01.2", "batch fixed at 32 rows", lambda: _train_step(STEP, tf.TensorSpec([32, 3], tf.float32)),
          ("32 rows", "[None, 3]")),
    Wrong("01.2", "batch as a vector", lambda: _train_step(STEP, tf.TensorSpec([None], tf.float32)),
          ("two axes", "[None, 3]")),
    Wrong("01.2", "batch as float64", lambda: _train_step(STEP, tf.TensorSpec([None, 3], tf.float64)),
          ("float64", "float32")),
    Wrong("01.2", "step as a vector", lambda: _train_step(tf.TensorSpec([None], tf.int32), ROWS), ("step", "scalar")),
    Wrong("01.2", "sums the batch", _wrong_rate, ("expected", "reduce_mean"), hint=False),
    Wrong("01.2", "no tf.function", lambda: lambda step, batch: batch, ("not a tf.function",)),
    Wrong("01.3", "does not sum", lambda: lambda a, b: (a[:, None, :] - b[None, :, :]) ** 2, ("5 x 4 x 3",)),
    Wrong("01.3", "distances via tf.norm", lambda: lambda a, b: tf.norm(a[:, None, :] - b[None, :, :], axis=-1),
          ("distances", "square")),
    Wrong("01.3", "Python loop over a", _python_loop, ("uses a Python loop",)),
    Wrong("01.3", "NumPy loops", _numpy_loop, ("uses a Python loop and NumPy",)),
    Wrong("01.3", "a - b without new axes", lambda: lambda a, b: tf.reduce_sum((a - b) ** 2, axis=-1),
          ("a - b", "5 points", "4 points")),
    Wrong("01.3", "new axes swapped", lambda: lambda a, b: tf.reduce_sum((a[None, :, :] - b[:, None, :]) ** 2, axis=-1),
          ("4 x 5",)),
    Wrong("01.3", "forgets to square", lambda: lambda a, b: tf.reduce_sum(a[:, None, :] - b[None, :, :], axis=-1),
          ("without squaring",)),
    Wrong("01.3", "sums over axis 0", lambda: lambda a, b: tf.reduce_sum((a[:, None, :] - b[None, :, :]) ** 2, axis=0),
          ("(4, 3)", "axis")),
]
