"""Unit tests of tf2_hands_on: environment, exercises, memory, timing and plots."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import numpy as np
import psutil
import pytest

from tf2_hands_on import environment, exercises, memory, plots, timing
from tf2_hands_on.environment import Finding

# --- environment -----------------------------------------------------------------------------


@pytest.mark.parametrize("name, version, status", [
    ("tensorflow", "2.21.0", "pass"), ("tensorflow", "2.20.0", "pass"), ("tensorflow", "2.19.1", "warn"),
    ("tensorflow", "2.22.0rc1", "warn"), ("keras", "3.13.2", "pass"), ("keras", "2.15.0", "warn"),
    ("python", "3.13.0", "pass"), ("python", "3.10.12", "warn"), ("keras", None, "fail"),
])
def test_versions_against_the_tested_matrix(name, version, status):
    finding = environment.check_version(name, version)
    assert finding.status == status
    if status != "pass":
        assert "tasks.py lab" in finding.fix


def test_colab_gets_a_fix_that_never_reinstalls_tensorflow():
    finding = environment.check_version("tensorflow", "2.19.0", "colab")
    assert finding.status == "warn" and "do not pip install tensorflow" in finding.fix


def test_container_limits_are_read_from_cgroups(tmp_path, monkeypatch):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    (tmp_path / "memory.max").write_text("2147483648\n")
    (tmp_path / "unlimited.max").write_text("max\n")
    assert environment._cgroup_value(str(tmp_path / "cpu.max")) == 1.5
    assert environment._cgroup_value(str(tmp_path / "memory.max")) == 2147483648.0
    assert environment._cgroup_value(str(tmp_path / "unlimited.max"), str(tmp_path / "nothing")) is None
    monkeypatch.setattr(environment, "_cgroup_value", lambda *files: 1.0 if "cpu.max" in files[0] else 2 * 2**30)
    assert environment.cpu_cores() == 1  # a Binder-like quota of one CPU
    assert environment.ram_gib() == 2.0


def test_platform_detection():
    assert environment.platform_name({}, {"google.colab": object()}) == "colab"
    assert environment.platform_name({"BINDER_SERVICE_HOST": "x"}, {}) == "binder"
    assert environment.platform_name({"CI": "true"}, {}) == "ci"
    assert environment.platform_name({"CI": "false"}, {}) == "local"
    assert set(environment.PLATFORM_ADVICE) == {"colab", "binder", "ci", "local"}


@pytest.mark.parametrize("cc, fp16, bf16", [
    ((6, 1), "info", "info"), ((7, 0), "pass", "info"), ((7, 5), "pass", "info"), ((8, 0), "pass", "pass"),
    ((12, 0), "pass", "pass"),
])
def test_sixteen_bit_findings_follow_compute_capability(cc, fp16, bf16):
    gpus = [{"name": "GPU", "compute_capability": cc}]
    assert environment.float16_finding(gpus).status == fp16
    assert environment.bfloat16_finding(gpus, set()).status == bf16


def test_bfloat16_on_cpus():
    assert environment.bfloat16_finding([], {"amx_bf16", "avx512_bf16"}).status == "pass"
    assert "AVX512-BF16" in environment.bfloat16_finding([], {"avx512_bf16"}).detail
    assert environment.bfloat16_finding([], set()).fix


def test_table_and_verdict():
    findings = [Finding("a", "pass", "ok"), Finding("b", "warn", "old", "upgrade")]
    table = environment.findings_table(findings)
    assert "WARN  b  old" in table and "-> upgrade" in table
    assert environment.verdict(findings).startswith("READY, with 1 warning")
    assert environment.verdict(findings + [Finding("c", "fail", "x", "fix")]).startswith("NOT READY: fix c")
    assert environment.verdict(findings[:1]) == "READY: every check passed."


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="CPU affinity is a Linux feature")
def test_cpu_cores_counts_the_cores_this_process_may_use():
    code = ("import os; from tf2_hands_on import environment; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))});"
            "print(environment.cpu_cores(), environment.device_summary())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "1" and ", 1 cores" in result.stdout  # as on Binder (taskset -c 0)


def test_cgroup_quota_caps_the_cores(monkeypatch):
    monkeypatch.setattr(environment, "_cgroup_value", lambda *files: 0.5 if files[0].endswith("cpu.max") else None)
    assert environment.cpu_cores() == 1  # half a CPU of quota: one core's worth of threads, whatever the host has
    monkeypatch.setattr(environment, "_cgroup_value", lambda *files: None)
    assert environment.cpu_cores() == (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())


# --- exercises -------------------------------------------------------------------------------


def test_reference_answers_pass():
    def fast_16bit(cc):
        return ({"float16"} if cc >= (7, 0) else set()) | ({"bfloat16"} if cc >= (8, 0) else set())

    assert exercises.check("00.2", fast_16bit, quiet=True)


def test_string_comparison_mistake_is_recognised():
    def by_text(cc):
        text = f"{cc[0]}.{cc[1]}"
        return ({"float16"} if text >= "7.0" else set()) | ({"bfloat16"} if text >= "8.0" else set())

    verdict = exercises.check("00.2", by_text, quiet=True)
    assert not verdict and "compared as text" in verdict.message


def test_off_by_one_and_wrong_type_hints():
    verdict = exercises.check("00.2", lambda cc: {"float16"} if cc > (7, 0) else set(), quiet=True)
    assert ">=" in verdict.message
    verdict = exercises.check("00.2", lambda cc: ["float16"], quiet=True)
    assert "return a set" in verdict.message
    assert "function itself" in exercises.check("00.2", {"float16"}, quiet=True).message


def test_a_raising_answer_never_escapes_as_a_traceback(capsys):
    def broken(cc):
        raise KeyError("oops")

    verdict = exercises.check("00.2", broken)
    assert not verdict and "raised KeyError" in verdict.message
    assert "Not yet" in capsys.readouterr().out


def test_stub_and_unknown_ids():
    assert "no answer yet" in exercises.check("00.1", None, quiet=True).message
    assert "no checker" in exercises.check("42.1", 1, quiet=True).message
    assert "no checker" in exercises.check("zero", 1, quiet=True).message
    with pytest.raises(ValueError):
        exercises.exercise("1")


# --- timing ----------------------------------------------------------------------------------


def test_benchmark_counts_warmups_and_repeats():
    calls = []
    result = timing.benchmark(lambda: calls.append(1), label="noop", warmup=2, repeats=4, items=10)
    assert len(calls) == 6 and len(result.times_s) == 4 and result.peak_rss_mib > 0
    assert result.throughput == pytest.approx(10 / result.median_s)


def test_same_process_ratio_is_measured():
    slow = timing.benchmark(lambda: time.sleep(0.02), label="slow", repeats=3)
    fast = timing.benchmark(lambda: time.sleep(0.002), label="fast", repeats=3)
    assert slow.median_s / fast.median_s > 3  # the real ratio is about 10
    table = timing.table([slow, fast], baseline="slow")
    assert "| fast |" in table and "3 timed repeats" in table and f"| {slow.peak_rss_mib:,.0f} MiB |" in table


def test_benchmark_syncs_tensor_like_results():
    class Lazy:
        synced = 0

        def numpy(self):
            Lazy.synced += 1
            return np.zeros(1)

    timing.benchmark(Lazy, label="lazy", warmup=1, repeats=2)
    assert Lazy.synced == 3


def test_compare_interleaves_rounds_and_measures_ratios():
    calls = []
    timings = timing.compare({"slow": lambda: calls.append("s") or time.sleep(0.02),
                              "fast": lambda: calls.append("f") or time.sleep(0.002)}, warmup=1, repeats=3)
    assert "".join(calls) == "sf" * 4  # one warm-up round, then three timed rounds, each A then B
    slow, fast = timings
    assert (slow.label, fast.label) == ("slow", "fast") and len(slow.times_s) == len(fast.times_s) == 3
    assert slow.median_s / fast.median_s > 3 and slow.peak_rss_mib > 0  # the real ratio is about 10
    with pytest.raises(ValueError):
        timing.compare({}, repeats=1)


def test_compare_without_the_memory_sampler():
    import threading

    before = threading.active_count()
    seen = []
    timings = timing.compare({"a": lambda: seen.append(threading.active_count()) or time.sleep(0.001)},
                             warmup=0, repeats=3, memory=False)
    assert seen == [before] * 3  # no sampler thread ran alongside the timed calls
    assert len(timings[0].times_s) == 3 and timings[0].peak_rss_mib == 0


def test_bad_timing_arguments():
    with pytest.raises(ValueError):
        timing.benchmark(lambda: None, label="x", repeats=0)
    with pytest.raises(ValueError, match="no timing labelled"):
        timing.table([timing.benchmark(lambda: None, label="x", repeats=1)], baseline="y")


def test_compare_gives_each_call_its_own_peak():
    def allocate():
        block = np.ones(100 * 2**20 // 8)  # 100 MiB, touched, freed when the call returns
        time.sleep(0.05)
        return block.size

    small, large = timing.compare({"small": lambda: None, "large": allocate}, warmup=1, repeats=3)
    assert large.peak_rss_mib - small.peak_rss_mib > 80


# --- memory ----------------------------------------------------------------------------------

HOLD = "import sys; block = bytearray({mib} * 2**20); print('ready', flush=True); {then}"


def _child(mib: int, then: str = "sys.stdin.read()") -> subprocess.Popen:
    """A Python process that allocates (and touches) ``mib`` MiB, says 'ready', then runs ``then``."""
    return subprocess.Popen([sys.executable, "-c", HOLD.format(mib=mib, then=then)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)


def test_rss_mib_counts_child_processes_only_when_asked():
    alone, alone_self = memory.rss_mib(), memory.rss_mib(children=False)
    child = _child(200)
    try:
        assert child.stdout.readline() == b"ready\n"
        together, self_only = memory.rss_mib(), memory.rss_mib(children=False)
        child_alone = memory.rss_mib(child.pid, children=False)
    finally:
        child.kill()
        child.wait()
    assert together - alone >= 150  # the child's 200 MiB
    assert abs(self_only - alone_self) < 50
    assert child_alone >= 200


def test_memory_figures_are_in_mib():
    child = _child(200)
    try:
        assert child.stdout.readline() == b"ready\n"
        figure = memory.rss_mib(child.pid, children=False)
        rss_bytes = psutil.Process(child.pid).memory_info().rss
    finally:
        child.kill()
        child.wait()
    assert memory.MIB == 2**20
    assert figure == pytest.approx(rss_bytes / 2**20, rel=0.01)  # 1e6-byte MB would be 4.9 % larger
    assert memory.rss_mib(children=False) == pytest.approx(psutil.Process().memory_info().rss / 2**20, abs=2)


def test_exited_children_peak_is_in_mib():
    child = _child(200, then="pass")
    assert child.stdout.readline() == b"ready\n"
    child.communicate()
    assert 200 <= memory.exited_children_peak_mib() < 100_000


def test_sampler_sees_a_short_lived_allocation():
    with memory.Sampler(interval_s=0.01) as sampler:
        start = sampler.peak_mib
        block = np.ones(150 * 2**20 // 8)  # 150 MiB, touched
        time.sleep(0.2)
        del block
        after = memory.rss_mib()
    assert sampler.peak_mib - start >= 120 and sampler.peak_mib - after >= 120


def test_sampler_sees_a_short_lived_child():
    with memory.Sampler(interval_s=0.02) as sampler:
        start = sampler.peak_mib
        child = _child(200, then="import time; time.sleep(0.6)")
        child.communicate()  # gone before the sampler stops
    assert sampler.peak_mib - start >= 150


def test_sampler_reports_a_failure_of_its_thread():
    def fail(_sampler):
        raise OSError("cannot read")

    with pytest.raises(RuntimeError, match="not a measurement"):
        with memory.Sampler(interval_s=0.01, on_sample=fail):
            time.sleep(0.1)
    with pytest.raises(ValueError, match="in flight"):  # an exception inside the block is not replaced
        with memory.Sampler(interval_s=0.01, on_sample=fail):
            time.sleep(0.1)
            raise ValueError("in flight")


# --- plots -----------------------------------------------------------------------------------


def test_figures_are_saved_to_the_figure_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTORIAL_HOME", str(tmp_path))
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    fig = plots.training_curves(history, ("loss", "accuracy"), name="curves")
    assert [line.get_label() for line in fig.axes[0].lines] == ["train loss", "validation loss"]
    plots.image_grid(np.zeros((5, 8, 8)), [0, 1, 2, 3, 4], class_names=list("abcde"), name="grid")
    plots.comparison_bars(["a", "b"], [1, 2], unit="s", title="t", name="bars")
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["bars.png", "curves.png", "grid.png"]
    assert (tmp_path / "figures" / "grid.png").read_bytes()[:4] == b"\x89PNG"


def test_plot_helpers_reject_bad_input():
    with pytest.raises(ValueError, match="not in the history"):
        plots.training_curves({"loss": [1]}, ("accuracy",))
    with pytest.raises(ValueError, match="one value per label"):
        plots.comparison_bars(["a"], [1, 2], unit="s", title="t")
    with pytest.raises(ValueError, match="file name"):
        plots.save(None, "../escape")


def test_release_memory_gives_freed_memory_back():
    import numpy as np

    from tf2_hands_on import environment

    before = environment.release_memory()
    block = np.ones(200 * 2**20 // 8)  # 200 MiB, touched
    with_block = environment.release_memory()
    del block
    after = environment.release_memory()
    assert with_block - before > 150 and with_block - after > 150


def test_quiet_native_logs_hides_only_native_stderr_and_restores_it(capfd):
    import os
    import sys

    os.write(2, b"native before\n")
    with environment.quiet_native_logs():
        os.write(2, b"native inside\n")  # what C++ code writes: hidden
        print("python inside")  # Python's own output still shows
    os.write(2, b"native after\n")
    with pytest.raises(RuntimeError, match="still raised"), environment.quiet_native_logs():
        raise RuntimeError("still raised")
    os.write(2, b"restored after an error\n")
    sys.stderr.flush()
    out, err = capfd.readouterr()
    assert "python inside" in out
    assert "native before" in err and "native after" in err and "restored after an error" in err
    assert "native inside" not in err


def test_memory_headroom_reads_the_containers_limit_and_usage(monkeypatch):
    values = {"/sys/fs/cgroup/memory.max": 2 * 2**30, "/sys/fs/cgroup/memory.current": 1.5 * 2**30}
    monkeypatch.setattr(environment, "_cgroup_value", lambda *files: values.get(files[0]))
    assert environment.memory_headroom_mib() == pytest.approx(512)
    values.pop("/sys/fs/cgroup/memory.max")  # no limit: nothing to worry about
    assert environment.memory_headroom_mib() is None
