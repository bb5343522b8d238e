"""pytest set-up shared by the unit tests and nbval's notebook runs.

Notebook kernels inherit this process's environment, so the smoke profile set here reaches them.
An explicit TUTORIAL_PROFILE (e.g. TUTORIAL_PROFILE=default python3 tasks.py test) is kept.
"""

import os

os.environ.setdefault("TUTORIAL_PROFILE", "smoke")
os.environ.setdefault("TUTORIAL_STRICT", "1")  # a figure about the machine that misses its goal fails the tests (claims.py)
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # as python3 tasks.py lab sets it for learners

collect_ignore_glob = ["tests/fixtures/*"]  # fixture notebooks are run by the tests, not collected by nbval


# The long phases say where they are: a line when nbval starts a notebook, and when the browser tests open one.
_progress = {}


def pytest_configure(config):
    _progress["config"] = config


def pytest_collection_modifyitems(session, config, items):
    _progress["notebooks"] = sorted({i.nodeid.split("::")[0] for i in items if i.nodeid.startswith("notebooks/")})
    _progress["browser"] = [i.nodeid for i in items if "test_notebook_runs_in_jupyterlab" in i.nodeid]


def pytest_runtest_logstart(nodeid, location):
    config, line = _progress.get("config"), None
    reporter = config.pluginmanager.get_plugin("terminalreporter") if config else None
    if nodeid.startswith("notebooks/") and nodeid.split("::")[0] not in _progress.setdefault("started", set()):
        path = nodeid.split("::")[0]
        _progress["started"].add(path)
        line = f"nbval: {path} ({_progress['notebooks'].index(path) + 1} of {len(_progress['notebooks'])})"
    elif nodeid in _progress.get("browser", []):
        line = (f"browser: {nodeid.split('[')[-1].rstrip(']')} in JupyterLab "
                f"({_progress['browser'].index(nodeid) + 1} of {len(_progress['browser'])}, up to 3 min each)")
    if reporter is not None and line:
        reporter.ensure_newline()
        reporter.write_line(line)
