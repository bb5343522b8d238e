"""What this machine is and whether it matches what the notebooks were tested on.

TensorFlow is imported only inside the functions that need it, so importing this module is cheap.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import platform as _platform
import sys
from dataclasses import dataclass

# The tested matrix: local and Binder installs pin TF 2.21 / Keras 3.15; Colab runs TF 2.20 / Keras 3.13.
TESTED = {
    "python": ((3, 11), (3, 13)),
    "tensorflow": ((2, 20), (2, 21)),
    "keras": ((3, 13), (3, 15)),
}
FIX_INSTALL = "run 'python3 tasks.py lab' (it creates .venv with requirements.txt), or 'pip install -r requirements.txt' in a fresh virtual environment"
FIX_COLAB = "Colab's own TensorFlow is supported: do not pip install tensorflow there; use Runtime > Disconnect and delete runtime for a fresh one"


@dataclass
class Finding:
    """One line of a pass/warn/fail table: ``status`` is pass, warn, fail or info."""

    check: str
    status: str
    detail: str
    fix: str = ""


def _major_minor(version: str) -> tuple[int, int]:
    parts = version.split(".")
    try:
        return int(parts[0]), int("".join(ch for ch in parts[1] if ch.isdigit()) or 0)
    except (IndexError, ValueError):
        return (0, 0)


def installed_version(package: str) -> str | None:
    """The installed version of a distribution, without importing it (None when absent)."""
    for dist in {"tensorflow": ("tensorflow", "tensorflow-cpu", "tensorflow-macos")}.get(package, (package,)):
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def check_version(name: str, version: str | None, platform: str = "local") -> Finding:
    """Compare one version with the tested matrix; a warning carries the fix for this platform."""
    low, high = TESTED[name]
    span = f"{low[0]}.{low[1]}-{high[0]}.{high[1]}"
    fix = FIX_COLAB if platform == "colab" else FIX_INSTALL
    if version is None:
        return Finding(name, "fail", "not installed", fix)
    if low <= _major_minor(version) <= high:
        return Finding(name, "pass", f"{version} (tested: {span})")
    return Finding(name, "warn", f"{version} is outside the tested {span}", fix)


def check_versions() -> list[Finding]:
    """Python, TensorFlow and Keras against the tested matrix."""
    python = ".".join(map(str, sys.version_info[:3]))
    where = platform_name()
    return [
        check_version("python", python, where),
        check_version("tensorflow", installed_version("tensorflow"), where),
        check_version("keras", installed_version("keras"), where),
    ]


def platform_name(environ=None, modules=None) -> str:
    """Where the notebook runs: ``colab``, ``binder``, ``ci`` or ``local``."""
    environ = os.environ if environ is None else environ
    modules = sys.modules if modules is None else modules
    if "google.colab" in modules or "COLAB_RELEASE_TAG" in environ:
        return "colab"
    if "BINDER_SERVICE_HOST" in environ or "BINDER_LAUNCH_HOST" in environ or "BINDER_REPO_URL" in environ:
        return "binder"
    if environ.get("CI", "").lower() in ("1", "true", "yes"):
        return "ci"
    return "local"


PLATFORM_ADVICE = {
    "colab": "Colab: pick a GPU with Runtime > Change runtime type for notebooks 06-07; files vanish when the session ends.",
    "binder": "Binder: 1-2 GB of RAM and 1 CPU, culled after 10 idle minutes; download anything you want to keep.",
    "ci": "CI: the smoke profile runs every notebook on small real-data subsets.",
    "local": "Local: everything runs on CPU; a GPU is used automatically when TensorFlow sees one.",
}


def _cgroup_value(*files: str) -> float | None:
    """The first readable number among cgroup files (v2, then v1); None when unlimited or absent."""
    for name in files:
        try:
            with open(name, encoding="ascii") as f:
                text = f.read().split()
        except OSError:
            continue
        if not text or text[0] == "max":
            return None
        if name.endswith("cpu.max"):
            return int(text[0]) / int(text[1]) if len(text) > 1 else None
        value = int(text[0])
        return None if value <= 0 or value >= 1 << 60 else float(value)
    return None


def _own_cgroup(controller: str) -> str:
    """This process's cgroup for ``controller`` (cgroup v1; "" means the v2 hierarchy), from /proc/self/cgroup, as
    a path relative to the hierarchy's root ("" for the root itself, or when it cannot be read)."""
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as f:
            for line in f:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if controller in controllers.split(",") or controllers == controller == "":
                    return path.strip("/")
    except (OSError, ValueError):
        pass
    return ""


