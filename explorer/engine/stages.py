"""The numbered stages of the computation, shared by the engine's comments, the step-through
view and the exports. Titles and formulas here are English source strings; the UI translates them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    number: int
    key: str
    title: str
    arrays: tuple[str, ...]  # Trace attributes this stage shows


STAGES: tuple[Stage, ...] = (
    Stage(0, "tokens", "Tokens", ()),
    Stage(1, "embed", "Embeddings + positions (X)", ("x",)),
    Stage(2, "project", "Projections Q, K, V", ("q_proj", "k_proj", "v_proj")),
    Stage(3, "split", "Split into heads", ("q", "k", "v")),
    Stage(4, "scores", "Scores QKᵀ", ("scores",)),
    Stage(5, "scale", "Scale (and temperature)", ("scaled_scores",)),
    Stage(6, "mask", "Mask", ("masked_scores",)),
    Stage(7, "softmax", "Softmax", ("weights",)),
    Stage(8, "weighted_sum", "Weighted sum A·V", ("head_outputs",)),
    Stage(9, "concat", "Concat", ("concat",)),
    Stage(10, "output", "Output projection ·W_O", ("output",)),
)
