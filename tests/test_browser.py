"""Every notebook in real JupyterLab, in a real browser, the way a learner runs it: open, Run All, read the page.

nbval (which runs the notebooks too) proves the kernel runs every cell; this proves what a learner *sees*: no
error on the page, every plot rendered (as many images as the saved notebook holds), output from the last cell.
Smoke profile, offline (the kernel can reach only this machine; the page only the local server).
A screenshot of every notebook goes to build/browser/ (or $TUTORIAL_BROWSER_ARTIFACTS).

$TUTORIAL_BROWSER_NOTEBOOKS picks notebooks by number (CI runs all of them; see .ci/run).
Needs Chromium and the playwright package (.ci/run installs both). Without them the tests are skipped with a
note on how to install them, unless TUTORIAL_REQUIRE_BROWSER=1 (CI sets it): then they fail.
Skip them on purpose with: python3 tasks.py test -m "not browser"
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests import browser
from tools import nbtools, site

ROOT = nbtools.ROOT
FIXTURES = Path(__file__).parent / "fixtures" / "browser"
ARTIFACTS, EXECUTED = browser.ARTIFACTS, browser.EXECUTED
NOTEBOOK_TIMEOUT_S = 900  # the slowest notebook takes about 3.5 minutes in the smoke profile on 2 cores
SELECT_ENV = "TUTORIAL_BROWSER_NOTEBOOKS"  # notebook numbers, e.g. "04,06,09"; unset or "all": every notebook


def selected_notebooks() -> list[Path]:
    """The notebooks to run in the browser: all of them (as CI does), or those named in $TUTORIAL_BROWSER_NOTEBOOKS."""
    paths = nbtools.notebook_paths()
    wanted = os.environ.get(SELECT_ENV, "all").replace(" ", "")
    if wanted in ("", "all"):
        return paths
    numbers = set(wanted.split(","))
    unknown = sorted(numbers - {p.name[:2] for p in paths})
    if unknown:
        raise pytest.UsageError(f"{SELECT_ENV}={wanted}: no notebook numbered {', '.join(unknown)}; use two-digit "
                                f"numbers such as 00,05 (or 'all')")
    return [p for p in paths if p.name[:2] in numbers]

# pytest-timeout's limit (900 s in pyproject.toml) would cut a hung notebook short before its own timeout names
# the cell that hangs: allow for the server's start, the page, the kernel and the save as well.
pytestmark = [pytest.mark.browser, pytest.mark.timeout(NOTEBOOK_TIMEOUT_S + 400)]


def datasets_on_this_machine() -> bool:
    """True when every dataset is in the mirror ($TUTORIAL_DATA_DIR) or the cache: then the run can be offline."""
    from tf2_hands_on import data

    return all(data.locate(name).status in ("mirror", "cache") for name in data.DATASETS)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of notebooks/ and the fixtures, and a headless Chromium; both always stopped."""
    browser.skip_or_fail_unless_runnable()
    from playwright.sync_api import sync_playwright

    base = tmp_path_factory.mktemp("jupyterlab")
    site = base / "site"
    browser.make_site(ROOT, site, {"fixtures": FIXTURES})
    env = dict(os.environ, TUTORIAL_PROFILE="smoke")
    offline = datasets_on_this_machine()
    if not offline:  # a first run downloads the datasets, as a learner's would
        if os.environ.get(browser.REQUIRE_ENV) == "1":
            pytest.fail("the browser tests must run offline in CI, but a dataset is missing: set TUTORIAL_DATA_DIR to "
                        "the mirror, or run python3 tasks.py data prefetch")
        print("\nbrowser tests: some datasets are not on this machine, so the kernels may use the network")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with browser.LabServer(site, base / "state", ARTIFACTS / "jupyterlab.log", env, offline) as server, \
            sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=browser.find_chromium(), args=browser.CHROMIUM_ARGS)
        try:
            yield server, chromium
        finally:
            chromium.close()


