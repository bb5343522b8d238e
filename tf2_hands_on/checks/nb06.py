"""Checkers for notebook 06's exercises."""

from __future__ import annotations

import re

from tf2_hands_on.exercises import Hint, answer_array, exercise, none_returned, source

_POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")

# (device, expected policy, the hint for a wrong answer on it)
_DEVICES = (
    ({"kind": "tpu"}, "mixed_bfloat16", "TPUs compute in bfloat16 natively: use mixed_bfloat16 there"),
    ({"kind": "gpu", "compute_capability": (8, 0)}, "mixed_bfloat16",
     "an Ampere GPU (compute capability 8.0, e.g. A100) has bfloat16 Tensor Cores: prefer mixed_bfloat16, no loss scaling"),
    ({"kind": "gpu", "compute_capability": (9, 0)}, "mixed_bfloat16",
     "compare the whole compute capability tuple, e.g. capability >= (8, 0): an H100 is (9, 0)"),
    ({"kind": "gpu", "compute_capability": (7, 5)}, "mixed_float16",
     "a T4 (compute capability 7.5) has float16 Tensor Cores but no fast bfloat16: use mixed_float16"),
    ({"kind": "gpu", "compute_capability": (7, 0)}, "mixed_float16",
     "a V100 (compute capability 7.0) has float16 Tensor Cores: use mixed_float16 (>= (7, 0), not > (7, 0))"),
    ({"kind": "gpu", "compute_capability": (6, 1)}, "float32",
     "GPUs before compute capability 7.0 have no Tensor Cores: 16-bit brings little or no speed-up there, "
     "use float32"),
    ({"kind": "gpu", "compute_capability": None}, "float32",
     "an unknown compute capability (None) means no Tensor Cores you can count on: use float32"),
    ({"kind": "cpu", "amx": True}, "mixed_bfloat16", "a CPU with AMX multiplies bfloat16 matrices fast: mixed_bfloat16"),
    ({"kind": "cpu", "amx": False}, "float32",
     "a CPU without AMX computes 16-bit numbers no faster (often slower, as this notebook measured): float32"),
    ({"kind": "cpu"}, "float32", "a missing 'amx' key means no AMX: use device.get('amx') and return float32"),
)


def _crash_hint(device: dict, error: Exception) -> str:
    """What to change when choose_policy raised on ``device``: a key it may lack, or a capability of None."""
    if isinstance(error, KeyError):
        return f"Not every device has the key {error}: use device.get({error})"
    if "compute_capability" in device and device["compute_capability"] is None:
        return ("compute_capability can be None (unknown): treat it as no Tensor Cores, e.g. "
                "capability = device.get('compute_capability') or (0, 0)")
    return "Compare the compute capability as a whole tuple, e.g. capability >= (8, 0)"


@exercise("06.1")
def _choose_policy(answer):
    """``choose_policy(device)``: bfloat16 where it is fast, float16 on Tensor Cores 7.x, float32 elsewhere."""
    if not callable(answer):
        raise Hint("pass the function itself (choose_policy), not the result of calling it")
    for device, expected, hint in _DEVICES:
        try:
            got = answer(dict(device))
        except (KeyError, TypeError, IndexError) as e:
            raise Hint(f"choose_policy({device}) raised {type(e).__name__}: {e}. {_crash_hint(device, e)}") from None
        if got is None:
            raise none_returned(answer, f"choose_policy({device})")
        if not isinstance(got, str) and getattr(got, "name", None) in _POLICIES:
            raise Hint(f"choose_policy({device}) returned a {type(got).__name__} object: return its name, the "
                       f"string {got.name!r}")
        if got in ("float16", "bfloat16"):
            raise Hint(f"'{got}' is a policy that stores the variables in 16 bits too; "
                       f"mixed precision is 'mixed_{got}'")
        if got not in _POLICIES:
            raise Hint(f"return one of {', '.join(repr(p) for p in _POLICIES)}; got {got!r} for {device}")
        if got != expected:
            raise Hint(f"for {device} you chose {got!r}: {hint}")
    return "every device gets the policy that is fastest on it."


