"""The course website (tools/site.py): its execution cache, its pages, its workflow, and the site in a real browser.

The browser part builds the site from the notebooks the browser tests (tests/test_browser.py, which runs first)
executed and kept in build/browser/executed: no third execution. In CI every notebook comes from there; run alone,
it executes what is missing (smoke profile) into a temporary cache.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import browser
from tools import nbtools, site

ROOT = nbtools.ROOT
ARTIFACTS, EXECUTED = browser.ARTIFACTS, browser.EXECUTED
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


# ---- without a browser ----------------------------------------------------------------------------------------

def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _executed_copy(notebook: Path, folder: Path, *, error: bool = False, profile: str = "smoke") -> None:
    """A stand-in for a run's executed copy: the notebook's cells, each code cell with a count and one output."""
    nb = _notebook(notebook)
    for i, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = i + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": f"output {i}\n"}]
    if error:
        nb["cells"][-1]["outputs"] = [{"output_type": "error", "ename": "ValueError", "evalue": "x", "traceback": []}]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / notebook.name).write_text(json.dumps(nb))
    index = folder / "report.json"
    report = json.loads(index.read_text()) if index.is_file() else {"profile": profile, "notebooks": {}}
    report["notebooks"][notebook.stem] = {"status": "ok", "wall_s": 12.0}
    report.update(device="CPU: test", tensorflow="2.21.0", keras="3.15.1", environment="env")
    index.write_text(json.dumps(report))


def test_the_cache_key_follows_cells_profile_and_environment():
    nb = _notebook(nbtools.notebook_paths()[0])
    key = site.cache_key(nb, "smoke", "env-a")
    assert key == site.cache_key(json.loads(json.dumps(nb)), "smoke", "env-a")
    assert key != site.cache_key(nb, "default", "env-a")
    assert key != site.cache_key(nb, "smoke", "env-b")
    edited = json.loads(json.dumps(nb))
    edited["cells"][-1]["source"] = nbtools.source(edited["cells"][-1]) + "\n# one more line"
    assert key != site.cache_key(edited, "smoke", "env-a")
    executed = json.loads(json.dumps(nb))  # outputs and execution counts do not change the key
    for cell in executed["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"], cell["outputs"] = 3, [{"output_type": "stream", "name": "stdout", "text": "x"}]
    assert key == site.cache_key(executed, "smoke", "env-a")


def test_the_environment_fingerprint_counts_what_notebooks_import_not_the_tools():
    versions = dict(v.split("==", 1) for v in site.runtime_versions())
    assert "keras" in versions and "numpy" in versions and "matplotlib" in versions
    assert any(name.startswith("tensorflow") for name in versions)
    for tool in ("pytest", "sphinx", "playwright", "jupyterhub"):  # installing a tool re-runs no notebook
        assert tool not in versions, tool


def test_the_environment_fingerprint_covers_the_course_package(monkeypatch, tmp_path):
    before = site.environment_fingerprint()
    assert before == site.environment_fingerprint()
    fake_root = tmp_path / "root"
    shutil.copytree(ROOT / "tf2_hands_on", fake_root / "tf2_hands_on", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(site, "ROOT", fake_root)
    same = site.environment_fingerprint()
    (fake_root / "tf2_hands_on" / "timing.py").write_text("# changed\n", encoding="utf-8")
    assert site.environment_fingerprint() != same


def test_runs_are_imported_only_when_they_match(tmp_path):
    first, second, third = nbtools.notebook_paths()[:3]
    runs = tmp_path / "run"
    _executed_copy(first, runs)
    _executed_copy(second, runs, error=True)
    stale = _notebook(third)
    stale["cells"][0]["source"] = "# An older title\n"
    runs.joinpath(third.name).write_text(json.dumps(stale))
    report = json.loads((runs / "report.json").read_text())
    report["notebooks"][third.stem] = {"status": "ok", "wall_s": 1.0}
    (runs / "report.json").write_text(json.dumps(report))
    cache = site.Cache(tmp_path / "cache", "smoke", "env")
    said = []
    taken = site.import_runs(runs, [first, second, third], cache, said.append)
    assert taken == [first.name]
    assert cache.lookup(first) is not None and cache.lookup(first).wall_s == 12.0
    assert cache.lookup(second) is None and cache.lookup(third) is None
    assert any(third.name in line and "differs" in line for line in said)
    # Another profile's or environment's run is not used at all; a folder without report.json is refused with advice.
    other = site.Cache(tmp_path / "cache-default", "default", "env")
    assert site.import_runs(runs, [first], other, said.append) == []
    elsewhere = site.Cache(tmp_path / "cache-other", "smoke", "another environment")
    assert site.import_runs(runs, [first], elsewhere, said.append) == [] and "other package versions" in said[-1]
    with pytest.raises(SystemExit, match="no report.json"):
        site.import_runs(tmp_path, [first], cache, said.append)


def test_a_cached_copy_goes_stale_when_its_notebook_changes(tmp_path, monkeypatch):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    notebook = notebooks / "00_environment_check.ipynb"
    shutil.copy(nbtools.notebook_paths()[0], notebook)
    cache = site.Cache(tmp_path / "cache", "smoke", "env")
    cache.store(notebook, cache.key(notebook), _notebook(notebook), 1.0, "test", "CPU", "TF")
    assert cache.lookup(notebook) is not None
    nb = _notebook(notebook)
    nb["cells"][-1]["source"] = "print('changed')\n"
    notebook.write_text(json.dumps(nb))
    assert cache.lookup(notebook) is None


def test_a_page_folds_solutions_and_replaces_the_badges(tmp_path):
    notebook = next(p for p in nbtools.notebook_paths() if p.name.startswith("05"))
    _executed_copy(notebook, tmp_path)
    executed = site.Executed(tmp_path / notebook.name, "smoke", 75.0, "test", "CPU: 2 cores", "TensorFlow 2.21.0")
    page = site.page_notebook(executed, notebook)
    assert "colab-badge.svg" not in nbtools.source(page["cells"][0])  # the theme's launch buttons replace them
    line = nbtools.source(page["cells"][1])
    info = nbtools.info(notebook)
    assert info.time in line and info.hardware in line and "75 s" in line and "`smoke` profile" in line
    solutions = [c for c in page["cells"] if "solution" in c["metadata"].get("tags", [])]
    assert solutions and all("hide-input" in c["metadata"]["tags"] for c in solutions)
    assert all(c["metadata"]["mystnb"]["code_prompt_show"] == "Show solution" for c in solutions)
    claims = [c for c in page["cells"] if "claims" in c["metadata"].get("tags", [])]
    assert claims[0]["metadata"]["mystnb"]["code_prompt_show"] == "Show code: This run's figures against the course's goals"
    lesson = [c for c in page["cells"] if c["cell_type"] == "code" and not set(c["metadata"].get("tags", [])) & nbtools.COLLAPSED_TAGS]
    assert lesson and not any("hide-input" in c["metadata"].get("tags", []) for c in lesson)


def test_the_home_page_lists_every_notebook_as_the_readme_does():
    cfg = nbtools.settings()
    home = site.home_page(nbtools.notebook_paths(), cfg)
    for path in nbtools.notebook_paths():
        info = nbtools.info(path)
        assert f"| {path.name[:2]} | [{info.title}](notebooks/{path.name}) | {info.description} |" in home
        assert f"notebooks/{path.stem}\n" in home  # in the table of contents, in order
    assert "## Where to run them" in home and "**Colab**" in home and "(instructors.md)" in home
    assert "](notebooks/" not in site._repository_links("[x](notebooks/00.ipynb)", cfg)


def test_sources_are_rewritten_only_when_they_change(tmp_path):
    target = tmp_path / "a" / "index.md"
    assert site.write_if_changed(target, "hello\n")
    stamp = target.stat().st_mtime_ns
    assert not site.write_if_changed(target, "hello\n") and target.stat().st_mtime_ns == stamp
    assert site.write_if_changed(target, "bye\n")


def test_the_site_command_refuses_a_folder_of_the_project(capsys):
    with pytest.raises(SystemExit) as stop:
        site.main(["--out", str(ROOT / "notebooks")])
    assert stop.value.code == 2 and "pick a folder of its own" in capsys.readouterr().err


def test_the_pages_workflow_passes_actionlint(tmp_path):
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if actionlint is None:
        if os.environ.get(browser.REQUIRE_ENV) == "1":
            pytest.fail("actionlint is missing: python3 tasks.py test installs it from requirements-dev.txt")
        pytest.skip("actionlint is not installed (requirements-dev.txt installs it)")
    result = subprocess.run([actionlint, str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = WORKFLOW.read_text(encoding="utf-8")
    for step in ("actions/checkout@", "actions/upload-pages-artifact@", "actions/deploy-pages@", "actions/cache@",
                 "python3 tasks.py site --profile default", "path: build/site-cache", "path: build/site"):
        assert step in text, step
    broken = tmp_path / "broken.yml"  # actionlint really checks: a job that needs a job that does not exist
    broken.write_text(text.replace("needs: build", "needs: biuld"), encoding="utf-8")
    result = subprocess.run([actionlint, str(broken)], capture_output=True, text=True)
    assert result.returncode != 0 and "biuld" in result.stdout + result.stderr


# ---- built, and read in Chromium ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site built twice from the browser tests' executed notebooks: (first build, second build, out folder)."""
    browser.skip_or_fail_unless_runnable()
    cache, out = tmp_path_factory.mktemp("site-cache"), tmp_path_factory.mktemp("site") / "html"
    imports = [EXECUTED] if (EXECUTED / "report.json").is_file() else []
    first = site.build("smoke", out, cache, imports, log=print)
    second_log = []
    second = site.build("smoke", out, cache, [], log=second_log.append)
    return first, second, second_log, out


