"""The shared contract of every trained model: numpy only (no Qt, no torch).

A model family module (bert.py, gpt2.py, gguf_llama.py) reads its files and runs a float64
forward pass that keeps, for every layer, what its attention block computed (``LayerAttention``).
``ModelRun`` turns those into the engine's ``Trace`` per layer, so every view (heads grid,
step-through, drill-down, comparison, exports) works on a trained layer exactly as on the
synthetic engine, and it regroups a layer's trained Q and K into any head count.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from ..engine.attention import Trace, causal_allowed, split_heads, stable_softmax
from ..engine.config import AttentionConfig

MAX_MODEL_TOKENS = 256

# progress(done, total, what) -> None; cancelled() -> True to stop (ModelCancelled is raised)
Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]


class ModelError(ValueError):
    """A model folder or file that cannot be used; the message says why and what to do."""


class ModelCancelled(Exception):
    """The caller's ``cancelled()`` returned True during a load or a run."""


@dataclass(frozen=True)
class ModelInfo:
    name: str  # e.g. "all-MiniLM-L6-v2", "SmolLM2-135M-Instruct"
    family: str  # "bert", "gpt2" or "llama"
    path: str  # the folder or .gguf file it was read from
    n_layers: int
    n_heads: int  # query heads
    d_model: int
    causal: bool
    vocab_size: int
    n_kv_heads: int = 0  # key/value heads (grouped-query attention); 0 means n_heads

    @property
    def d_k(self) -> int:
        return self.d_model // self.n_heads

    @property
    def kv_heads(self) -> int:
        return self.n_kv_heads or self.n_heads

    def kv_group(self, head: int) -> int:
        """The key/value head that query head ``head`` (0-based) reads."""
        return head // (self.n_heads // self.kv_heads)


@dataclass(frozen=True, eq=False)
class LayerAttention:
    """What one layer's attention block computed, float64. Shapes use n tokens, d = d_model.

    q_proj and k_proj are what the scores are made of: for RoPE models they are the rotated
    projections, and for grouped K/V, k_proj and v_proj are expanded to one block per query
    head (so head i of every array is the block the scores of head i use).

    w_q, w_k, w_v, w_o and b_o may be the model's stored float32 weights (shared, read-only, by
    every run: a float64 copy of SmolLM2's would be 318 MB); ModelRun.layer widens them to
    float64. Everything computed per run (x, the projections, the weights) is float64."""

    x: np.ndarray  # (n, d) the attention input (after the layer norm for pre-LN models)
    w_q: np.ndarray  # (d, d)
    w_k: np.ndarray  # (d, d), expanded per query head for grouped K/V
    w_v: np.ndarray  # (d, d), likewise
    w_o: np.ndarray  # (d, d); output = concat @ w_o + b_o
    b_o: np.ndarray | None  # (d,) or None
    q_proj: np.ndarray  # (n, d) x @ w_q + b_q (rotated for RoPE)
    k_proj: np.ndarray  # (n, d)
    v_proj: np.ndarray  # (n, d)
    weights: np.ndarray  # (h, n, n) softmax rows, as the model's forward computed them


@dataclass(frozen=True, eq=False)
class ModelTrace(Trace):
    """A trained layer as a Trace: output adds the output bias."""

    b_o: np.ndarray | None = field(default=None, repr=False)

    @cached_property
    def output(self) -> np.ndarray:
        """10) concat @ w_o + b_o: (n, d_model)."""
        out: np.ndarray = self.concat @ self.w_o
        if self.b_o is not None:
            out = out + self.b_o
        out.setflags(write=False)
        return out


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    a.setflags(write=False)
    return a


