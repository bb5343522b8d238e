"""Plausible wrong answers to notebook 08's exercises (deployment: quantisation, pruning, formats)."""

from __future__ import annotations

import numpy as np

from tests.wrong_answers import Wrong

# 08.1: int8_parameters(low, high) -> (scale, zero_point)


def _no_widening():
    def int8_parameters(low, high):
        scale = (high - low) / 255
        return scale, int(round(-128 - low / scale))
    return int8_parameters


def _by_256():
    def int8_parameters(low, high):
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 256
        return scale, int(round(-128 - low / scale))
    return int8_parameters


def _uint8_zero_point():
    def int8_parameters(low, high):
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 255
        return scale, int(round(-low / scale))
    return int8_parameters


def _numpy_round():
    def int8_parameters(low, high):
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 255
        return scale, np.round(-128 - low / scale)
    return int8_parameters


def _stub_return_left():
    def int8_parameters(low, high):
        # your code here: widen [low, high] to contain 0, then scale = ..., zero_point = ...
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 255
        zero_point = int(round(-128 - low / scale))  # noqa: F841 (the mistake: never returned)
        return None
    return int8_parameters


def _truncated():
    def int8_parameters(low, high):
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 255
        return scale, int(-128 - low / scale)
    return int8_parameters


def _swapped():
    def int8_parameters(low, high):
        low, high = min(low, 0.0), max(high, 0.0)
        scale = (high - low) / 255
        return int(round(-128 - low / scale)), scale
    return int8_parameters


def _symmetric():
    def int8_parameters(low, high):
        return max(abs(low), abs(high)) / 127, 0
    return int8_parameters


# 08.2: global_masks(kernels, sparsity)


def _per_layer():
    def global_masks(kernels, sparsity):
        return [np.abs(k) > np.quantile(np.abs(k), sparsity) for k in kernels]
    return global_masks


def _inverted():
    def global_masks(kernels, sparsity):
        threshold = np.quantile(np.concatenate([np.abs(k).ravel() for k in kernels]), sparsity)
        return [np.abs(k) <= threshold for k in kernels]
    return global_masks


def _signed():
    def global_masks(kernels, sparsity):
        threshold = np.quantile(np.concatenate([k.ravel() for k in kernels]), sparsity)
        return [k > threshold for k in kernels]
    return global_masks


def _float_masks():
    def global_masks(kernels, sparsity):
        threshold = np.quantile(np.concatenate([np.abs(k).ravel() for k in kernels]), sparsity)
        return [np.where(np.abs(k) > threshold, 1.0, 0.0) for k in kernels]
    return global_masks


def _masks_no_return():
    def global_masks(kernels, sparsity):
        threshold = np.quantile(np.concatenate([np.abs(k).ravel() for k in kernels]), sparsity)
        masks = [np.abs(k) > threshold for k in kernels]  # noqa: F841 (the mistake: never returned)
    return global_masks


def _pruned_kernels():
    def global_masks(kernels, sparsity):
        threshold = np.quantile(np.concatenate([np.abs(k).ravel() for k in kernels]), sparsity)
        return [k * (np.abs(k) > threshold) for k in kernels]
    return global_masks


def _percentile_of_a_fraction():
    def global_masks(kernels, sparsity):
        threshold = np.percentile(np.concatenate([np.abs(k).ravel() for k in kernels]), sparsity)
        return [np.abs(k) > threshold for k in kernels]
    return global_masks


def _one_flat_mask():
    def global_masks(kernels, sparsity):
        magnitudes = np.concatenate([np.abs(k).ravel() for k in kernels])
        return magnitudes > np.quantile(magnitudes, sparsity)
    return global_masks


# 08.3: choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy) -> the fastest format within both limits


def _smallest():
    def choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy):
        fits = [n for n in latency_ms if size_kb[n] <= max_kb and accuracy[n] >= min_accuracy]
        return min(fits, key=size_kb.get) if fits else None
    return choose


def _no_size_limit():
    def choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy):
        fits = [n for n in latency_ms if accuracy[n] >= min_accuracy]
        return min(fits, key=latency_ms.get) if fits else None
    return choose


def _no_accuracy_limit():
    def choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy):
        fits = [n for n in latency_ms if size_kb[n] <= max_kb]
        return min(fits, key=latency_ms.get) if fits else None
    return choose


def _strict_limits():
    def choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy):
        fits = [n for n in latency_ms if size_kb[n] < max_kb and accuracy[n] > min_accuracy]
        return min(fits, key=latency_ms.get) if fits else None
    return choose


def _the_latency():
    def choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy):
        fits = [latency_ms[n] for n in latency_ms if size_kb[n] <= max_kb and accuracy[n] >= min_accuracy]
        return min(fits) if fits else None
    return choose


def _fastest_overall_when_nothing_fits():
    def choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy):
        fits = [n for n in latency_ms if size_kb[n] <= max_kb and accuracy[n] >= min_accuracy]
        return min(fits or latency_ms, key=latency_ms.get)
    return choose


def _most_accurate():
    def choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy):
        fits = [n for n in latency_ms if size_kb[n] <= max_kb and accuracy[n] >= min_accuracy]
        return max(fits, key=accuracy.get) if fits else None
    return choose


CORPUS = [
    Wrong("08.1", "range not widened to contain 0", _no_widening, ("[2.0, 6.0]", "widen")),
    Wrong("08.1", "divided by 256", _by_256, ("divide by 255",)),
    Wrong("08.1", "uint8 zero point", _uint8_zero_point, ("uint8", "128")),
    Wrong("08.1", "np.round's float", _numpy_round, ("float64", "int(round(")),
    Wrong("08.1", "stub's return None left", _stub_return_left, ("still", "'return None'")),
    Wrong("08.1", "int() truncates", _truncated, ("int() truncates", "round")),
    Wrong("08.1", "pair swapped", _swapped, ("wrong way round",)),
    Wrong("08.1", "symmetric quantisation", _symmetric, ("symmetric", "255")),
    Wrong("08.2", "per-layer pruning", _per_layer, ("per-layer",)),
    Wrong("08.2", "True where removed", _inverted, ("True means KEEP",)),
    Wrong("08.2", "no np.abs", _signed, ("absolute value",)),
    Wrong("08.2", "float masks", _float_masks, ("float64", "boolean")),
    Wrong("08.2", "no return statement", _masks_no_return, ("no return statement", "'return masks'")),
    Wrong("08.2", "pruned kernels, not masks", _pruned_kernels, ("pruned kernels",)),
    Wrong("08.2", "np.percentile of a fraction", _percentile_of_a_fraction, ("np.percentile", "100")),
    Wrong("08.2", "one flat mask", _one_flat_mask, ("one mask per kernel", "ndarray")),
    Wrong("08.3", "the smallest, not the fastest", _smallest, ("smallest", "lowest latency")),
    Wrong("08.3", "size limit ignored", _no_size_limit, ("over max_kb",)),
    Wrong("08.3", "accuracy limit ignored", _no_accuracy_limit, ("under min_accuracy",)),
    Wrong("08.3", "limits met exactly count as missed", _strict_limits, ("exactly", "<=")),
    Wrong("08.3", "the latency, not the name", _the_latency, ("a number", "name")),
    Wrong("08.3", "something even when nothing fits", _fastest_overall_when_nothing_fits, ("return None",)),
    Wrong("08.3", "the most accurate, not the fastest", _most_accurate, ("most accurate",)),
]