@pytest.mark.browser
@pytest.mark.timeout(2400)
def test_the_site_is_built_from_the_runs_already_made(built):
    first, second, second_log, out = built
    if os.environ.get(browser.REQUIRE_ENV) == "1":  # CI: the browser tests ran every notebook just before
        assert first["executed"] == [], f"the site executed notebooks the browser tests had run: {first['executed']}"
    assert sorted(first["imported"] + first["executed"] + first["cached"]) == [p.name for p in nbtools.notebook_paths()]
    assert second["executed"] == [] and "Executed no notebook." in second_log, second_log
    assert second["seconds"] < 60, f"a build with nothing changed took {second['seconds']:.0f} s"
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert {"index.html", "instructors.html", "search.html"} <= pages
    assert {f"notebooks/{p.stem}.html" for p in nbtools.notebook_paths()} <= pages


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def chromium_site(built):
    from playwright.sync_api import sync_playwright

    out = built[3]
    server = _serve(out)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=browser.find_chromium(), args=browser.CHROMIUM_ARGS)
            try:
                yield chromium, base, out
            finally:
                chromium.close()
    finally:
        server.shutdown()
        server.server_close()


class Visit:
    """One page in a fresh browser context: console errors, failed requests and requests to other hosts."""

    def __init__(self, chromium, base: str, path: str):
        self.base, self.errors, self.elsewhere, self.failed = base, [], [], []
        self.context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))
        self.context.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:", "about:"))
                        else self.elsewhere.append(r.url))
        self.page.goto(f"{base}/{path}", wait_until="load")
        with contextlib.suppress(Exception):
            self.page.wait_for_load_state("networkidle", timeout=10_000)

    def images(self) -> list[dict]:
        return self.page.evaluate("() => Array.from(document.images).map(i => ({src: i.currentSrc || i.src,"
                                  " ok: i.complete && i.naturalWidth > 0}))")

    def close(self):
        self.context.close()


