"""Checkers for notebook 08's exercises."""

from __future__ import annotations

import math

from tf2_hands_on.exercises import Hint, exercise, none_returned, source

# (low, high, scale, zero point): ranges that contain 0, lie above it, lie below it, and the model's input
_RANGES = ((0.0, 1.0, 1 / 255, -128), (-1.0, 1.5, 2.5 / 255, -26), (-2.0, 6.0, 8 / 255, -64), (2.0, 6.0, 6 / 255, -128),
           (-4.0, -1.0, 4 / 255, 127), (-0.3, 5.1, 5.4 / 255, -114))


@exercise("08.1")
def _int8_parameters(answer):
    """``int8_parameters(low, high)`` -> (scale, zero_point) for int8 in -128..127, with 0 exactly representable."""
    if not callable(answer):
        raise Hint("pass the function itself (int8_parameters), not its result")
    for low, high, scale, zero_point in _RANGES:
        got = answer(low, high)
        if got is None:
            raise none_returned(answer, f"int8_parameters({low}, {high})")
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise Hint(f"return a pair: (scale, zero_point); got a {type(got).__name__}")
        got_scale, got_zero = got
        case = f"for [{low}, {high}]"
        if got_scale == zero_point and math.isclose(got_zero, scale):
            raise Hint(f"{case}: the pair is the wrong way round, return (scale, zero_point)")
        if not isinstance(got_zero, int) or isinstance(got_zero, bool):
            raise Hint(f"{case}: zero_point must be a Python int (use int(round(...))), got "
                       f"{type(got_zero).__name__}")
        if math.isclose(got_scale, (high - low) / 255) and not math.isclose(got_scale, scale):
            raise Hint(f"{case}: widen the range to contain 0 first (low = min(low, 0), high = max(high, 0)), "
                       "so that 0.0 maps exactly onto an integer")
        if math.isclose(got_scale, (max(high, 0) - min(low, 0)) / 256):
            raise Hint(f"{case}: 256 values leave 255 steps between the lowest and the highest: divide by 255")
        if math.isclose(got_scale, max(abs(low), abs(high)) / 127):
            raise Hint(f"{case}: that is symmetric quantisation (scale = max|x| / 127, zero point 0), which leaves "
                       "half of the int8 values unused on a range like [0, 1]. Use the whole range: "
                       "scale = (high - low) / 255 and a zero point")
        if not math.isclose(got_scale, scale, rel_tol=1e-6):
            raise Hint(f"{case}: expected a scale of {scale:.6g}, got {got_scale!r}")
        if 0 <= got_zero <= 255 and got_zero - 128 == zero_point:
            raise Hint(f"{case}: {got_zero} is the zero point for uint8 (0..255); int8 runs from -128 to 127, so "
                       "shift it by 128")
        if got_zero == -zero_point and zero_point != 0:
            raise Hint(f"{case}: the sign of the zero point is flipped: real 0 must map to q = zero_point, i.e. "
                       "zero_point = -128 - low / scale")
        exact = -128 - min(low, 0.0) / scale
        if got_zero == int(exact) != zero_point:
            raise Hint(f"{case}: int() truncates toward zero, so {exact:.3f} became {int(exact)}: round first, "
                       "int(round(...))")
        if got_zero != zero_point:
            raise Hint(f"{case}: expected zero_point {zero_point}, got {got_zero}")
    return "real 0 maps exactly onto q = zero_point, so zero padding and ReLU zeros cost no error."


def _kernels():
    import numpy as np

    rng = np.random.default_rng(8)
    # three layers of very different scales: global and per-layer pruning disagree on them
    return [rng.normal(0, 1.0, (40, 30)), rng.normal(0, 0.05, (30, 20)), rng.normal(0, 0.3, (3, 3, 2, 8))]


@exercise("08.2")
def _global_masks(answer):
    """``global_masks(kernels, sparsity)``: keep-masks with one magnitude threshold shared by all kernels."""
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (global_masks), not its result")
    kernels = _kernels()
    magnitudes = np.sort(np.concatenate([np.abs(k).ravel() for k in kernels]))
    for sparsity in (0.8, 0.9, 0.5):
        masks = answer([k.copy() for k in kernels], sparsity)
        if masks is None:
            raise none_returned(answer, f"global_masks(kernels, {sparsity})")
        if not isinstance(masks, list | tuple) or len(masks) != len(kernels):
            got = (f"one {type(masks).__name__} of shape {masks.shape}" if hasattr(masks, "shape") else
                   f"{len(masks)} masks" if isinstance(masks, list | tuple) else f"a {type(masks).__name__}")
            raise Hint(f"return a list with one mask per kernel ({len(kernels)} here), not {got}")
        masks = [np.asarray(m) for m in masks]
        if any(m.shape != k.shape for m, k in zip(masks, kernels, strict=True)):
            raise Hint("each mask must have the shape of its kernel")
        wrong_type = next((m for m in masks if m.dtype != bool), None)
        if wrong_type is not None:
            if all(((m == 0) | (m == k)).all() for m, k in zip(masks, kernels, strict=True)):
                raise Hint("you returned the pruned kernels (k * mask): return the masks themselves, booleans, True "
                           "where a weight is kept")
            raise Hint(f"return boolean masks, not {wrong_type.dtype}: True where a weight is kept (e.g. "
                       "np.abs(k) > threshold)")
        removed_count = sum(int((~m).sum()) for m in masks)
        removed = removed_count / magnitudes.size
        per_layer = all(abs((~m).mean() - sparsity) < 0.01 for m in masks)
        if per_layer:
            raise Hint(f"at sparsity {sparsity} every kernel lost the same fraction: that is per-layer pruning. "
                       "Put all the magnitudes together and find one threshold")
        if abs(removed - (1 - sparsity)) < 0.01 and sparsity != 0.5:
            raise Hint(f"at sparsity {sparsity} you kept {sparsity:.0%} of the weights: True means KEEP, so keep "
                       "the large ones")
        if abs(removed - sparsity / 100) < 0.005 and "percentile" in source(answer):
            raise Hint(f"at sparsity {sparsity} the masks remove {removed:.2%} of the weights: np.percentile takes a "
                       "percentage, from 0 to 100. Pass sparsity * 100, or use np.quantile")
        if abs(removed_count - sparsity * magnitudes.size) > 1:  # rounding either way is fine
            raise Hint(f"at sparsity {sparsity} the masks remove {removed:.3f} of all weights, not {sparsity}")
        kept = np.concatenate([np.abs(k[m]) for m, k in zip(masks, kernels, strict=True)])
        gone = np.concatenate([np.abs(k[~m]) for m, k in zip(masks, kernels, strict=True)])
        if kept.size and gone.size and kept.min() < gone.max():
            raise Hint(f"at sparsity {sparsity} some small weights were kept while larger ones went: remove "
                       "the smallest by absolute value (np.abs), whatever their sign")
    return "one threshold for all: the layer with small weights (the second) loses the most."


