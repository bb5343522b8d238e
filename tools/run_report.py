"""The run report: execute notebooks headlessly and write what they measured.

    python3 tasks.py report [NOTEBOOK ...] --profile smoke|default --out DIR

Runs each notebook (all of ``notebooks/`` by default) with papermill in a fresh kernel, under the
given profile, and writes to DIR: the executed copies, ``report.md`` (a table for people) and
``report.json`` (for tools). A failing notebook is reported, not hidden, and the exit code is 1.
Each notebook's peak memory is its kernel's, child processes included, in MiB (``tf2_hands_on.memory``); its CPU
time (``cpu_s``) is the kernel's and its children's, user and system, counted once the kernel has exited. Both feed
the workshop-sizing summary (``tools/sizing.py``; ``python3 tasks.py sizing DIR/report.json`` for the VM table).
Instructors: run it with ``--profile default`` on the workshop machines before the day.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from tf2_hands_on import environment, kernel, memory, report
from tools import sizing
from tools import site
from tools.nbtools import ROOT

NOTEBOOK_DIR = ROOT / "notebooks"
KERNEL_NAME = "tutorial-run-report"


def _kernelspec(out_dir: Path) -> str:
    """A kernelspec that runs this very interpreter, so the report's versions are the kernel's
    (a user's own ``python3`` kernelspec could point anywhere). Returns a folder for JUPYTER_PATH."""
    root = out_dir / ".kernels"
    spec = root / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({  # the course's kernel, as a learner's JupyterLab runs it
        **kernel.spec(sys.executable), "display_name": f"Python {platform.python_version()} (run report)",
    }), encoding="utf-8")
    return str(root)


class _Heartbeat:
    """Called after each memory sample: every ``every_s`` seconds, print that the notebook is still running."""

    def __init__(self, label: str, every_s: float = 15.0):
        self.label, self.every_s = label, every_s
        self.start = self.last = time.monotonic()

    def __call__(self, sampler: memory.Sampler) -> None:
        if time.monotonic() - self.last >= self.every_s:
            self.last = time.monotonic()
            print(f"    ... {self.label} still running: {self.last - self.start:.0f} s, "
                  f"kernel peak {sampler.peak_mib:,.0f} MiB", flush=True)


def _resolve(names: list[str]) -> list[Path]:
    if not names:
        found = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
        if not found:
            raise SystemExit(f"error: no notebooks in {NOTEBOOK_DIR}")
        return found
    result = []
    for name in names:
        path = Path(name)
        candidates = [path, NOTEBOOK_DIR / path.name, NOTEBOOK_DIR / f"{name}.ipynb"]
        candidates += sorted(NOTEBOOK_DIR.glob(f"{name}_*.ipynb")) if name.isdigit() else []
        hit = next((c for c in candidates if c.is_file() and c.suffix == ".ipynb"), None)
        if hit is None:
            raise SystemExit(f"error: no notebook {name!r}; give a path, a stem such as 00_environment_check, or a number such as 00")
        result.append(hit.resolve())
    return result


def _first_line(error: BaseException) -> str:
    ename, evalue = getattr(error, "ename", None), getattr(error, "evalue", None)
    text = f"{ename}: {evalue}" if ename else f"{type(error).__name__}: {error}"
    return (text.strip().splitlines() or [type(error).__name__])[0][:300]


