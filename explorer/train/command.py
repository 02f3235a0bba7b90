"""The ``train`` subcommand: train one head count headless and report held-out accuracy.

    python main.py train --task prev-next --heads 2 [--d-model 32 --steps 600 --seed 0 --lr 0.01]
                         [--json] [--save OUT.npz]

Progress lines go to stdout; with --json the last line of stdout is one JSON object (task, heads,
d_model, params, steps, seconds, loss, accuracy, ...). Bad input returns 2 with exactly one line
"attention-explorer: error: ..." on stderr; nothing is trained and nothing is written.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path
from typing import TextIO

from ..atomic import ExportError, check_target
from .tasks import TASK_NAMES, get_task
from .trainer import HELD_OUT, MAX_D_MODEL, MAX_STEPS, Run, TrainConfig

PROG = "attention-explorer"


class _UsageError(ValueError):
    pass


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the train options. Numbers are read as text and checked in ``run``, so every bad value
    gets the same one-line error instead of argparse's usage block."""
    d = TrainConfig()
    parser.add_argument("--task", default=d.task, metavar="TASK",
                        help=f"what to learn: {', '.join(TASK_NAMES)} (default {d.task})")
    parser.add_argument("--heads", default="2", metavar="H", help="number of attention heads; must divide d_model")
    parser.add_argument("--d-model", dest="d_model", default=str(d.d_model), metavar="D",
                        help=f"model width d_model (default {d.d_model}; same parameter count for every H)")
    parser.add_argument("--steps", default=str(d.steps), metavar="N", help=f"optimiser steps (default {d.steps})")
    parser.add_argument("--seed", default=str(d.seed), metavar="S",
                        help="seed of the data and the initial weights (default 0)")
    parser.add_argument("--lr", default=str(d.lr), metavar="LR", help=f"Adam learning rate (default {d.lr})")
    parser.add_argument("--json", action="store_true", help="end with one line of JSON (the last line of stdout)")
    parser.add_argument("--save", metavar="OUT.npz", default=None,
                        help="write the trained weights to this .npz file (atomically)")


def _int(name: str, text: object, lo: int, hi: int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise _UsageError(f"{name} must be a whole number, got {text!r}.") from None
    if not lo <= value <= hi:
        raise _UsageError(f"{name} must be between {lo} and {hi}, got {value}.")
    return value


def _config(args: argparse.Namespace) -> tuple[TrainConfig, int]:
    task = str(args.task)
    try:
        get_task(task)
    except ValueError as e:
        raise _UsageError(str(e)) from None
    d_model = _int("--d-model", args.d_model, 1, MAX_D_MODEL)
    heads = _int("--heads", args.heads, 1, d_model)
    if d_model % heads:
        valid = ", ".join(str(c) for c in range(1, d_model + 1) if d_model % c == 0)
        raise _UsageError(f"--heads {heads} does not divide --d-model {d_model}; valid head counts: {valid}.")
    steps = _int("--steps", args.steps, 1, MAX_STEPS)
    seed = _int("--seed", args.seed, 0, 2**32 - 1)
    try:
        lr = float(str(args.lr).strip())
    except ValueError:
        raise _UsageError(f"--lr must be a number, got {args.lr!r}.") from None
    if not (math.isfinite(lr) and 0 < lr <= 1):
        raise _UsageError(f"--lr must be a number greater than 0 and at most 1, got {args.lr}.")
    return TrainConfig(task=task, d_model=d_model, steps=steps, seed=seed, lr=lr), heads


def _check_save(path: str) -> Path:
    p = Path(path).expanduser()
    if p.suffix.lower() != ".npz":
        raise _UsageError(f"--save needs a .npz file name, got {path}.")
    try:
        return check_target(p, force=True)
    except ExportError as e:
        raise _UsageError(e.message) from None


def run(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        cfg, heads = _config(args)
        save = _check_save(args.save) if getattr(args, "save", None) else None
    except _UsageError as e:
        print(f"{PROG}: error: {e}", file=err)
        return 2
    r = Run(cfg, heads)
    print(f"training {cfg.task} with h={heads} (d_model={cfg.d_model}, d_k={cfg.d_model // heads}, "
          f"{r.params_count} parameters), {cfg.steps} steps, seed {cfg.seed}, lr {cfg.lr}", file=out, flush=True)
    every = max(1, cfg.steps // 10)
    t0 = time.perf_counter()
    while not r.done:
        r.step(min(every, cfg.steps - r.step_count))
        last = r.history[-1]
        accs = "  ".join(f"{t} {a:.3f}" for t, a in last.accuracy.items())
        print(f"step {r.step_count:>6}/{cfg.steps}  loss {last.loss:.4f}  {accs}", file=out, flush=True)
    seconds = time.perf_counter() - t0
    acc = r.evaluate()
    loss = r.held_out_loss()
    print(f"held-out ({HELD_OUT} sequences): loss {loss:.4f}  "
          + "  ".join(f"{t} {a:.3f}" for t, a in acc.items()) + f"  ({seconds:.2f} s)", file=out, flush=True)
    if save is not None:
        try:
            r.save(save)
        except ExportError as e:
            print(f"{PROG}: error: {e.message}", file=err)
            return 2
        print(f"saved {save}", file=out, flush=True)
    if args.json:
        print(json.dumps({"task": cfg.task, "heads": heads, "d_model": cfg.d_model, "d_k": cfg.d_model // heads,
                          "params": r.params_count, "steps": cfg.steps, "seed": cfg.seed, "lr": cfg.lr,
                          "seconds": round(seconds, 3), "loss": round(loss, 6),
                          "train_loss": round(r.history[-1].loss, 6), "accuracy": acc, "held_out": HELD_OUT,
                          "saved": None if save is None else str(save)}), file=out, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry (python -m explorer.train.command ...), the same options as ``main.py train``."""
    parser = argparse.ArgumentParser(prog=f"{PROG} train", description=__doc__.splitlines()[0] if __doc__ else None)
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