class ModelRun:
    """One forward pass of a model over one text: every layer's attention kept."""

    def __init__(self, info: ModelInfo, tokens: list[str], ids: list[int], layers: list[LayerAttention],
                 logits: np.ndarray | None = None, vocab: Callable[[int], str] | None = None) -> None:
        self.info = info
        self.tokens = list(tokens)  # readable token texts (GPT-2's "Ġthe" shown as "·the")
        self.ids = [int(i) for i in ids]
        self._layers = layers
        self._logits = logits  # (vocab,) next-token logits after the last token (causal models)
        self._vocab = vocab  # id -> readable text
        self._traces: dict[int, ModelTrace] = {}
        self._regrouped: dict[tuple[int, int], np.ndarray] = {}

    @property
    def n(self) -> int:
        return len(self.tokens)

    @cached_property
    def weights(self) -> np.ndarray:
        """(n_layers, n_heads, n, n) float64, softmax rows."""
        return _frozen(np.stack([la.weights for la in self._layers]))

    def _check_layer(self, i: int) -> LayerAttention:
        if not 0 <= int(i) < len(self._layers):
            raise ModelError(f"Layer {i} does not exist; {self.info.name} has layers 0-{len(self._layers) - 1}.")
        return self._layers[int(i)]

    def layer(self, i: int) -> ModelTrace:
        """Layer i as an engine Trace (every stage of the step-through)."""
        la = self._check_layer(i)
        hit = self._traces.get(int(i))
        if hit is not None:
            return hit
        info, n, h = self.info, self.n, self.info.n_heads
        cfg = AttentionConfig(d_model=info.d_model, n_heads=h, seed=0, causal=info.causal, scaled=True,
                              temperature=1.0, positional="none")
        q = split_heads(la.q_proj, h)  # (n, d) -> (h, n, d_k)
        k = split_heads(la.k_proj, h)  # (n, d) -> (h, n, d_k)
        scores = q @ k.transpose(0, 2, 1)  # (h, n, d_k) @ (h, d_k, n) -> (h, n, n)
        allowed = causal_allowed(n) if info.causal else np.ones((n, n), dtype=bool)
        v_proj = _frozen(la.v_proj)
        trace = ModelTrace(
            config=cfg, tokens=list(self.tokens), x=_frozen(la.x), w_q=_frozen(la.w_q), w_k=_frozen(la.w_k),
            w_v=_frozen(la.w_v), w_o=_frozen(la.w_o), q_proj=_frozen(la.q_proj), k_proj=_frozen(la.k_proj),
            scores=_frozen(scores), allowed=_frozen(allowed), weights=_frozen(la.weights),
            v_source=lambda: v_proj, b_o=None if la.b_o is None else _frozen(la.b_o),
        )
        self._traces[int(i)] = trace
        return trace

    def regroup(self, i: int, h: int) -> np.ndarray:
        """(h, n, n): layer i's trained Q and K split into h heads of d_model/h, each scaled by
        1/sqrt(d_model/h), masked as the model masks and softmaxed. regroup(i, n_heads) equals
        weights[i]; regroup(i, 1) is one head over all of d_model."""
        la = self._check_layer(i)
        d = self.info.d_model
        h = int(h)
        if h < 1 or d % h:
            valid = ", ".join(str(c) for c in range(1, d + 1) if d % c == 0)
            raise ModelError(f"{h} heads do not divide d_model={d}; valid head counts: {valid}.")
        key = (int(i), h)
        hit = self._regrouped.get(key)
        if hit is not None:
            return hit
        q = split_heads(la.q_proj, h)  # (n, d) -> (h, n, d/h)
        k = split_heads(la.k_proj, h)  # (n, d) -> (h, n, d/h)
        logits = (q @ k.transpose(0, 2, 1)) * (1.0 / math.sqrt(d // h))  # (h, n, n)
        if self.info.causal:
            logits = np.where(causal_allowed(self.n), logits, -np.inf)
        w = _frozen(stable_softmax(logits))
        self._regrouped[key] = w
        return w

    @property
    def predicts(self) -> bool:
        """True when the run can say which token comes next (a causal LM with its logits)."""
        return self._logits is not None and self._vocab is not None

    def prefix(self, n: int) -> ModelRun:
        """The run over the first n tokens, sliced: exact for causal models only (a later token
        never changes an earlier one's attention). It predicts no next token."""
        n = max(1, min(int(n), self.n))
        layers = [replace(la, x=la.x[:n], q_proj=la.q_proj[:n], k_proj=la.k_proj[:n], v_proj=la.v_proj[:n],
                          weights=la.weights[:, :n, :n]) for la in self._layers]
        return ModelRun(self.info, self.tokens[:n], self.ids[:n], layers)

    def next_tokens(self, k: int = 10, temperature: float = 1.0) -> list[tuple[str, float]]:
        """The k most likely next tokens after the text, [(text, probability), ...], most likely
        first, from softmax(logits / temperature). ``text`` is what the token decodes to (" Paris"),
        ready to append to the text; show it with ``readable_byte_level``-style markers if needed.
        Causal models only."""
        if self._logits is None or self._vocab is None:
            raise ModelError(f"{self.info.name} is not a causal language model: it predicts no next token.")
        if not (temperature > 0 and math.isfinite(temperature)):
            raise ModelError(f"The temperature must be a number greater than 0, got {temperature!r}.")
        z = self._logits / temperature
        p = np.exp(z - z.max())
        p /= p.sum()
        k = max(1, min(int(k), len(p)))
        top = np.argpartition(-p, k - 1)[:k]
        top = top[np.argsort(-p[top], kind="stable")]
        return [(self._vocab(int(t)), float(p[t])) for t in top]


class Model(ABC):
    """A loaded model: ``info``, its tokenizer and its forward pass."""

    info: ModelInfo

    @abstractmethod
    def tokenize(self, text: str) -> tuple[list[str], list[int]]:
        """(readable tokens, ids) with the model's own special tokens, at most MAX_MODEL_TOKENS."""

    @abstractmethod
    def run(self, text: str, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ModelRun:
        """The forward pass over ``text``; every layer's attention is kept."""

    @property
    def path(self) -> Path:
        return Path(self.info.path)
