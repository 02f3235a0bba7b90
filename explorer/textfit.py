"""Fitting text of any length into a fixed space, without Qt: a token may be a 10,000-character
URL or hash, and no label, table cell, combo item or axis label may grow with it."""
from __future__ import annotations

ELLIPSIS = "…"


def elide_middle(text: str, max_chars: int = 24) -> str:
    """``text`` if it has at most ``max_chars`` characters, else its start and end around an
    ellipsis, ``max_chars`` characters in all: ``elide_middle("abcdefghijklmnopqrstuvwxyz", 13)``
    is ``"abcdef…uvwxyz"``. Line breaks and tabs become spaces (a label stays one line)."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " ")
    max_chars = max(1, int(max_chars))
    if len(text) <= max_chars:
        return text
    keep = max_chars - 1  # the ellipsis takes one
    head = (keep + 1) // 2
    tail = keep - head
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")
