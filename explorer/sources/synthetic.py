"""The synthetic source: the seeded random engine, explored through its sliders."""
from __future__ import annotations

import numpy as np

from ..engine import AttentionEngine, TracePair, tokenize
from ..limits import TOKENS_MAX
from ..settings import Settings
from .base import AttentionSource, SourceInfo


class SyntheticSource(AttentionSource):
    """Random (seeded) embeddings and weights: one layer, any d_model and head count."""

    def __init__(self, engine: AttentionEngine | None = None) -> None:
        self.engine = engine or AttentionEngine(max_traces=6)

    def info(self, settings: Settings) -> SourceInfo:
        return SourceInfo(kind="synthetic", name="Random weights", ref="", n_layers=1, n_heads=settings.n_heads,
                          d_model=settings.d_model, causal=settings.causal)

    def tokenize(self, text: str) -> list[str]:
        """Every token (the state caps them at TOKENS_MAX and says so); the last text's tokens
        are kept, since a drag asks for the same text on every frame."""
        last = getattr(self, "_last_tokens", None)
        if last is None or last[0] != text:
            last = self._last_tokens = (text, tuple(tokenize(text)))
        return list(last[1])

    def ready(self, text: str, settings: Settings) -> bool:
        return True

    def tokens_for(self, text: str, settings: Settings) -> list[str]:
        tokens = self.tokenize(text)[:TOKENS_MAX]
        return tokens if settings.n_tokens is None else tokens[: settings.n_tokens]

    def pair(self, text: str, settings: Settings, layer: int, regroup_heads: int) -> TracePair:
        tokens = self.tokens_for(text, settings)
        cfg = settings.to_config()
        multi = self.engine.compute(cfg, tokens)
        other = multi if regroup_heads == cfg.n_heads else self.engine.compute(cfg.with_heads(regroup_heads), tokens)
        return TracePair(multi, other)

    def layer_weights(self, text: str, settings: Settings) -> np.ndarray:
        trace = self.engine.compute(settings.to_config(), self.tokens_for(text, settings))
        return trace.weights[None]  # (h, n, n) -> (1, h, n, n)
