"""Memory, measured one way everywhere: the resident memory of a process and its child processes, in MiB.

One MiB is 2**20 bytes. The run report, the timing helpers and the worker manager all measure with this
module, so their figures can be compared. Child processes count: a kernel that starts a second Python or
training workers takes their memory from the same machine.

How a tree of processes is added up: the memory each process holds privately (heap, arrays, tensors: Linux's
anonymous memory) is summed; file-backed and shared memory (the loaded Python and TensorFlow libraries) is
counted once, the largest process's. The processes of a tree run the same Python and TensorFlow, so their
library pages are the same physical pages, which a plain sum of RSS would count again for each process (about
300 MiB per TensorFlow process). For a single process the figure is exactly its RSS. Where the operating
system does not report shared memory (macOS, Windows) the RSS of the processes is summed.

Importing this module starts nothing; a :class:`Sampler` starts its thread when it is started.
"""

from __future__ import annotations

import os
import sys
import threading
import time

import psutil

MIB = 2**20  # bytes in one MiB, the unit of every memory figure in this package


def _processes(pid: int | None, children: bool, include_root: bool = True) -> list[psutil.Process]:
    """The process ``pid`` (default: this one) and, with ``children``, its live descendants."""
    root = psutil.Process(pid)
    found = [root] if include_root else []
    if children:
        try:
            found += root.children(recursive=True)
        except psutil.NoSuchProcess:
            pass
    return found


def _tree_mib(procs: list[psutil.Process]) -> tuple[float, bool]:
    """The memory of these processes together in MiB (see the module's docstring), and whether all were read."""
    private, shared, complete = 0, 0, True
    for proc in procs:
        try:
            info = proc.memory_info()
        except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
            complete = False  # gone since it was listed (or not ours to read)
            continue
        file_backed = getattr(info, "shared", 0)  # Linux: RssFile + RssShmem; absent elsewhere
        private += info.rss - file_backed
        shared = max(shared, file_backed)
    return (private + shared) / MIB, complete


def rss_mib(pid: int | None = None, children: bool = True) -> float:
    """Resident memory of process ``pid`` (default: this one) in MiB; with ``children``, plus all its live
    descendants, shared library pages counted once. Without children it is the process's RSS / 2**20."""
    return _tree_mib(_processes(pid, children))[0]


def exited_children_peak_mib() -> float:
    """The largest peak RSS, in MiB, of this process's exited and reaped children (and theirs); 0 where unknown.

    A sampler can miss a process's last moments; once the process has exited, the operating system reports its
    exact peak. It is one process's peak, not a tree's sum, and it only grows: compare it before and after.
    """
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return peak / MIB if sys.platform == "darwin" else peak * 1024 / MIB  # bytes on macOS, KiB on Linux


class Sampler:
    """Sample a process tree's memory (as :func:`rss_mib`) in a background thread and keep the peak, in MiB.

        with memory.Sampler(interval_s=0.05) as sampler:
            run_something()
        print(f"peak {sampler.peak_mib:,.0f} MiB")

    ``pid`` is the root process (default: this one); ``children`` adds its live descendants, listed again every
    0.2 s at most; ``include_root=False`` counts the descendants only (a runner measuring the kernels it starts).
    ``on_sample(sampler)``, if given, is called in the sampler's thread after each sample. A failure inside the
    thread is raised by :meth:`stop` (and so at the end of the ``with`` block), never silently lost.
    """

    RESCAN_S = 0.2  # how often the list of descendants is refreshed

    def __init__(self, pid: int | None = None, *, children: bool = True, include_root: bool = True,
                 interval_s: float = 0.05, on_sample=None):
        if interval_s <= 0:
            raise ValueError("Sampler: interval_s must be > 0.")
        self.pid = os.getpid() if pid is None else pid
        self.children, self.include_root = children, include_root
        self.interval_s, self.on_sample = interval_s, on_sample
        self.peak_mib = 0.0
        self._window_mib = 0.0
        self._procs: list[psutil.Process] = []
        self._listed_at = -float("inf")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def _sample_locked(self) -> float:
        if time.monotonic() - self._listed_at >= self.RESCAN_S:
            self._procs = _processes(self.pid, self.children, self.include_root)
            self._listed_at = time.monotonic()
        value, complete = _tree_mib(self._procs)
        if not complete:
            self._listed_at = -float("inf")  # list the processes again next time
        self.peak_mib = max(self.peak_mib, value)
        self._window_mib = max(self._window_mib, value)
        return value

    def sample(self) -> float:
        """Measure the tree now (from any thread), update the peaks and return the figure in MiB."""
        with self._lock:
            return self._sample_locked()

    def window(self) -> float:
        """Take a sample now; return the peak since the previous ``window()`` call (or since :meth:`start`), and
        begin the next window at the current value. Timing uses it to give each timed call its own peak."""
        with self._lock:
            now = self._sample_locked()
            peak, self._window_mib = self._window_mib, now
        return peak

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval_s):
                self.sample()
                if self.on_sample is not None:
                    self.on_sample(self)
        except BaseException as e:  # raised by stop()
            self._error = e

    def start(self) -> Sampler:
        """Take a first sample and start the thread."""
        if self._thread is not None:
            raise RuntimeError("Sampler: already started; create a new one to measure again.")
        self.sample()
        self._thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> float:
        """Stop the thread, take a last sample and return the peak in MiB; raise if the thread failed."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        if self._error is not None:
            raise RuntimeError("the memory sampler failed, so its peak is not a measurement") from self._error
        try:
            self.sample()
        except psutil.NoSuchProcess:  # the root itself has exited
            pass
        return self.peak_mib

    def __enter__(self) -> Sampler:
        return self.start()

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            self.stop()
        except RuntimeError:
            if exc_type is None:  # an exception already in flight matters more
                raise
