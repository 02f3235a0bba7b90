"""Engine timings at d_model=512, 16 heads, for 64, 128 and 256 tokens.

    python benchmarks/engine.py [--repeats 40]

full trace    every result cache empty: x, the projections, the scores and every later stage,
              all forced. The parameters (embeddings, W matrices, positional encodings) are
              generated once and reused, as a loaded model's weights would be.
trace         the same, but only what compute_attention computes before it returns: x, Q and K,
              the scores and the weights (V, the head outputs, concat and output follow on first
              access; the live heads view never reads them).
floor         the two float64 matrix products every full trace must do, timed alone in the same
              run: x @ [W_Q|W_K|W_V] (n x 512 x 1536) and concat @ W_O (n x 512 x 512).
heads-only    the head count moves down the slider 16 -> 8 -> 4 -> 2 -> 1 -> 16 ... on the same
              tokens; projections come from the cache, coarser scores are sums of cached finer
              ones; "weights" is what the live view needs, "all" forces every later stage too.
heads 8->16   a change up to 16 heads with no 16-head scores cached: the scores product is redone.
new token     embeddings of never-seen tokens at d_model 512: a paragraph of 256 new words in one
              call (one vectorised draw for the batch), per token; best and median of the repeats.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

import numpy as np

from explorer.engine import AttentionConfig, AttentionEngine
from explorer.engine.memory import tune_allocator

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from probe import cpu_probe_ms  # noqa: E402

CFG16 = AttentionConfig(d_model=512, n_heads=16)


def force_all(trace) -> None:
    for name in ("masked_scores", "head_outputs", "concat", "output"):
        getattr(trace, name)


def median_ms(fn, repeats: int) -> float:
    times = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fn(i)
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=40)
    args = ap.parse_args()
    probe = cpu_probe_ms()
    print(f"allocator tuned (as in the app): {tune_allocator()}; cpu probe {probe} ms (see benchmarks/probe.py)")
    results = {}
    cols = ("full_trace_ms", "floor_ms", "trace_ms", "heads_only_weights_ms", "heads_only_all_ms", "heads_8_to_16_ms")
    print(f"{'tokens':>6} " + " ".join(f"{c.replace('_ms', ''):>18}" for c in cols))
    for n in (64, 128, 256):
        vocab = [f"w{i}" for i in range(n)]
        eng = AttentionEngine()
        force_all(eng.compute(CFG16, vocab))  # first touch generates the parameters

        def full(i):
            eng.clear()
            toks = vocab[i % n:] + vocab[: i % n] if i % n else vocab[::-1]  # no row shared with the cache
            force_all(eng.compute(CFG16, toks))

        cycle = (16, 8, 4, 2, 1)

        def heads_only(i, every_stage=False):
            eng._traces.clear()  # the trace cache would make this a pure lookup
            t = eng.compute(AttentionConfig(d_model=512, n_heads=cycle[i % len(cycle)]), vocab)
            if every_stage:
                force_all(t)

        def up_to_16(i):
            eng.clear(keep_projections=True)
            eng.compute(AttentionConfig(d_model=512, n_heads=8), vocab)
            t0 = time.perf_counter()
            eng.compute(CFG16, vocab)
            return time.perf_counter() - t0

        def trace_only(i):
            eng.clear()
            toks = vocab[i % n:] + vocab[: i % n] if i % n else vocab[::-1]
            eng.compute(CFG16, toks)

        x, w_qkv, w_o = (np.random.default_rng(s).random(shape) for s, shape in
                         enumerate(((n, 512), (512, 1536), (512, 512))))
        floor = median_ms(lambda i: (x @ w_qkv, x @ w_o), args.repeats)
        f = median_ms(full, args.repeats)
        t = median_ms(trace_only, args.repeats)
        eng.clear(keep_projections=True)
        hw = median_ms(heads_only, args.repeats)
        ha = median_ms(lambda i: heads_only(i, True), args.repeats)
        up = statistics.median(up_to_16(i) for i in range(args.repeats)) * 1e3
        row = dict(zip(cols, (round(f, 3), round(floor, 3), round(t, 3), round(hw, 3), round(ha, 3), round(up, 3))))
        results[n] = row
        print(f"{n:>6} " + " ".join(f"{row[c]:>18.3f}" for c in cols) + "  (ms)")
    new_best, new_median = new_token_ms(args.repeats)
    print(f"new token embedding at d_model 512 (256 never-seen tokens per call): {new_best:.4f} ms per token "
          f"best, {new_median:.4f} ms median")
    print("targets: full trace @128 <= 3 ms, heads-only @256 <= 4 ms, new token <= 0.01 ms")
    print(json.dumps({"benchmark": "engine", "d_model": 512, "n_heads": 16, "cpu_probe_ms": probe,
                      "results": results, "new_token_ms": {"best": round(new_best, 5),
                                                           "median": round(new_median, 5)}}))


def new_token_ms(repeats: int, n: int = 256) -> tuple[float, float]:
    """Per-token time to embed ``n`` never-seen tokens in one call, d_model 512: (best, median)."""
    from explorer.engine.weights import token_embeddings

    token_embeddings(0, ["warm-up"], 512)  # the quantile table is made once
    times = []
    for r in range(max(5, repeats)):
        tokens = [f"new{r}_{i}" for i in range(n)]
        t0 = time.perf_counter()
        token_embeddings(0, tokens, 512)
        times.append((time.perf_counter() - t0) * 1e3 / n)
    return min(times), statistics.median(times)


if __name__ == "__main__":
    main()
