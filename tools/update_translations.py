"""Refresh the Chinese catalogue: pyside6-lupdate over every explorer/**/*.py (paths relative to
the repository, so the .ts locations are stable), then pyside6-lrelease to the shipped .qm.

    python tools/update_translations.py            # update .ts and compile .qm
    python tools/update_translations.py --no-lupdate  # only compile the .qm
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = Path("resources/i18n/attention_explorer_zh_CN.ts")
QM = TS.with_suffix(".qm")


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease next to the running Python, else on PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found (pip install PySide6-Essentials)")
    return found


def sources(root: Path = ROOT) -> list[str]:
    """Every package file, relative to ``root``, in a stable order."""
    return sorted(p.relative_to(root).as_posix() for p in (root / "explorer").rglob("*.py"))


def lupdate(ts: Path, root: Path = ROOT, extra: list[str] | None = None) -> str:
    """Run lupdate over the package into ``ts`` (relative to ``root`` or absolute); returns its output."""
    cmd = [tool("pyside6-lupdate"), *(extra or []), *sources(root), "-ts", str(ts)]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


def lrelease(ts: Path, qm: Path, root: Path = ROOT) -> str:
    cmd = [tool("pyside6-lrelease"), str(ts), "-qm", str(qm)]
    done = subprocess.run(cmd, cwd=root, capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-lupdate", action="store_true", help="only compile the .ts into the .qm")
    ap.add_argument("--no-obsolete", action="store_true", help="drop entries no longer in the code")
    args = ap.parse_args(argv)
    os.makedirs(ROOT / TS.parent, exist_ok=True)
    if not args.no_lupdate:
        print(lupdate(TS, extra=["-no-obsolete"] if args.no_obsolete else None).strip())
    print(lrelease(TS, QM).strip())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
