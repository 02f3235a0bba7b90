"""A trained model as a source: its own tokenizer, layers and heads. The forward pass over a
text is the long part (``prepare``, run by the window in a worker); its result is cached per
text, so moving the layer, head or regroup controls only reads the cache."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace

import numpy as np

from ..engine import TracePair
from ..engine.attention import split_heads
from ..models.base import Model, ModelRun, ModelTrace
from ..settings import Settings
from .base import AttentionSource, SourceInfo

# what a model fixes: the sliders for these say "fixed by the model" instead of moving
MODEL_FIXED = ("d_model", "n_heads", "seed", "causal", "scaled", "temperature", "positional")


def regrouped_trace(run: ModelRun, layer: int, h: int) -> ModelTrace:
    """Layer ``layer`` with its trained Q and K split into ``h`` heads: a full trace (stages 3-10
    follow from the regrouped weights), so the comparison and the step-through can show it."""
    base = run.layer(layer)
    if h == base.n_heads:
        return base
    weights = run.regroup(layer, h)  # checks that h divides d_model
    q = split_heads(base.q_proj, h)  # (n, d_model) -> (h, n, d_model/h)
    k = split_heads(base.k_proj, h)  # (n, d_model) -> (h, n, d_model/h)
    scores = q @ k.transpose(0, 2, 1)  # (h, n, d/h) @ (h, d/h, n) -> (h, n, n)
    scores.setflags(write=False)
    return replace(base, config=base.config.with_heads(h), scores=scores, weights=weights)


class ModelSource(AttentionSource):
    def __init__(self, model: Model, max_runs: int = 8) -> None:
        self.model = model
        self._runs: OrderedDict[tuple[str, int | None], ModelRun] = OrderedDict()
        self._lock = threading.Lock()
        self._max_runs = max_runs
        self._probe: np.ndarray | None = None

    def info(self, settings: Settings) -> SourceInfo:
        i = self.model.info
        return SourceInfo(kind="model", name=i.name, ref=i.path, n_layers=i.n_layers, n_heads=i.n_heads,
                          d_model=i.d_model, causal=i.causal, fixed=MODEL_FIXED, family=i.family,
                          n_kv_heads=i.n_kv_heads)

    def tokenize(self, text: str) -> list[str]:
        return self.model.tokenize(text)[0]

    def _key(self, text: str, settings: Settings) -> tuple[str, int | None]:
        n = settings.n_tokens
        if n is not None and n >= len(self.tokenize(text)):
            n = None
        return text, n

    def cached(self, text: str, settings: Settings) -> ModelRun | None:
        with self._lock:
            run = self._runs.get(self._key(text, settings))
            if run is not None:
                self._runs.move_to_end(self._key(text, settings))
            return run

    def ready(self, text: str, settings: Settings) -> bool:
        return self.cached(text, settings) is not None

    def prepare(self, text: str, settings: Settings, progress: object = None, cancelled: object = None) -> None:
        key = self._key(text, settings)
        if self.cached(text, settings) is not None:
            return
        run = self.model.run(text, progress=progress, cancelled=cancelled)  # type: ignore[arg-type]
        if key[1] is not None:
            run = self._prefix(run, key[1])
        with self._lock:
            self._runs[key] = run
            while len(self._runs) > self._max_runs:
                self._runs.popitem(last=False)

    def _prefix(self, run: ModelRun, n: int) -> ModelRun:
        """The first n tokens: exact for causal models (later tokens never reach earlier ones);
        a bidirectional model is run again on those n token ids."""
        run_ids = getattr(self.model, "run_ids", None)
        if callable(run_ids):
            result = run_ids(run.ids[:n])
            assert isinstance(result, ModelRun)
            return result
        return run.prefix(n)

    def run(self, text: str, settings: Settings) -> ModelRun:
        run = self.cached(text, settings)
        if run is None:
            self.prepare(text, settings)
            run = self.cached(text, settings)
        assert run is not None
        return run

    def pair(self, text: str, settings: Settings, layer: int, regroup_heads: int) -> TracePair:
        run = self.run(text, settings)
        layer = max(0, min(int(layer), self.model.info.n_layers - 1))
        return TracePair(run.layer(layer), regrouped_trace(run, layer, regroup_heads))

    PROBE_LENGTH = 50  # tokens of the random sequence the induction probe repeats

    def induction_probe(self, cancelled: object = None) -> np.ndarray | None:
        """(n_layers, n_heads) induction scores on a random token sequence repeated twice, as in
        TransformerLens's head detector: each query in the second copy should attend to the token
        right after its earlier occurrence. Causal models with ``run_ids`` only; cached."""
        if self._probe is not None:
            return self._probe
        run_ids = getattr(self.model, "run_ids", None)
        if not self.model.info.causal or not callable(run_ids):
            return None
        from ..headscores import induction

        vocab = self.model.info.vocab_size
        rng = np.random.default_rng(0)
        seq = rng.integers(min(100, vocab // 4), vocab, size=self.PROBE_LENGTH).tolist()
        run = run_ids(seq + seq)
        ids = [str(i) for i in run.ids]  # token identity by id (BOS, if any, is its own id)
        w = run.weights
        self._probe = np.array([[induction(w[layer, h], ids) for h in range(w.shape[1])]
                                for layer in range(w.shape[0])])
        return self._probe

    def layer_weights(self, text: str, settings: Settings) -> np.ndarray:
        return self.run(text, settings).weights