def _ids(html_file: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html_file.read_text(encoding="utf-8")))


@pytest.mark.browser
@pytest.mark.timeout(900)
def test_every_page_loads_offline_with_its_images_and_links(chromium_site):
    chromium, base, out = chromium_site
    problems, checked_links = [], 0
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "_static" not in p.parts)
    for path in pages:
        visit = Visit(chromium, base, path)
        try:
            if visit.errors:
                problems.append(f"{path}: console error {visit.errors[0][:300]}")
            if visit.elsewhere:
                problems.append(f"{path}: asked another host for {visit.elsewhere[0]}")
            if visit.failed:
                problems.append(f"{path}: could not load {visit.failed[0]}")
            broken = [i["src"] for i in visit.images() if not i["ok"]]
            if broken:
                problems.append(f"{path}: {len(broken)} image(s) did not load, e.g. {broken[0][:200]}")
            hrefs = visit.page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        finally:
            visit.close()
        for href in hrefs:
            if not href.startswith(base):
                continue
            parts = urlsplit(href)
            target = out / parts.path.lstrip("/")
            if parts.path.endswith("/"):
                target = target / "index.html"
            checked_links += 1
            if not target.is_file():
                problems.append(f"{path}: link to {parts.path} leads nowhere")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in _ids(target):
                problems.append(f"{path}: link to {parts.path}#{parts.fragment}: no such anchor")
    assert not problems, "\n".join(problems[:20])
    assert checked_links > 100  # the table of contents, previous/next, the notebooks table, headings...


