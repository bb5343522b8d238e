"""Checkers for notebook 00's exercises."""

from __future__ import annotations

import math

from tf2_hands_on.exercises import Hint, exercise


def _listed(devices) -> str:
    return "[" + ", ".join(d.name for d in devices) + "]"


def _placement_name(answer, devices) -> str:
    """What ``device_for(devices)`` returned, as a device name ``tf.device`` can read (or a Hint saying why not)."""
    import tensorflow as tf

    from tf2_hands_on.exercises import none_returned

    what = f"device_for({_listed(devices)})"
    got = answer(list(devices))
    if got is None:
        raise none_returned(answer, what)
    if isinstance(got, tf.DeviceSpec):
        got = got.to_string()
    if hasattr(got, "device_type") and hasattr(got, "name"):
        raise Hint(f"{what} returned the device object {got!r}: tf.device takes a name, a string such as 'GPU:0'")
    if not isinstance(got, str):
        raise Hint(f"{what} returned {type(got).__name__} {got!r}: return a device name, a string such as 'GPU:0'")
    if "physical_device" in got:
        raise Hint(f"{what} returned {got!r}, a physical device's name: tf.device cannot read it (ValueError: "
                   "Unknown attribute 'physical_device'). Return the .name of an entry of the list you are given, "
                   "a logical device such as '/device:GPU:0'")
    try:
        spec = tf.DeviceSpec.from_string(got)
    except (ValueError, TypeError) as e:
        raise Hint(f"{what} returned {got!r}, which tf.device cannot read ({e}); write a name such as 'GPU:0'") from None
    if spec.device_type is None:
        raise Hint(f"{what} returned {got!r}, which names no device type: write a name such as 'GPU:0' or 'CPU:0'")
    return got


@exercise("00.1")
def _device_for(answer):
    """``device_for(devices)`` -> the name to give ``tf.device`` for the first GPU among ``devices`` (logical
    devices, as ``tf.config.list_logical_devices()`` returns them), else the CPU."""
    import tensorflow as tf

    if not callable(answer):
        raise Hint("pass the function itself (device_for), not the result of calling it")
    cpu = tf.config.LogicalDevice(name="/device:CPU:0", device_type="CPU")
    gpu0 = tf.config.LogicalDevice(name="/device:GPU:0", device_type="GPU")
    gpu1 = tf.config.LogicalDevice(name="/device:GPU:1", device_type="GPU")
    for devices, expected in (([cpu], "CPU"), ([cpu, gpu0], "GPU"), ([cpu, gpu0, gpu1], "GPU")):
        got = _placement_name(answer, devices)
        spec, said = tf.DeviceSpec.from_string(got), f"device_for({_listed(devices)}) returned {got!r}"
        if spec.device_type.upper() != expected and expected == "GPU":
            raise Hint(f"{said}, though that list holds a GPU, far faster at matrix multiplication. Choose from the "
                       "argument devices (the CPU is always listed first), not from this machine's own devices")
        if spec.device_type.upper() != expected:
            raise Hint(f"{said}, but that list has no GPU. tf.device would run the work on the CPU anyway (soft "
                       "placement, as the cell that reads .device shows), and the name would mislead: name the CPU")
        if spec.device_index not in (None, 0):
            raise Hint(f"{said}: take the first {expected}, '{expected}:0', whatever comes after it in the list")
    here = _placement_name(answer, tf.config.list_logical_devices())
    with tf.device(here):
        placed = tf.matmul(tf.ones([2, 2]), tf.ones([2, 2]))
    return f"on this machine device_for(...) gives {here!r}, and a matmul placed there ran on {placed.device}."


def _shown(formats) -> str:
    return "{" + ", ".join(repr(f) for f in sorted(formats)) + "}" if formats else "set()"


