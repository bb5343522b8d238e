"""Small test helpers: a loopback HTTP server for the download tests, and notebook building."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from contextlib import contextmanager


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, bytes] = {}
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.hits.append(self.path)
        body = self.routes.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def serve(routes: dict[str, bytes]):
    """Serve ``routes`` (path -> bytes) on 127.0.0.1; yields (base_url, hits)."""
    handler = type("Handler", (_Handler,), {"routes": routes, "hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler.hits
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def silent_server():
    """A loopback socket that accepts connections and never answers (a black-holed network)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused at once, like an offline machine)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}"


def notebook(*cells: tuple[str, str, list[str]]) -> str:
    """A minimal notebook from (cell_type, source, tags) triples, as JSON text."""
    nb_cells = []
    for i, (kind, src, tags) in enumerate(cells):
        cell = {"cell_type": kind, "id": f"c{i}", "metadata": {"tags": tags}, "source": src}
        if kind == "code":
            cell.update(outputs=[], execution_count=None)
        nb_cells.append(cell)
    return json.dumps({"cells": nb_cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                       "language": "python"}}, "nbformat": 4, "nbformat_minor": 5})
