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
| 03 | anomaly_auc | >= 0.9 | default | any | fewer epochs or training images than the default profile's |
| 03 | anomaly_auc | >= 0.7 | smoke | any | the VAE or its score is wrong: even one short epoch separates bags from clothes |
| 04 | frozen_step_saving | >= 0.1 | smoke, default | any | another program was using the CPU during the timing |
| 04 | cats_dogs_val_accuracy_head | >= 0.9 | default | any | the ImageNet weights did not load, or fewer epochs or images than the default profile's |
| 04 | cats_dogs_val_accuracy_finetuned | >= 0.9 | default | any | a learning rate or fine_tune_at that undoes what the base learned on ImageNet |
| 05 | vectorized_map_speedup | >= 5 | smoke, default | any | another program was using the CPU during the timing |
| 05 | optimised_vs_naive_speedup | >= 2 | smoke, default | 2+ cores | another program was using the CPU during the timing (with 1 CPU, decoding competes with the simulated step) |
| 05 | stream_growth_vs_data | < 0.25 | smoke, default | any | another program changed this machine's memory during the measurement |
| 06 | fusion_speedup | >= 2 | smoke, default | any | another program was using the CPU during the timing |
| 06 | accuracy_gap_points | <= 1 | default | any | fewer epochs or training images than the default profile's |
| 07 | weights_max_abs_diff | < 1e-5 | smoke, default | any | the replicas did not start from the same weights or batches: run the notebook from the top |
| 07 | mw_first_epoch_rel_diff | < 1e-5 | smoke, default | any | the workers did not start from the same weights or batches as the one-device run: run the notebook from the top |
| 07 | epochs_lost_after_kill | <= 0 | smoke, default | any | the restarted run did not find the backup: a slow or full disk in the scratch folder |
| 07 | peak_memory_mib | < 1800 | smoke, default | cpu | other kernels or programs share this machine's memory |
| 08 | http_vs_keras_difference | < 1e-5 | smoke, default | cpu | the served endpoint computes something else than the Keras model |
| 08 | int8_size_ratio | >= 3.5 | smoke, default | any | the converter kept float32 tensors: check supported_ops and the representative dataset |
| 08 | int8_accuracy_drop | <= 1 | smoke, default | any | the representative dataset does not look like the real inputs |
| 08 | litert_vs_keras_latency | < 1 | smoke, default | any | another program was using the CPU during the timing |
| 09 | fit_exit_delay_s | < 5 | smoke, default | any | TensorFlow's input-pipeline autotuner was slow to stop (README; tf2_hands_on/pipelines.py) |
| 09 | gain_over_bigram | > 0.3 | smoke, default | any | fewer training steps than the profile's, or a changed model size or learning rate |
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
| 03 | ae_val_mse | |
| 03 | denoiser_val_mse | |
| 03 | vae_val_reconstruction | nats/image |
| 03 | vae_val_kl | nats/image |
| 04 | imagenet_weights_available | |
| 04 | source_accuracy | |
| 04 | table_means | |
| 05 | val_accuracy | |
| 05 | medians | s |
| 05 | idle | |
| 05 | load_s | s |
| 05 | decode_s | s |
| 05 | stream_peak_growth_mb | MB |
| 06 | accuracy | |
| 06 | train_seconds | s |
| 06 | speed | steps/s |
| 06 | steps_per_execution_speedup | |
| 07 | n_replicas | |
| 07 | mirrored_max_rel_loss_diff | |
| 07 | loop_vs_fit | |
| 07 | mw_memory_mib | MiB |
| 07 | resumed_from_epoch | |
| 07 | killed_mid_epoch | |
| 07 | restored_at | |
| 08 | litert_difference | |
| 08 | calibrated_accuracy | % |
| 08 | size_kb | KB |
| 08 | accuracy | % |
| 08 | latency_ms | ms |
| 08 | pruning | |
| 08 | http_ms | ms |
| 08 | in_process_ms | ms |
| 09 | bigram_loss | nats/char |
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
    value: float | None  # None: the notebook has no such variable, or set it to None (not measured this run)
    applies: bool  # the goal holds for this profile and device, and the figure was measured
    met: bool
    measured: bool = True  # False: the notebook set the variable to None (e.g. a part skipped offline)

    @property
    def line(self) -> str:
        shown = "missing" if self.value is None else f"{self.value:,.3g}"
        if not self.measured:
            shown, verdict = "not measured", "this run skipped the part that measures it"
        elif not self.applies:
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


def review(notebook: str, variables: dict, **options) -> None:
    """A notebook's last cell: hold its figures (its ``globals()``) against the goals, print the table, record
    every figure; in strict mode (``$TUTORIAL_STRICT=1``, set by the tests) fail on a missed goal. Returns nothing,
    so the cell shows the table alone. ``options`` are :func:`hold`'s (another table, a strict mode)."""
    hold(notebook, variables, **options)


def hold(notebook: str, variables: dict, *, table: str = GOALS, recorded_table: str = RECORDED,
         strict: bool | None = None) -> list[Result]:
    """What :func:`review` does, returning each goal's result (for the tests, and for other tables and modes)."""
    strict = os.environ.get(STRICT_ENV) == "1" if strict is None else strict
    profile = profiles.active()
    has_gpu, cores = _device_kind()
    results = []
    for goal in goals(notebook, table):
        value = variables.get(goal.figure)
        measured = not (goal.figure in variables and value is None)  # None on purpose: not measured this run
        if isinstance(value, (list, tuple)) and value and all(isinstance(v, numbers.Real) for v in value):
            value = (min if goal.op in (">", ">=") else max)(value)  # a figure measured several times: its worst
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
            value = None
        applies = measured and _applies(goal, profile, has_gpu, cores)
        met = value is not None and _OPS[goal.op](float(value), goal.target)
        results.append(Result(goal, None if value is None else float(value), applies, met, measured))
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
