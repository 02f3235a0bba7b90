"""Export speed: the 16-head grid as a 2x PNG (target <= 0.5 s) and the 11-page step-through
handout as PDF (target <= 3 s), end to end (build the figure offscreen, render, encode, write
atomically), median of several runs after one warm-up. Prints a table and a final JSON line.

    python benchmarks/export.py [--runs N]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from explorer.engine import AttentionConfig, compute_pair, tokenize  # noqa: E402
from explorer.limits import DEFAULT_TEXT  # noqa: E402
from explorer.ui.export import ensure_app, export_figure, export_handout  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # benchmarks/ is not a package
from probe import cpu_probe_ms  # noqa: E402

TARGETS = {"grid_png_2x_s": 0.5, "handout_pdf_s": 3.0}


def timed(fn, runs: int) -> tuple[float, list[float]]:
    fn()  # warm-up: imports, fonts, first QApplication work
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    probe = cpu_probe_ms()
    print(f"cpu probe {probe} ms (see benchmarks/probe.py)")
    ensure_app()
    cfg = AttentionConfig(d_model=128, n_heads=16)
    pair = compute_pair(cfg, tokenize(DEFAULT_TEXT))
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        png, pdf, svg, grid_pdf = (Path(tmp) / name for name in ("grid.png", "handout.pdf", "grid.svg", "grid.pdf"))
        results["grid_png_2x_s"], _ = timed(lambda: export_figure(pair, png, view="heads", scale=2), args.runs)
        results["grid_svg_s"], _ = timed(lambda: export_figure(pair, svg, view="heads"), args.runs)
        results["grid_pdf_s"], _ = timed(lambda: export_figure(pair, grid_pdf, view="heads"), args.runs)
        results["handout_pdf_s"], _ = timed(lambda: export_handout(pair, pdf), max(3, args.runs // 2))
        sizes = {name: p.stat().st_size for name, p in
                 (("grid_png_bytes", png), ("grid_svg_bytes", svg), ("grid_pdf_bytes", grid_pdf),
                  ("handout_pdf_bytes", pdf))}

    print(f"export benchmark: d_model={cfg.d_model}, h={cfg.n_heads}, n={pair.multi.n} tokens "
          f"(default sentence), median of {args.runs} runs")
    print(f"{'export':<28}{'median':>10}{'target':>10}")
    for key, value in results.items():
        target = TARGETS.get(key)
        mark = "" if target is None else ("  ok" if value <= target else "  SLOW")
        print(f"{key:<28}{value * 1e3:>8.0f} ms{'' if target is None else f'{target * 1e3:>7.0f} ms'}{mark}")
    for key, value in sizes.items():
        print(f"{key:<28}{value / 1024:>8.0f} KB")
    ok = all(results[k] <= t for k, t in TARGETS.items())
    print(json.dumps({"benchmark": "export", "cpu_probe_ms": probe, "d_model": cfg.d_model, "n_heads": cfg.n_heads,
                      "n_tokens": pair.multi.n,
                      "runs": args.runs, **{k: round(v, 4) for k, v in results.items()}, **sizes,
                      "targets": TARGETS, "within_targets": ok}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
