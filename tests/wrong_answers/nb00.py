"""Plausible wrong answers to notebook 00's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import tensorflow as tf

from tests.wrong_answers import Wrong


def _physical_name():
    def device_for(devices):
        gpus = [d for d in devices if d.device_type == "GPU"]
        return (gpus or devices)[0].name.replace("/device:", "/physical_device:")
    return device_for


def _device_object():
    def device_for(devices):
        gpus = [d for d in devices if d.device_type == "GPU"]
        return (gpus or devices)[0]
    return device_for


def _always_gpu():
    def device_for(devices):
        return "GPU:0"
    return device_for


def _this_machine():
    def device_for(devices):
        return "GPU:0" if tf.config.list_logical_devices("GPU") else "CPU:0"
    return device_for


def _last_device():
    def device_for(devices):
        return devices[-1].name
    return device_for


def _stub_left():
    def device_for(devices):
        name = "GPU:0" if any(d.device_type == "GPU" for d in devices) else "CPU:0"  # noqa: F841
        return None
    return device_for


def _strict_greater():
    def fast_16bit(cc):
        formats = set()
        if cc > (7, 0):
            formats.add("float16")
        if cc > (8, 0):
            formats.add("bfloat16")
        return formats
    return fast_16bit


def _as_text():
    def fast_16bit(cc):
        version = f"{cc[0]}.{cc[1]}"
        formats = set()
        if version >= "7.0":
            formats.add("float16")
        if version >= "8.0":
            formats.add("bfloat16")
        return formats
    return fast_16bit


def _exact_matches():
    def fast_16bit(cc):
        if cc == (7, 0):
            return {"float16"}
        if cc == (8, 0):
            return {"float16", "bfloat16"}
        return set()
    return fast_16bit


def _list():
    def fast_16bit(cc):
        if cc >= (8, 0):
            return ["float16", "bfloat16"]
        return ["float16"] if cc >= (7, 0) else []
    return fast_16bit


def _none_for_old_gpus():
    def fast_16bit(cc):
        if cc >= (8, 0):
            return {"float16", "bfloat16"}
        if cc >= (7, 0):
            return {"float16"}
    return fast_16bit


def _tuple_against_number():
    def fast_16bit(cc):
        formats = set()
        if cc >= 7.0:
            formats.add("float16")
        if cc >= 8.0:
            formats.add("bfloat16")
        return formats
    return fast_16bit


def _only_ampere():
    def fast_16bit(cc):
        formats = {"float16"} if cc >= (7, 0) else set()
        if cc[0] == 8:
            formats.add("bfloat16")
        return formats
    return fast_16bit


CORPUS = [
    Wrong("00.1", "returns a physical device's name", _physical_name, ("'/physical_device:CPU:0'", "logical device")),
    Wrong("00.1", "returns the device object", _device_object, ("device object", "string")),
    Wrong("00.1", "always names the GPU", _always_gpu, ("'GPU:0'", "has no GPU", "soft placement")),
    Wrong("00.1", "looks at this machine, not the argument", _this_machine, ("'CPU:0'", "holds a GPU", "argument")),
    Wrong("00.1", "takes the last device", _last_device, ("'/device:GPU:1'", "first GPU")),
    Wrong("00.1", "leaves the stub's return None", _stub_left, ("returned None", "return None")),
    Wrong("00.2", "compares with >", _strict_greater, ("fast_16bit((7, 0)) returned set()", ">=")),
    Wrong("00.2", "compares version strings", _as_text, ("fast_16bit((12, 0))", "'12.0' < '8.0'")),
    Wrong("00.2", "matches versions exactly", _exact_matches, ("fast_16bit((7, 5)) returned set()", "==")),
    Wrong("00.2", "returns a list", _list, ("returned list",)),
    Wrong("00.2", "returns None for old GPUs", _none_for_old_gpus, ("fast_16bit((6, 1)) returned None", "set()")),
    Wrong("00.2", "compares the tuple with 7.0", _tuple_against_number, ("tuple", "(7, 0)")),
    Wrong("00.2", "bfloat16 only for major 8", _only_ampere, ("fast_16bit((9, 0))", "bfloat16")),
    Wrong("00.3", "counts n³ FLOP", lambda: lambda n, gflops: n**3 / (gflops * 1e9), ("2 FLOP", "2 * n**3")),
    Wrong("00.3", "writes (2 * n) ** 3", lambda: lambda n, gflops: (2 * n) ** 3 / (gflops * 1e9), ("8n³",)),
    Wrong("00.3", "counts 2n² FLOP", lambda: lambda n, gflops: 2 * n**2 / (gflops * 1e9), ("n³ multiply-adds",)),
    Wrong("00.3", "forgets that gflops is in billions", lambda: lambda n, gflops: 2 * n**3 / gflops, ("gflops * 1e9",)),
    Wrong("00.3", "multiplies by 1e9", lambda: lambda n, gflops: 2 * n**3 / gflops * 1e9, ("wrong side",)),
    Wrong("00.3", "inverts the ratio", lambda: lambda n, gflops: gflops * 1e9 / (2 * n**3), ("per second",)),
    Wrong("00.3", "divides with //", lambda: lambda n, gflops: 2 * n**3 // (gflops * 1e9), ("//", "rounds down")),
    Wrong("00.3", "returns milliseconds", lambda: lambda n, gflops: 2e3 * n**3 / (gflops * 1e9), ("milliseconds",)),
]
