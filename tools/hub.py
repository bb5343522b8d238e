"""One JupyterHub for a workshop room, on this machine (127.0.0.1 only): ``python3 tasks.py hub``.

    python3 tasks.py hub [--users N] [--port 8000] [--mem-limit 2G] [--cpu-limit 1]   # until Ctrl-C
    python3 tasks.py hub --check [--users 3] [--notebooks 00 03]   # log N learners in, run the notebooks, stop
    python3 tasks.py hub --link https://hub.example.org   # the nbgitpuller link for a deployed hub (deploy/)

A real JupyterHub (its Python proxy, ``configurable-http-proxy`` from PyPI: no Node.js), a test authenticator
(JupyterHub's ``DummyAuthenticator``: learners ``learner1``..``learnerN``, one shared password), and a local spawner
(:mod:`tools.hub_spawner`) that gives each learner a home folder under the hub's state folder, pulls the course into
it nbgitpuller-style (:func:`sync_course`: an edited notebook is never overwritten) and, as root, holds each learner's
server and kernels to a memory limit and a CPU quota (cgroup v1, :class:`Cgroup`). It is the local twin of the
deployment recipes in ``deploy/`` (TLJH, Zero to JupyterHub), for rehearsing a workshop and for the tests.

``--check`` logs the learners in concurrently through the Hub's REST API, starts each one's server, runs the
notebooks in it through the server's kernel API (a session per notebook, every code cell over the kernel's
websocket), measures each learner's peak memory and CPU time against the limits while polling the proxy, prints the
results as JSON and stops everything. Exit code 1 if a notebook failed, a limit was crossed or the proxy missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import hashlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE_DIR = "tf2-hands-on-course"  # in each learner's home
MANIFEST = ".course-sync.json"  # in the course folder: the checksum of every file as last pulled
PASSWORD_ENV = "TUTORIAL_HUB_PASSWORD"
CGROUP_ROOT = Path("/sys/fs/cgroup")
CONTROLLERS = ("memory", "cpu", "cpuacct")


# --- the course in each home, nbgitpuller-style ---------------------------------------------------------------------

def course_files(root: str | os.PathLike = ROOT) -> dict[str, Path]:
    """What a learner gets, by path relative to the course folder: the numbered notebooks and the course package."""
    root = Path(root)
    found = {f"notebooks/{p.name}": p for p in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
    for path in sorted((root / "tf2_hands_on").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            found[path.relative_to(root).as_posix()] = path
    return found


def course_dir(home: str | os.PathLike) -> Path:
    return Path(home) / COURSE_DIR


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sync_course(files: dict[str, Path], dest: Path) -> dict[str, list[str]]:
    """Pull ``files`` into ``dest`` with nbgitpuller's rules, and say what happened to each file.

    A file the learner has not touched since the last pull is updated; a new or deleted file is (re)written; a file
    the learner edited is kept as it is ("kept"), so a pull never loses a learner's work. The checksums of what was
    last pulled are kept in ``dest/.course-sync.json``."""
    dest.mkdir(parents=True, exist_ok=True)
    manifest_file = dest / MANIFEST
    pulled = json.loads(manifest_file.read_text(encoding="utf-8")) if manifest_file.exists() else {}
    changes: dict[str, list[str]] = {"added": [], "updated": [], "kept": [], "unchanged": []}
    for rel, source in files.items():
        target, new = dest / rel, _sha256(source)
        if not target.exists():
            kind = "added"
        else:
            have = _sha256(target)
            if have == new:
                changes["unchanged"].append(rel)
                pulled[rel] = new
                continue
            if have != pulled.get(rel):  # edited by the learner since the last pull (or never pulled): theirs wins
                changes["kept"].append(rel)
                continue
            kind = "updated"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        pulled[rel] = new
        changes[kind].append(rel)
    manifest_file.write_text(json.dumps(pulled, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return changes


def nbgitpuller_link(hub_url: str, repository: str | None = None, branch: str | None = None,
                     notebook: str = "notebooks/00_environment_check.ipynb") -> str:
    """The nbgitpuller link that pulls the course into a learner's home on ``hub_url`` and opens ``notebook`` in
    JupyterLab; the repository and branch default to ``[tool.tutorial]`` in pyproject.toml (a fork's, after
    ``tasks.py fork``). The hub's image needs nbgitpuller (binder/requirements.txt has it)."""
    from urllib.parse import urlencode

    from tools.nbtools import settings

    tutorial = settings()
    repository, branch = repository or tutorial["repository"], branch or tutorial["branch"]
    name = repository.rstrip("/").rsplit("/", 1)[-1]
    query = urlencode({"repo": f"https://github.com/{repository}", "branch": branch,
                       "urlpath": f"lab/tree/{name}/{notebook}"})
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


