"""Run notebooks the way a learner does: in real JupyterLab, in a real (headless) browser, with Run All.

Used by tests/test_browser.py. Chromium comes from the system (Debian's ``chromium`` package; CI installs it in
.ci/run) and is driven by the ``playwright`` Python package through ``executable_path``: no browser download.

The server gets its own settings, workspaces, runtime and IPython folders, all fresh, and serves a copy of the
notebooks (``tf2_hands_on/`` is linked, so data and figures go where they always go): running and saving in the browser
never touches the project's notebooks (the copies start without outputs). When every dataset is on this machine,
Python code in the kernel cannot connect to any other host (see OFFLINE_STARTUP; subprocesses and TensorFlow's C++
code are not covered), and Chromium cannot resolve any host name but the local server's; the test reports any
request the page makes elsewhere.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import tasks  # the environment 'python3 tasks.py lab' gives JupyterLab and its kernels

# Screenshots and the server's log; "executed": each notebook as JupyterLab saved it after a clean Run All, with a
# report.json in the run report's format (tests/test_browser.py writes it, tests/test_site.py builds the site from it).
ARTIFACTS = Path(os.environ.get("TUTORIAL_BROWSER_ARTIFACTS", tasks.ROOT / "build" / "browser"))
EXECUTED = ARTIFACTS / "executed"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ENV = "TUTORIAL_CHROMIUM"  # another Chromium-based browser's executable
REQUIRE_ENV = "TUTORIAL_REQUIRE_BROWSER"  # 1 (CI sets it): a missing Chromium or playwright fails, not skips
INSTALL_HINT = ("install Debian's chromium package (sudo apt install chromium) and the playwright Python package "
                "(python3 tasks.py test installs it from requirements-dev.txt); or set TUTORIAL_CHROMIUM to a "
                "Chromium-based browser's executable")
# Chromium's own background connections (updates, sync, safe browsing) would all be refused offline.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]  # the page reaches this machine only

# JupyterLab settings for a deterministic run: every cell stays in the page (no windowing, so every output can
# be counted), nothing is saved behind the test's back, no news or update checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false",
                                                                       "checkForUpdates": False},
}

# Runs in every kernel before the notebook's first cell (an IPython startup file): connections to any host but
# this machine fail at once, so a notebook that needs the network fails here as it would at an offline workshop.
OFFLINE_STARTUP = '''def _tutorial_block_network():
    import errno
    import ipaddress
    import socket

    internet = (socket.AF_INET, socket.AF_INET6)
    connect, connect_ex, create_connection = socket.socket.connect, socket.socket.connect_ex, socket.create_connection

    def is_local(address):
        host = str(address[0]) if isinstance(address, tuple) else str(address)
        if host in ("", "localhost"):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback or host in ("0.0.0.0", "::")
        except ValueError:  # a host name: only this machine's own (no lookup: offline, lookups can stall)
            return host == socket.gethostname()

    def refused(address):
        return OSError(errno.ENETUNREACH, f"network blocked by the browser test (offline run): {address}")

    def guarded_connect(self, address):
        if self.family in internet and not is_local(address):
            raise refused(address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if self.family in internet and not is_local(address):
            return errno.ENETUNREACH
        return connect_ex(self, address)

    def guarded_create_connection(address, *args, **kwargs):
        if not is_local(address):
            raise refused(address)
        return create_connection(address, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = guarded_connect, guarded_connect_ex
    socket.create_connection = guarded_create_connection


_tutorial_block_network()
del _tutorial_block_network
'''


def find_chromium(environ: Mapping[str, str] = os.environ) -> str | None:
    """The Chromium executable to drive, or None."""
    configured = environ.get(CHROMIUM_ENV)
    if configured:
        return configured if os.access(configured, os.X_OK) and Path(configured).is_file() else None
    return next((c for c in CHROMIUM_CANDIDATES if Path(c).is_file()), shutil.which("chromium"))


def missing_requirement(environ: Mapping[str, str] = os.environ) -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed: " + INSTALL_HINT
    if environ.get(CHROMIUM_ENV) and find_chromium(environ) is None:
        return f"{CHROMIUM_ENV}={environ[CHROMIUM_ENV]} is not an executable file: point it at a Chromium-based browser"
    if find_chromium(environ) is None:
        return "no Chromium found: " + INSTALL_HINT
    return None


def skip_or_fail_unless_runnable(environ: Mapping[str, str] = os.environ) -> None:
    """Return when the browser tests can run here; otherwise skip them with what is missing and how to install
    it, or fail when $TUTORIAL_REQUIRE_BROWSER is 1 (CI sets it)."""
    missing = missing_requirement(environ)
    if missing is None:
        return
    if environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but {missing}")
    pytest.skip(missing)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_site(project: Path, site: Path, extra_folders: dict[str, Path]) -> None:
    """A folder for the server: a copy of notebooks/ and each extra folder (e.g. test fixtures) copied under its
    name. The kernel imports the course package as a learner's does: installed in the environment, by name."""
    site.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    shutil.copytree(project / "notebooks", site / "notebooks", ignore=ignore)
    for name, folder in extra_folders.items():
        shutil.copytree(folder, site / name, ignore=ignore)
    for copy in site.rglob("*.ipynb"):  # start clean: old outputs or counts must not pass for this run's
        notebook = json.loads(copy.read_text(encoding="utf-8"))
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"], cell["execution_count"] = [], None
        copy.write_text(json.dumps(notebook, indent=1), encoding="utf-8")


