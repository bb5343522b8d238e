"""python3 tasks.py learner-copies: the notebooks without solutions, for workshops. The checks stay."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import uuid

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from tools import nbtools

ROOT = nbtools.ROOT
NOTEBOOKS = nbtools.notebook_paths()


def tags(cell) -> list[str]:
    return cell["metadata"].get("tags", [])


def export(out) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "tasks.py", "learner-copies", str(out)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    out = tmp_path_factory.mktemp("learner")
    result = export(out)
    assert result.returncode == 0, result.stderr
    assert f"wrote {len(NOTEBOOKS)} learner copies" in result.stdout
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_learner_copy_has_no_solutions_and_keeps_everything_else(copies, path):
    full = json.loads(path.read_text(encoding="utf-8"))["cells"]
    learner = json.loads((copies / path.name).read_text(encoding="utf-8"))["cells"]
    assert len(learner) == len(full)
    solutions = [i for i, c in enumerate(full) if "solution" in tags(c)]
    assert solutions, "every notebook has exercises with solutions"
    for i, (before, after) in enumerate(zip(full, learner, strict=True)):
        if i in solutions:
            assert after["cell_type"] == "markdown" and tags(after) == ["solution-removed"]
            assert nbtools.source(after) == nbtools.LEARNER_NOTE
        elif before["cell_type"] == "code":
            assert after == before, f"cell {i} ({tags(before)}) must be copied unchanged"
    prose = "\n".join(nbtools.source(c) for c in learner if c["cell_type"] == "markdown")
    prose = prose.replace(nbtools.LEARNER_NOTE, "").replace(nbtools.SOLUTIONS_REMOVED, "")
    assert not re.search(r"\bsolutions?\b", prose, re.IGNORECASE), "the text still points at a solution"
    assert nbtools.SOLUTIONS_REMOVED in "\n".join(nbtools.source(c) for c in learner)
    assert sum("check" in tags(c) for c in learner) == len(solutions), "one check cell per exercise stays"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_later_cell_needs_a_name_only_a_solution_defines(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    parse = TransformerManager().transform_cell  # the Setup cell's %pip line, as IPython runs it
    code = [(tags(c), ast.parse(parse(nbtools.source(c)))) for c in cells if c["cell_type"] == "code"]

    def defined(tree):
        return {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))} | {
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}

    only_in_solutions = set().union(*(defined(t) for k, t in code if "solution" in k)) - set().union(
        *(defined(t) for k, t in code if "solution" not in k))
    for k, tree in code:
        if not {"solution", "answer", "check"} & set(k):
            used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
            assert not used & only_in_solutions, f"{path.name}: a cell uses {used & only_in_solutions}"


def test_a_learner_copy_runs_top_to_bottom_and_its_checks_say_not_yet():
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    out = ROOT / "build" / f"learner-test-{uuid.uuid4().hex[:8]}"
    try:
        assert export(out).returncode == 0
        nb = nbformat.reads((out / "00_environment_check.ipynb").read_text(encoding="utf-8"), as_version=4)
        executed = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                           resources={"metadata": {"path": str(out)}}).execute()
        checks = [c for c in executed.cells if "check" in tags(c)]
        printed = ["".join(o.get("text", "") for o in c.outputs) for c in checks]
        assert checks and all(" - Not yet" in p for p in printed), printed  # a verdict, not a solution
    finally:
        shutil.rmtree(out, ignore_errors=True)


def test_learner_copies_never_overwrite_the_notebooks_or_a_stranger_file(tmp_path):
    refused = export(ROOT / "notebooks")
    assert refused.returncode == 2 and "outside notebooks/" in refused.stderr and "Traceback" not in refused.stderr
    (tmp_path / "00_environment_check.ipynb").write_text("my own notes")
    refused = export(tmp_path)
    assert refused.returncode == 2 and "is not an earlier learner copy" in refused.stderr
    assert (tmp_path / "00_environment_check.ipynb").read_text() == "my own notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00_environment_check.ipynb"], "nothing else was written"
    (tmp_path / "00_environment_check.ipynb").unlink()
    assert export(tmp_path).returncode == 0 and export(tmp_path).returncode == 0, "an earlier export is replaced"
