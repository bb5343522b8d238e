"""Honest timing: warm-up, repeats, median and spread, throughput, peak memory.

Every speed claim in the notebooks is measured on the learner's own device with ``benchmark`` and
shown with ``table``: ratios measured in the same process are the claims, absolute times context.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from dataclasses import dataclass, field

from tf2_hands_on.memory import Sampler


@dataclass
class Timing:
    """The result of one benchmark: seconds per call over ``repeats`` timed calls, and the peak memory in MiB
    (the process and its child processes, as :func:`tf2_hands_on.memory.rss_mib` measures) during them."""

    label: str
    times_s: list[float] = field(repr=False)
    items: float | None = None  # work per call (images, examples, FLOPs...) for throughput
    unit: str = "items"
    peak_rss_mib: float = 0.0

    @property
    def median_s(self) -> float:
        return statistics.median(self.times_s)

    @property
    def spread_pct(self) -> float:
        """(slowest - fastest) / median, in percent: how much to trust the median."""
        return 100 * (max(self.times_s) - min(self.times_s)) / self.median_s if self.median_s else 0.0

    @property
    def throughput(self) -> float | None:
        return self.items / self.median_s if self.items and self.median_s else None


def _wait(result):
    """Wait for an asynchronous result (e.g. a GPU tensor) by fetching it; other values pass through."""
    return result.numpy() if hasattr(result, "numpy") else result


def benchmark(fn, *, label: str, warmup: int = 1, repeats: int = 5, items: float | None = None,
              unit: str = "items", sync=None) -> Timing:
    """Time ``fn()``: ``warmup`` untimed calls (tracing, compilation, caches), then ``repeats`` timed.

    ``sync(result)`` is called inside the timed region to wait for asynchronous work (e.g.
    ``lambda t: t.numpy()`` for a GPU tensor); by default a result with ``.numpy()`` is synced that way.
    Peak memory, in MiB, is the resident memory of this process and its child processes, sampled every 5 ms
    during the timed calls (:class:`tf2_hands_on.memory.Sampler`).
    """
    if repeats < 1 or warmup < 0:
        raise ValueError("benchmark: repeats must be >= 1 and warmup >= 0.")
    return compare({label: fn}, warmup=warmup, repeats=repeats, items=items, unit=unit, sync=sync)[0]


def compare(fns: dict, *, warmup: int = 1, repeats: int = 5, items: float | None = None,
            unit: str = "items", sync=None, memory: bool = True) -> list[Timing]:
    """Time several functions in interleaved rounds (A, B, C, A, B, C, ...), one :class:`Timing` each.

    When a machine's speed drifts (a shared cloud CPU, a laptop that heats up), timing all of A and then
    all of B compares different moments; interleaving lets the drift touch every function alike, so the
    ratios of the medians stay trustworthy. ``fns`` maps each label to a function called with no arguments;
    ``sync`` and the peak memory work as in :func:`benchmark`. ``memory=False`` skips the memory sampler, whose
    thread competes with calls lasting microseconds (``peak_rss_mib`` is then 0).
    """
    if repeats < 1 or warmup < 0 or not fns:
        raise ValueError("compare: give at least one function, repeats >= 1 and warmup >= 0.")
    sync = sync or _wait
    for _ in range(warmup):
        for fn in fns.values():
            sync(fn())
    times: dict[str, list[float]] = {label: [] for label in fns}
    peaks = dict.fromkeys(fns, 0.0)
    sampler = Sampler(interval_s=0.005) if memory else None
    with sampler or contextlib.nullcontext():
        for _ in range(repeats):
            for label, fn in fns.items():
                start = time.perf_counter()
                sync(fn())
                times[label].append(time.perf_counter() - start)
                if sampler is not None:  # the peak since the previous call ended: this call's
                    peaks[label] = max(peaks[label], sampler.window())
    return [Timing(label, times[label], items, unit, peaks[label]) for label in fns]


def _fmt_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def table(timings: list[Timing], baseline: str | None = None) -> str:
    """A small Markdown table; ``speed-up`` is relative to the timing labelled ``baseline`` (the first one by
    default); peak memory is in MiB."""
    if not timings:
        raise ValueError("table: no timings given.")
    base = next((t for t in timings if t.label == baseline), timings[0])
    if baseline is not None and base.label != baseline:
        raise ValueError(f"table: no timing labelled {baseline!r}.")
    rows = ["| what | median | spread | throughput | speed-up | peak RSS |", "|---|---:|---:|---:|---:|---:|"]
    for t in timings:
        thr = f"{t.throughput:,.1f} {t.unit}/s" if t.throughput else "-"
        rows.append(f"| {t.label} | {_fmt_time(t.median_s)} | ±{t.spread_pct / 2:.0f} % | {thr} | "
                    f"{base.median_s / t.median_s:.2f}x | {t.peak_rss_mib:,.0f} MiB |")
    rows.append(f"\n{len(base.times_s)} timed repeats each after warm-up; speed-up vs '{base.label}'.")
    return "\n".join(rows)
