"""Where the shipped checkpoints are: ``resources/checkpoints/<task>-h<H>.npz``."""
from __future__ import annotations

import importlib.resources
from pathlib import Path

from .tasks import get_task

SHIPPED: tuple[tuple[str, int], ...] = (
    ("prev-next", 1), ("prev-next", 2), ("prev-next", 4),
    ("prev", 1), ("prev", 2),
    ("fields-2", 1), ("fields-2", 2),
    ("fields-3", 1), ("fields-3", 4),
    ("fields-4", 1), ("fields-4", 4),
    ("max", 1), ("max", 4),
)


def checkpoint_name(task: str, heads: int) -> str:
    return f"{task}-h{int(heads)}.npz"


def _candidates(name: str) -> list[Path]:
    found: list[Path] = []
    try:  # the installed package's resources (the lead maps resources/ to explorer.resources)
        root = importlib.resources.files("explorer.resources")
        p = root.joinpath("checkpoints", name)
        if p.is_file():
            found.append(Path(str(p)))
    except (ModuleNotFoundError, TypeError, FileNotFoundError, NotADirectoryError):
        pass
    # the source tree: explorer/train/ -> the repository's top-level resources/
    found.append(Path(__file__).resolve().parents[2] / "resources" / "checkpoints" / name)
    return found


def checkpoint_path(task: str, heads: int) -> Path:
    """The shipped checkpoint of ``task`` trained with ``heads`` heads. Raises ValueError for an
    unknown task and FileNotFoundError if no such checkpoint is shipped."""
    get_task(task)
    name = checkpoint_name(task, heads)
    for p in _candidates(name):
        if p.is_file():
            return p
    shipped = ", ".join(f"h={h}" for t, h in SHIPPED if t == task)
    raise FileNotFoundError(f"No shipped checkpoint {name}; for {task} there are: {shipped or 'none'}.")


def shipped_heads(task: str) -> list[int]:
    """The head counts with a checkpoint shipped for ``task`` that is actually present."""
    out = []
    for t, h in SHIPPED:
        if t == task:
            try:
                checkpoint_path(t, h)
            except FileNotFoundError:
                continue
            out.append(h)
    return out
