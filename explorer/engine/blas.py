"""Run a worker's small matrix products on one BLAS thread.

A training step multiplies matrices of a few hundred by 32; a model's forward pass is many
(n <= 256) x d x 4d products. OpenBLAS splits products of that size over every core, and on a busy
2-core machine the threads mostly wait for each other: a training step took 4x longer with two BLAS
threads than with one, a 64-token SmolLM2 run 1.5 s instead of 0.2 s. OpenBLAS >= 0.3.27 can set the thread count for
the calling thread only (``openblas_set_num_threads_local``), so training in a worker thread does
not change how the rest of the app multiplies. Where that function is absent (another BLAS,
another platform) this is a no-op.
"""
from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import numpy as np


@lru_cache(maxsize=1)
def _set_local() -> Any:
    """``openblas_set_num_threads_local`` of the OpenBLAS numpy uses, or None."""
    candidates: list[str] = []
    try:  # the libraries this process has loaded (Linux)
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            candidates += sorted({line.split()[-1] for line in fh if "openblas" in line.lower() and "/" in line})
    except OSError:
        pass
    libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    candidates += sorted(glob.glob(os.path.join(libs, "*openblas*")))
    for path in candidates:
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        fn.argtypes = [ctypes.c_int]
        fn.restype = ctypes.c_int
        return fn
    return None


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Within the block, the calling thread's BLAS products use one thread."""
    fn = _set_local()
    if fn is None:
        yield
        return
    old = int(fn(1))
    try:
        yield
    finally:
        fn(old)
