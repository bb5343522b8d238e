"""Plausible wrong answers to notebook 03's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import numpy as np

from tests.wrong_answers import Wrong


def _kl(per_number, reduce=lambda terms: np.sum(terms, axis=1)):
    def kl_divergence(mean, log_std):
        return reduce(per_number(np.asarray(mean), np.asarray(log_std)))
    return kl_divergence


def _right(m, s):
    return 0.5 * (np.exp(2 * s) + m**2 - 1 - 2 * s)


def _sorted_index():
    def pick_threshold(normal_scores, false_positive_rate):
        return sorted(normal_scores)[int(false_positive_rate * len(normal_scores))]
    return pick_threshold


CORPUS = [
    Wrong("03.1", "the log-variance formula unchanged", lambda: _kl(lambda m, s: 0.5 * (np.exp(s) + m**2 - 1 - s)),
          ("log-variance formula", "exp(2 * log_std)")),
    Wrong("03.1", "log(sigma**2) = log_std", lambda: _kl(lambda m, s: 0.5 * (np.exp(2 * s) + m**2 - 1 - s)),
          ("2 * log_std",)),
    Wrong("03.1", "sigma**2 = exp(log_std)", lambda: _kl(lambda m, s: 0.5 * (np.exp(s) + m**2 - 1 - 2 * s)),
          ("not exp(log_std)",)),
    Wrong("03.1", "no sum over the code numbers", lambda: _kl(_right, lambda t: t), ("(6, 3)", "axis=1")),
    Wrong("03.1", "sums over the images", lambda: _kl(_right, lambda t: np.sum(t, axis=0)), ("axis=0",)),
    Wrong("03.1", "sums everything", lambda: _kl(_right, np.sum), ("whole batch",)),
    Wrong("03.1", "mean over the code numbers", lambda: _kl(_right, lambda t: np.mean(t, axis=1)),
          ("averages over the code numbers",)),
    Wrong("03.1", "without the 1/2", lambda: _kl(lambda m, s: 2 * _right(m, s)), ("1/2",)),
    Wrong("03.1", "the sign flipped", lambda: _kl(lambda m, s: -_right(m, s)), ("never below 0",)),
    Wrong("03.1", "forgets the -1", lambda: _kl(lambda m, s: 0.5 * (np.exp(2 * s) + m**2 - 2 * s)), ("-1",)),
    Wrong("03.2", "the rate's own quantile", lambda: lambda scores, rate: np.quantile(scores, rate),
          ("1 - false_positive_rate",)),
    Wrong("03.2", "np.percentile with a fraction", lambda: lambda scores, rate: np.percentile(scores, 1 - rate),
          ("percent",)),
    Wrong("03.2", "the maximum", lambda: lambda scores, rate: np.max(scores), ("none of the normal scores",)),
    Wrong("03.2", "mean + 2 std", lambda: lambda scores, rate: np.mean(scores) + 2 * np.std(scores), ("skewed",)),
    Wrong("03.2", "a fixed 5 %", lambda: lambda scores, rate: np.quantile(scores, 0.95), ("fixed 0.05",)),
    Wrong("03.2", "sorted index from the bottom", _sorted_index, ("1 - false_positive_rate",)),
    Wrong("03.2", "one threshold per score", lambda: lambda scores, rate: scores * (1 - rate), ("one number",)),
]
