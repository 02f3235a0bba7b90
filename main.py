"""Attention Explorer launcher: everything lives in the ``explorer`` package."""
from explorer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
