"""Every notebook in notebooks/ follows the skeleton, is committed clean, and passes ruff.

Adding a notebook adds it to every test here (and nbval runs it, see pyproject.toml).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools import nbtools

NOTEBOOKS = nbtools.notebook_paths()
ids = [p.stem for p in NOTEBOOKS]
FORBIDDEN = {
    "tf_keras": "write `import keras` (Keras 3)",
    "TF_USE_LEGACY_KERAS": "Keras 2 is not taught",
    "tensorflow.compat.v2": "use TensorFlow 2 APIs directly",
    "from tensorflow import keras": "write `import keras`",
}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def src(cell) -> str:
    return nbtools.source(cell)


def headings(nb) -> list[str]:
    return [line for c in nb["cells"] if c["cell_type"] == "markdown" for line in src(c).splitlines()
            if line.startswith("## ")]


def test_there_are_notebooks_and_numbers_are_unique():
    assert NOTEBOOKS, "notebooks/ is empty"
    numbers = [p.name[:2] for p in NOTEBOOKS]
    assert len(numbers) == len(set(numbers)), f"two notebooks share a number: {numbers}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_name_and_format(path):
    assert nbtools.NAME.match(path.name), f"{path.name}: name notebooks NN_snake_case.ipynb"
    nb = load(path)
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_committed_clean_and_canonical(path):
    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; run 'python3 tasks.py sync'"
    assert text == nbtools.canonical(nbtools.clean(json.loads(text), path)), (
        f"{path.name} is not in canonical form (metadata, badges or JSON layout); run 'python3 tasks.py sync'")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_skeleton(path):
    nb = load(path)
    first = src(nb["cells"][0]).splitlines()
    assert nb["cells"][0]["cell_type"] == "markdown" and first[0].startswith("# "), "first cell: '# Title'"
    info = nbtools.info(path)
    assert info.description.endswith(".") and len(info.description) <= 140, "second line: one sentence"
    assert first[-1] == nbtools.badges(path), "the last line of the first cell is the Colab/Binder badge row"
    assert info.time and info.hardware, "Overview needs '- **Time:** ...' and '- **Hardware:** ...' lines"
    h = headings(nb)
    assert h[:3] == ["## Overview", "## Setup", "## Parameters"], f"sections start Overview, Setup, Parameters: {h}"
    tail = h[h.index("## Summary"):] if "## Summary" in h else []
    assert tail[:2] == ["## Summary", "## Exercises"], f"sections end Summary, Exercises[, Then and now]: {h}"
    assert tail[2:] in ([], ["## Then and now"]), f"after Exercises only '## Then and now' may follow: {h}"


def is_optional_import(node) -> bool:
    """``try: import x`` whose only handler catches ImportError and sets the names to None."""
    if not isinstance(node, ast.Try) or node.orelse or node.finalbody or len(node.handlers) != 1:
        return False
    handler = node.handlers[0]
    imported = {(a.asname or a.name).split(".")[0] for n in node.body if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names}
    set_to_none = {t.id for n in handler.body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
                   and n.value.value is None for t in n.targets if isinstance(t, ast.Name)}
    return (all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in node.body)
            and ast.unparse(handler.type) in ("ImportError", "ModuleNotFoundError")
            and len(handler.body) == len(set_to_none) and imported == set_to_none)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_setup_holds_every_import(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert src(code[0]) == nbtools.setup_cell(), "the first code cell is the standard Setup cell: run 'python3 tasks.py sync'"
    tree = ast.parse(src(code[1]))
    assert all(isinstance(n, (ast.Import, ast.ImportFrom)) or is_optional_import(n) for n in tree.body), (
        "the second code cell holds only imports (and optional ones: try: import x / except ImportError: x = None)")
    for i, cell in enumerate(code[2:], start=2):
        stray = [n for n in ast.parse(src(cell)).body if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert not stray, f"code cell {i} imports {ast.unparse(stray[0])}: move it to the Setup cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_one_parameters_cell_of_plain_assignments(path):
    cells = load(path)["cells"]
    tagged = [i for i, c in enumerate(cells) if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    i = tagged[0]
    assert src(cells[i - 1]).startswith("## Parameters"), "the parameters cell follows the '## Parameters' heading"
    for node in ast.parse(src(cells[i])).body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name), (
            f"parameters cell: only 'name = value' lines, got {ast.unparse(node)}")
        value = node.value
        is_pick = isinstance(value, ast.Call) and ast.unparse(value.func) == "profiles.pick"
        assert is_pick or isinstance(value, ast.Constant), f"{ast.unparse(node)}: use a literal or profiles.pick(...)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_exercises_have_prompt_answer_check_and_solution(path):
    cells = load(path)["cells"]
    number = path.name[:2]
    starts = [i for i, c in enumerate(cells) if "exercise" in c["metadata"].get("tags", [])]
    assert starts, "the Exercises section needs at least one exercise"
    intro = next(src(c) for c in cells if src(c).startswith("## Exercises") or "\n## Exercises" in src(c))
    assert "*Hint:*" in intro and "never change your answers" in intro, (
        "the Exercises section says how a verdict reads (Correct / Not yet / Hint:) and that Run All keeps answers")
    for i in starts:
        match = re.match(rf"\*\*Exercise ({number}\.\d+)\.\*\*", src(cells[i]))
        assert cells[i]["cell_type"] == "markdown" and match, f"cell {i}: prompts start '**Exercise {number}.K.**'"
        ex = match.group(1)
        kinds = [cells[j]["metadata"].get("tags", []) for j in range(i + 1, i + 4)]
        assert kinds == [["answer"], ["check"], ["solution"]], f"exercise {ex}: answer, check, solution cells follow"
        assert f'exercises.check("{ex}"' in src(cells[i + 2]), f"exercise {ex}: the check cell checks {ex}"
        solution = cells[i + 3]
        assert solution["metadata"].get("jupyter", {}).get("source_hidden"), f"exercise {ex}: hide it in JupyterLab"
        assert solution["metadata"].get("cellView") == "form" and src(solution).startswith(nbtools.SOLUTION_TITLE), (
            f"exercise {ex}: hide it on Colab (a '#@title Solution' form cell): run 'python3 tasks.py sync'")
        body = ast.parse(src(solution)).body  # Run All must not replace the learner's answer with the solution
        assert [type(n).__name__ for n in body] == ["FunctionDef", "Expr"] and body[0].name == "solution", (
            f"exercise {ex}: the solution is written inside 'def solution(): ... return answer', nothing else")
        assert ast.unparse(body[1]) == f"exercises.reference('{ex}', solution)", (
            f"exercise {ex}: the solution cell ends with exercises.reference({ex!r}, solution)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_unexplained_skips_or_legacy_apis(path):
    for i, cell in enumerate(load(path)["cells"]):
        text = src(cell)
        for m in re.finditer(r"#\s*NBVAL_SKIP(.*)", text):
            assert len(m.group(1).strip(" :-")) >= 10, f"cell {i}: '# NBVAL_SKIP' needs a written reason next to it"
        assert "raises-exception" not in cell["metadata"].get("tags", []), (
            f"cell {i}: papermill fails on any error output; catch the error and print it instead")
        if cell["cell_type"] == "code":
            for needle, why in FORBIDDEN.items():
                assert needle not in text, f"cell {i} uses {needle}: {why}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_ruff_clean(path):
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(path)],
                            capture_output=True, text=True, cwd=nbtools.ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_table_is_generated_from_the_notebooks():
    readme = (nbtools.ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == nbtools.readme_with_table(readme), "README table is stale: run 'python3 tasks.py sync'"
    for path in NOTEBOOKS:
        assert f"(notebooks/{path.name})" in readme


def test_python_sources_are_ruff_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "tf2_hands_on", "tools", "tests", "tasks.py",
                             "conftest.py"], capture_output=True, text=True, cwd=nbtools.ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("source, ok", [
    ("try:\n    import torch\nexcept ImportError:\n    torch = None", True),
    ("try:\n    import torch.nn as nn\nexcept ModuleNotFoundError:\n    nn = None", True),
    ("try:\n    import torch\nexcept ImportError:\n    pass", False),  # leaves the name undefined
    ("try:\n    import torch\nexcept Exception:\n    torch = None", False),  # would hide real errors
    ("try:\n    import torch\n    torch.manual_seed(0)\nexcept ImportError:\n    torch = None", False),
    ("try:\n    import torch\nexcept ImportError:\n    torch = None\n    other = None", False),
])
def test_optional_import_rule(source, ok):
    assert is_optional_import(ast.parse(source).body[0]) is ok


def _ceilings() -> dict[str, list[float]]:
    text = (nbtools.ROOT / "docs" / "WEIGHTS.md").read_text(encoding="utf-8")
    table = text[text.index("<!-- weights:begin -->"):text.index("<!-- weights:end -->")]
    rows = [line.strip("|").split("|") for line in table.splitlines() if re.match(r"^\| \d\d \|", line)]
    return {row[0].strip(): [float(cell) for cell in row[1:]] for row in rows}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_weight_stays_under_its_ceiling(path):
    """docs/WEIGHTS.md: a notebook's code lines, Markdown words, reading time, asserts and measurement lines."""
    ceilings = _ceilings()
    assert path.name[:2] in ceilings, f"docs/WEIGHTS.md has no ceilings for notebook {path.name[:2]}"
    w = nbtools.weight(path)
    measured = [w.code_lines, w.markdown_words, w.reading_minutes, w.asserts, w.measurement_lines]
    names = ["code lines", "Markdown words", "reading minutes", "asserts", "measurement lines"]
    over = [f"{n} {m} > {c}" for n, m, c in zip(names, measured, ceilings[path.name[:2]], strict=True) if m > c]
    assert not over, f"{path.name} grew past docs/WEIGHTS.md: {', '.join(over)} (cut before you add)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_a_learner_never_reads_ci_vocabulary(path):
    text = "\n".join(src(c) for c in load(path)["cells"] if c["cell_type"] == "markdown")
    found = re.findall(r"\b(?:CI|nbval|pytest|test suite)\b", text)
    assert not found, f"{path.name} speaks of {sorted(set(found))}: say what it means for the learner instead"


