"""tf2_hands_on.serving: a function behind a local HTTP server, TensorFlow Serving's REST format."""

from __future__ import annotations

import base64

import pytest

from tf2_hands_on import serving

tf = pytest.importorskip("tensorflow")


def test_numbers_and_bytes_in_predictions_out_and_a_bad_request_leaves_the_server_alive():
    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def double(x):
        return {"doubled": x * 2}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def length(raw):
        return {"length": tf.strings.length(raw), "first": tf.strings.substr(raw, 0, 1)}

    with serving.serve(double, name="m") as url:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1/models/m:predict")
        assert serving.post(url, {"instances": [[1, 2], [3, 4]]}) == (200, {"predictions": [[2, 4], [6, 8]]})
        status, reply = serving.post(url, {"instances": [[1, 2, 3]]})  # the wrong shape: refused before the call
        assert status == 400 and "shape" in reply["error"]
        assert serving.post(url, {"instances": [[5, 6]]})[0] == 200  # no lock left behind
        assert serving.post(url.replace(":predict", ":classify"), {"instances": [[1, 2]]})[0] == 400
    with serving.serve(length) as url:
        b64 = base64.b64encode(b"abc").decode()
        status, reply = serving.post(url, {"instances": [{"b64": b64}]})
        assert (status, reply) == (200, {"predictions": [{"length": 3, "first": {"b64": "YQ=="}}]})  # bytes as b64
        assert serving.post(url, {"instances": ["abc"]})[0] == 400  # bytes must come as {"b64": ...}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def decode(png_files):
        return tf.map_fn(lambda png: tf.io.decode_png(png)[0, 0], png_files, fn_output_signature=tf.uint8)

    with serving.serve(decode) as url:  # an op that fails inside the graph: its own message, not a traceback
        status, reply = serving.post(url, {"instances": [{"b64": base64.b64encode(b"not an image").decode()}]})
        assert status == 400 and reply["error"].startswith("InvalidArgumentError: Unknown image file format")