def _page(out: Path, number: str) -> str:
    return next(p for p in (out / "notebooks").glob(f"{number}_*.html")).relative_to(out).as_posix()


@pytest.mark.browser
def test_a_notebook_page_shows_outputs_buttons_and_hidden_solutions(chromium_site):
    chromium, base, out = chromium_site
    cfg = nbtools.settings()
    path = _page(out, "05")
    name = Path(path).stem + ".ipynb"
    visit = Visit(chromium, base, path)
    try:
        page = visit.page
        assert page.locator(".cell_output img").count() > 0, "notebook 05's page shows no plot"
        hrefs = page.evaluate("() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)")
        assert any(h.startswith("https://colab.research.google.com/github/") and h.endswith(
            f"{cfg['repository']}/blob/{cfg['branch']}/notebooks/{name}") for h in hrefs), "no Colab launch button"
        assert any(h.startswith(f"https://mybinder.org/v2/gh/{cfg['repository']}/{cfg['branch']}") and name in h
                   for h in hrefs), "no Binder launch button"
        assert any(h.endswith(f"_sources/notebooks/{name}") for h in hrefs), "no download link for the .ipynb"
        assert page.locator("a.left-prev").count() == 1 and page.locator("a.right-next").count() == 1  # previous/next
        toggles = page.locator("details.hide:has(summary:has-text('Show solution'))")
        assert toggles.count() >= 1, "no solution behind a 'Show solution' control"
        code = toggles.first.locator("pre").first
        assert not code.is_visible(), "a solution's code is visible before its control is clicked"
        toggles.first.locator("summary").click()
        code.wait_for(state="visible", timeout=5_000)
        assert "def solution" in code.inner_text()
        page.evaluate("window.scrollTo(0, 0)")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-notebook-05.png"))
    finally:
        visit.close()
    home = Visit(chromium, base, "index.html")
    try:
        assert home.page.locator("table a[href*='notebooks/']").count() == len(nbtools.notebook_paths())
        home.page.screenshot(path=str(ARTIFACTS / "site-home.png"), full_page=False)
    finally:
        home.close()


def _text(html_file: Path) -> str:
    body = html_file.read_text(encoding="utf-8")
    body = body.split('<main', 1)[-1]
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.DOTALL))


def _word_only_in(out: Path, number: str) -> str:
    """A word of notebook ``number``'s prose that no other page has (so a search for it can only find that page)."""
    notebook = next(p for p in nbtools.notebook_paths() if p.name.startswith(number))
    prose = " ".join(nbtools.source(c) for c in _notebook(notebook)["cells"] if c["cell_type"] == "markdown")
    others = " ".join(_text(p) for p in out.rglob("*.html") if not p.name.startswith(number)
                      and "_static" not in p.parts and p.name not in ("search.html", "genindex.html")).lower()
    candidates = sorted({w for w in re.findall(r"\b[a-z]{7,}\b", prose.lower()) if w not in others})
    assert candidates, f"notebook {number} has no word of its own"
    return candidates[0]


@pytest.mark.browser
def test_search_finds_a_word_only_notebook_05_has(chromium_site):
    chromium, base, out = chromium_site
    word = _word_only_in(out, "05")
    visit = Visit(chromium, base, f"search.html?q={word}")
    try:
        results = visit.page.locator("#search-results li a")
        results.first.wait_for(timeout=30_000)
        found = {urlsplit(h).path for h in results.evaluate_all("els => els.map(a => a.href)")}
        assert any(p.startswith("/notebooks/05_") for p in found), f"searching for {word!r} found {sorted(found)}"
        assert not any(p.startswith("/notebooks/") and not p.startswith("/notebooks/05_") for p in found), found
        assert not visit.elsewhere and not visit.errors
    finally:
        visit.close()


@pytest.mark.browser
def test_math_renders_with_mathjax_from_the_site(chromium_site):
    chromium, base, out = chromium_site
    visit = Visit(chromium, base, _page(out, "09"))
    try:
        visit.page.locator("mjx-container").first.wait_for(timeout=30_000)
        scripts = visit.page.evaluate("() => Array.from(document.scripts).map(s => s.src).filter(s => /mathjax/i.test(s))")
        assert scripts and all(s.startswith(base) for s in scripts), scripts
        assert not visit.elsewhere and not visit.errors, visit.elsewhere + visit.errors
    finally:
        visit.close()
