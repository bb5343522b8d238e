"""Plausible wrong answers to notebook 03's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import keras
import numpy as np

from tests.wrong_answers import Wrong


def _interpolate(fractions, combine=lambda t, a, b: (1 - t) * a + t * b):
    def interpolate(code_a, code_b, steps):
        return combine(fractions(steps), code_a, code_b)
    return interpolate


def _column(steps):
    return np.linspace(0, 1, steps)[:, None]


def _errors(error):
    def reconstruction_errors(model, images):
        return error(np.asarray(model(images)), images)
    return reconstruction_errors


def _keras_loss():
    def reconstruction_errors(model, images):
        return keras.losses.MeanSquaredError()(images, model(images))
    return reconstruction_errors


def _zipped():
    def exact_auc(normal, anomalous):
        return np.mean([a > n for a, n in zip(anomalous, normal)])  # noqa: B905 (the mistake: zip drops the rest)
    return exact_auc


CORPUS = [
    Wrong("03.1", "forgets code_a", lambda: _interpolate(_column, lambda t, a, b: t * b), ("t * code_b",)),
    Wrong("03.1", "starts at code_b", lambda: _interpolate(_column, lambda t, a, b: t * a + (1 - t) * b),
          ("first row is code_b",)),
    Wrong("03.1", "fractions k / steps", lambda: _interpolate(lambda steps: (np.arange(steps) / steps)[:, None]),
          ("k / steps", "last row")),
    Wrong("03.1", "codes as columns", lambda: _interpolate(_column, lambda t, a, b: ((1 - t) * a + t * b).T),
          ("(8, 2)", "steps first")),
    Wrong("03.1", "fractions without [:, None]", lambda: _interpolate(lambda steps: np.linspace(0, 1, steps)),
          ("shape (2,)", "[:, None]")),
    Wrong("03.1", "steps + 1 codes", lambda: _interpolate(lambda steps: np.linspace(0, 1, steps + 1)[:, None]),
          ("(3, 8)",)),
    Wrong("03.1", "leaves out both ends", lambda: _interpolate(lambda steps: np.linspace(0, 1, steps + 2)[1:-1, None]),
          ("both ends",)),
    Wrong("03.2", "one mean for all images", lambda: _errors(lambda r, x: np.mean((r - x) ** 2)), ("one number",)),
    Wrong("03.2", "sum of squares", lambda: _errors(lambda r, x: np.sum((r - x) ** 2, axis=(1, 2))),
          ("sum of squared errors",)),
    Wrong("03.2", "root mean square", lambda: _errors(lambda r, x: np.sqrt(np.mean((r - x) ** 2, axis=(1, 2)))),
          ("root",)),
    Wrong("03.2", "mean absolute error", lambda: _errors(lambda r, x: np.mean(np.abs(r - x), axis=(1, 2))),
          ("absolute",)),
    Wrong("03.2", "forgets to square", lambda: _errors(lambda r, x: np.mean(r - x, axis=(1, 2))),
          ("without squaring",)),
    Wrong("03.2", "averages one axis", lambda: _errors(lambda r, x: np.mean((r - x) ** 2, axis=2)), ("(6, 28)",)),
    Wrong("03.2", "keras MeanSquaredError()", _keras_loss, ("one number",)),
    Wrong("03.3", "normal above anomalous", lambda: lambda n, a: np.mean(np.asarray(n)[:, None] > np.asarray(a)[None, :]),
          ("1 - AUC",)),
    Wrong("03.3", "the matrix of comparisons", lambda: lambda n, a: np.asarray(a)[:, None] > np.asarray(n)[None, :],
          ("(200, 300)",)),
    Wrong("03.3", "compares the means", lambda: lambda n, a: float(np.mean(a) > np.mean(n)), ("returned 1.0",)),
    Wrong("03.3", "a > n position by position", lambda: lambda n, a: np.mean(np.asarray(a) > np.asarray(n)),
          ("position by position", "200", "300")),
    Wrong("03.3", "ties count as higher",
          lambda: lambda n, a: np.mean(np.asarray(a)[:, None] >= np.asarray(n)[None, :]), ("tie",)),
    Wrong("03.3", "counts instead of a fraction",
          lambda: lambda n, a: np.sum(np.asarray(a)[:, None] > np.asarray(n)[None, :]), ("number of pairs",)),
    Wrong("03.3", "zip pairs", _zipped, ("zip",)),
]