def keep_executed(lab, notebook: Path, run: browser.Run) -> None:
    """Keep the executed notebook, with a report.json in the run report's format, so that the course website
    (tools/site.py, tests/test_site.py) shows these outputs instead of running every notebook a third time."""
    from tf2_hands_on.environment import installed_version

    server, _ = lab
    EXECUTED.mkdir(parents=True, exist_ok=True)
    (EXECUTED / notebook.name).write_bytes((server.site / "notebooks" / notebook.name).read_bytes())
    index = EXECUTED / "report.json"
    report = json.loads(index.read_text()) if index.is_file() else {}
    if report.get("profile") != "smoke":
        report = {"profile": "smoke", "runner": "JupyterLab (Run All in the browser)", "notebooks": {}}
    report.update(tensorflow=installed_version("tensorflow"), keras=installed_version("keras"),
                  environment=site.environment_fingerprint())
    report["notebooks"][notebook.stem] = {"status": "ok", "wall_s": round(run.seconds, 1)}
    index.write_text(json.dumps(report, indent=1) + "\n")


def forget_executed(notebook: Path) -> None:
    (EXECUTED / notebook.name).unlink(missing_ok=True)
    index = EXECUTED / "report.json"
    if index.is_file():
        report = json.loads(index.read_text())
        report.get("notebooks", {}).pop(notebook.stem, None)
        index.write_text(json.dumps(report, indent=1) + "\n")


def run_in_lab(lab, relative: str, timeout: float = NOTEBOOK_TIMEOUT_S) -> browser.Run:
    server, chromium = lab
    return browser.run_notebook(server, chromium, relative, ARTIFACTS, timeout)


def report(run: browser.Run) -> str:
    return (f"{run.notebook} in JupyterLab (Run All, smoke profile, {run.seconds:.0f} s):\n- "
            + "\n- ".join(run.problems) + f"\nscreenshot: {run.screenshot}")


@pytest.mark.parametrize("notebook", selected_notebooks(), ids=lambda p: p.stem)
def test_notebook_runs_in_jupyterlab(lab, notebook):
    forget_executed(notebook)  # a failed run must not leave an earlier run's copy behind
    run = run_in_lab(lab, f"notebooks/{notebook.name}")
    if run.problems:
        pytest.fail(report(run), pytrace=False)
    assert run.screenshot is not None and run.screenshot.stat().st_size > 10_000  # a real picture of the page
    assert run.solutions_checked == sum(1 for c in json.loads(notebook.read_text())["cells"]
                                        if "solution" in c["metadata"].get("tags", []))
    code = "".join("".join(c["source"]) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code")
    if "plots." in code or "plt." in code:  # a notebook that draws shows its plots inline
        assert run.images_on_page > 0, f"{notebook.name} draws plots, but the page shows none"
    keep_executed(lab, notebook, run)
    print(f"{notebook.stem}: {run.seconds:.0f} s, {run.images_on_page} images, screenshot {run.screenshot}")


def test_a_broken_notebook_fails_naming_its_cell(lab):
    run = run_in_lab(lab, "fixtures/broken.ipynb", timeout=120)
    message = report(run)
    assert run.problems, "the broken fixture passed the browser checks"
    assert run.problems[0].startswith("cell 4 (code cell 3, `values = [1, 2, 3]`) shows an error"), message
    assert "ZeroDivisionError" in run.problems[0] and "division by zero" in run.problems[0], message
    assert "fixtures/broken.ipynb" in message and run.screenshot.is_file()
    assert run.cells[-1]["outputs"] == 0 and "[ ]" in run.cells[-1]["prompt"], message  # Run All stopped there
    assert "the last code cell (cell 5) shows no output" in run.problems, message


def test_the_kernel_cannot_reach_other_hosts(lab):
    server, _ = lab
    if not server.offline:
        pytest.skip("some datasets are not on this machine, so this run is not offline")
    run = run_in_lab(lab, "fixtures/offline.ipynb", timeout=120)
    assert not run.problems, report(run)
    assert "network blocked by the browser test" in run.cells[-1]["text"], report(run)


def test_an_image_that_does_not_render_fails(lab):
    run = run_in_lab(lab, "fixtures/broken_image.ipynb", timeout=120)
    assert any("did not render" in p for p in run.problems), report(run)


def test_a_good_fixture_passes_and_counts_its_images(lab):
    run = run_in_lab(lab, "fixtures/plots.ipynb", timeout=120)
    assert not run.problems, report(run)
    assert run.images_on_page == run.images_saved == 2
    assert run.solutions_checked == 1  # its solution's code was off the page until a click showed it


def test_a_solution_in_plain_view_fails(lab):
    run = run_in_lab(lab, "fixtures/visible_solution.ipynb", timeout=120)
    assert any("its code is on the page before it is expanded" in p for p in run.problems), report(run)