# --- limits: one cgroup v1 per learner ------------------------------------------------------------------------------

@dataclass
class Cgroup:
    """A cgroup named ``name`` in the memory, cpu and cpuacct hierarchies of cgroup v1 (root only)."""

    name: str
    root: Path = CGROUP_ROOT

    @classmethod
    def available(cls, root: Path = CGROUP_ROOT) -> str | None:
        """None when this process can create cgroups here, else why not (a sentence)."""
        for controller in CONTROLLERS:
            folder = root / controller
            if not (folder / "cgroup.procs").exists():
                return f"no cgroup v1 '{controller}' hierarchy at {folder}"
            if not os.access(folder, os.W_OK):
                return f"{folder} is not writable (run as root to enforce the limits)"
        return None

    def folder(self, controller: str) -> Path:
        return self.root / controller / self.name

    def create(self, *, memory_bytes: int | None, cpus: float | None) -> None:
        for controller in CONTROLLERS:
            self.folder(controller).mkdir(parents=True, exist_ok=True)
        if memory_bytes:
            (self.folder("memory") / "memory.limit_in_bytes").write_text(str(int(memory_bytes)))
        if cpus:
            period = int((self.folder("cpu") / "cpu.cfs_period_us").read_text())
            (self.folder("cpu") / "cpu.cfs_quota_us").write_text(str(int(cpus * period)))

    def join(self, pid: int) -> None:
        for controller in CONTROLLERS:
            (self.folder(controller) / "cgroup.procs").write_text(str(pid))

    def pids(self) -> list[int]:
        try:
            return [int(p) for p in (self.folder("memory") / "cgroup.procs").read_text().split()]
        except FileNotFoundError:
            return []

    def _read(self, controller: str, name: str) -> str:
        return (self.folder(controller) / name).read_text()

    def peak_memory_mib(self) -> float:
        """The cgroup's peak memory as the kernel counted it (with page cache), in MiB."""
        return int(self._read("memory", "memory.max_usage_in_bytes")) / 2**20

    def oom_kills(self) -> int:
        for line in self._read("memory", "memory.oom_control").splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0  # an older kernel without the counter

    def cpu_seconds(self) -> float:
        return int(self._read("cpuacct", "cpuacct.usage")) / 1e9

    def throttled_periods(self) -> int:
        stats = dict(line.split() for line in self._read("cpu", "cpu.stat").splitlines())
        return int(stats.get("nr_throttled", 0))

    def kill_and_remove(self, timeout: float = 10.0) -> None:
        """Kill whatever is still in the cgroup, then remove it from every hierarchy."""
        deadline = time.monotonic() + timeout
        while self.pids() and time.monotonic() < deadline:
            for pid in self.pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.1)
        for controller in CONTROLLERS:
            with contextlib.suppress(OSError):  # gone already, or still busy: the next controller all the same
                self.folder(controller).rmdir()


# --- the hub --------------------------------------------------------------------------------------------------------

def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a server binds: a closed port's TIME_WAIT is fine
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def parse_bytes(text: str) -> int:
    """'2G', '512M', '1.5G' or a number of bytes, as JupyterHub's mem_limit reads them."""
    units = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    text = text.strip().upper()
    if text[-1:] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


