"""The deployment recipes an instructor uses as they are (deploy/, .devcontainer/), validated offline, and the
workshop sizing (tools/sizing.py) they are sized from.

The Zero to JupyterHub chart's values.schema.json is published with the chart (hub.jupyter.org), not on PyPI or npm:
the values are checked structurally here, against the keys of the chart's schema (they were validated against the
chart's values.schema.yaml of July 2026, appVersion 5.5.0, when written).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tools import hub, sizing
from tools.nbtools import ROOT, settings

VALUES = ROOT / "deploy" / "z2jh" / "values.yaml"
TLJH = ROOT / "deploy" / "tljh" / "setup.sh"
SIZING_REPORT = ROOT / "docs" / "sizing-report.json"  # build/sizing/report.json of the run the guide's table uses

# --- sizing -----------------------------------------------------------------------------------------------------------


def _report(**cpu) -> dict:
    notebooks = {f"{n}_nb": {"status": "ok", "wall_s": 100.0, "peak_rss_mib": 1000.0 + int(n), "cpu_s": cpu.get(n, 50.0)}
                 for n in ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09")}
    return {"profile": "default", "conditions": "as they are", "notebooks": notebooks}


def test_sizing_follows_tljhs_formula():
    s = sizing.summary(_report(**{"06": 180.0}))  # notebook 06 kept 1.8 CPUs busy
    session = s["agendas"]["3-hour session (00 01 02 05 06 08)"]
    assert session["peak_kernel_mib"] == 1008.0  # 08, the largest of the session's notebooks
    assert session["per_user_mib"] == round((1008 + sizing.SERVER_MIB) * 1.3 + 0.5)
    assert session["cpus_busy"] == 1.8 and session["per_user_cpus"] == 1.0  # capped by the per-user CPU limit
    assert session["cpu_s"] == 5 * 50 + 180
    assert s["agendas"]["all ten notebooks"]["peak_kernel_mib"] == 1009.0
    # 50 users x 1.5 GiB + 128 MiB -> 76 GiB; 50 x 1 CPU + 0.2 -> 51 CPUs
    assert sizing.vm(50, 1536, 1.0) == (76, 51)
    table = sizing.vm_table(s, rooms=(10,))
    assert table.count("\n| 10 |") == 2 and "| 10 | 3-hour session" in table


def test_sizing_needs_every_notebook_of_an_agenda():
    partial = _report()
    del partial["notebooks"]["05_nb"]
    s = sizing.summary(partial)
    assert "3-hour session (00 01 02 05 06 08)" not in s["agendas"] and "all ten notebooks" not in s["agendas"]
    assert "Run every notebook" in "\n".join(sizing.summary_markdown(s))


def test_the_instructor_guides_sizing_table_is_the_one_the_run_report_gives():
    """docs/INSTRUCTORS.md's VM table is generated from the default-profile run report kept beside it."""
    report = json.loads(SIZING_REPORT.read_text(encoding="utf-8"))
    assert report["profile"] == "default" and all(nb["status"] == "ok" for nb in report["notebooks"].values())
    assert all(nb.get("cpu_s") for nb in report["notebooks"].values()), "a report made before CPU time was measured"
    table = sizing.vm_table(sizing.summary(report))
    assert table in (ROOT / "docs" / "INSTRUCTORS.md").read_text(encoding="utf-8"), \
        f"regenerate it: python3 tasks.py sizing {SIZING_REPORT.relative_to(ROOT)}"


# --- Zero to JupyterHub -----------------------------------------------------------------------------------------------

def test_z2jh_values_use_the_binder_image_the_sizing_and_the_culler():
    values = yaml.safe_load(VALUES.read_text(encoding="utf-8"))
    assert set(values) <= {"singleuser", "prePuller", "cull", "hub", "scheduling", "proxy", "ingress"}
    single = values["singleuser"]
    assert set(single) <= {"image", "memory", "cpu", "defaultUrl", "extraEnv", "extraFiles", "storage", "cmd"}
    assert set(single["image"]) == {"name", "tag"} and isinstance(single["image"]["tag"], str)
    assert "repo2docker" in VALUES.read_text() and "binder/" in VALUES.read_text()
    limit, guarantee = hub.parse_bytes(single["memory"]["limit"]), hub.parse_bytes(single["memory"]["guarantee"])
    agendas = sizing.summary(json.loads(SIZING_REPORT.read_text()))["agendas"]
    session, everything = (agendas[name]["per_user_mib"] * 2**20 for name in sizing.AGENDAS)
    assert session <= guarantee < 1.1 * session and everything <= limit < 1.1 * everything  # as the sizing says
    auth = values["hub"]["config"]
    assert auth["JupyterHub"]["authenticator_class"] == "shared-password"  # not "dummy": anyone could log in
    assert "user_password" not in auth.get("SharedPasswordAuthenticator", {})  # no password in the repository
    assert single["cpu"]["guarantee"] <= single["cpu"]["limit"] == sizing.CPU_LIMIT
    assert limit == hub.parse_bytes(re.search(r'MEM_LIMIT="\$\{MEM_LIMIT:-([\w.]+)\}"', TLJH.read_text()).group(1))
    culling = single["extraFiles"]["kernel-culling"]
    assert set(culling) == {"mountPath", "data"} and culling["mountPath"].endswith(".json")
    assert culling["data"]["MappingKernelManager"]["cull_idle_timeout"] > 0
    assert values["prePuller"]["hook"]["enabled"] is True and values["prePuller"]["continuous"]["enabled"] is True
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] >= 1800 and values["cull"]["every"] > 0
    assert set(values["cull"]) <= {"enabled", "timeout", "every", "users", "adminUsers", "removeNamedServers",
                                   "concurrency", "maxAge"}


