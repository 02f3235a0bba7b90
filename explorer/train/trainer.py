"""Training several head counts side by side on the same data, the same seed and the same
initial weights: only how d_model is split into heads differs between the runs.

    trainer = Trainer(TrainConfig(task="prev-next"), heads=(1, 2, 4))
    trainer.step(100)                 # every run advances 100 optimiser steps
    trainer.runs[2].history[-1]       # HistoryPoint(step, loss, accuracy={"prev": ..., "next": ...})
    trainer.runs[2].evaluate()        # held-out accuracy per target
    trainer.runs[2].ablate(0)         # held-out accuracy with head 0 switched off
"""
from __future__ import annotations

import json
import math
import os
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from ..engine.blas import single_threaded_blas
from .model import (
    IGNORE,
    Adam,
    Array,
    Forward,
    IntArray,
    ModelShape,
    Params,
    count_params,
    forward,
    init_params,
    loss_and_grads,
    param_shapes,
)
from .tasks import DEFAULT_N, DEFAULT_VOCAB, Task, get_task

FORMAT = "attention-explorer-train/1"
HELD_OUT = 2000  # held-out sequences per evaluation
MAX_STEPS = 1_000_000
MAX_D_MODEL = 512

# Seed streams: the data, the initial weights and the held-out set each get their own stream of
# the run's seed, so changing one never shifts another; the held-out stream is not a training stream.
_DATA, _INIT, _HELD_OUT = 1, 2, 7919


