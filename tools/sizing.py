"""Workshop sizing from a run report: how big a JupyterHub machine a room needs, from figures measured here.

    python3 tasks.py sizing build/sizing/report.json      # the users x agenda -> VM table (Markdown)

The run report (``tools/run_report.py``) measures each notebook's peak memory (its kernel and child processes) and
CPU time. This module turns them into The Littlest JupyterHub's published estimate
(https://tljh.jupyter.org/en/latest/howto/admin/resource-estimation.html):

    memory = max concurrent users x max memory per user + 128 MB          (TLJH and its services)
    CPU    = max concurrent users x max CPU per user    + 20 % of one CPU

with the per-user memory taken as the largest measured peak plus the single-user Jupyter server, plus the 20-40 %
headroom TLJH recommends (30 % here), and the per-user CPU as the most CPUs a notebook of the agenda kept busy on
average while it ran (CPU time / run time), capped by the per-user CPU limit. In a workshop every attendee is
active at once: concurrent users = the room.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

AGENDAS = {  # docs/INSTRUCTORS.md, "A 3-hour agenda", and the whole course
    "3-hour session (00 01 02 05 06 08)": ("00", "01", "02", "05", "06", "08"),
    "all ten notebooks": ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09"),
}
HEADROOM = 0.30  # TLJH: "add 20-40% headroom" to the measured maximum
TLJH_OVERHEAD_MIB = 128  # TLJH: "+ 128MB" for the hub, the proxy and their services
TLJH_OVERHEAD_CPUS = 0.2  # TLJH: "+ 20%" of one CPU
SERVER_MIB = 131  # a learner's single-user server before any kernel (jupyterhub-singleuser, JupyterLab): hub --check
CPU_LIMIT = 1.0  # CPUs per learner in the deployment recipes (deploy/): TensorFlow then sizes its pools to 1
ROOMS = (10, 25, 50, 100)


def summary(result: dict) -> dict:
    """The sizing figures of a run report's ``result``: per notebook, per agenda, per user."""
    notebooks = {stem[:2]: {"wall_s": nb["wall_s"], "peak_rss_mib": nb["peak_rss_mib"], "cpu_s": nb.get("cpu_s"),
                            "cpus_busy": round(nb["cpu_s"] / nb["wall_s"], 2) if nb.get("cpu_s") and nb["wall_s"] else None}
                 for stem, nb in result["notebooks"].items() if nb["status"] == "ok"}
    agendas = {}
    for name, numbers in AGENDAS.items():
        ran = [notebooks[n] for n in numbers if n in notebooks]
        if len(ran) < len(numbers):
            continue  # a sizing from part of an agenda would be too small
        peak = max(nb["peak_rss_mib"] for nb in ran)
        busy = max((nb["cpus_busy"] or 0) for nb in ran)
        agendas[name] = {
            "peak_kernel_mib": peak,
            "per_user_mib": math.ceil((peak + SERVER_MIB) * (1 + HEADROOM)),
            "cpu_s": round(sum(nb["cpu_s"] or 0 for nb in ran), 1),
            "run_s": round(sum(nb["wall_s"] for nb in ran), 1),
            "cpus_busy": busy,
            "per_user_cpus": round(min(busy, CPU_LIMIT), 2),
        }
    return {"profile": result.get("profile"), "conditions": result.get("conditions"), "notebooks": notebooks,
            "agendas": agendas}


def vm(users: int, per_user_mib: float, per_user_cpus: float) -> tuple[float, int]:
    """TLJH's estimate for ``users`` active at once: memory in GiB (rounded up to 1 GiB) and whole CPUs."""
    memory_gib = math.ceil((users * per_user_mib + TLJH_OVERHEAD_MIB) / 1024)
    return memory_gib, math.ceil(users * per_user_cpus + TLJH_OVERHEAD_CPUS)


def summary_markdown(sizing: dict) -> list[str]:
    """The report.md section: per-agenda per-user figures (the VM table is :func:`vm_table`)."""
    lines = ["## Workshop sizing", ""]
    if not sizing["agendas"]:
        return lines + ["Run every notebook of an agenda (all of them: no NOTEBOOK arguments) for a sizing."]
    lines += ["| agenda | peak kernel memory | per user (+ server, + 30 %) | CPU time per learner | CPUs busy per learner |",
              "|---|---:|---:|---:|---:|"]
    for name, a in sizing["agendas"].items():
        lines.append(f"| {name} | {a['peak_kernel_mib']:,.0f} MiB | {a['per_user_mib']:,} MiB | {a['cpu_s']:.0f} s | "
                     f"{a['cpus_busy']:.2f} |")
    return lines + ["", "VM sizes per room: python3 tasks.py sizing {this folder}/report.json"]


def vm_table(sizing: dict, rooms=ROOMS) -> str:
    """Markdown: users x agenda -> the VM (memory, CPUs) TLJH's formula gives, everyone active at once."""
    lines = ["| users | agenda | per user | VM memory | VM CPUs |", "|---:|---|---|---:|---:|"]
    for users in rooms:
        for name, a in sizing["agendas"].items():
            memory_gib, cpus = vm(users, a["per_user_mib"], a["per_user_cpus"])
            lines.append(f"| {users} | {name} | {a['per_user_mib'] / 1024:.1f} GiB, {a['per_user_cpus']:g} CPU | "
                         f"{memory_gib} GiB | {cpus} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python3 tasks.py sizing REPORT_JSON (from python3 tasks.py report --profile default)",
              file=sys.stderr)
        return 2
    result = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    sizing = summary(result)  # with the constants of today, not those of the day of the run
    if not sizing["agendas"]:
        print(f"error: {argv[0]} lacks notebooks of every agenda: run python3 tasks.py report with all of them",
              file=sys.stderr)
        return 1
    print(vm_table(sizing))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
