"""Plausible wrong answers to notebook 00's exercises (see tests/wrong_answers/__init__.py)."""

from __future__ import annotations

import tensorflow as tf

from tests.wrong_answers import Wrong

X = tf.range(1, 257, dtype=tf.float32)
W = tf.fill([256], 0.1)


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
    Wrong("00.1", "sums X without W", lambda: tf.reduce_sum(X), ("32896", "W = 0.1")),
    Wrong("00.1", "multiplies without summing", lambda: X * W, ("256 numbers", "sum")),
    Wrong("00.1", "tensordot with axes=0", lambda: tf.tensordot(X, W, axes=0), ("(256, 256)", "axes=0")),
    Wrong("00.1", "X from tf.range(256)", lambda: tf.tensordot(tf.range(256, dtype=tf.float32), W, axes=1),
          ("3264", "256")),
    Wrong("00.1", "mean instead of sum", lambda: tf.reduce_mean(X * W), ("12.85", "mean")),
    Wrong("00.1", "computes in float16", lambda: tf.tensordot(tf.cast(X, tf.float16), tf.cast(W, tf.float16), axes=1),
          ("float16",)),
    Wrong("00.2", "compares with >", _strict_greater, ("fast_16bit((7, 0)) returned set()", ">=")),
    Wrong("00.2", "compares version strings", _as_text, ("fast_16bit((12, 0))", "'12.0' < '8.0'")),
    Wrong("00.2", "matches versions exactly", _exact_matches, ("fast_16bit((7, 5)) returned set()", "==")),
    Wrong("00.2", "returns a list", _list, ("returned list",)),
    Wrong("00.2", "returns None for old GPUs", _none_for_old_gpus, ("fast_16bit((6, 1)) returned None", "set()")),
    Wrong("00.2", "compares the tuple with 7.0", _tuple_against_number, ("tuple", "(7, 0)")),
    Wrong("00.2", "bfloat16 only for major 8", _only_ampere, ("fast_16bit((9, 0))", "bfloat16")),
]