@dataclass
class HubSettings:
    state: Path  # the hub's database, configuration, log and the learners' homes
    users: int = 3
    port: int = 8000
    mem_limit: str = "2G"
    cpu_limit: float = 1.0
    profile: str | None = None  # TUTORIAL_PROFILE in the learners' kernels (None: the default profile)
    password: str = field(default_factory=lambda: os.environ.get(PASSWORD_ENV) or secrets.token_urlsafe(9))
    enforce: bool = True  # hold the limits with cgroups (root); else only advertise them

    @property
    def learners(self) -> list[str]:
        return [f"learner{i}" for i in range(1, self.users + 1)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def home(self, user: str) -> Path:
        return self.state / "home" / user

    @property
    def cgroup_parent(self) -> str:
        return f"tf2-hands-on-hub-{self.port}" if self.enforce else ""


def write_config(settings: HubSettings, proxy_api_port: int, hub_port: int) -> Path:
    """The hub's jupyterhub_config.py, in its state folder."""
    bin_dir = Path(sys.executable).parent
    environment = {"TF_CPP_MIN_LOG_LEVEL": "2"}
    for name in ("TUTORIAL_DATA_DIR", "KERAS_HOME"):
        if os.environ.get(name):
            environment[name] = os.environ[name]
    if settings.profile:
        environment["TUTORIAL_PROFILE"] = settings.profile
    values = {
        "port": settings.port, "hub_port": hub_port, "proxy_api": f"http://127.0.0.1:{proxy_api_port}",
        "proxy_cmd": [str(bin_dir / "configurable-http-proxy")], "state": str(settings.state),
        "learners": settings.learners, "password": settings.password, "environment": environment,
        # A room's hub runs as root in a VM or container (TLJH does too): the servers then need --allow-root.
        "cmd": [sys.executable, "-m", "jupyterhub.singleuser", *["--allow-root"] * (os.geteuid() == 0)], "homes": str(settings.state / "home"),
        "mem_limit": settings.mem_limit, "cpu_limit": settings.cpu_limit, "root": str(ROOT),
        "cgroup_parent": settings.cgroup_parent,
    }
    config = settings.state / "jupyterhub_config.py"
    config.touch(mode=0o600)  # it holds the learners' password: readable by this user only
    config.chmod(0o600)
    config.write_text(CONFIG_TEMPLATE.format(values=json.dumps(values, indent=1)), encoding="utf-8")
    return config


CONFIG_TEMPLATE = '''# Written by tools/hub.py (python3 tasks.py hub); rewritten at every start.
import json, sys
v = json.loads(r"""{values}""")
sys.path.insert(0, v["root"])
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = v["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = v["hub_port"]
c.JupyterHub.db_url = "sqlite:///" + v["state"] + "/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = v["state"] + "/jupyterhub_cookie_secret"
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every learner's server
c.ConfigurableHTTPProxy.command = v["proxy_cmd"]  # the Python port from PyPI: no Node.js needed
c.ConfigurableHTTPProxy.api_url = v["proxy_api"]
c.ConfigurableHTTPProxy.pid_file = v["state"] + "/proxy.pid"
c.JupyterHub.authenticator_class = "dummy"  # a test authenticator: one shared password
c.DummyAuthenticator.password = v["password"]
c.Authenticator.allowed_users = set(v["learners"])
c.JupyterHub.spawner_class = "tools.hub_spawner.CourseSpawner"
c.Spawner.cmd = v["cmd"]
c.Spawner.environment = v["environment"]
c.Spawner.mem_limit = v["mem_limit"]
c.Spawner.cpu_limit = v["cpu_limit"]
c.Spawner.default_url = "/lab/tree/tf2-hands-on-course/notebooks/00_environment_check.ipynb"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.SimpleLocalProcessSpawner.home_dir_template = v["homes"] + "/{{username}}"
c.CourseSpawner.course_source = v["root"]
c.CourseSpawner.cgroup_parent = v["cgroup_parent"]
'''


class LocalHub:
    """JupyterHub started on 127.0.0.1 in its own process group; a with-block always stops it and every server."""

    def __init__(self, settings: HubSettings):
        self.settings = settings
        self.process: subprocess.Popen | None = None
        self.log_path = settings.state / "jupyterhub.log"

    def __enter__(self) -> LocalHub:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self, timeout: float = 90.0) -> None:
        s = self.settings
        if not port_is_free(s.port):
            raise RuntimeError(f"port {s.port} on 127.0.0.1 is taken (another hub or server?): stop it, or pass "
                               f"--port with a free port")
        if s.enforce and (why := Cgroup.available()):
            raise RuntimeError(f"cannot enforce the per-learner limits: {why}. Run as root, or pass --no-enforce to "
                               f"only advertise them (MEM_LIMIT, CPU_LIMIT)")
        s.state.mkdir(parents=True, exist_ok=True)
        s.state.chmod(0o700)  # the hub's database, cookie secret and configuration: this user's only
        config = write_config(s, free_port(), free_port())
        env = {k: v for k, v in os.environ.items() if k not in ("TUTORIAL_HOME", "TUTORIAL_PROFILE")}
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=s.state, env=env,
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterHub exited with code {self.process.returncode} before it was ready; "
                                   f"its log ({self.log_path}) ends:\n{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.5)
        raise RuntimeError(f"JupyterHub did not answer within {timeout:.0f} s; its log ends:\n{self.log_tail()}")

    def healthy(self) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(self.settings.url + "hub/health", timeout=5) as r:
                return r.status == 200
        except OSError:
            return False

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:] if self.log_path.exists() else ""

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM the hub (it stops every server and its proxy), then kill whatever is left: its process group, the
        learners' cgroups (their servers run in sessions of their own)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._kill_proxy()
        for user in self.settings.learners:
            if self.settings.cgroup_parent:
                Cgroup(f"{self.settings.cgroup_parent}/{user}").kill_and_remove()
        if self.settings.cgroup_parent:
            Cgroup(self.settings.cgroup_parent).kill_and_remove()
        self._kill_strays()
        if getattr(self, "_log", None) is not None:
            self._log.close()

    def _kill_proxy(self) -> None:
        """The proxy runs in a session of its own: when the hub could not stop it (killed), kill it by its pid file."""
        import psutil

        with contextlib.suppress(OSError, ValueError, psutil.Error):
            proxy = psutil.Process(int((self.settings.state / "proxy.pid").read_text().strip()))
            if "configurable-http-proxy" in " ".join(proxy.cmdline()):  # not a pid reused by another program
                proxy.kill()

    def _kill_strays(self) -> None:
        """Without cgroups: any process still working in a learner's home (a server whose hub was killed)."""
        import psutil

        homes = str(self.settings.state / "home")
        for proc in psutil.process_iter():
            with contextlib.suppress(psutil.Error):
                if proc.cwd().startswith(homes):
                    proc.kill()

    def server_pid(self, user: str) -> int | None:
        """The pid of ``user``'s single-user server: the hub's child working in the learner's home."""
        import psutil

        home = str(self.settings.home(user))
        for child in psutil.Process(self.process.pid).children():
            with contextlib.suppress(psutil.Error):
                if child.cwd() == home:
                    return child.pid
        return None


