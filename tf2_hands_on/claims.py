"""Figures about this machine, held against the course's goals: a verdict for a learner, a failure for the tests.

A notebook computes its figures (a speed-up, a time, a memory peak, an accuracy after N epochs) in ordinary
variables and prints them as a learner would. Its last cell, collapsed on every platform, hands them over::

    claims.review("05", globals())

``review`` prints one line per figure: the value, the goal, and when it is off, the likely reason. It never raises
for a learner. Under the test suite (``TUTORIAL_STRICT=1``, which the tests set, never a learner) a missed goal
fails, naming the notebook, the figure and the goal. Every figure is also recorded for the run report.

A figure may also be a list of measurements (one per model, say): the worst of them is held against the goal.
The goals live in one table, ``GOALS`` below: read it as the course's promises about speed, memory and accuracy.
``RECORDED`` lists the figures the run report keeps without a goal (accuracies, sizes, times for the instructors'
tables). A notebook never calls the report itself: it keeps its figures in variables, and ``review`` records them.
A dict records one figure per key (``accuracy = {"float32": 0.91}`` records ``accuracy_float32``).
"""

from __future__ import annotations

import math
import numbers
import operator
import os
import re
from dataclasses import dataclass

from tf2_hands_on import profiles, report

STRICT_ENV = "TUTORIAL_STRICT"

# notebook | figure (a variable of the notebook) | goal | profiles | devices | the likely reason when it is missed
# devices: "any", "cpu" (no GPU), "gpu", "2+ cores" (2 or more CPU cores for this process).
GOALS = """
| 01 | graph_speedup | > 1 | smoke, default | any | another program was using the CPU during the timing |
| 01 | matmul_large_vs_small | > 1 | smoke, default | any | another program was using the CPU during the timing |
| 02 | test_accuracy | > 0.5 | smoke | any | the data or the model is wrong: even one short epoch is far above chance (10 %) |
| 02 | test_accuracy | >= 0.9 | default | any | fewer epochs or training images than the default profile's |
| 02 | first_epoch_slowdown | > 1 | smoke, default | any | another program was using the CPU during a later epoch |
| 02 | same_accuracy | > 0.8 | default | any | fewer pairs or epochs than the default profile's |
| 02 | restored_vs_best | > 0.999 | smoke, default | any | the early-stopping callback kept other weights than the best epoch's |
| 02 | restored_vs_best | < 1.001 | smoke, default | any | the early-stopping callback kept other weights than the best epoch's |
| 03 | held_out_is_most_anomalous | >= 1 | default | any | fewer epochs or training images than the default profile's |
| 04 | frozen_step_saving | >= 0.1 | smoke, default | any | another program was using the CPU during the timing |
| 05 | tfds_seconds | < 30 | smoke, default | any | something is trying the network: check a proxy or firewall |
| 05 | shuffle_buffer_vs_elements | > 0.9 | smoke, default | any | other memory was freed or taken while the buffer filled |
| 05 | shuffle_buffer_vs_elements | < 1.4 | smoke, default | any | other memory was freed or taken while the buffer filled |
| 05 | vectorized_map_speedup | >= 5 | smoke, default | any | another program was using the CPU during the timing |
| 05 | first_ready_position | >= 1 | smoke, default | 2+ cores | another program is using the CPU, so the parallel calls ran one after another |
| 05 | cache_replay_speedup | > 3 | smoke, default | any | a slow or busy disk, or another program using the CPU |
| 05 | parallel_map_speedup | >= 1.6 | smoke, default | 2+ cores | another program is using the CPU (with 1 CPU a parallel map cannot help) |
| 05 | optimised_idle_fraction | <= 0.1 | smoke, default | 2+ cores | another program is using the CPU (with 1 CPU preparing data competes with training) |
| 05 | optimised_vs_naive_speedup | >= 2.5 | smoke, default | 2+ cores | another program is using the CPU (with 1 CPU there is no parallelism to gain) |
| 05 | stream_growth_vs_data | < 0.1 | smoke, default | any | another program changed this machine's memory during the measurement |
| 05 | slice_vs_array | > 0.9 | smoke, default | any | TensorFlow freed other buffers while the slice was loaded |
| 06 | first_step_slowdowns | > 1 | smoke, default | any | another program was using the CPU during a later step |
| 06 | fusion_speedup | >= 2 | smoke, default | any | another program was using the CPU during the timing |
| 07 | peak_memory_mib | < 1800 | smoke, default | cpu | other kernels or programs share this machine's memory |
| 08 | litert_vs_keras_latency | < 1 | smoke, default | any | another program was using the CPU during the timing |
| 08 | compiled_vs_eager_latency | < 1 | smoke, default | any | another program was using the CPU during the timing |
| 09 | fit_exit_delay_s | < 5 | smoke, default | any | TensorFlow's input-pipeline autotuner was slow to stop (README, notebook 09) |
"""