@dataclass(frozen=True)
class TrainConfig:
    task: str = "prev-next"
    d_model: int = 32
    steps: int = 600
    seed: int = 0
    lr: float = 1e-2
    batch: int = 64
    n: int = DEFAULT_N
    vocab: int = DEFAULT_VOCAB
    eval_every: int = 50  # a held-out evaluation (on a 500-sequence slice) every this many steps

    def __post_init__(self) -> None:
        get_task(self.task)
        for name in ("d_model", "steps", "batch", "n", "vocab", "eval_every"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
        if self.d_model > MAX_D_MODEL:
            raise ValueError(f"d_model must be at most {MAX_D_MODEL}, got {self.d_model}.")
        if self.steps > MAX_STEPS:
            raise ValueError(f"steps must be at most {MAX_STEPS}, got {self.steps}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**32:
            raise ValueError(f"seed must be a whole number from 0 to {2**32 - 1}, got {self.seed!r}.")
        lr = self.lr
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or not 0 < lr <= 1:
            raise ValueError(f"lr must be a number greater than 0 and at most 1, got {lr!r}.")
        if self.vocab > 26:
            raise ValueError(f"vocab must be at most 26 (one letter per token), got {self.vocab}.")

    @property
    def task_def(self) -> Task:
        return get_task(self.task)


@dataclass(frozen=True)
class HistoryPoint:
    step: int
    loss: float  # the training batch's loss at this step
    accuracy: dict[str, float]  # target -> fraction correct on the training batch


def held_out(task: Task, cfg: TrainConfig, count: int = HELD_OUT) -> tuple[IntArray, dict[str, IntArray]]:
    """The held-out sequences: the same for every head count, drawn from a stream no training uses."""
    return task.sample(np.random.default_rng([cfg.seed, _HELD_OUT]), count, cfg.n, cfg.vocab)


def accuracy(f: Forward, targets: dict[str, IntArray]) -> dict[str, float]:
    out: dict[str, float] = {}
    for t, logits in f.logits.items():
        tgt = targets[t]
        valid = tgt != IGNORE
        hit = (logits.argmax(axis=-1) == tgt) & valid
        out[t] = float(hit.sum() / max(1, int(valid.sum())))
    return out


class Run:
    """One head count: its parameters, optimiser, data stream and history."""

    def __init__(self, cfg: TrainConfig, heads: int) -> None:
        task = cfg.task_def
        self.cfg = cfg
        self.task = task
        self.shape = ModelShape(cfg.vocab, cfg.n, cfg.d_model, int(heads), task.targets, task.causal)
        self._held_out: tuple[IntArray, dict[str, IntArray]] | None = None
        self.reset()

    @property
    def heads(self) -> int:
        return self.shape.heads

    @property
    def params_count(self) -> int:
        return count_params(self.shape)

    def reset(self) -> None:
        """Back to step 0: the initial weights and data stream of the seed, history cleared."""
        self.params: Params = init_params(self.shape, np.random.default_rng([self.cfg.seed, _INIT]))
        self.opt = Adam(self.cfg.lr)
        self._data = np.random.default_rng([self.cfg.seed, _DATA])
        self.step_count = 0
        self.history: list[HistoryPoint] = []
        self.eval_history: list[tuple[int, dict[str, float]]] = []

    @property
    def done(self) -> bool:
        return self.step_count >= self.cfg.steps

    def step(self, k: int = 1) -> list[HistoryPoint]:
        """Advance up to k optimiser steps (never past cfg.steps); returns the new history points."""
        with single_threaded_blas():
            return self._step(k)

    def _step(self, k: int) -> list[HistoryPoint]:
        new: list[HistoryPoint] = []
        for _ in range(max(0, min(int(k), self.cfg.steps - self.step_count))):
            tokens, targets = self.task.sample(self._data, self.cfg.batch, self.cfg.n, self.cfg.vocab)
            loss, grads, f = loss_and_grads(self.shape, self.params, tokens, targets)
            self.opt.update(self.params, grads)
            self.step_count += 1
            point = HistoryPoint(self.step_count, loss, accuracy(f, targets))
            self.history.append(point)
            new.append(point)
            if self.step_count % self.cfg.eval_every == 0 or self.step_count == self.cfg.steps:
                self.eval_history.append((self.step_count, self.evaluate(limit=500)))
        return new

    def held_out_set(self) -> tuple[IntArray, dict[str, IntArray]]:
        if self._held_out is None:
            self._held_out = held_out(self.task, self.cfg)
        return self._held_out

    def evaluate(self, head_mask: Array | None = None, limit: int | None = None) -> dict[str, float]:
        """Accuracy per target on the held-out set (its first ``limit`` sequences if given)."""
        tokens, targets = self.held_out_set()
        if limit is not None:
            tokens = tokens[:limit]
            targets = {t: a[:limit] for t, a in targets.items()}
        return accuracy(forward(self.shape, self.params, tokens, head_mask), targets)

    def held_out_loss(self) -> float:
        tokens, targets = self.held_out_set()
        return loss_and_grads(self.shape, self.params, tokens, targets, need_grads=False)[0]

    def ablate(self, head: int) -> dict[str, float]:
        """Held-out accuracy with head ``head`` (0-based) switched off: its output is zeroed before
        W_O, as in Michel et al. 2019, "Are Sixteen Heads Really Better than One?"."""
        if not 0 <= int(head) < self.heads:
            raise ValueError(f"Head {head} does not exist; this run has heads 0-{self.heads - 1}.")
        mask = np.ones(self.heads)
        mask[int(head)] = 0.0
        return self.evaluate(mask)

    def attention(self, tokens: IntArray) -> Array:
        """(h, n, n): the attention weights of every head on one sequence of token ids."""
        w: Array = forward(self.shape, self.params, np.asarray(tokens, dtype=np.int64)[None]).weights[0]
        return w

    def example(self, index: int = 0) -> IntArray:
        """A held-out sequence (token ids), the same for every head count."""
        seq: IntArray = self.held_out_set()[0][index]
        return seq

    def copy(self) -> Run:
        """A snapshot: its own copies of the weights and history (training this run further, e.g.
        in a worker thread, does not change the copy). The optimiser state is not copied."""
        other = Run(self.cfg, self.heads)
        other.params = {k: v.copy() for k, v in self.params.items()}
        other.step_count = self.step_count
        other.history = list(self.history)
        other.eval_history = list(self.eval_history)
        other._held_out = self._held_out
        return other

    # ----- save / load -----

    def meta(self) -> dict[str, object]:
        return {"format": FORMAT, "task": self.cfg.task, "heads": self.heads, "d_model": self.cfg.d_model,
                "seed": self.cfg.seed, "step": self.step_count, "steps": self.cfg.steps, "lr": self.cfg.lr,
                "batch": self.cfg.batch, "n": self.cfg.n, "vocab": self.cfg.vocab}

    def save(self, path: str | os.PathLike[str], dtype: str = "float32") -> None:
        """Write the weights and what made them to ``path`` (.npz), atomically: a temporary file in
        the same folder is renamed over the target only when complete. float32 (the default) keeps
        every prediction; the shipped checkpoints use float16 to stay a few KB."""
        from ..atomic import atomic_write  # the app's atomic writer: fsync, rename, no half file

        if dtype not in ("float16", "float32", "float64"):
            raise ValueError(f"dtype must be float16, float32 or float64, got {dtype!r}.")
        arrays: dict[str, Any] = {f"param_{k}": v.astype(dtype) for k, v in self.params.items()}
        arrays["meta"] = np.array(json.dumps(self.meta()))

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, **arrays)

        atomic_write(path, write)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Run:
        """A run with the saved weights, at the saved step. Raises ValueError with one clear
        sentence for a missing, unreadable, foreign or inconsistent file."""
        p = Path(path)
        what = f"{p} is not an Attention Explorer weights file"
        if not p.is_file():
            raise ValueError(f"The weights file {p} does not exist.")
        try:
            with np.load(p, allow_pickle=False) as z:
                files = {k: np.asarray(z[k]) for k in z.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError, KeyError) as e:
            raise ValueError(f"{what} (.npz): {e}") from None
        if "meta" not in files:
            raise ValueError(f"{what}: it has no 'meta' entry.")
        try:
            meta = json.loads(str(files["meta"]))
        except (json.JSONDecodeError, TypeError) as e:
            raise ValueError(f"{what}: its 'meta' entry is not valid JSON ({e}).") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"{what}: its format is not {FORMAT}.")
        try:
            cfg = TrainConfig(task=meta["task"], d_model=meta["d_model"], steps=max(1, meta["steps"]),
                              seed=meta["seed"], lr=meta["lr"], batch=meta["batch"], n=meta["n"],
                              vocab=meta["vocab"])
            run = cls(cfg, meta["heads"])
            step = meta["step"]
            if isinstance(step, bool) or not isinstance(step, int) or step < 0:
                raise ValueError(f"step must be a whole number, got {step!r}")
        except (KeyError, TypeError, ValueError) as e:
            raise ValueError(f"{what}: its settings are invalid ({e}).") from None
        for name, shape in param_shapes(run.shape).items():
            a = files.get(f"param_{name}")
            if a is None:
                raise ValueError(f"{what}: the weights {name!r} are missing.")
            if a.shape != shape or a.dtype.kind != "f":
                raise ValueError(f"{what}: the weights {name!r} have shape {a.shape} ({a.dtype}), "
                                 f"expected {shape} floats.")
            if not np.isfinite(a).all():
                raise ValueError(f"{what}: the weights {name!r} contain NaN or infinity.")
            run.params[name] = a.astype(np.float64)
        run.step_count = step
        return run


