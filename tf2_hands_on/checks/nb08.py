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


_FORMATS = ("keras", "savedmodel", "litert_float32", "litert_float16", "litert_dynamic", "litert_int8")
_WHAT = {  # what each format is, to say what a wrong choice actually gives
    "keras": "a .keras file that Keras loads, optimizer state included",
    "savedmodel": "a SavedModel folder: a TensorFlow graph, without the Keras optimizer's state",
    "litert_float32": "a LiteRT file of float32 weights, full size",
    "litert_float16": "LiteRT with float16 weights, half the size, float maths",
    "litert_dynamic": "LiteRT with int8 weights but float activations, no calibration data needed",
    "litert_int8": "LiteRT with every tensor in int8, calibrated on a representative dataset",
}
_JOBS = {
    "train it further next week": ("keras", "only the .keras file keeps the architecture and the optimizer's state "
                                   "that training resumes from"),
    "serve it with TensorFlow Serving": ("savedmodel", "TensorFlow Serving loads SavedModel folders (model.export)"),
    "a microcontroller that only does integer arithmetic": ("litert_int8", "integer-only hardware needs every "
                                                            "tensor in int8: full-integer quantisation"),
    "a phone GPU: half the size, still floating-point maths": ("litert_float16", "float16 halves the weights and "
                                                               "GPUs compute in 16-bit floats natively"),
    "a quarter of the size, and no calibration data at hand": ("litert_dynamic", "dynamic-range quantisation stores "
                                                               "int8 weights and needs no representative dataset"),
}


@exercise("08.3")
def _formats(answer):
    """A dict: each job in _JOBS -> the format for it."""
    if not isinstance(answer, dict):
        raise Hint("answer with the dictionary from the answer cell, one format per job")
    missing = [job for job in _JOBS if job not in answer]
    if missing:
        raise Hint(f"keep every job from the answer cell as a key; missing: {missing[0]!r}")
    for job, (right, why) in _JOBS.items():
        got = answer[job]
        if got is None:
            raise Hint(f"{job!r} is still None: fill in a format")
        if isinstance(got, str) and got.startswith("tflite"):
            raise Hint(f"{job!r}: {got!r}: LiteRT is TFLite's new name, and the formats here are spelled "
                       f"'litert_...' ({', '.join(_FORMATS)})")
        if got not in _FORMATS:
            raise Hint(f"{job!r}: {got!r} is not one of {', '.join(_FORMATS)}")
        if got != right:
            raise Hint(f"{job!r}: not {got} ({_WHAT[got]}): {why}")
    return "one model, several files: each deployment gets the format its runtime needs."
