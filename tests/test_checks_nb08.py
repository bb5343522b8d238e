"""Notebook 08's exercise checkers: reference answers pass, the common mistakes get their hint."""

from __future__ import annotations

import numpy as np

from tf2_hands_on import exercises


def verdict(exercise_id, answer):
    return exercises.check(exercise_id, answer, quiet=True)


def int8_parameters(low, high):
    low, high = min(low, 0.0), max(high, 0.0)
    scale = (high - low) / 255
    return scale, int(round(-128 - low / scale))


def test_08_1_int8_parameters():
    assert verdict("08.1", int8_parameters)

    def in_float32_rounding_half_away(low, high):  # TFLite's own arithmetic: float32 and std::round
        low, high = np.float32(min(low, 0.0)), np.float32(max(high, 0.0))
        scale = (high - low) / np.float32(255)
        value = np.float32(-128) - low / scale
        return float(scale), int(np.sign(value) * np.floor(abs(value) + 0.5))

    assert verdict("08.1", in_float32_rounding_half_away)
    assert verdict("08.1", lambda lo, hi: tuple(np.asarray(int8_parameters(lo, hi), dtype=object)))  # a tuple is a tuple
    assert "returned None" in verdict("08.1", lambda lo, hi: None).message
    assert "a pair" in verdict("08.1", lambda lo, hi: (hi - lo) / 255).message
    as_float = lambda lo, hi: (int8_parameters(lo, hi)[0], float(int8_parameters(lo, hi)[1]))  # noqa: E731
    assert "must be a Python int" in verdict("08.1", as_float).message
    no_widening = lambda lo, hi: ((hi - lo) / 255, int(round(-128 - lo / ((hi - lo) / 255))))  # noqa: E731
    assert "widen the range" in verdict("08.1", no_widening).message
    by_256 = lambda lo, hi: ((max(hi, 0) - min(lo, 0)) / 256, 0)  # noqa: E731
    assert "divide by 255" in verdict("08.1", by_256).message
    uint8 = lambda lo, hi: (int8_parameters(lo, hi)[0], int8_parameters(lo, hi)[1] + 128)  # noqa: E731
    assert "uint8" in verdict("08.1", uint8).message
    flipped = lambda lo, hi: (int8_parameters(lo, hi)[0], -int8_parameters(lo, hi)[1])  # noqa: E731
    assert "sign of the zero point" in verdict("08.1", flipped).message
    off_by_one = lambda lo, hi: (int8_parameters(lo, hi)[0], int8_parameters(lo, hi)[1] + 1)  # noqa: E731
    assert "expected zero_point" in verdict("08.1", off_by_one).message
    assert "pass the function itself" in verdict("08.1", int8_parameters(0, 1)).message


def global_masks(kernels, sparsity):
    magnitudes = np.concatenate([np.abs(k).ravel() for k in kernels])
    cut = int(round(sparsity * magnitudes.size))
    threshold = np.partition(magnitudes, cut - 1)[cut - 1]
    return [np.abs(k) > threshold for k in kernels]


def per_layer_masks(kernels, sparsity):
    return [np.abs(k) > np.quantile(np.abs(k), sparsity) for k in kernels]


def test_08_2_global_masks():
    assert verdict("08.2", global_masks)
    assert "returned None" in verdict("08.2", lambda k, s: None).message
    assert "one mask per kernel" in verdict("08.2", lambda k, s: global_masks(k, s)[:2]).message
    assert "shape of its kernel" in verdict("08.2", lambda k, s: [m.ravel() for m in global_masks(k, s)]).message
    assert "boolean masks" in verdict("08.2", lambda k, s: [m.astype("float32") for m in global_masks(k, s)]).message
    assert "per-layer pruning" in verdict("08.2", per_layer_masks).message
    assert "True means KEEP" in verdict("08.2", lambda k, s: [~m for m in global_masks(k, s)]).message
    too_few = lambda k, s: global_masks(k, s / 2)  # noqa: E731
    assert "remove" in verdict("08.2", too_few).message and "of all weights" in verdict("08.2", too_few).message

    def signed(kernels, sparsity):  # forgets np.abs: removes the most negative weights
        values = np.concatenate([k.ravel() for k in kernels])
        threshold = np.sort(values)[int(round(sparsity * values.size)) - 1]
        return [k > threshold for k in kernels]

    assert "absolute value" in verdict("08.2", signed).message

    def with_quantile(kernels, sparsity):  # np.quantile interpolates: one weight more or less than round() is fine
        threshold = np.quantile(np.concatenate([np.abs(k).ravel() for k in kernels]), sparsity)
        return [np.abs(k) > threshold for k in kernels]

    def with_floor(kernels, sparsity):
        magnitudes = np.sort(np.concatenate([np.abs(k).ravel() for k in kernels]))
        threshold = magnitudes[int(sparsity * magnitudes.size) - 1]
        return [np.abs(k) > threshold for k in kernels]

    assert verdict("08.2", with_quantile) and verdict("08.2", with_floor)


def choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy):
    fits = [name for name in latency_ms if size_kb[name] <= max_kb and accuracy[name] >= min_accuracy]
    return min(fits, key=latency_ms.get) if fits else None


def test_08_3_choose():
    assert verdict("08.3", choose)

    def by_sorting(size_kb, accuracy, latency_ms, max_kb, min_accuracy):  # another right way
        for name in sorted(latency_ms, key=latency_ms.get):
            if size_kb[name] <= max_kb and accuracy[name] >= min_accuracy:
                return name
        return None

    assert verdict("08.3", by_sorting)
    assert "pass the function itself" in verdict("08.3", "litert_int8").message
    assert "returned None" in verdict("08.3", lambda *args: None).message
    assert "is not one of the formats" in verdict("08.3", lambda *args: "tflite_int8").message
    smallest = lambda s, a, t, kb, acc: min([n for n in t if s[n] <= kb and a[n] >= acc] or [None], key=s.get)  # noqa: E731
    assert "lowest latency" in verdict("08.3", smallest).message
