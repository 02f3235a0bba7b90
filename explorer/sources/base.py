"""The one interface every attention source has (numpy only, no Qt).

A source turns a text into tokens and computes, for a layer, the h-head trace the views draw
and the same weights regrouped into h' heads (the comparison). The synthetic engine is one
source; trained models (BERT-family, causal LMs, the Train tab's toy models) are another. Views
never know which: they receive ``TracePair``s and per-layer weights from the state."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from ..engine import TracePair
from ..settings import Settings

ALL_STAGES = tuple(range(11))


@dataclass(frozen=True)
class SourceInfo:
    """What a source is, for captions, sessions and the controls."""

    kind: str  # "synthetic" or "model"
    name: str  # shown to the user, e.g. "Random weights" or "all-MiniLM-L6-v2"
    ref: str  # how to open it again (a model path; "" for the synthetic engine)
    n_layers: int
    n_heads: int
    d_model: int
    causal: bool
    # settings keys the source fixes (a model's d_model, heads, seed, ...); the controls say so
    fixed: tuple[str, ...] = ()
    family: str = ""  # "bert", "gpt2", "llama", "toy" for models
    n_kv_heads: int = 0  # key/value heads when grouped (grouped-query attention); 0: one per head

    def kv_groups(self) -> list[list[int]]:
        """The query heads (0-based) that share each key/value head; [] without grouping."""
        if not self.n_kv_heads or self.n_kv_heads == self.n_heads:
            return []
        per = self.n_heads // self.n_kv_heads
        return [list(range(g * per, (g + 1) * per)) for g in range(self.n_kv_heads)]


class AttentionSource(ABC):
    """Tokens in, traces out. ``settings`` carries the synthetic knobs; a model source reads
    only what it does not fix (e.g. nothing but the token count)."""

    stages: tuple[int, ...] = ALL_STAGES

    @abstractmethod
    def info(self, settings: Settings) -> SourceInfo:
        """Sizes for the current settings (a model's are its own)."""

    @abstractmethod
    def tokenize(self, text: str) -> list[str]:
        """Every token of ``text`` the source would use (at most 256)."""

    @abstractmethod
    def ready(self, text: str, settings: Settings) -> bool:
        """True when ``pair`` can answer without a long computation (a model's forward pass runs
        in a worker first, see ``prepare``)."""

    def prepare(self, text: str, settings: Settings, progress: object = None, cancelled: object = None) -> None:
        """The long part (off the GUI thread): a model's forward pass over ``text``. Nothing for
        sources that are always ready."""
        return None

    @abstractmethod
    def pair(self, text: str, settings: Settings, layer: int, regroup_heads: int) -> TracePair:
        """Layer ``layer``'s trace with the source's heads (``multi``) and the same weights
        regrouped into ``regroup_heads`` heads (``single``; 1 = one head over all of d_model).
        Raises ValueError with a message for the user when it cannot be computed."""

    @abstractmethod
    def layer_weights(self, text: str, settings: Settings) -> np.ndarray:
        """(n_layers, n_heads, n, n): every layer's attention (the model view, line view and scores)."""