class LabServer:
    """JupyterLab on 127.0.0.1, a free port and a random token, with fresh settings; always stopped on exit."""

    def __init__(self, site: Path, state: Path, log: Path, env: dict[str, str] | None = None, offline: bool = True):
        self.site, self.state, self.log_path, self.offline = site, state, log, offline
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.env = dict(os.environ if env is None else env)
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.base}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def _prepare(self) -> dict[str, str]:
        for name, value in LAB_SETTINGS.items():
            path = self.state / "settings" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value), encoding="utf-8")
        startup = self.state / "ipython" / "profile_default" / "startup" / "00-offline.py"
        startup.parent.mkdir(parents=True, exist_ok=True)
        if self.offline:
            startup.write_text(OFFLINE_STARTUP, encoding="utf-8")
        env = dict(self.env)
        env.pop("MPLBACKEND", None)  # a learner's kernel draws inline; Agg (set for nbval) would show no plots
        env.pop("TF_CPP_MIN_LOG_LEVEL", None)  # what 'python3 tasks.py lab' gives a learner's kernels, not the tests'
        env.pop("PYTEST_CURRENT_TEST", None)  # with it, ipykernel would not show C-level output, as it does for learners
        # A learner's kernel: JupyterLab and Chromium share the CPU with it, as on a learner's laptop, so a figure about
        # the machine gives a verdict here, never an error. nbval holds the same figures to their goals (strict).
        env.pop("TUTORIAL_STRICT", None)
        env = tasks.lab_environment(env)
        env.update({
            "JUPYTERLAB_SETTINGS_DIR": str(self.state / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.state / "workspaces"),
            "JUPYTER_CONFIG_DIR": str(self.state / "config"),
            "JUPYTER_RUNTIME_DIR": str(self.state / "runtime"),
            "IPYTHONDIR": str(self.state / "ipython"),
        })
        return env

    def __enter__(self) -> LabServer:
        env = self._prepare()
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={self.port}",
               "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.site}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self._log = open(self.log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in __exit__)
        from tf2_hands_on.workers import _death_signal_setter  # the server (and so its kernels) dies with this process

        self.process = subprocess.Popen(cmd, cwd=self.site, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True, preexec_fn=_death_signal_setter())
        try:
            self._wait_until_up(timeout=90)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode} before it was ready:\n"
                                   + self.log_path.read_text(encoding="utf-8")[-3000:])
            with contextlib.suppress(OSError, ValueError):
                self.api("/api/status")
                return
            time.sleep(0.5)
        raise RuntimeError(f"JupyterLab did not answer on {self.base} within {timeout:.0f} s:\n"
                           + self.log_path.read_text(encoding="utf-8")[-3000:])

    def shutdown_kernels(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            for kernel in self.api("/api/kernels"):
                self.api(f"/api/kernels/{kernel['id']}", method="DELETE")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.shutdown_kernels()
            with contextlib.suppress(OSError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()


@dataclass
class Run:
    """What one notebook looked like in the browser after Run All."""

    notebook: str
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    images_on_page: int = 0
    images_saved: int = 0
    screenshot: Path | None = None
    blocked_requests: list[str] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)  # the page's cells: index, code, prompt, outputs, text
    first_error_cell: int | None = None  # its index (0-based) among all cells
    solutions_checked: int = 0  # solution cells found hidden on the page


# Read the page's notebook in one go: every cell's prompt and, with withText (as at the end), its outputs and their
# text. Without it (while polling) it reads prompts only: textContent, no layout, so polling does not slow the page.
READ_CELLS = """(withText) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  return Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell')).map((cell, index) => ({
    index,
    code: cell.classList.contains('jp-CodeCell'),
    prompt: (cell.querySelector('.jp-InputArea-prompt') || {}).textContent || '',
    ...(withText ? {
      outputs: cell.querySelectorAll('.jp-OutputArea-output').length,
      text: Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map(o => o.innerText).join('\\n'),
    } : {}),
  }));
}"""

READ_IMAGES = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  return Array.from(panel.querySelectorAll('.jp-OutputArea-output img')).map(img => ({
    cell: Array.from(panel.querySelectorAll('.jp-Notebook .jp-Cell')).indexOf(img.closest('.jp-Cell')),
    ok: img.complete && img.naturalWidth > 0,
  }));
}"""


def _first_line(cell_source: list[str] | str) -> str:
    text = "".join(cell_source).strip()
    return text.splitlines()[0][:100] if text else "(empty)"


def _menu(page, menu: str, item: str) -> None:
    """Click ``menu`` in the menu bar, then its item labelled exactly ``item``, as a learner does."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{re.escape(menu)}$")).first.click()
    page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                 has_text=re.compile(f"^{re.escape(item)}$")).first.click()