@exercise("00.2")
def _fast_16bit(answer):
    """``fast_16bit(cc)`` -> the set of 16-bit types a GPU of compute capability cc=(major, minor) speeds up."""
    if not callable(answer):
        raise Hint("pass the function itself (fast_16bit), not the result of calling it")
    cases = {(6, 1): set(), (7, 0): {"float16"}, (7, 5): {"float16"}, (8, 0): {"float16", "bfloat16"},
             (8, 6): {"float16", "bfloat16"}, (9, 0): {"float16", "bfloat16"}, (12, 0): {"float16", "bfloat16"}}

    def call(cc):
        try:
            return answer(cc)
        except TypeError as e:
            raise Hint(f"fast_16bit({cc}) raised TypeError ({e}): cc is a tuple (major, minor); compare it with a "
                       "tuple, cc >= (7, 0), or use cc[0] and cc[1]") from None

    for cc, expected in cases.items():
        got = call(cc)
        if got is None:
            raise Hint(f"fast_16bit({cc}) returned None: every path must return a set; return set() when no "
                       "16-bit format is fast")
        if not isinstance(got, (set, frozenset)):
            raise Hint(f"fast_16bit({cc}) returned {type(got).__name__} {got!r}; return a set such as {{'float16'}}")
        got = set(got)
        if got == expected:
            continue
        said = f"fast_16bit({cc}) returned {_shown(got)}"
        if cc == (12, 0) and call((8, 0)) == cases[(8, 0)]:
            raise Hint(f"{said} while 8.0 worked: compared as text, '12.0' < '8.0'; compare tuples such as "
                       "cc >= (8, 0), or numbers")
        if cc == (7, 0) and not got:
            raise Hint(f"{said}: 7.0 itself (V100) has float16 Tensor Cores: use >= rather than >")
        if cc in ((7, 5), (8, 6)) and call((7, 0)) == cases[(7, 0)] and call((8, 0)) == cases[(8, 0)]:
            raise Hint(f"{said}, yet 7.0 and 8.0 work: a newer GPU keeps the formats of the older ones; "
                       "compare with >= rather than ==")
        if cc >= (8, 0) and "bfloat16" not in got:
            raise Hint(f"{said}: bfloat16 Tensor Cores arrived with 8.0 and stayed: newer GPUs have them too")
        raise AssertionError(f"{said}, expected {_shown(expected)}.")
    return "float16 from compute capability 7.0 (Volta), bfloat16 from 8.0 (Ampere)."


@exercise("00.3")
def _matmul_seconds(answer):
    """``matmul_seconds(n, gflops)`` -> the least time for an n x n by n x n float32 matmul at ``gflops`` GFLOP/s."""
    import numpy as np

    from tf2_hands_on.exercises import none_returned

    if not callable(answer):
        raise Hint("pass the function itself (matmul_seconds), not the result of calling it")
    for n, gflops in ((2048, 200.0), (4096, 8100.0), (1000, 1.0), (300, 50.0)):
        what = f"matmul_seconds({n}, {gflops:g})"
        got = answer(n, gflops)
        if got is None:
            raise none_returned(answer, what)
        try:
            got = float(np.asarray(got.numpy() if hasattr(got, "numpy") else got, dtype=np.float64))
        except (TypeError, ValueError):
            raise Hint(f"{what} returned {type(got).__name__} {got!r}: return one number of seconds") from None
        expected = 2 * n**3 / (gflops * 1e9)
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        said = f"{what} returned {got:.4g} s, expected {expected:.4g} s"
        for factor, why in (
            (0.5, "n x n by n x n is n³ multiply-adds, and each is 2 FLOP (a multiply and an add): 2 * n**3"),
            (4.0, "(2 * n) ** 3 is 8n³: write 2 * n**3 (** binds tighter than *)"),
            (1 / n, "each of the n² outputs sums n products: n³ multiply-adds, 2n³ FLOP, not 2n²"),
            (1e9, "gflops counts billions of FLOP per second: divide the FLOP by gflops * 1e9"),
            (1e18, "1e9 is on the wrong side: seconds = FLOP / (gflops * 1e9)"),
            (1e3, "that is milliseconds: return seconds"),
        ):
            if math.isclose(got, expected * factor, rel_tol=1e-6):
                raise Hint(f"{said}: {why}")
        if math.isclose(got * expected, 1.0, rel_tol=1e-6):
            raise Hint(f"{said}: that is multiplications per second; seconds = FLOP / (FLOP per second)")
        if got == math.floor(expected) != expected:
            raise Hint(f"{said}: // rounds down to a whole number; divide with /")
        raise AssertionError(f"{said} (2n³ FLOP at gflops billion FLOP per second).")
    t4 = 2 * 4096**3 / 8100e9
    return (f"seconds = 2n³ / (gflops x 1e9): at least {1e3 * t4:.0f} ms for n = 4096 on a T4 (8,100 GFLOP/s). "
            "It is a floor: moving data and launching the work add to it, most of all for small n.")