def run_one(notebook: Path, out_dir: Path, profile: str, cell_timeout: int | None) -> tuple[dict, dict]:
    """Execute one notebook in a fresh kernel; return its report entry and its metrics' units.

    The entry's ``peak_rss_mib`` is in MiB: the largest memory of the kernel and its child processes together.
    """
    import papermill

    stem = notebook.stem
    metrics_file = out_dir / "metrics" / f"{stem}.jsonl"
    metrics_file.parent.mkdir(parents=True, exist_ok=True)
    metrics_file.unlink(missing_ok=True)  # this run's own output from an earlier run
    jupyter_path = os.pathsep.join(filter(None, [_kernelspec(out_dir), os.environ.get("JUPYTER_PATH")]))
    kernel_env = {"TUTORIAL_PROFILE": profile, report.ENV_VAR: str(metrics_file),
                  # figures inline, as a learner's kernel draws them: the executed copy keeps every plot
                  "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                  "JUPYTER_PATH": jupyter_path,
                  "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}  # as tasks.py lab: no C++ start-up lines
    saved = {k: os.environ.get(k) for k in kernel_env}
    os.environ.update(kernel_env)
    exited_before, cpu_before = memory.exited_children_peak_mib(), _children_cpu_s()
    # This process's descendants: the kernel papermill starts, and whatever the kernel starts.
    sampler = memory.Sampler(include_root=False, interval_s=0.2, on_sample=_Heartbeat(stem)).start()
    start, error = time.perf_counter(), None
    try:
        papermill.execute_notebook(
            str(notebook), str(out_dir / notebook.name), cwd=str(notebook.parent), kernel_name=KERNEL_NAME,
            progress_bar=False, execution_timeout=cell_timeout,
        )
    except Exception as e:  # papermill's execution error, a dead kernel, a timeout...
        error = e
    finally:
        wall = time.perf_counter() - start
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        peak = sampler.stop()
    # The sampler polls every 0.2 s and can miss a kernel's last moments. Once the kernel has exited, the operating
    # system reports its exact peak (one process's, not the tree's sum), whenever it beats every earlier kernel's.
    exited_after = memory.exited_children_peak_mib()
    cpu = _children_cpu_s() - cpu_before  # the kernel, reaped by now, and every process it waited for
    if exited_after > exited_before:
        peak = max(peak, exited_after)
    values, units = report.read(metrics_file)
    return {
        "status": "error" if error else "ok",
        "wall_s": round(wall, 2),
        "peak_rss_mib": round(peak, 1),
        "cpu_s": round(cpu, 1),
        "metrics": values,
        "error": _first_line(error) if error else None,
    }, units


def _children_cpu_s() -> float:
    """CPU seconds (user and system) of this process's children that have exited and been waited for, and of the
    processes they waited for in turn; 0 where the resource module is missing (Windows)."""
    try:
        import resource
    except ImportError:
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write_reports(out_dir: Path, result: dict, units: dict[str, dict[str, str]]) -> None:
    """Write ``report.json`` and ``report.md`` (which also shows each figure's unit) for the results so far, with the
    workshop-sizing summary (:mod:`tools.sizing`)."""
    result["sizing"] = sizing.summary(result)
    (out_dir / "report.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = [
        f"# Run report ({result['profile']} profile)",
        "",
        f"Python {result['python']}, TensorFlow {result['tensorflow']}, Keras {result['keras']}; {result['device']}; "
        f"Conditions: {result.get('conditions', 'as they are')}.",
        "",
        "| notebook | status | wall time | kernel peak memory (with child processes) | CPU time | measurements |",
        "|---|---|---:|---:|---:|---|",
    ]
    for stem, nb in result["notebooks"].items():
        figures = ", ".join(f"{k} = {v:.4g}{(' ' + units[stem].get(k, '')).rstrip()}" for k, v in nb["metrics"].items())
        status = nb["status"] if nb["status"] == "ok" else f"**ERROR**: {nb['error']}"
        lines.append(f"| {stem} | {status} | {nb['wall_s']:.1f} s | {nb['peak_rss_mib']:,.0f} MiB | "
                     f"{nb.get('cpu_s', 0):.1f} s | {figures or '-'} |")
    lines += ["", *sizing.summary_markdown(result["sizing"])]
    (out_dir / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py report", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="paths, stems or numbers (default: all)")
    parser.add_argument("--profile", choices=("smoke", "default"), default="default")
    parser.add_argument("--out", default="build/run", metavar="DIR", help="where to write the report (default: build/run)")
    parser.add_argument("--cell-timeout", type=int, default=1800, metavar="S", help="fail a cell that runs longer (default 1800 s)")
    parser.add_argument("--cpus", type=int, metavar="N", help="run on N CPUs only, as on Binder (N=1); Linux")
    parser.add_argument("--busy", action="store_true", help="keep one core busy with another program meanwhile")
    args = parser.parse_args(argv)
    conditions = []
    if args.cpus:
        if not hasattr(os, "sched_setaffinity"):
            parser.error("--cpus needs Linux (CPU affinity)")
        allowed = sorted(os.sched_getaffinity(0))
        if not 1 <= args.cpus <= len(allowed):
            parser.error(f"--cpus {args.cpus}: this machine lets this process use {len(allowed)} CPU(s)")
        os.sched_setaffinity(0, allowed[:args.cpus])  # the kernels and their children inherit it
        conditions.append(f"{args.cpus} CPU(s)")
    busy = None
    if args.busy:  # a second program that never sleeps, as when a browser or a build runs beside the notebooks
        busy = subprocess.Popen([sys.executable, "-c", BUSY_PROGRAM, str(os.getpid())])
        conditions.append("another program keeping one core busy")
    notebooks = _resolve(args.notebooks)
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = {
        "profile": args.profile,
        "python": platform.python_version(),
        "tensorflow": environment.installed_version("tensorflow"),
        "keras": environment.installed_version("keras"),
        "device": environment.device_summary(),
        "conditions": ", ".join(conditions) or "as they are",
        "environment": site.environment_fingerprint(),  # the course website takes these executed copies when it matches
        "notebooks": {},
    }
    print(f"Running {len(notebooks)} notebook(s), {args.profile} profile, {result['conditions']} -> {out_dir}",
          flush=True)
    try:
        _run_all(notebooks, out_dir, args, result)
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
    failed = [s for s, e in result["notebooks"].items() if e["status"] != "ok"]
    print(f"\nReport: {out_dir / 'report.md'}\n" + (f"FAILED: {', '.join(failed)}" if failed else "All notebooks ran."))
    return 1 if failed else 0


# Spins until its parent is gone: killed by a signal, the report cannot stop it, so it stops itself.
BUSY_PROGRAM = """# tf2-hands-on: a busy program
import os, sys
parent = int(sys.argv[1])
while os.getppid() == parent:
    for _ in range(1_000_000):
        pass
"""


def _run_all(notebooks: list[Path], out_dir: Path, args, result: dict) -> None:
    units: dict[str, dict[str, str]] = {}
    for i, nb in enumerate(notebooks, 1):
        print(f"[{i}/{len(notebooks)}] {nb.stem} ...", flush=True)
        entry, units[nb.stem] = run_one(nb, out_dir, args.profile, args.cell_timeout)
        result["notebooks"][nb.stem] = entry
        write_reports(out_dir, result, units)  # after each notebook, so a long run can be read as it goes
        print(f"[{i}/{len(notebooks)}] {nb.stem}: {entry['status']}, {entry['wall_s']:.1f} s, "
              f"peak {entry['peak_rss_mib']:,.0f} MiB, {len(entry['metrics'])} measurement(s)"
              + (f"\n    {entry['error']}" if entry["error"] else ""), flush=True)


if __name__ == "__main__":
    sys.exit(main())