def _dialog_text(page) -> str | None:
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        return dialog.first.inner_text()
    return None


def run_notebook(server: LabServer, browser, relative: str, artifacts: Path, timeout: float) -> Run:
    """Open ``relative`` (a path under the server's root) in a fresh workspace, Run All through the menus, wait
    for the kernel to finish, save, and compare what the page shows with the saved notebook."""
    run = Run(relative)
    stem = Path(relative).stem
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def note_other_hosts(request):  # CHROMIUM_ARGS make other hosts unresolvable; this names any attempt
        if not request.url.startswith((server.base, "data:", "blob:")):
            run.blocked_requests.append(request.url)

    context.on("request", note_other_hosts)
    page = context.new_page()
    start = time.monotonic()
    try:
        workspace = f"browser-test-{secrets.token_hex(4)}"  # a new, empty workspace: no restored tabs
        page.goto(f"{server.base}/lab/workspaces/{workspace}/tree/{relative}?reset&token={server.token}")
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
        _wait_for_kernel(page, server, relative, timeout=120)
        _menu(page, "Run", "Run All Cells")
        cells = _wait_for_finish(page, run, timeout)
        run.seconds = time.monotonic() - start
        if not cells:
            if not run.problems:
                run.problems.append("the notebook disappeared from the page before it could be read")
            return run
        run.cells = cells
        saved = _save_and_read(page, server, relative, run)
        _compare(page, run, cells, saved)
        _check_solutions_hidden(page, run, saved)
        _show_in_screenshot(page, run.first_error_cell if run.first_error_cell is not None else len(cells) - 1)
    finally:
        run.seconds = run.seconds or time.monotonic() - start
        shot = artifacts / f"{stem}.png"
        with contextlib.suppress(Exception):
            artifacts.mkdir(parents=True, exist_ok=True)
            shot.unlink(missing_ok=True)  # never leave an older run's picture under this run's name
            page.screenshot(path=str(shot))
            run.screenshot = shot
        with contextlib.suppress(Exception):
            context.close()
        server.shutdown_kernels()
    return run


