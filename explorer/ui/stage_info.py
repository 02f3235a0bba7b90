"""The stages as the UI shows them: translated titles and formulas of ``explorer.engine.STAGES``
(where they now live, with each stage's panel layout), and the shapes with the actual numbers.

A thin layer kept for the exports: ``stage_title(k)``, ``stage_formula(k)``, ``stage_shapes(pair, k)``,
``scale_text(pair)`` and ``N_STAGES``."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..engine import STAGES, TracePair

N_STAGES = len(STAGES)


def stage_title(k: int) -> str:
    """'7 · Softmax': the number first, as the stage label shows it (translated)."""
    stage = STAGES[k]
    return f"{stage.number} · {QCoreApplication.translate('Stages', stage.title)}"


def stage_formula(k: int) -> str:
    """The stage's formula as Qt rich text (translated)."""
    return QCoreApplication.translate("Stages", STAGES[k].formula)


def _shape(*dims: int) -> str:
    return "×".join(str(d) for d in dims)


def stage_shapes(pair: TracePair, k: int) -> str:
    """The stage's shapes with the actual numbers, multi-head first, then the single head."""
    t = pair.multi
    n, d, h, dk = t.n, t.d_model, t.n_heads, t.d_k
    if k == 0:
        return QCoreApplication.translate("Stages", "n = {0} tokens").format(n)
    if k == 1:
        return QCoreApplication.translate("Stages", "X : {0}").format(_shape(n, d))
    if k == 2:
        return QCoreApplication.translate("Stages", "Q = X·W_Q : ({0})·({1}) → {0}, the same for K and V").format(
            _shape(n, d), _shape(d, d))
    if k == 3:
        return QCoreApplication.translate(
            "Stages", "Q : {0} → split into {1} heads → {1} × {2} (single head: 1 × {0})").format(
            _shape(n, d), h, _shape(n, dk))
    if k == 4:
        return QCoreApplication.translate(
            "Stages", "{0} heads: ({1})·({2}) → {0} × {3}; single head: ({4})·({5}) → {3}").format(
            h, _shape(n, dk), _shape(dk, n), _shape(n, n), _shape(n, d), _shape(d, n))
    if k == 5:  # stages 5-7 work element by element (7: row by row) on each head's n×n, no product
        return QCoreApplication.translate(
            "Stages", "elementwise on {1}, per head i: {0} × {1} → {0} × {1}; single head: {1} → {1}").format(
            h, _shape(n, n))
    if k == 6:
        return QCoreApplication.translate(
            "Stages", "elementwise on {1}, per head i: {0} × {1} → {0} × {1} ({2} of {3} cells kept); "
                      "single head: {1} → {1}").format(h, _shape(n, n), int(t.allowed.sum()), n * n)
    if k == 7:
        return QCoreApplication.translate(
            "Stages", "row by row on {1}, per head i: {0} × {1} → {0} × {1}, every row sums to 1; "
                      "single head: {1} → {1}").format(h, _shape(n, n))
    if k == 8:
        return QCoreApplication.translate(
            "Stages", "{0} heads: ({1})·({2}) → {0} × {2}; single head: ({1})·({3}) → {3}").format(
            h, _shape(n, n), _shape(n, dk), _shape(n, d))
    if k == 9:
        return QCoreApplication.translate("Stages", "{0} × {1} → {2}").format(h, _shape(n, dk), _shape(n, d))
    return QCoreApplication.translate("Stages", "({0})·({1}) → {0}").format(_shape(n, d), _shape(d, d))


def scale_text(pair: TracePair) -> str:
    cfg = pair.multi.config
    root = QCoreApplication.translate("Stages", "1/√{0}").format(cfg.d_k) if cfg.scaled else "1"
    return QCoreApplication.translate("Stages", "scale = {0} / T = {1:.4g} (single head: {2:.4g})").format(
        root, cfg.scale, pair.single.config.scale)
