"""python3 tasks.py lab: JupyterLab stops when the launcher is told to stop, and leaves nothing running."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from tools import nbtools

ROOT = nbtools.ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.skipif(os.name == "nt", reason="SIGTERM is how POSIX asks a process to stop")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["kill", "terminal closed"])
def test_killing_the_launcher_stops_jupyterlab(tmp_path, signum):
    port = _free_port()
    env = {**os.environ, "TUTORIAL_VENV": sys.prefix, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    env.pop("TF_CPP_MIN_LOG_LEVEL", None)
    log, server = tmp_path / "lab.log", []
    with open(log, "w") as out:  # a file, not a pipe: a full pipe would block the server
        launcher = subprocess.Popen([sys.executable, "tasks.py", "lab", "--no-browser", f"--port={port}",
                                     "--ServerApp.port_retries=0", "--IdentityProvider.token=t", "--ip=127.0.0.1"],
                                    cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300  # the first call may install requirements.txt into the venv
        while not _listening(port):
            assert launcher.poll() is None, f"tasks.py lab exited early:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, "JupyterLab did not start within 300 s"
            time.sleep(0.5)
        server = psutil.Process(launcher.pid).children(recursive=True)
        assert server, "JupyterLab runs as the launcher's child"
        assert all(p.environ().get("TF_CPP_MIN_LOG_LEVEL") == "2" for p in server)  # kernels inherit it: quiet TF
        launcher.send_signal(signum)
        launcher.wait(timeout=60)
        assert "To stop it, press Ctrl-C" in log.read_text()
        gone, alive = psutil.wait_procs(server, timeout=30)
        assert not alive, f"still running after the launcher stopped: {[p.cmdline() for p in alive]}"
        assert not _listening(port), f"port {port} still answers"
    finally:  # whatever happened, nothing of this test is left running
        if launcher.poll() is None:
            server += psutil.Process(launcher.pid).children(recursive=True)
            launcher.kill()
        launcher.wait(timeout=30)
        for process in server:
            if process.is_running():
                process.kill()