def _wait_for_kernel(page, server: LabServer, relative: str, timeout: float) -> None:
    """Wait until the notebook's kernel has started and is idle, on the server and on the page (Run All before
    that would open JupyterLab's Select Kernel dialog)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sessions = server.api("/api/sessions")
        if any(s["path"] == relative and (s.get("kernel") or {}).get("execution_state") == "idle" for s in sessions):
            break
        page.wait_for_timeout(500)  # not time.sleep: Playwright handles the page's events only inside its calls
    else:
        raise RuntimeError(f"the kernel for {relative} did not start within {timeout:.0f} s")
    page.locator(".jp-StatusBar-Widget", has_text="Idle").first.wait_for(timeout=timeout * 1000)


def _wait_for_finish(page, run: Run, timeout: float) -> list[dict] | None:
    """Poll until no code cell is queued or running ([*]) and the kernel is idle, three times in a row."""
    deadline, quiet = time.monotonic() + timeout, 0
    cells: list[dict] = []
    while time.monotonic() < deadline:
        dialog = _dialog_text(page)
        if dialog:
            running = [c for c in cells if c["code"] and "*" in c["prompt"]]
            where = f" while cell {running[0]['index'] + 1} was running" if running else ""
            run.problems.append(f"JupyterLab showed a dialog{where}: {dialog.strip()[:1000]}")
            return None
        cells = page.evaluate(READ_CELLS, False) or []
        idle = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").count() > 0
        started = any(c["code"] and any(ch.isdigit() for ch in c["prompt"]) for c in cells)
        busy = any(c["code"] and "*" in c["prompt"] for c in cells)
        quiet = quiet + 1 if (idle and started and not busy) else 0
        if quiet >= 3:
            return page.evaluate(READ_CELLS, True)
        page.wait_for_timeout(1500)
    cells = page.evaluate(READ_CELLS, True) or []
    running = [c for c in cells if c["code"] and "*" in c["prompt"]]
    where = (f"; cell {running[0]['index'] + 1} was still running; its output so far:\n{running[0]['text'][-1500:]}"
             if running else "")
    run.problems.append(f"the notebook did not finish within {timeout:.0f} s{where}")
    return None


# Lines a learner's outputs must not hold: TensorFlow's native start-up messages, install advice that cannot work.
NOISE = ("absl::InitializeLog", "oneDNN custom operations", "You must install pydot")
SOLUTION_MARK = "def solution"  # a line of every solution cell's code, below its '#@title Solution' line


def _check_solutions_hidden(page, run: Run, saved: dict | None) -> None:
    """A solution cell's code is not on the page until the learner expands it (one click on its placeholder)."""
    solutions = [i for i, c in enumerate(saved["cells"] if saved else []) if "solution" in c["metadata"].get("tags", [])]
    if not solutions:
        return
    run.solutions_checked = len(solutions)
    cells = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")
    for i in solutions:
        cell = cells.nth(i)
        cell.scroll_into_view_if_needed(timeout=10_000)
        code = cell.get_by_text(SOLUTION_MARK)
        if code.count() and code.first.is_visible():
            run.problems.append(f"cell {i + 1} is a solution, and its code is on the page before it is expanded")
            return
    cell = cells.nth(solutions[0])  # expanding shows it
    cell.locator(".jp-InputPlaceholder").first.click(timeout=10_000)
    try:
        cell.get_by_text(SOLUTION_MARK).first.wait_for(state="visible", timeout=10_000)
    except Exception:  # playwright's TimeoutError
        run.problems.append(f"cell {solutions[0] + 1} is a solution, and a click on it did not show its code")


