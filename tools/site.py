"""The course website: every notebook readable with its outputs, built offline (Sphinx, myst-nb, sphinx-book-theme).

    python3 tasks.py site [--profile default|smoke] [--out build/site] [--from DIR ...]

1. **Executed notebooks.** A page shows a notebook as the project's own run executed it: the run report's executed
   copies (``tools.run_report``), in the ``default`` profile for a published site (``--profile smoke`` for a
   quick one). They are kept in an execution cache, ``build/site-cache/PROFILE/``, keyed on the notebook's content,
   the profile, the course package's code and every installed package's version: an unchanged notebook is never
   executed again, and the build log says which notebooks ran. ``--from DIR`` first takes executed copies from
   another run (a run report's ``--out`` folder, or the browser tests' ``build/browser/executed``) when their
   cells are exactly this notebook's and they ran in this profile without an error: CI builds its site from the
   notebooks its browser tests already ran.
2. **Pages.** The copies are turned into Sphinx sources in ``build/site-cache/source/`` (written only when they
   change, so that Sphinx rebuilds only what changed): each notebook gets a line under its title with its time,
   hardware and how this page was run; its exercise solutions and its collapsed cells are folded behind a
   "Show solution" / "Show code" control; its Colab and Binder badges give way to the theme's launch buttons
   (Colab, Binder, download). The home page has the notebooks table (from the same source as the README's, with
   ``tools.nbtools.info``), the platforms (the README's *Where to run them*), and the instructor guide is a page.
3. **HTML** in ``build/site/`` with full-text search and MathJax served from the site itself: nothing on a page
   asks another host for anything (tests/test_site.py proves it in Chromium).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.metadata
import json
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tools import nbtools

ROOT = nbtools.ROOT
CACHE = ROOT / "build" / "site-cache"
OUT = ROOT / "build" / "site"
CONF = Path(__file__).with_name("site_conf.py")  # Sphinx's conf.py, copied into the source folder
PROFILES = ("default", "smoke")
BADGE_LINE = re.compile(r"^\[!\[Open in Colab\].*$\n?", re.MULTILINE)
# The site's icon (browsers ask for /favicon.ico when a page names none, and log the 404 as a console error).
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" '
           'fill="#ff6f00"/><text x="32" y="43" font-family="sans-serif" font-size="28" font-weight="bold" '
           'text-anchor="middle" fill="#fff">TF2</text></svg>\n')
PROMPTS = {"solution": ("Show solution", "Hide solution")}  # other collapsed cells: "Show code: <its title>"


# ---- the execution cache ------------------------------------------------------------------------------------

def cells_signature(nb: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    """What decides a notebook's outputs: each cell's type, source and tags (not outputs or volatile metadata)."""
    return [(c["cell_type"], nbtools.source(c), tuple(c.get("metadata", {}).get("tags", []))) for c in nb["cells"]]


RUNTIME_REQUIREMENTS = ("requirements.txt", "requirements-torch.txt")  # what a notebook's kernel can import


def _requirement_names(path: Path) -> list[str]:
    """The distributions a requirements file names (following ``-r``), whose markers hold on this machine."""
    from packaging.requirements import InvalidRequirement, Requirement

    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            names += _requirement_names(path.parent / line[3:].strip())
        elif line and not line.startswith("-"):
            with contextlib.suppress(InvalidRequirement):
                req = Requirement(line)
                if req.marker is None or req.marker.evaluate():
                    names.append(req.name)
    return names


def runtime_versions() -> list[str]:
    """``name==version`` of every installed distribution a notebook can use: those the runtime requirements name,
    and what they need in turn. Test, site and hub tools are left out: installing them changes no page."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    todo = [n for f in RUNTIME_REQUIREMENTS if (ROOT / f).is_file() for n in _requirement_names(ROOT / f)]
    found: dict[str, str] = {}
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:  # optional (PyTorch), or not for this platform
            continue
        found[name] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return sorted(f"{name}=={version}" for name, version in found.items())