@pytest.mark.skipif(not (Path(sys.executable).parent / "jupyter-repo2docker").exists() and not shutil.which(
    "jupyter-repo2docker"), reason="jupyter-repo2docker is in requirements-dev.txt")
def test_the_binder_image_has_the_jupyterhub_singleuser_and_nbgitpuller_the_hub_needs():
    exe = shutil.which("jupyter-repo2docker") or str(Path(sys.executable).parent / "jupyter-repo2docker")
    done = subprocess.run([exe, "--no-build", "--debug", str(ROOT)], capture_output=True, text=True, timeout=300)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    lock = re.search(r"COPY .*?build_script_files/(\S+) /tmp/env/environment.lock", out)
    assert lock, "repo2docker's Dockerfile no longer installs its base environment from a lock file"
    import repo2docker

    conda = Path(repo2docker.__file__).parent / "buildpacks" / "conda"
    locked = next(p for p in conda.glob("environment.py-3.11-linux-64.lock"))
    singleuser = re.search(r"jupyterhub-singleuser-(\d+)\.", locked.read_text())
    assert singleuser and singleuser.group(1) == "5", "the image's jupyterhub-singleuser must match the hub's JupyterHub 5"
    assert re.search(r"^nbgitpuller==", (ROOT / "binder" / "requirements.txt").read_text(), re.M)


def test_the_nbgitpuller_link_opens_notebook_00_of_the_configured_repository():
    link = hub.nbgitpuller_link("https://hub.example.org/")
    repo, branch = settings()["repository"], settings()["branch"]
    assert link.startswith("https://hub.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2F")
    assert repo.replace("/", "%2F") in link and f"branch={branch}" in link
    assert link.endswith(f"urlpath=lab%2Ftree%2F{repo.split('/')[1]}%2Fnotebooks%2F00_environment_check.ipynb")


# --- TLJH -------------------------------------------------------------------------------------------------------------

FAKE = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps([os.path.basename(sys.argv[0]), *sys.argv[1:]]) + "\\n")
if os.path.basename(sys.argv[0]) == "git" and sys.argv[1] == "clone":
    os.makedirs(os.path.join(sys.argv[-1], "binder"))
if os.path.basename(sys.argv[0]) == "python" and sys.argv[1:2] == ["-"]:
    sys.exit(int(os.environ.get("FAKE_PYTHON_TOO_OLD", "0")))
"""


def _run_tljh(tmp_path, **env) -> tuple[subprocess.CompletedProcess, list[list[str]]]:
    bin_dir, user_env = tmp_path / "bin", tmp_path / "user"
    for folder, names in ((bin_dir, ("git", "tljh-config")), (user_env / "bin", ("pip", "python"))):
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            (folder / name).write_text(FAKE)
            (folder / name).chmod(0o755)
    log = tmp_path / "calls.jsonl"
    done = subprocess.run(["bash", str(TLJH)], capture_output=True, text=True, timeout=60, env={
        **os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "TLJH_USER_ENV": str(user_env),
        "FAKE_LOG": str(log), **env})
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return done, calls


def test_the_tljh_recipe_installs_the_course_and_sets_the_limits_and_the_culler(tmp_path):
    done, calls = _run_tljh(tmp_path, REPO_URL="https://github.com/me/fork", BRANCH="w27")
    assert done.returncode == 0, done.stderr
    config = [c[1:] for c in calls if c[0] == "tljh-config"]
    assert ["set", "limits.memory", "2.1G"] in config and ["set", "limits.cpu", "1"] in config
    assert ["set", "user_environment.default_app", "jupyterlab"] in config
    assert ["set", "services.cull.timeout", "3600"] in config and config[-1] == ["reload"]
    assert {c[1] for c in config if c[0] == "set"} <= {"limits.memory", "limits.cpu", "user_environment.default_app",
                                                      "services.cull.timeout", "services.cull.every"}
    clone = next(c for c in calls if c[0] == "git")
    assert clone[clone.index("--branch") + 1] == "w27" and "https://github.com/me/fork" in clone
    pips = [c for c in calls if c[0] == "pip"]
    assert any("nbgitpuller==1.*" in c and any(a.endswith("binder/requirements.txt") for a in c) for c in pips)
    assert ["python", "-m", "tf2_hands_on.kernel", "install", "--prefix", str(tmp_path / "user")] in calls
    assert "tasks.py hub --link" in done.stdout


def test_the_tljh_recipe_refuses_a_python_tensorflow_cannot_use(tmp_path):
    done, calls = _run_tljh(tmp_path, FAKE_PYTHON_TOO_OLD="1")
    assert done.returncode == 1 and "need Python 3.11-3.13" in done.stderr
    assert not [c for c in calls if c[0] in ("pip", "tljh-config")], "nothing is installed or configured"


# --- Codespaces -------------------------------------------------------------------------------------------------------

def test_the_devcontainer_installs_the_course_like_tasks_py_lab():
    config = json.loads((ROOT / ".devcontainer" / "devcontainer.json").read_text(encoding="utf-8"))
    python = re.search(r"python:(?:\d-)?(3\.\d+)-", config["image"]).group(1)
    assert (3, 11) <= tuple(map(int, python.split("."))) <= (3, 13), "TensorFlow 2.21 / Keras 3.15 need 3.11-3.13"
    command = config["postCreateCommand"]
    assert "-r requirements.txt" in command and "tf2_hands_on.kernel install" in command and "-e ." in command
    assert config["hostRequirements"]["cpus"] >= 2
    assert config["customizations"]["codespaces"]["openFiles"] == ["notebooks/00_environment_check.ipynb"]
