"""A machine-speed probe printed with every benchmark: shared 2-core machines vary by 2x over
minutes, so figures are only comparable next to the probe measured at the same time."""
from __future__ import annotations

import time


def cpu_probe_ms() -> float:
    """Best of three runs of a fixed pure-Python loop (2,000,000 additions), in ms."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, (time.perf_counter() - t0) * 1e3)
    return round(best, 1)
