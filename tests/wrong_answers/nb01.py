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


def _stub_unchanged():
    @tf.function
    def scale(x, factor):
        return x * factor
    return scale


def _reduce_retracing():
    @tf.function(reduce_retracing=True)
    def scale(x, factor):
        return x * factor
    return scale


def _signature(x_spec, factor_spec):
    @tf.function(input_signature=[x_spec, factor_spec])
    def scale(x, factor):
        return x * factor
    return scale


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
    Wrong("01.2", "keeps the plain decorator", _stub_unchanged, ("traced 20 times", "input_signature")),
    Wrong("01.2", "reduce_retracing=True", _reduce_retracing, ("traced 20 times", "reduce_retracing")),
    Wrong("01.2", "fixed length [3]", lambda: _signature(tf.TensorSpec([3], tf.float32), tf.TensorSpec([], tf.float32)),
          ("shape (3,)", "[None]")),
    Wrong("01.2", "factor as int32", lambda: _signature(tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.int32)),
          ("factor", "int32")),
    Wrong("01.2", "factor as a vector",
          lambda: _signature(tf.TensorSpec([None], tf.float32), tf.TensorSpec([None], tf.float32)),
          ("factor", "shape (None,)", "shape=[]")),
    Wrong("01.2", "x as float64",
          lambda: _signature(tf.TensorSpec([None], tf.float64), tf.TensorSpec([], tf.float32)), ("x", "float64")),
    Wrong("01.2", "factor as float64",
          lambda: _signature(tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.float64)), ("factor", "float64")),
    Wrong("01.2", "no tf.function", lambda: lambda x, factor: x * factor, ("not a tf.function",)),
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
