"""Point every Colab and Binder link, and the repository Colab fetches, at a fork or another branch.

    python -m utils.badges --repo OWNER/NAME [--branch BRANCH]

For instructors who fork the project. The location is configured in one place, the ``[tool.tutorial]``
table of ``pyproject.toml``; this command rewrites that table, then regenerates everything made from it
(what ``python3 tasks.py sync`` does): every notebook's badge row and Setup cell, and the README's table.
Colab, Binder or GitHub links to the old location anywhere else in the README, in ``docs/`` or in the
notebooks' text are rewritten too. Commit and push the result: the badges open the fork.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPOSITORY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
BRANCH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")  # no '/': Binder's URLs would need it escaped


def _tool_table(text: str, repository: str, branch: str) -> str:
    """pyproject.toml's text with new ``repository`` and ``branch`` values in its ``[tool.tutorial]`` table."""
    start = text.find("[tool.tutorial]")
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    table = text[start:end]
    for key, value in (("repository", repository), ("branch", branch)):
        table, count = re.subn(rf'(?m)^{key} = "[^"\n]*"', f'{key} = "{value}"', table)
        if count != 1:
            raise SystemExit(f"pyproject.toml: [tool.tutorial] needs exactly one line '{key} = \"...\"'; found {count}.")
    return text[:start] + table + text[end:]


def _relink(text: str, old: dict, new: dict) -> str:
    """``text`` with Colab, Binder and GitHub links to the old location pointed at the new one."""
    pairs = [
        (f"colab.research.google.com/github/{old['repository']}/blob/{old['branch']}/",
         f"colab.research.google.com/github/{new['repository']}/blob/{new['branch']}/"),
        (f"mybinder.org/v2/gh/{old['repository']}/{old['branch']}?",
         f"mybinder.org/v2/gh/{new['repository']}/{new['branch']}?"),
    ]
    for before, after in pairs:
        text = text.replace(before, after)
    return re.sub(rf"github\.com/{re.escape(old['repository'])}(?=[/.\s)\"'`]|$)", f"github.com/{new['repository']}",
                  text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.badges", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True, metavar="OWNER/NAME", help="the GitHub repository, e.g. me/tf2-course")
    parser.add_argument("--branch", default="main", help="the branch the links open (default: main)")
    parser.add_argument("--project", type=Path, default=ROOT, help=argparse.SUPPRESS)  # the tests use a copy
    args = parser.parse_args(argv)
    if not REPOSITORY.fullmatch(args.repo):
        parser.error(f"--repo {args.repo!r}: write the GitHub repository as OWNER/NAME, e.g. --repo ada/tf2-course")
    if not BRANCH.fullmatch(args.branch):
        parser.error(f"--branch {args.branch!r}: use letters, digits, '.', '_' and '-' only (no '/'), e.g. workshop-2027")
    root = args.project.resolve()
    pyproject = root / "pyproject.toml"
    if not (pyproject.is_file() and (root / "notebooks").is_dir() and (root / "README.md").is_file()):
        parser.error(f"{root} is not the project: run this from the folder that holds README.md and notebooks/")

    sys.path.insert(0, str(root))
    from tools import nbtools

    text = pyproject.read_text(encoding="utf-8")
    old = tomllib.loads(text)["tool"]["tutorial"]
    new = {"repository": args.repo, "branch": args.branch}
    changed = []
    new_text = _tool_table(text, **new)
    if new_text != text:
        pyproject.write_text(new_text, encoding="utf-8")
        changed.append("pyproject.toml")
    prose = [root / "README.md", *sorted((root / "docs").glob("*.md"))]
    for path in prose:
        before = path.read_text(encoding="utf-8")
        after = _relink(before, old, new)
        if after != before:
            path.write_text(after, encoding="utf-8")
            changed.append(str(path.relative_to(root)))
    for path in nbtools.notebook_paths(root):  # links in the notebooks' own text; sync() then redoes badges and setup
        before = path.read_text(encoding="utf-8")
        nb = json.loads(before)
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = _relink(nbtools.source(cell), old, new)
        after = nbtools.canonical(nbtools.clean(nb, path, new))
        if after != before:
            path.write_text(after, encoding="utf-8")
            changed.append(str(path.relative_to(root)))
    changed += [c for c in nbtools.sync(root) if c not in changed]
    print(f"Every Colab and Binder link now opens github.com/{args.repo} (branch {args.branch}).")
    print("\n".join(f"  updated {c}" for c in changed) or "  (nothing to change: they already did)")
    if changed:
        print("Commit and push these files; the badges work once the branch is on GitHub.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
