"""The numbered stages of the computation, shared by the engine's comments, the step-through
view and the exports: each stage's title, formula and panel layout. Qt-free.

Titles and formulas are English source strings (formulas are Qt rich text). They are marked with
``QT_TRANSLATE_NOOP("Stages", …)`` so Qt's lupdate collects them; the UI shows them through
``QCoreApplication.translate("Stages", stage.title)`` (see explorer/ui/stage_info.py).

Notation: tokens are numbered from 0 (t₀ … t_{n−1}, as the token lists, the drill-down and the
examples' notes number them); ``i`` is a head (numbered 1 … h as the UI shows heads), ``h`` the head
count and d_k = d_model / h; inside a matrix, ``q`` is a query row and ``j`` a key column.

Panel layouts (``Stage.layout``), read by the step-through to place its matrix panels:
  * ``"tokens"``: no matrix, the numbered token list;
  * ``"matrix"``: one panel per array in ``arrays`` side by side (x; Q, K, V projections);
  * ``"split"``: one row per array in ``arrays``, one panel per head along it;
  * ``"per_head"``: one panel per head of ``arrays[0]`` on a grid, the single head in an extra column;
  * ``"multi_single"``: ``arrays[0]`` of the h-head trace, then of the single-head trace.
"""
from __future__ import annotations

from dataclasses import dataclass


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate looks for
    """Marks ``text`` for translation in ``context`` and returns it unchanged (no Qt here)."""
    return text


@dataclass(frozen=True)
class Stage:
    number: int
    key: str
    title: str  # English source, e.g. "Softmax"
    formula: str  # English source, Qt rich text
    arrays: tuple[str, ...]  # Trace attributes this stage shows
    layout: str  # how the step-through lays its panels out (see the module docstring)

    @property
    def label(self) -> str:
        """'7 · Softmax' in English (the UI builds the same from the translated title)."""
        return f"{self.number} · {self.title}"


STAGES: tuple[Stage, ...] = (
    Stage(0, "tokens", QT_TRANSLATE_NOOP("Stages", "Tokens"),
          QT_TRANSLATE_NOOP("Stages", "text → tokens t<sub>0</sub> … t<sub>n−1</sub> (words and punctuation; "
                                      "one token per CJK character)"),
          (), "tokens"),
    Stage(1, "embed", QT_TRANSLATE_NOOP("Stages", "Embeddings + positions (X)"),
          QT_TRANSLATE_NOOP("Stages", "X = (E[t] + PE) / √d<sub>model</sub> &nbsp; (E: token embedding, "
                                      "PE: sinusoidal position)"),
          ("x",), "matrix"),
    Stage(2, "project", QT_TRANSLATE_NOOP("Stages", "Projections Q, K, V"),
          QT_TRANSLATE_NOOP("Stages", "Q = X·W<sub>Q</sub>, &nbsp; K = X·W<sub>K</sub>, &nbsp; V = X·W<sub>V</sub>"),
          ("q_proj", "k_proj", "v_proj"), "matrix"),
    Stage(3, "split", QT_TRANSLATE_NOOP("Stages", "Split into heads"),
          QT_TRANSLATE_NOOP("Stages", "Q<sub>i</sub> = Q[:, (i−1)·d<sub>k</sub> … i·d<sub>k</sub>) for head i = 1 … h, "
                                      "&nbsp; the same for K and V, with d<sub>k</sub> = d<sub>model</sub> / h"),
          ("q", "k", "v"), "split"),
    Stage(4, "scores", QT_TRANSLATE_NOOP("Stages", "Scores QKᵀ"),
          QT_TRANSLATE_NOOP("Stages", "S<sub>i</sub> = Q<sub>i</sub> K<sub>i</sub><sup>T</sup> &nbsp; (per head i: one "
                                      "dot product per query–key pair)"),
          ("scores",), "per_head"),
    Stage(5, "scale", QT_TRANSLATE_NOOP("Stages", "Scale (and temperature)"),
          QT_TRANSLATE_NOOP("Stages", "S'<sub>i</sub> = S<sub>i</sub> · (1/√d<sub>k</sub>) / T &nbsp; "
                                      "(elementwise, per head i)"),
          ("scaled_scores",), "per_head"),
    Stage(6, "mask", QT_TRANSLATE_NOOP("Stages", "Mask"),
          QT_TRANSLATE_NOOP("Stages", "S''<sub>i</sub>[q, j] = −∞ where key j may not be seen from query q "
                                      "(causal: j &gt; q); elementwise, per head i"),
          ("masked_scores",), "per_head"),
    Stage(7, "softmax", QT_TRANSLATE_NOOP("Stages", "Softmax"),
          QT_TRANSLATE_NOOP("Stages", "A<sub>i</sub> = softmax(S''<sub>i</sub>) over each row q: A<sub>i</sub>[q, j] = "
                                      "e<sup>S''[q,j]</sup> / Σ<sub>j'</sub> e<sup>S''[q,j']</sup>"),
          ("weights",), "per_head"),
    Stage(8, "weighted_sum", QT_TRANSLATE_NOOP("Stages", "Weighted sum A·V"),
          QT_TRANSLATE_NOOP("Stages", "head<sub>i</sub> = A<sub>i</sub> · V<sub>i</sub>"),
          ("head_outputs",), "per_head"),
    Stage(9, "concat", QT_TRANSLATE_NOOP("Stages", "Concat"),
          QT_TRANSLATE_NOOP("Stages", "Concat(head<sub>1</sub>, …, head<sub>h</sub>)"),
          ("concat",), "multi_single"),
    Stage(10, "output", QT_TRANSLATE_NOOP("Stages", "Output projection ·W_O"),
          QT_TRANSLATE_NOOP("Stages", "MultiHead(X) = Concat(head<sub>1</sub>, …, head<sub>h</sub>) · W<sub>O</sub>"),
          ("output",), "multi_single"),
)

# the stages whose panels are the attention weights (colour scale 0..1)
WEIGHT_STAGES = frozenset(s.number for s in STAGES if s.arrays == ("weights",))
# the stages whose panels have keys (tokens) as columns, not dimensions
KEY_COLUMN_STAGES = frozenset(s.number for s in STAGES if s.arrays and s.arrays[0] in
                              ("scores", "scaled_scores", "masked_scores", "weights"))
