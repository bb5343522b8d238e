"""Checkers for notebook 03's exercises."""

from __future__ import annotations

from tf2_hands_on.exercises import Hint, answer_array, exercise


@exercise("03.1")
def _kl_divergence(answer):
    """``kl_divergence(mean, log_std)``: each image's KL term when the encoder returns log(sigma), shape (N,)."""
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (kl_divergence), not the result of calling it")
    rng = np.random.default_rng(3)
    mean = rng.normal(size=(6, 3)).astype("float32")
    log_std = rng.normal(scale=0.7, size=(6, 3)).astype("float32")
    m, s = mean.astype("float64"), log_std.astype("float64")
    per_number = 0.5 * (np.exp(2 * s) + m**2 - 1 - 2 * s)
    expected = per_number.sum(axis=1)
    got = answer_array(answer(mean, log_std), "kl_divergence(mean, log_std)", answer)
    if got.shape == () and np.isclose(got, expected.sum(), rtol=1e-4):
        raise Hint("that is one number for the whole batch: return one KL term per image, summing over axis=1 only")
    if got.shape == () and np.isclose(got, expected.mean(), rtol=1e-4):
        raise Hint("that is the mean over the images: return one KL term per image, an array of shape (N,)")
    if got.shape == (6, 3):
        raise Hint("that is one value per code number, shape (6, 3): sum over the code numbers (axis=1), since the "
                   "KL divergences of independent numbers add up")
    if got.shape == (3,):
        raise Hint("that sums over the images (axis=0), shape (3,): sum over the code numbers instead, axis=1")
    if got.shape != (6,):
        raise Hint(f"for 6 images with 3 code numbers each the result has shape (6,), not {got.shape}")
    close = lambda value: np.allclose(got, value, rtol=1e-4, atol=1e-5)  # noqa: E731
    if close(per_number.mean(axis=1)):
        raise Hint("that averages over the code numbers: sum them (axis=1), as the VAE class does")
    if close(-expected):
        raise Hint("the values are negative: a KL divergence is never below 0; check the signs")
    if close(2 * expected):
        raise Hint("the values are twice the KL term: the factor 1/2 is missing")
    if close(0.5 * (np.exp(s) + m**2 - 1 - s).sum(axis=1)):
        raise Hint("that is the log-variance formula with log_std in its place: with log_std = log(sigma), "
                   "sigma**2 = exp(2 * log_std) and log(sigma**2) = 2 * log_std")
    if close(0.5 * (np.exp(2 * s) + m**2 - 1 - s).sum(axis=1)):
        raise Hint("sigma**2 = exp(2 * log_std) is right, but the last term is log(sigma**2) = 2 * log_std, "
                   "not log_std")
    if close(0.5 * (np.exp(s) + m**2 - 1 - 2 * s).sum(axis=1)):
        raise Hint("log(sigma**2) = 2 * log_std is right, but sigma**2 = exp(2 * log_std), not exp(log_std)")
    if close(0.5 * (np.exp(2 * s) + m**2 - 2 * s).sum(axis=1)):
        raise Hint("the -1 per code number is missing: with mean 0 and log_std 0 (the standard normal itself) "
                   "the KL term must be 0")
    assert close(expected), "the values differ from the KL divergence of N(mean, sigma**2) from N(0, 1), per image."
    return "the KL term per image, from the log of the standard deviation."


@exercise("03.2")
def _threshold(answer):
    """``pick_threshold(normal_scores, false_positive_rate)``: the threshold above which that fraction lies."""
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (pick_threshold), not the result of calling it")
    scores = np.random.default_rng(4).lognormal(mean=5.5, sigma=0.4, size=2000)  # skewed, like the VAE's scores
    for rate in (0.05, 0.2):
        got = answer_array(answer(scores, rate), f"pick_threshold(scores, {rate})", answer)
        if got.shape != ():
            raise Hint(f"return one number, the threshold, not an array of shape {got.shape}")
        threshold = float(got)
        flagged = float(np.mean(scores > threshold))
        if abs(flagged - rate) <= 0.002:
            continue
        for z in (2.0, 1.645):
            if np.isclose(threshold, scores.mean() + z * scores.std(), rtol=1e-3):
                raise Hint(f"mean + {z:g} standard deviations flags {flagged:.1%}, not {rate:.0%}: that rule holds "
                           "for normally distributed scores, and these are skewed; take a quantile of the scores")
        if flagged == 0.0:
            raise Hint("that threshold flags none of the normal scores (the maximum, say): false_positive_rate of "
                       "them must lie above it")
        if abs(flagged - (1 - rate)) <= 0.002:
            raise Hint(f"that threshold flags {flagged:.1%} of the normal scores, not {rate:.0%}: the "
                       f"{rate:g} quantile has {rate:.0%} below it; take the 1 - false_positive_rate quantile")
        if flagged > 0.98:
            raise Hint(f"that threshold flags {flagged:.1%} of the scores: np.percentile takes percent (0 to 100), "
                       "np.quantile a fraction (0 to 1); do not mix them")
        if rate == 0.2 and abs(flagged - 0.05) <= 0.002:
            raise Hint("for false_positive_rate=0.2 your threshold flags 5 % of the scores: use the argument, "
                       "not a fixed 0.05")
        raise AssertionError(f"pick_threshold(scores, {rate}) = {threshold:.4g} flags {flagged:.1%} of the scores, "
                             f"not {rate:.0%}.")
    return "the threshold above which the given fraction of normal scores lies."