@exercise("06.2")
def _float32_output(answer):
    """``build_classifier()`` under mixed_float16: float16 hidden layer, float32 softmax probabilities."""
    import keras
    import numpy as np

    if not callable(answer):
        raise Hint("pass the function itself (build_classifier), not a model")
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = answer()
    finally:
        keras.mixed_precision.set_global_policy(previous)
    if model is None:
        raise none_returned(answer, "build_classifier()")
    if not isinstance(model, keras.Model):
        raise Hint(f"build_classifier must return a Keras model, not a {type(model).__name__}")
    x = np.random.default_rng(0).normal(size=(4, *model.inputs[0].shape[1:])).astype("float32") * 3
    out = model(x)
    softmax = [layer for layer in model.layers if getattr(layer, "activation", None) is keras.activations.softmax
               or isinstance(layer, keras.layers.Softmax)]
    if keras.backend.standardize_dtype(out.dtype) != "float32":
        if softmax and not softmax[-1].weights:
            raise Hint(f"your softmax layer '{softmax[-1].name}' still computes in "
                       f"{softmax[-1].compute_dtype}, the global policy: give it dtype='float32'")
        last = f"your last layer, a {type(model.layers[-1]).__name__}," if model.layers else "the model"
        raise Hint(f"the output is still {keras.backend.standardize_dtype(out.dtype)}: {last} follows the global "
                   "policy. Give the softmax its own layer with dtype='float32', e.g. "
                   "keras.layers.Activation('softmax', dtype='float32')")
    if softmax and softmax[-1].compute_dtype != "float32":
        raise Hint("the softmax itself still computes in float16; casting its output afterwards is too late, the "
                   "small probabilities are already rounded to zero. Give the softmax layer dtype='float32'")
    sums = np.asarray(out).sum(axis=-1)
    if out.shape[-1] != 10 or not np.allclose(sums, 1, atol=1e-4) or (np.asarray(out) < 0).any():
        raise Hint("the output must still be 10 probabilities that sum to 1: keep the softmax")
    hidden = next((layer for layer in model.layers if layer.weights), None)
    if hidden is None or hidden.compute_dtype != "float16":
        if "set_global_policy" in source(answer):
            raise Hint("build_classifier calls set_global_policy, which changes the policy of every layer built "
                       "after it, the hidden one too (and of the rest of the notebook): leave the global policy "
                       "alone and give only the softmax dtype='float32'")
        if hidden is not None and hidden.dtype_policy.name == "float32":
            raise Hint(f"the hidden layer no longer computes in float16: '{hidden.name}' has dtype='float32'. Leave "
                       "its dtype to the global policy and set dtype='float32' only on the final softmax")
        raise Hint("the hidden layer no longer computes in float16: build the model under the global policy and set "
                   "dtype='float32' only on the final softmax")
    if any(w.dtype != "float32" for layer in model.layers for w in layer.weights):
        raise Hint("some variables are not float32: use the mixed_float16 policy, not a float16 one")
    return "the hidden layer computes in float16 and the probabilities come out in float32."


def _reference_histogram(x):
    import tensorflow as tf

    return tf.histogram_fixed_width(tf.clip_by_value(x, -1.0, 1.0), [-1.0, 1.0], nbins=8).numpy()


_CULPRITS = (
    (("PrintV2", "StringFormat"), "tf.print formats a string, which XLA cannot compile: delete it"),
    (("PyFunc", "EagerPyFunc"), "tf.numpy_function runs Python, which XLA cannot compile: use tf.clip_by_value"),
    (("HistogramFixedWidth",), "tf.histogram_fixed_width has no XLA version: compute each value's bin number "
                               "(an int32 from 0 to 7) and count them with tf.math.bincount(bins, minlength=8, "
                               "maxlength=8)"),
)


_TF_FOR_NP = {"clip": "tf.clip_by_value", "floor": "tf.floor", "minimum": "tf.minimum", "bincount": "tf.math.bincount",
              "histogram": "tf.math.bincount"}


