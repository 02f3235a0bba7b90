"""A trained toy checkpoint as an app ``Model``: the heads grid, step-through, drill-down and the
single-vs-multi comparison work on it as on any trained model.

Text: the task's symbols, the letters a, b, c, ... (one per token id, ``vocab`` of them), written
either separated by spaces ("a b c d e f g h") or run together ("abcdefgh"); at most n tokens
(the learned positions), case-insensitive. ``example_text()`` gives a held-out sequence.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..models.base import Cancelled, LayerAttention, Model, ModelError, ModelInfo, ModelRun, Progress
from .model import forward
from .tasks import symbol, to_text
from .trainer import Run


class TrainedModel(Model):
    def __init__(self, run: Run, path: str | os.PathLike[str] = "") -> None:
        self.train_run = run
        shape = run.shape
        self.info = ModelInfo(name=f"{run.cfg.task} h={shape.heads} (trained, step {run.step_count})", family="toy",
                              path=str(path), n_layers=1, n_heads=shape.heads, d_model=shape.d_model,
                              causal=shape.causal, vocab_size=shape.vocab)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TrainedModel:
        """Open a weights file saved by the trainer; ValueError with one sentence if it is not one."""
        return cls(Run.load(path), Path(path))

    def tokenize(self, text: str) -> tuple[list[str], list[int]]:
        shape = self.train_run.shape
        parts = text.split()
        if len(parts) == 1:
            parts = list(parts[0])  # "abcdefgh" run together
        if not parts:
            raise ModelError(f"Type up to {shape.n} letters a-{symbol(shape.vocab - 1)}, e.g. "
                             f"\"{self.example_text()}\".")
        ids: list[int] = []
        for p in parts:
            letter = p.lower()
            if len(letter) != 1 or not "a" <= letter <= symbol(shape.vocab - 1):
                raise ModelError(f"{p!r} is not a token of this model: use the letters a-{symbol(shape.vocab - 1)}, "
                                 f"e.g. \"{self.example_text()}\".")
            ids.append(ord(letter) - ord("a"))
        if len(ids) > shape.n:
            raise ModelError(f"This model has learned positions for {shape.n} tokens, got {len(ids)}.")
        return [symbol(i) for i in ids], ids

    def run(self, text: str, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ModelRun:
        tokens, ids = self.tokenize(text)
        r = self.train_run
        p = r.params
        f = forward(r.shape, p, np.asarray([ids], dtype=np.int64))
        x = f.x[0]  # (1, n, d_model) -> (n, d_model): the attention input, embedding + position
        layer = LayerAttention(x=x, w_q=p["w_q"], w_k=p["w_k"], w_v=p["w_v"], w_o=p["w_o"], b_o=None,
                               q_proj=x @ p["w_q"], k_proj=x @ p["w_k"], v_proj=x @ p["w_v"], weights=f.weights[0])
        if progress is not None:
            progress(1, 1, "attention")
        return ModelRun(self.info, tokens, ids, [layer], logits=None, vocab=symbol)

    def example_text(self, index: int = 0) -> str:
        """A held-out sequence as text, e.g. "c a p f ..."."""
        return to_text(self.train_run.example(index))

    def predictions(self, text: str) -> dict[str, list[str]]:
        """What each read-out predicts at every position: target -> one symbol per token."""
        _, ids = self.tokenize(text)
        f = forward(self.train_run.shape, self.train_run.params, np.asarray([ids], dtype=np.int64))
        return {t: [symbol(int(i)) for i in lg[0].argmax(axis=-1)] for t, lg in f.logits.items()}
