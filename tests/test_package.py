"""The course package: importable by name, free of import-time side effects, independent of tools/, indexed."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from tools import nbtools

ROOT = nbtools.ROOT
PACKAGE = ROOT / "tf2_hands_on"


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "scripts" not in parts:  # programs a notebook launches, not modules to import
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_importing_every_module_changes_nothing_and_pulls_in_no_heavy_library():
    code = ("import importlib, json, os, random, sys; before = dict(os.environ); state = random.getstate();"
            f"[importlib.import_module(m) for m in {_modules()!r}];"
            "assert dict(os.environ) == before and random.getstate() == state;"
            "print(json.dumps([m for m in ('tensorflow', 'keras', 'matplotlib', 'papermill') if m in sys.modules]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", f"importing the package pulled in {result.stdout}"


def test_the_package_never_imports_tools_or_tests():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            bad = [n for n in names if n.split(".")[0] in ("tools", "tests", "tasks", "utils")]
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}: the package stands alone (tools may import it)"


def test_the_package_index_is_generated_from_the_notebooks():
    index = ROOT / nbtools.PACKAGE_INDEX
    assert index.read_text(encoding="utf-8") == nbtools.package_index(), "run 'python3 tasks.py sync'"


def test_the_index_names_every_helper_a_notebook_calls_and_each_exists():
    import importlib

    uses = nbtools.helper_uses()
    assert uses["exercises.check"] == [p.name[:2] for p in nbtools.notebook_paths()]
    for name in uses:
        module, attr = name.split(".")
        assert hasattr(importlib.import_module(f"tf2_hands_on.{module}"), attr), f"{name} is used but not defined"


def test_no_docstring_carries_a_hand_written_notebook_tag():
    for path in PACKAGE.rglob("*.py"):
        assert "[notebook " not in path.read_text(encoding="utf-8"), f"{path.name}: the index says where it is used"


def test_helper_uses_reads_calls_not_text(tmp_path):
    (tmp_path / "notebooks").mkdir()
    cells = [{"cell_type": "code", "source": "from tf2_hands_on import plots as p, data\n"},
             {"cell_type": "code", "source": "if x:\n    %pip install y\np.save(fig, 'a')  # data.fetch is only a comment\n"},
             {"cell_type": "markdown", "source": "data.fetch in prose does not count"}]
    (tmp_path / "notebooks" / "07_x.ipynb").write_text(json.dumps({"cells": cells}))
    assert nbtools.helper_uses(tmp_path) == {"plots.save": ["07"]}


def test_each_datasets_notebooks_are_the_ones_that_load_it():
    """The registry's notebooks per dataset (shown in the offline kit's README and by notebook 00) agree with the
    notebooks' own calls."""
    from tf2_hands_on import data

    loaders = {"mnist": "data.load_mnist", "fashion-mnist": "data.load_fashion_mnist",
               "cats_and_dogs_filtered": "data.cats_and_dogs_dir", "tinyshakespeare": "data.tiny_shakespeare"}
    assert set(loaders) == set(data.DATASETS)
    uses = nbtools.helper_uses()
    served = {"fashion-mnist": "data.serve_to_keras"}  # notebook 02 loads it through keras.datasets
    for name, loader in loaders.items():
        notebooks = sorted(set(uses[loader]) | set(uses.get(served.get(name), [])))
        assert list(data.DATASETS[name].notebooks) == notebooks, f"{name}: the registry's notebooks are stale"
