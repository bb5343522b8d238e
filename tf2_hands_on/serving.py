"""A model behind a local HTTP server, with TensorFlow Serving's REST request format.

``serve(endpoints)`` starts a server on 127.0.0.1 (a free port, this machine only) that answers
``POST /v1/models/<name>:predict`` with a body ``{"signature_name": "...", "instances": [...]}``, as TensorFlow
Serving's REST API does. ``endpoints`` maps signature names to functions of one batched input (a loaded
SavedModel's ``.signatures``, say); a single function is served as ``serving_default``. The request's
``signature_name`` picks the function; without one the request goes to ``serving_default``, as in TensorFlow
Serving, and an unknown name gets HTTP 400. Each instance is a nested list of numbers, or ``{"b64": "..."}`` for
bytes (an encoded image, say). The instances become one batch, the function runs on it, and the reply is
``{"predictions": [...]}``, one entry per instance (a dict when the function returns several named outputs). A
request that does not fit the function's input signature gets HTTP 400 and a message, and the server keeps
answering. The server stops when the ``with`` block ends.

``post(url, payload)`` sends a JSON request to it, never through a proxy, and returns ``(status, reply)``.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import json
import re
import threading
import urllib.error
import urllib.request


def _batch(instances, spec):
    import numpy as np
    import tensorflow as tf

    if not isinstance(instances, list) or not instances:
        raise ValueError("'instances' must be a non-empty list")
    if spec is not None and spec.dtype != tf.string and any(isinstance(i, dict) for i in instances):
        raise ValueError(f"this signature takes numbers ({spec.dtype.name}), not {{\"b64\": ...}} bytes: "
                         "is signature_name the one you meant?")
    if spec is not None and spec.dtype == tf.string:
        if not all(isinstance(i, dict) and set(i) == {"b64"} for i in instances):
            raise ValueError('this model takes bytes: send each instance as {"b64": "<base64 text>"}')
        batch = tf.constant([base64.b64decode(i["b64"], validate=True) for i in instances])
    else:
        batch = tf.constant(np.asarray(instances, dtype=spec.dtype.as_numpy_dtype if spec is not None else None))
    # Checked before the call: in TensorFlow 2.21 a tf.function given an input that does not match its signature
    # raises but keeps an internal lock, and the next call from another thread then waits forever.
    if spec is not None and not spec.is_compatible_with(batch):
        raise ValueError(f"expected instances of shape {spec.shape[1:]} and dtype {spec.dtype.name}, "
                         f"got {batch.shape[1:]} {batch.dtype.name}")
    return batch


def _reason(err) -> str:
    """One line saying why a request failed; for a TensorFlow op error, the op's own message, not the traceback."""
    text = re.sub(r"\{\{[^}]*\}\}\s*", "", getattr(err, "message", None) or str(err))
    skip = ("Graph execution error", "Detected at node", "<stack traces", "File ", "[[")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(skip)]
    return f"{type(err).__name__}: {(lines or [''])[0][:300]}"


def _jsonable(value):
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return {"b64": base64.b64encode(value).decode()} if isinstance(value, bytes) else value


def _rows(outputs):
    if not isinstance(outputs, dict):
        outputs = {"output": outputs}
    columns = {key: _jsonable(value.numpy().tolist()) for key, value in outputs.items()}
    if len(columns) == 1:
        return next(iter(columns.values()))
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


def _endpoint(fn):
    """``(input spec or None, call)`` for a function of one input: a tf.function or a SavedModel signature."""
    signature = getattr(fn, "input_signature", None)
    if signature:
        return signature[0], fn
    args, kwargs = getattr(fn, "structured_input_signature", None) or ((), {})
    if not args and len(kwargs) == 1:  # a signature's concrete function takes its one input by name
        (key, spec), = kwargs.items()
        return spec, lambda batch: fn(**{key: batch})
    return None, fn


@contextlib.contextmanager
def serve(endpoints, name: str = "model"):
    """Serve ``endpoints`` ({signature name: function}, or one function = serving_default) until the block ends.

    Yields the predict URL.
    """
    if callable(endpoints):
        endpoints = {"serving_default": endpoints}
    table = {key: _endpoint(fn) for key, fn in endpoints.items()}

    def predict(body):
        if not isinstance(body, dict):
            raise ValueError('send a JSON object: {"signature_name": "...", "instances": [...]}')
        signature_name = body.get("signature_name", "serving_default")
        if signature_name not in table:
            problem = (f"unknown signature_name {signature_name!r}" if "signature_name" in body
                       else "no signature_name given and the model has no serving_default")
            raise ValueError(f"{problem}; send one of: {', '.join(sorted(table))}")
        spec, call = table[signature_name]
        return {"predictions": _rows(call(_batch(body.get("instances"), spec)))}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the name http.server calls)
            try:
                if self.path != f"/v1/models/{name}:predict":
                    raise ValueError(f"unknown path {self.path}; POST to /v1/models/{name}:predict")
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                reply, status = predict(body), 200
            except Exception as err:  # noqa: BLE001 (any bad request gets an answer, the server lives on)
                reply, status = {"error": _reason(err)}, 400
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):  # no line per request in the notebook
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/models/{name}:predict"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # localhost: never through a proxy


def post(url: str, payload) -> tuple[int, dict]:
    """POST ``payload`` as JSON; return the HTTP status and the decoded JSON reply."""
    request = urllib.request.Request(url, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with _OPENER.open(request, timeout=30) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:  # 4xx and 5xx replies arrive as exceptions
        return err.code, json.loads(err.read())
