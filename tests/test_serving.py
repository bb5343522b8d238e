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


def test_signature_name_picks_the_signature_and_a_missing_one_means_serving_default(tmp_path):
    class Model(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="x")])
        def double(self, x):
            return {"doubled": x * 2}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="raw")])
        def length(self, raw):
            return {"length": tf.strings.length(raw)}

    model = Model()  # saved as ExportArchive.write_out does: the first endpoint is also serving_default
    signatures = {"serving_default": model.double, "double": model.double, "length": model.length}
    tf.saved_model.save(model, str(tmp_path), signatures=signatures)
    b64 = {"b64": base64.b64encode(b"abc").decode()}
    with serving.serve(tf.saved_model.load(str(tmp_path)).signatures, name="m") as url:
        assert serving.post(url, {"signature_name": "length", "instances": [b64]}) == (200, {"predictions": [3]})
        assert serving.post(url, {"signature_name": "double", "instances": [[1, 2]]}) == (200, {"predictions": [[2, 4]]})
        assert serving.post(url, {"instances": [[1, 2]]}) == (200, {"predictions": [[2, 4]]})  # serving_default
        status, reply = serving.post(url, {"instances": [b64]})  # bytes sent to serving_default, which takes numbers
        assert status == 400 and "signature_name" in reply["error"]
        status, reply = serving.post(url, {"signature_name": "lenght", "instances": [b64]})
        assert status == 400 and "unknown signature_name 'lenght'" in reply["error"] and "length" in reply["error"]
    with serving.serve({"length": model.length}) as url:  # no serving_default: a request must name its signature
        status, reply = serving.post(url, {"instances": [b64]})
        assert status == 400 and "no signature_name given" in reply["error"]
        assert serving.post(url, {"signature_name": "length", "instances": [b64]}) == (200, {"predictions": [3]})