def _cpu_quota() -> float | None:
    """The CPU quota of this process's cgroup in CPUs (1.5 = one and a half), cgroup v2 then v1; None when unlimited.

    The process's own cgroup is read first (a hub or a workshop script may put a kernel in a child cgroup), then the
    hierarchy's root (a container sees its own cgroup there)."""
    own_v2, own_v1 = _own_cgroup(""), _own_cgroup("cpu")
    quota = _cgroup_value(*[f"/sys/fs/cgroup/{own_v2}/cpu.max"] * bool(own_v2), "/sys/fs/cgroup/cpu.max")
    if quota is None:
        for folder in [f"/sys/fs/cgroup/cpu/{own_v1}"] * bool(own_v1) + ["/sys/fs/cgroup/cpu"]:
            q, p = _cgroup_value(f"{folder}/cpu.cfs_quota_us"), _cgroup_value(f"{folder}/cpu.cfs_period_us")
            if q and p:
                return q / p
    return quota


def cpu_cores() -> int:
    """CPU cores this process may use: affinity, and a container's CPU quota (Binder gives 1)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    quota = _cpu_quota()
    return max(1, min(cores, int(-(-quota // 1)))) if quota else cores


THREAD_VARIABLES = ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")  # read by TensorFlow's C++ when it starts


def tensorflow_threads(environ=None) -> dict[str, str]:
    """The sizes of TensorFlow's two thread pools for this process, as the environment variables TensorFlow reads.

    TensorFlow sizes its pools from the CPUs the process's affinity allows, not from a container's CPU quota
    (tensorflow/tensorflow#17206): 40 kernels on a 32-core machine would each start 32 threads. This gives both pools
    :func:`cpu_cores` threads, as TensorFlow itself does under an affinity of that many CPUs, capped by
    ``CPU_LIMIT`` (which JupyterHub's spawners set to the user's CPU limit). A value already in ``environ`` (the
    learner's own) is kept. Set them before TensorFlow is imported: the course's kernel does
    (:mod:`tf2_hands_on.kernel`)."""
    environ = os.environ if environ is None else environ
    cores = cpu_cores()
    try:
        limit = float(environ.get("CPU_LIMIT") or 0)
    except ValueError:
        limit = 0.0
    if limit > 0:
        cores = max(1, min(cores, int(-(-limit // 1))))
    return {name: environ.get(name) or str(cores) for name in THREAD_VARIABLES}


def threads_finding(environ=None) -> Finding:
    """Whether TensorFlow's thread pools fit the CPUs this process may use (see :func:`tensorflow_threads`)."""
    environ = os.environ if environ is None else environ
    cores = cpu_cores()
    intra, inter = (environ.get(name) for name in THREAD_VARIABLES)
    if intra and inter:
        return Finding("TensorFlow threads", "pass", f"{intra} per op, {inter} between ops ({cores} usable cores)")
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count() or 1
    if affinity <= cores:
        return Finding("TensorFlow threads", "pass", f"{affinity}, TensorFlow's default ({cores} usable cores)")
    return Finding("TensorFlow threads", "warn", f"{affinity} per pool, but this container's quota gives {cores} cores",
                   "use the course's kernel (python3 tasks.py lab), or set TF_NUM_INTRAOP_THREADS and "
                   f"TF_NUM_INTEROP_THREADS to {cores} before starting Jupyter")


def cpu_model_and_flags() -> tuple[str, set[str]]:
    """The CPU's model name and feature flags (flags are read on Linux only)."""
    model, flags = _platform.processor() or _platform.machine(), set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and value.strip():
                    model = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
                    break  # the first core's flags describe them all
    except OSError:
        pass
    return model, flags


def ram_gib() -> float:
    """Memory this process may use in GiB (2**30 bytes, 1024 MiB): physical memory, or a container's limit when
    lower."""
    import psutil

    total = psutil.virtual_memory().total
    limit = _cgroup_value("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
    return min(total, limit or total) / 2**30


def memory_headroom_mib() -> float | None:
    """MiB this container may still use before its memory limit (Binder's 2 GiB); None without a limit."""
    limit = _cgroup_value("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
    used = _cgroup_value("/sys/fs/cgroup/memory.current", "/sys/fs/cgroup/memory/memory.usage_in_bytes")
    return None if limit is None or used is None else (limit - used) / 2**20




def gpus() -> list[dict]:
    """The GPUs TensorFlow sees: ``[{"name", "compute_capability": (major, minor) or None}]``."""
    import tensorflow as tf

    found = []
    for device in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(device)
        found.append({"name": details.get("device_name", device.name),
                      "compute_capability": details.get("compute_capability")})
    return found


def float16_finding(gpu_list: list[dict]) -> Finding:
    """float16 speeds training up on GPUs with Tensor Cores: compute capability 7.0 or newer."""
    fast = [g for g in gpu_list if g.get("compute_capability") and tuple(g["compute_capability"]) >= (7, 0)]
    if fast:
        return Finding("float16 speed-up", "pass", f"Tensor Cores on {fast[0]['name']} (cc {fast[0]['compute_capability'][0]}.{fast[0]['compute_capability'][1]})")
    return Finding("float16 speed-up", "info", "no GPU with compute capability >= 7.0: mixed_float16 runs, but expect no speed-up "
                   "(notebook 06 measures how much slower 16-bit training is here)",
                   "for notebook 06's speed-ups, use a Colab GPU runtime (T4 = cc 7.5)")


def bfloat16_finding(gpu_list: list[dict], cpu_flags: set[str]) -> Finding:
    """bfloat16 pays on GPUs of compute capability 8.0+ and on CPUs with AMX (AVX512-BF16 helps less)."""
    fast = [g for g in gpu_list if g.get("compute_capability") and tuple(g["compute_capability"]) >= (8, 0)]
    if fast:
        return Finding("bfloat16 speed-up", "pass", f"{fast[0]['name']} has bfloat16 Tensor Cores")
    if "amx_bf16" in cpu_flags:
        return Finding("bfloat16 speed-up", "pass", "CPU has AMX-BF16 matrix units")
    if "avx512_bf16" in cpu_flags:
        return Finding("bfloat16 speed-up", "info", "CPU has AVX512-BF16 (bfloat16 math runs, usually no faster than float32 without AMX)")
    return Finding("bfloat16 speed-up", "info", "no bfloat16 hardware: mixed_bfloat16 runs, but expect no speed-up",
                   "for bfloat16 speed-ups, use an Ampere-or-newer GPU (cc >= 8.0) or a TPU")


def seed_everything(seed: int = 42) -> None:
    """Seed Python, NumPy and TensorFlow at once (``keras.utils.set_random_seed``)."""
    import keras

    keras.utils.set_random_seed(seed)


_GPU_QUERY = """
import json
import tensorflow as tf
print(json.dumps([dict(tf.config.experimental.get_device_details(gpu), name=gpu.name)
                  for gpu in tf.config.list_physical_devices("GPU")]))
"""


def _gpus_from_a_child() -> list[dict] | None:
    """:func:`gpus`, asked of TensorFlow in a short child process (None when TensorFlow does not start there)."""
    import json
    import subprocess

    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        done = subprocess.run([sys.executable, "-c", _GPU_QUERY], capture_output=True, text=True, timeout=120, env=env)
        listed = json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    if listed is None:
        return None
    return [{"name": d.get("device_name", d["name"]),
             "compute_capability": tuple(d["compute_capability"]) if d.get("compute_capability") else None}
            for d in listed]


def _gpu_text(gpu: dict) -> str:
    cc = gpu.get("compute_capability")
    return f"{gpu['name']} (cc {cc[0]}.{cc[1]})" if cc else gpu["name"]


def device_summary() -> str:
    """One line describing the compute devices as TensorFlow sees them: the CPU, then each GPU's name and compute
    capability (``tf.config.experimental.get_device_details``), or "no GPU".

    In a process that has not imported TensorFlow (the run report), a short child process asks TensorFlow, so the
    caller does not carry TensorFlow's ~500 MB; a driver that ``nvidia-smi`` sees but TensorFlow cannot use is
    therefore reported as no GPU, which is what the notebooks will get.
    """
    model, _ = cpu_model_and_flags()
    text = f"CPU: {model}, {cpu_cores()} cores"
    found = gpus() if "tensorflow" in sys.modules else _gpus_from_a_child()
    if found is None:
        return f"{text}; GPUs unknown (TensorFlow did not start)"
    return f"{text}; GPU: {', '.join(map(_gpu_text, found))}" if found else f"{text}; no GPU"


def keras_identity_finding() -> Finding:
    """Whether ``tf.keras`` is Keras 3 (``import keras``): not so when TF_USE_LEGACY_KERAS=1 selects tf_keras."""
    import keras
    import tensorflow as tf

    try:
        same = tf.keras.layers.Dense is keras.layers.Dense
    except (AttributeError, ImportError) as e:  # tf.keras could not be loaded at all
        return Finding("tf.keras is keras", "fail", f"tf.keras cannot be loaded: {e}", FIX_INSTALL)
    if same:
        return Finding("tf.keras is keras", "pass", "tf.keras and import keras are one library, Keras 3")
    legacy = os.environ.get("TF_USE_LEGACY_KERAS", "")
    why = f"TF_USE_LEGACY_KERAS={legacy} makes tf.keras the old tf_keras" if legacy else "tf.keras is another library"
    return Finding("tf.keras is keras", "fail", why, "unset TF_USE_LEGACY_KERAS and restart the kernel")


def readiness(*, matmul_ok: bool, xla_ok: bool) -> list[Finding]:
    """Notebook 00's checks of this machine, one :class:`Finding` each, with the fix for any that is off:
    versions, CPU cores, RAM, GPUs, 16-bit formats, a float32 matmul that matches NumPy (``matmul_ok``), XLA
    (``xla_ok``), TensorBoard and the platform."""
    cores, ram, gpu_list = cpu_cores(), ram_gib(), gpus()
    model, flags = cpu_model_and_flags()
    found = check_versions()
    found.append(keras_identity_finding())
    found.append(Finding("CPU cores", "pass" if cores >= 2 else "warn", f"{cores} cores ({model})",
                         "" if cores >= 2 else "one core works, but training and tf.data demos run about 2x slower"))
    found.append(threads_finding())
    found.append(Finding("RAM", "pass" if ram >= 3.5 else "warn", f"{ram:.1f} GiB",
                         "" if ram >= 3.5 else "below 3.5 GiB: keep the default profile's sizes and close other "
                         "notebooks' kernels"))
    found.append(Finding("GPU", "pass", ", ".join(map(_gpu_text, gpu_list))) if gpu_list else Finding(
        "GPU", "info", "none: everything runs on the CPU", "fine for this course; for the speed-ups of notebooks "
        "06-07 use a GPU, e.g. Colab's Runtime > Change runtime type > T4 GPU"))
    found += [float16_finding(gpu_list), bfloat16_finding(gpu_list, flags)]
    found.append(Finding("float32 matmul", "pass", "tf.matmul matches NumPy") if matmul_ok else Finding(
        "float32 matmul", "fail", "tf.matmul differs from NumPy beyond float32 rounding",
        "reinstall TensorFlow in a fresh environment (python3 tasks.py lab)"))
    found.append(Finding("XLA", "pass", "jit_compile=True compiles and matches eager results") if xla_ok else Finding(
        "XLA", "fail", "jit_compile=True failed or gave other numbers (its error is printed above)",
        "reinstall TensorFlow in a fresh environment (python3 tasks.py lab)"))
    version = installed_version("tensorboard")
    try:
        importlib.import_module("tensorboard")
        found.append(Finding("TensorBoard", "pass", f"tensorboard {version} imports"))
    except ImportError as e:
        found.append(Finding("TensorBoard", "fail", f"cannot import it: {e}",
                             "pip install tensorboard (TensorFlow 2.21 no longer installs it)"))
    where = platform_name()
    found.append(Finding("platform", "info", where, PLATFORM_ADVICE[where]))
    return found


def dataset_findings() -> list[Finding]:
    """One :class:`Finding` per course dataset: pass when a verified copy is on this machine (the mirror
    ``$TUTORIAL_DATA_DIR`` or the cache), warn when it will be downloaded on first use, fail when it cannot be
    (no copy and no network) or a copy is bad. Nothing is downloaded."""
    from tf2_hands_on import data

    found = []
    for name, dataset in data.DATASETS.items():
        check, used_by = f"data: {name}", f"notebooks {', '.join(dataset.notebooks)}"
        try:
            where = data.locate(name)
        except data.DataError as e:  # e.g. TUTORIAL_DATA_DIR names a folder that does not exist
            found.append(Finding(check, "fail", str(e), "fix or unset TUTORIAL_DATA_DIR"))
        else:
            if where.status in ("mirror", "cache"):
                found.append(Finding(check, "pass", f"{where.status}, verified ({used_by})"))
            elif where.status == "corrupt":
                found.append(Finding(check, "fail", where.detail,
                                     f"move the bad copy aside, then: python3 tasks.py data prefetch {name}"))
            elif data.reachable(name):  # missing, or an unfinished download
                found.append(Finding(check, "warn", f"downloaded when first used ({used_by})",
                                     "to download it now: python3 tasks.py data prefetch"))
            else:
                found.append(Finding(
                    check, "fail", f"not on this machine and its server cannot be reached: {used_by} cannot run",
                    "set TUTORIAL_DATA_DIR to a data kit before 'python3 tasks.py lab' (kernels inherit JupyterLab's "
                    "environment: restarting the kernel is not enough), or copy the kit's folders into "
                    "~/tf2-hands-on/datasets/ (no restart)"))
    return found


def tally(findings: list[Finding]) -> dict[str, int]:
    """How many findings passed, warned and failed (info rows are not counted)."""
    return {word: sum(f.status == status for f in findings)
            for status, word in (("pass", "passed"), ("warn", "warned"), ("fail", "failed"))}


_ICONS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "info": "info"}


def findings_table(findings: list[Finding]) -> str:
    """A plain-text pass/warn/fail table; each warning or failure shows its fix on the next line."""
    width = max(len(f.check) for f in findings)
    lines = []
    for f in findings:
        lines.append(f"{_ICONS[f.status]:4s}  {f.check:<{width}s}  {f.detail}")
        if f.fix and f.status in ("warn", "fail", "info"):
            lines.append(f"{'':4s}  {'':<{width}s}  -> {f.fix}")
    return "\n".join(lines)


def verdict(findings: list[Finding]) -> str:
    """One line: ready, ready with warnings, or not ready."""
    fails = [f.check for f in findings if f.status == "fail"]
    warns = [f.check for f in findings if f.status == "warn"]
    if fails:
        return f"NOT READY: fix {', '.join(fails)} (see the table above)."
    if warns:
        return f"READY, with {len(warns)} warning(s): {', '.join(warns)}."
    return "READY: every check passed."


def release_memory() -> float:
    """Drop Keras' global state, collect garbage and, on Linux, hand freed heap memory back to the operating
    system; return this process's resident memory in MiB (:func:`tf2_hands_on.memory.rss_mib`, without child
    processes). Call it after deleting a large model.

    Python and TensorFlow keep freed memory for reuse, so a process's size rarely shrinks by itself; on a
    2 GiB Binder that spare memory is what the next part of a notebook needs.
    """
    import ctypes
    import gc

    import keras

    from tf2_hands_on import memory

    keras.backend.clear_session()
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (e.g. Alpine's musl): nothing to trim
            pass
    return memory.rss_mib(children=False)


@contextlib.contextmanager
def quiet_native_logs():
    """Inside this block, hide what C++ libraries write to the process's stderr (file descriptor 2).

    TensorFlow's LiteRT converter logs every step at INFO level from C++, where Python's logging and warnings
    filters cannot reach. Python's own output (``print``, warnings, tracebacks) still shows, and an exception
    raised in the block propagates with its message; stderr is restored however the block ends.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
