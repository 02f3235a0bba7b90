"""Validate resources/examples.json and verify every example's checks against the engine.

Usage: python tools/check_examples.py [path]   (exit status 1 on any problem or failed check)
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from explorer.examples import load_examples, verify_checks  # noqa: E402


def main(argv: list[str]) -> int:
    library = load_examples(Path(argv[0]) if argv else None)
    bad = 0
    for problem in library.problems:
        print(f"PROBLEM {problem}")
        bad += 1
    for example in library.examples:
        failures = verify_checks(example)
        status = "ok" if not failures else f"{len(failures)} failed"
        print(f"{example.id}: {len(example.checks)} checks, {status}")
        for failure in failures:
            print(f"  FAIL {failure}")
        bad += len(failures)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
