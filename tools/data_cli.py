"""Download and check the course's datasets, for workshops and CI.

    python3 tasks.py data prefetch [--to DIR] [NAME ...]   # download what the notebooks need
    python3 tasks.py data verify [NAME ...]                # check every copy; exit 1 if any is bad

``prefetch`` fills the cache (``paths.cache_dir()``); with ``--to DIR`` it makes an offline kit in DIR instead
(copied from a verified mirror copy where there is one, else downloaded), with a README listing the datasets and
their licences. Learners point the notebooks at a kit with ``TUTORIAL_DATA_DIR``. ``verify`` checks the mirror's
and the cache's copies against their SHA-256s. Nothing is ever deleted or overwritten.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tf2_hands_on import paths
from tf2_hands_on.data.registry import DATASETS
from tf2_hands_on.data.store import MIRROR_ENV, DataError, dataset, fetch, locate_all

KIT_README_TITLE = "# TensorFlow 2 Hands-On: offline data kit"


def _write_kit_readme(folder: Path, names: list[str]) -> Path | None:
    """For ``prefetch --to``: a README listing the kit's datasets and licences; never replaces someone else's file."""
    readme = folder / "README.md"
    if readme.exists() and not readme.read_text(encoding="utf-8", errors="replace").startswith(KIT_README_TITLE):
        return None
    rows = [f"| `{n}/` | {ds.title} | notebooks {', '.join(ds.notebooks)} | {ds.licence} |"
            for n, ds in DATASETS.items() if n in names or (folder / n).is_dir()]  # earlier prefetches too
    readme.write_text("\n".join([
        KIT_README_TITLE, "",
        "Written by `python3 tasks.py data prefetch --to` for a workshop without a reliable network.",
        "Copy this whole folder to a USB stick or a local file server; on each machine, in the project's folder, "
        "point the notebooks at it:",
        "", "```bash", f"export {MIRROR_ENV}=/path/to/this/folder", "python3 tasks.py data verify   # every copy "
        "checked against its SHA-256; exit 1 if one is damaged", "```", "",
        "| folder | dataset | used by | licence |", "|---|---|---|---|", *rows, "",
        "Files are checked, never changed: a damaged copy is reported, not deleted.",
        "Notebook 04 also looks here for MobileNetV2's ImageNet weights, in `keras-applications/` (see the project's "
        "README, *Troubleshooting*); they are not downloaded by this command.", "",
    ]), encoding="utf-8")
    return readme


def _names(args_names: list[str]) -> list[str]:
    for n in args_names:
        dataset(n)
    return args_names or list(DATASETS)


def _prefetch(names: list[str], to: str | None) -> int:
    kit = Path(to).expanduser().resolve() if to else None
    if kit is not None:
        kit.mkdir(parents=True, exist_ok=True)
    failed = 0
    for n in names:
        try:
            where = fetch(n, into=kit)
            print(f"ok       {n:24s} {where}")
        except DataError as e:
            failed += 1
            print(f"FAILED   {n:24s} {e}")
    if kit is not None:
        readme = _write_kit_readme(kit, names)
        print(f"the kit's README (datasets and licences): {readme}" if readme else
              f"{kit / 'README.md'} is not this tool's: left as it is, and no kit README was written")
        if not failed:
            print(f"\nLearners can now use this copy with: export {MIRROR_ENV}={kit}")
    return 1 if failed else 0


def _verify(names: list[str]) -> int:
    bad = 0
    for n in names:
        copies = [loc for loc in locate_all(n) if loc.status != "missing"]
        if not copies:
            bad += 1
            print(f"MISSING  {n:24s} not in the mirror or the cache: a download is needed")
        for loc in copies:
            if loc.status in ("mirror", "cache"):
                print(f"ok       {n:24s} {loc.status}: {loc.path}")
            else:
                bad += 1
                print(f"{loc.status.upper():8s} {n:24s} {loc.detail}")
    if bad:
        print(f"\n{bad} dataset(s) not ready. Run 'python3 tasks.py data prefetch' with a network, "
              f"or set {MIRROR_ENV} to a folder holding a copy.")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py data", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prefetch", help="download every dataset the notebooks need (or the named ones)")
    p.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(DATASETS)}")
    p.add_argument("--to", metavar="DIR",
                   help=f"put the copies here (a workshop kit) instead of the cache, {paths.cache_dir()}")
    v = sub.add_parser("verify", help="check every copy (mirror and cache) against its SHA-256")
    v.add_argument("names", nargs="*", metavar="NAME", help=f"any of: {', '.join(DATASETS)}")
    args = parser.parse_args(argv)
    try:
        names = _names(args.names)
        return _prefetch(names, args.to) if args.command == "prefetch" else _verify(names)
    except DataError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # a read-only or full disk, a folder in the way...
        print(f"error: {e.strerror or e} ({e.filename or 'file system'}). Check the folder is writable "
              f"and has space, then run the command again.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