def _numpy_in_graph_hint(function) -> str:
    """The hint for NumPy used on the traced tensor, naming the NumPy calls (or .numpy()) the source makes."""
    code = source(function)
    if ".numpy()" in code:
        return ("x.numpy() works only eagerly: while XLA compiles value_histogram, x is a symbolic tensor with no "
                "values yet. Compute with TensorFlow operations instead (tf.clip_by_value, tf.floor, tf.math.bincount)")
    names = list(dict.fromkeys(re.findall(r"\bnp\.(\w+)\(", code)))
    swaps = ", ".join(f"np.{n} -> {_TF_FOR_NP[n]}" for n in names if n in _TF_FOR_NP)
    return (f"value_histogram calls {', '.join(f'np.{n}' for n in names) or 'NumPy'} on x, but while XLA compiles "
            "it, x is a symbolic tensor with no values yet: use TensorFlow operations"
            + (f" ({swaps})" if swaps else ""))


@exercise("06.3")
def _xla_histogram(answer):
    """``value_histogram(x)``: the 8-bin histogram of x clipped to [-1, 1], compilable with jit_compile=True."""
    import numpy as np
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (value_histogram), not the result of calling it")
    compiled = tf.function(answer, jit_compile=True)
    rng = np.random.default_rng(6)
    inputs = [np.array([-2.0, -1.0, -0.75, -0.5, 0.0, 0.2499, 0.25, 0.9999, 1.0, 3.0], "float32"),
              (rng.normal(size=1000) * 0.8).astype("float32"), rng.uniform(-1, 1, 4096).astype("float32")]
    for x in inputs:
        try:
            result = compiled(tf.constant(x))
        except tf.errors.InvalidArgumentError as error:
            message = str(error)
            if "compile-time constant" in message:  # e.g. bincount without maxlength: its size depends on the values
                what = "tf.math.bincount without maxlength" if "bincount" in source(answer) else "an operation here"
                raise Hint(f"{what}: a size XLA must know when it compiles depends on the values. Fix "
                           "it: tf.math.bincount(bins, minlength=8, maxlength=8)") from None
            if "unsupported operations" not in message:
                raise
            found = [hint for ops, hint in _CULPRITS if any(op in message for op in ops)]
            others = message.split("JIT: ")[-1].split(" (")[0]
            raise Hint("; ".join(found) if found else f"XLA cannot compile these operations: {others}") from None
        except (NotImplementedError, AttributeError) as error:  # NumPy on a symbolic tensor, or its .numpy()
            if "numpy" not in str(error).lower():
                raise
            raise Hint(_numpy_in_graph_hint(answer)) from None
        if result is not None and getattr(result, "dtype", None) not in (None, tf.int32):
            raise Hint(f"return the counts as int32 (tf.cast(..., tf.int32)); got {result.dtype.name}")
        counts = answer_array(result, "value_histogram(x)", answer)
        expected = _reference_histogram(x)
        if counts.shape != (8,):
            raise Hint(f"return 8 counts, one per bin; got shape {counts.shape}")
        if counts.sum() != len(x):
            lost = len(x) - int(counts.sum())
            if lost == (x >= 1).sum():
                raise Hint(f"the counts add up to {counts.sum():.0f} for {len(x)} values: the {lost} value(s) of 1.0 "
                           "or more (after clipping, 1.0) get bin number (1 + 1) * 4 = 8, past the last bin, and "
                           "bincount drops them. Cap the bin numbers with tf.minimum(bins, 7)")
            if lost in ((x < -1).sum(), ((x < -1) | (x >= 1)).sum()):
                raise Hint(f"the counts add up to {counts.sum():.0f} for {len(x)} values: values outside [-1, 1] get "
                           "bin numbers outside 0..7, which bincount drops. Clip to [-1, 1] first (tf.clip_by_value)")
            raise Hint(f"the counts add up to {counts.sum():.0f} for {len(x)} values: every value belongs to one "
                       "bin (clip first, and put 1.0 in the last bin)")
        if not (counts == expected).all():
            raise Hint(f"for {np.round(x[:10], 4).tolist()}{'...' if len(x) > 10 else ''} the counts are "
                       f"{counts.astype(int).tolist()}, expected {expected.tolist()}: bin i holds values from "
                       "-1 + i/4 up to (not including) -1 + (i+1)/4; clip to [-1, 1] first")
    return "the same histogram, compiled by XLA."
