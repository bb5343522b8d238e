"""Point every Colab and Binder link, and the repository Colab installs the package from, at a fork or a branch.

    python3 tasks.py fork OWNER/NAME [--branch BRANCH] [--pin TAG_OR_COMMIT]

For instructors who fork the project. The location is configured in one place, the ``[tool.tutorial]``
table of ``pyproject.toml``; this command rewrites that table, then regenerates everything made from it
(what ``python3 tasks.py sync`` does): every notebook's badge row and Setup cell, and the README's table.
``--pin`` makes Colab install the course package from a tag or commit instead of the branch (``--pin ""``:
from the branch again).
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


def _tool_table(text: str, repository: str, branch: str, pin: str) -> str:
    """pyproject.toml's text with new ``repository``, ``branch`` and ``pin`` values in its ``[tool.tutorial]`` table."""
    start = text.find("[tool.tutorial]")
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    table = text[start:end]
    for key, value in (("repository", repository), ("branch", branch), ("pin", pin)):
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
    parser = argparse.ArgumentParser(prog="python3 tasks.py fork", description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", metavar="OWNER/NAME", help="the GitHub repository, e.g. me/tf2-course")
    parser.add_argument("--branch", default="main", help="the branch the links open (default: main)")
    parser.add_argument("--pin", default=None, metavar="REF",
                        help="a tag or commit Colab installs the package from ('' for the branch; default: unchanged)")
    parser.add_argument("--project", type=Path, default=ROOT, help=argparse.SUPPRESS)  # the tests use a copy
    args = parser.parse_args(argv)
    if not REPOSITORY.fullmatch(args.repo) or args.repo.split("/")[1] in (".", "..") or args.repo.endswith(".git"):
        parser.error(f"{args.repo!r}: write the GitHub repository as OWNER/NAME (no .git), e.g. ada/tf2-course")
    if not BRANCH.fullmatch(args.branch):
        parser.error(f"--branch {args.branch!r}: use letters, digits, '.', '_' and '-' only (no '/'), e.g. workshop-2027")
    if args.pin and not BRANCH.fullmatch(args.pin):
        parser.error(f"--pin {args.pin!r}: give a tag or a commit (letters, digits, '.', '_' and '-'), e.g. v2027.1")
    root = args.project.resolve()
    pyproject = root / "pyproject.toml"
    if not (pyproject.is_file() and (root / "notebooks").is_dir() and (root / "README.md").is_file()):
        parser.error(f"{root} is not the project: run this from the folder that holds README.md and notebooks/")

    sys.path.insert(0, str(root))
    from tools import nbtools

    try:  # every new text is made first; nothing is written if any file cannot be read or rewritten
        text = pyproject.read_text(encoding="utf-8")
        old = {key: tomllib.loads(text)["tool"]["tutorial"].get(key, "") for key in ("repository", "branch", "pin")}
        new = {"repository": args.repo, "branch": args.branch, "pin": old["pin"] if args.pin is None else args.pin}
        planned = {pyproject: _tool_table(text, **new)}
        for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
            planned[path] = _relink(path.read_text(encoding="utf-8"), old, new)
        planned[root / "README.md"] = nbtools.readme_with_table(planned[root / "README.md"], root, new)
        for path in nbtools.notebook_paths(root):  # the text's links; clean() redoes the badges and the Setup cell
            nb = json.loads(path.read_text(encoding="utf-8"))
            for cell in nb["cells"]:
                if cell["cell_type"] == "markdown":
                    cell["source"] = _relink(nbtools.source(cell), old, new)
            planned[path] = nbtools.canonical(nbtools.clean(nb, path, new))
    except SystemExit as problem:
        parser.error(f"{problem} Nothing was changed.")
    except (OSError, ValueError, KeyError) as problem:  # unreadable files, broken TOML or JSON
        parser.error(f"cannot rewrite the links ({type(problem).__name__}: {problem}). Nothing was changed.")
    changed = [path for path, text in planned.items() if path.read_text(encoding="utf-8") != text]
    for path in changed:
        path.write_text(planned[path], encoding="utf-8")
    changed = [str(path.relative_to(root)) for path in changed]
    pinned = f"; Colab installs the package from {new['pin']}" if new["pin"] else ""
    print(f"Every Colab and Binder link now opens github.com/{args.repo} (branch {args.branch}{pinned}).")
    print("\n".join(f"  updated {c}" for c in changed) or "  (nothing to change: they already did)")
    if changed:
        print("Commit and push these files; the badges work once the branch is on GitHub.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
