"""The browser tests' JupyterLab server (tests/browser.py) is always stopped, with its kernels, even when a step fails.

These need JupyterLab only (requirements.txt), not Chromium, so they also run with -m "not browser".
"""

from __future__ import annotations

import socket

import psutil
import pytest

from tests import browser


@pytest.fixture
def server(tmp_path) -> browser.LabServer:
    """A LabServer for an empty folder, not started yet."""
    site = tmp_path / "site"
    site.mkdir()
    return browser.LabServer(site, tmp_path / "state", tmp_path / "jupyterlab.log")


def port_is_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def kernel_processes(server: browser.LabServer, kernel_id: str) -> list[psutil.Process]:
    """The server's child processes started for the kernel ``kernel_id`` (its connection file names the id)."""
    found = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if any(kernel_id in part for part in child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def test_the_server_and_its_kernel_stop_when_a_step_fails(server):
    with pytest.raises(RuntimeError, match="a step failed"), server:
        kernel = server.api("/api/kernels", method="POST")  # what opening a notebook does
        kernels = kernel_processes(server, kernel["id"])
        assert kernels, f"no process found for kernel {kernel['id']}"
        assert port_is_open(server.port)
        raise RuntimeError("a step failed")
    assert server.process.returncode is not None, "JupyterLab is still running after the failed step"
    assert not port_is_open(server.port), f"something still listens on the server's port {server.port}"
    _, alive = psutil.wait_procs(kernels, timeout=15)
    assert not alive, f"the kernel outlived its server: {[p.pid for p in alive]}"
    # LabServer shuts the kernels down itself before it signals the server (a server killed after its 20 s grace
    # could not do it): the server's log shows the shutdown first.
    log = server.log_path.read_text(encoding="utf-8")
    shutdown, signalled = log.find(f"Kernel shutdown: {kernel['id']}"), log.find("received signal")
    assert shutdown >= 0 and (signalled < 0 or shutdown < signalled), \
        f"LabServer did not shut the kernel down before stopping the server; the server's log:\n{log[-2000:]}"


def test_a_server_that_cannot_start_says_why(server):
    with socket.socket() as taken:  # another program holds the port the server was given
        taken.bind(("127.0.0.1", server.port))
        with pytest.raises(RuntimeError, match=r"JupyterLab exited with code \d+ before it was ready") as failure, \
                server:
            pytest.fail("the server started on a port that was taken")
    assert f"port {server.port} is not available" in str(failure.value), "the error should end with the server's log"
    assert server._log.closed, "the server's log was left open after the failed start"


def test_a_start_that_fails_with_the_server_up_stops_it(server, monkeypatch):
    """A failure after the process started but before the with-block (so __exit__ is never called) stops it too."""
    wait_until_up = browser.LabServer._wait_until_up

    def up_then_fail(self, timeout):
        wait_until_up(self, timeout)
        assert port_is_open(self.port)
        raise RuntimeError("a later start-up step failed")

    monkeypatch.setattr(browser.LabServer, "_wait_until_up", up_then_fail)
    with pytest.raises(RuntimeError, match="a later start-up step failed"), server:
        pytest.fail("the with-block ran although the start failed")
    assert server.process.returncode is not None, "JupyterLab is still running after its start failed"
    assert not port_is_open(server.port), f"something still listens on the server's port {server.port}"