# --- --check: learners at work, measured ----------------------------------------------------------------------------

def _notebook_path(number: str) -> str:
    found = sorted((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
    if not found:
        raise SystemExit(f"error: no notebook numbered {number!r} in {ROOT / 'notebooks'}")
    return f"{COURSE_DIR}/notebooks/{found[0].name}"


class _Api:
    """The hub's and a learner's server's REST APIs, through the proxy, as one learner (token auth)."""

    def __init__(self, base: str):
        from tornado.httpclient import AsyncHTTPClient

        self.base, self.client, self.token = base, AsyncHTTPClient(), None

    async def call(self, path: str, method: str = "GET", body=None, timeout: float = 60.0):
        from tornado.httpclient import HTTPClientError

        headers = {"Authorization": f"token {self.token}"} if self.token else {}
        try:
            response = await self.client.fetch(self.base + path, method=method, headers=headers,
                                               body=None if body is None and method == "GET" else json.dumps(body or {}),
                                               request_timeout=timeout, allow_nonstandard_methods=True)
        except HTTPClientError as e:
            text = e.response.body.decode(errors="replace")[:500] if e.response else ""
            raise RuntimeError(f"{method} {path}: HTTP {e.code} {text}") from None
        return json.loads(response.body) if response.body else None


async def _execute(ws, session: str, code: str, timeout: float) -> dict:
    """Run one cell on the kernel's websocket; return its execute_reply's content (with the error, if any)."""
    msg_id = uuid.uuid4().hex
    await ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "hub-check", "session": session,
                   "date": datetime.datetime.now(datetime.UTC).isoformat(), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    deadline = time.monotonic() + timeout
    while True:
        raw = await asyncio.wait_for(ws.read_message(), max(1.0, deadline - time.monotonic()))
        if raw is None:
            raise RuntimeError("the kernel's websocket closed (the kernel died: out of memory?)")
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["msg_type"] == "execute_reply":
            return msg["content"]


async def _run_notebook(api: _Api, user: str, path: str, cell_timeout: float) -> dict:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    start = time.perf_counter()
    nb = (await api.call(f"user/{user}/api/contents/{path}"))["content"]  # the learner's own copy
    session = await api.call(f"user/{user}/api/sessions", "POST", {
        "path": path, "type": "notebook", "name": Path(path).name, "kernel": {"name": "python3"}})
    client_session, result = uuid.uuid4().hex, {"notebook": Path(path).stem, "status": "ok", "error": None}
    ws = None
    try:
        url = api.base.replace("http://", "ws://") + \
            f"user/{user}/api/kernels/{session['kernel']['id']}/channels?session_id={client_session}"
        ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {api.token}"}))
        for i, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
            code = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            reply = await _execute(ws, client_session, code, cell_timeout)
            if reply["status"] != "ok":
                result.update(status="error", error=f"code cell {i}: {reply.get('ename')}: {reply.get('evalue')}"[:300])
                break
    except Exception as e:  # a dead kernel, a timeout, a closed websocket
        result.update(status="error", error=f"{type(e).__name__}: {e}"[:300])
    finally:
        if ws is not None:
            ws.close()
        with contextlib.suppress(Exception):
            await api.call(f"user/{user}/api/sessions/{session['id']}", "DELETE")
    result["wall_s"] = round(time.perf_counter() - start, 1)
    return result


async def _learner(hub: LocalHub, user: str, notebooks: list[str], cell_timeout: float) -> dict:
    from tf2_hands_on import memory

    s, api = hub.settings, _Api(hub.settings.url)
    start = time.perf_counter()
    token = await api.call(f"hub/api/users/{user}/tokens", "POST", {  # log in: the authenticator checks the password
        "auth": {"username": user, "password": s.password}, "note": "tasks.py hub --check"})
    api.token = token["token"]
    await api.call(f"hub/api/users/{user}/server", "POST")
    while not (await api.call(f"hub/api/users/{user}"))["servers"].get("", {}).get("ready"):
        if time.perf_counter() - start > 180:
            raise RuntimeError(f"{user}'s server did not start within 180 s; the hub's log:\n{hub.log_tail()}")
        await asyncio.sleep(0.5)
    ready_s = time.perf_counter() - start
    pid = hub.server_pid(user)
    if pid is None:
        raise RuntimeError(f"{user}'s server is ready, but no process of the hub works in {s.home(user)}")
    server_mib = memory.rss_mib(pid)  # the server alone, before any kernel (tools/sizing.py's SERVER_MIB)
    sampler = memory.Sampler(pid, interval_s=0.2).start()  # the server and its kernels (and their children)
    try:
        runs = [await _run_notebook(api, user, _notebook_path(n), cell_timeout) for n in notebooks]
    finally:
        peak = sampler.stop()
    entry = {"user": user, "server_ready_s": round(ready_s, 1), "notebooks": runs, "server_mib": round(server_mib, 1),
             "peak_tree_mib": round(peak, 1),
             "wall_s": round(time.perf_counter() - start, 1)}
    if s.cgroup_parent:
        group = Cgroup(f"{s.cgroup_parent}/{user}")
        entry.update(cgroup_peak_mib=round(group.peak_memory_mib(), 1), oom_kills=group.oom_kills(),
                     cpu_s=round(group.cpu_seconds(), 1), throttled_periods=group.throttled_periods())
    await api.call(f"hub/api/users/{user}/server", "DELETE")
    return entry


async def _poll_proxy(hub: LocalHub, stop: asyncio.Event, every_s: float = 0.5) -> dict:
    """GET /hub/health through the proxy until ``stop``: how many answered, how many did not, the slowest."""
    from tornado.httpclient import AsyncHTTPClient

    client, polls, failures, slowest = AsyncHTTPClient(), 0, [], 0.0
    while not stop.is_set():
        t = time.perf_counter()
        try:
            r = await client.fetch(hub.settings.url + "hub/health", request_timeout=10, raise_error=False)
            if r.code != 200:
                failures.append(f"HTTP {r.code}")
        except Exception as e:
            failures.append(f"{type(e).__name__}: {e}")
        polls, slowest = polls + 1, max(slowest, time.perf_counter() - t)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)
    return {"polls": polls, "failures": failures, "slowest_s": round(slowest, 2)}


async def _check(hub: LocalHub, notebooks: list[str], cell_timeout: float) -> dict:
    stop = asyncio.Event()
    poller = asyncio.ensure_future(_poll_proxy(hub, stop))
    try:
        learners = await asyncio.gather(*(_learner(hub, u, notebooks, cell_timeout) for u in hub.settings.learners),
                                        return_exceptions=True)
    finally:
        stop.set()
        proxy = await poller
    return {"learners": [x if isinstance(x, dict) else {"error": f"{type(x).__name__}: {x}"} for x in learners],
            "proxy": proxy}


def problems(result: dict) -> list[str]:
    """What a --check result says went wrong (empty: every learner ran every notebook within the limits)."""
    found, limits = [], result["limits"]
    for entry in result["learners"]:
        if "error" in entry:
            found.append(entry["error"])
            continue
        user = entry["user"]
        found += [f"{user}: {nb['notebook']}: {nb['error']}" for nb in entry["notebooks"] if nb["status"] != "ok"]
        if entry["peak_tree_mib"] >= limits["mem_mib"]:
            found.append(f"{user}: peak {entry['peak_tree_mib']} MiB is not under the limit {limits['mem_mib']} MiB")
        if entry.get("oom_kills"):
            found.append(f"{user}: the memory limit killed {entry['oom_kills']} process(es)")
        if "cpu_s" in entry and entry["cpu_s"] > limits["cpus"] * entry["wall_s"] * 1.05 + 1:
            found.append(f"{user}: {entry['cpu_s']} CPU-s in {entry['wall_s']} s is above {limits['cpus']} CPU(s)")
    if result["proxy"]["failures"]:
        found.append(f"the proxy missed {len(result['proxy']['failures'])} of {result['proxy']['polls']} polls: "
                     f"{result['proxy']['failures'][:3]}")
    return found


def check(settings: HubSettings, notebooks: list[str], cell_timeout: float = 600.0) -> dict:
    """Start the hub, run ``notebooks`` for every learner at once, stop everything; return what was measured."""
    for n in notebooks:
        _notebook_path(n)
    start = time.perf_counter()
    with LocalHub(settings) as hub:
        started = time.perf_counter() - start
        result = asyncio.run(_check(hub, notebooks, cell_timeout))
    result.update(hub_start_s=round(started, 1), wall_s=round(time.perf_counter() - start, 1),
                  limits={"mem_mib": parse_bytes(settings.mem_limit) / 2**20, "cpus": settings.cpu_limit,
                          "enforced": bool(settings.cgroup_parent)},
                  profile=settings.profile or "default", notebooks=notebooks)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py hub", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=3, help="learner accounts learner1..N (default 3)")
    parser.add_argument("--port", type=int, default=8000, help="the hub's port on 127.0.0.1 (default 8000)")
    parser.add_argument("--mem-limit", default="2G", help="memory limit per learner (default 2G, as Binder)")
    parser.add_argument("--cpu-limit", type=float, default=1.0, help="CPUs per learner (default 1)")
    parser.add_argument("--state", default="build/hub", help="the hub's folder: database, log, homes (build/hub)")
    parser.add_argument("--no-enforce", action="store_true", help="only advertise the limits (no root needed)")
    parser.add_argument("--check", action="store_true", help="log the learners in, run the notebooks, stop")
    parser.add_argument("--notebooks", nargs="+", default=["00", "03"], help="for --check (default: 00 03)")
    parser.add_argument("--profile", choices=("smoke", "default"), help="TUTORIAL_PROFILE in the kernels "
                        "(default: smoke with --check, else the notebooks' default)")
    parser.add_argument("--link", metavar="HUB_URL", help="print the nbgitpuller link for a deployed hub, and exit")
    args = parser.parse_args(argv)
    if args.link:
        print(nbgitpuller_link(args.link))
        return 0
    if args.users < 1:
        parser.error("--users must be at least 1")
    try:
        parse_bytes(args.mem_limit)
    except ValueError:
        parser.error(f"--mem-limit {args.mem_limit!r}: give bytes or a size such as 2G or 1536M")
    def interrupt(signum, frame):  # kill, a closed terminal (tasks.py forwards both): stop everything as Ctrl-C does
        raise KeyboardInterrupt

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)
    settings = HubSettings(state=Path(args.state).resolve(), users=args.users, port=args.port, mem_limit=args.mem_limit,
                           cpu_limit=args.cpu_limit, profile=args.profile or ("smoke" if args.check else None),
                           enforce=not args.no_enforce)
    try:
        if args.check:
            result = check(settings, args.notebooks)
            print(json.dumps(result, indent=1))
            found = problems(result)
            print("\n".join(["PROBLEMS:", *found]) if found else "All learners ran every notebook within the limits.")
            return 1 if found else 0
        with LocalHub(settings):
            print(f"JupyterHub: {settings.url}  (learners: {', '.join(settings.learners)}; password: "
                  f"{settings.password}; set {PASSWORD_ENV} to choose it). Ctrl-C stops everything.", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
