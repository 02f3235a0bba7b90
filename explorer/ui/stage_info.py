"""Titles, formulas and shapes of the 11 stages, in the paper's names and the engine's numbering."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ..engine import STAGES, TracePair


def tr(text: str) -> str:
    return QCoreApplication.translate("Stages", text)


N_STAGES = len(STAGES)

def stage_title(k: int) -> str:
    """'7 · Softmax': the number first, as the stage label shows it."""
    titles = {
        0: tr("Tokens"), 1: tr("Embeddings + positions (X)"), 2: tr("Projections Q, K, V"),
        3: tr("Split into heads"), 4: tr("Scores QKᵀ"), 5: tr("Scale (and temperature)"), 6: tr("Mask"),
        7: tr("Softmax"), 8: tr("Weighted sum A·V"), 9: tr("Concat"), 10: tr("Output projection ·W_O"),
    }
    return f"{k} · {titles[k]}"


def stage_formula(k: int) -> str:
    """The stage's formula as Qt rich text."""
    formulas = {
        0: tr("text → tokens t<sub>1</sub> … t<sub>n</sub> (words and punctuation; one token per CJK character)"),
        1: tr("X = (E[t] + PE) / √d<sub>model</sub> &nbsp; (E: token embedding, PE: sinusoidal position)"),
        2: tr("Q = X·W<sub>Q</sub>, &nbsp; K = X·W<sub>K</sub>, &nbsp; V = X·W<sub>V</sub>"),
        3: tr("Q<sub>h</sub> = Q[:, h·d<sub>k</sub> … (h+1)·d<sub>k</sub>), &nbsp; the same for K and V, "
              "with d<sub>k</sub> = d<sub>model</sub> / h"),
        4: tr("S<sub>h</sub> = Q<sub>h</sub> K<sub>h</sub><sup>T</sup> &nbsp; (one dot product per query–key pair)"),
        5: tr("S'<sub>h</sub> = S<sub>h</sub> · (1/√d<sub>k</sub>) / T"),
        6: tr("S''<sub>h</sub>[i, j] = −∞ where key j may not be seen from query i (causal: j &gt; i)"),
        7: tr("A<sub>h</sub> = softmax(S''<sub>h</sub>) over each row: A[i, j] = e<sup>S''[i,j]</sup> / "
              "Σ<sub>j'</sub> e<sup>S''[i,j']</sup>"),
        8: tr("head<sub>h</sub> = A<sub>h</sub> · V<sub>h</sub>"),
        9: tr("Concat(head<sub>1</sub>, …, head<sub>h</sub>)"),
        10: tr("MultiHead(X) = Concat(head<sub>1</sub>, …, head<sub>h</sub>) · W<sub>O</sub>"),
    }
    return formulas[k]


def _shape(*dims: int) -> str:
    return "×".join(str(d) for d in dims)


def stage_shapes(pair: TracePair, k: int) -> str:
    """The stage's shapes with the actual numbers, multi-head first, then the single head."""
    t = pair.multi
    n, d, h, dk = t.n, t.d_model, t.n_heads, t.d_k
    if k == 0:
        return tr("n = {0} tokens").format(n)
    if k == 1:
        return tr("X : {0}").format(_shape(n, d))
    if k == 2:
        return tr("Q = X·W_Q : ({0})·({1}) → {0}, the same for K and V").format(_shape(n, d), _shape(d, d))
    if k == 3:
        return tr("Q : {0} → split into {1} heads → {1} × {2} (single head: 1 × {0})").format(
            _shape(n, d), h, _shape(n, dk))
    if k in (4, 5, 6, 7):
        return tr("{0} heads: ({1})·({2}) → {0} × {3}; single head: ({4})·({5}) → {3}").format(
            h, _shape(n, dk), _shape(dk, n), _shape(n, n), _shape(n, d), _shape(d, n))
    if k == 8:
        return tr("{0} heads: ({1})·({2}) → {0} × {2}; single head: ({1})·({3}) → {3}").format(
            h, _shape(n, n), _shape(n, dk), _shape(n, d))
    if k == 9:
        return tr("{0} × {1} → {2}").format(h, _shape(n, dk), _shape(n, d))
    return tr("({0})·({1}) → {0}").format(_shape(n, d), _shape(d, d))


def scale_text(pair: TracePair) -> str:
    cfg = pair.multi.config
    return tr("scale = {0} / T = {1:.4g} (single head: {2:.4g})").format(
        tr("1/√{0}").format(cfg.d_k) if cfg.scaled else "1", cfg.scale, pair.single.config.scale)
