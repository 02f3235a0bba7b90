"""Where the shipped data lives: the top-level ``resources/`` folder, installed as the package
``explorer.resources`` (pyproject maps it), so editable and normal installs read it the same way."""
from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

PACKAGE = "explorer.resources"


def resource(*parts: str) -> Traversable:
    """The shipped file ``resources/<parts...>`` (it may not exist; check ``is_file()``)."""
    node = resources.files(PACKAGE)
    for part in parts:
        node = node.joinpath(part)
    return node