# 08.3: (size_kb, accuracy, latency_ms, max_kb, min_accuracy, the right format). Each table separates one mistake:
# the smallest or the most accurate format is not the fastest that fits, limits met exactly count, nothing may fit.
_NAMES = ("keras", "litert_float32", "litert_float16", "litert_dynamic", "litert_int8")
_TABLES = (
    ((2724, 909, 455, 231, 232), (89.1, 89.1, 89.1, 88.7, 88.8), (0.01, 0.05, 0.08, 0.07, 0.06), 300, 88.5,
     "litert_int8"),
    ((2724, 909, 455, 231, 232), (89.1, 89.1, 89.1, 88.7, 88.8), (0.9, 0.05, 0.08, 0.07, 0.06), 300, 88.5,
     "litert_int8"),
    ((2724, 909, 455, 231, 232), (89.1, 89.1, 89.1, 88.9, 88.2), (0.9, 0.05, 0.08, 0.07, 0.06), 300, 88.5,
     "litert_dynamic"),
    ((2724, 909, 455, 231, 232), (89.1, 89.1, 89.1, 88.9, 88.8), (0.9, 0.05, 0.04, 0.07, 0.06), 1000, 88.5,
     "litert_float16"),
    ((2724, 909, 455, 231, 232), (89.1, 89.1, 89.0, 88.9, 88.8), (0.9, 0.05, 0.04, 0.07, 0.06), 455, 89.0,
     "litert_float16"),
    ((2724, 909, 455, 231, 232), (89.1, 89.1, 89.1, 88.9, 88.8), (0.9, 0.05, 0.08, 0.07, 0.06), 200, 80.0, None),
    ((2724, 909, 455, 231, 232), (89.1, 89.1, 89.1, 88.9, 88.8), (0.9, 0.05, 0.08, 0.07, 0.06), 3000, 89.5, None),
)


def _table(sizes, accuracies, latencies):
    return tuple(dict(zip(_NAMES, column, strict=True)) for column in (sizes, accuracies, latencies))


@exercise("08.3")
def _choose(answer):
    """``choose(size_kb, accuracy, latency_ms, max_kb, min_accuracy)``: the fastest format within both limits."""
    if not callable(answer):
        raise Hint("pass the function itself (choose), not its result")
    for sizes, accuracies, latencies, max_kb, min_accuracy, right in _TABLES:
        size_kb, accuracy, latency_ms = _table(sizes, accuracies, latencies)
        got = answer(dict(size_kb), dict(accuracy), dict(latency_ms), max_kb, min_accuracy)
        case = f"with max_kb={max_kb} and min_accuracy={min_accuracy}"
        fits = [n for n in _NAMES if size_kb[n] <= max_kb and accuracy[n] >= min_accuracy]
        if got is None and right is None:
            continue
        if got is None:
            if any(size_kb[n] == max_kb or accuracy[n] == min_accuracy for n in fits):
                raise Hint(f"{case}: {right} meets a limit exactly, and a limit met exactly is met: use <= and >=")
            raise none_returned(answer, f"choose(..., max_kb={max_kb}, min_accuracy={min_accuracy})")
        if isinstance(got, int | float) and not isinstance(got, bool):
            raise Hint(f"{case}: you returned a number ({got}); return the format's name, a key of the dicts")
        if got not in _NAMES:
            raise Hint(f"{case}: {got!r} is not one of the formats: {', '.join(_NAMES)}")
        if right is None:
            what = "the size limit" if size_kb[got] > max_kb else "the accuracy limit"
            raise Hint(f"{case}: no format meets both limits ({got} misses {what}): return None")
        if size_kb[got] > max_kb:
            raise Hint(f"{case}: {got} is {size_kb[got]:,} KB, over max_kb: keep only formats within the size limit")
        if accuracy[got] < min_accuracy:
            raise Hint(f"{case}: {got} reaches {accuracy[got]} %, under min_accuracy: keep only formats that reach it")
        if got != right:
            if got == min(fits, key=size_kb.get):
                raise Hint(f"{case}: {got} is the smallest that fits, but {right} is faster: among the formats "
                           "that fit, pick the lowest latency")
            if got == max(fits, key=accuracy.get):
                raise Hint(f"{case}: {got} is the most accurate that fits, but {right} is faster")
            raise Hint(f"{case}: expected {right}, the fastest of {', '.join(fits)}; got {got}")
    return "filter by the limits, then rank by what you optimise: the decision a deployment makes from its table."