# notebook | figure (a variable of the notebook; a dict gives one figure per key) | unit
RECORDED = """
| 00 | checks | |
| 00 | cpu_cores | |
| 00 | ram_gb | GiB |
| 00 | gpu_count | |
| 00 | matmul_gflops | GFLOP/s |
| 00 | xla_ok | |
| 00 | datasets_available | |
| 01 | pytorch_ran | |
| 01 | epoch_seconds | s |
| 01 | matmul_peak_gflops | GFLOP/s |
| 02 | functional_test_accuracy | |
| 02 | tiny_accuracy | |
| 02 | best_epoch | |
| 03 | val_mse_dense | |
| 03 | val_mse_denoising | |
| 03 | val_mse_conv | |
| 03 | anomaly_auc | |
| 03 | anomaly_auc_in_domain | |
| 04 | imagenet_weights_available | |
| 04 | cats_dogs_val_accuracy_head | |
| 04 | cats_dogs_val_accuracy_finetuned | |
| 04 | table_means | |
| 04 | seconds_to_target | s |
| 05 | teardown_s | s |
| 05 | speedup_naive | x |
| 05 | speedup_default | x |
| 05 | idle | |
| 05 | stream_peak_rss_growth_mb | MB |
| 05 | generator_side_effect | x |
| 06 | accuracy | |
| 06 | delta | points |
| 06 | cnn_speed | steps/s |
| 06 | transformer_speed | steps/s |
| 07 | n_replicas | |
| 07 | mirrored_max_rel_loss_diff | |
| 07 | steps_per_s | steps/s |
| 07 | mw_memory_mib | MiB |
| 07 | resumed_from_epoch | |
| 07 | epochs_lost_after_kill | |
| 07 | restored_at | |
| 08 | litert_difference | |
| 08 | calibrated_accuracy | % |
| 08 | size_kb | KB |
| 08 | accuracy | % |
| 08 | latency_ms | ms |
| 08 | int8_size_ratio | x |
| 08 | int8_accuracy_drop | points |
| 08 | pruning | |
| 08 | http_ms | ms |
| 09 | bigram_loss | nats/char |
| 09 | xla_step_speedup | x |
| 09 | val_loss | nats/char |
| 09 | train_tokens_per_s | tokens/s |
| 09 | known | fraction |
"""

_OPS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


@dataclass(frozen=True)
class Goal:
    notebook: str
    figure: str
    op: str
    target: float
    profiles: tuple[str, ...]
    devices: str
    reason: str

    def __str__(self) -> str:
        return f"{self.op} {self.target:g}"


@dataclass(frozen=True)
class Result:
    goal: Goal
    value: float | None  # None: the notebook has no such variable
    applies: bool  # the goal holds for this profile and device
    met: bool

    @property
    def line(self) -> str:
        shown = "missing" if self.value is None else f"{self.value:,.3g}"
        if not self.applies:
            verdict = "not a goal on this machine or profile"
        elif self.met:
            verdict = "as expected"
        else:
            verdict = f"below the usual; likely cause: {self.goal.reason}"
        return f"| {self.goal.figure} | {shown} | {self.goal} | {verdict} |"


def goals(notebook: str | None = None, table: str = GOALS) -> list[Goal]:
    """The goals table, parsed (for one notebook when ``notebook`` is given)."""
    parsed = []
    for row in table.strip().splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        nb, figure, goal, profile_list, devices, reason = cells
        op, target = goal.split()
        if op not in _OPS or devices not in ("any", "cpu", "gpu", "2+ cores"):
            raise ValueError(f"claims.GOALS: cannot read the row {row!r}")
        parsed.append(Goal(nb, figure, op, float(target), tuple(p.strip() for p in profile_list.split(",")),
                           devices, reason))
    return [g for g in parsed if notebook is None or g.notebook == notebook]