def environment_fingerprint() -> str:
    """What besides a notebook's cells changes its outputs: Python, the versions of what the notebooks can import
    (:func:`runtime_versions`), and the course package's code."""
    digest = hashlib.sha256(f"{sys.version}|{platform.machine()}\n".encode())
    digest.update("\n".join(runtime_versions()).encode())
    for path in sorted((ROOT / "tf2_hands_on").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def cache_key(notebook: dict, profile: str, environment: str) -> str:
    text = json.dumps([cells_signature(notebook), profile, environment], ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Executed:
    """One executed notebook in the cache, and how it was run (shown on its page)."""
    path: Path
    profile: str
    wall_s: float | None
    runner: str
    device: str
    versions: str


class Cache:
    """``folder/NAME.ipynb`` (executed) and ``folder/NAME.json`` (its key and how it ran)."""

    def __init__(self, folder: Path, profile: str, environment: str):
        self.folder, self.profile, self.environment = folder, profile, environment
        folder.mkdir(parents=True, exist_ok=True)

    def lookup(self, notebook: Path) -> Executed | None:
        meta_file = self.folder / f"{notebook.stem}.json"
        copy = self.folder / notebook.name
        if not (meta_file.is_file() and copy.is_file()):
            return None
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if meta.get("key") != self.key(notebook):
            return None
        return Executed(copy, self.profile, meta.get("wall_s"), meta.get("runner", ""), meta.get("device", ""),
                        meta.get("versions", ""))

    def key(self, notebook: Path) -> str:
        return cache_key(_load(notebook), self.profile, self.environment)

    def store(self, notebook: Path, key: str, executed: dict, wall_s: float | None, runner: str, device: str,
              versions: str) -> None:
        """Keep ``executed`` under ``key``: the notebook's key computed *before* it ran (it may be edited meanwhile)."""
        (self.folder / notebook.name).write_text(json.dumps(executed, indent=1, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")
        meta = {"key": key, "wall_s": wall_s,
                "runner": runner, "device": device, "versions": versions}
        (self.folder / f"{notebook.stem}.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _has_error(nb: dict) -> bool:
    return any(o.get("output_type") == "error" for c in nb["cells"] for o in c.get("outputs", []))


def _never_run(nb: dict) -> bool:
    return any(c["cell_type"] == "code" and nbtools.source(c).strip() and c.get("execution_count") is None
               for c in nb["cells"])


def import_runs(folder: Path, notebooks: list[Path], cache: Cache, log) -> list[str]:
    """Take executed copies from ``folder`` (a run report's --out, with its report.json) into the cache when they
    ran in the cache's profile and environment (report.json's ``environment``: :func:`environment_fingerprint`),
    finished without an error, and have exactly the notebook's cells. Returns their names."""
    report_file = folder / "report.json"
    if not report_file.is_file():
        raise SystemExit(f"error: --from {folder}: no report.json there; give a run report's --out folder "
                         f"(python3 tasks.py report --out DIR) or build/browser/executed")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    if report.get("environment") != cache.environment:
        log(f"  --from {folder}: its notebooks ran with other package versions or another version of the course "
            f"package: not used")
        return []
    if report.get("profile") != cache.profile:
        log(f"  --from {folder}: its notebooks ran in the {report.get('profile')} profile, not {cache.profile}: not used")
        return []
    taken = []
    for notebook in notebooks:
        entry, copy = report.get("notebooks", {}).get(notebook.stem), folder / notebook.name
        if entry is None or entry.get("status") != "ok" or not copy.is_file():
            continue
        executed, current = _load(copy), _load(notebook)
        if cells_signature(executed) != cells_signature(current) or _has_error(executed) or _never_run(executed):
            log(f"  --from {folder}: {notebook.name} differs from the notebook now (or shows an error): not used")
            continue
        versions = f"TensorFlow {report.get('tensorflow', '?')}, Keras {report.get('keras', '?')}"
        cache.store(notebook, cache_key(current, cache.profile, cache.environment), executed, entry.get("wall_s"),
                    report.get("runner", "the run report (papermill)"), report.get("device") or _this_device(), versions)
        taken.append(notebook.name)
    return taken


def _this_device() -> str:
    from tf2_hands_on import environment

    return environment.device_summary()


def execute(notebook: Path, cache: Cache, cell_timeout: int) -> None:
    """Run one notebook with the run report's machinery (a fresh course kernel, papermill) into the cache."""
    import tempfile

    from tf2_hands_on import environment
    from tools import run_report

    key = cache.key(notebook)
    with tempfile.TemporaryDirectory(prefix="site-run-") as tmp:
        entry, _ = run_report.run_one(notebook, Path(tmp), cache.profile, cell_timeout)
        if entry["status"] != "ok":
            raise SystemExit(f"error: {notebook.name} failed while executing for the site ({cache.profile} profile): "
                             f"{entry['error']}\nFix the notebook (or run it: python3 tasks.py report "
                             f"{notebook.name[:2]} --profile {cache.profile}), then build the site again.")
        versions = (f"TensorFlow {environment.installed_version('tensorflow')}, "
                    f"Keras {environment.installed_version('keras')}")
        cache.store(notebook, key, _load(Path(tmp) / notebook.name), entry["wall_s"], "the run report (papermill)",
                    _this_device(), versions)


# ---- Sphinx sources -----------------------------------------------------------------------------------------

def page_notebook(executed: Executed, notebook: Path) -> dict:
    """The executed notebook as its page shows it: badges out (the theme's launch buttons replace them), a line
    on time, hardware and this run under the title, solutions and collapsed cells folded behind a control."""
    nb = _load(executed.path)
    info = nbtools.info(notebook)
    title = nb["cells"][0]
    title["source"] = BADGE_LINE.sub("", nbtools.source(title)).rstrip() + "\n"
    ran = f"in {_duration(executed.wall_s)} " if executed.wall_s else ""
    line = (f"**Time:** {info.time}. **Hardware:** {info.hardware}.\n\n"
            f"*This page shows the notebook as it ran {ran}in the `{executed.profile}` profile on "
            f"{executed.device or 'the build machine'}, {executed.versions}; your figures will differ.*")
    nb["cells"].insert(1, {"cell_type": "markdown", "id": "site-run-line", "metadata": {},
                           "source": ":::{note}\n" + line + "\n:::\n"})
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        hidden = [t for t in tags if t in nbtools.COLLAPSED_TAGS]
        if cell["cell_type"] != "code" or not hidden:
            continue
        first = nbtools.source(cell).splitlines()[0] if nbtools.source(cell) else ""
        show, hide = PROMPTS.get(hidden[0], (f"Show code: {first.removeprefix('#@title').strip()}", "Hide code"))
        cell["metadata"]["tags"] = [*tags, "hide-input"]
        cell["metadata"]["mystnb"] = {"code_prompt_show": show, "code_prompt_hide": hide}
    nb["metadata"].setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    return nb


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.1f} minutes"


def _section(markdown: str, heading: str) -> str:
    """The README's section under ``heading`` (up to the next heading of the same or a higher level)."""
    level = len(heading) - len(heading.lstrip("#"))
    start = markdown.index(heading + "\n")
    rest = markdown[start + len(heading) + 1:]
    end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
    return rest[: end.start() if end else len(rest)].strip()


def home_page(notebooks: list[Path], cfg: dict) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    intro = readme.split("\n## ", 1)[0].split("\n", 1)[1].strip()
    rows = ["| # | notebook | what you will do | time | hardware |", "|---|---|---|---|---|"]
    for path in notebooks:
        i = nbtools.info(path)
        rows.append(f"| {path.name[:2]} | [{i.title}](notebooks/{path.name}) | {i.description} | {i.time} | {i.hardware} |")
    platforms = _repository_links(_section(readme, "## Where to run them").split("\n### ", 1)[0], cfg)
    repo = f"https://github.com/{cfg['repository']}"
    toctree = "\n".join(f"notebooks/{p.stem}" for p in notebooks)
    return f"""# TensorFlow 2 Hands-On

{intro}

This site shows every notebook as it ran, outputs and all. To run one yourself, use the launch buttons at the top
of its page (Colab, Binder, or download the `.ipynb`), or clone [the repository]({repo}) and follow its README.

## The notebooks

{chr(10).join(rows)}

## Where to run them

{platforms}

## For instructors

[The instructor guide](instructors.md): a 3-hour agenda from measured run times, the exercises to assign, the
failures attendees hit and their fixes.

```{{toctree}}
:hidden:
:caption: Notebooks

{toctree}
```

```{{toctree}}
:hidden:
:caption: Teaching

instructors
```
"""


def _repository_links(markdown: str, cfg: dict) -> str:
    """Relative links to the repository's files become links to the repository (the site holds only its pages)."""
    base = f"https://github.com/{cfg['repository']}/blob/{cfg['branch']}/"

    def fix(m: re.Match) -> str:
        target = m.group(2)
        if re.match(r"^(https?:|mailto:|#)", target):
            return m.group(0)
        return f"[{m.group(1)}]({base}{target.removeprefix('../')})"

    return re.sub(r"\[([^\]]*)\]\(([^)\s]+)\)", fix, markdown)


def instructors_page(cfg: dict) -> str:
    text = (ROOT / "docs" / "INSTRUCTORS.md").read_text(encoding="utf-8")
    text = re.sub(r"\]\(\.\./notebooks/([^)]+)\)", r"](notebooks/\1)", text)
    return _repository_links(text, cfg)


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it (Sphinx rebuilds the pages whose sources are newer)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def write_sources(source: Path, pages: dict[Path, dict], notebooks: list[Path], cfg: dict) -> None:
    files = {"conf.py": CONF.read_text(encoding="utf-8"),
             "site.json": json.dumps({"repository": cfg["repository"], "branch": cfg["branch"]}, indent=1) + "\n",
             "index.md": home_page(notebooks, cfg),
             "instructors.md": instructors_page(cfg),
             "favicon.svg": FAVICON}
    files.update({f"notebooks/{nb.name}": json.dumps(pages[nb], indent=1, ensure_ascii=False) + "\n" for nb in notebooks})
    for name, text in files.items():
        write_if_changed(source / name, text)
    wanted = {source / name for name in files}
    for stale in (source / "notebooks").glob("*.ipynb"):  # a notebook renamed or removed since the last build
        if stale not in wanted:
            stale.unlink()


def sphinx(source: Path, out: Path, doctrees: Path) -> None:
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-d", str(doctrees), str(source), str(out)]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    warnings = [ln for ln in result.stderr.splitlines() if ln.strip()]
    if result.returncode != 0 or warnings:
        raise SystemExit("error: Sphinx could not build the site:\n" + "\n".join(warnings[-30:] or [result.stdout[-3000:]]))


# ---- the command --------------------------------------------------------------------------------------------

def build(profile: str = "default", out: Path = OUT, cache_root: Path = CACHE, imports: list[Path] | None = None,
          cell_timeout: int = 1800, log=print) -> dict:
    """Build the site; return what happened (``executed``: notebooks run now, ``imported``, ``cached``, seconds)."""
    start = time.perf_counter()
    notebooks = nbtools.notebook_paths()
    cfg = nbtools.settings()
    cache = Cache(cache_root / profile, profile, environment_fingerprint())
    imported = []
    for folder in imports or []:
        imported += import_runs(Path(folder), [nb for nb in notebooks if cache.lookup(nb) is None], cache, log)
    cached = [nb.name for nb in notebooks if cache.lookup(nb) is not None and nb.name not in imported]
    missing = [nb for nb in notebooks if cache.lookup(nb) is None]
    log(f"Execution cache {cache.folder}: {len(cached)} notebook(s) unchanged, {len(imported)} taken from "
        f"earlier runs, {len(missing)} to execute ({profile} profile)")
    for i, notebook in enumerate(missing, 1):
        log(f"  executing {notebook.name} ({i} of {len(missing)}) ...")
        execute(notebook, cache, cell_timeout)
    log("Executed no notebook." if not missing else f"Executed {len(missing)} notebook(s): "
        + ", ".join(nb.name for nb in missing))
    pages = {nb: page_notebook(cache.lookup(nb), nb) for nb in notebooks}
    source = cache_root / "source"
    write_sources(source, pages, notebooks, cfg)
    log(f"Building HTML into {out} ...")
    sphinx(source, out, cache_root / "doctrees")
    seconds = time.perf_counter() - start
    log(f"Site built in {seconds:.0f} s: {out / 'index.html'}\n"
        f"Open it with: python3 -m http.server -d {_shown(out)} (then http://localhost:8000)")
    return {"executed": [nb.name for nb in missing], "imported": imported, "cached": cached, "seconds": seconds}


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py site", description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=PROFILES, default="default",
                        help="the profile the notebooks run in (default: default, as published; smoke: a quick site)")
    parser.add_argument("--out", default=str(OUT), metavar="DIR", help="where the HTML goes (default: build/site)")
    parser.add_argument("--from", dest="imports", action="append", default=[], metavar="DIR",
                        help="take executed copies from a run report's --out folder first (repeatable)")
    parser.add_argument("--cache", default=str(CACHE), metavar="DIR", help="the execution cache (default: build/site-cache)")
    parser.add_argument("--cell-timeout", type=int, default=1800, metavar="S")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    protected = {ROOT, *ROOT.parents, *(ROOT / name for name in ("notebooks", "tf2_hands_on", "docs", "tools", "tests"))}
    if out in protected:
        parser.error(f"--out {args.out}: that folder holds other files; pick a folder of its own, such as build/site")
    build(args.profile, out, Path(args.cache).resolve(), [Path(d) for d in args.imports], args.cell_timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