PLUMBING = re.compile(r"\breport\.record\(|\brelease_memory\(|\bgc\.collect\(|^\s*del \w+\s*,", re.MULTILINE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_lesson_cells_hold_no_plumbing(path):
    """No run-report calls, memory releases or del lists where a learner reads (issue: lesson first).

    A notebook keeps its figures in variables (claims.GOALS / claims.RECORDED record them); what must run to free
    memory goes in a collapsed cell tagged "housekeeping" whose #@title says what it does.
    """
    found = []
    for i, cell in enumerate(load(path)["cells"]):
        tags = set(cell["metadata"].get("tags", []))
        if cell["cell_type"] != "code":
            continue
        if nbtools.HOUSEKEEPING in tags:
            assert src(cell).startswith("#@title ") and cell["metadata"].get("jupyter", {}).get("source_hidden"), (
                f"{path.name} cell {i}: a housekeeping cell is collapsed and titled; run 'python3 tasks.py sync'")
            continue
        if tags & nbtools.COLLAPSED_TAGS:
            continue
        found += [f"cell {i}: {m.group(0).strip()}" for m in PLUMBING.finditer(src(cell))]
    assert not found, f"{path.name} shows plumbing in lesson cells: {found}"


def test_the_ceilings_are_within_the_rewrite_goals():
    """docs/WEIGHTS.md's ceilings may never rise above the goals the notebooks were rewritten to."""
    for nb, (code, _words, minutes, asserts, _measure) in _ceilings().items():
        limit_code, limit_minutes = (100, 12) if nb == "00" else (250, 35)
        assert code <= limit_code and minutes <= limit_minutes and asserts <= 12, f"notebook {nb}: {code}, {minutes}"