def recorded(notebook: str | None = None, table: str = RECORDED) -> list[tuple[str, str, str]]:
    """The record-only table, parsed: (notebook, figure, unit) rows."""
    rows = []
    for row in table.strip().splitlines():
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if len(cells) != 3 or not re.fullmatch(r"\d\d", cells[0]) or not report.NAME.match(cells[1]):
            raise ValueError(f"claims.RECORDED: cannot read the row {row!r}")
        rows.append(tuple(cells))
    return [r for r in rows if notebook is None or r[0] == notebook]


def _slug(key) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(key).lower()).strip("_") or "value"


def flatten(figure: str, value) -> dict[str, float]:
    """A variable as report figures: a number as itself, a dict (nested too) as one figure per key, a bool as 0/1."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            out.update(flatten(f"{figure}_{_slug(key)}", item))
        return out
    if isinstance(value, bool):
        return {figure: float(value)}
    if isinstance(value, numbers.Real) and math.isfinite(float(value)):
        return {figure: float(value)}
    return {}


def _device_kind() -> tuple[bool, int]:
    """(a GPU is visible, CPU cores this process may use), without importing TensorFlow when it is not loaded."""
    from tf2_hands_on import environment

    import sys

    has_gpu = False
    if "tensorflow" in sys.modules:
        has_gpu = bool(sys.modules["tensorflow"].config.list_physical_devices("GPU"))
    return has_gpu, environment.cpu_cores()


def _applies(goal: Goal, profile: str, has_gpu: bool, cores: int) -> bool:
    if profile not in goal.profiles:
        return False
    return {"any": True, "cpu": not has_gpu, "gpu": has_gpu, "2+ cores": cores >= 2}[goal.devices]


def review(notebook: str, variables: dict) -> None:
    """A notebook's last cell: hold its figures (its ``globals()``) against the goals, print the table, record
    every figure; in strict mode (``$TUTORIAL_STRICT=1``, set by the tests) fail on a missed goal. Returns nothing,
    so the cell shows the table alone."""
    hold(notebook, variables)


def hold(notebook: str, variables: dict, *, table: str = GOALS, recorded_table: str = RECORDED,
         strict: bool | None = None) -> list[Result]:
    """What :func:`review` does, returning each goal's result (for the tests, and for other tables and modes)."""
    strict = os.environ.get(STRICT_ENV) == "1" if strict is None else strict
    profile = profiles.active()
    has_gpu, cores = _device_kind()
    results = []
    for goal in goals(notebook, table):
        value = variables.get(goal.figure)
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, numbers.Real) for v in value):
            value = (min if goal.op in (">", ">=") else max)(value)  # a figure measured several times: its worst
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
            value = None
        applies = _applies(goal, profile, has_gpu, cores)
        met = value is not None and _OPS[goal.op](float(value), goal.target)
        results.append(Result(goal, None if value is None else float(value), applies, met))
        if value is not None:
            report.record(goal.figure, float(value))
    unknown = []  # a recorded figure the notebook no longer has (None means: not measured in this run)
    for _, figure, unit in recorded(notebook, recorded_table):
        if figure not in variables:
            unknown.append(figure)
        for name, value in flatten(figure, variables.get(figure)).items():
            report.record(name, value, unit)
    if unknown and strict:
        raise AssertionError(f"notebook {notebook}: claims.RECORDED names {', '.join(unknown)}, which the notebook "
                             "does not define; rename the row or the variable")
    device = f"{'GPU' if has_gpu else 'CPU'}, {cores} core{'s' if cores != 1 else ''}"
    if not results:
        print(f"Notebook {notebook} sets no goals for figures about this machine ({device}): nothing to hold.")
        return results
    print(f"This run's figures (notebook {notebook}, {profile} profile, {device}):\n")
    print("| figure | this run | the course's goal | verdict |\n|---|---:|---|---|")
    print("\n".join(r.line for r in results))
    missed = [r for r in results if r.applies and not r.met]
    if missed and strict:
        raise AssertionError("; ".join(f"notebook {notebook}: {r.goal.figure} = "
                                       f"{'missing' if r.value is None else f'{r.value:.4g}'}, goal {r.goal} "
                                       f"({profile} profile)" for r in missed))
    if not missed:
        print("\nEvery figure is where the course expects it.")
    return results
