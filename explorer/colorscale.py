"""Colour scales for attention maps (Qt-free, numpy only).

One view draws every attention map it holds (all heads, the single head, the mean) on one scale,
chosen only from the data it shows now, so the same settings give the same colours however they
were reached. Four modes:

- ``linear``: weights as they are, 0 .. a shared top (the largest weight in the view, rounded up
  to the next tenth);
- ``row``: each query row divided by its own largest weight (0 .. 1): which key wins per row,
  readable at any length;
- ``sqrt``: a power scale (γ = 0.5) over 0 .. the shared top: small weights become visible;
- ``log``: log₁₀ of the weight over 10⁻⁴ .. 1: for long inputs, where weights are about 1/n.

``apply_scale`` maps weights to the values an image shows; ``colour_bar`` gives the colour bar's
levels, its tick labels (in weights, whatever the mode) and its title.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SCALES = ("linear", "row", "sqrt", "log")
LOG_FLOOR = 1e-4  # the log scale's bottom: weights below it share the darkest colour


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Marks a title for translation without importing Qt (context "ColourScale")."""
    return text


SCALE_NAMES = {
    "linear": QT_TRANSLATE_NOOP("ColourScale", "Linear (shared)"),
    "row": QT_TRANSLATE_NOOP("ColourScale", "Per row"),
    "sqrt": QT_TRANSLATE_NOOP("ColourScale", "Square root"),
    "log": QT_TRANSLATE_NOOP("ColourScale", "Logarithmic"),
}
SCALE_TITLES = {
    "linear": QT_TRANSLATE_NOOP("ColourScale", "attention weight (linear, shared)"),
    "row": QT_TRANSLATE_NOOP("ColourScale", "weight ÷ row's largest (per-row scale)"),
    "sqrt": QT_TRANSLATE_NOOP("ColourScale", "attention weight (square-root scale)"),
    "log": QT_TRANSLATE_NOOP("ColourScale", "attention weight (log scale)"),
}


def shared_top(*maps: np.ndarray) -> float:
    """The linear scale's top for every map of a view: the largest weight, rounded up to the next
    tenth (0.1 .. 1.0). Depends on the data alone, so it is the same however it was reached."""
    # fmax ignores NaN (masked cells) without nanmax's copy: a live drag calls this every frame
    top = max((float(np.fmax.reduce(m, axis=None)) for m in maps if m is not None and m.size), default=1.0)
    if not math.isfinite(top) or top <= 0:
        return 1.0
    return min(1.0, max(0.1, math.ceil(round(top * 10, 9)) / 10))


def apply_scale(weights: np.ndarray, mode: str, top: float = 1.0) -> np.ndarray:
    """The values to draw for ``weights`` (..., n_q, n_k) in ``mode``, as float32 of the same
    shape; NaN (a masked cell) stays NaN."""
    w = np.asarray(weights, dtype=np.float32)
    if mode == "linear":
        return w
    if mode == "row":
        peak = np.max(np.where(np.isnan(w), -np.inf, w), axis=-1, keepdims=True)  # (..., n_q, n_k) -> (..., n_q, 1)
        peak = np.where(peak > 0, peak, 1.0).astype(np.float32)
        scaled: np.ndarray = w / peak
        return scaled
    if mode == "sqrt":
        return np.sqrt(np.maximum(w, 0.0, where=~np.isnan(w), out=w.copy()))
    if mode == "log":
        return np.log10(np.maximum(w, LOG_FLOOR, where=~np.isnan(w), out=w.copy()))
    raise ValueError(f"Unknown colour scale {mode!r}; choose one of {', '.join(SCALES)}.")


@dataclass(frozen=True)
class ColourBar:
    """What a colour bar shows for a mode: the image levels, ticks as (level, label) with the
    label in attention weights, and the title (English; translate in context "ColourScale")."""

    mode: str
    levels: tuple[float, float]
    ticks: tuple[tuple[float, str], ...]
    title: str


def colour_bar(mode: str, top: float = 1.0) -> ColourBar:
    """The colour bar of ``mode`` (``top`` is the shared linear top; used by linear and sqrt)."""
    if mode == "linear":
        steps = _steps(top)
        return ColourBar(mode, (0.0, top), tuple((v, _fmt(v)) for v in steps), SCALE_TITLES[mode])
    if mode == "row":
        return ColourBar(mode, (0.0, 1.0), tuple((v, _fmt(v)) for v in (0.0, 0.25, 0.5, 0.75, 1.0)), SCALE_TITLES[mode])
    if mode == "sqrt":
        values = [v for v in (0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0) if v <= top + 1e-9]
        ticks = tuple((math.sqrt(v), _fmt(v)) for v in values)
        return ColourBar(mode, (0.0, math.sqrt(top)), ticks, SCALE_TITLES[mode])
    if mode == "log":
        values = [1e-4, 1e-3, 1e-2, 0.1, 1.0]
        return ColourBar(mode, (math.log10(LOG_FLOOR), 0.0), tuple((math.log10(v), _fmt(v)) for v in values),
                         SCALE_TITLES[mode])
    raise ValueError(f"Unknown colour scale {mode!r}; choose one of {', '.join(SCALES)}.")


def _steps(top: float) -> list[float]:
    step = 0.1 if top <= 0.5 else 0.2
    n = int(round(top / step))
    values = [round(i * step, 10) for i in range(n + 1)]
    if abs(values[-1] - top) > 1e-9:
        values.append(top)
    return values


def _fmt(v: float) -> str:
    if v == 0:
        return "0"
    if v < 0.01:
        return f"{v:.0e}".replace("e-0", "e-")
    return f"{v:g}"
