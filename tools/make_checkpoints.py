"""Train and write the shipped checkpoints: resources/checkpoints/<task>-h<H>.npz (float16, ~14 KB).

    python tools/make_checkpoints.py [--out resources/checkpoints] [--seed 0]

Deterministic: the same seed gives the same weights. Each file is reloaded and its held-out
accuracy printed, so a checkpoint that lost anything to float16 would show.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a source checkout

from explorer.train.checkpoints import SHIPPED, checkpoint_name  # noqa: E402
from explorer.train.trainer import Run, TrainConfig  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "resources" / "checkpoints"))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for task, heads in SHIPPED:
        t0 = time.perf_counter()
        run = Run(TrainConfig(task=task, seed=args.seed), heads)
        run.step(run.cfg.steps)
        path = out / checkpoint_name(task, heads)
        run.save(path, dtype="float16")
        acc = Run.load(path).evaluate()
        accs = "  ".join(f"{t} {a:.3f}" for t, a in acc.items())
        size = os.path.getsize(path)
        print(f"{path.name:<18} {size:>6} bytes  {time.perf_counter() - t0:5.1f} s  {accs}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