def _show_in_screenshot(page, index: int) -> None:
    """Scroll the notebook so the screenshot shows cell ``index`` (the first error, or the last cell)."""
    with contextlib.suppress(Exception):
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell").nth(index).scroll_into_view_if_needed(
            timeout=5000)


def _save_and_read(page, server: LabServer, relative: str, run: Run) -> dict | None:
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.click(position={"x": 5, "y": 5})
    page.keyboard.press("Escape")
    _menu(page, "File", "Save Notebook")
    try:
        page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").wait_for(state="detached", timeout=60_000)
    except Exception:  # playwright's TimeoutError
        run.problems.append("JupyterLab did not finish saving the notebook within 60 s")
        return None
    return json.loads((server.site / relative).read_text(encoding="utf-8"))


def _compare(page, run: Run, cells: list[dict], saved: dict | None) -> None:
    """The checks: no error on the page or in the saved file, every image rendered, as many images as the saved
    notebook has image/png outputs, and output from the last code cell."""
    saved_cells = saved["cells"] if saved else []
    if saved and len(saved_cells) != len(cells):
        run.problems.append(f"the page shows {len(cells)} cells, the saved notebook has {len(saved_cells)}")
        return
    for i, cell in enumerate(saved_cells):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            code_number = sum(c["cell_type"] == "code" for c in saved_cells[: i + 1])
            page_text = cells[i]["text"].strip() or f"{errors[0].get('ename')}: {errors[0].get('evalue')}"
            run.first_error_cell = i
            run.problems.append(f"cell {i + 1} (code cell {code_number}, `{_first_line(cell['source'])}`) shows an "
                                f"error; the page says:\n{page_text[-2500:]}")
            break
    never_run = [i for i, c in enumerate(saved_cells) if c["cell_type"] == "code" and "".join(c["source"]).strip()
                 and c.get("execution_count") is None]  # JupyterLab does not run empty cells
    if never_run and not run.problems:
        run.problems.append(f"cell {never_run[0] + 1} (`{_first_line(saved_cells[never_run[0]]['source'])}`) was "
                            f"never run")
    with contextlib.suppress(Exception):  # give the last images a moment to decode
        page.wait_for_function("() => Array.from(document.querySelectorAll('.jp-OutputArea-output img'))"
                               ".every(img => img.complete)", timeout=10_000)
    images = page.evaluate(READ_IMAGES)
    run.images_on_page = len(images)
    broken = [img["cell"] + 1 for img in images if not img["ok"]]
    if broken:
        run.problems.append(f"{len(broken)} image(s) did not render (cells {sorted(set(broken))})")
    if saved:
        run.images_saved = sum("image/png" in o.get("data", {}) for c in saved_cells for o in c.get("outputs", []))
        if run.images_saved != run.images_on_page:
            run.problems.append(f"the page shows {run.images_on_page} images, the saved notebook has "
                                f"{run.images_saved} image/png outputs")
    noisy = [(c["index"] + 1, mark) for c in cells if c.get("text") for mark in NOISE if mark in c["text"]]
    if noisy:
        run.problems.append(f"cell {noisy[0][0]} shows start-up noise a learner should not see: {noisy[0][1]!r}")
    code_cells = [c for c, saved_cell in zip(cells, saved_cells or [None] * len(cells), strict=True)
                  if c["code"] and (saved_cell is None or "".join(saved_cell["source"]).strip())]
    if code_cells and code_cells[-1]["outputs"] == 0:
        run.problems.append(f"the last code cell (cell {code_cells[-1]['index'] + 1}) shows no output")
    # Images the notebook's own Markdown links to (its Colab and Binder badges) may fail: offline they show as
    # alt text. Anything else the page asks of another host is a problem.
    own_links = "".join("".join(c["source"]) for c in saved_cells if c["cell_type"] == "markdown")
    elsewhere = [url for url in run.blocked_requests if url not in own_links]
    if elsewhere:
        run.problems.append(f"the page tried to load {len(elsewhere)} thing(s) from other hosts (offline they "
                            f"fail), e.g. {elsewhere[0]}")
