"""Start, watch and always stop the worker processes of a distributed-training demo.

The lesson (``TF_CONFIG``, the strategy, the training script) stays in the notebook and its scripts; this module
only runs processes safely: each worker writes its stdout and stderr to files, the group samples the memory of the
notebook's kernel and its workers together (:mod:`tf2_hands_on.memory`), and every worker is killed when the
``with`` block ends, whether it ended normally, by an exception, or by a timeout. On Linux a worker is also killed
if the kernel itself dies.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tf2_hands_on.memory import Sampler


def script(name: str) -> Path:
    """The path of a program shipped with the package (``scripts/NAME``) that a notebook runs as its own process."""
    path = Path(__file__).resolve().parent / "scripts" / name
    if not path.is_file():
        raise FileNotFoundError(f"the course package has no script {name!r}; reinstall it (python3 tasks.py lab).")
    return path


def free_ports(n: int, host: str = "localhost") -> list[int]:
    """``n`` distinct TCP ports that were free on ``host`` a moment ago (the OS picks them)."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind((host, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def _death_signal_setter():
    """A function for Popen's preexec_fn that makes the child die with its parent (Linux), or None elsewhere.

    The C function is looked up here, in the parent: between fork and exec the child may only call it, since
    loading libraries there could deadlock in a process with many threads (TensorFlow's).
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl, parent = ctypes.CDLL(None).prctl, os.getpid()

    def set_death_signal():
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the kernel's death kills the worker
        if os.getppid() != parent:  # the parent died before the call
            os._exit(1)

    return set_death_signal


class WorkerError(RuntimeError):
    """A worker failed or timed out; the message names it and ends with the tail of its logs."""


class Workers:
    """A group of worker processes, stopped when the ``with`` block ends.

    ``start(name, argv, env)`` launches one; ``events(name)`` reads the JSON lines it printed; ``wait_for`` and
    ``wait`` block with a timeout; ``kill(name)`` stops one abruptly (SIGKILL, as a preempted machine would).
    ``peak_mib`` is the largest memory, in MiB, of the kernel and all its child processes (the workers) together,
    sampled every 50 ms by :class:`tf2_hands_on.memory.Sampler`.
    """

    def __init__(self, log_dir: Path, timeout_s: float = 300.0):
        self.log_dir = Path(log_dir)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.timeout_s = timeout_s
        self.procs: dict[str, subprocess.Popen] = {}
        self._killed: set[str] = set()  # stopped on purpose: their exit is not a failure
        self._started = time.monotonic()
        self._memory = Sampler(interval_s=0.05)

    @property
    def peak_mib(self) -> float:
        return self._memory.peak_mib

    def __enter__(self) -> Workers:
        self._started = time.monotonic()
        self._memory.start()
        return self

    def __exit__(self, *exc) -> None:
        try:
            for name in list(self.procs):
                try:
                    self._terminate(name)
                except OSError:
                    pass  # keep stopping the others
        finally:
            self._memory.__exit__(*exc)  # raises a failure of the sampler unless an exception is in flight

    def path(self, name: str, stream: str = "out") -> Path:
        """The file holding a worker's stdout (``out``) or stderr (``err``)."""
        return self.log_dir / f"{name}.{stream}"

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        """Launch ``argv`` with extra environment variables; its output goes to ``<log_dir>/<name>.out/.err``."""
        if name in self.procs and self.procs[name].poll() is None:
            raise ValueError(f"worker {name!r} is still running: kill or wait for it before starting it again")
        with open(self.path(name), "wb") as out, open(self.path(name, "err"), "wb") as err:
            proc = subprocess.Popen(
                argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
                start_new_session=True, preexec_fn=_death_signal_setter())
        self.procs[name] = proc
        self._killed.discard(name)
        return proc

    def events(self, name: str) -> list[dict]:
        """The JSON objects a worker printed, one per line, in order (other lines are skipped)."""
        found = []
        if self.path(name).exists():
            for line in self.path(name).read_text(errors="replace").splitlines():
                if line.startswith("{"):
                    try:
                        found.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass  # a line cut short by a kill
        return found

    def tail(self, name: str, lines: int = 15) -> str:
        """The last lines of a worker's stdout and stderr, for error messages."""
        parts = []
        for stream in ("out", "err"):
            text = self.path(name, stream).read_text(errors="replace") if self.path(name, stream).exists() else ""
            parts.append(f"--- {name}.{stream} (last {lines} lines) ---\n" + "\n".join(text.splitlines()[-lines:]))
        return "\n".join(parts)

    def _check_failures(self) -> None:
        """Raise, with its logs, if any worker not stopped on purpose has failed; stop the others first."""
        failed = [n for n, p in self.procs.items() if n not in self._killed and p.poll() not in (None, 0)]
        if failed:
            for n in list(self.procs):
                self._terminate(n)
            raise WorkerError(f"worker {failed[0]!r} failed with exit code {self.procs[failed[0]].returncode}; "
                              f"the others were stopped.\n{self.tail(failed[0])}")

    def _check_time(self, what: str) -> None:
        self._check_failures()
        if time.monotonic() - self._started > self.timeout_s:
            running = [n for n, p in self.procs.items() if p.poll() is None]
            raise WorkerError(f"{what} took longer than {self.timeout_s:.0f} s; still running: {running}. "
                              "Raise timeout_s in Parameters on a slow machine.\n"
                              + "\n".join(self.tail(n) for n in running))

    def wait_for(self, name: str, predicate) -> dict:
        """Block until worker ``name`` prints an event for which ``predicate(event)`` is true; return that event."""
        seen = 0
        while True:
            events = self.events(name)
            for event in events[seen:]:
                if predicate(event):
                    return event
            seen = len(events)
            if self.procs[name].poll() is not None:
                raise WorkerError(f"worker {name!r} exited (code {self.procs[name].returncode}) before the awaited "
                                  f"event.\n{self.tail(name)}")
            self._check_time(f"waiting for worker {name!r}")
            time.sleep(0.02)

    def wait(self, *names: str) -> None:
        """Block until the named workers (default: all) exit; raise if any fails, and stop the others."""
        names = names or tuple(self.procs)
        while any(self.procs[n].poll() is None for n in names):
            self._check_time(f"waiting for {', '.join(names)}")
            time.sleep(0.05)
        self._check_failures()

    def kill(self, name: str) -> None:
        """Stop a worker at once with SIGKILL: no cleanup and no last checkpoint, as when a machine is lost."""
        self._killed.add(name)
        self._terminate(name)

    def _terminate(self, name: str) -> None:
        proc = self.procs[name]
        if proc.returncode is None:  # not reaped yet, so its process group id cannot belong to anyone else
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the worker and anything it started
            except (ProcessLookupError, PermissionError, AttributeError):
                if proc.poll() is None:
                    proc.kill()
        proc.wait()