@dataclass
class Trainer:
    """Several head counts trained side by side; ``step(k)`` advances every unfinished run."""

    cfg: TrainConfig
    heads: tuple[int, ...] = (1, 2, 4)
    runs: dict[int, Run] = field(init=False)

    def __post_init__(self) -> None:
        hs = tuple(dict.fromkeys(int(h) for h in self.heads))
        if not hs:
            raise ValueError("Choose at least one head count.")
        self.heads = hs
        self.runs = {h: Run(self.cfg, h) for h in hs}
        self.stopped = False

    @property
    def step_count(self) -> int:
        return min(r.step_count for r in self.runs.values())

    @property
    def done(self) -> bool:
        return all(r.done for r in self.runs.values())

    def step(self, k: int = 1) -> dict[int, list[HistoryPoint]]:
        """Advance every run k steps (fewer at the end); nothing happens while stopped."""
        if self.stopped:
            return {h: [] for h in self.runs}
        return {h: r.step(k) for h, r in self.runs.items()}

    def stop(self) -> None:
        self.stopped = True

    def resume(self) -> None:
        self.stopped = False

    def reset(self) -> None:
        for r in self.runs.values():
            r.reset()
        self.stopped = False

    def with_steps(self, steps: int) -> Trainer:
        """A fresh trainer like this one with a different step budget."""
        return Trainer(replace(self.cfg, steps=steps), self.heads)
