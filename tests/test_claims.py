"""Figures about the machine: a readable verdict for a learner, a failure under the tests (tf2_hands_on.claims)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from tf2_hands_on import claims
from tools import nbtools

ROOT = nbtools.ROOT
TABLE = """
| 99 | speedup | >= 2 | smoke, default | any | another program was using the CPU |
| 99 | peak_mib | < 100 | default | cpu | other programs share the memory |
| 99 | parallel | >= 1.5 | smoke, default | 2+ cores | with 1 CPU nothing runs in parallel |
"""


def test_the_goals_table_reads_and_names_real_notebooks():
    goals = claims.goals()
    assert goals and {g.notebook for g in goals} <= {p.name[:2] for p in nbtools.notebook_paths()}
    assert all(g.reason and g.profiles for g in goals)
    with pytest.raises(ValueError, match="cannot read"):
        claims.goals(table="| 99 | x | ~ 2 | smoke | any | why |")


def test_a_missed_goal_is_a_verdict_for_a_learner_and_a_failure_under_the_tests(monkeypatch, capsys):
    monkeypatch.setenv("TUTORIAL_PROFILE", "smoke")
    figures = {"speedup": 1.2, "parallel": 1.8}
    results = claims.hold("99", figures, table=TABLE, strict=False)  # a learner's kernel: never raises
    out = capsys.readouterr().out
    assert "| speedup | 1.2 | >= 2 | below the usual; likely cause: another program was using the CPU |" in out
    assert [r.met for r in results] == [False, False, True] and not results[1].applies  # peak_mib: default only
    with pytest.raises(AssertionError, match=r"notebook 99: speedup = 1.2, goal >= 2 \(smoke profile\)"):
        claims.hold("99", figures, table=TABLE, strict=True)
    assert claims.hold("99", {"speedup": 2.5, "parallel": 1.5}, table=TABLE, strict=True)  # met: no error
    assert "Every figure is where the course expects it." in capsys.readouterr().out


def test_a_goal_for_other_machines_does_not_apply(monkeypatch):
    monkeypatch.setenv("TUTORIAL_PROFILE", "smoke")
    monkeypatch.setattr(claims, "_device_kind", lambda: (False, 1))  # one CPU, as on Binder
    results = claims.hold("99", {"speedup": 3.0, "parallel": 1.0}, table=TABLE, strict=True)
    assert not results[2].applies and "not a goal on this machine" in results[2].line


def test_a_missing_figure_fails_under_the_tests(monkeypatch):
    monkeypatch.setenv("TUTORIAL_PROFILE", "smoke")
    with pytest.raises(AssertionError, match="speedup = missing"):
        claims.hold("99", {"parallel": 2.0}, table=TABLE, strict=True)


def test_the_strict_mode_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("TUTORIAL_PROFILE", "smoke")
    monkeypatch.setenv(claims.STRICT_ENV, "1")
    with pytest.raises(AssertionError):
        claims.hold("99", {"speedup": 1.0, "parallel": 2.0}, table=TABLE)
    monkeypatch.delenv(claims.STRICT_ENV)
    claims.hold("99", {"speedup": 1.0, "parallel": 2.0}, table=TABLE)


@pytest.mark.parametrize("strict", ["1", ""])
def test_a_fixture_notebook_with_a_broken_claim_fails_only_in_strict_mode(monkeypatch, strict):
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    monkeypatch.setenv(claims.STRICT_ENV, strict)
    path = ROOT / "tests" / "fixtures" / "claims" / "broken_claim.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3")
    if strict:
        with pytest.raises(nbclient.exceptions.CellExecutionError, match="notebook 99: speedup = 1.2, goal >= 2"):
            client.execute()
    else:
        client.execute()
        text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
        assert "likely cause: another program was using the CPU" in text


def _code(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [TransformerManager().transform_cell(nbtools.source(c)) for c in cells if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", nbtools.notebook_paths(), ids=lambda p: p.stem)
def test_every_goal_goes_through_the_review_cell(path):
    """The notebook assigns each figure its goals name, ends with the collapsed review cell, and asserts on none."""
    number = path.name[:2]
    figures = {g.figure for g in claims.goals(number)}
    if not figures:
        return
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    last = [c for c in cells if c["cell_type"] == "code"][-1]
    assert "claims" in last["metadata"].get("tags", []), f"{path.name}: the last code cell is the review cell"
    assert re.search(rf'claims\.review\("{number}", globals\(\)\)', nbtools.source(last))
    trees = [ast.parse(code) for code in _code(path)]
    assigned = {n.id for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Assign)
                for target in node.targets for n in ast.walk(target) if isinstance(n, ast.Name)}
    assert figures <= assigned, f"{path.name}: goals for figures the notebook never assigns: {figures - assigned}"
    deleted = {t.id for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Delete)
               for t in node.targets if isinstance(t, ast.Name)}
    assert not figures & deleted, f"{path.name} deletes {figures & deleted} before the review"
    compared = [c for tree in trees for node in ast.walk(tree) if isinstance(node, ast.Assert)
                for c in ast.walk(node.test) if isinstance(c, ast.Compare)]  # e.g. assert speedup >= 2
    asserted = {o.id for c in compared for o in [c.left, *c.comparators] if isinstance(o, ast.Name)}
    assert not figures & asserted, f"{path.name} asserts on {figures & asserted}: a figure about the machine never raises"


def test_a_figure_measured_several_times_is_held_by_its_worst(monkeypatch):
    monkeypatch.setenv("TUTORIAL_PROFILE", "smoke")
    table = "| 99 | slowdowns | > 1 | smoke | any | a busy CPU |"
    assert claims.hold("99", {"slowdowns": [3.0, 1.5]}, table=table, strict=True)[0].value == 1.5
    with pytest.raises(AssertionError, match="slowdowns = 0.9"):
        claims.hold("99", {"slowdowns": [3.0, 0.9]}, table=table, strict=True)


def test_recorded_figures_come_from_the_notebooks_variables(monkeypatch, tmp_path):
    from tf2_hands_on import report

    monkeypatch.setenv("TUTORIAL_PROFILE", "smoke")
    monkeypatch.setenv(report.ENV_VAR, str(tmp_path / "figures.jsonl"))
    table = "| 99 | accuracy | % |\n| 99 | size_kb | KB |\n| 99 | optional | s |"
    figures = {"speedup": 2.5, "parallel": 2.0, "accuracy": {"float32": 91.5, "mixed 16": {0.5: 90.0}},
               "size_kb": 12.0, "optional": None}
    claims.hold("99", figures, table=TABLE, recorded_table=table, strict=True)
    values, units = report.read(tmp_path / "figures.jsonl")
    assert values == {"speedup": 2.5, "parallel": 2.0, "accuracy_float32": 91.5, "accuracy_mixed_16_0_5": 90.0,
                      "size_kb": 12.0}
    assert units["accuracy_mixed_16_0_5"] == "%"
    del figures["size_kb"]  # renamed in the notebook, not in the table: the tests say so
    with pytest.raises(AssertionError, match="RECORDED names size_kb"):
        claims.hold("99", figures, table=TABLE, recorded_table=table, strict=True)
    with pytest.raises(ValueError, match="cannot read"):
        claims.recorded(table="| 99 | Bad Name | % |")


def test_the_recorded_table_names_real_notebooks_once():
    rows = claims.recorded()
    assert {nb for nb, _, _ in rows} <= {p.name[:2] for p in nbtools.notebook_paths()}
    assert len({(nb, fig) for nb, fig, _ in rows}) == len(rows)
    goals = {(g.notebook, g.figure) for g in claims.goals()}
    assert not goals & {(nb, fig) for nb, fig, _ in rows}, "a figure with a goal is recorded already"


def test_a_notebook_without_goals_says_so(monkeypatch, capsys):
    monkeypatch.setenv("TUTORIAL_PROFILE", "smoke")
    assert claims.hold("99", {}, table="", recorded_table="", strict=True) == []
    assert "sets no goals" in capsys.readouterr().out


def test_a_figure_set_to_none_was_not_measured_and_holds_no_goal(monkeypatch, capsys):
    """A part skipped on purpose (04's Part A without ImageNet weights) sets its figure to None: no failure;
    a figure the notebook never defines still fails."""
    monkeypatch.setenv("TUTORIAL_PROFILE", "smoke")
    results = claims.hold("99", {"speedup": None, "parallel": 2.0}, table=TABLE, recorded_table="", strict=True)
    assert not results[0].measured and not results[0].applies
    assert "| speedup | not measured |" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="speedup = missing"):
        claims.hold("99", {"parallel": 2.0}, table=TABLE, recorded_table="", strict=True)
